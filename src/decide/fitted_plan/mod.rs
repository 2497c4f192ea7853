//! A budget plan from measured response (`budget --response fitted`).
//!
//! A channel's response to spend splits into what the logs count and what the model
//! estimates:
//!
//! 1. **spend → exposures**: its exposures (touches) in each period of the spend series
//!    against its spend in that period, fitted by a saturating curve `E_c(x)` (Hill or
//!    exponential, chosen by held-out error: [`crate::decide::response`]);
//! 2. **exposures → value**: the value one exposure adds under the chosen model,
//!    `v_c = credit_c / exposures_c`, the channel's credited value (or conversions, when
//!    the credit has no value) over its touches counted in the same data. With an
//!    additive causal model (`self_controlled`) this is the incremental value of an
//!    exposure; with any other model it is the model's average, and the plan is only as
//!    causal as the model.
//!
//! Their product `g_c(x) = v_c · E_c(x)` is the value a period's spend `x` earns. Today's
//! spend `s_c` is the mean spend per period (over the last `current_periods` periods, or
//! all); the plan maximises `Σ g_c(x_c)` with `Σ x_c = Σ s_c` (or a new total `B`, or
//! instead spends on each channel until its marginal return falls to a target `m*`) and
//! `max(s_c (1 − m), floor_c) ≤ x_c ≤ min(s_c (1 + m), cap_c)`, exactly (equal marginal
//! returns for concave curves, dynamic programming on a grid otherwise), and is re-solved
//! under bootstrap draws of every curve (periods resampled): per channel the probability
//! that its spend should rise and an 80% interval of its recommended spend, and the
//! probability that the plan beats today's allocation; with the credit's bootstrap
//! intervals, each draw also scales `v_c` by a multiplier drawn from them
//! ([`value_draws`]). Beside it, the plan the assumed
//! response (`value ∝ spend^0.5`) would make from the same credit.
//!
//! A channel whose curve cannot be fitted (too few periods with spend, no exposures)
//! keeps today's spend, with a note saying why; spend outside the range a curve was
//! fitted on is flagged, and `stay_in_range` keeps the plan inside it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::credit::Credit;
use crate::decide::budget::{BudgetParams, Plan};
use crate::decide::response::{
    Binding, ChannelDraws, FitParams, FittedCurve, OptimizeParams, Target, UncertaintyParams,
};
use crate::decide::spend::Spend;
use crate::decide::spend_series::SpendSeries;
use crate::error::{Error, Result};
use crate::journeys::ExposureSeries;
use crate::param::Param;
use crate::time::DAY;

/// Bootstrap draws of the curves by default.
pub const DEFAULT_DRAWS: usize = 200;

/// Settings of a fitted plan.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedPlanParams {
    /// Bounds (`max_shift`, floors, caps) as in an assumed-response plan.
    pub budget: BudgetParams,
    /// Bootstrap draws of every curve (default [`DEFAULT_DRAWS`]).
    pub draws: usize,
    /// Seed of the draws and of the fits' folds.
    pub seed: u64,
    /// Keep every channel's spend inside the range its curve was fitted on.
    pub stay_in_range: bool,
    /// Today's spend is the mean over the last this many periods (default: all).
    pub current_periods: Option<usize>,
    /// Fit to geometrically adstocked spend (carryover from one period to the next).
    pub adstock: bool,
    /// A new total spend per period (default: today's total), channels held at today's
    /// spend included.
    pub total: Option<f64>,
    /// Instead of a total, spend on every channel until its marginal return falls to
    /// this (within its bounds).
    pub target_mroas: Option<f64>,
}

impl Default for FittedPlanParams {
    fn default() -> Self {
        FittedPlanParams {
            budget: BudgetParams::default(),
            draws: DEFAULT_DRAWS,
            seed: 42,
            stay_in_range: false,
            current_periods: None,
            adstock: false,
            total: None,
            target_mroas: None,
        }
    }
}

