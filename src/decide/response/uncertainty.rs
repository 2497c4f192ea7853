//! How sure a plan is: the plan re-solved under every draw of the curves.
//!
//! Given for every channel a point curve and `D` draws (from [`bootstrap_fit`] or any
//! posterior the caller holds; draw `d` of every channel together make one scenario),
//! the plan is solved under the point curves and again under each scenario, from
//! today's allocation as the start (so no scenario's plan is worse than today under its
//! own curves). Reported:
//!
//! * per channel, the share of scenarios whose plan spends more than today
//!   (`prob_rise`), and the 10th and 90th percentiles of the scenarios' recommended
//!   spend (an 80% interval; percentiles by linear interpolation between order
//!   statistics, Hyndman & Fan 1996 definition 7);
//! * overall, the share of scenarios under whose curves the recommended plan (the
//!   point plan) earns more than today's allocation (`prob_beats_today`);
//! * a flag on every recommendation outside the channel's fitted spend range (a curve
//!   says little about spend it never saw); with [`UncertaintyParams::stay_in_range`]
//!   each channel's bounds are first narrowed to that range.
//!
//! [`bootstrap_fit`]: super::bootstrap::bootstrap_fit

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::param::Param;

use super::bootstrap::CurveDraws;
use super::curve::Curve;
use super::optimize::{OptimizeParams, feasible, objective, solve_raw};
use super::plan::{Allocation, Channel, Target};

/// Lower and upper percentile of the spend interval.
pub const INTERVAL: (f64, f64) = (0.1, 0.9);

/// One channel's curve, its draws, today's spend, bounds and fitted spend range.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelDraws {
    /// The channel.
    pub name: String,
    /// The point curve (value per period against spend per period).
    pub curve: Curve,
    /// Draws of the curve (the same number for every channel).
    pub draws: Vec<Curve>,
    /// Spend today.
    pub today: f64,
    /// Lowest spend allowed.
    pub lo: f64,
    /// Highest spend allowed (may be `+∞`).
    pub hi: f64,
    /// Smallest per-period spend the curve was fitted on.
    pub spend_min: f64,
    /// Largest per-period spend the curve was fitted on.
    pub spend_max: f64,
}

impl ChannelDraws {
    /// A channel from a bootstrap of its response curve, every curve scaled by the
    /// value of one unit of response (e.g. conversions per exposure times value per
    /// conversion; see [`Curve::scaled`]).
    pub fn from_bootstrap(
        name: impl Into<String>,
        boot: &CurveDraws,
        value_per_unit: f64,
        today: f64,
        lo: f64,
        hi: f64,
    ) -> ChannelDraws {
        ChannelDraws {
            name: name.into(),
            curve: boot.fitted.curve.scaled(value_per_unit),
            draws: boot
                .draws
                .iter()
                .map(|c| c.scaled(value_per_unit))
                .collect(),
            today,
            lo,
            hi,
            spend_min: boot.fitted.spend_min,
            spend_max: boot.fitted.spend_max,
        }
    }
}

/// One channel of a plan with its uncertainty.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelUncertainty {
    /// The channel.
    pub channel: String,
    /// Spend today.
    pub today: f64,
    /// Recommended spend (the point plan).
    pub recommended: f64,
    /// The lower bound used (narrowed to the fitted range under `stay_in_range`).
    pub lo: f64,
    /// The upper bound used.
    pub hi: f64,
    /// Share of draws whose plan spends more than today.
    pub prob_rise: f64,
    /// 10th percentile of the draws' recommended spend.
    pub spend_p10: f64,
    /// 90th percentile of the draws' recommended spend.
    pub spend_p90: f64,
    /// Smallest spend the curve was fitted on.
    pub spend_min: f64,
    /// Largest spend the curve was fitted on.
    pub spend_max: f64,
    /// True when the recommendation lies outside `[spend_min, spend_max]`.
    pub outside_range: bool,
}

