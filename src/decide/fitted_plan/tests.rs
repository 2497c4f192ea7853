//! Known answers of the fitted plan: a hand-derived two-channel optimum, a channel
//! held at its spend, draws checked.

use super::*;
use crate::credit::ChannelCredit;
use crate::journeys::ExposureSeries;
use crate::time::DAY;

/// Two channels whose weekly exposures are exactly `E(x) = a (1 − e^(−x/k))` of
/// their spend: `a` 1000, 500; `k` 100, 50. One exposure is worth 0.1 conversions
/// for both (their credit is 0.1 times their exposures). Then `g'_A(x) = 0.1 · 1000/100
/// · e^(−x/100) = e^(−x/100)` and `g'_B(y) = e^(−y/50)`; equal marginals give
/// `x = 2y`, so today's 100 + 100 per week goes 133.33 to A and 66.67 to B
/// (hand-derived), inside the ±100% bounds.
pub(super) fn world() -> (Credit, SpendSeries, ExposureSeries) {
    let weeks = 16;
    let spend_a: Vec<f64> = (0..weeks).map(|w| 40.0 + 15.0 * w as f64).collect();
    let spend_b: Vec<f64> = (0..weeks).map(|w| 260.0 - 14.0 * w as f64).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    // Rescale so both average 100 a week.
    let spend_a: Vec<f64> = spend_a.iter().map(|x| x * 100.0 / mean(&spend_a)).collect();
    let spend_b: Vec<f64> = spend_b.iter().map(|x| x * 100.0 / mean(&spend_b)).collect();
    let first = crate::time::parse_timestamp("2026-01-05T00:00:00Z").unwrap();
    let spend = SpendSeries::new(
        "channel",
        7,
        first,
        BTreeMap::from([
            ("a".to_string(), spend_a.clone()),
            ("b".to_string(), spend_b.clone()),
        ]),
    )
    .unwrap();
    let day0 = first / DAY;
    let daily = |spend: &[f64], a: f64, k: f64| -> Vec<u64> {
        let mut days = vec![0u64; weeks * 7];
        for (w, x) in spend.iter().enumerate() {
            days[w * 7] = (a * (1.0 - (-x / k).exp())).round() as u64;
        }
        days
    };
    let by_channel = BTreeMap::from([
        ("a".to_string(), daily(&spend_a, 1000.0, 100.0)),
        ("b".to_string(), daily(&spend_b, 500.0, 50.0)),
    ]);
    let credit = credit_per_exposure(&by_channel, 0.1);
    let exposures = ExposureSeries {
        first_day: day0,
        days: weeks * 7,
        by_channel,
        ..Default::default()
    };
    (credit, spend, exposures)
}

#[test]
fn two_exponential_channels_get_the_hand_derived_optimum() {
    let (credit, spend, exposures) = world();
    let mut params = FittedPlanParams {
        draws: 20,
        ..FittedPlanParams::default()
    };
    params.budget.max_shift = 1.0;
    let plan = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    let a = &plan.rows[0];
    let b = &plan.rows[1];
    assert_eq!(a.curve, "exponential", "{plan:#?}");
    assert!((a.current_spend - 100.0).abs() < 1e-9);
    assert!((a.recommended_spend - 400.0 / 3.0).abs() < 0.5, "{a:?}");
    assert!((b.recommended_spend - 200.0 / 3.0).abs() < 0.5, "{b:?}");
    assert!((a.value_per_exposure.unwrap() - 0.1).abs() < 1e-12);
    assert_eq!((plan.route.as_str(), a.route.as_str()), ("logs", "logs"));
    assert!(plan.value_after >= plan.value_before);
    assert_eq!(plan.objective, "conversions");
    assert!(plan.prob_beats_today > 0.9, "{}", plan.prob_beats_today);
    assert_eq!(a.prob_rise, Some(1.0));
    // The assumed response follows average ROAS instead (equal here: 0.1 per
    // exposure, and A's 1000-ceiling curve gives it more exposures per unit).
    assert!(a.assumed_spend.is_some());
    // Deterministic: the same inputs give the same plan.
    assert_eq!(
        plan,
        fitted_plan(&credit, &spend, &exposures, &params).unwrap()
    );
}