/// One channel of a fitted plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedRow {
    /// The channel.
    pub channel: String,
    /// Mean spend per period today.
    pub current_spend: f64,
    /// Recommended spend per period.
    pub recommended_spend: f64,
    /// `recommended − current`.
    pub change: f64,
    /// `change / current` (none when current is 0).
    pub change_pct: Option<f64>,
    /// Value per period at today's spend, under the fitted curve.
    pub value_before: f64,
    /// Value per period at the recommended spend.
    pub value_after: f64,
    /// Marginal return of spend today.
    pub marginal_roas_before: Option<f64>,
    /// Marginal return at the recommendation.
    pub marginal_roas_after: Option<f64>,
    /// The bound that holds the recommendation (`lo`, `hi`, or empty).
    pub bound: String,
    /// Smallest spend per period the curve was fitted on.
    pub fitted_min: Option<f64>,
    /// Largest spend per period the curve was fitted on.
    pub fitted_max: Option<f64>,
    /// 10th percentile of the recommended spend over the curve draws.
    pub spend_p10: Option<f64>,
    /// 90th percentile.
    pub spend_p90: Option<f64>,
    /// Share of draws whose plan spends more than today.
    pub prob_rise: Option<f64>,
    /// True when the recommendation lies outside the fitted range.
    pub outside_range: bool,
    /// The recommended spend under the assumed response (`value ∝ spend^0.5`).
    pub assumed_spend: Option<f64>,
    /// The curve's form (`hill`, `exponential`), or why there is none.
    pub curve: String,
    /// Value of one exposure under the model.
    pub value_per_exposure: f64,
}

/// A plan from measured response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedPlan {
    /// The model whose credit values an exposure.
    pub model: String,
    /// `value` or `conversions`.
    pub objective: String,
    /// Days per period of the spend series.
    pub step_days: u32,
    /// Periods of the spend series.
    pub periods: usize,
    /// Total spend per period (the same before and after).
    pub total_spend: f64,
    /// Value per period today under the curves.
    pub value_before: f64,
    /// Value per period under the plan.
    pub value_after: f64,
    /// Share of curve draws under which the plan beats today's allocation.
    pub prob_beats_today: f64,
    /// Draws the plan was re-solved under.
    pub draws: usize,
    /// `kkt` or `grid`.
    pub method: String,
    /// The equalised marginal return (none when every channel sits on a bound).
    pub lambda: Option<f64>,
    /// How far below the optimum a grid plan may be (0 for KKT).
    pub grid_error_bound: f64,
    /// Channels, sorted by name.
    pub rows: Vec<FittedRow>,
    /// Each fitted channel's curve of exposures and the value of one exposure.
    #[serde(skip)]
    pub curves: BTreeMap<String, (FittedCurve, f64, Vec<crate::decide::response::Curve>)>,
    /// Facts a reader needs.
    pub notes: Vec<String>,
}

/// The caveat printed with every fitted plan.
pub const FITTED_CAVEAT: &str = "Each channel's response is its exposures per period \
fitted against its spend per period, times the value of one exposure under the model: the \
plan is as causal as the model's credit, and spend outside the range seen in the data is an \
extrapolation.";

/// One channel's inputs: its spend and exposure series, today's spend, its value per
/// exposure.
struct Inputs {
    points: Vec<(f64, f64)>,
    today: f64,
    value_per_exposure: f64,
}

