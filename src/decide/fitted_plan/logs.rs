//! The log route of a fitted plan: each channel's exposures per period counted in the
//! event logs, valued by a model's credit per exposure (see the parent module).

use std::collections::BTreeMap;

use crate::credit::Credit;
use crate::decide::spend_series::SpendSeries;
use crate::error::{Error, Result};
use crate::journeys::ExposureSeries;
use crate::param::Param;
use crate::time::DAY;

use super::{Basis, FITTED_CAVEAT, FittedPlan, FittedPlanParams, Response, Route, assemble};

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
    if spend.dimension != "channel" {
        return Err(Error::param(
            Param::Spend,
            "a fitted response counts exposures per channel: give spend per channel",
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
    let mut responses = BTreeMap::new();
    for channel in spend.by_key.keys() {
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
        let missing = seen
            .iter()
            .all(|&e| e == 0.0)
            .then(|| "no exposures in the events in any period of the spend".to_string());
        responses.insert(
            channel.clone(),
            Response {
                per_period: seen,
                value_per_unit: value_per_exposure,
                missing,
            },
        );
    }
    let basis = Basis {
        route: Route::Logs,
        model: credit.model.clone(),
        objective: if use_value { "value" } else { "conversions" }.to_string(),
        notes,
        assumed_credit: credit,
    };
    assemble(spend, &responses, basis, params)
}

/// [`fitted_plan`] from its inputs as read: the spend series (`spend`, named
/// `spend_name`) and the events whose touches are the exposures, the series checked to
/// lie within the events. The route both front ends take.
pub fn fitted_plan_from(
    credit: &Credit,
    spend: crate::csv_input::Records<'_>,
    spend_name: &str,
    events: crate::csv_input::Records<'_>,
    events_name: &str,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    params.validate()?;
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
    series.check_within(
        exposures.first_day * DAY,
        (exposures.first_day + exposures.days as i64) * DAY - 1,
        spend_name,
    )?;
    fitted_plan(credit, &series, &exposures, params)
}
