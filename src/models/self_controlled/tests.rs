//! Known answers and properties of the self-controlled model.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::channel::Dictionary;
use crate::journeys::{Timeline, Timelines};
use crate::time::DAY;

fn logs(names: &[&str], units: Vec<Timeline>, days: i64) -> Timelines {
    let mut channels = Dictionary::new();
    for n in names {
        channels.intern(n);
    }
    let mut t = Timelines::new(channels, 0, days * DAY - 1);
    for u in units {
        t.push(u);
    }
    t.finish()
}

/// The model with fixed bins: no pre-exposure bins, no smoothing, no intervals, a
/// touch exposure for its day's clock time after it (the classic self-controlled case
/// series the known answers are derived for).
fn classic(bins: Vec<(u32, u32)>) -> SelfControlledParams {
    SelfControlledParams::default()
        .time_of_day(TimeOfDay::Clock)
        .lags(bins)
        .pre_exposure(PreChoice::Off)
        .smoothing(Smoothing::Fixed(0.0))
        .intervals(false)
}

fn unit(name: &str, touches: &[(i64, u32)], conversions: &[i64]) -> Timeline {
    Timeline {
        unit: name.into(),
        first: 0,
        touches: touches
            .iter()
            .map(|&(d, c)| (d * DAY + 3_600_000, c))
            .collect(),
        conversions: conversions
            .iter()
            .map(|&d| (d * DAY + 7_200_000, 10.0))
            .collect(),
    }
}

/// One unit, one channel, one lag bin: the estimate is the classic self-controlled
/// case series relative incidence (Farrington 1995), `1 + β = (n_e/E) / (n_u/(T−E))`.
/// Ten days; touches at 01:00 on days 3 and 6, exposed for the rest of their day
/// (E = 2 · 23/24 = 23/12 days); conversions at 02:00 on days 3, 6 and 8 (n_e = 2,
/// n_u = 1): `1 + β = (2 / (23/12)) / (1 / (10 − 23/12)) = 194/23`, so `β = 171/23`;
/// the exposed conversions get `171/194` each, 342/194 in all.
#[test]
fn one_unit_has_the_closed_form_relative_incidence() {
    let t = logs(&["a"], vec![unit("u", &[(3, 0), (6, 0)], &[3, 6, 8])], 10);
    let fitted = classic(vec![(0, 0)]).fit(&t).unwrap();
    assert!(
        (fitted.coefficients()[0] - 171.0 / 23.0).abs() < 1e-6,
        "{:?}",
        fitted.coefficients()
    );
    let credit = fitted.credit();
    assert!((credit.get("a").unwrap().conversions - 342.0 / 194.0).abs() < 1e-6);
    assert!((credit.get(BASELINE).unwrap().conversions - (3.0 - 342.0 / 194.0)).abs() < 1e-6);
    assert!((credit.conversions_sum() - 3.0).abs() < 1e-12);
    assert!((credit.value_sum() - 30.0).abs() < 1e-9);
}

/// Draws units from the model itself: frailty α_i (lognormal), two channels with
/// random daily exposure, hazard `α_i · base · (1 + Σ β x)` with lag bins 0 and 1–2.
fn simulated(seed: u64, units: usize, beta: &[f64; 4]) -> Timelines {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let days = 60;
    let mut out = Vec::new();
    for i in 0..units {
        let alpha = (0.8 * (rng.r#gen::<f64>() - 0.5) * 3.0).exp();
        let mut touches = Vec::new();
        let mut conversions = Vec::new();
        for d in 0..days {
            for c in 0..2u32 {
                if rng.r#gen::<f64>() < 0.08 {
                    touches.push((d, c));
                }
            }
            let mut x = [0.0; 4];
            for &(s, c) in &touches {
                let lag = d - s;
                let bin = match lag {
                    0 => 0,
                    1 | 2 => 1,
                    _ => continue,
                };
                x[c as usize * 2 + bin] += 1.0;
            }
            let lift: f64 = beta.iter().zip(&x).map(|(b, x)| b * x).sum();
            if rng.r#gen::<f64>() < 0.01 * alpha * (1.0 + lift) {
                conversions.push(d);
            }
        }
        out.push(unit(&format!("u{i:05}"), &touches, &conversions));
    }
    logs(&["a", "b"], out, days)
}

#[test]
fn coefficients_drawn_from_the_model_are_recovered_within_three_standard_errors() {
    let beta = [1.5, 0.6, 0.3, 0.0];
    let t = simulated(11, 6000, &beta);
    let fitted = classic(vec![(0, 0), (1, 2)])
        .ignore(vec![])
        .fit(&t)
        .unwrap();
    let details = fitted.details();
    assert!(details.converged);
    for (c, truth) in details.coefficients.iter().zip(beta) {
        let se = c.se.unwrap_or(0.05);
        assert!(
            (c.estimate - truth).abs() < 3.0 * se + 1e-9,
            "{} lag {}: {} vs {truth} (se {se})",
            c.channel,
            c.lag,
            c.estimate
        );
    }
    // Channel a has an effect; the test of no effect rejects it.
    assert!(details.channel_tests[0].p_value < 1e-6);
}

