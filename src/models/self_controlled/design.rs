//! From whole logs to the sufficient statistics of the conditional likelihood.
//!
//! A unit's timeline is cut into steps of `step` (default one day) from its first event
//! (or the study start) to the data end (or the study end). At step `t` the features are
//! `v_t[k·L + l]`, the number of touches of channel `k` whose lag `t − s` (in steps) lies
//! in lag bin `l`. The conditional likelihood of the unit needs only
//!
//! * `T`, its number of steps, and `S = Σ_t v_t` (the features summed over every step),
//! * `v_t` at each step with a conversion (and the conversion's value),
//!
//! so a unit costs `(1 + conversions) × features` numbers, whatever its event count.

use crate::channel::ChannelId;
use crate::journeys::{Timeline, Timelines};
use crate::time::Millis;

/// Lag bins in steps, inclusive: `(0,0), (1,2), (3,5), …`.
pub type LagBins = [(u32, u32)];

/// Which channels enter the model, and as what.
#[derive(Clone, Debug, PartialEq)]
pub struct Roles {
    /// Exposure channels (credited), in output order: (id, name).
    pub exposures: Vec<(ChannelId, String)>,
    /// Control channels (time-varying controls, not credited).
    pub controls: Vec<(ChannelId, String)>,
    /// Channels of visits people make themselves (the ignored and control channels),
    /// for the retargeting diagnostic.
    pub visits: Vec<ChannelId>,
}

impl Roles {
    /// Feature block of channel `id`: its index among exposures then controls.
    fn block(&self, id: ChannelId) -> Option<usize> {
        self.exposures
            .iter()
            .chain(&self.controls)
            .position(|(c, _)| *c == id)
    }

    /// Channels with a feature block.
    pub fn blocks(&self) -> usize {
        self.exposures.len() + self.controls.len()
    }
}

/// One conversion: its step's features, calendar class and value.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversionRow {
    /// Features at the conversion's step.
    pub v: Vec<f64>,
    /// The calendar class of its step (0 without a calendar baseline).
    pub class: usize,
    /// The conversion's value.
    pub value: f64,
}

/// One unit's sufficient statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitStats {
    /// Steps in the unit's timeline, per calendar class.
    pub steps: Vec<f64>,
    /// Features summed over the steps of each calendar class (`classes × features`).
    pub sum: Vec<f64>,
    /// Its conversions.
    pub conversions: Vec<ConversionRow>,
}

/// The design of a whole fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// Features per step (`blocks × lag bins`).
    pub features: usize,
    /// Calendar classes of steps: 1, or 7 with a day-of-week baseline.
    pub classes: usize,
    /// Units with at least one conversion in the study period.
    pub units: Vec<UnitStats>,
    /// Conversions left out because they fall outside the study period.
    pub conversions_outside: u64,
}

/// The study period and step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Period {
    /// Step length.
    pub step: Millis,
    /// Start (default: the start of the data).
    pub start: Option<Millis>,
    /// End (default: the data end).
    pub end: Option<Millis>,
    /// Whether steps carry a day-of-week baseline `b_t`.
    pub weekday: bool,
}

/// The day of the week of a step's start (0 Monday … 6 Sunday; 1970-01-01 was a
/// Thursday).
pub fn weekday_of(step_index: i64, step: Millis) -> usize {
    let day = (step_index * step).div_euclid(crate::time::DAY);
    (day + 3).rem_euclid(7) as usize
}

fn step_of(t: Millis, step: Millis) -> i64 {
    t.div_euclid(step)
}

impl Design {
    /// The statistics of every converting unit of `timelines`.
    pub fn new(timelines: &Timelines, roles: &Roles, lags: &LagBins, period: Period) -> Design {
        let features = roles.blocks() * lags.len();
        let classes = if period.weekday { 7 } else { 1 };
        let end = period
            .end
            .unwrap_or(timelines.data_end)
            .min(timelines.data_end);
        let mut design = Design {
            features,
            classes,
            units: Vec::with_capacity(timelines.units.len()),
            conversions_outside: 0,
        };
        for t in &timelines.units {
            if let Some(u) = unit_stats(
                t,
                roles,
                lags,
                period,
                timelines.data_start,
                end,
                &mut design,
            ) {
                design.units.push(u);
            }
        }
        design
    }

