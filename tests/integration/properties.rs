//! Properties every model must have (proptest):
//! * additive credit sums to total conversions and total value (within SUM_REL_TOL);
//! * relabelling channels permutes credit and changes nothing else;
//! * shuffling input rows changes nothing (bit for bit: tables are canonical);
//! * duplicating every row doubles credit.

use pathcredit::journeys::{JourneyInfo, Journeys, Milestone, Touch};
use pathcredit::models::{self, Input, ModelName, ModelSettings, PositionWeights};
use pathcredit::prec::{SUM_REL_TOL, close};
use pathcredit::time::DAY;
use pathcredit::{Credit, PathTable};
use proptest::prelude::*;

const NAMES: [&str; 6] = [
    "direct",
    "display",
    "email",
    "organic",
    "paid_search",
    "social",
];

type Row = (Vec<usize>, f64, f64, f64);

fn rows_strategy() -> impl Strategy<Value = Vec<Row>> {
    let row = (
        prop::collection::vec(0..NAMES.len(), 1..7),
        prop_oneof![Just(0.0), 0.0..20.0f64, (0u32..20).prop_map(f64::from)],
        0.0..1000.0f64,
        prop_oneof![Just(0.0), (0u32..30).prop_map(f64::from)],
    );
    prop::collection::vec(row, 1..25)
        .prop_filter("some conversions", |rows| rows.iter().any(|r| r.1 > 0.0))
}

fn table(rows: &[Row], names: &[&str]) -> PathTable {
    let mut b = PathTable::builder();
    for (path, c, v, n) in rows {
        let named: Vec<&str> = path.iter().map(|&i| names[i]).collect();
        b.push(&named, *c, *v, *n);
    }
    b.finish()
}

/// Every path model but `logistic`, which needs both outcomes (random tables may have
/// no non-conversions) and has its own properties in `logistic.rs`.
fn path_models() -> Vec<ModelName> {
    ModelName::ALL
        .into_iter()
        .filter(|m| !m.needs_journeys() && *m != ModelName::Logistic)
        .collect()
}

fn settings() -> ModelSettings {
    ModelSettings {
        custom_weights: Some(PositionWeights {
            first: 0.1,
            middle: 0.5,
            last: 0.4,
        }),
        ..ModelSettings::default()
    }
}

fn run_paths(t: &PathTable, settings: &ModelSettings) -> Vec<Credit> {
    models::attribute(&path_models(), settings, &Input::Paths(t)).unwrap()
}

