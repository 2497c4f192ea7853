//! Exposure that never lets up: credit read from more-or-less, not from with-or-without.
//!
//! The self-controlled comparison is of a person's time within a channel's effect with
//! their time outside it. Someone who is within the reach of a channel's exposures over
//! nearly the whole study has no time outside it: their hazard is compared only under
//! more or less of the channel, and how their conversions split between their own
//! baseline and the channel rests on the model's form (an effect in proportion to the
//! exposures, of the fitted lag profile), not on a comparison. In the case-series
//! literature, people exposed throughout their observation period carry no information
//! on a binary exposure's effect (Whitaker, Farrington, Spiessens & Musonda 2006,
//! *Statistics in Medicine* 25:1768; Petersen, Douglas & Whitaker 2016, *BMJ*
//! 354:i4515); with a dose, they carry it only through the dose's assumed form.
//!
//! Per exposure channel:
//!
//! * its **reach**: the lag by which [`REACH_SHARE`] of its credit has accrued over the
//!   post-exposure bins (the end of that bin);
//! * for each converting unit, the share of its study steps **free** of the channel: not
//!   within the reach of any of its exposures (exposures before the study count);
//! * the share of the channel's credit from conversions of units with less than
//!   [`STEADY_FREE`] of their steps free: credit that rests on the model's form.
//!
//! A WARNING names a channel with a material credit when the steady share reaches
//! [`STEADY_SHARE`]. With it, the model is fitted again to the other units alone (at the
//! same smoothing) and the channel's credit over every conversion read from that fit:
//! what the people with time free of it say. Where the two differ by [`DISAGREEMENT`] or
//! more the groups disagree; where they agree, that is no check of the form, since the
//! steady units carry little information on the channel and their credit is the others'
//! relative effect carried over to them (measured in the tests: a channel whose effect
//! is a tenth as large relative to its regulars' baseline as to everybody else's is
//! credited about the same either way, several times its true credit). Where this happens is where exposure is steady by design: a
//! channel always on and aimed at the people who convert most (brand search, e-mail to
//! loyal customers, retargeting of regulars).

use serde::Serialize;

use crate::journeys::Timelines;
use crate::models::RiskDirection;
use crate::models::self_controlled::FittedSelfControlled;

/// The share of a channel's credit by which its reach is read: the median lag of its
/// credit (a longer share reads the long, thin tail of a fitted profile as reach).
pub const REACH_SHARE: f64 = 0.5;

/// A unit with less than this share of its study steps free of a channel is steadily
/// exposed to it.
pub const STEADY_FREE: f64 = 0.1;

/// The share of a channel's credit from steadily exposed units from which it is warned
/// about.
pub const STEADY_SHARE: f64 = 0.25;

/// The relative difference between a channel's credit and its credit fitted to the
/// units with time free of it from which the two are said to disagree.
pub const DISAGREEMENT: f64 = 0.25;

/// Channels with less credit than this share of the conversions are not warned about.
const MIN_CREDIT_SHARE: f64 = 0.01;

/// One channel's steadily exposed units and the credit they carry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SteadyExposure {
    /// The channel.
    pub channel: String,
    /// The lag by which [`REACH_SHARE`] of its credit has accrued, in days.
    pub reach_days: f64,
    /// Converting units with an exposure to it.
    pub exposed_units: usize,
    /// Of them, units with less than [`STEADY_FREE`] of their study steps free of it.
    pub steady_units: usize,
    /// The share of its credit from conversions of those units.
    pub steady_credit_share: f64,
    /// Its credit (over every conversion) when the model is fitted to the other units
    /// alone, those with time free of it (when the steady share reaches [`STEADY_SHARE`]).
    pub credit_from_others: Option<f64>,
}

