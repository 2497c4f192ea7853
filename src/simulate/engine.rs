//! The engine of one simulation: the scenario with its per-channel decay, targeting
//! norms and lifts, the seeded draws, and the spend plan drawn ([`Schedule`]). What a
//! unit draws ([`crate::simulate::unit_draws`]) and how it lives through a world
//! ([`crate::simulate::world`]) are built on it.

use crate::simulate::rng::{Draws, Purpose};
use crate::simulate::scenario::Scenario;
use crate::time::Millis;

/// Precomputed per-scenario constants.
pub(crate) struct Engine<'a> {
    pub scenario: &'a Scenario,
    pub draws: Draws,
    pub(crate) decay: Vec<f64>,
    pub(crate) norm: Vec<f64>,
    /// Each channel's lift, then organic search's.
    pub(crate) lifts: Vec<f64>,
    /// Their logs `ln(1 + lift)`, for the log-linear hazard.
    pub(crate) log_lifts: Vec<f64>,
    pub(crate) start: Millis,
    /// The scenario's spend plan drawn for this seed and population.
    pub spend: Option<Schedule>,
}

/// A spend plan drawn: each channel's total spend per period and the daily exposure
/// rate it buys.
pub(crate) struct Schedule {
    pub period_days: usize,
    /// Each channel's frequency decay `ρ` (1: every exposure alike).
    pub decay: Vec<f64>,
    /// Total spend of each channel (outer) in each period (inner), in whole cents.
    pub spend: Vec<Vec<f64>>,
    /// The daily exposure probability each period's spend buys, per channel.
    pub(crate) rates: Vec<Vec<f64>>,
}

impl<'a> Engine<'a> {
    /// The engine of `scenario` for `units` people (the population a spend plan's
    /// spend is for).
    pub fn new(scenario: &'a Scenario, seed: u64, start: Millis, units: usize) -> Self {
        let s2 = scenario.intent_sigma * scenario.intent_sigma;
        let spend = scenario.spend.as_ref().map(|plan| {
            let period_days = plan.period_days.max(1) as usize;
            let periods = (scenario.days as usize).div_ceil(period_days);
            let spend = plan.spend(seed, periods, units);
            let rates = spend
                .iter()
                .zip(&plan.channels)
                .map(|(weeks, curve)| {
                    weeks
                        .iter()
                        .map(|x| curve.daily_rate(x / units.max(1) as f64))
                        .collect()
                })
                .collect();
            Schedule {
                period_days,
                decay: plan.channels.iter().map(|c| c.frequency_decay).collect(),
                spend,
                rates,
            }
        });
        Engine {
            spend,
            scenario,
            draws: Draws::new(seed),
            decay: scenario
                .channels
                .iter()
                .map(|c| (-1.0 / c.half_life_days).exp2())
                .collect(),
            norm: scenario
                .channels
                .iter()
                .map(|c| (c.targeting * (c.targeting - 1.0) * s2 / 2.0).exp())
                .collect(),
            lifts: scenario
                .channels
                .iter()
                .map(|c| c.lift)
                .chain([scenario.organic_lift])
                .collect(),
            log_lifts: scenario
                .channels
                .iter()
                .map(|c| c.lift.ln_1p())
                .chain([scenario.organic_lift.ln_1p()])
                .collect(),
            start,
        }
    }

    /// Midnight of the first simulated day.
    pub fn start(&self) -> Millis {
        self.start
    }

    /// Contacts of a unit (1 for consumers).
    pub fn contacts(&self, unit: u64) -> usize {
        match self.scenario.max_contacts {
            0 => 1,
            m => 1 + (self.draws.bits(unit, 0, Purpose::Account, 0) % m as u64) as usize,
        }
    }

    /// The unit's intent (lognormal, mean 1).
    pub fn intent(&self, unit: u64) -> f64 {
        let s = self.scenario.intent_sigma;
        (s * self.draws.normal(unit, Purpose::Intent, 0) - s * s / 2.0).exp()
    }
}
