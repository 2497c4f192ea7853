//! The retargeting signature: a channel whose exposure changes after conversions.
//!
//! An exposure the model may read as a cause should not care whether the unit has just
//! converted. Per exposure channel, over converting units: the exposure rate in the
//! `WINDOW` steps after each conversion (where the data reach that far) against the
//! rate at least `WINDOW` steps away from every conversion. Intent drops after a
//! conversion, so a channel that follows a unit's own visits (retargeting) is seen
//! less; one targeted on a fixed trait, or shown at random, is not. A channel is
//! flagged when the two rates differ by more than half (ratio outside 2/3–3/2) and the
//! difference is significant (|z| > 3, Poisson counts).

use serde::Serialize;

use crate::journeys::Timelines;
use crate::models::self_controlled::design::Roles;
use crate::time::Millis;

/// Steps after (and around) a conversion that count as "after".
pub const WINDOW: i64 = 7;

/// One channel's exposure around conversions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExposureShift {
    /// The channel.
    pub channel: String,
    /// Exposures per step in the window before conversions.
    pub rate_before: f64,
    /// Exposures per step in the window after conversions.
    pub rate_after: f64,
    /// Exposures per step away from every conversion.
    pub rate_elsewhere: f64,
    /// Exposures counted after conversions.
    pub exposures_after: u64,
    /// Whether the shift is large and significant.
    pub flagged: bool,
}

/// The exposure shifts of every exposure channel.
pub fn exposure_shifts(timelines: &Timelines, roles: &Roles, step: Millis) -> Vec<ExposureShift> {
    let n = roles.exposures.len();
    let (mut before, mut after, mut elsewhere) = (vec![0u64; n], vec![0u64; n], vec![0u64; n]);
    let (mut steps_before, mut steps_after, mut steps_elsewhere) = (0i64, 0i64, 0i64);
    let end = timelines.data_end.div_euclid(step);
    let block = |c: u32| roles.exposures.iter().position(|(id, _)| *id == c);
    for t in &timelines.units {
        let first = timelines.data_start.div_euclid(step);
        let conv: Vec<i64> = t.conversions.iter().map(|c| c.0.div_euclid(step)).collect();
        // Classify every step of the timeline once.
        let span = (end - first + 1).max(0) as usize;
        let mut class = vec![2u8; span]; // 0 before, 1 after, 2 elsewhere
        for &c in &conv {
            for s in (c - WINDOW).max(first)..c {
                let i = (s - first) as usize;
                if class[i] == 2 {
                    class[i] = 0;
                }
            }
        }
        for &c in &conv {
            if c + WINDOW > end {
                // Not enough data after it: neither after nor elsewhere.
                for s in (c + 1).max(first)..=end {
                    class[(s - first) as usize] = 3;
                }
                continue;
            }
            for s in (c + 1).max(first)..=(c + WINDOW) {
                class[(s - first) as usize] = 1;
            }
        }
        for &c in &conv {
            if (first..=end).contains(&c) {
                class[(c - first) as usize] = 3;
            }
        }
        for k in &class {
            match k {
                0 => steps_before += 1,
                1 => steps_after += 1,
                2 => steps_elsewhere += 1,
                _ => {}
            }
        }
        for &(time, c) in &t.touches {
            let Some(b) = block(c) else { continue };
            let s = time.div_euclid(step);
            if s < first || s > end {
                continue;
            }
            match class[(s - first) as usize] {
                0 => before[b] += 1,
                1 => after[b] += 1,
                2 => elsewhere[b] += 1,
                _ => {}
            }
        }
    }
    let rate = |count: u64, steps: i64| {
        if steps > 0 {
            count as f64 / steps as f64
        } else {
            0.0
        }
    };
    roles
        .exposures
        .iter()
        .enumerate()
        .map(|(b, (_, name))| {
            let (ra, re) = (
                rate(after[b], steps_after),
                rate(elsewhere[b], steps_elsewhere),
            );
            let var = if steps_after > 0 && steps_elsewhere > 0 {
                after[b] as f64 / (steps_after as f64).powi(2)
                    + elsewhere[b] as f64 / (steps_elsewhere as f64).powi(2)
            } else {
                0.0
            };
            let z = if var > 0.0 {
                (ra - re) / var.sqrt()
            } else {
                0.0
            };
            let ratio = if re > 0.0 { ra / re } else { 1.0 };
            ExposureShift {
                channel: name.clone(),
                rate_before: rate(before[b], steps_before),
                rate_after: ra,
                rate_elsewhere: re,
                exposures_after: after[b],
                flagged: z.abs() > 3.0 && !(2.0 / 3.0..=1.5).contains(&ratio),
            }
        })
        .collect()
}