/// The fitted plan of `credit` (the model valuing an exposure) over `spend` (a series)
/// with the exposures of `exposures`.
pub fn fitted_plan(
    credit: &Credit,
    spend: &SpendSeries,
    exposures: &ExposureSeries,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    params.budget.validate()?;
    if params.draws == 0 {
        return Err(Error::param(
            Param::Bootstrap,
            "`draws` must be at least 1 (200 give stable 80% intervals)",
        ));
    }
    // Every draw keeps one curve per channel, and the plan's re-solve one spend per
    // channel and draw.
    let per_draw = (std::mem::size_of::<crate::decide::response::Curve>() + 3 * 8) as u64;
    crate::memory::check(
        "budget",
        &format!(
            "{} draws of {} channels' curves",
            params.draws,
            spend.by_key.len()
        ),
        per_draw
            .saturating_mul(params.draws as u64)
            .saturating_mul(spend.by_key.len().max(1) as u64),
        None,
        "ask for fewer `draws` (200 give stable 80% intervals)",
    )?;
    if !credit.additive {
        return Err(Error::param(
            Param::BudgetModel,
            format!(
                "`{}` is not additive; a budget needs additive credit",
                credit.model
            ),
        ));
    }
    if spend.dimension != "channel" {
        return Err(Error::param(
            Param::Spend,
            "a fitted response counts exposures per channel: give spend per channel",
        ));
    }
    let n = spend.periods.len();
    let today = today_spend(spend, params.current_periods);
    let start_day = spend.periods.first().map_or(0, |p| p.div_euclid(DAY));
    let use_value = credit.total_value > 0.0;
    let mut notes = vec![FITTED_CAVEAT.to_string()];
    if !use_value {
        notes
            .push("The credit carries no conversion value: the plan maximises conversions.".into());
    }
    notes.extend(crate::decide::budget::credited_without_spend(credit, |c| {
        spend.by_key.contains_key(c)
    }));
    let mut inputs: BTreeMap<String, Inputs> = BTreeMap::new();
    for (channel, series) in &spend.by_key {
        let seen = exposures.per_period(channel, start_day, i64::from(spend.step_days), n);
        let total_exposures: u64 = exposures
            .by_channel
            .get(channel)
            .map_or(0, |d| d.iter().sum());
        let credited = credit.get(channel).map_or(0.0, |c| {
            if use_value { c.value } else { c.conversions }.max(0.0)
        });
        let value_per_exposure = if total_exposures > 0 {
            credited / total_exposures as f64
        } else {
            0.0
        };
        let today = today[channel];
        inputs.insert(
            channel.clone(),
            Inputs {
                points: series.iter().copied().zip(seen).collect(),
                today,
                value_per_exposure,
            },
        );
    }
    let fit = FitParams::default()
        .seed(params.seed)
        .adstock(params.adstock);
    let mut draws_of: Vec<ChannelDraws> = Vec::new();
    let mut held: BTreeMap<String, String> = BTreeMap::new();
    let mut curves = BTreeMap::new();
    let mut spread = 0usize;
    for (channel, input) in &inputs {
        let fitted = if input.points.iter().all(|p| p.1 == 0.0) {
            Err(Error::unsupported(
                "response curve",
                "no exposures in the events in any period of the spend",
            ))
        } else {
            fit.bootstrap(&input.points, params.draws)
        };
        match fitted {
            Ok(mut boot) => {
                if let Some(sigma) = value_draws::relative_spread(credit, channel) {
                    let m = value_draws::value_multipliers(
                        sigma,
                        boot.draws.len(),
                        params.seed,
                        draws_of.len() + held.len(),
                    );
                    for (draw, m) in boot.draws.iter_mut().zip(m) {
                        *draw = draw.scaled(m);
                    }
                    spread += 1;
                }
                let s = input.today;
                let (lo, hi) = params.budget.bounds(channel, s)?;
                curves.insert(
                    channel.clone(),
                    (
                        boot.fitted.clone(),
                        input.value_per_exposure,
                        boot.draws.clone(),
                    ),
                );
                draws_of.push(ChannelDraws::from_bootstrap(
                    channel.clone(),
                    &boot,
                    input.value_per_exposure,
                    s,
                    lo,
                    hi,
                ));
            }
            Err(e) => {
                held.insert(channel.clone(), e.to_string());
            }
        }
    }
    if draws_of.is_empty() {
        return Err(Error::param(
            Param::Spend,
            format!(
                "no channel's response could be fitted: {}",
                held.iter()
                    .map(|(c, why)| format!("`{c}`: {why}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
    }
    for (channel, why) in &held {
        notes.push(format!(
            "WARNING: `{channel}` keeps today's spend: its response could not be fitted ({why})"
        ));
    }
    notes.push(if spread > 0 {
        format!(
            "The draws carry the uncertainty of the value of an exposure from the credit's \
             bootstrap intervals ({spread} of {} channels) as well as of the curves.",
            draws_of.len()
        )
    } else {
        "The value of an exposure is taken as known (the credit has no intervals): the \
         plan's intervals cover the curves only; `attribute --bootstrap N` carries the \
         credit's uncertainty into them."
            .to_string()
    });
    let held_total: f64 = held.keys().map(|c| inputs[c].today).sum();
    let target = match (params.total, params.target_mroas) {
        (Some(_), Some(_)) => {
            return Err(Error::param(
                Param::Spend,
                "give a new total or a target marginal return, not both",
            ));
        }
        (Some(b), None) if !(b.is_finite() && b >= held_total) => {
            return Err(Error::param(
                Param::Spend,
                format!(
                    "a total of {b} per period: expected a finite amount of at least \
                     {held_total:.2}, what the channels held at today's spend take"
                ),
            ));
        }
        (Some(b), None) => Target::Total(b - held_total),
        (None, Some(m)) if !(m.is_finite() && m > 0.0) => {
            return Err(Error::param(
                Param::Spend,
                format!("a target marginal return of {m}: expected a positive number"),
            ));
        }
        (None, Some(m)) => Target::Marginal(m),
        (None, None) => Target::Total(draws_of.iter().map(|c| c.today).sum()),
    };
    let solved = UncertaintyParams::default()
        .optimize(OptimizeParams::default())
        .stay_in_range(params.stay_in_range)
        .solve(&draws_of, target)?;
    notes.extend(solved.notes.iter().cloned());
    let assumed = assumed_plan(credit, &inputs, &params.budget);
    let mut rows = Vec::new();
    for (c, (u, plan)) in draws_of
        .iter()
        .zip(solved.channels.iter().zip(&solved.plan.channels))
    {
        let before = c.curve.value(c.today);
        rows.push(FittedRow {
            channel: c.name.clone(),
            current_spend: c.today,
            recommended_spend: plan.spend,
            change: plan.spend - c.today,
            change_pct: (c.today > 0.0).then(|| (plan.spend - c.today) / c.today),
            value_before: before,
            value_after: plan.value,
            marginal_roas_before: Some(c.curve.marginal(c.today)),
            marginal_roas_after: Some(plan.marginal),
            bound: match plan.binding {
                Binding::Lo => "lo".into(),
                Binding::Hi => "hi".into(),
                Binding::Free => String::new(),
            },
            fitted_min: Some(u.spend_min),
            fitted_max: Some(u.spend_max),
            spend_p10: Some(u.spend_p10),
            spend_p90: Some(u.spend_p90),
            prob_rise: Some(u.prob_rise),
            outside_range: u.outside_range,
            assumed_spend: assumed.get(&c.name).copied(),
            curve: curves[&c.name].0.form.name().to_string(),
            value_per_exposure: inputs[&c.name].value_per_exposure,
        });
    }
    for (channel, why) in &held {
        let input = &inputs[channel];
        rows.push(FittedRow {
            channel: channel.clone(),
            current_spend: input.today,
            recommended_spend: input.today,
            change: 0.0,
            change_pct: (input.today > 0.0).then_some(0.0),
            value_before: 0.0,
            value_after: 0.0,
            marginal_roas_before: None,
            marginal_roas_after: None,
            bound: "held".into(),
            fitted_min: None,
            fitted_max: None,
            spend_p10: None,
            spend_p90: None,
            prob_rise: None,
            outside_range: false,
            assumed_spend: assumed.get(channel).copied(),
            curve: format!("none: {why}"),
            value_per_exposure: input.value_per_exposure,
        });
    }
    rows.sort_by(|a, b| a.channel.cmp(&b.channel));
    Ok(FittedPlan {
        model: credit.model.clone(),
        objective: if use_value { "value" } else { "conversions" }.to_string(),
        step_days: spend.step_days,
        periods: n,
        total_spend: solved.plan.total_spend + held_total,
        value_before: solved.today_value,
        value_after: solved.plan.value,
        prob_beats_today: solved.prob_beats_today,
        draws: solved.draws,
        method: solved.plan.method.name().to_string(),
        lambda: solved.plan.lambda,
        grid_error_bound: solved.plan.grid_error_bound,
        rows,
        curves,
        notes,
    })
}

/// Today's spend per key of `spend`: the mean spend per period over its last
/// `current_periods` periods (all, by default; at least one).
pub fn today_spend(spend: &SpendSeries, current_periods: Option<usize>) -> BTreeMap<String, f64> {
    let n = spend.periods.len();
    let recent = current_periods.unwrap_or(n).clamp(1, n.max(1));
    spend
        .by_key
        .iter()
        .map(|(key, series)| {
            let tail = &series[series.len().saturating_sub(recent)..];
            (key.clone(), tail.iter().sum::<f64>() / recent as f64)
        })
        .collect()
}

/// The inputs of [`fitted_plan`] as read: the spend series (`spend`, named `spend_name`,
/// per channel) and the exposures of the events (every touch per channel and day), the
/// series checked to lie within the events.
pub fn read_fitted_inputs(
    spend: crate::csv_input::Records<'_>,
    spend_name: &str,
    events: crate::csv_input::Records<'_>,
    events_name: &str,
) -> Result<(SpendSeries, ExposureSeries)> {
    let series = crate::decide::read_spend_series(
        spend,
        spend_name,
        "channel",
        &crate::csv_input::ReadOptions::default(),
    )?;
    let built = crate::journeys::build_journeys_from(
        events,
        events_name,
        None,
        &crate::journeys::JourneyParams {
            keep_exposures: true,
            ..Default::default()
        },
    )?;
    let exposures = built.exposures.unwrap_or_default();
    check_within_events(&series, &exposures, events_name)?;
    Ok((series, exposures))
}

/// Checks that every period of `spend` lies within the days the exposures were counted
/// on, in the events named `events_name` (an error located at the spend file's first
/// period outside them).
fn check_within_events(
    spend: &SpendSeries,
    exposures: &ExposureSeries,
    events_name: &str,
) -> Result<()> {
    spend.check_within(
        exposures.first_day * DAY,
        (exposures.first_day + exposures.days as i64) * DAY - 1,
        events_name,
    )
}

/// [`fitted_plan`] once every period of `spend` is checked to lie within the days the
/// exposures were counted on ([`check_within_events`]). The route of a front end that
/// built the journeys with their exposures kept (`report`).
pub fn fitted_plan_within(
    credit: &Credit,
    spend: &SpendSeries,
    exposures: &ExposureSeries,
    events_name: &str,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    check_within_events(spend, exposures, events_name)?;
    fitted_plan(credit, spend, exposures, params)
}

/// [`fitted_plan`] from its inputs as read ([`read_fitted_inputs`]). The route of
/// `budget` in both front ends.
pub fn fitted_plan_from(
    credit: &Credit,
    spend: crate::csv_input::Records<'_>,
    spend_name: &str,
    events: crate::csv_input::Records<'_>,
    events_name: &str,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    let (series, exposures) = read_fitted_inputs(spend, spend_name, events, events_name)?;
    fitted_plan(credit, &series, &exposures, params)
}

/// The recommended spend per channel under the assumed response, from the same credit
/// and today's spend (none when that plan cannot be made, e.g. no channel credited).
fn assumed_plan(
    credit: &Credit,
    inputs: &BTreeMap<String, Inputs>,
    budget: &BudgetParams,
) -> BTreeMap<String, f64> {
    let spend = Spend {
        dimension: "channel".into(),
        period: None,
        by_key: inputs.iter().map(|(c, i)| (c.clone(), i.today)).collect(),
        report: Default::default(),
    };
    let mut params = budget.clone();
    params.response = crate::decide::budget::Response::Diminishing { elasticity: 0.5 };
    Plan::new(credit, &spend, &params).map_or_else(
        |_| BTreeMap::new(),
        |plan| {
            plan.rows
                .into_iter()
                .map(|r| (r.channel, r.recommended_spend))
                .collect()
        },
    )
}

mod value_draws;

#[cfg(test)]
mod tests;
