//! One unit (a person, or a B2B account and its contacts) lived through the scenario's
//! days in one world: a set of active paid channels.
//!
//! Each day, for each contact:
//!
//! 1. recent effects decay: `r_c ← r_c · 2^(−1/h_c)` per paid channel, `r_org` likewise
//!    (half-life 3 days);
//! 2. each *active* paid channel exposes the contact with probability
//!    `rate_c · q₀^κ_c / E[q₀^κ_c]` (`q₀` the unit's initial intent, lognormal with mean
//!    1; κ = 0 is random exposure, κ > 0 targets high intent), times the current
//!    intent's drift or in-market ramp to the power κ (capped by the channel's
//!    `follow_cap`); with a spend plan the rate is instead the one the period's spend
//!    buys ([`ReachCurve::daily_rate`](crate::simulate::ReachCurve::daily_rate)), tilted
//!    alike; an exposure adds 1 to `r_c`. Targeting on the *initial* intent makes a channel's exposures the same in
//!    every world where it is active, so a unit's outcome depends only on which of the
//!    channels that reach it are active;
//! 3. an organic-search visit happens with probability
//!    `organic_rate · q · (1 + Σ_c upstream_c · r_c)` and adds 1 to `r_org`; a direct
//!    visit with probability `direct_rate · q` (no effect);
//!
//! then the unit converts on the day with probability `1 − exp(−H)`, `H` the integral over
//! the day of the hazard `h = base · q · (1 + Σ_c lift_c r_c + Σ_(a,b) s_ab r_a r_b +
//! organic_lift · r_org)` (summing over all contacts' `r`; log-linear, or `base · (q +
//! Σ lift r + …)` for effects of a fixed size, as the scenario says). Time within the day
//! is continuous: each touch has a time of day and, unless effects start the next day,
//! raises `r` from that moment, so `h` is a step function of the time of day and a
//! conversion happens at the moment its integral reaches the day's exponential variate;
//! a touch after that moment did not cause it. A flat-carryover channel's `r_c` counts
//! its exposures of the last `flat_days` days instead of decaying. After a conversion
//! the unit's intent is multiplied by the scenario's satiation (½ by default; 1: repeat
//! conversions change nothing). In B2B scenarios a contact's first visit emits
//! `lead_created`, the account's third touch `opportunity_created` (both before a
//! conversion of the same day), and the hazard is a fifth until the opportunity exists.
//!
//! All randomness is drawn from [`Draws`] by (unit, day, purpose, index), so the same
//! unit in two worlds sees the same random numbers: worlds differ only by what the
//! removed channels did.

use crate::simulate::rng::Purpose;
use crate::simulate::scenario::{EffectScale, HazardForm, Onset};
use crate::time::{DAY, Millis};

pub(crate) use crate::simulate::engine::{Engine, Schedule};
pub(crate) use crate::simulate::unit_draws::UnitDraws;

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

const ORGANIC_DECAY: f64 = 0.793_700_525_984_099_7; // 2^(-1/3)

impl<'a> Engine<'a> {
    /// Lives the unit through the days with the channels in `active` (bit c = channel
    /// c); returns its conversions. With `emit`, reports every touch, milestone and
    /// conversion with its time (direct visits, which change nothing, are only drawn
    /// then).
    ///
    /// Within a day, time is continuous: the day's touches happen at their times of day,
    /// and (with [`Onset::AtTouch`]) each acts from its own time on, so the day's
    /// cumulative hazard is the integral of a step function that rises at each touch;
    /// the unit converts on the day when the day's exponential variate falls below it,
    /// at the moment the integral reaches the variate. A touch after that moment did not
    /// cause the conversion.
    pub fn run(&self, u: &UnitDraws, active: u64, emit: Option<&mut dyn FnMut(Happening)>) -> u32 {
        self.live(u, active, emit, None)
    }

    /// The unit's expected conversions over its conversion draws, with the channels in
    /// `active`: `Σ_d (1 − e^(−H_d))`, `H_d` the day's integrated hazard. Exact when a
    /// conversion changes nothing (satiation 1): then no day's hazard depends on the
    /// conversions before it, and each day converts with probability `1 − e^(−H_d)`
    /// whatever happened on the others.
    pub fn expected(&self, u: &UnitDraws, active: u64) -> f64 {
        let mut probe = Probe::default();
        self.live(u, active, None, Some(&mut probe));
        probe.expected()
    }