/// The same world with `b`'s credit possibly too low (its model's warning): the plan
/// would cut `b` to 66.67, so it holds `b` at today's 100 and `a` keeps the rest (100),
/// the row says `at_risk` and a note names `b` and why; possibly too high instead, `b`
/// is free to fall and the plan is the free one.
#[test]
fn a_channel_whose_credit_may_be_too_low_is_not_cut() {
    use crate::models::{CreditRisk, RiskDirection};
    let (credit, spend, exposures) = world();
    let mut params = FittedPlanParams {
        draws: 20,
        ..FittedPlanParams::default()
    };
    params.budget.max_shift = 1.0;
    params.budget.at_risk = vec![CreditRisk::new("b", RiskDirection::Low, "steady exposure")];
    let plan = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    let (a, b) = (&plan.rows[0], &plan.rows[1]);
    assert!((b.recommended_spend - 100.0).abs() < 1e-6, "{b:?}");
    assert!((a.recommended_spend - 100.0).abs() < 1e-6, "{a:?}");
    assert_eq!((a.bound.as_str(), b.bound.as_str()), ("", "at_risk"));
    let note = plan
        .notes
        .iter()
        .find(|n| n.starts_with("Credit at risk"))
        .unwrap();
    assert!(
        note.contains("`b` held at today's spend (credit may be too low: steady exposure"),
        "{note}"
    );
    params.budget.at_risk = vec![CreditRisk::new("b", RiskDirection::High, "follows intent")];
    let plan = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    assert!(
        (plan.rows[1].recommended_spend - 200.0 / 3.0).abs() < 0.5,
        "{plan:#?}"
    );
}

