//! From whole logs to the sufficient statistics of the conditional likelihood.
//!
//! A unit's timeline is cut into steps of `step` (default one day) from the study start
//! (default the start of the data) to the data end (or the study end). At step `t` the
//! features are `v_t[k·L + l]`, the number of touches of channel `k` whose lag `t − s`
//! (in steps) lies in lag bin `l`. A negative lag is a *pre-exposure* bin: the touch
//! comes after the step (Whitaker et al. 2009; Farrington, Whitaker & Ghebremichael
//! 2018, ch. 6): a hazard already raised before exposures marks exposure that follows
//! the outcome process.
//!
//! Time within the step of an exposure counts exactly: a touch at time `s` is exposure
//! of lag 0 only for the rest of its step — the share of the step's hazard after `s`
//! (`WithinStep`: by default the fraction `(end of step − s) / step` of clock time, or
//! from the conversions' own time of day) — and
//! a conversion at time `c` counts as exposed at lag 0 only to touches at or before
//! `c`. So a touch later on the conversion's day never reads as its cause. The
//! conditional likelihood of the unit needs only
//!
//! * `T`, its number of steps, and `S = Σ_t v_t` (the features summed over every step),
//! * `v_t` at each step with a conversion (and the conversion's value),
//!
//! so a unit costs `(1 + conversions) × features` numbers, whatever its event count.

use crate::channel::ChannelId;
use crate::journeys::{Timeline, Timelines};
pub use crate::models::self_controlled::within_step::WithinStep;
use crate::time::Millis;

/// Lag bins in steps, inclusive: `(0,0), (1,2), (3,5), …`; negative ranges
/// (`(-3,-1)`) are pre-exposure bins. No bin spans both signs.
pub type LagBins = [(i32, i32)];

/// How one feature of a channel weighs a touch at each lag: over the steps `lo..=hi`,
/// 1 (a bin) or `exp(−(lag − lo)/decay)` (a decaying kernel, decay in steps).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LagShape {
    /// First lag, in steps (negative: before the exposure).
    pub lo: i32,
    /// Last lag.
    pub hi: i32,
    /// The decay's time constant in steps, `None` for a bin.
    pub decay: Option<f64>,
}

impl LagShape {
    /// A bin.
    pub fn bin(lo: i32, hi: i32) -> Self {
        LagShape {
            lo,
            hi,
            decay: None,
        }
    }

    /// The weight of a touch at `lag` steps.
    pub fn weight(&self, lag: i64) -> f64 {
        if lag < i64::from(self.lo) || lag > i64::from(self.hi) {
            return 0.0;
        }
        match self.decay {
            None => 1.0,
            Some(tau) => (-((lag - i64::from(self.lo)) as f64) / tau).exp(),
        }
    }

    /// The summed weight over lags `a..=z` (inside the shape).
    fn total(&self, a: i64, z: i64) -> f64 {
        match self.decay {
            None => (z - a + 1) as f64,
            Some(tau) => {
                let r = (-1.0 / tau).exp();
                let n = (z - a + 1) as f64;
                r.powf((a - i64::from(self.lo)) as f64) * (1.0 - r.powf(n)) / (1.0 - r)
            }
        }
    }

    /// Whether it lies before the exposure.
    pub fn is_pre(&self) -> bool {
        self.hi < 0
    }
}

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
    pub(crate) fn block(&self, id: ChannelId) -> Option<usize> {
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
    /// Its index among the timelines' units (set by [`Design::new`]).
    pub source: usize,
}

/// The design of a whole fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// Features per step (`blocks × lag bins`).
    pub features: usize,
    /// Calendar classes of steps: `calendar periods × weekdays` (1 without either
    /// baseline; 7 weekdays with a day-of-week baseline; `Calendar::class`).
    pub classes: usize,
    /// The calendar periods of the study and the day-of-week split.
    pub calendar: Calendar,
    /// How a step's hazard spreads within the step (a touch's lag-0 exposure).
    pub within: WithinStep,
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
    /// The length of a calendar period of the baseline, in steps (none: no calendar
    /// baseline).
    pub calendar: Option<i64>,
    /// Whether a touch's lag-0 exposure is the share of its step's hazard after it under
    /// the conversions' own profile within the step (else its share of clock time;
    /// `WithinStep`).
    pub time_of_day: bool,
}

