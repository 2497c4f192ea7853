//! A seeded journey simulator with known causal channel effects, after Google's DASS
//! (Sapp & Vaver 2016, "Toward improving digital attribution model accuracy").
//!
//! People (or B2B accounts) with latent intent live through daily steps in which paid
//! channels expose them (at random, or targeted on intent), exposures lift their
//! conversion hazard (direct effect) or their organic-search visits (upstream effect),
//! some pairs act in synergy, and some channels do nothing at all (placebos); see
//! `world.rs` for the equations and `scenario.rs` for the presets.
//!
//! **Ground truth by common random numbers.** Every random draw is a hash of (seed,
//! unit, day, purpose), so the same unit lives the same randomness in every
//! counterfactual world. A unit's outcome depends only on which of the channels that
//! reach it (`E_u`) are active, so for each unit the simulator runs all `2^|E_u|`
//! worlds over `E_u` and adds up:
//!
//! * `Δ_c = Σ_u [conversions_u(all) − conversions_u(all ∖ c)]`, the incremental
//!   conversions of channel `c`;
//! * the Shapley value of `v(S) = E[conversions | only S active] − E[conversions | none]`,
//!   exactly: channels outside `E_u` are null players of unit `u`'s game, so by
//!   linearity the population's value is the sum of each unit's Shapley value over its
//!   own `E_u` (computed exactly; units reached by more than 16 channels are sampled).
//!
//! **Spend and its response.** In a scenario with a [`SpendPlan`] (`spend_response`),
//! each paid channel's spend varies period by period and buys its exposures on a
//! saturating reach curve ([`ReachCurve`]); `spend.csv` is then the series
//! `channel,period,spend`, and [`write_curves`] writes each channel's true response per
//! period on a grid of spends ([`ChannelResponse`] defines it): the exposures a spend
//! buys, exact in expectation, and the expected incremental conversions of each
//! exposure, from the observed world's daily hazards split by channel.
//!
//! Output is streamed: units are simulated in parallel chunks and written in order,
//! so 10 million events never sit in memory.

mod engine;
mod experiments;
pub mod matched;
mod response;
mod rng;
pub use response::{CURVE_POINTS, CURVE_SPAN, ChannelResponse, write_curves};
mod scenario;
mod unit_draws;
mod units;
mod world;

use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::param::Param;
use crate::time::{DAY, civil_from_days, days_from_civil};

pub use experiments::{Experiment, write_experiments};
pub use scenario::{
    ChannelSpec, EffectScale, HazardForm, Onset, Ramp, ReachCurve, SCENARIOS, Scenario, SpendPlan,
};

use units::ChunkOut;
use world::Engine;

/// Units simulated per parallel chunk.
const CHUNK: usize = 2048;

/// The most days a simulation may span (100 years).
pub const MAX_DAYS: u32 = 36_525;
/// Units reached by more channels than this get a sampled (not exact) Shapley split.
const EXACT_REACH: usize = 16;

/// How much work a unit's true Shapley split may take. A unit reached by `k` channels
/// costs `2^k` lives of its days when solved exactly, `permutations · k + k + 1` when
/// sampled: exact up to `exact_reach` channels, beyond by `permutations` random orders
/// of its channels (seeded by the unit; an unbiased estimate of its Shapley values,
/// whose noise averages out over the units). Its incremental conversions are exact
/// either way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TruthWork {
    /// The most channels reaching a unit whose split is solved exactly.
    pub exact_reach: usize,
    /// Random orders of a unit's channels beyond that.
    pub permutations: u64,
}

impl Default for TruthWork {
    /// Exact up to 16 channels a unit (every preset scenario), 64 orders beyond.
    fn default() -> Self {
        Self {
            exact_reach: EXACT_REACH,
            permutations: 64,
        }
    }
}

impl TruthWork {
    /// For worlds that only score models (the report's matched worlds): exact up to 8
    /// channels a unit, 16 orders beyond, where a unit reached by 11 channels would cost
    /// 2,048 lives exactly and costs 188.
    pub const SCORING: TruthWork = TruthWork {
        exact_reach: 8,
        permutations: 16,
    };
}

/// Simulation parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct SimParams {
    /// People (or accounts in B2B).
    pub units: usize,
    /// The scenario.
    pub scenario: Scenario,
    /// Seed (default 7).
    pub seed: u64,
    /// The work of each unit's true split ([`TruthWork::default`]: exact).
    pub truth: TruthWork,
}

