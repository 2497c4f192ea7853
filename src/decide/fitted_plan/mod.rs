//! A budget plan from measured response (`budget --response fitted`), by one of two
//! routes that share everything after the curves' data.
//!
//! **The log route** ([`fitted_plan`]): a channel's response to spend splits into what
//! the logs count and what the model estimates:
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
//! Their product `g_c(x) = v_c · E_c(x)` is the value a period's spend `x` earns.
//!
//! **The aggregate route** ([`aggregate_plan`], weaker): without logs, from a credit
//! series (attributed conversions and value per channel and period,
//! [`crate::decide::credit_series`]), `g_c` is fitted directly to the credited value (or
//! conversions, when the series has no value) per period against the spend per period,
//! with the same curves, adstock and bootstrap: a regression on periods, as media-mix
//! tools make. It is weaker, and every plan it makes says so ([`AGGREGATE_CAVEAT`], the
//! `route` field): few points carry the fit; spend and credit move together with season
//! and targeting, so the curve confounds them (Chan & Perry 2017, "Challenges and
//! Opportunities in Media Mix Modeling", Google: the limited data, ad targeting and
//! seasonality of regressions on aggregate spend); credit dated by conversion lags the spend that bought
//! it; and the credit's model is not pathcredit's to see.
//!
//! **The plan** (one function, both routes): today's spend `s_c` is the mean spend per
//! period (over the last `current_periods` periods, or all); the plan maximises
//! `Σ g_c(x_c)` with `Σ x_c = Σ s_c` (or a new total `B`, or instead spends on each
//! channel until its marginal return falls to a target `m*`) and
//! `max(s_c (1 − m), floor_c) ≤ x_c ≤ min(s_c (1 + m), cap_c)`, exactly (equal marginal
//! returns for concave curves, dynamic programming on a grid otherwise), and is re-solved
//! under bootstrap draws of every curve (periods resampled): per channel the probability
//! that its spend should rise and an 80% interval of its recommended spend, and the
//! probability that the plan beats today's allocation. On the log route, with the
//! credit's bootstrap intervals, each draw also scales `v_c` by a multiplier drawn from
//! them (`value_draws.rs`); the aggregate route has no value per exposure to draw (its
//! curves are fitted to the credited value itself), so its draws resample the credit
//! series' periods only. Beside it, the plan the assumed response (`value ∝ spend^0.5`)
//! would make from the same credit.
//!
//! A channel whose credit the valuing model's own warnings doubt in a known direction
//! ([`BudgetParams::at_risk`]) is not moved that way unless the point plan with it valued
//! at the warning's alternative reading moves it the same way
//! ([`crate::decide::at_risk`]); otherwise it keeps today's spend, `bound` `at_risk`.
//! A channel whose curve cannot be fitted (too few periods with spend, no exposures, no
//! credit) keeps today's spend, with a note saying why; spend outside the range a curve
//! was fitted on is flagged, and `stay_in_range` keeps the plan inside it.

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
use crate::param::Param;

mod aggregate;
mod at_risk;
mod frequency_draws;
mod logs;
mod params;
mod value_draws;

pub use aggregate::{AGGREGATE_MODEL, aggregate_plan, aggregate_plan_from};
pub use logs::{fitted_plan, fitted_plan_from, fitted_plan_within, read_fitted_inputs};
pub use params::{DEFAULT_DRAWS, FittedPlanParams};

/// Which route made a plan's curves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Exposures per period counted in the event logs, valued by a model's credit.
    Logs,
    /// Credited value per period regressed on spend per period, from a credit series
    /// alone (weaker: see [`AGGREGATE_CAVEAT`]).
    Aggregate,
}

