//! The logistic model: the saturated known answer (orientation), the two solvers agree,
//! known effects are recovered, and properties.

use ndarray::Array2;
use pathcredit::journeys::{JourneyInfo, Touch};
use pathcredit::models::logistic::fit::fit_linfa;
use pathcredit::models::logistic::{LogisticParams, SolverChoice};
use pathcredit::models::{Attribution, JourneyAttribution};
use pathcredit::time::DAY;
use pathcredit::{Journeys, PathTable};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn saturated_one_feature_model() {
    // 10 of 100 convert without the channel, 30 of 100 with it; no regularisation.
    // The saturated logit model reproduces both rates: β0 = logit(0.1) = ln(1/9) =
    // −2.1972246, β0 + β1 = logit(0.3) = ln(3/7), so β1 = ln(27/7) = 1.3499267.
    // Conversions are the minority class: linfa-logistic's raw coefficients describe
    // non-conversion and must come out negated.
    let mut x = Array2::zeros((200, 1));
    let mut y = vec![false; 200];
    for i in 0..200 {
        if i >= 100 {
            x[[i, 0]] = 1.0;
        }
        y[i] = (i < 10) || (100..130).contains(&i);
    }
    let c = fit_linfa(&x, &y, 0.0, 1e-12, None).unwrap();
    assert!(
        (c.intercept - (1.0f64 / 9.0).ln()).abs() < 1e-6,
        "{}",
        c.intercept
    );
    assert!(
        (c.weights[0] - (27.0f64 / 7.0).ln()).abs() < 1e-6,
        "{}",
        c.weights[0]
    );
    assert!(c.converged);
}

fn paths(rows: &[(&str, f64, f64)]) -> PathTable {
    crate::common::path_table(rows, 50.0)
}

#[test]
fn linfa_on_one_row_per_journey_equals_the_weighted_fit() {
    // Aggregated counts: linfa-logistic sees them expanded to one row per journey, the
    // Newton solver as weights. Same penalised loss, so the same coefficients.
    let t = paths(&[
        ("a > b", 30.0, 70.0),
        ("b", 5.0, 95.0),
        ("a", 20.0, 80.0),
        ("c > a", 10.0, 10.0),
        ("c", 1.0, 99.0),
        ("b > c > a", 8.0, 12.0),
        ("a > a > c", 4.0, 6.0),
    ]);
    let base = LogisticParams::default().alpha(Some(1.0));
    let newton = base
        .clone()
        .solver(SolverChoice::Newton)
        .fit_paths(&t)
        .unwrap();
    let linfa = base.solver(SolverChoice::Linfa).fit_paths(&t).unwrap();
    let (a, b) = (newton.coefficients(), linfa.coefficients());
    assert!(
        (a.intercept - b.intercept).abs() < 1e-4,
        "{} vs {}",
        a.intercept,
        b.intercept
    );
    for (name, (x, y)) in newton
        .feature_names()
        .iter()
        .zip(a.weights.iter().zip(&b.weights))
    {
        assert!((x - y).abs() < 1e-4, "{name}: {x} vs {y}");
    }
}

/// Journeys over channels with known additive log-odds effects, each channel touched
/// with the same probability; `effects[d] = 0` is a placebo.
fn simulated(effects: &[f64], journeys: usize, seed: u64) -> Journeys {
    let names = ["search", "email", "social", "placebo", "display"];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = Journeys::builder();
    let ids: Vec<u32> = names
        .iter()
        .take(effects.len())
        .map(|n| b.channels_mut().intern(n))
        .collect();
    for j in 0..journeys {
        let mut touches = Vec::new();
        let mut logit = -2.5;
        for (c, &effect) in effects.iter().enumerate() {
            if rng.gen_bool(0.4) {
                logit += effect;
                for _ in 0..rng.gen_range(1..=2) {
                    touches.push(Touch {
                        time: rng.gen_range(0..20) * DAY,
                        channel: ids[c],
                        campaign: 0,
                        content: 0,
                        milestone: None,
                    });
                }
            }
        }
        if touches.is_empty() {
            continue;
        }
        let converted = rng.gen_bool(1.0 / (1.0 + (-logit).exp()));
        b.push(
            JourneyInfo {
                id: format!("j{j}"),
                user_id: format!("u{j}"),
                converted,
                value: if converted { 100.0 } else { 0.0 },
                conversion_time: converted.then_some(30 * DAY),
            },
            &touches,
        );
    }
    b.finish()
}

#[test]
fn credit_ranks_channels_in_the_true_order_and_the_placebo_last() {
    // True effects: search 1.2 > email 0.8 > social 0.4 > display 0.2 > placebo 0.
    let journeys = simulated(&[1.2, 0.8, 0.4, 0.0, 0.2], 20_000, 7);
    let credit = LogisticParams::default()
        .attribute_journeys(&journeys)
        .unwrap();
    let c = |ch: &str| credit.get(ch).unwrap().conversions;
    assert!(c("search") > c("email") && c("email") > c("social") && c("social") > c("display"));
    assert!(
        c("display") > c("placebo"),
        "the placebo gets less than any channel with an effect"
    );
    assert!((credit.conversions_sum() - credit.total_conversions).abs() < 1e-6);
}

