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
///
/// **Frequency decay** (`spend_frequency`; [`ReachCurve::frequency_decay`](super::ReachCurve)
/// `ρ < 1`): a person's `j`-th exposure to the channel within a period adds `ρ^(j−1)` to
/// the hazard's exposure term, so what spend buys is weight, not exposures: each person's
/// exposures in a period of `D` days are `Binomial(D, p(x))` (random exposure, the same
/// daily rate for everybody), and the expected weight a spend `x` buys is
/// `W(x) = N (1 − (1 − p(x)(1 − ρ))^D)/(1 − ρ)` exactly (the binomial's generating
/// function; `E(x)` when `ρ = 1`). Then `g(x) = v · W(x)`, `v` the expected incremental
/// conversions of one unit of weight (a person's first exposure in the period), measured
/// as above over the summed weights instead of the exposures.
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
    /// `v`: the expected incremental conversions of one exposure (with frequency decay,
    /// of one unit of weight: a person's first exposure in a period).
    pub conversions_per_exposure: f64,
    /// `ρ`: the worth of a repeated exposure within a period relative to the one before
    /// (1: every exposure alike).
    pub frequency_decay: f64,
    /// The daily exposure probability spend approaches without bound.
    pub max_rate: f64,
    /// `N`: the people simulated.
    pub people: f64,
    /// `D`: days of a period.
    pub period_days: f64,
}

impl ChannelResponse {
    /// `E(x)`: the expected exposures a total spend `x` buys in a period.
    pub fn exposures_at(&self, spend: f64) -> f64 {
        if spend <= 0.0 {
            return 0.0;
        }
        -self.max_exposures * (-spend / self.saturation_spend).exp_m1()
    }

    /// `W(x)`: the expected summed frequency weight a total spend `x` buys in a period
    /// (`E(x)` without frequency decay).
    pub fn weighted_exposures_at(&self, spend: f64) -> f64 {
        if self.frequency_decay == 1.0 {
            return self.exposures_at(spend);
        }
        let p = self.exposures_at(spend) / (self.period_days * self.people);
        let curve = super::ReachCurve {
            max_rate: self.max_rate,
            saturation: self.saturation_spend / self.people,
            base_spend: 0.0,
            dark_share: 0.0,
            frequency_decay: self.frequency_decay,
        };
        self.people * curve.weighted_per_person(p, self.period_days)
    }

    /// `g(x) = v · W(x)`: the incremental conversions a total spend `x` buys in a period.
    pub fn conversions_at(&self, spend: f64) -> f64 {
        self.conversions_per_exposure * self.weighted_exposures_at(spend)
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

/// Adds the frequency weights of a unit's paid touches (`happenings`, in time order) to
/// `weighted`, per channel: the `j`-th touch of a contact by a channel within a period of
/// `schedule` weighs `ρ^(j−1)`, as the world weighed it (with no decay, nothing to add).
pub(crate) fn add_weights(
    schedule: &super::world::Schedule,
    start: crate::time::Millis,
    happenings: &[super::world::Happening],
    weighted: &mut [f64],
) {
    use super::world::{Happening, TouchChannel};
    if schedule.decay.iter().all(|&d| d == 1.0) {
        return;
    }
    let mut seen: std::collections::HashMap<(usize, usize, i64), i32> = Default::default();
    for h in happenings {
        if let Happening::Touch {
            contact,
            channel: TouchChannel::Paid(c),
            time,
        } = h
        {
            let period = (time - start).div_euclid(crate::time::DAY) / schedule.period_days as i64;
            let j = seen.entry((*contact, *c, period)).or_insert(0);
            *j += 1;
            let rho = schedule.decay[*c];
            weighted[*c] += if rho == 1.0 { 1.0 } else { rho.powi(*j - 1) };
        }
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