/// A plan and its uncertainty.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UncertainPlan {
    /// The plan under the point curves.
    pub plan: Allocation,
    /// Today's value under the point curves.
    pub today_value: f64,
    /// Draws (scenarios) the plan was re-solved under.
    pub draws: usize,
    /// Share of draws under whose curves the plan earns more than today's allocation.
    pub prob_beats_today: f64,
    /// True when every channel's bounds were narrowed to its fitted spend range.
    pub stay_in_range: bool,
    /// Channels, in the order given.
    pub channels: Vec<ChannelUncertainty>,
    /// Facts a reader needs (recommendations outside the fitted range, a start that
    /// breaks the constraints).
    pub notes: Vec<String>,
}

/// Settings of a plan with uncertainty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UncertaintyParams {
    /// The optimiser's settings.
    pub optimize: OptimizeParams,
    /// Narrow each channel's bounds to its fitted spend range (default off).
    pub stay_in_range: bool,
}

/// The `p`-quantile of sorted `v` (Hyndman & Fan definition 7).
fn quantile(v: &[f64], p: f64) -> f64 {
    let h = (v.len() - 1) as f64 * p;
    let (i, f) = (h.floor() as usize, h - h.floor());
    if i + 1 < v.len() {
        v[i] + f * (v[i + 1] - v[i])
    } else {
        v[i]
    }
}

/// True when `x` exceeds `today` by more than the feasibility tolerance.
fn rises(x: f64, today: f64) -> bool {
    x > today + super::optimize::FEASIBLE_REL_TOL * today.abs().max(1.0)
}

impl UncertaintyParams {
    /// The optimiser's settings.
    pub fn optimize(mut self, optimize: OptimizeParams) -> Self {
        self.optimize = optimize;
        self
    }

    /// Narrow each channel's bounds to its fitted spend range.
    pub fn stay_in_range(mut self, on: bool) -> Self {
        self.stay_in_range = on;
        self
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        self.optimize.validate()
    }

    /// The bounds of a channel: its own, narrowed to the fitted range under
    /// `stay_in_range` (to the range's nearest point when they do not meet).
    fn bounds(&self, c: &ChannelDraws) -> (f64, f64) {
        if !self.stay_in_range {
            return (c.lo, c.hi);
        }
        let lo = c.lo.max(c.spend_min.min(c.hi));
        (lo, lo.max(c.hi.min(c.spend_max)))
    }