#[test]
fn details_hold_diagnostics_and_bagged_intervals() {
    let journeys = simulated(&[1.0, 0.5, 0.0], 4_000, 3);
    let fitted = LogisticParams::default()
        .bags(8, 0.5, 1.0)
        .fit_journeys(&journeys)
        .unwrap();
    let d = fitted.details();
    assert!(d.diagnostics.auc.unwrap() > 0.55);
    assert!(d.diagnostics.log_loss.unwrap() < d.diagnostics.baseline_log_loss.unwrap());
    assert_eq!(d.diagnostics.calibration.len(), 10);
    assert!(
        d.coefficients
            .iter()
            .all(|c| c.lo.unwrap() <= c.hi.unwrap())
    );
    assert!(d.converged);
    let credit = fitted.credit();
    assert!(credit.channels.iter().all(|r| r.conversions_lo.is_some()));
}

fn rows_strategy() -> impl Strategy<Value = Vec<(Vec<usize>, u32, u32)>> {
    prop::collection::vec(
        (prop::collection::vec(0usize..4, 1..4), 0u32..15, 0u32..40),
        3..12,
    )
    // The model fits only with at least two converting and two non-converting
    // journeys (it refuses fewer, by design).
    .prop_filter("both outcomes, two of each", |rows| {
        rows.iter().map(|r| r.1).sum::<u32>() >= 2 && rows.iter().map(|r| r.2).sum::<u32>() >= 2
    })
}

fn table(rows: &[(Vec<usize>, u32, u32)], labels: &[&str; 4], times: u32) -> PathTable {
    let mut b = PathTable::builder();
    for _ in 0..times {
        for (p, c, n) in rows {
            let steps: Vec<&str> = p.iter().map(|&i| labels[i]).collect();
            b.push(&steps, f64::from(*c), 10.0 * f64::from(*c), f64::from(*n));
        }
    }
    b.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn credit_sums_and_relabelling_permutes_coefficients_and_credit(rows in rows_strategy()) {
        let labels = ["a", "b", "c", "d"];
        let relabel = ["d", "c", "b", "a"];
        let params = LogisticParams::default().alpha(Some(1.0));
        let t = table(&rows, &labels, 1);
        let fitted = params.fit_paths(&t).unwrap();
        let credit = fitted.credit();
        prop_assert!((credit.conversions_sum() - t.total_conversions()).abs() < 1e-9 * t.total_conversions().max(1.0));
        prop_assert!((credit.value_sum() - t.total_value()).abs() < 1e-9 * t.total_value().max(1.0));
        let other = params.fit_paths(&table(&rows, &relabel, 1)).unwrap();
        let coef = |f: &pathcredit::models::FittedLogistic, name: &str| {
            let i = f.feature_names().iter().position(|n| n == name).unwrap();
            f.coefficients().weights[i]
        };
        for (i, name) in labels.iter().enumerate() {
            if t.channels().id(name).is_none() {
                continue;
            }
            for prefix in ["count", "present", "first", "last"] {
                let (x, y) = (coef(&fitted, &format!("{prefix}:{name}")), coef(&other, &format!("{prefix}:{}", relabel[i])));
                prop_assert!((x - y).abs() < 1e-7, "{prefix}:{name}: {x} vs {y}");
            }
            let (x, y) = (credit.get(name).unwrap().conversions, other.credit().get(relabel[i]).unwrap().conversions);
            prop_assert!((x - y).abs() < 1e-6, "credit {name}: {x} vs {y}");
        }
    }

    #[test]
    fn duplicating_every_journey_equals_halving_alpha(rows in rows_strategy()) {
        // The loss is a sum: twice the data with α equals the data with α / 2.
        let labels = ["a", "b", "c", "d"];
        let once = LogisticParams::default().alpha(Some(0.5)).fit_paths(&table(&rows, &labels, 1)).unwrap();
        let twice = LogisticParams::default().alpha(Some(1.0)).fit_paths(&table(&rows, &labels, 2)).unwrap();
        let (a, b) = (once.coefficients(), twice.coefficients());
        prop_assert!((a.intercept - b.intercept).abs() < 1e-7);
        for (x, y) in a.weights.iter().zip(&b.weights) {
            prop_assert!((x - y).abs() < 1e-7, "{x} vs {y}");
        }
    }
}

#[test]
fn logistic_runs_on_a_path_summary_too() {
    let t = paths(&[
        ("a > b", 30.0, 70.0),
        ("b", 5.0, 95.0),
        ("a", 20.0, 80.0),
        ("c > a", 10.0, 10.0),
    ]);
    let credit = LogisticParams::default().attribute(&t).unwrap();
    assert!((credit.conversions_sum() - 65.0).abs() < 1e-9);
}

/// Issue 14, item 19: when logistic cannot fit (no conversions, every path converting, a
/// single one-touch row), the default set leaves it out with a note saying why; named,
/// it is an error with the reason and what to do.
#[test]
fn an_unfit_logistic_is_left_out_of_the_default_set_but_named_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        ("none_convert.csv", "a,0,0,5\na > b,0,0,3\n"),
        ("all_convert.csv", "a,4,0,0\na > b,2,0,0\n"),
        ("one_row.csv", "a,1,0,0\n"),
    ] {
        let file = crate::common::write_file(
            dir.path(),
            name,
            format!("path,total_conversions,total_conversion_value,total_null\n{body}"),
        );
        let out = crate::common::pathcredit()
            .args(["attribute", "--paths"])
            .arg(&file)
            .assert()
            .success();
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stdout.contains("last_touch,a,") && !stdout.contains("logistic,"),
            "{name}"
        );
        assert!(
            stderr.contains("logistic: left out of the default models: it cannot fit this input"),
            "{name}: {stderr}"
        );
        let out = crate::common::pathcredit()
            .args(["attribute", "--model", "logistic", "--paths"])
            .arg(&file)
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("needs converting and non-converting journeys, at least two of each"),
            "{name}: {stderr}"
        );
    }
}
