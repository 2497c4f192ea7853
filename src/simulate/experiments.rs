//! Randomised holdout experiments, measured like real lift tests.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::simulate::SimSummary;

/// A randomised holdout experiment on one channel: a seeded share of units never sees
/// it; the difference in conversions per unit, times the exposed-eligible units, is
/// the channel's measured incremental conversions (with its standard error).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Experiment {
    /// The channel.
    pub channel: String,
    /// `(mean_T − mean_H) · n_T`.
    pub incremental_conversions: f64,
    /// `n_T · sqrt(var_T/n_T + var_H/n_H)`.
    pub se: f64,
    /// Units eligible for the channel.
    pub treated_units: u64,
    /// Units held out of it.
    pub holdout_units: u64,
}

/// Writes `experiments.csv`: `channel,incremental_conversions,se,treated_units,holdout_units`
/// (the lift-test format of the `lift_tests` setting).
pub fn write_experiments<W: Write>(summary: &SimSummary, mut out: W) -> Result<()> {
    let err = Error::Write;
    writeln!(
        out,
        "channel,incremental_conversions,se,treated_units,holdout_units"
    )
    .map_err(err)?;
    for e in &summary.experiments {
        writeln!(
            out,
            "{},{:.6},{:.6},{},{}",
            e.channel, e.incremental_conversions, e.se, e.treated_units, e.holdout_units
        )
        .map_err(err)?;
    }
    out.flush().map_err(err)
}