fn assert_sums(credits: &[Credit]) {
    for c in credits.iter().filter(|c| c.additive) {
        assert!(
            close(c.conversions_sum(), c.total_conversions, SUM_REL_TOL),
            "{}: {} vs {}",
            c.model,
            c.conversions_sum(),
            c.total_conversions
        );
        assert!(
            close(c.value_sum(), c.total_value, SUM_REL_TOL),
            "{}: {} vs {}",
            c.model,
            c.value_sum(),
            c.total_value
        );
        let shares: f64 = c.channels.iter().map(|r| r.share).sum();
        assert!(
            close(shares, 1.0, SUM_REL_TOL),
            "{}: shares {shares}",
            c.model
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn additive_path_models_sum_to_totals(rows in rows_strategy()) {
        assert_sums(&run_paths(&table(&rows, &NAMES), &settings()));
    }

    #[test]
    fn relabelling_channels_permutes_credit(rows in rows_strategy(), perm in Just((0..NAMES.len()).collect::<Vec<_>>()).prop_shuffle()) {
        let relabelled: Vec<&str> = perm.iter().map(|&i| NAMES[i]).collect();
        let original = run_paths(&table(&rows, &NAMES), &settings());
        // The direct channel is relabelled with everything else.
        let relabelled_settings = ModelSettings {
            direct_channels: vec![relabelled[0].to_string()],
            ..settings()
        };
        let permuted = run_paths(&table(&rows, &relabelled), &relabelled_settings);
        for (a, b) in original.iter().zip(&permuted) {
            prop_assert_eq!(&a.model, &b.model);
            for (i, name) in NAMES.iter().enumerate() {
                let (Some(x), Some(y)) = (a.get(name), b.get(relabelled[i])) else {
                    prop_assert!(a.get(name).is_none() && b.get(relabelled[i]).is_none());
                    continue;
                };
                let tol = 1e-9 * a.total_conversions.max(1.0);
                prop_assert!((x.conversions - y.conversions).abs() <= tol, "{} {}: {} vs {}", a.model, name, x.conversions, y.conversions);
                // Relative to the totals: iterative models (markov) are exact to 1e-12
                // of P, not to the last bit of a credit that should be 0.
                let tol = 1e-9 * a.total_value.max(1.0);
                prop_assert!((x.value - y.value).abs() <= tol, "{} {}: value {} vs {}", a.model, name, x.value, y.value);
            }
        }
    }

    #[test]
    fn shuffling_rows_changes_nothing(rows in rows_strategy().prop_shuffle(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic reshuffle from the seed (prop_shuffle already varied the first).
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let a = run_paths(&table(&rows, &NAMES), &settings());
        let b = run_paths(&table(&shuffled, &NAMES), &settings());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn duplicating_every_row_doubles_credit(rows in rows_strategy()) {
        let doubled: Vec<Row> = rows.iter().chain(rows.iter()).cloned().collect();
        let a = run_paths(&table(&rows, &NAMES), &settings());
        let b = run_paths(&table(&doubled, &NAMES), &settings());
        for (x, y) in a.iter().zip(&b) {
            // Relative to the totals (see relabelling_channels_permutes_credit).
            let (tc, tv) = (y.total_conversions.max(1.0), y.total_value.max(1.0));
            for (r, s) in x.channels.iter().zip(&y.channels) {
                prop_assert!((2.0 * r.conversions - s.conversions).abs() <= 1e-9 * tc, "{}: {} vs {}", x.model, r.conversions, s.conversions);
                prop_assert!((2.0 * r.value - s.value).abs() <= 1e-9 * tv, "{}: value {} vs {}", x.model, r.value, s.value);
                prop_assert!((r.share - s.share).abs() <= 1e-9, "{}: share", x.model);
            }
        }
    }

    #[test]
    fn journey_models_sum_to_totals_and_ignore_row_order(journeys in journeys_strategy()) {
        let numbered: Vec<(usize, JourneySpec)> = journeys.into_iter().enumerate().collect();
        let built = build_journeys(&numbered);
        let all: Vec<ModelName> = ModelName::ALL
            .into_iter()
            .filter(|m| !matches!(m, ModelName::Custom | ModelName::Logistic))
            .collect();
        let credits = models::attribute(&all, &ModelSettings::default(), &Input::Journeys(&built)).unwrap();
        assert_sums(&credits);
        let mut reversed = numbered.clone();
        reversed.reverse();
        for (_, j) in &mut reversed {
            j.2.reverse();
        }
        let again = models::attribute(&all, &ModelSettings::default(), &Input::Journeys(&build_journeys(&reversed))).unwrap();
        prop_assert_eq!(credits, again);
    }
}

/// (converted, value, touches as (days before conversion, channel, milestone index 0..4)).
type JourneySpec = (bool, f64, Vec<(u32, usize, usize)>);

fn journeys_strategy() -> impl Strategy<Value = Vec<JourneySpec>> {
    let touch = (0u32..60, 0..NAMES.len(), 0usize..6);
    let journey = (
        any::<bool>(),
        1.0..500.0f64,
        prop::collection::vec(touch, 1..8),
    );
    prop::collection::vec(journey, 1..20)
        .prop_filter("some conversions", |js| js.iter().any(|j| j.0))
}

fn build_journeys(specs: &[(usize, JourneySpec)]) -> Journeys {
    let mut b = Journeys::builder();
    let conversion_at = 1000 * DAY;
    for (k, (converted, value, touches)) in specs {
        let touches: Vec<Touch> = touches
            .iter()
            .map(|&(days, ch, m)| Touch {
                time: conversion_at - i64::from(days) * DAY,
                channel: b.channels_mut().intern(NAMES[ch]),
                campaign: 0,
                content: 0,
                milestone: Milestone::ALL.get(m).copied(),
            })
            .collect();
        b.push(
            JourneyInfo {
                id: format!("j{k:03}"),
                user_id: format!("u{k}"),
                converted: *converted,
                value: if *converted { *value } else { 0.0 },
                conversion_time: converted.then_some(conversion_at),
            },
            &touches,
        );
    }
    b.finish()
}