    /// The plan under the point curves, re-solved under every draw.
    pub fn solve(&self, channels: &[ChannelDraws], target: Target) -> Result<UncertainPlan> {
        self.validate()?;
        let draws = channels.first().map_or(0, |c| c.draws.len());
        for c in channels {
            if c.draws.len() != draws || draws == 0 {
                return Err(Error::param(
                    Param::Bootstrap,
                    format!(
                        "channel `{}` has {} curve draws; expected the same number (≥ 1) \
                         for every channel ({draws} for the first)",
                        c.name,
                        c.draws.len()
                    ),
                ));
            }
            if let Some(bad) = c.draws.iter().find(|d| !d.is_valid()) {
                return Err(Error::param(
                    Param::Response,
                    format!(
                        "channel `{}`: curve draw {bad:?} is not a valid curve",
                        c.name
                    ),
                ));
            }
            if !(c.today.is_finite() && c.today >= 0.0) {
                return Err(Error::param(
                    Param::Spend,
                    format!(
                        "channel `{}`: today's spend {}: expected an amount ≥ 0",
                        c.name, c.today
                    ),
                ));
            }
        }
        let bounds: Vec<(f64, f64)> = channels.iter().map(|c| self.bounds(c)).collect();
        let point: Vec<Channel> = channels
            .iter()
            .zip(&bounds)
            .map(|(c, &(lo, hi))| Channel::new(c.name.clone(), c.curve, lo, hi))
            .collect();
        let today: Vec<f64> = channels.iter().map(|c| c.today).collect();
        if let (true, Target::Total(b)) = (self.stay_in_range, target) {
            let caps: f64 = bounds.iter().map(|b| b.1).sum();
            let floors: f64 = bounds.iter().map(|b| b.0).sum();
            if caps < b || floors > b {
                return Err(Error::param(
                    Param::Cap,
                    format!(
                        "keeping every channel within its fitted spend range allows a total \
                         between {floors} and {caps}, which excludes the total {b}; widen \
                         the bounds or let the plan leave the range"
                    ),
                ));
            }
        }
        let plan = self.optimize.solve(&point, target, Some(&today))?;
        let lo: Vec<f64> = bounds.iter().map(|b| b.0).collect();
        let hi: Vec<f64> = bounds.iter().map(|b| b.1).collect();
        let today_ok = feasible(&today, &lo, &hi, target);
        let recommended = plan.spend();
        let steps = self.optimize.grid_steps;
        let hint = plan.lambda;
        // Per draw: its plan, and whether the point plan beats today under its curves.
        let per_draw: Vec<(Vec<f64>, bool)> = (0..draws)
            .into_par_iter()
            .map(|d| {
                let curves: Vec<Curve> = channels.iter().map(|c| c.draws[d]).collect();
                let sol = solve_raw(&curves, &lo, &hi, target, steps, hint);
                let today_obj = objective(&curves, &today, target);
                let x = if today_ok && today_obj >= objective(&curves, &sol.x, target) {
                    today.clone()
                } else {
                    sol.x
                };
                let beats = objective(&curves, &recommended, target) > today_obj;
                (x, beats)
            })
            .collect();
        let prob_beats_today = per_draw.iter().filter(|(_, b)| *b).count() as f64 / draws as f64;
        let mut notes = Vec::new();
        if !today_ok {
            notes.push(
                "today's allocation breaks the plan's constraints (bounds or total), so the \
                 comparison with today compares plans of different totals or bounds"
                    .to_string(),
            );
        }
        let rows: Vec<ChannelUncertainty> = channels
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut spend: Vec<f64> = per_draw.iter().map(|(x, _)| x[i]).collect();
                let up = spend.iter().filter(|&&x| rises(x, c.today)).count();
                spend.sort_by(f64::total_cmp);
                let rec = recommended[i];
                let tol = 1e-9 * c.spend_max.abs().max(1.0);
                let outside = rec < c.spend_min - tol || rec > c.spend_max + tol;
                if outside {
                    notes.push(format!(
                        "`{}`: the recommended spend {rec:.2} lies outside the spend the curve \
                         was fitted on ({:.2} to {:.2}); the curve there is an extrapolation",
                        c.name, c.spend_min, c.spend_max
                    ));
                }
                ChannelUncertainty {
                    channel: c.name.clone(),
                    today: c.today,
                    recommended: rec,
                    lo: bounds[i].0,
                    hi: bounds[i].1,
                    prob_rise: up as f64 / draws as f64,
                    spend_p10: quantile(&spend, INTERVAL.0),
                    spend_p90: quantile(&spend, INTERVAL.1),
                    spend_min: c.spend_min,
                    spend_max: c.spend_max,
                    outside_range: outside,
                }
            })
            .collect();
        Ok(UncertainPlan {
            today_value: point
                .iter()
                .zip(&today)
                .map(|(c, &x)| c.curve.value(x))
                .sum(),
            plan,
            draws,
            prob_beats_today,
            stay_in_range: self.stay_in_range,
            channels: rows,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0];
        assert_eq!(quantile(&v, 0.1), 2.0);
        assert_eq!(quantile(&v, 0.9), 10.0);
        assert_eq!(quantile(&[3.0, 5.0], 0.5), 4.0);
        assert_eq!(quantile(&[3.0], 0.9), 3.0);
    }
}
