//! One unit (a person, or a B2B account and its contacts) lived through the scenario's
//! days in one world: a set of active paid channels.
//!
//! Each day, for each contact:
//!
//! 1. recent effects decay: `r_c ← r_c · 2^(−1/h_c)` per paid channel, `r_org` likewise
//!    (half-life 3 days);
//! 2. each *active* paid channel exposes the contact with probability
//!    `rate_c · q₀^κ_c / E[q₀^κ_c]` (`q₀` the unit's initial intent, lognormal with mean
//!    1; κ = 0 is random exposure, κ > 0 targets high intent); an exposure adds 1 to
//!    `r_c`. Targeting on the *initial* intent makes a channel's exposures the same in
//!    every world where it is active, so a unit's outcome depends only on which of the
//!    channels that reach it are active;
//! 3. an organic-search visit happens with probability
//!    `organic_rate · q · (1 + Σ_c upstream_c · r_c)` and adds 1 to `r_org`; a direct
//!    visit with probability `direct_rate · q` (no effect);
//!
//! then the unit converts with probability `1 − exp(−h)`,
//! `h = base · q · (1 + Σ_c lift_c r_c + Σ_(a,b) s_ab r_a r_b + organic_lift · r_org)`
//! (summing over all contacts' `r`), after which its intent halves (satiation). In B2B
//! scenarios a contact's first visit emits `lead_created`, the account's third touch
//! `opportunity_created`, and the hazard is a fifth until the opportunity exists.
//!
//! All randomness is drawn from [`Draws`] by (unit, day, purpose, index), so the same
//! unit in two worlds sees the same random numbers: worlds differ only by what the
//! removed channels did.

use crate::simulate::rng::{Draws, Purpose};
use crate::simulate::scenario::{HazardForm, Scenario};
use crate::time::{DAY, Millis};

/// What happened, for the event writer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Happening {
    /// A touch of a paid channel (index) or of organic search / direct.
    Touch {
        contact: usize,
        channel: TouchChannel,
        time: Millis,
    },
    /// A conversion (closed won in B2B) with its value.
    Conversion {
        contact: usize,
        time: Millis,
        value: f64,
    },
    /// A stage milestone.
    Milestone {
        contact: usize,
        name: &'static str,
        time: Millis,
    },
}

/// The channel of a touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TouchChannel {
    Paid(usize),
    Organic,
    Direct,
}

/// Precomputed per-scenario constants.
pub(crate) struct Engine<'a> {
    pub scenario: &'a Scenario,
    pub draws: Draws,
    decay: Vec<f64>,
    norm: Vec<f64>,
    start: Millis,
}

const ORGANIC_DECAY: f64 = 0.793_700_525_984_099_7; // 2^(-1/3)

