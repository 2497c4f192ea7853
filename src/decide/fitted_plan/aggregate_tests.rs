//! Known answers of the aggregate route: a hand-derived two-channel optimum from a
//! credit series drawn exactly from known curves, the log route's plan when the series
//! is its exposures times their value, a channel held, the weaker route labelled.

use super::*;
use crate::csv_input::Records;
use crate::decide::credit_series::CreditSeries;

/// Sixteen weekly spends per channel averaging 100 (as in the log route's test world),
/// from 2026-01-05.
fn weekly_spend() -> (Vec<f64>, Vec<f64>) {
    let a: Vec<f64> = (0..16).map(|w| 40.0 + 15.0 * w as f64).collect();
    let b: Vec<f64> = (0..16).map(|w| 260.0 - 14.0 * w as f64).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(&a), mean(&b));
    (
        a.iter().map(|x| x * 100.0 / ma).collect(),
        b.iter().map(|x| x * 100.0 / mb).collect(),
    )
}

fn date(w: usize) -> String {
    crate::decide::spend_series::date(
        crate::time::parse_timestamp("2026-01-05T00:00:00Z").unwrap()
            + (w as i64) * 7 * crate::time::DAY,
    )
}

/// The spend file and a credit series whose value per week is exactly
/// `a (1 − e^(−x/k))` of the week's spend: A `a = 300, k = 150`, B `a = 100, k = 50`
/// (conversions a tenth of the value), and an organic channel without spend.
fn files() -> (String, String) {
    let (sa, sb) = weekly_spend();
    let mut spend = "channel,period,spend\n".to_string();
    let mut credit = "channel,period,conversions,value\n".to_string();
    for (name, s, a, k) in [("a", &sa, 300.0, 150.0), ("b", &sb, 100.0, 50.0)] {
        for (w, &x) in s.iter().enumerate() {
            let v: f64 = a * (1.0 - (-x / k).exp());
            spend.push_str(&format!("{name},{},{x}\n", date(w)));
            credit.push_str(&format!("{name},{},{},{v}\n", date(w), v / 10.0));
        }
    }
    for w in 0..16 {
        credit.push_str(&format!("organic,{},5,50\n", date(w)));
    }
    (spend, credit)
}

fn plan_of(spend: &str, credit: &str, params: &FittedPlanParams) -> Result<FittedPlan> {
    aggregate_plan_from(
        Records::csv(spend.as_bytes()),
        "spend.csv",
        Records::csv(credit.as_bytes()),
        "credit_series.csv",
        params,
    )
}

/// With `g_A(x) = 300 (1 − e^(−x/150))` and `g_B(y) = 100 (1 − e^(−y/50))`, the
/// marginals are `g'_A(x) = 2 e^(−x/150)` and `g'_B(y) = 2 e^(−y/50)`; equal marginals
/// give `x/150 = y/50`, i.e. `x = 3y`, so today's 100 + 100 a week goes 150 to A and 50
/// to B (hand-derived), inside the ±100% bounds, with `λ = 2 e^(−1) = 0.7358`.
#[test]
fn two_exponential_channels_get_the_hand_derived_optimum() {
    let (spend, credit) = files();
    let mut params = FittedPlanParams {
        draws: 20,
        ..FittedPlanParams::default()
    };
    params.budget.max_shift = 1.0;
    let plan = plan_of(&spend, &credit, &params).unwrap();
    let (a, b) = (&plan.rows[0], &plan.rows[1]);
    assert_eq!(plan.rows.len(), 2, "{plan:#?}");
    assert_eq!(a.curve, "exponential", "{plan:#?}");
    assert!((a.current_spend - 100.0).abs() < 1e-9);
    assert!((a.recommended_spend - 150.0).abs() < 0.5, "{a:?}");
    assert!((b.recommended_spend - 50.0).abs() < 0.5, "{b:?}");
    assert!((plan.lambda.unwrap() - 2.0 * (-1.0f64).exp()).abs() < 1e-3);
    assert!((plan.total_spend - 200.0).abs() < 1e-6);
    // Today: 300 (1 − e^(−2/3)) + 100 (1 − e^(−2)) = 146.00 + 86.47 (hand-computed).
    let today = 300.0 * (1.0 - (-2.0f64 / 3.0).exp()) + 100.0 * (1.0 - (-2.0f64).exp());
    assert!(
        (plan.value_before - today).abs() < 1e-3,
        "{}",
        plan.value_before
    );
    assert_eq!(a.prob_rise, Some(1.0));
    assert!(plan.prob_beats_today > 0.9, "{}", plan.prob_beats_today);
    assert!(a.assumed_spend.is_some());
    // Labelled as the weaker route, everywhere.
    assert_eq!(plan.route, "aggregate");
    assert_eq!(plan.model, AGGREGATE_MODEL);
    assert_eq!(plan.objective, "attributed_value");
    assert_eq!(plan.notes[0], AGGREGATE_CAVEAT);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("16 periods of 7 day(s)"))
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n
                == "Credited in credit_series.csv without spend, left out of the plan: organic."),
        "{:?}",
        plan.notes
    );
    for r in &plan.rows {
        assert_eq!(
            (r.route.as_str(), r.value_per_exposure),
            ("aggregate", None)
        );
    }
    // No value per exposure to draw: the note says what the draws carry instead.
    assert!(
        plan.notes
            .iter()
            .any(|n| n.starts_with("The draws resample the periods of the credit series")),
        "{:?}",
        plan.notes
    );
    assert!(
        !plan
            .notes
            .iter()
            .any(|n| n.contains("value of an exposure"))
    );
    // Without a value column the conversions (a tenth) are the objective: same plan.
    let conversions_only: String = credit
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    let by_conversions = plan_of(&spend, &conversions_only, &params).unwrap();
    assert_eq!(by_conversions.objective, "attributed_conversions");
    assert!((by_conversions.rows[0].recommended_spend - 150.0).abs() < 0.5);
    assert!((by_conversions.value_before - today / 10.0).abs() < 1e-3);
}

