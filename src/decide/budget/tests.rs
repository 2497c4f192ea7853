//! Known answers of the assumed-response plan: hand-derived allocations, bounds,
//! channels at risk, and the errors of impossible bounds.

use super::*;
use crate::credit::ChannelCredit;

fn credit(rows: &[(&str, f64)]) -> Credit {
    Credit {
        model: "markov".into(),
        dimension: "channel".into(),
        additive: true,
        total_conversions: rows.len() as f64,
        total_value: rows.iter().map(|r| r.1).sum(),
        channels: rows
            .iter()
            .map(|&(c, v)| ChannelCredit {
                channel: c.into(),
                conversions: 1.0,
                value: v,
                share: 0.0,
                conversions_lo: None,
                conversions_hi: None,
                weighted_conversions: None,
            })
            .collect(),
        notes: vec![],
    }
}

fn spend(rows: &[(&str, f64)]) -> Spend {
    Spend {
        period: None,
        dimension: "channel".into(),
        by_key: rows.iter().map(|&(k, v)| (k.to_string(), v)).collect(),
        report: Default::default(),
    }
}

fn recommended(plan: &Plan, ch: &str) -> f64 {
    plan.rows
        .iter()
        .find(|r| r.channel == ch)
        .unwrap()
        .recommended_spend
}

/// Hand-derived: two channels spending 100 each, attributed value 400 and 100,
/// b = 0.5, bounds wide open (max shift 1). Equal marginals
/// 0.5·400/√(100x) = 0.5·100/√(100(200−x)) give 4√(200−x) = √x, so
/// x = 3200/17 = 188.235… → 188.24 and 11.76; value 400√1.8824 + 100√0.1176.
#[test]
fn two_channels_by_hand() {
    let params = BudgetParams {
        max_shift: 1.0,
        ..BudgetParams::default()
    };
    let plan = Plan::new(
        &credit(&[("a", 400.0), ("b", 100.0)]),
        &spend(&[("a", 100.0), ("b", 100.0)]),
        &params,
    )
    .unwrap();
    assert_eq!(recommended(&plan, "a"), 188.24);
    assert_eq!(recommended(&plan, "b"), 11.76);
    let expected = 400.0 * (1.8824f64).sqrt() + 100.0 * (0.1176f64).sqrt();
    assert!((plan.value_after - expected).abs() < 1e-9);
    assert!(plan.value_after > plan.value_before);
    // With max shift 0.25 the same plan stops at the bounds.
    let plan = Plan::new(
        &credit(&[("a", 400.0), ("b", 100.0)]),
        &spend(&[("a", 100.0), ("b", 100.0)]),
        &BudgetParams::default(),
    )
    .unwrap();
    assert_eq!(recommended(&plan, "a"), 125.0);
    assert_eq!(recommended(&plan, "b"), 75.0);
    assert_eq!(plan.rows[0].bound, "max_shift");
}

/// Hand-derived: three channels spending 100 each, value 400, 100, 100, b = 0.5,
/// max shift 1. Free, `a` stops at its bound 200 and `b`, `c` share 100 (50 each).
/// With `b`'s credit possibly too low (no alternative reading), `b` is not cut: it
/// keeps 100 (its marginal 0.5·100/100 = 0.5 is below the others'), and `a`, `c`
/// share 200 as in `two_channels_by_hand` (188.24, 11.76). With `a`'s possibly too
/// high, `a` is not raised: 100 each.
#[test]
fn channels_at_risk_do_not_move_the_way_their_credit_may_be_wrong() {
    use crate::models::{CreditRisk, RiskDirection};
    let (c, s) = (
        credit(&[("a", 400.0), ("b", 100.0), ("c", 100.0)]),
        spend(&[("a", 100.0), ("b", 100.0), ("c", 100.0)]),
    );
    let mut params = BudgetParams {
        max_shift: 1.0,
        ..BudgetParams::default()
    };
    let free = Plan::new(&c, &s, &params).unwrap();
    assert_eq!(
        [200.0, 50.0, 50.0],
        ["a", "b", "c"].map(|k| recommended(&free, k))
    );
    assert!(!free.notes.iter().any(|n| n.contains("at risk")));
    params.at_risk = vec![CreditRisk::new("b", RiskDirection::Low, "steady exposure")];
    let plan = Plan::new(&c, &s, &params).unwrap();
    assert_eq!(
        [188.24, 100.0, 11.76],
        ["a", "b", "c"].map(|k| recommended(&plan, k))
    );
    assert_eq!(plan.rows[1].bound, "at_risk");
    let note = plan
        .notes
        .iter()
        .find(|n| n.starts_with("Credit at risk"))
        .unwrap();
    assert!(
        note.contains("`b` held at today's spend (credit may be too low: steady exposure"),
        "{note}"
    );
    params.at_risk = vec![CreditRisk::new("a", RiskDirection::High, "follows intent")];
    let plan = Plan::new(&c, &s, &params).unwrap();
    assert_eq!(
        [100.0, 100.0, 100.0],
        ["a", "b", "c"].map(|k| recommended(&plan, k))
    );
    // With the warning's own reading of `a` (300 of its 400, as conversions 0.75 of
    // 1), `a` : `b` : `c` = 9 : 1 : 1 still takes `a` to its bound: the raise is
    // robust to the doubt and stands.
    params.at_risk =
        vec![CreditRisk::new("a", RiskDirection::High, "follows intent").alternative(0.75)];
    let plan = Plan::new(&c, &s, &params).unwrap();
    assert_eq!(
        [200.0, 50.0, 50.0],
        ["a", "b", "c"].map(|k| recommended(&plan, k))
    );
    let note = plan
        .notes
        .iter()
        .find(|n| n.starts_with("Credit at risk"))
        .unwrap();
    assert!(
        note.contains("`a` moved although its credit may be too high"),
        "{note}"
    );
}

