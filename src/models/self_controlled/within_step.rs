//! How a step's hazard is spread over the time within the step (the hour of the day,
//! for daily steps).
//!
//! A touch at time `s` is exposure of lag 0 for the rest of its own step. If the hazard
//! were flat within the step, "the rest" would be the fraction of the step's clock time
//! after `s`. It is not: purchases cluster in the evening, business conversions in office
//! hours, and channels have hours of their own (email in the morning, television at
//! night). A touch at 09:00 then precedes most of its day's conversions, and the clock
//! fraction (62%) understates the share of the day's hazard it precedes; conversions
//! after it on the same day read as its effect. With `TimeOfDay::Conversions` the lag-0
//! exposure of a touch is therefore the share of its step's hazard after it, `R(s) = 1 − F(position of s in the step)`, with
//! `F` the distribution of the position within the step of every conversion in the data,
//! in [`BINS`] bins, each with [`PRIOR`] pseudo-conversions spread evenly (so that a few
//! conversions leave the profile near flat). The profile is common to every unit and
//! channel: the time-of-day baseline `b(h)` of the hazard `α_i · b(h) · (1 + …)`,
//! estimated by its marginal, which the exposure effects themselves shift little where
//! they are a small part of the hazard.

use crate::journeys::Timelines;
use crate::time::Millis;

/// Bins of the within-step profile (15 minutes each for daily steps).
pub const BINS: usize = 96;

/// Pseudo-conversions per bin, spread evenly: 5 per bin (480 a step), so that a profile
/// from fewer conversions than that stays close to flat.
pub const PRIOR: f64 = 5.0;

/// The cumulative share of a step's hazard at each bin boundary (`BINS + 1` values from
/// 0 to 1).
#[derive(Clone, Debug, PartialEq)]
pub struct WithinStep {
    cumulative: Vec<f64>,
}

impl WithinStep {
    /// A flat profile: the rest of a step is its share of clock time.
    pub fn uniform() -> Self {
        WithinStep {
            cumulative: (0..=BINS).map(|b| b as f64 / BINS as f64).collect(),
        }
    }

    /// The profile of the conversions of `timelines`, positions taken within steps of
    /// `step`.
    pub fn from_conversions(timelines: &Timelines, step: Millis) -> Self {
        let mut counts = vec![PRIOR; BINS];
        for unit in &timelines.units {
            for &(time, _) in &unit.conversions {
                let position = time.rem_euclid(step) as f64 / step as f64;
                counts[((position * BINS as f64) as usize).min(BINS - 1)] += 1.0;
            }
        }
        let total: f64 = counts.iter().sum();
        let mut cumulative = Vec::with_capacity(BINS + 1);
        let mut running = 0.0;
        cumulative.push(0.0);
        for c in &counts {
            running += c / total;
            cumulative.push(running);
        }
        cumulative[BINS] = 1.0;
        WithinStep { cumulative }
    }

    /// The share of a step's hazard after the position `position` (a fraction of the
    /// step, 0 to 1), linear within a bin.
    pub fn after(&self, position: f64) -> f64 {
        let x = position.clamp(0.0, 1.0) * BINS as f64;
        let b = (x as usize).min(BINS - 1);
        let below =
            self.cumulative[b] + (x - b as f64) * (self.cumulative[b + 1] - self.cumulative[b]);
        (1.0 - below).clamp(0.0, 1.0)
    }

    /// The share of the hazard in each bin (for reports).
    pub fn shares(&self) -> Vec<f64> {
        self.cumulative.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Dictionary;
    use crate::journeys::Timeline;
    use crate::time::{DAY, HOUR};

    /// Flat: the rest of the step is its clock share.
    #[test]
    fn a_flat_profile_is_clock_time() {
        let u = WithinStep::uniform();
        assert_eq!(u.after(0.0), 1.0);
        assert!((u.after(0.25) - 0.75).abs() < 1e-12);
        assert!((u.after(0.3) - 0.7).abs() < 1e-12);
        assert_eq!(u.after(1.0), 0.0);
    }

    /// Hand-derived: 4,800 conversions all at 18:00–18:15 (bin 72) and the prior's 480
    /// spread evenly: a touch at 09:00 (bin 36) precedes (4800 + 5·60)/5280 of the
    /// day's hazard, a touch at 20:00 (bin 80) 5·16/5280; fewer conversions stay near
    /// flat.
    #[test]
    fn conversions_in_the_evening_put_most_of_the_day_after_a_morning_touch() {
        let profile = |n: usize| {
            let mut channels = Dictionary::new();
            channels.intern("a");
            let mut t = Timelines::new(channels, 0, 10 * DAY);
            t.push(Timeline {
                unit: "u".into(),
                first: 0,
                touches: vec![],
                conversions: (0..n)
                    .map(|i| ((i % 10) as i64 * DAY + 18 * HOUR + 60_000, 1.0))
                    .collect(),
            });
            WithinStep::from_conversions(&t.finish(), DAY)
        };
        let p = profile(4800);
        assert!((p.after(9.0 / 24.0) - (4800.0 + 300.0) / 5280.0).abs() < 1e-9);
        assert!((p.after(20.0 / 24.0) - 80.0 / 5280.0).abs() < 1e-9);
        let few = profile(10);
        assert!((few.after(9.0 / 24.0) - 15.0 / 24.0).abs() < 0.03);
        assert!((p.shares().iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