    /// [`Self::run`], recording each day's integrated hazard (and, with
    /// `probe.channels`, each channel's part of it) in `probe`.
    pub fn run_probed(
        &self,
        u: &UnitDraws,
        active: u64,
        emit: Option<&mut dyn FnMut(Happening)>,
        probe: &mut Probe,
    ) -> u32 {
        self.live(u, active, emit, Some(probe))
    }

    /// True when removing a paid channel from a unit's world changes its hazard by that
    /// channel's own terms alone, so that [`Probe`]'s parts give every world without one
    /// channel exactly: an additive hazard without synergies, no upstream effects (the
    /// organic visits are the same in every world), consumers (no stage that touches
    /// open), and conversions that change nothing (satiation 1).
    pub fn channels_separate(&self) -> bool {
        let sc = self.scenario;
        sc.hazard == HazardForm::Additive
            && sc.synergy.is_empty()
            && sc.channels.iter().all(|c| c.upstream == 0.0)
            && sc.max_contacts == 0
            && sc.satiation == 1.0
    }

    /// Lives the unit through its days ([`Self::run`]), recording in `probe` when given.
    fn live(
        &self,
        u: &UnitDraws,
        active: u64,
        mut emit: Option<&mut dyn FnMut(Happening)>,
        mut probe: Option<&mut Probe>,
    ) -> u32 {
        let sc = self.scenario;
        let n = sc.channels.len();
        let contacts = u.contacts;
        let unit = u.unit;
        let b2b = sc.max_contacts > 0;
        let flat: Vec<u32> = sc.channels.iter().map(|c| c.flat_days).collect();
        let any_flat = flat.iter().any(|f| *f > 0);
        let mut satiation = 1.0;
        // Decaying exposure of each (contact, channel); flat-carryover channels keep the
        // days of their exposures instead.
        let mut recent = vec![0.0; n * contacts];
        let mut flat_days: Vec<Vec<u32>> = vec![Vec::new(); n * contacts];
        let mut organic = vec![0.0; contacts];
        let mut lead = vec![false; contacts];
        // Whether each contact visited by organic search the day before (retargeting).
        let mut visited_before = vec![false; contacts];
        let (mut touches, mut opportunity) = (0u32, !b2b);
        let mut conversions = 0;
        let mut next_exposure = 0;
        if let Some(p) = probe.as_deref_mut() {
            p.hazard.clear();
            p.by_channel.clear();
            if p.channels {
                p.by_channel.resize(sc.days as usize * n, 0.0);
            }
        }
        // Today's touches that change the hazard: (fraction of the day, contact, what).
        let mut today: Vec<(f64, usize, Acting)> = Vec::new();
        // With frequency decay, each (contact, channel)'s exposures so far this period.
        let decaying = self
            .spend
            .as_ref()
            .filter(|s| s.decay.iter().any(|&d| d != 1.0));
        let mut in_period = vec![0u32; n * contacts];
        let mut state = State {
            recent: vec![0.0; n * contacts],
            organic: vec![0.0; contacts],
        };
        for day in 0..sc.days as usize {
            let day_start = self.start + day as Millis * DAY;
            let at = |frac: f64| day_start + (frac * (DAY - 1) as f64) as Millis;
            let q = u.q0 * satiation * u.drift[day];
            for r in recent.chunks_mut(n) {
                for (rc, d) in r.iter_mut().zip(&self.decay) {
                    *rc *= d;
                }
            }
            if let Some(s) = decaying
                && day % s.period_days == 0
            {
                in_period.fill(0);
            }
            if any_flat {
                for (i, days) in flat_days.iter_mut().enumerate() {
                    let keep = flat[i % n];
                    days.retain(|&d| (day as u32) < d + keep);
                }
            }
            for o in organic.iter_mut() {
                *o *= ORGANIC_DECAY;
            }
            // The state at the start of the day, before today's touches.
            state.recent.copy_from_slice(&recent);
            state.organic.copy_from_slice(&organic);
            if any_flat {
                for (i, days) in flat_days.iter().enumerate() {
                    if flat[i % n] > 0 {
                        state.recent[i] = days.len() as f64;
                    }
                }
            }
            today.clear();
            while let Some(&(d, k, c)) = u.exposures.get(next_exposure) {
                if d as usize != day {
                    break;
                }
                next_exposure += 1;
                if active >> c & 1 == 0 {
                    continue;
                }
                let who = unit * 64 + u64::from(k);
                let frac = self
                    .draws
                    .uniform(who, day as u64, Purpose::TimeOfDay, u64::from(c));
                let w = weight(
                    decaying,
                    &mut in_period[k as usize * n + c as usize],
                    c as usize,
                );
                today.push((frac, k as usize, Acting::Paid(c as usize, w)));
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
                        let frac =
                            self.draws
                                .uniform(who, day as u64, Purpose::TimeOfDay, c as u64);
                        let w = weight(decaying, &mut in_period[k * n + c], c);
                        today.push((frac, k, Acting::Paid(c, w)));
                    }
                }
            }
            // Paid exposures of the day count in full for tomorrow.
            for &(_, k, what) in &today {
                if let Acting::Paid(c, w) = what {
                    recent[k * n + c] += w;
                    if flat[c] > 0 {
                        flat_days[k * n + c].push(day as u32);
                    }
                    touches += 1;
                }
            }
            let mut direct_visits = Vec::new();
            let mut new_leads = Vec::new();
            for k in 0..contacts {
                // Upstream channels raise the day's chance of an organic visit (with the
                // day's exposures counted).
                let upstream: f64 = sc
                    .channels
                    .iter()
                    .enumerate()
                    .map(|(c, spec)| {
                        let r = if flat[c] > 0 {
                            flat_days[k * n + c].len() as f64
                        } else {
                            recent[k * n + c]
                        };
                        spec.upstream * r
                    })
                    .sum();
                let mut visited = false;
                visited_before[k] = false;
                if u.organic[day * contacts + k] < sc.organic_rate * q * (1.0 + upstream) {
                    organic[k] += 1.0;
                    visited_before[k] = true;
                    touches += 1;
                    visited = true;
                    let who = unit * 64 + k as u64;
                    let frac = self.draws.uniform(who, day as u64, Purpose::TimeOfDay, 100);
                    today.push((frac, k, Acting::Organic));
                }
                if emit.is_some() {
                    let who = unit * 64 + k as u64;
                    if self.draws.uniform(who, day as u64, Purpose::Direct, 0) < sc.direct_rate * q
                    {
                        let frac = self.draws.uniform(who, day as u64, Purpose::TimeOfDay, 101);
                        visited = true;
                        direct_visits.push((frac, k));
                    }
                }
                if visited && b2b && !lead[k] {
                    lead[k] = true;
                    new_leads.push(k);
                }
            }
            today.sort_by(|a, b| a.0.total_cmp(&b.0));
            let opened = b2b && !opportunity && touches >= 3;
            if opened {
                opportunity = true;
            }
            let stage = if opportunity { 1.0 } else { 0.2 };
            // The day's hazard, segment by segment between touches.
            let threshold = u.conversion[day];
            let mut cumulative = 0.0;
            let mut from = 0.0;
            let mut crossed = None;
            for i in 0..=today.len() {
                let to = today.get(i).map_or(1.0, |t| t.0);
                let rate = self.hazard(&state, q, stage, contacts);
                let piece = rate * (to - from);
                if let Some(p) = probe.as_deref_mut()
                    && p.channels
                {
                    // Channel c's term of the additive hazard, over the segment.
                    let scale = match sc.scale {
                        EffectScale::Relative => q,
                        EffectScale::Absolute => 1.0,
                    };
                    let coef = sc.base_hazard * scale * stage * (to - from);
                    let parts = &mut p.by_channel[day * n..(day + 1) * n];
                    for r in state.recent.chunks(n) {
                        for ((part, lift), rc) in parts.iter_mut().zip(&self.lifts).zip(r) {
                            *part += coef * lift * rc;
                        }
                    }
                }
                if crossed.is_none() && cumulative + piece > threshold {
                    crossed = Some(from + (threshold - cumulative) / rate);
                }
                cumulative += piece;
                if let Some(&(_, k, what)) = today.get(i)
                    && sc.onset == Onset::AtTouch
                {
                    match what {
                        Acting::Paid(c, w) => state.recent[k * n + c] += w,
                        Acting::Organic => state.organic[k] += 1.0,
                    }
                }
                from = to;
            }
            if let Some(p) = probe.as_deref_mut() {
                p.hazard.push(cumulative);
            }
            if let Some(emit) = emit.as_deref_mut() {
                let mut last_time = day_start;
                // Stage milestones come before a conversion of the same day.
                let milestone_cap = crossed.map_or(Millis::MAX, |f| at(f) - 2);
                for &(frac, k, what) in &today {
                    let time = at(frac);
                    last_time = last_time.max(time);
                    emit(Happening::Touch {
                        contact: k,
                        channel: match what {
                            Acting::Paid(c, _) => TouchChannel::Paid(c),
                            Acting::Organic => TouchChannel::Organic,
                        },
                        time,
                    });
                }
                for &(frac, k) in &direct_visits {
                    let time = at(frac);
                    last_time = last_time.max(time);
                    emit(Happening::Touch {
                        contact: k,
                        channel: TouchChannel::Direct,
                        time,
                    });
                }
                for &k in &new_leads {
                    emit(Happening::Milestone {
                        contact: k,
                        name: "lead_created",
                        time: (last_time + 1).min(milestone_cap - 1).max(day_start),
                    });
                }
                if opened {
                    emit(Happening::Milestone {
                        contact: 0,
                        name: "opportunity_created",
                        time: (last_time + 2).min(milestone_cap).max(day_start),
                    });
                }
                if let Some(frac) = crossed {
                    let z = self.draws.uniform(unit, day as u64, Purpose::Value, 0);
                    let value = (80.0 * (1.0 + 2.0 * z) * 100.0).round() / 100.0;
                    emit(Happening::Conversion {
                        contact: 0,
                        time: at(frac),
                        value,
                    });
                }
            }
            if crossed.is_some() {
                conversions += 1;
                satiation *= sc.satiation;
            }
        }
        conversions
    }

    /// The hazard rate (per day) in a state: `base · q · stage · (1 + Σ lift r + …)`,
    /// log-linear with [`HazardForm::Multiplicative`], or `base · stage · (q + Σ lift r
    /// + …)` with [`EffectScale::Absolute`].
    fn hazard(&self, state: &State, q: f64, stage: f64, contacts: usize) -> f64 {
        let sc = self.scenario;
        let n = sc.channels.len();
        let multiplicative = sc.hazard == HazardForm::Multiplicative;
        let lifts = if multiplicative {
            &self.log_lifts
        } else {
            &self.lifts
        };
        let mut lift = 0.0;
        for k in 0..contacts {
            let r = &state.recent[k * n..(k + 1) * n];
            lift += lifts.iter().zip(r).map(|(l, rc)| l * rc).sum::<f64>();
            if !multiplicative {
                lift += sc
                    .synergy
                    .iter()
                    .map(|&(a, b, s)| s * r[a] * r[b])
                    .sum::<f64>();
            }
            lift += lifts[n] * state.organic[k];
        }
        let log_lift = lift;
        match (sc.hazard, sc.scale) {
            (HazardForm::Multiplicative, _) => sc.base_hazard * q * stage * log_lift.exp(),
            (HazardForm::Additive, EffectScale::Relative) => {
                sc.base_hazard * q * stage * (1.0 + lift)
            }
            (HazardForm::Additive, EffectScale::Absolute) => sc.base_hazard * stage * (q + lift),
        }
    }
}

