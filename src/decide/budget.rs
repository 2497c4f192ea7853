//! Budget reallocation: a recommended spend per channel that keeps the total fixed.
//!
//! **Response assumption.** A channel that spent `s` and was attributed value `V` (under
//! the chosen model) is assumed to return `g(x) = V · (x / s)^b` at spend `x`:
//! diminishing returns with elasticity `b` (default 0.5, the square-root response common
//! in media-mix work; `b = 1` is the naive linear response `--response linear`). A
//! channel with no spend history has no curve and earns nothing from new money.
//!
//! **Problem.** Maximise `Σ g_c(x_c)` subject to `Σ x_c = Σ s_c` and `lo_c ≤ x_c ≤ hi_c`,
//! with `lo_c = max(s_c (1 − max_shift), floor_c)` and `hi_c = min(s_c (1 + max_shift),
//! cap_c)`.
//!
//! * Diminishing (`0 < b < 1`): the objective is concave, so the optimum equalises the
//!   marginal return `g'_c(x) = b V_c x^(b−1) / s_c^b = λ` over the channels inside their
//!   bounds (KKT): `x_c(λ) = clamp(s_c (b·ROAS_c / λ)^(1/(1−b)), lo_c, hi_c)`, where
//!   `Σ x_c(λ)` falls as `λ` grows; `λ` is found by bisection.
//! * Linear: every unit moves from the lowest to the highest ROAS channel with room;
//!   channels with equal ROAS keep their spend.
//!
//! Amounts are settled in whole cents (integers), so the recommended spends add up to
//! the current total exactly. Equal ROAS everywhere recommends no change; a channel
//! with no credit goes down to its floor (or by `max_shift`).
//!
//! Attribution ROAS is an average over past spend under one model, not the return of
//! the next unit of spend: the plan is a hypothesis to test, and says so.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::credit::Credit;
use crate::decide::spend::Spend;
use crate::error::{Error, Result};

/// How attributed value responds to spend.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "response", rename_all = "snake_case")]
pub enum Response {
    /// `V · (x/s)^elasticity`, `0 < elasticity < 1`.
    Diminishing {
        /// The exponent `b`.
        elasticity: f64,
    },
    /// `V · x/s`.
    Linear,
}

/// Bounds and response of a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetParams {
    /// Largest move of any channel, as a fraction of its current spend (default 0.25).
    pub max_shift: f64,
    /// Minimum spend per channel.
    pub floors: BTreeMap<String, f64>,
    /// Maximum spend per channel.
    pub caps: BTreeMap<String, f64>,
    /// The response assumption.
    pub response: Response,
}

impl Default for BudgetParams {
    fn default() -> Self {
        Self {
            max_shift: 0.25,
            floors: BTreeMap::new(),
            caps: BTreeMap::new(),
            response: Response::Diminishing { elasticity: 0.5 },
        }
    }
}

/// One channel of a plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanRow {
    /// The channel (or campaign).
    pub channel: String,
    /// Spend now.
    pub current_spend: f64,
    /// Recommended spend.
    pub recommended_spend: f64,
    /// `recommended − current`.
    pub change: f64,
    /// `change / current` (none when current is 0).
    pub change_pct: Option<f64>,
    /// Attributed value now (under the model).
    pub value_before: f64,
    /// Expected attributed value at the recommended spend (under the response).
    pub value_after: f64,
    /// Marginal return per unit of spend now.
    pub marginal_roas_before: Option<f64>,
    /// Marginal return per unit of spend at the recommendation.
    pub marginal_roas_after: Option<f64>,
    /// The bound the recommendation sits on: `floor`, `cap`, `max_shift` or empty.
    pub bound: String,
}