impl Route {
    /// `logs` or `aggregate`, as the plan's `route` field and column say.
    pub fn name(self) -> &'static str {
        match self {
            Route::Logs => "logs",
            Route::Aggregate => "aggregate",
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
    /// The bound that holds the recommendation (`lo`, `hi`, `at_risk`: a channel whose
    /// credit may be wrong the way the plan would move it, held at today's spend, see
    /// [`BudgetParams::at_risk`]; or empty).
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
    /// Value of one exposure under the model (the log route; none on the aggregate
    /// route, which sees no exposures).
    pub value_per_exposure: Option<f64>,
    /// The route that made the curve: `logs` or `aggregate` ([`Route`]).
    pub route: String,
    /// The channel's frequency effect: the relative value (± its standard error) of a
    /// repeated exposure within a person and period where one is shown and the curve
    /// values exposures by rank (`2nd 0.31±0.08 3rd+ 0.05±0.04`), `none shown`, or empty
    /// when not measured (the aggregate route, `frequency` off, no person-level logs).
    pub frequency: String,
}

/// Whether a plan's rows are channels (the default, not written).
fn is_channel(dimension: &str) -> bool {
    dimension == "channel"
}

/// A plan from measured response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedPlan {
    /// The route that made the curves: `logs` or `aggregate` ([`Route`]).
    pub route: String,
    /// What a row is: `channel`, or `campaign` (the spend series' key; written only
    /// when not `channel`).
    #[serde(skip_serializing_if = "is_channel")]
    pub dimension: String,
    /// The model whose credit values an exposure (the log route), or
    /// [`AGGREGATE_MODEL`]: the credit series' model, which pathcredit cannot see.
    pub model: String,
    /// What the plan maximises: `value` or `conversions` under the model (the log
    /// route); `attributed_value` or `attributed_conversions` of the credit series (the
    /// aggregate route: what the series credits, not what spend causes).
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
    /// Each fitted channel's curve of response per period and the value of one unit of
    /// response (the value of an exposure; 1 on the aggregate route, whose response is
    /// the value itself).
    #[serde(skip)]
    pub curves: BTreeMap<String, (FittedCurve, f64, Vec<crate::decide::response::Curve>)>,
    /// Each channel's frequency effect as measured (the log route).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub frequency: Vec<crate::decide::frequency::FrequencyEffect>,
    /// Facts a reader needs.
    pub notes: Vec<String>,
}

/// The caveat printed with every plan of the log route.
pub const FITTED_CAVEAT: &str = "Each channel's response is its exposures per period \
fitted against its spend per period, times the value of one exposure under the model: the \
plan is as causal as the model's credit, and spend outside the range seen in the data is an \
extrapolation.";

/// The caveat printed first with every plan of the aggregate route.
pub const AGGREGATE_CAVEAT: &str = "WEAKER ROUTE (aggregates only): each channel's curve \
is its attributed credit per period regressed on its spend per period, from the periods of \
the credit series and no event logs, as media-mix tools do. Few points carry each curve; \
spend and credit move together with season and targeting (spend rises when demand does), so \
the curve confounds the two; credit dated by conversion lags the spend that bought it; and \
the plan is only as causal as the credit series, whose model pathcredit cannot see. Its \
intervals and its chance of beating today measure the noise of the fit, not the confounding. \
With the event logs, the log route (`events` and a model's credit) measures exposures \
instead: prefer it.";

/// One channel's response per period on a route, before any fit.
struct Response {
    /// Response in each period of the spend series (exposures, or credited value).
    per_period: Vec<f64>,
    /// Value of one unit of response (1 when the response is the value itself).
    value_per_unit: f64,
    /// Why no curve can be fitted, when the route knows already.
    missing: Option<String>,
    /// The relative spread `σ` of the value of one unit of response, drawn with the
    /// curves ([`value_draws`]; the log route, with the credit's intervals).
    value_spread: Option<f64>,
    /// With a frequency effect, alternative response series from drawn rank values
    /// ([`frequency_draws`]); the curve draws are refitted over them.
    alternatives: Vec<frequency_draws::Alternative>,
    /// The frequency column of the plan's row.
    frequency: String,
}

/// What a route hands the plan besides its responses.
struct Basis<'a> {
    route: Route,
    model: String,
    objective: String,
    /// The route's notes, its caveat first.
    notes: Vec<String>,
    /// The credit the assumed-response plan beside it follows.
    assumed_credit: &'a Credit,
    /// Frequency effects measured (the log route).
    frequency: Vec<crate::decide::frequency::FrequencyEffect>,
}