    /// Total conversions in the design.
    pub fn conversions(&self) -> usize {
        self.units.iter().map(|u| u.conversions.len()).sum()
    }
}

fn unit_stats(
    t: &Timeline,
    roles: &Roles,
    lags: &LagBins,
    period: Period,
    data_start: Millis,
    end: Millis,
    design: &mut Design,
) -> Option<UnitStats> {
    let step = period.step;
    // Every unit is observed from the same start: an observation period that began at
    // each unit's first event would begin at an exposure (or at the conversion itself)
    // and tie the period to the outcome.
    let start = period.start.unwrap_or(data_start);
    let (first, last) = (step_of(start, step), step_of(end, step));
    if last < first {
        design.conversions_outside += t.conversions.len() as u64;
        return None;
    }
    let nbins = lags.len();
    // Touches with a feature block, as (step, block).
    let touches: Vec<(i64, usize)> = t
        .touches
        .iter()
        .filter(|(time, _)| *time <= end)
        .filter_map(|&(time, c)| roles.block(c).map(|b| (step_of(time, step), b)))
        .collect();
    let p = design.features;
    let weekday = design.classes > 1;
    let class_of = |t: i64| if weekday { weekday_of(t, step) } else { 0 };
    let mut steps = vec![0.0; design.classes];
    if weekday {
        for t in first..=last {
            steps[class_of(t)] += 1.0;
        }
    } else {
        steps[0] = (last - first + 1) as f64;
    }
    let mut sum = vec![0.0; design.classes * p];
    for &(s, b) in &touches {
        for (l, &(lo, hi)) in lags.iter().enumerate() {
            // Steps t in [first, last] with lo ≤ t − s ≤ hi.
            let a = (s + i64::from(lo)).max(first);
            let z = (s + i64::from(hi)).min(last);
            if z < a {
                continue;
            }
            if weekday {
                for t in a..=z {
                    sum[class_of(t) * p + b * nbins + l] += 1.0;
                }
            } else {
                sum[b * nbins + l] += (z - a + 1) as f64;
            }
        }
    }
    let mut conversions = Vec::with_capacity(t.conversions.len());
    for &(time, value) in &t.conversions {
        let at = step_of(time, step);
        if time > end || at < first {
            design.conversions_outside += 1;
            continue;
        }
        let mut v = vec![0.0; design.features];
        for &(s, b) in &touches {
            let lag = at - s;
            if lag < 0 {
                continue;
            }
            if let Some(l) = lags
                .iter()
                .position(|&(lo, hi)| lag >= i64::from(lo) && lag <= i64::from(hi))
            {
                v[b * nbins + l] += 1.0;
            }
        }
        conversions.push(ConversionRow {
            v,
            class: class_of(at),
            value,
        });
    }
    (!conversions.is_empty()).then_some(UnitStats {
        steps,
        sum,
        conversions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Dictionary;
    use crate::time::DAY;

    #[test]
    fn sums_count_the_steps_each_touch_reaches_in_each_bin() {
        let mut channels = Dictionary::new();
        let a = channels.intern("a");
        let timelines = Timelines {
            channels,
            units: vec![Timeline {
                unit: "u".into(),
                first: 0,
                touches: vec![(2 * DAY + 5, a)],
                conversions: vec![(4 * DAY + 9, 10.0)],
            }],
            data_start: 0,
            data_end: 9 * DAY,
            units_without_conversion: 0,
        };
        let roles = Roles {
            exposures: vec![(a, "a".into())],
            controls: vec![],
            visits: vec![],
        };
        let lags = [(0, 0), (1, 2), (3, 5)];
        let d = Design::new(
            &timelines,
            &roles,
            &lags,
            Period {
                step: DAY,
                start: None,
                end: None,
                weekday: false,
            },
        );
        let u = &d.units[0];
        // Steps 0..=9; the touch on day 2 reaches day 2 (bin 0), 3-4 (bin 1), 5-7 (bin 2).
        assert_eq!(u.steps, vec![10.0]);
        assert_eq!(u.sum, vec![1.0, 2.0, 3.0]);
        // The conversion on day 4 has the touch at lag 2: bin 1.
        assert_eq!(u.conversions[0].v, vec![0.0, 1.0, 0.0]);
    }
}