/// A budget plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The model whose credit drives the plan.
    pub model: String,
    /// The response assumption.
    pub response: Response,
    /// The largest move allowed, as a fraction of current spend.
    pub max_shift: f64,
    /// Total spend (the same before and after).
    pub total_spend: f64,
    /// What "value" means here: `value`, or `conversions` when the credit has no value.
    pub objective: String,
    /// Total attributed value now.
    pub value_before: f64,
    /// Total expected attributed value under the plan.
    pub value_after: f64,
    /// Channels, sorted by name.
    pub rows: Vec<PlanRow>,
    /// Caveats and facts a reader needs.
    pub notes: Vec<String>,
}

/// The caveat printed with every plan.
pub const CAVEAT: &str = "Attribution ROAS is an average over past spend under one model, \
not the return of the next unit of spend, and the response curve is an assumption: treat \
the plan as a hypothesis and test large shifts with an experiment before committing them.";

struct Line {
    channel: String,
    s: i64,
    lo: i64,
    hi: i64,
    lo_bound: &'static str,
    hi_bound: &'static str,
    value: f64,
}

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

impl Plan {
    /// Builds a plan from `credit` and `spend`.
    pub fn new(credit: &Credit, spend: &Spend, params: &BudgetParams) -> Result<Plan> {
        if !(0.0..=1.0).contains(&params.max_shift) || params.max_shift.is_nan() {
            return Err(Error::param("--max-shift", "must be between 0 and 1"));
        }
        let b = match params.response {
            Response::Diminishing { elasticity } if elasticity > 0.0 && elasticity < 1.0 => {
                elasticity
            }
            Response::Diminishing { .. } => {
                return Err(Error::param(
                    "--elasticity",
                    "must be above 0 and below 1 (use --response linear for 1)",
                ));
            }
            Response::Linear => 1.0,
        };
        if !credit.additive {
            return Err(Error::param(
                "--model",
                format!(
                    "`{}` is not additive; a budget needs additive credit",
                    credit.model
                ),
            ));
        }
        for (flag, map) in [("--floor", &params.floors), ("--cap", &params.caps)] {
            for (channel, amount) in map {
                if !spend.by_key.contains_key(channel) {
                    return Err(Error::param(
                        flag,
                        format!("`{channel}` has no spend in the spend file"),
                    ));
                }
                if !(amount.is_finite() && *amount >= 0.0) {
                    return Err(Error::param(
                        flag,
                        format!("`{channel}`: expected an amount ≥ 0"),
                    ));
                }
            }
        }
        let use_value = credit.total_value > 0.0;
        let mut notes = vec![CAVEAT.to_string()];
        if !use_value {
            notes.push("The credit carries no conversion value: the plan maximises attributed conversions.".into());
        }
        let m = params.max_shift;
        let mut lines = Vec::new();
        for (channel, &amount) in &spend.by_key {
            let s = cents(amount);
            let (mut lo, mut hi) = (
                ((s as f64) * (1.0 - m) - 1e-6).ceil() as i64,
                ((s as f64) * (1.0 + m) + 1e-6).floor() as i64,
            );
            let (mut lo_bound, mut hi_bound) = ("max_shift", "max_shift");
            if let Some(&f) = params.floors.get(channel)
                && cents(f) > lo
            {
                lo = cents(f);
                lo_bound = "floor";
            }
            if let Some(&c) = params.caps.get(channel)
                && cents(c) < hi
            {
                hi = cents(c);
                hi_bound = "cap";
            }
            if lo > hi {
                return Err(Error::param(
                    "--floor/--cap",
                    format!(
                        "`{channel}`: the bounds leave no room (at least {:.2}, at most {:.2}, with --max-shift {m})",
                        lo as f64 / 100.0,
                        hi as f64 / 100.0
                    ),
                ));
            }
            let value = credit
                .get(channel)
                .map_or(0.0, |c| if use_value { c.value } else { c.conversions })
                .max(0.0);
            if s == 0 {
                notes.push(format!(
                    "`{channel}` has no spend history, so no response curve: it keeps its floor."
                ));
            }
            lines.push(Line {
                channel: channel.clone(),
                s,
                lo,
                hi,
                lo_bound,
                hi_bound,
                value,
            });
        }
        let missing: Vec<&str> = credit
            .channels
            .iter()
            .filter(|c| c.conversions > 0.0 && !spend.by_key.contains_key(&c.channel))
            .map(|c| c.channel.as_str())
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "Credited without spend (not part of the plan): {}.",
                missing.join(", ")
            ));
        }
        if lines.iter().all(|l| l.value <= 0.0) {
            return Err(Error::param(
                "--model",
                format!(
                    "`{}` credits none of the channels in the spend file: no plan can follow it",
                    credit.model
                ),
            ));
        }
        let total: i64 = lines.iter().map(|l| l.s).sum();
        let (sum_lo, sum_hi) = (
            lines.iter().map(|l| l.lo).sum::<i64>(),
            lines.iter().map(|l| l.hi).sum::<i64>(),
        );
        if sum_lo > total || sum_hi < total {
            return Err(Error::param(
                "--floor/--cap",
                format!(
                    "the bounds cannot hold the total spend {:.2}: floors add up to {:.2}, caps to {:.2}",
                    total as f64 / 100.0,
                    sum_lo as f64 / 100.0,
                    sum_hi as f64 / 100.0
                ),
            ));
        }
        let x = if b < 1.0 {
            allocate_concave(&lines, total, b)
        } else {
            allocate_linear(&lines, total)
        };
        debug_assert_eq!(x.iter().sum::<i64>(), total);

        let gain = |l: &Line, x: i64| {
            if l.s == 0 {
                0.0
            } else {
                l.value * (x as f64 / l.s as f64).powf(b)
            }
        };
        let marginal = |l: &Line, x: i64| {
            (l.s > 0 && x > 0).then(|| {
                // d/dx in currency units: b V x^(b−1) / s^b.
                b * l.value / (l.s as f64 / 100.0) * (x as f64 / l.s as f64).powf(b - 1.0)
            })
        };
        let rows: Vec<PlanRow> = lines
            .iter()
            .zip(&x)
            .map(|(l, &xc)| PlanRow {
                channel: l.channel.clone(),
                current_spend: l.s as f64 / 100.0,
                recommended_spend: xc as f64 / 100.0,
                change: (xc - l.s) as f64 / 100.0,
                change_pct: (l.s > 0).then(|| (xc - l.s) as f64 / l.s as f64),
                value_before: l.value,
                value_after: gain(l, xc),
                marginal_roas_before: marginal(l, l.s),
                marginal_roas_after: marginal(l, xc),
                bound: if xc == l.s && l.lo < l.hi {
                    String::new()
                } else if xc == l.lo {
                    l.lo_bound.to_string()
                } else if xc == l.hi {
                    l.hi_bound.to_string()
                } else {
                    String::new()
                },
            })
            .collect();
        Ok(Plan {
            model: credit.model.clone(),
            response: params.response,
            max_shift: m,
            total_spend: total as f64 / 100.0,
            objective: if use_value { "value" } else { "conversions" }.to_string(),
            value_before: rows.iter().map(|r| r.value_before).sum(),
            value_after: rows.iter().map(|r| r.value_after).sum(),
            rows,
            notes,
        })
    }
}