/// The properties hold in every setting of the baseline: plain, with a calendar
/// baseline (periods of 7 days), and with the time-of-day profile of conversions.
#[test]
fn credit_sums_and_is_invariant_to_unit_order_and_relabelling() {
    let t = simulated(3, 800, &[1.0, 0.5, 0.2, 0.1]);
    let settings = [
        classic(vec![(0, 0), (1, 2)]),
        classic(vec![(0, 0), (1, 2)]).calendar_baseline(CalendarChoice::Days(7)),
        classic(vec![(0, 0), (1, 2)]).time_of_day(TimeOfDay::Conversions),
    ];
    let mut credit_of_a = Vec::new();
    for params in settings {
        let fitted = params.fit(&t).unwrap();
        let credit = fitted.credit();
        credit_of_a.push(credit.get("a").unwrap().conversions);
        let total: usize = t.units.iter().map(|u| u.conversions.len()).sum();
        assert!(
            (credit.conversions_sum() - total as f64).abs() < 1e-9,
            "{params:?}"
        );

        // Units in reverse order (and renamed so they sort the other way round).
        let mut reversed = t.clone();
        reversed.units.reverse();
        for (i, u) in reversed.units.iter_mut().enumerate() {
            u.unit = format!("v{i:05}");
        }
        let again = params.fit(&reversed.finish()).unwrap().credit();
        for (x, y) in credit.channels.iter().zip(&again.channels) {
            assert!(
                (x.conversions - y.conversions).abs() < 1e-6,
                "{params:?}: {x:?} {y:?}"
            );
        }

        // Swapping the channels' names swaps their credit.
        let mut swapped = t.clone();
        for u in &mut swapped.units {
            for touch in &mut u.touches {
                touch.1 = 1 - touch.1;
            }
        }
        let swapped = params.fit(&swapped).unwrap().credit();
        for (x, y) in [("a", "b"), ("b", "a")] {
            let (cx, cy) = (
                credit.get(x).unwrap().conversions,
                swapped.get(y).unwrap().conversions,
            );
            assert!((cx - cy).abs() < 1e-6, "{params:?}: {cx} vs {cy}");
        }
    }
    // The settings are fitted as set: each gives its own credit.
    for (i, x) in credit_of_a.iter().enumerate() {
        for y in &credit_of_a[i + 1..] {
            assert!((x - y).abs() > 1e-6, "{credit_of_a:?}");
        }
    }
}

#[test]
fn a_never_exposed_channel_gets_nothing() {
    let t = logs(
        &["a", "never"],
        vec![
            unit("u1", &[(3, 0)], &[3, 20]),
            unit("u2", &[(5, 0), (30, 0)], &[31]),
        ],
        40,
    );
    let credit = SelfControlledParams::default().fit(&t).unwrap().credit();
    assert_eq!(credit.get("never").unwrap().conversions, 0.0);
    assert!((credit.conversions_sum() - 3.0).abs() < 1e-9);
}

#[test]
fn a_precise_lift_test_pins_its_channel() {
    let t = simulated(5, 1500, &[1.0, 0.5, 0.5, 0.2]);
    let params = classic(vec![(0, 0), (1, 2)]);
    let free = params
        .fit(&t)
        .unwrap()
        .credit()
        .get("a")
        .unwrap()
        .conversions;
    let target = free * 0.5;
    let pinned = params
        .clone()
        .lift_tests(vec![LiftTest::absolute("a", target, 0.01)])
        .fit(&t)
        .unwrap();
    let got = pinned.credit().get("a").unwrap().conversions;
    assert!(
        (got - target).abs() < 0.5,
        "{got} vs {target} (free {free})"
    );
    assert_eq!(pinned.details().lift_tests.len(), 1);
}

#[test]
fn lag_bins_parse_and_bad_ones_are_refused() {
    assert_eq!(
        parse_lag_bins("0,1-2, 3-5").unwrap(),
        vec![(0, 0), (1, 2), (3, 5)]
    );
    assert!(parse_lag_bins("0,x").is_err());
    let overlapping = SelfControlledParams::default().lags(vec![(0, 2), (1, 3)]);
    assert!(overlapping.validate().is_err());
}