/// A credit series equal to each channel's exposures per week times its value per
/// exposure holds exactly what the log route fits: the two routes, sharing one plan
/// assembly, make the same plan.
#[test]
fn a_series_of_exposures_times_their_value_gives_the_log_routes_plan() {
    let (credit, spend, exposures) = super::tests::world();
    let mut params = FittedPlanParams {
        draws: 10,
        ..FittedPlanParams::default()
    };
    params.budget.max_shift = 1.0;
    let logs = fitted_plan(&credit, &spend, &exposures, &params).unwrap();
    let day0 = spend.periods[0] / crate::time::DAY;
    let per = |c: &str| -> Vec<f64> {
        let v = 0.1; // the world's conversions per exposure
        exposures
            .per_period(c, day0, 7, spend.len())
            .iter()
            .map(|e| v * e)
            .collect()
    };
    let series = CreditSeries {
        conversions: BTreeMap::from([("a".into(), per("a")), ("b".into(), per("b"))]),
        value: BTreeMap::from([("a".into(), vec![0.0; 16]), ("b".into(), vec![0.0; 16])]),
        has_value: false,
        without_spend: vec![],
        report: crate::csv_input::ReadReport::new("c.csv"),
    };
    let aggregate = aggregate_plan(&series, &spend, &params).unwrap();
    for (l, g) in logs.rows.iter().zip(&aggregate.rows) {
        let close = |a, b| crate::prec::close(a, b, 1e-6);
        assert!(
            close(l.recommended_spend, g.recommended_spend),
            "{l:?}\n{g:?}"
        );
        assert!(close(l.value_after, g.value_after), "{l:?}\n{g:?}");
        assert_eq!(l.curve, g.curve);
    }
    assert_eq!(logs.prob_beats_today, aggregate.prob_beats_today);
}

#[test]
fn a_channel_without_rows_keeps_its_spend_and_errors_name_the_file() {
    let (spend, credit) = files();
    let mut spend = spend;
    for w in 0..16 {
        spend.push_str(&format!("c,{},30\n", date(w)));
    }
    let plan = plan_of(&spend, &credit, &FittedPlanParams::default()).unwrap();
    let c = plan.rows.iter().find(|r| r.channel == "c").unwrap();
    assert_eq!((c.bound.as_str(), c.recommended_spend), ("held", 30.0));
    assert_eq!(
        c.curve,
        "none: response curve: no rows in the credit series credit_series.csv"
    );
    assert!((plan.total_spend - 230.0).abs() < 1e-6);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.starts_with("WARNING: `c` keeps today's spend")),
        "{:?}",
        plan.notes
    );
    let duplicate = format!("{credit}a,{},1,1\n", date(3));
    assert_eq!(
        plan_of(&spend, &duplicate, &FittedPlanParams::default())
            .unwrap_err()
            .to_string(),
        format!(
            "credit_series.csv: line 50, column 2 (period): a second row for `a` in the \
             period {} (the first is on line 5); expected one row per channel and period",
            date(3)
        )
    );
    let params = FittedPlanParams {
        draws: 0,
        ..FittedPlanParams::default()
    };
    assert!(
        plan_of(&spend, &credit, &params)
            .unwrap_err()
            .to_string()
            .contains("at least 1")
    );
}