impl<'a> Engine<'a> {
    pub fn new(scenario: &'a Scenario, seed: u64, start: Millis) -> Self {
        let s2 = scenario.intent_sigma * scenario.intent_sigma;
        Engine {
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

    /// Draws everything about `unit` that does not depend on the world: its intent,
    /// contacts, every exposure (targeting uses the initial intent), and the uniforms
    /// its visits and conversions are decided by.
    pub fn prepare(&self, unit: u64) -> UnitDraws {
        let sc = self.scenario;
        let days = sc.days as usize;
        let contacts = self.contacts(unit);
        let q0 = self.intent(unit);
        let mut exposures = Vec::new();
        let mut organic = Vec::with_capacity(days * contacts);
        let mut reach = 0u64;
        let rates: Vec<f64> = sc
            .channels
            .iter()
            .zip(&self.norm)
            .map(|(spec, norm)| spec.exposure_rate * q0.powf(spec.targeting) / norm)
            .collect();
        // The exogenous intent path: a random walk of log-intent with in-market bursts
        // (×3 for 7 days). The same in every world; conversions only add satiation.
        let mut drift = Vec::with_capacity(days);
        let (mut walk, mut burst_left) = (0.0f64, 0u32);
        for day in 0..days as u64 {
            if sc.drift > 0.0 {
                walk += sc.drift * self.draws.normal_at(unit, day, Purpose::Drift, 0);
            }
            if burst_left == 0
                && sc.bursts > 0.0
                && self.draws.uniform(unit, day, Purpose::Drift, 1) < sc.bursts
            {
                burst_left = 7;
            }
            let burst = if burst_left > 0 {
                burst_left -= 1;
                3.0
            } else {
                1.0
            };
            drift.push(walk.exp() * burst);
        }
        for (day, &today) in drift.iter().enumerate() {
            for k in 0..contacts {
                let who = unit * 64 + k as u64;
                for (c, &p) in rates.iter().enumerate() {
                    // Targeted channels follow the current intent.
                    let p = p * today.powf(sc.channels[c].targeting);
                    if self
                        .draws
                        .uniform(who, day as u64, Purpose::Exposure, c as u64)
                        < p
                    {
                        exposures.push((day as u32, k as u32, c as u32));
                        reach |= 1 << c;
                    }
                }
                organic.push(self.draws.uniform(who, day as u64, Purpose::Organic, 0));
            }
        }
        // Retargeting channels may reach the unit in some world (after any visit).
        for (c, spec) in sc.channels.iter().enumerate() {
            if spec.retarget > 0.0 {
                reach |= 1 << c;
            }
        }
        // `u < 1 − e^(−h)` ⟺ `−ln(1 − u) < h`: store the exponential variate.
        let conversion = (0..days as u64)
            .map(|d| -(1.0 - self.draws.uniform(unit, d, Purpose::Conversion, 0)).ln())
            .collect();
        UnitDraws {
            unit,
            contacts,
            q0,
            drift,
            exposures,
            organic,
            conversion,
            reach,
        }
    }

    /// Lives the unit through the days with the channels in `active` (bit c = channel
    /// c); returns its conversions. With `emit`, reports every touch, milestone and
    /// conversion with its time (direct visits, which change nothing, are only drawn
    /// then).
    pub fn run(
        &self,
        u: &UnitDraws,
        active: u64,
        mut emit: Option<&mut dyn FnMut(Happening)>,
    ) -> u32 {
        let sc = self.scenario;
        let n = sc.channels.len();
        let contacts = u.contacts;
        let unit = u.unit;
        let b2b = sc.max_contacts > 0;
        let mut satiation = 1.0;
        let mut recent = vec![0.0; n * contacts];
        let mut organic = vec![0.0; contacts];
        let mut lead = vec![false; contacts];
        // Whether each contact visited by organic search the day before (retargeting).
        let mut visited_before = vec![false; contacts];
        let (mut touches, mut opportunity) = (0u32, !b2b);
        let mut conversions = 0;
        let mut next_exposure = 0;
        for day in 0..sc.days as usize {
            let day_start = self.start + day as Millis * DAY;
            let mut last_time = day_start;
            let at = |frac: f64| day_start + (frac * (DAY - 1) as f64) as Millis;
            let q = u.q0 * satiation * u.drift[day];
            for r in recent.chunks_mut(n) {
                for (rc, d) in r.iter_mut().zip(&self.decay) {
                    *rc *= d;
                }
            }
            for o in organic.iter_mut() {
                *o *= ORGANIC_DECAY;
            }
            while let Some(&(d, k, c)) = u.exposures.get(next_exposure) {
                if d as usize != day {
                    break;
                }
                next_exposure += 1;
                if active >> c & 1 == 0 {
                    continue;
                }
                recent[k as usize * n + c as usize] += 1.0;
                touches += 1;
                if let Some(emit) = emit.as_deref_mut() {
                    let who = unit * 64 + u64::from(k);
                    let time =
                        at(self
                            .draws
                            .uniform(who, day as u64, Purpose::TimeOfDay, u64::from(c)));
                    last_time = last_time.max(time);
                    emit(Happening::Touch {
                        contact: k as usize,
                        channel: TouchChannel::Paid(c as usize),
                        time,
                    });
                }
            }
            for (k, was) in visited_before.iter().enumerate() {
                if !*was {
                    continue;
                }
                let who = unit * 64 + k as u64;
                for (c, spec) in sc.channels.iter().enumerate() {
                    if spec.retarget <= 0.0 || active >> c & 1 == 0 {
                        continue;
                    }
                    if self
                        .draws
                        .uniform(who, day as u64, Purpose::Retarget, c as u64)
                        < spec.retarget
                    {
                        recent[k * n + c] += 1.0;
                        touches += 1;
                        if let Some(emit) = emit.as_deref_mut() {
                            let time = at(self.draws.uniform(
                                who,
                                day as u64,
                                Purpose::TimeOfDay,
                                c as u64,
                            ));
                            last_time = last_time.max(time);
                            emit(Happening::Touch {
                                contact: k,
                                channel: TouchChannel::Paid(c),
                                time,
                            });
                        }
                    }
                }
            }
            for k in 0..contacts {
                let r = &recent[k * n..(k + 1) * n];
                let upstream: f64 = sc
                    .channels
                    .iter()
                    .zip(r)
                    .map(|(c, rc)| c.upstream * rc)
                    .sum();
                let mut visited = false;
                visited_before[k] = false;
                if u.organic[day * contacts + k] < sc.organic_rate * q * (1.0 + upstream) {
                    organic[k] += 1.0;
                    visited_before[k] = true;
                    touches += 1;
                    visited = true;
                    if let Some(emit) = emit.as_deref_mut() {
                        let who = unit * 64 + k as u64;
                        let time = at(self.draws.uniform(who, day as u64, Purpose::TimeOfDay, 100));
                        last_time = last_time.max(time);
                        emit(Happening::Touch {
                            contact: k,
                            channel: TouchChannel::Organic,
                            time,
                        });
                    }
                }
                if let Some(emit) = emit.as_deref_mut() {
                    let who = unit * 64 + k as u64;
                    if self.draws.uniform(who, day as u64, Purpose::Direct, 0) < sc.direct_rate * q
                    {
                        let time = at(self.draws.uniform(who, day as u64, Purpose::TimeOfDay, 101));
                        last_time = last_time.max(time);
                        visited = true;
                        emit(Happening::Touch {
                            contact: k,
                            channel: TouchChannel::Direct,
                            time,
                        });
                    }
                    if b2b && visited && !lead[k] {
                        lead[k] = true;
                        emit(Happening::Milestone {
                            contact: k,
                            name: "lead_created",
                            time: last_time + 1,
                        });
                    }
                }
            }
            if b2b && !opportunity && touches >= 3 {
                opportunity = true;
                if let Some(emit) = emit.as_deref_mut() {
                    emit(Happening::Milestone {
                        contact: 0,
                        name: "opportunity_created",
                        time: last_time + 2,
                    });
                }
            }
            let mut lift = 0.0;
            // ln Π (1 + lift_c)^(r_c) for the multiplicative hazard.
            let mut log_lift = 0.0;
            for k in 0..contacts {
                let r = &recent[k * n..(k + 1) * n];
                lift += sc
                    .channels
                    .iter()
                    .zip(r)
                    .map(|(c, rc)| c.lift * rc)
                    .sum::<f64>();
                lift += sc
                    .synergy
                    .iter()
                    .map(|&(a, b, s)| s * r[a] * r[b])
                    .sum::<f64>();
                lift += sc.organic_lift * organic[k];
                log_lift += sc
                    .channels
                    .iter()
                    .zip(r)
                    .map(|(c, rc)| c.lift.ln_1p() * rc)
                    .sum::<f64>();
                log_lift += sc.organic_lift.ln_1p() * organic[k];
            }
            let stage = if opportunity { 1.0 } else { 0.2 };
            let hazard = match sc.hazard {
                HazardForm::Additive => sc.base_hazard * q * stage * (1.0 + lift),
                HazardForm::Multiplicative => sc.base_hazard * q * stage * log_lift.exp(),
            };
            if u.conversion[day] < hazard {
                conversions += 1;
                if let Some(emit) = emit.as_deref_mut() {
                    let z = self.draws.uniform(unit, day as u64, Purpose::Value, 0);
                    let value = (80.0 * (1.0 + 2.0 * z) * 100.0).round() / 100.0;
                    let left = (day_start + DAY - 1 - last_time - 3).max(0) as f64;
                    let time = last_time
                        + 3
                        + (self
                            .draws
                            .uniform(unit, day as u64, Purpose::TimeOfDay, 200)
                            * left) as Millis;
                    emit(Happening::Conversion {
                        contact: 0,
                        time,
                        value,
                    });
                }
                satiation *= 0.5;
            }
        }
        conversions
    }
}

/// Everything about one unit that is the same in every world.
#[derive(Clone, Debug)]
pub(crate) struct UnitDraws {
    pub unit: u64,
    pub contacts: usize,
    q0: f64,
    /// The exogenous intent multiplier of each day (1 without drift).
    drift: Vec<f64>,
    /// (day, contact, channel) of every exposure, by day.
    exposures: Vec<(u32, u32, u32)>,
    /// The uniform deciding each (day, contact)'s organic visit.
    organic: Vec<f64>,
    /// `−ln(1 − U)` of each day's conversion uniform: the unit converts when the day's
    /// hazard exceeds it.
    conversion: Vec<f64>,
    /// Channels that expose the unit at least once.
    pub reach: u64,
}