/// What the plan says of carryover between periods: the channels whose curve was fitted
/// to adstocked spend, with the decay chosen, out of `fitted` channels.
fn adstock_note(carryover: &[(String, f64)], fitted: usize) -> String {
    if carryover.is_empty() {
        return format!(
            "Carryover between periods (adstock) tested for every channel by held-out error: \
             none chosen for any of the {fitted}."
        );
    }
    format!(
        "Carryover between periods (adstock, chosen by held-out error over periods): {}; \
         none for the other {} of {fitted} channels. A period's spend there keeps buying \
         exposures later, and the curve is read at the level it settles at.",
        carryover
            .iter()
            .map(|(c, a)| format!("`{c}` {a:.1}"))
            .collect::<Vec<_>>()
            .join(", "),
        fitted - carryover.len()
    )
}

/// The plan from each spend channel's response per period: curves fitted and drawn,
/// bounds, the target, the plan and its uncertainty, the assumed plan beside it. The one
/// assembly both routes call.
fn assemble(
    spend: &SpendSeries,
    responses: &BTreeMap<String, Response>,
    basis: Basis<'_>,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    params.validate()?;
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
    let n = spend.periods.len();
    let today = today_spend(spend, params.current_periods);
    let mut notes = basis.notes;
    let fit = FitParams::default()
        .seed(params.seed)
        .adstock(params.adstock);
    let mut draws_of: Vec<ChannelDraws> = Vec::new();
    let mut held: BTreeMap<String, String> = BTreeMap::new();
    let mut curves = BTreeMap::new();
    let mut spread = 0usize;
    let mut carryover: Vec<(String, f64)> = Vec::new();
    for (index, (channel, series)) in spend.by_key.iter().enumerate() {
        let response = &responses[channel];
        let fitted = match &response.missing {
            Some(why) => Err(Error::unsupported("response curve", why.clone())),
            None => {
                let points: Vec<(f64, f64)> = series
                    .iter()
                    .copied()
                    .zip(response.per_period.iter().copied())
                    .collect();
                fit.bootstrap(&points, params.draws)
            }
        };
        let mut boot = match fitted {
            Ok(boot) => boot,
            Err(e) => {
                held.insert(channel.clone(), e.to_string());
                continue;
            }
        };
        if !response.alternatives.is_empty() {
            boot.draws = frequency_draws::curve_draws(
                &fit,
                boot.fitted.form,
                series,
                &response.alternatives,
                params.draws,
            )?;
        }
        if let Some(sigma) = response.value_spread {
            let m = value_draws::value_multipliers(sigma, boot.draws.len(), params.seed, index);
            for (draw, m) in boot.draws.iter_mut().zip(m) {
                *draw = draw.scaled(m);
            }
            spread += 1;
        }
        if boot.fitted.adstock > 0.0 {
            carryover.push((channel.clone(), boot.fitted.adstock));
        }
        let s = today[channel];
        let (lo, hi) = params.budget.bounds(channel, s)?;
        curves.insert(
            channel.clone(),
            (
                boot.fitted.clone(),
                response.value_per_unit,
                boot.draws.clone(),
            ),
        );
        draws_of.push(ChannelDraws::from_bootstrap(
            channel.clone(),
            &boot,
            response.value_per_unit,
            s,
            lo,
            hi,
        ));
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
    if params.adstock {
        notes.push(adstock_note(&carryover, draws_of.len()));
    }
    for (channel, why) in &held {
        notes.push(format!(
            "WARNING: `{channel}` keeps today's spend: its response could not be fitted ({why})"
        ));
    }
    notes.push(match basis.route {
        Route::Logs if spread > 0 => format!(
            "The draws carry the uncertainty of the value of an exposure from the credit's \
             bootstrap intervals ({spread} of {} channels) as well as of the curves.",
            draws_of.len()
        ),
        Route::Logs => "The value of an exposure is taken as known (the credit has no \
                        intervals): the plan's intervals cover the curves only; `attribute \
                        --bootstrap N` carries the credit's uncertainty into them."
            .to_string(),
        Route::Aggregate => "The draws resample the periods of the credit series: they carry \
                             the noise of its credit per period, not the uncertainty of the \
                             model that credited it (a credit series has no intervals and no \
                             value per exposure to draw), nor the confounding."
            .to_string(),
    });
    let held_total: f64 = held.keys().map(|c| today[c]).sum();
    let target = match (params.total, params.target_mroas) {
        (Some(b), _) if !(b.is_finite() && b >= held_total) => {
            return Err(Error::param(
                Param::Spend,
                format!(
                    "a total of {b} per period: expected a finite amount of at least \
                     {held_total:.2}, what the channels held at today's spend take"
                ),
            ));
        }
        (Some(b), _) => Target::Total(b - held_total),
        (None, Some(m)) if !(m.is_finite() && m > 0.0) => {
            return Err(Error::param(
                Param::Spend,
                format!("a target marginal return of {m}: expected a positive number"),
            ));
        }
        (None, Some(m)) => Target::Marginal(m),
        (None, None) => Target::Total(draws_of.iter().map(|c| c.today).sum()),
    };
    let risks: Vec<crate::models::CreditRisk> = params
        .budget
        .at_risk
        .iter()
        .filter(|r| draws_of.iter().any(|c| c.name == r.channel))
        .cloned()
        .collect();
    let mut at_risk = crate::decide::at_risk::Decision::default();
    if !risks.is_empty() && !params.budget.move_at_risk {
        at_risk = at_risk::hold_channels_at_risk(
            &mut draws_of,
            basis.assumed_credit,
            &risks,
            target,
            params.stay_in_range,
        )?;
        notes.extend(crate::decide::at_risk::note(&basis.model, &risks, &at_risk));
    }
    let solved = UncertaintyParams::default()
        .optimize(OptimizeParams::default())
        .stay_in_range(params.stay_in_range)
        .solve(&draws_of, target)?;
    notes.extend(solved.notes.iter().cloned());
    let assumed = assumed_plan(basis.assumed_credit, &today, &params.budget);
    let per_exposure = |c: &str| (basis.route == Route::Logs).then(|| responses[c].value_per_unit);
    let route = basis.route.name();
    let mut rows = Vec::new();
    for (c, (u, plan)) in draws_of
        .iter()
        .zip(solved.channels.iter().zip(&solved.plan.channels))
    {
        rows.push(FittedRow {
            channel: c.name.clone(),
            current_spend: c.today,
            recommended_spend: plan.spend,
            change: plan.spend - c.today,
            change_pct: (c.today > 0.0).then(|| (plan.spend - c.today) / c.today),
            value_before: c.curve.value(c.today),
            value_after: plan.value,
            marginal_roas_before: Some(c.curve.marginal(c.today)),
            marginal_roas_after: Some(plan.marginal),
            bound: match plan.binding {
                _ if at_risk.held.contains(&c.name) => "at_risk".into(),
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
            value_per_exposure: per_exposure(&c.name),
            route: route.to_string(),
            frequency: responses[&c.name].frequency.clone(),
        });
    }
    for (channel, why) in &held {
        let s = today[channel];
        rows.push(FittedRow {
            channel: channel.clone(),
            current_spend: s,
            recommended_spend: s,
            change: 0.0,
            change_pct: (s > 0.0).then_some(0.0),
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
            value_per_exposure: per_exposure(channel),
            route: route.to_string(),
            frequency: responses[channel].frequency.clone(),
        });
    }
    rows.sort_by(|a, b| a.channel.cmp(&b.channel));
    Ok(FittedPlan {
        dimension: spend.dimension.clone(),
        route: route.to_string(),
        model: basis.model,
        objective: basis.objective,
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
        frequency: basis.frequency,
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

/// The recommended spend per channel under the assumed response, from `credit` and
/// today's spend (none when that plan cannot be made, e.g. no channel credited).
fn assumed_plan(
    credit: &Credit,
    today: &BTreeMap<String, f64>,
    budget: &BudgetParams,
) -> BTreeMap<String, f64> {
    let spend = Spend {
        dimension: "channel".into(),
        period: None,
        by_key: today.clone(),
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

#[cfg(test)]
mod aggregate_tests;
#[cfg(test)]
mod campaign_tests;
#[cfg(test)]
mod tests;