/// What a life records beyond its conversions: each day's integrated hazard and, when
/// asked, each paid channel's part of it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Probe {
    /// Whether to record each channel's part.
    pub channels: bool,
    /// `H_d` of each day.
    pub hazard: Vec<f64>,
    /// Each day's parts (`n` channels a day, day after day): channel c's additive term
    /// of the hazard, integrated over the day.
    pub by_channel: Vec<f64>,
}

impl Probe {
    /// `Σ_d (1 − e^(−H_d))`: the expected conversions over the conversion draws (with
    /// conversions that change nothing).
    pub fn expected(&self) -> f64 {
        self.hazard.iter().map(|h| -(-h).exp_m1()).sum()
    }
}

/// The exposure state the hazard reads.
struct State {
    recent: Vec<f64>,
    organic: Vec<f64>,
}

/// The weight a paid exposure of channel `c` adds to its recent exposure: 1, or with
/// frequency decay `ρ^(j−1)` for the contact's `j`-th exposure to it this period (`count`
/// its exposures so far, advanced here).
fn weight(decaying: Option<&Schedule>, count: &mut u32, c: usize) -> f64 {
    let Some(s) = decaying else {
        return 1.0;
    };
    *count += 1;
    let rho = s.decay[c];
    if rho == 1.0 || *count == 1 {
        1.0
    } else {
        rho.powi(*count as i32 - 1)
    }
}

/// A touch that changes the hazard: a paid exposure with its weight, or an organic visit.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Acting {
    Paid(usize, f64),
    Organic,
}