/// How the steps of a study fall into calendar classes: periods of `length` steps from
/// the study's first step (the last period absorbs a remainder shorter than half a
/// period, and is otherwise a shorter period of its own), each split by day of week when
/// `weekday`. A step's class is `period · weekdays + weekday`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calendar {
    /// The study's first step.
    pub first: i64,
    /// The study's last step.
    pub last: i64,
    /// Steps per calendar period (the whole study when there is no calendar baseline).
    pub length: i64,
    /// Calendar periods.
    pub periods: usize,
    /// Whether each period is split by day of week.
    pub weekday: bool,
    /// The step length.
    pub step: Millis,
}

impl Calendar {
    /// The calendar of a study of steps `first..=last` under `period`.
    pub fn new(first: i64, last: i64, period: Period) -> Calendar {
        let span = (last - first + 1).max(1);
        let (length, periods) = match period.calendar {
            Some(length) if length >= 1 && length < span => {
                let length = length.max(1);
                let whole = span / length;
                let rest = span - whole * length;
                let periods = if 2 * rest >= length { whole + 1 } else { whole };
                (length, periods.max(1) as usize)
            }
            _ => (span, 1),
        };
        Calendar {
            first,
            last,
            length,
            periods,
            weekday: period.weekday,
            step: period.step,
        }
    }

    /// Day-of-week classes per period: 7 or 1.
    pub fn weekdays(&self) -> usize {
        if self.weekday { 7 } else { 1 }
    }

    /// Classes: periods × weekdays.
    pub fn classes(&self) -> usize {
        self.periods * self.weekdays()
    }

    /// The calendar period of step `t`.
    pub fn period_of(&self, t: i64) -> usize {
        (((t - self.first).max(0) / self.length) as usize).min(self.periods - 1)
    }

    /// The class of step `t`.
    pub fn class(&self, t: i64) -> usize {
        let day = if self.weekday {
            weekday_of(t, self.step)
        } else {
            0
        };
        self.period_of(t) * self.weekdays() + day
    }