/// The reach of each exposure channel, in steps: the end of the post-exposure bin by
/// which [`REACH_SHARE`] of its credit has accrued (`None` without credit).
fn reaches(fitted: &FittedSelfControlled) -> Vec<Option<i64>> {
    let post: Vec<(i32, i32)> = fitted.lags.iter().copied().filter(|l| l.0 >= 0).collect();
    fitted
        .credit_by_lag()
        .into_iter()
        .map(|c| {
            let total: f64 = c.bins.iter().map(|b| b.1).sum();
            if total <= 0.0 {
                return None;
            }
            let mut sum = 0.0;
            for (bin, lag) in c.bins.iter().zip(&post) {
                sum += bin.1;
                if sum >= REACH_SHARE * total {
                    return Some(i64::from(lag.1));
                }
            }
            post.last().map(|l| i64::from(l.1))
        })
        .collect()
}

/// Per exposure channel, the steps of a unit's study `first..=last` within the reach of
/// its exposures (a union of `[s, s + reach]` over its exposure steps `s`), and whether
/// it was exposed at all.
fn covered_steps(
    touches: &[(i64, usize)],
    reach: &[Option<i64>],
    first: i64,
    last: i64,
) -> (Vec<i64>, Vec<bool>) {
    let n = reach.len();
    let mut covered = vec![0i64; n];
    let mut seen = vec![false; n];
    let mut until = vec![i64::MIN; n];
    // Touches come in time order, so each channel's covered stretch only grows.
    for &(s, b) in touches {
        seen[b] = true;
        let Some(r) = reach[b] else { continue };
        let lo = s.max(first).max(until[b].saturating_add(1));
        let hi = (s + r).min(last);
        if hi >= lo {
            covered[b] += hi - lo + 1;
        }
        until[b] = until[b].max(s + r);
    }
    (covered, seen)
}

impl FittedSelfControlled {
    /// Per exposure channel, its steadily exposed units and their share of its credit.
    pub(crate) fn steady_exposure(&self, timelines: &Timelines) -> Vec<SteadyExposure> {
        let n = self.roles.exposures.len();
        let reach = reaches(self);
        let (first, last) = (self.design.calendar.first, self.design.calendar.last);
        let steps = (last - first + 1).max(1) as f64;
        let end = (last + 1).saturating_mul(self.params.step);
        let mut exposed = vec![0usize; n];
        let mut steady = vec![vec![0.0; self.design.units.len()]; n];
        for (u, unit) in self.design.units.iter().enumerate() {
            let touches: Vec<(i64, usize)> = timelines.units[unit.source]
                .touches
                .iter()
                .filter(|(time, _)| *time < end)
                .filter_map(|&(time, c)| {
                    self.roles
                        .block(c)
                        .filter(|&b| b < n)
                        .map(|b| (time.div_euclid(self.params.step), b))
                })
                .collect();
            let (covered, seen) = covered_steps(&touches, &reach, first, last);
            for b in 0..n {
                if seen[b] {
                    exposed[b] += 1;
                    if 1.0 - covered[b] as f64 / steps < STEADY_FREE {
                        steady[b][u] = 1.0;
                    }
                }
            }
        }
        let (conv, ..) = self.shares();
        let theta = &self.solution.theta;
        (0..n)
            .map(|b| {
                let mut credit = vec![0.0; n + 1];
                self.add_shares(theta, &steady[b], &mut credit);
                let step_days = self.params.step as f64 / crate::time::DAY as f64;
                let steady_credit_share = if conv[b] > 0.0 {
                    credit[b] / conv[b]
                } else {
                    0.0
                };
                // Refitted only where the warning will show it.
                let credit_from_others = (steady_credit_share >= STEADY_SHARE)
                    .then(|| self.credit_without(&steady[b], b));
                SteadyExposure {
                    credit_from_others,
                    channel: self.roles.exposures[b].1.clone(),
                    reach_days: reach[b].map_or(0.0, |r| (r + 1) as f64 * step_days),
                    exposed_units: exposed[b],
                    steady_units: steady[b].iter().filter(|w| **w > 0.0).count(),
                    steady_credit_share,
                }
            })
            .collect()
    }