#[test]
fn lift_tests_are_read_with_located_errors() {
    let ok = "channel,incremental_conversions,se\nemail,120.5,10\ndisplay,-3,4\n";
    let tests = read_lift_tests(ok.as_bytes(), "lift.csv", &Default::default()).unwrap();
    assert_eq!(tests[0].channel, "display");
    assert_eq!(tests[1].incremental_conversions, 120.5);
    let bad = "channel,incremental_conversions,se\nemail,12,0\n";
    let err = read_lift_tests(bad.as_bytes(), "lift.csv", &Default::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("lift.csv: line 2, column 3"), "{err}");
}

/// A day-of-week baseline: weekends convert three times as often, and the fit with
/// `weekday_baseline` recovers both the baseline and the channel effects.
#[test]
fn a_weekday_baseline_is_recovered_with_the_effects() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let beta = 1.2;
    let days = 70;
    let mut units = Vec::new();
    for i in 0..5000 {
        let alpha = (rng.r#gen::<f64>() * 2.0 - 1.0).exp();
        let (mut touches, mut conversions) = (Vec::new(), Vec::new());
        for d in 0..days {
            if rng.r#gen::<f64>() < 0.1 {
                touches.push((d, 0u32));
            }
            let exposed = touches.iter().any(|&(s, _)| s == d);
            // Day 0 is 1970-01-01, a Thursday: Saturday and Sunday are d % 7 = 2, 3.
            let weekend = matches!(d % 7, 2 | 3);
            let b = if weekend { 3.0 } else { 1.0 };
            let lift = if exposed { beta } else { 0.0 };
            if rng.r#gen::<f64>() < 0.008 * alpha * b * (1.0 + lift) {
                conversions.push(d);
            }
        }
        units.push(unit(&format!("u{i:05}"), &touches, &conversions));
    }
    let t = logs(&["a"], units, days);
    let fitted = classic(vec![(0, 0)])
        .weekday_baseline(true)
        .fit(&t)
        .unwrap();
    let d = fitted.details();
    let b = d.weekday_baseline.unwrap();
    assert_eq!(b[0], 1.0);
    for (day, v) in b.iter().enumerate() {
        let truth = if day >= 5 { 3.0 } else { 1.0 };
        assert!(
            (v - truth).abs() < 0.35 * truth,
            "weekday {day}: {v} vs {truth}"
        );
    }
    let c = &d.coefficients[0];
    assert!((c.estimate - beta).abs() < 3.0 * c.se.unwrap(), "{c:?}");
    // Without the baseline the same data still give credit that sums to the totals.
    let plain = classic(vec![(0, 0)]).fit(&t).unwrap();
    let total: usize = t.units.iter().map(|u| u.conversions.len()).sum();
    assert!((plain.credit().conversions_sum() - total as f64).abs() < 1e-6);
}

#[test]
fn relative_lifts_are_read_and_resolved_against_the_exposed_conversions() {
    let text = "channel,lift,se\nemail,0.25,0.05\n";
    let tests = read_lift_tests(text.as_bytes(), "lift.csv", &Default::default()).unwrap();
    assert!(tests[0].relative);
    // 500 exposed conversions with a +25% lift: 500 · 0.25 / 1.25 = 100 incremental,
    // se 500 · 0.05 / 1.25² = 16.
    let abs = tests[0].resolve(500.0);
    assert!(!abs.relative);
    assert!((abs.incremental_conversions - 100.0).abs() < 1e-9);
    assert!((abs.se - 16.0).abs() < 1e-9);
    let both = "channel,lift,incremental_conversions,se\nemail,0.2,3,1\n";
    assert!(read_lift_tests(both.as_bytes(), "lift.csv", &Default::default()).is_err());
    let impossible = "channel,lift,se\nemail,-1.5,0.1\n";
    let err = read_lift_tests(impossible.as_bytes(), "lift.csv", &Default::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2, column 2"), "{err}");
}

/// `auto` controls make every left-out channel a control: the same fit as naming them,
/// reported in the details; without it a left-out channel is neither control nor
/// exposure; `auto` beside a channel name is refused.
#[test]
fn auto_controls_are_the_left_out_channels() {
    let t = simulated(5, 1500, &[1.0, 0.4, 0.5, 0.2]);
    let base = classic(vec![(0, 0), (1, 2)]).ignore(vec!["b".into()]);
    let auto = base
        .clone()
        .controls(vec![AUTO_CONTROLS.into()])
        .fit(&t)
        .unwrap();
    let named = base.clone().controls(vec!["b".into()]).fit(&t).unwrap();
    let left_out = base.clone().fit(&t).unwrap();
    assert_eq!(auto.details().controls, vec!["b".to_string()]);
    assert!(left_out.details().controls.is_empty());
    assert_eq!(auto.coefficients(), named.coefficients());
    assert_ne!(auto.coefficients(), left_out.coefficients());
    let mixed = base
        .controls(vec![AUTO_CONTROLS.into(), "b".into()])
        .fit(&t);
    assert!(mixed.unwrap_err().to_string().contains("stands alone"));
}