    /// The first step of calendar period `k`.
    pub fn period_start(&self, k: usize) -> i64 {
        self.first + k as i64 * self.length
    }
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
    pub fn new(timelines: &Timelines, roles: &Roles, lags: &[LagShape], period: Period) -> Design {
        let features = roles.blocks() * lags.len();
        let end = period
            .end
            .unwrap_or(timelines.data_end)
            .min(timelines.data_end);
        let start = period.start.unwrap_or(timelines.data_start);
        let calendar = Calendar::new(
            step_of(start, period.step),
            step_of(end, period.step),
            period,
        );
        let within = if period.time_of_day {
            WithinStep::from_conversions(timelines, period.step)
        } else {
            WithinStep::uniform()
        };
        let mut design = Design {
            features,
            classes: calendar.classes(),
            calendar,
            within,
            units: Vec::with_capacity(timelines.units.len()),
            conversions_outside: 0,
        };
        for (source, t) in timelines.units.iter().enumerate() {
            if let Some(mut u) = unit_stats(
                t,
                roles,
                lags,
                period,
                timelines.data_start,
                end,
                &mut design,
            ) {
                u.source = source;
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
    lags: &[LagShape],
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
    // Touches with a feature block, as (time, step, block).
    let touches: Vec<(Millis, i64, usize)> = t
        .touches
        .iter()
        .filter(|(time, _)| *time <= end)
        .filter_map(|&(time, c)| roles.block(c).map(|b| (time, step_of(time, step), b)))
        .collect();
    let p = design.features;
    let multi = design.classes > 1;
    let calendar = design.calendar;
    let class_of = |t: i64| calendar.class(t);
    let mut steps = vec![0.0; design.classes];
    if multi && !calendar.weekday {
        for (k, n) in steps.iter_mut().enumerate() {
            let from = calendar.period_start(k).max(first);
            let to = if k + 1 == calendar.periods {
                last
            } else {
                (calendar.period_start(k + 1) - 1).min(last)
            };
            *n = (to - from + 1).max(0) as f64;
        }
    } else if multi {
        for t in first..=last {
            steps[class_of(t)] += 1.0;
        }
    } else {
        steps[0] = (last - first + 1) as f64;
    }
    let mut sum = vec![0.0; design.classes * p];
    for &(time, s, b) in &touches {
        // The part of the touch's own step after it: its lag-0 exposure.
        let rest = design.within.after((time - s * step) as f64 / step as f64);
        for (l, shape) in lags.iter().enumerate() {
            // Steps t in [first, last] with lo ≤ t − s ≤ hi.
            let a = (s + i64::from(shape.lo)).max(first);
            let z = (s + i64::from(shape.hi)).min(last);
            if z < a {
                continue;
            }
            // The touch's own step (lag 0) counts only the rest of the step after it.
            let own = if (a..=z).contains(&s) {
                (rest - 1.0) * shape.weight(0)
            } else {
                0.0
            };
            if multi && !calendar.weekday {
                // Calendar periods are runs of steps: each run's share in one sum.
                let mut from = a;
                while from <= z {
                    let k = calendar.period_of(from);
                    let to = if k + 1 == calendar.periods {
                        z
                    } else {
                        z.min(calendar.period_start(k + 1) - 1)
                    };
                    let own = if (from..=to).contains(&s) {
                        (rest - 1.0) * shape.weight(0)
                    } else {
                        0.0
                    };
                    sum[k * p + b * nbins + l] += shape.total(from - s, to - s) + own;
                    from = to + 1;
                }
            } else if multi {
                for t in a..=z {
                    sum[class_of(t) * p + b * nbins + l] += if t == s {
                        rest * shape.weight(0)
                    } else {
                        shape.weight(t - s)
                    };
                }
            } else {
                sum[b * nbins + l] += shape.total(a - s, z - s) + own;
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
        for &(touch_time, s, b) in &touches {
            let lag = at - s;
            // On the conversion's own step, only touches at or before it are exposure.
            if lag == 0 && touch_time > time {
                continue;
            }
            for (l, shape) in lags.iter().enumerate() {
                let w = shape.weight(lag);
                if w != 0.0 {
                    v[b * nbins + l] += w;
                }
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
        source: 0,
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
        let lags = [
            LagShape::bin(0, 0),
            LagShape::bin(1, 2),
            LagShape::bin(3, 5),
        ];
        let d = Design::new(
            &timelines,
            &roles,
            &lags,
            Period {
                step: DAY,
                start: None,
                end: None,
                weekday: false,
                calendar: None,
                time_of_day: false,
            },
        );
        let u = &d.units[0];
        // Steps 0..=9; the touch at 5 ms into day 2 reaches the rest of day 2 (bin 0),
        // days 3-4 (bin 1) and 5-7 (bin 2).
        assert_eq!(u.steps, vec![10.0]);
        let rest = (DAY - 5) as f64 / DAY as f64;
        assert_eq!(u.sum, vec![rest, 2.0, 3.0]);
        // The conversion on day 4 has the touch at lag 2: bin 1.
        assert_eq!(u.conversions[0].v, vec![0.0, 1.0, 0.0]);
    }

    /// A touch later on the conversion's day is not its exposure; one earlier is. A
    /// pre-exposure bin counts the steps before a touch.
    #[test]
    fn same_step_touches_count_only_before_the_conversion_and_pre_bins_look_ahead() {
        let mut channels = Dictionary::new();
        let a = channels.intern("a");
        let timelines = Timelines {
            channels,
            units: vec![Timeline {
                unit: "u".into(),
                first: 0,
                touches: vec![(4 * DAY + 100, a), (4 * DAY + 50_000, a), (7 * DAY, a)],
                conversions: vec![(4 * DAY + 9_000, 10.0)],
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
        let lags = [
            LagShape::bin(-3, -1),
            LagShape::bin(0, 0),
            LagShape::bin(1, 2),
        ];
        let period = Period {
            step: DAY,
            start: None,
            end: None,
            weekday: false,
            calendar: None,
            time_of_day: false,
        };
        let d = Design::new(&timelines, &roles, &lags, period);
        let u = &d.units[0];
        // Day 4: one touch before the conversion at lag 0; the touch on day 7 is 3 days
        // ahead (pre-exposure bin); the later touch on day 4 counts for nothing.
        assert_eq!(u.conversions[0].v, vec![1.0, 1.0, 0.0]);
        // Pre bin: days 1-3 (before the day-4 touches, twice) and 4-6 (before day 7).
        // Lag 0: the rest of day 4 after each touch, and all of day 7.
        let rest = |ms: i64| (DAY - ms) as f64 / DAY as f64;
        assert_eq!(u.sum[0], 3.0 + 3.0 + 3.0);
        assert!((u.sum[1] - (rest(100) + rest(50_000) + 1.0)).abs() < 1e-12);
        assert_eq!(u.sum[2], 2.0 + 2.0 + 2.0);
    }
}