#[test]
fn linear_response_fills_the_best_channel_first() {
    let params = BudgetParams {
        max_shift: 0.5,
        response: Response::Linear,
        ..BudgetParams::default()
    };
    // ROAS: a 4, b 1, c 2. Total 300; a can take 150 at most (+50), b gives 50.
    let plan = Plan::new(
        &credit(&[("a", 400.0), ("b", 100.0), ("c", 200.0)]),
        &spend(&[("a", 100.0), ("b", 100.0), ("c", 100.0)]),
        &params,
    )
    .unwrap();
    assert_eq!(recommended(&plan, "a"), 150.0);
    assert_eq!(recommended(&plan, "b"), 50.0);
    assert_eq!(recommended(&plan, "c"), 100.0);
    assert_eq!(plan.value_after, 600.0 + 50.0 + 200.0);
}

#[test]
fn equal_roas_means_no_change_under_either_response() {
    for response in [Response::Linear, Response::Diminishing { elasticity: 0.5 }] {
        let params = BudgetParams {
            response,
            ..BudgetParams::default()
        };
        let plan = Plan::new(
            &credit(&[("a", 300.0), ("b", 150.0), ("c", 33.33)]),
            &spend(&[("a", 100.0), ("b", 50.0), ("c", 11.11)]),
            &params,
        )
        .unwrap();
        for row in &plan.rows {
            assert_eq!(row.change, 0.0, "{response:?} {row:?}");
        }
    }
}

#[test]
fn zero_credit_goes_to_its_floor_or_by_max_shift() {
    let mut params = BudgetParams::default();
    let plan = Plan::new(
        &credit(&[("a", 100.0), ("b", 100.0)]),
        &spend(&[("a", 100.0), ("b", 100.0), ("dead", 100.0)]),
        &params,
    )
    .unwrap();
    assert_eq!(recommended(&plan, "dead"), 75.0);
    assert_eq!(
        plan.rows
            .iter()
            .find(|r| r.channel == "dead")
            .unwrap()
            .bound,
        "max_shift"
    );
    params.floors.insert("dead".into(), 90.0);
    let plan = Plan::new(
        &credit(&[("a", 100.0), ("b", 100.0)]),
        &spend(&[("a", 100.0), ("b", 100.0), ("dead", 100.0)]),
        &params,
    )
    .unwrap();
    assert_eq!(recommended(&plan, "dead"), 90.0);
    assert_eq!(
        plan.rows
            .iter()
            .find(|r| r.channel == "dead")
            .unwrap()
            .bound,
        "floor"
    );
}

/// Only one channel has credit and the others must give up a quarter each: the
/// residual is settled in bulk, not one cent at a time, and still exactly.
#[test]
fn large_moves_settle_exactly_and_credit_on_no_spend_channel_is_an_error() {
    let plan = Plan::new(
        &credit(&[("a", 100.0), ("b", 0.0), ("c", 0.0)]),
        &spend(&[("a", 4_000_000.0), ("b", 3_000_000.0), ("c", 2_000_000.01)]),
        &BudgetParams::default(),
    )
    .unwrap();
    // a takes its full +25%; b and c (no credit, so indifferent) give up the
    // 1,000,000 between them, each within its own 25%.
    assert_eq!(recommended(&plan, "a"), 5_000_000.0);
    let (b, c) = (recommended(&plan, "b"), recommended(&plan, "c"));
    assert!((2_250_000.0..=3_000_000.0).contains(&b), "{b}");
    assert!((1_500_000.01..=2_000_000.01).contains(&c), "{c}");
    let total: i64 = plan.rows.iter().map(|r| cents(r.recommended_spend)).sum();
    assert_eq!(total, 900_000_001);
    let err = Plan::new(
        &credit(&[("z", 5.0)]),
        &spend(&[("a", 100.0)]),
        &BudgetParams::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("credits none"), "{err}");
}

#[test]
fn impossible_bounds_and_unknown_channels_are_errors() {
    let mut params = BudgetParams::default();
    params.floors.insert("a".into(), 1000.0);
    let err = Plan::new(&credit(&[("a", 1.0)]), &spend(&[("a", 100.0)]), &params)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`a`"), "{err}");
    let mut params = BudgetParams::default();
    params.caps.insert("zz".into(), 10.0);
    let err = Plan::new(&credit(&[("a", 1.0)]), &spend(&[("a", 100.0)]), &params)
        .unwrap_err()
        .to_string();
    assert!(err.contains("zz"), "{err}");
}