/// The true effect of one channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelTruth {
    /// The channel.
    pub channel: String,
    /// `direct`, `upstream`, `direct+upstream` or `placebo`.
    pub role: String,
    /// Configured hazard lift per unit of recent exposure.
    pub lift: f64,
    /// Configured organic-search lift per unit of recent exposure.
    pub upstream: f64,
    /// `Σ_u conversions(all) − conversions(all ∖ c)`.
    pub incremental_conversions: f64,
    /// Share of the incremental conversions of all channels.
    pub incremental_share: f64,
    /// Shapley value of v(S) = conversions with only S active − with none, in conversions.
    pub shapley_conversions: f64,
    /// Share of the Shapley values.
    pub shapley_share: f64,
    /// Units simulated.
    pub people: u64,
}

/// What a simulation wrote and its truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimSummary {
    /// Units simulated.
    pub units: u64,
    /// Event rows written.
    pub events: u64,
    /// Identity edges written.
    pub identity_edges: u64,
    /// Conversions with every channel active (the observed data).
    pub conversions: f64,
    /// Conversions with no paid channel active.
    pub conversions_without_paid: f64,
    /// Per channel.
    pub truth: Vec<ChannelTruth>,
    /// The holdout experiments, measured like real lift tests.
    pub experiments: Vec<Experiment>,
    /// Per channel, the true response to spend (scenarios with a spend plan only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub response: Vec<ChannelResponse>,
}

/// The mean value of a conversion: values are `80 · (1 + 2U)` with `U` uniform (rounded
/// to cents), drawn by (unit, day) apart from whether the unit converts, so a conversion
/// gained or lost is worth 160 on average.
pub const MEAN_CONVERSION_VALUE: f64 = 160.0;

