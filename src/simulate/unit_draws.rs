//! What a unit is before any world acts on it ([`UnitDraws`]): its intent, contacts,
//! every exposure and the uniforms its visits and conversions are decided by, drawn
//! once and shared by every world (common random numbers).

use crate::simulate::rng::Purpose;

use crate::simulate::engine::Engine;

/// Everything about one unit that is the same in every world.
#[derive(Clone, Debug)]
pub(crate) struct UnitDraws {
    pub unit: u64,
    pub contacts: usize,
    pub(crate) q0: f64,
    /// The exogenous intent multiplier of each day (1 without drift).
    pub(crate) drift: Vec<f64>,
    /// (day, contact, channel) of every exposure, by day.
    pub(crate) exposures: Vec<(u32, u32, u32)>,
    /// The uniform deciding each (day, contact)'s organic visit.
    pub(crate) organic: Vec<f64>,
    /// `−ln(1 − U)` of each day's conversion uniform: the unit converts when the day's
    /// hazard exceeds it.
    pub(crate) conversion: Vec<f64>,
    /// Channels that expose the unit at least once.
    pub reach: u64,
}

impl Engine<'_> {
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
        // With a spend plan, a channel's rate is the period's (below), tilted as here.
        let rates: Vec<f64> = sc
            .channels
            .iter()
            .zip(&self.norm)
            .map(|(spec, norm)| match self.spend {
                None => spec.exposure_rate * q0.powf(spec.targeting) / norm,
                Some(_) => q0.powf(spec.targeting) / norm,
            })
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
        // An in-market ramp: from a start day, intent rises to `max` over the ramp's
        // days and stays there.
        if let Some(ramp) = sc.ramp
            && self.draws.uniform(unit, 0, Purpose::Drift, 2) < ramp.share
        {
            let start = self.draws.uniform(unit, 0, Purpose::Drift, 3) * days as f64;
            let (lo, hi) = ramp.days;
            let length = f64::from(lo)
                + self.draws.uniform(unit, 0, Purpose::Drift, 4) * f64::from(hi.saturating_sub(lo));
            for (day, d) in drift.iter_mut().enumerate() {
                let progress = ((day as f64 - start) / length.max(1.0)).clamp(0.0, 1.0);
                *d *= 1.0 + (ramp.max - 1.0) * progress;
            }
        }
        for (day, &today) in drift.iter().enumerate() {
            for k in 0..contacts {
                let who = unit * 64 + k as u64;
                for (c, &p) in rates.iter().enumerate() {
                    // Targeted channels follow the current intent (up to their cap).
                    let spec = &sc.channels[c];
                    let p = p * today.powf(spec.targeting).min(spec.follow_cap);
                    let p = match &self.spend {
                        None => p,
                        Some(plan) => p * plan.rates[c][day / plan.period_days],
                    };
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
}
