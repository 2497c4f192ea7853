//! A channel's true response to spend per period in a world with a spend plan
//! (`spend_response`), and `curves.csv`, the table of it.

use std::io::Write;

use serde::Serialize;

use super::{MEAN_CONVERSION_VALUE, SimSummary};
use crate::error::{Error, Result};
use crate::param::Param;

/// Points of each channel's curve in `curves.csv`: spends from 0 to
/// [`CURVE_SPAN`] times the channel's mean spend per period, evenly.
pub const CURVE_POINTS: usize = 61;

/// How far a curve reaches: this many times the channel's mean spend per period.
pub const CURVE_SPAN: f64 = 3.0;

/// A channel's true response to spend per period, in a world with a spend plan.
///
/// **Exposures.** A total spend `x` in a period of `D` days among `N` people buys
/// `E(x) = E_max · (1 − e^(−x/k))` exposures in expectation, exactly: each person is
/// exposed on each day with probability `max_rate · (1 − e^(−x/(N · saturation)))`
/// ([`ReachCurve`](super::ReachCurve)), so `E_max = D · N · max_rate` and `k = N · saturation`. The
/// exposures a period shows in `events.csv` are a binomial draw around it (with a
/// holdout experiment on the channel, around `(1 − holdout_share) · E(x)`: the people
/// held out are never exposed).
///
/// **Conversions.** `g(x) = v · E(x)`, `v` the incremental conversions of one exposure:
/// `v = Σ_u E[conv_u(all) − conv_u(all ∖ c)] / n_c` over the simulated people, the
/// expectation over each person's conversion draws (exact, not sampled: with satiation 1
/// a person's day `d` converts with probability `1 − e^(−H_d)`, `H_d` the day's
/// integrated hazard, whatever happened on other days), given everything else about the
/// people (intent, exposures, visits), divided by the channel's `n_c` exposures. The one
/// approximation is that `v` is constant per exposure, whatever the spend: the hazard is
/// additive, so each exposure adds its own term to `H_d`, and the expected conversions
/// `Σ_d (1 − e^(−H_d))` are linear in the exposures up to a relative error of the order
/// of the daily hazard `H_d` (below 1% here); `v` is measured at the simulated spend and
/// averages over when in the 26 weeks the exposures fell (one in the last days acts only
/// until the simulation ends). With `--hazard multiplicative` the effects are no longer
/// additive and `v` holds only near the simulated spend. To first order and over an
/// unbounded horizon, `v = base_hazard · lift_c · (1/2 + δ/(1 − δ))`, `δ = 2^(−1/h)` the
/// channel's daily decay (half a day of the exposure's own day on average, then its
/// decaying carryover), since intent has mean 1 and exposure is random.
///
/// **Value.** `g(x) · ` [`MEAN_CONVERSION_VALUE`]: values are drawn apart from whether a
/// person converts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelResponse {
    /// The channel.
    pub channel: String,
    /// `E_max`: the expected exposures per period as spend grows without bound.
    pub max_exposures: f64,
    /// `k`: the total spend per period at which exposures reach `1 − 1/e` of `E_max`.
    pub saturation_spend: f64,
    /// The channel's mean total spend per period over the simulation (dark periods
    /// included).
    pub mean_spend: f64,
    /// `n_c`: the channel's exposures in the simulation (the observed world).
    pub exposures: u64,
    /// `v`: the expected incremental conversions of one exposure.
    pub conversions_per_exposure: f64,
}

impl ChannelResponse {
    /// `E(x)`: the expected exposures a total spend `x` buys in a period.
    pub fn exposures_at(&self, spend: f64) -> f64 {
        if spend <= 0.0 {
            return 0.0;
        }
        -self.max_exposures * (-spend / self.saturation_spend).exp_m1()
    }

    /// `g(x) = v · E(x)`: the incremental conversions a total spend `x` buys in a period.
    pub fn conversions_at(&self, spend: f64) -> f64 {
        self.conversions_per_exposure * self.exposures_at(spend)
    }

    /// The incremental value a total spend `x` buys in a period.
    pub fn value_at(&self, spend: f64) -> f64 {
        self.conversions_at(spend) * MEAN_CONVERSION_VALUE
    }

    /// The spends of the channel's curve: [`CURVE_POINTS`] from 0 to [`CURVE_SPAN`] times
    /// its mean spend, rounded to cents.
    pub fn grid(&self) -> Vec<f64> {
        let top = CURVE_SPAN * self.mean_spend;
        (0..CURVE_POINTS)
            .map(|i| (top * i as f64 / (CURVE_POINTS - 1) as f64 * 100.0).round() / 100.0)
            .collect()
    }
}

/// Writes the true response curves (`curves.csv`) of a simulation with a spend plan:
/// `channel,spend,exposures,incremental_conversions,incremental_value`, per channel (in
/// the scenario's order) [`CURVE_POINTS`] spends per period from 0 to [`CURVE_SPAN`]
/// times its mean spend, with the exposures `E(x)`, incremental conversions `g(x)` and
/// value each buys per period ([`ChannelResponse`]). An error for a simulation without
/// a spend plan.
pub fn write_curves<W: Write>(summary: &SimSummary, out: W) -> Result<()> {
    if summary.response.is_empty() {
        return Err(Error::param(
            Param::Scenario,
            "response curves come from a scenario with a spend plan (spend_response)",
        ));
    }
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
    w.write_record([
        "channel",
        "spend",
        "exposures",
        "incremental_conversions",
        "incremental_value",
    ])
    .map_err(err)?;
    for r in &summary.response {
        for x in r.grid() {
            w.write_record([
                r.channel.clone(),
                format!("{x:.2}"),
                format!("{:.4}", r.exposures_at(x)),
                format!("{:.6}", r.conversions_at(x)),
                format!("{:.4}", r.value_at(x)),
            ])
            .map_err(err)?;
        }
    }
    w.flush().map_err(Error::Write)
}
