//! The log route of a fitted plan: each channel's (or campaign's, with spend and credit
//! per campaign) exposures per period counted in the event logs, valued by a model's credit per exposure (see the parent module), its
//! uncertainty drawn from the credit's intervals when it has them ([`super::value_draws`]).

use std::collections::BTreeMap;

use crate::credit::Credit;
use crate::decide::spend_series::SpendSeries;
use crate::error::{Error, Result};
use crate::journeys::ExposureSeries;
use crate::param::Param;
use crate::time::DAY;

use super::{
    Basis, FITTED_CAVEAT, FittedPlan, FittedPlanParams, Response, Route, assemble, frequency_draws,
    value_draws,
};

/// The fitted plan of `credit` (the model valuing an exposure) over `spend` (a series)
/// with the exposures of `exposures`.
pub fn fitted_plan(
    credit: &Credit,
    spend: &SpendSeries,
    exposures: &ExposureSeries,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    params.validate()?;
    crate::decide::budget::check_additive(credit)?;
    let dimension = spend.dimension.as_str();
    let Some(counted) = exposures.keyed(dimension) else {
        return Err(Error::param(
            Param::Spend,
            format!(
                "a fitted response counts exposures per channel or per campaign, not per \
                 {dimension}: give spend per channel or per campaign"
            ),
        ));
    };
    if credit.dimension != dimension {
        return Err(Error::param(
            Param::Spend,
            format!(
                "the spend is per {dimension} and the credit per {}: value each {dimension}'s \
                 exposures by credit per {dimension} (`level`)",
                credit.dimension
            ),
        ));
    }
    if dimension == "campaign" && counted.is_empty() {
        return Err(Error::param(
            Param::Spend,
            "spend per campaign needs the campaigns' exposures: the events have no `campaign` \
             column",
        ));
    }
    let n = spend.periods.len();
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
    let channels: Vec<String> = spend.by_key.keys().cloned().collect();
    // Frequency is measured per channel (a person's touches are kept by channel).
    let measured =
        params.frequency && dimension == "channel" && !exposures.persons.touches.is_empty();
    if params.frequency && dimension != "channel" {
        notes.push(format!(
            "Frequency effects are measured per channel: each {dimension}'s exposures keep \
             one value (its credit over its exposures)."
        ));
    }
    let effects = if measured {
        crate::decide::frequency::frequency_effects(
            &exposures.persons,
            &channels,
            start_day,
            i64::from(spend.step_days),
            n,
        )
    } else {
        BTreeMap::new()
    };
    let mut responses = BTreeMap::new();
    for (index, channel) in channels.iter().enumerate() {
        let seen =
            exposures.per_period_of(dimension, channel, start_day, i64::from(spend.step_days), n);
        let total_exposures: u64 = counted.get(channel).map_or(0, |d| d.iter().sum());
        let credited = credit.get(channel).map_or(0.0, |c| {
            if use_value { c.value } else { c.conversions }.max(0.0)
        });
        let mut value_per_exposure = if total_exposures > 0 {
            credited / total_exposures as f64
        } else {
            0.0
        };
        let missing = seen
            .iter()
            .all(|&e| e == 0.0)
            .then(|| "no exposures in the events in any period of the spend".to_string());
        let effect = effects.get(channel);
        let mut per_period = seen;
        let mut alternatives = Vec::new();
        if let Some(e) = effect.filter(|e| e.shown && e.reach.is_some()) {
            // Effective exposures (first-exposure equivalents), the credit's level kept.
            let effective: Vec<f64> = per_period
                .iter()
                .map(|&x| e.effective(x, &e.relative))
                .collect();
            let share = effective.iter().sum::<f64>() / per_period.iter().sum::<f64>().max(1.0);
            if share > 0.0 {
                value_per_exposure /= share;
                alternatives = frequency_draws::alternatives(
                    e,
                    &per_period,
                    params.seed.wrapping_add(index as u64),
                );
                per_period = effective;
            }
        }
        if let Some(e) = effect {
            notes.push(e.note());
        }
        responses.insert(
            channel.clone(),
            Response {
                per_period,
                value_per_unit: value_per_exposure,
                missing,
                value_spread: value_draws::relative_spread(credit, channel),
                alternatives,
                frequency: effect.map_or_else(String::new, |e| e.summary()),
            },
        );
    }
    let shown: Vec<&str> = effects
        .values()
        .filter(|e| e.shown)
        .map(|e| e.channel.as_str())
        .collect();
    if measured {
        notes.push(if shown.is_empty() {
            "No channel shows a frequency effect distinguishable from constant: every \
             exposure of a channel keeps the same value (its credit over its exposures)."
                .to_string()
        } else {
            format!(
                "Frequency effects shown in {}: their curves value a period's exposures by \
                 rank within person and period (value per exposure = per first exposure).",
                shown.join(", ")
            )
        });
    }
    let basis = Basis {
        route: Route::Logs,
        model: credit.model.clone(),
        objective: if use_value { "value" } else { "conversions" }.to_string(),
        notes,
        assumed_credit: credit,
        frequency: effects.into_values().collect(),
    };
    assemble(spend, &responses, basis, params)
}

/// The inputs of [`fitted_plan`] as read: the spend series (`spend`, named `spend_name`,
/// per `dimension`: `channel`, or `campaign` for credit per campaign) and the exposures of the events (every touch per channel and day, and
/// per person for frequency effects: with `identities`, devices stitched into persons,
/// without which a person's touches on a device and conversions logged in do not meet),
/// the series checked to lie within the events.
pub fn read_fitted_inputs(
    spend: crate::csv_input::Records<'_>,
    spend_name: &str,
    dimension: &str,
    events: crate::csv_input::Records<'_>,
    events_name: &str,
    identities: Option<(crate::csv_input::Records<'_>, &str)>,
) -> Result<(SpendSeries, ExposureSeries)> {
    let series = crate::decide::read_spend_series(
        spend,
        spend_name,
        dimension,
        &crate::csv_input::ReadOptions::default(),
    )?;
    let built = crate::journeys::build_journeys_from(
        events,
        events_name,
        identities,
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
/// exposures were counted on (as in [`read_fitted_inputs`]). The route of a front end that
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
    identities: Option<(crate::csv_input::Records<'_>, &str)>,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    params.validate()?;
    let (series, exposures) = read_fitted_inputs(
        spend,
        spend_name,
        &credit.dimension,
        events,
        events_name,
        identities,
    )?;
    fitted_plan(credit, &series, &exposures, params)
}
