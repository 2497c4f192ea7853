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
//! with no credit goes down to its floor (or by `max_shift`). A channel whose credit the
//! model's own warnings doubt in a known direction ([`BudgetParams::at_risk`]) is not
//! moved that way unless the plan at the warning's alternative reading moves it the same
//! way ([`crate::decide::at_risk`]).
//!
//! Attribution ROAS is an average over past spend under one model, not the return of
//! the next unit of spend: the plan is a hypothesis to test, and says so.

use std::collections::BTreeMap;

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
    /// The bound the recommendation sits on: `floor`, `cap`, `max_shift`, `at_risk` (a
    /// channel whose credit may be wrong that way, held at today's spend:
    /// [`BudgetParams::at_risk`]) or empty.
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
    /// Builds a plan from `credit` and `spend`; with channels at risk
    /// ([`BudgetParams::at_risk`]), the plan of the credit as it is and the plan with
    /// every doubted channel valued at its alternative reading decide which channels it
    /// holds at today's spend ([`crate::decide::at_risk`]).
    pub fn new(credit: &Credit, spend: &Spend, params: &BudgetParams) -> Result<Plan> {
        let risks: Vec<crate::models::CreditRisk> = params
            .at_risk
            .iter()
            .filter(|r| spend.by_key.contains_key(&r.channel))
            .cloned()
            .collect();
        if risks.is_empty() || params.move_at_risk {
            return Plan::solve(credit, spend, params);
        }
        let mut free = params.clone();
        free.at_risk.clear();
        let spends = |p: &Plan| -> BTreeMap<String, f64> {
            p.rows
                .iter()
                .map(|r| (r.channel.clone(), r.recommended_spend))
                .collect()
        };
        let as_is = spends(&Plan::solve(credit, spend, &free)?);
        let ratios = crate::decide::at_risk::alternative_ratios(&risks, |c| {
            credit.get(c).map(|x| x.conversions)
        });
        let alternative = match ratios.values().any(Option::is_some) {
            true => {
                let mut alt = credit.clone();
                for ch in &mut alt.channels {
                    if let Some(Some(r)) = ratios.get(&ch.channel) {
                        ch.conversions *= r;
                        ch.value *= r;
                    }
                }
                Some(spends(&Plan::solve(&alt, spend, &free)?))
            }
            false => None,
        };
        let decision = crate::decide::at_risk::decide(
            &risks,
            &spend.by_key,
            &as_is,
            &ratios,
            alternative.as_ref(),
        );
        free.held.extend(decision.held.iter().cloned());
        let mut plan = Plan::solve(credit, spend, &free)?;
        plan.notes.extend(crate::decide::at_risk::note(
            &credit.model,
            &risks,
            &decision,
        ));
        Ok(plan)
    }

    /// The plan within `params`' bounds, channels in `held` pinned at today's spend.
    fn solve(credit: &Credit, spend: &Spend, params: &BudgetParams) -> Result<Plan> {
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
            if lo <= hi && params.held.contains(channel) {
                let anchor = s.clamp(lo, hi);
                (lo, hi, lo_bound, hi_bound) = (anchor, anchor, "at_risk", "at_risk");
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
                bound: if (xc == l.lo && l.lo_bound == "at_risk")
                    || (xc == l.hi && l.hi_bound == "at_risk")
                {
                    "at_risk".to_string()
                } else if xc == l.s && l.lo < l.hi {
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
mod tests;