impl SimParams {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.units == 0 {
            return Err(Error::param(Param::Users, "must be at least 1"));
        }
        if self.scenario.days == 0 || self.scenario.days > MAX_DAYS {
            return Err(Error::param(
                Param::Days,
                format!(
                    "{}: must be between 1 and {MAX_DAYS} (100 years; every person is drawn \
                     day by day)",
                    self.scenario.days
                ),
            ));
        }
        if self.scenario.channels.len() > 64 {
            return Err(Error::param(Param::Channels, "at most 64"));
        }
        if let Some(plan) = &self.scenario.spend {
            if plan.channels.len() != self.scenario.channels.len() {
                return Err(Error::param(
                    Param::Channels,
                    format!(
                        "the spend plan has {} reach curves for {} paid channels; expected one \
                         per channel",
                        plan.channels.len(),
                        self.scenario.channels.len()
                    ),
                ));
            }
            let period = plan.period_days.max(1);
            if !self.scenario.days.is_multiple_of(period) {
                return Err(Error::param(
                    Param::Days,
                    format!(
                        "{}: the scenario spends by periods of {period} days; expected a \
                         multiple of {period}",
                        self.scenario.days
                    ),
                ));
            }
            if self.scenario.satiation != 1.0 {
                return Err(Error::param(
                    Param::Scenario,
                    "a spend plan's true response needs conversions that change nothing \
                     (satiation 1)",
                ));
            }
        }
        let share = self.scenario.holdout_share;
        let share_ok = share > 0.0 && share < 1.0;
        if !self.scenario.experiments.is_empty() && !share_ok {
            return Err(Error::param(
                Param::Experiments,
                "the holdout share must be between 0 and 1",
            ));
        }
        Ok(())
    }

    /// Bytes the per-person draws take at once: each thread holds one person's draws,
    /// `days · (8 + 8 + 8 · contacts + 16 · Σ exposure rates)` bytes (the intent path,
    /// the conversion variates and the organic visits of each contact, one `f64` a day
    /// each, and the expected exposures of 16 bytes each), a lower bound on the run's
    /// peak.
    pub fn draws_bytes(&self) -> u64 {
        let contacts = self.scenario.max_contacts.max(1) as f64;
        let rates: f64 = self.scenario.channels.iter().map(|c| c.exposure_rate).sum();
        let per_day = 16.0 + 8.0 * contacts + 16.0 * rates * contacts;
        let threads = rayon::current_num_threads().max(1) as f64;
        let bytes = threads * f64::from(self.scenario.days) * per_day;
        if bytes >= u64::MAX as f64 {
            u64::MAX
        } else {
            bytes as u64
        }
    }

    /// Fails when the per-person draws ([`Self::draws_bytes`]) need more than `limit`
    /// (default: the memory available), naming the days asked for; [`Self::run`] checks
    /// against what is available.
    pub fn check_memory(&self, limit: Option<u64>) -> Result<()> {
        crate::memory::check(
            "simulate",
            &format!("a day-by-day draw over {} days", self.scenario.days),
            self.draws_bytes(),
            limit,
            "simulate fewer `days`",
        )
    }

    /// The conversions of the observed world alone (every channel active; no events, no
    /// truth): a quick count, e.g. to calibrate a scenario's base hazard.
    pub fn conversions(&self) -> Result<f64> {
        self.validate()?;
        let start = days_from_civil(2026, 1, 1) * DAY;
        let engine = Engine::new(&self.scenario, self.seed, start, self.units);
        let n = self.scenario.channels.len();
        let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        Ok((0..self.units)
            .into_par_iter()
            .map(|unit| {
                let draws = engine.prepare(unit as u64);
                f64::from(engine.run(&draws, all, None))
            })
            .sum())
    }

    /// Simulates and writes `events` (`timestamp,user_id,event,channel,campaign,value,
    /// account_id`), `identities` (`anonymous_id,user_id`) and `spend` (`channel,spend`:
    /// exposures times the channel's cost; with a spend plan `channel,period,spend`, one
    /// row per channel and period, `period` the date it starts, 0 for a dark one);
    /// returns the summary with the truth.
    pub fn run(
        &self,
        events: &mut dyn Write,
        identities: &mut dyn Write,
        spend: &mut dyn Write,
    ) -> Result<SimSummary> {
        self.validate()?;
        self.check_memory(None)?;
        let start = days_from_civil(2026, 1, 1) * DAY;
        let engine = Engine::new(&self.scenario, self.seed, start, self.units);
        let n = self.scenario.channels.len();
        let err = Error::Write;
        writeln!(
            events,
            "timestamp,user_id,event,channel,campaign,value,account_id"
        )
        .map_err(err)?;
        writeln!(identities, "anonymous_id,user_id").map_err(err)?;
        let mut total = ChunkOut::zeroed(n, self.scenario.experiments.len());
        let starts: Vec<usize> = (0..self.units)
            .step_by(CHUNK * rayon::current_num_threads().max(1))
            .collect();
        crate::progress::tick("simulated units", 0, self.units as u64);
        for &block in &starts {
            let end = (block + CHUNK * rayon::current_num_threads().max(1)).min(self.units);
            let chunks: Vec<ChunkOut> = (block..end)
                .step_by(CHUNK)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|s| self.chunk(&engine, s..(s + CHUNK).min(end)))
                .collect();
            crate::progress::tick("simulated units", end as u64, self.units as u64);
            for c in chunks {
                events.write_all(&c.events).map_err(err)?;
                identities.write_all(&c.identities).map_err(err)?;
                total.rows += c.rows;
                total.edges += c.edges;
                total.conversions += c.conversions;
                total.none += c.none;
                for (t, e) in total.experiments.iter_mut().zip(&c.experiments) {
                    for (a, b) in t.iter_mut().zip(e) {
                        *a += b;
                    }
                }
                for i in 0..n {
                    total.exposures[i] += c.exposures[i];
                    total.delta[i] += c.delta[i];
                    total.shapley[i] += c.shapley[i];
                    total.expected_delta[i] += c.expected_delta[i];
                    total.weighted[i] += c.weighted[i];
                }
            }
        }
        match &engine.spend {
            None => {
                writeln!(spend, "channel,spend").map_err(err)?;
                for (c, spec) in self.scenario.channels.iter().enumerate() {
                    writeln!(
                        spend,
                        "{},{:.2}",
                        spec.name,
                        total.exposures[c] as f64 * spec.cost
                    )
                    .map_err(err)?;
                }
            }
            Some(schedule) => {
                writeln!(spend, "channel,period,spend").map_err(err)?;
                for (spec, periods) in self.scenario.channels.iter().zip(&schedule.spend) {
                    for (p, x) in periods.iter().enumerate() {
                        let day = start / DAY + (p * schedule.period_days) as i64;
                        let (y, m, d) = civil_from_days(day);
                        writeln!(spend, "{},{y:04}-{m:02}-{d:02},{x:.2}", spec.name)
                            .map_err(err)?;
                    }
                }
            }
        }
        let response = self.response(&engine, &total);
        let share = |v: &[f64], i: usize| {
            let s: f64 = v.iter().sum();
            if s > 0.0 { v[i] / s } else { 0.0 }
        };
        let truth = self
            .scenario
            .channels
            .iter()
            .enumerate()
            .map(|(i, spec)| ChannelTruth {
                channel: spec.name.clone(),
                role: spec.role().to_string(),
                lift: spec.lift,
                upstream: spec.upstream,
                incremental_conversions: total.delta[i],
                incremental_share: share(&total.delta, i),
                shapley_conversions: total.shapley[i],
                shapley_share: share(&total.shapley, i),
                people: self.units as u64,
            })
            .collect();
        let experiments = self
            .scenario
            .experiments
            .iter()
            .zip(&total.experiments)
            .map(|(&c, e)| {
                let (nt, st, qt, nh, sh, qh) = (e[0], e[1], e[2], e[3], e[4], e[5]);
                let mean = |s: f64, n: f64| if n > 0.0 { s / n } else { 0.0 };
                let var = |s: f64, q: f64, n: f64| {
                    if n > 1.0 {
                        (q - s * s / n) / (n - 1.0)
                    } else {
                        0.0
                    }
                };
                let se =
                    nt * (var(st, qt, nt) / nt.max(1.0) + var(sh, qh, nh) / nh.max(1.0)).sqrt();
                Experiment {
                    channel: self.scenario.channels[c].name.clone(),
                    incremental_conversions: (mean(st, nt) - mean(sh, nh)) * nt,
                    se,
                    treated_units: nt as u64,
                    holdout_units: nh as u64,
                }
            })
            .collect();
        Ok(SimSummary {
            experiments,
            units: self.units as u64,
            events: total.rows,
            identity_edges: total.edges,
            conversions: total.conversions,
            conversions_without_paid: total.none,
            truth,
            response,
        })
    }

    /// Each channel's true response to spend ([`ChannelResponse`]), with a spend plan.
    fn response(&self, engine: &Engine<'_>, total: &ChunkOut) -> Vec<ChannelResponse> {
        let (Some(plan), Some(schedule)) = (&self.scenario.spend, &engine.spend) else {
            return Vec::new();
        };
        let people = self.units as f64;
        let days = schedule.period_days as f64;
        self.scenario
            .channels
            .iter()
            .zip(&plan.channels)
            .zip(&schedule.spend)
            .enumerate()
            .map(|(c, ((spec, curve), spend))| {
                // With frequency decay, `v` is per unit of weight (a first exposure's).
                let units = if curve.frequency_decay == 1.0 {
                    total.exposures[c] as f64
                } else {
                    total.weighted[c]
                };
                ChannelResponse {
                    channel: spec.name.clone(),
                    max_exposures: days * people * curve.max_rate,
                    saturation_spend: people * curve.saturation,
                    mean_spend: spend.iter().sum::<f64>() / spend.len().max(1) as f64,
                    exposures: total.exposures[c],
                    conversions_per_exposure: if units > 0.0 {
                        total.expected_delta[c] / units
                    } else {
                        0.0
                    },
                    frequency_decay: curve.frequency_decay,
                    max_rate: curve.max_rate,
                    people,
                    period_days: days,
                }
            })
            .collect()
    }
}

/// Writes the truth file: one row per channel.
pub fn write_truth<W: Write>(summary: &SimSummary, out: W) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
    w.write_record([
        "channel",
        "role",
        "lift",
        "upstream",
        "incremental_conversions",
        "incremental_share",
        "shapley_conversions",
        "shapley_share",
        "people",
    ])
    .map_err(err)?;
    for t in &summary.truth {
        w.write_record([
            t.channel.clone(),
            t.role.clone(),
            format!("{}", t.lift),
            format!("{}", t.upstream),
            format!("{:.6}", t.incremental_conversions),
            format!("{:.6}", t.incremental_share),
            format!("{:.6}", t.shapley_conversions),
            format!("{:.6}", t.shapley_share),
            t.people.to_string(),
        ])
        .map_err(err)?;
    }
    w.flush().map_err(Error::Write)
}

#[cfg(test)]
mod tests;
