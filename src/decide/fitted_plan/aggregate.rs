//! The aggregate route of a fitted plan (weaker): each channel's credited value per
//! period regressed on its spend per period, from a credit series alone, for users with
//! a credit-by-period table and no event logs (see the parent module and
//! [`AGGREGATE_CAVEAT`]).

use std::collections::BTreeMap;

use crate::credit::{ChannelCredit, Credit};
use crate::decide::credit_series::{CreditSeries, read_credit_series};
use crate::decide::spend_series::SpendSeries;
use crate::error::{Error, Result};
use crate::param::Param;

use super::{AGGREGATE_CAVEAT, Basis, FittedPlan, FittedPlanParams, Response, Route, assemble};

/// The `model` of an aggregate plan: the credit series came from a model pathcredit
/// cannot see.
pub const AGGREGATE_MODEL: &str = "unknown (credit series)";

/// The fitted plan of `spend` (a series) from `credits`, the attributed conversions and
/// value per channel and period read against it ([`read_credit_series`]): each channel's
/// curve is fitted to its credited value per period (conversions, when the series
/// carries no value) against its spend per period, one unit of response worth 1. A
/// channel with spend and no rows, or no credit in any period, keeps today's spend.
pub fn aggregate_plan(
    credits: &CreditSeries,
    spend: &SpendSeries,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    params.validate()?;
    if spend.dimension != "channel" {
        return Err(Error::param(
            Param::Spend,
            "a credit series is per channel: give spend per channel",
        ));
    }
    let use_value = credits.has_value && credits.total_value() > 0.0;
    let mut notes = vec![
        AGGREGATE_CAVEAT.to_string(),
        format!(
            "Each curve rests on {} periods of {} day(s) of aggregates.",
            spend.len(),
            spend.step_days
        ),
    ];
    if !use_value {
        notes.push(
            "The credit series carries no conversion value: the plan maximises attributed \
             conversions."
                .into(),
        );
    }
    if !credits.without_spend.is_empty() {
        notes.push(format!(
            "Credited in {} without spend, left out of the plan: {}.",
            credits.report.file,
            credits.without_spend.join(", ")
        ));
    }
    let source = if use_value {
        &credits.value
    } else {
        &credits.conversions
    };
    let mut responses = BTreeMap::new();
    for channel in spend.by_key.keys() {
        let per_period = source.get(channel).cloned().unwrap_or_default();
        let missing = if per_period.is_empty() {
            Some(format!(
                "no rows in the credit series {}",
                credits.report.file
            ))
        } else if per_period.iter().all(|&v| v == 0.0) {
            Some("no credit in any period of the credit series".to_string())
        } else {
            None
        };
        responses.insert(
            channel.clone(),
            Response {
                per_period,
                value_per_unit: 1.0,
                missing,
                value_spread: None,
                alternatives: Vec::new(),
                frequency: String::new(),
            },
        );
    }
    let assumed_credit = totals(credits, spend);
    let basis = Basis {
        frequency: Vec::new(),
        route: Route::Aggregate,
        model: AGGREGATE_MODEL.to_string(),
        objective: if use_value {
            "attributed_value"
        } else {
            "attributed_conversions"
        }
        .to_string(),
        notes,
        assumed_credit: &assumed_credit,
    };
    assemble(spend, &responses, basis, params)
}

/// The credit series summed over its periods, as one additive credit over the channels
/// with spend (what the assumed-response plan beside the fitted one follows).
fn totals(credits: &CreditSeries, spend: &SpendSeries) -> Credit {
    let sum = |m: &BTreeMap<String, Vec<f64>>, c: &str| m.get(c).map_or(0.0, |v| v.iter().sum());
    let total_conversions: f64 = spend
        .by_key
        .keys()
        .map(|c| sum(&credits.conversions, c))
        .sum();
    let channels = spend
        .by_key
        .keys()
        .map(|c| {
            let conversions = sum(&credits.conversions, c);
            ChannelCredit {
                channel: c.clone(),
                conversions,
                value: sum(&credits.value, c),
                share: if total_conversions > 0.0 {
                    conversions / total_conversions
                } else {
                    0.0
                },
                conversions_lo: None,
                conversions_hi: None,
                weighted_conversions: None,
            }
        })
        .collect();
    Credit {
        model: AGGREGATE_MODEL.to_string(),
        dimension: "channel".into(),
        additive: true,
        total_conversions,
        total_value: spend.by_key.keys().map(|c| sum(&credits.value, c)).sum(),
        channels,
        notes: vec![],
    }
}

/// [`aggregate_plan`] from its inputs as read: the spend series (`spend`, named
/// `spend_name`), then the credit series (`credit_series`, named `credit_series_name`)
/// against it. The route both front ends take when there are no logs.
pub fn aggregate_plan_from(
    spend: crate::csv_input::Records<'_>,
    spend_name: &str,
    credit_series: crate::csv_input::Records<'_>,
    credit_series_name: &str,
    params: &FittedPlanParams,
) -> Result<FittedPlan> {
    params.validate()?;
    let opts = crate::csv_input::ReadOptions::default();
    let series = crate::decide::read_spend_series(spend, spend_name, "channel", &opts)?;
    let credits = read_credit_series(credit_series, credit_series_name, &series, &opts)?;
    aggregate_plan(&credits, &series, params)
}