    /// Channel `b`'s credit over every conversion at the coefficients fitted to the
    /// units not marked in `left_out`.
    fn credit_without(&self, left_out: &[f64], b: usize) -> f64 {
        use crate::models::self_controlled::fit::{Data, Problem, solve};
        let solution = solve(
            &Problem {
                data: Data::subset(&self.design, |u| left_out[u] == 0.0),
                bins: self.bins(),
                pulls: &self.pulls,
                penalty: self.penalty.clone(),
                fixed_zero: &self.fixed,
                start: None,
                shape: &self.shape,
            },
            self.params.max_iterations,
            self.params.tolerance,
        );
        self.shares_at(&solution.theta).0[b]
    }

    /// A WARNING per channel with a material credit of which at least [`STEADY_SHARE`]
    /// comes from steadily exposed units: `(channel, warning, direction)`, the direction
    /// in which its credit may be wrong where the people with time free of it credit it
    /// differently by [`DISAGREEMENT`] or more (too low where they credit it more).
    pub(crate) fn steady_warnings(&self) -> Vec<(String, String, Option<RiskDirection>)> {
        let conversions = self.design.conversions() as f64;
        let (conv, ..) = self.shares();
        self.steady
            .iter()
            .zip(&conv)
            .filter(|(s, c)| {
                **c >= MIN_CREDIT_SHARE * conversions && s.steady_credit_share >= STEADY_SHARE
            })
            .map(|(s, &c)| {
                let direction = s
                    .credit_from_others
                    .filter(|o| (o - c).abs() >= DISAGREEMENT * c)
                    .map(|o| {
                        if o > c {
                            RiskDirection::Low
                        } else {
                            RiskDirection::High
                        }
                    });
                (s.channel.clone(), warning(s, c), direction)
            })
            .collect()
    }
}

/// The steady-exposure warning of channel `s`, credited `credit`.
fn warning(s: &SteadyExposure, credit: f64) -> String {
    let others = match s.credit_from_others {
        Some(o) if (o - credit).abs() >= DISAGREEMENT * credit => format!(
            "fitted to the other people alone, it would be credited {o:.0} conversions, not \
             {credit:.0}: the two groups disagree"
        ),
        Some(o) => format!(
            "the other people, with time free of it, credit it about the same ({o:.0} \
             conversions, not {credit:.0}), but for the steady ones that is the others' \
             effect carried over by the model's form, which these data cannot check"
        ),
        None => String::new(),
    };
    format!(
        "WARNING: {:.0}% of `{}`'s credit comes from {} people within its reach ({:.0} days \
         after an exposure) nearly all the time (under {:.0}% of the study free of it), for \
         whom the model can compare only more of it with less, never with none, so that \
         credit rests on its form (an effect in proportion to exposures, the same relative \
         to everybody's baseline), not on a comparison; {others}; a holdout or lift test of \
         `{}` can settle it",
        100.0 * s.steady_credit_share,
        s.channel,
        s.steady_units,
        s.reach_days,
        100.0 * STEADY_FREE,
        s.channel,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-counted: a reach of 2 steps over a study of steps 0–9.
    #[test]
    fn covered_steps_are_the_union_of_each_exposures_reach() {
        // Channel 0 at steps 1 and 2 (overlapping: 1–4), and 8 (8–9, cut at the end);
        // channel 1 at step −5 (before the study: −5…−3, nothing inside) and 4 (4–6);
        // channel 2 exposed but without credit (no reach).
        let touches = [(-5, 1), (1, 0), (2, 0), (4, 1), (5, 2), (8, 0)];
        let reach = [Some(2), Some(2), None];
        let (covered, seen) = covered_steps(&touches, &reach, 0, 9);
        assert_eq!(covered, vec![4 + 2, 3, 0]);
        assert_eq!(seen, vec![true, true, true]);
        // An exposure before the study whose reach runs into it covers its first steps.
        let (covered, _) = covered_steps(&[(-1, 0)], &[Some(3)], 0, 9);
        assert_eq!(covered, vec![3]);
        let (covered, seen) = covered_steps(&[], &[Some(3)], 0, 9);
        assert_eq!((covered, seen), (vec![0], vec![false]));
    }
}