#[test]
fn draws_are_checked_before_any_fit() {
    let (credit, spend, exposures) = world();
    for (draws, expected) in [(0, "at least 1"), (usize::MAX / 4, "draws of 2 channels")] {
        let params = FittedPlanParams {
            draws,
            ..FittedPlanParams::default()
        };
        let err = fitted_plan(&credit, &spend, &exposures, &params)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn a_channel_without_exposures_keeps_its_spend_and_says_why() {
    let (credit, mut spend, exposures) = world();
    spend.by_key.insert("c".into(), vec![50.0; spend.len()]);
    let plan = fitted_plan(&credit, &spend, &exposures, &FittedPlanParams::default()).unwrap();
    let c = plan.rows.iter().find(|r| r.channel == "c").unwrap();
    assert_eq!(c.recommended_spend, 50.0);
    assert_eq!(c.bound, "held");
    assert!(
        plan.notes
            .iter()
            .any(|n| n.starts_with("WARNING: `c` keeps today's spend")),
        "{:?}",
        plan.notes
    );
    assert!((plan.total_spend - 250.0).abs() < 1e-9);
}

/// The same world with a new total of 270 a week: equal marginals `x = 2y` give 180 and
/// 90; with a target marginal return of 1/2 instead, `e^(−x/100) = e^(−y/50) = 1/2`
/// gives `x = 100 ln 2 = 69.31` and `y = 50 ln 2 = 34.66` (hand-derived).
#[test]
fn a_new_total_and_a_target_marginal_return_get_their_hand_derived_plans() {
    let (credit, spend, exposures) = world();
    let mut params = FittedPlanParams {
        draws: 10,
        total: Some(270.0),
        ..FittedPlanParams::default()
    };
    params.budget.max_shift = 1.0;
    let plan = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    assert!(
        (plan.rows[0].recommended_spend - 180.0).abs() < 0.5,
        "{:?}",
        plan.rows
    );
    assert!(
        (plan.rows[1].recommended_spend - 90.0).abs() < 0.5,
        "{:?}",
        plan.rows
    );
    assert!((plan.total_spend - 270.0).abs() < 1e-6);
    params.total = None;
    params.target_mroas = Some(0.5);
    let plan = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    let ln2 = std::f64::consts::LN_2;
    assert!(
        (plan.rows[0].recommended_spend - 100.0 * ln2).abs() < 0.5,
        "{:?}",
        plan.rows
    );
    assert!(
        (plan.rows[1].recommended_spend - 50.0 * ln2).abs() < 0.5,
        "{:?}",
        plan.rows
    );
    params.total = Some(200.0);
    let err = fitted_plan(&credit, &spend, &exposures, &params)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not both"), "{err}");
}

#[test]
fn a_credited_channel_without_spend_is_named() {
    let (mut credit, spend, exposures) = world();
    credit.channels.push(ChannelCredit {
        channel: "organic".into(),
        conversions: 5.0,
        value: 0.0,
        share: 0.0,
        conversions_lo: None,
        conversions_hi: None,
        weighted_conversions: None,
    });
    let params = FittedPlanParams {
        draws: 5,
        ..FittedPlanParams::default()
    };
    let plan = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    assert!(
        plan.notes
            .iter()
            .any(|n| n == "Credited without spend (not part of the plan): organic."),
        "{:?}",
        plan.notes
    );
    assert!(plan.rows.iter().all(|r| r.channel != "organic"));
}

/// The credit's bootstrap intervals widen the plan's: the same world with every
/// channel's credit known to ±40% (a 95% interval) spreads the recommended spend of the
/// draws more than the curves alone, and the notes say which uncertainty the draws carry.
#[test]
fn credit_intervals_widen_the_plan_intervals() {
    let (credit, spend, exposures) = world();
    let params = FittedPlanParams {
        draws: 100,
        ..FittedPlanParams::default()
    };
    let known = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    let mut uncertain = credit.clone();
    for c in &mut uncertain.channels {
        c.conversions_lo = Some(0.6 * c.conversions);
        c.conversions_hi = Some(1.4 * c.conversions);
    }
    let spread = fitted_plan(&uncertain, &spend, &exposures, &params).unwrap();
    let width = |plan: &FittedPlan| -> f64 {
        plan.rows
            .iter()
            .map(|r| r.spend_p90.unwrap() - r.spend_p10.unwrap())
            .sum()
    };
    assert!(
        width(&spread) > width(&known),
        "{} vs {}",
        width(&spread),
        width(&known)
    );
    assert_eq!(
        spread.rows[0].recommended_spend,
        known.rows[0].recommended_spend
    );
    assert!(known.notes.iter().any(|n| n.contains("taken as known")));
    assert!(spread.notes.iter().any(|n| n.contains("(2 of 2 channels)")));
}

/// A plan over logs with a person per row: channel `a`'s 2nd and later exposures in a
/// week are worth less (0.4, 0.2 of the 1st), `b`'s are worth as much. Spend varies by
/// week and buys exposures in proportion to `1 − e^(−x/100)`. `a` gets the frequency
/// effect (its column and note say so; its value per first exposure is above its
/// credit per exposure), `b` keeps one value, `credit / exposures`, and says so.
#[test]
fn frequency_effects_where_shown_and_one_value_elsewhere() {
    let spend_of = |w: usize| 40.0 + 120.0 * ((w * 7) % 13) as f64 / 12.0;
    let factors: [f64; 26] =
        std::array::from_fn(|w| (1.0 - (-spend_of(w) / 100.0).exp()) / (1.0 - (-1.0f64).exp()));
    let persons = crate::decide::frequency::tests::weekly_world(
        20_000,
        &[
            ("a", 0.12, [0.03, 0.012, 0.006]),
            ("b", 0.10, [0.02, 0.02, 0.02]),
        ],
        7,
        &factors,
    );
    let mut by_channel: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (c, touches) in &persons.touches {
        let days = by_channel
            .entry(c.clone())
            .or_insert_with(|| vec![0; 26 * 7]);
        for &(_, day) in touches {
            days[day as usize] += 1;
        }
    }
    let day0 = crate::time::parse_timestamp("1970-01-01T00:00:00Z").unwrap();
    let series = (0..26).map(spend_of).collect::<Vec<f64>>();
    let spend = SpendSeries::new(
        "channel",
        7,
        day0,
        BTreeMap::from([("a".to_string(), series.clone()), ("b".to_string(), series)]),
    )
    .unwrap();
    let credit = credit_per_exposure(&by_channel, 0.02);
    let exposures = ExposureSeries {
        first_day: 0,
        days: 26 * 7,
        by_channel,
        by_campaign: BTreeMap::new(),
        persons,
    };
    let params = FittedPlanParams {
        draws: 20,
        ..FittedPlanParams::default()
    };
    let plan = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    let (a, b) = (&plan.rows[0], &plan.rows[1]);
    assert!(a.frequency.starts_with("2nd 0."), "{a:?}");
    assert!(a.value_per_exposure.unwrap() > 0.02 * 1.05, "{a:?}");
    assert_eq!(b.frequency, "none shown", "{b:?}");
    assert!(
        (b.value_per_exposure.unwrap() - 0.02).abs() < 1e-12,
        "{b:?}"
    );
    let notes = plan.notes.join("\n");
    assert!(notes.contains("Frequency effects shown in a:"), "{notes}");
    assert!(
        notes.contains("Frequency, `b`: no frequency effect distinguishable from constant"),
        "{notes}"
    );
    // Without frequency effects, every exposure keeps one value and nothing is noted.
    let off = FittedPlanParams {
        frequency: false,
        ..params
    };
    let plain = fitted_plan(&credit, &spend, &exposures, &off).unwrap();
    assert!((plain.rows[0].value_per_exposure.unwrap() - 0.02).abs() < 1e-12);
    assert_eq!(plain.rows[0].frequency, "");
    assert!(!plain.notes.join("\n").contains("Frequency"));
}

/// `self_controlled` credit of channels `a` and `b`: `rate` conversions per exposure.
pub(super) fn credit_per_exposure(by_channel: &BTreeMap<String, Vec<u64>>, rate: f64) -> Credit {
    let total = |c: &str| by_channel[c].iter().sum::<u64>() as f64;
    Credit {
        model: "self_controlled".into(),
        dimension: "channel".into(),
        additive: true,
        total_conversions: rate * (total("a") + total("b")),
        total_value: 0.0,
        channels: ["a", "b"]
            .iter()
            .map(|c| ChannelCredit {
                channel: c.to_string(),
                conversions: rate * total(c),
                value: 0.0,
                share: 0.5,
                conversions_lo: None,
                conversions_hi: None,
                weighted_conversions: None,
            })
            .collect(),
        notes: vec![],
    }
}
