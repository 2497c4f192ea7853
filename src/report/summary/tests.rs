//! Tests of the summary: the recommendation, its evidence and the chart's models.

use super::*;
use crate::Credit;
use crate::credit::ChannelCredit;

/// A credit of `model` giving each channel of `channels` the conversions listed
/// (sorted by channel, as credit is).
fn credit(model: &str, channels: &[(&str, f64)]) -> Credit {
    let mut channels = channels.to_vec();
    channels.sort_by(|a, b| a.0.cmp(b.0));
    let total: f64 = channels.iter().map(|c| c.1).sum();
    Credit {
        model: model.into(),
        dimension: "channel".into(),
        additive: model != "influenced",
        total_conversions: total,
        total_value: total,
        channels: channels
            .iter()
            .map(|&(c, v)| ChannelCredit {
                channel: c.into(),
                conversions: v,
                value: v,
                share: v / total,
                conversions_lo: None,
                conversions_hi: None,
                weighted_conversions: None,
            })
            .collect(),
        notes: vec![],
    }
}

/// Last touch gives search 60 and display 40; markov 30 and 70; shapley 50 and 50.
fn comparison() -> Comparison {
    Comparison::new(
        "channel",
        &[
            credit("last_touch", &[("search", 60.0), ("display", 40.0)]),
            credit("markov", &[("search", 30.0), ("display", 70.0)]),
            credit("shapley", &[("search", 50.0), ("display", 50.0)]),
            credit("linear", &[("search", 55.0), ("display", 45.0)]),
        ],
    )
}

#[test]
fn without_evidence_the_registrys_first_data_driven_model_is_recommended() {
    let s = Summary::new(&comparison(), Evidence::default());
    assert_eq!(s.recommended.as_deref(), Some("markov"));
    assert_eq!(
        s.chart_models,
        ["markov", "last_touch", "shapley", "linear"]
    );
    // Rows sorted by the recommended model's credit.
    assert_eq!(s.rows[0].channel, "display");
    // display: 70 against 40 is +30 (75% more): under-credited by last touch.
    assert!(
        s.rows[0]
            .reading
            .starts_with("under-credited by last touch (+30.0")
    );
    // search: 30 against 60: over-credited.
    assert_eq!(
        s.rows[1].reading,
        "over-credited by last touch (-30.0 conversions under markov)"
    );
    assert!(
        s.what_would_change
            .iter()
            .any(|w| w.contains(&Param::Accuracy.mention()))
    );
}

/// The summary of `comparison()` given these distances to the truth.
fn with_accuracy(distances: &[(&str, f64)]) -> Summary {
    let accuracy: BTreeMap<String, f64> =
        distances.iter().map(|&(m, d)| (m.to_string(), d)).collect();
    Summary::new(
        &comparison(),
        Evidence {
            accuracy: Some(&accuracy),
            ..Evidence::default()
        },
    )
}

#[test]
fn a_scored_simulation_recommends_the_model_closest_to_the_truth() {
    let s = with_accuracy(&[
        ("markov", 0.30),
        ("shapley", 0.10),
        ("last_touch", 0.20),
        ("linear", 0.05),
    ]);
    // linear is closer still, but a rule is never the data-driven recommendation.
    assert_eq!(s.recommended.as_deref(), Some("shapley"));
    assert!(
        s.why
            .iter()
            .any(|w| w.contains("0.100 from the truth") && w.contains("last touch's were 0.200"))
    );
    // shapley 50 against last touch 60 is -10 (17%): below the material difference.
    let search = s.rows.iter().find(|r| r.channel == "search").unwrap();
    assert_eq!(search.reading, "about the same under both");
}

#[test]
fn a_rule_closer_to_the_truth_is_said_plainly() {
    let s = with_accuracy(&[("markov", 0.30), ("last_touch", 0.20)]);
    assert_eq!(s.recommended.as_deref(), Some("markov"));
    assert!(s.what_would_change.iter().any(|w| {
        w.contains("last touch came closer to the truth than markov (0.200 against 0.300)")
    }));
}

#[test]
fn warnings_of_charted_models_are_kept_in_plain_words() {
    let notes: BTreeMap<String, Vec<String>> = [(
        "markov".to_string(),
        vec![
            "exact solve".to_string(),
            "WARNING: few conversions".to_string(),
        ],
    )]
    .into();
    let s = Summary::new(
        &comparison(),
        Evidence {
            notes: Some(&notes),
            ..Evidence::default()
        },
    );
    assert_eq!(s.warnings["markov"], ["few conversions"]);
    assert!(
        s.what_would_change
            .iter()
            .any(|w| w == "markov carries a warning: few conversions")
    );
}

#[test]
fn the_chart_shows_at_most_five_models() {
    let names = [
        "last_touch",
        "first_touch",
        "linear",
        "time_decay",
        "markov",
        "shapley",
        "logistic",
    ];
    let credits: Vec<Credit> = names
        .iter()
        .map(|m| credit(m, &[("a", 1.0), ("b", 2.0)]))
        .collect();
    let s = Summary::new(&Comparison::new("channel", &credits), Evidence::default());
    assert_eq!(s.chart_models.len(), CHART_MODELS);
    assert_eq!(s.chart_models[..2], ["markov", "last_touch"]);
    // Data-driven models come before the other rules.
    assert_eq!(s.chart_models[2..], ["shapley", "logistic", "first_touch"]);
}

/// A plan from markov's credit that holds `search` for a credit at risk: its reading
/// says why it keeps its spend, not merely that it does.
#[test]
fn a_channel_held_for_credit_at_risk_says_why() {
    use crate::decide::{BudgetParams, Spend};
    use crate::models::{CreditRisk, RiskDirection};
    let spend = Spend {
        period: None,
        dimension: "channel".into(),
        by_key: [
            ("search".to_string(), 100.0),
            ("display".to_string(), 100.0),
        ]
        .into(),
        report: Default::default(),
    };
    let params = BudgetParams {
        at_risk: vec![CreditRisk::new(
            "search",
            RiskDirection::Low,
            "steady exposure",
        )],
        ..BudgetParams::default()
    };
    let credit = credit("markov", &[("search", 30.0), ("display", 70.0)]);
    let plan = Plan::new(&credit, &spend, &params).unwrap();
    let s = Summary::new(
        &comparison(),
        Evidence {
            plan: Some(&plan),
            ..Evidence::default()
        },
    );
    let search = s.rows.iter().find(|r| r.channel == "search").unwrap();
    assert!(
        search.reading.ends_with(
            "keep its spend: markov's own warnings doubt its credit the way the plan would \
             move it (credit at risk; a lift test settles it)"
        ),
        "{}",
        search.reading
    );
    let display = s.rows.iter().find(|r| r.channel == "display").unwrap();
    assert_eq!(display.budget_change, Some(0.0), "{:?}", display);
}