/// Concave response: bisection on the marginal return λ, then whole cents.
fn allocate_concave(lines: &[Line], total: i64, b: f64) -> Vec<i64> {
    let at = |lambda: f64| -> Vec<f64> {
        lines
            .iter()
            .map(|l| {
                let ideal = if l.s == 0 || l.value <= 0.0 {
                    0.0
                } else {
                    // Spend in cents; ROAS per cent — the scale cancels in the ratio.
                    let roas = l.value / l.s as f64;
                    l.s as f64 * (b * roas / lambda).powf(1.0 / (1.0 - b))
                };
                ideal.clamp(l.lo as f64, l.hi as f64)
            })
            .collect()
    };
    let sum = |v: &[f64]| v.iter().sum::<f64>();
    let target = total as f64;
    // Σ x(λ) is non-increasing in λ; bracket in log space.
    let (mut lo, mut hi) = (-80.0f64, 80.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if sum(&at(mid.exp())) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let real = at((0.5 * (lo + hi)).exp());
    settle_cents(lines, &real, total)
}

/// Rounds a real allocation to cents and settles the remainder one cent at a time on the
/// channels whose rounding moved them furthest the other way (ties by name order).
fn settle_cents(lines: &[Line], real: &[f64], total: i64) -> Vec<i64> {
    let mut x: Vec<i64> = real
        .iter()
        .zip(lines)
        .map(|(&r, l)| (r.round() as i64).clamp(l.lo, l.hi))
        .collect();
    let mut residual = total - x.iter().sum::<i64>();
    // Bulk first, in proportion to each channel's room in the needed direction, so the
    // cent-by-cent pass below only settles rounding (at most one cent per channel).
    let room: Vec<i64> = x
        .iter()
        .zip(lines)
        .map(|(&xi, l)| if residual > 0 { l.hi - xi } else { xi - l.lo })
        .collect();
    let total_room: i64 = room.iter().sum();
    if residual.abs() > lines.len() as i64 && total_room > 0 {
        let wanted = residual.abs() as i128;
        for (xi, r) in x.iter_mut().zip(&room) {
            let step = (wanted * *r as i128 / total_room as i128) as i64;
            *xi += step * residual.signum();
        }
        residual = total - x.iter().sum::<i64>();
    }
    while residual != 0 {
        let step = residual.signum();
        let pick = (0..lines.len())
            .filter(|&i| {
                if step > 0 {
                    x[i] < lines[i].hi
                } else {
                    x[i] > lines[i].lo
                }
            })
            .max_by(|&i, &j| {
                let ei = (real[i] - x[i] as f64) * step as f64;
                let ej = (real[j] - x[j] as f64) * step as f64;
                ei.total_cmp(&ej).then(j.cmp(&i))
            })
            .expect("feasible bounds leave room");
        x[pick] += step;
        residual -= step;
    }
    x
}

/// Linear response: start from current spend (inside the bounds), then move money from
/// the lowest to the highest ROAS channel while that raises the total.
fn allocate_linear(lines: &[Line], total: i64) -> Vec<i64> {
    let roas: Vec<f64> = lines
        .iter()
        .map(|l| if l.s == 0 { 0.0 } else { l.value / l.s as f64 })
        .collect();
    let mut x: Vec<i64> = lines.iter().map(|l| l.s.clamp(l.lo, l.hi)).collect();
    // Order: ascending ROAS, ties by name (the lines are sorted by name).
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| roas[a].total_cmp(&roas[b]).then(a.cmp(&b)));
    // First restore the total if clamping moved it.
    let mut residual = total - x.iter().sum::<i64>();
    if residual > 0 {
        for &i in order.iter().rev() {
            let add = residual.min(lines[i].hi - x[i]);
            x[i] += add;
            residual -= add;
        }
    } else if residual < 0 {
        for &i in &order {
            let take = (-residual).min(x[i] - lines[i].lo);
            x[i] -= take;
            residual += take;
        }
    }
    // Then move from low to high ROAS.
    let (mut d, mut r) = (0usize, order.len().saturating_sub(1));
    while d < r {
        let (donor, receiver) = (order[d], order[r]);
        if roas[donor] >= roas[receiver] {
            break;
        }
        let amount = (x[donor] - lines[donor].lo).min(lines[receiver].hi - x[receiver]);
        x[donor] -= amount;
        x[receiver] += amount;
        if x[donor] == lines[donor].lo {
            d += 1;
        }
        if x[receiver] == lines[receiver].hi {
            r -= 1;
        }
    }
    x
}

#[cfg(test)]
mod tests {
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
                })
                .collect(),
            notes: vec![],
        }
    }

    fn spend(rows: &[(&str, f64)]) -> Spend {
        Spend {
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
}
