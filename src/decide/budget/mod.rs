//! Budget reallocation: a recommended spend per channel that keeps the total fixed.
//!
//! **Response assumption.** A channel that spent `s` and was attributed value `V` (under
//! the chosen model) is assumed to return `g(x) = V · (x / s)^b` at spend `x`:
//! diminishing returns with elasticity `b` (default 0.5, the square-root response common
//! in media-mix work; `b = 1` is the naive linear response `response linear`). A
//! channel with no spend history has no curve: it earns nothing from new money, and the
//! value credited to it without spend is kept as it is (in `value_before` and
//! `value_after` alike), so the plan's totals compare like with like.
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

use serde::Serialize;

use crate::credit::Credit;
use crate::decide::spend::Spend;
use crate::error::{Error, Result};
use crate::models::ModelName;
use crate::models::self_controlled::BASELINE;
use crate::param::Param;

mod allocate;
mod params;

use allocate::{Line, allocate_concave, allocate_linear, cents};
pub use params::{BudgetParams, Response, ResponseKind};

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

/// The credit a budget plan follows when none is named: the registry's preferred model
/// among those that ran (Markov, then Shapley, then logistic, then last touch), else the
/// first additive rule-based model.
pub fn default_plan_credit(credits: &[Credit]) -> Option<&Credit> {
    let rank = |c: &Credit| ModelName::lookup(&c.model).and_then(|m| m.info().budget_rank);
    credits
        .iter()
        .filter(|c| rank(c).is_some())
        .min_by_key(|c| rank(c))
        .or_else(|| {
            credits
                .iter()
                .find(|c| c.additive && !crate::decide::data_driven(&c.model))
        })
}

/// Refuses credit that does not add up (`influenced`): a budget needs additive credit.
pub(crate) fn check_additive(credit: &Credit) -> Result<()> {
    if credit.additive {
        return Ok(());
    }
    Err(Error::param(
        Param::BudgetModel,
        format!(
            "`{}` is not additive; a budget needs additive credit",
            credit.model
        ),
    ))
}

impl Plan {
    /// Builds a plan from `credit` and `spend`.
    pub fn new(credit: &Credit, spend: &Spend, params: &BudgetParams) -> Result<Plan> {
        params.validate()?;
        let b = params.exponent();
        check_additive(credit)?;
        for (flag, map) in [(Param::Floor, &params.floors), (Param::Cap, &params.caps)] {
            for channel in map.keys() {
                if !spend.by_key.contains_key(channel) {
                    return Err(Error::param(
                        flag,
                        format!("`{channel}` has no spend in the spend file"),
                    ));
                }
            }
        }
        if spend.total().is_nan() || spend.total() > crate::decide::spend::MAX_SPEND {
            return Err(Error::param(
                Param::Spend,
                format!(
                    "the total spend {:e} is above {:e}, the largest a plan settles exactly in \
                     cents; rescale the spend (e.g. to thousands)",
                    spend.total(),
                    crate::decide::spend::MAX_SPEND
                ),
            ));
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
                    Param::Floor,
                    format!(
                        "`{channel}`: the bounds leave no room (at least {:.2}, at most {:.2}, with `max_shift` {m}; check `floor` and `cap`)",
                        lo as f64 / 100.0,
                        hi as f64 / 100.0
                    ),
                ));
            }
            let raw = credit
                .get(channel)
                .map_or(0.0, |c| if use_value { c.value } else { c.conversions });
            if raw < 0.0 {
                notes.push(format!(
                    "`{channel}` has negative credit ({raw:.2}) under {}: the plan treats it as 0 \
                     (a channel cannot return less than nothing on spend)",
                    credit.model
                ));
            }
            let value = raw.max(0.0);
            if s == 0 {
                notes.push(format!(
                    "WARNING: `{channel}` has no spend, so no response curve: it keeps its floor, \
                     and the {value:.2} credited to it without spend is kept unchanged in the \
                     value after the plan (the response cannot tie it to spend)."
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
        notes.extend(credited_without_spend(credit, |c| {
            spend.by_key.contains_key(c)
        }));
        if lines.iter().all(|l| l.value <= 0.0) {
            return Err(Error::param(
                Param::BudgetModel,
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
                Param::Cap,
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

        // A channel without spend keeps what it earned without spend.
        let gain = |l: &Line, x: i64| {
            if l.s == 0 {
                l.value
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

/// The note naming the channels `credit` credits that have no spend (`has_spend` false;
/// the baseline aside): they are not part of a plan.
pub(crate) fn credited_without_spend(
    credit: &Credit,
    has_spend: impl Fn(&str) -> bool,
) -> Option<String> {
    let missing: Vec<&str> = credit
        .channels
        .iter()
        .filter(|c| c.conversions > 0.0 && !has_spend(&c.channel))
        .filter(|c| c.channel != BASELINE)
        .map(|c| c.channel.as_str())
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "Credited without spend (not part of the plan): {}.",
            missing.join(", ")
        )
    })
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
