//! The self-controlled conversion model: each unit is its own control.
//!
//! **Model.** The hazard of converting of unit `i` (a person, or an account) at step `t`
//! (default one day) is
//!
//! `λ_it = α_i · b_t · (1 + Σ_c Σ_l β_cl · x_itcl + Σ_k Σ_l γ_kl · z_itkl)`,
//!
//! where `b_t` is an optional day-of-week baseline (1 without it), `x_itcl` counts the
//! unit's touches of channel `c` whose lag lies in lag bin `l` (default bins 0, 1–2, 3–5,
//! 6–9, 10–14, 15–20 and 21–29 days), `z` likewise counts touches of control channels
//! (visits a person makes themselves, which behaviour-triggered channels follow), and
//! `α_i` is the unit's own, unknown propensity.
//! Conditioning on each unit's number of conversions removes `α_i` — and with it every
//! confounder that does not change over the unit's timeline, such as targeting on
//! intent — and leaves a multinomial over the unit's steps: the self-controlled case
//! series (Farrington 1995, *Biometrics* 51:228; Whitaker, Farrington, Spiessens &
//! Musonda 2006, *Statistics in Medicine* 25:1768). Effects are additive and
//! non-negative (`β, γ ≥ 0`), as in additive-hazard attribution (Zhang, Wei & Ren 2014,
//! "A survival-theoretic approach to multi-touch attribution", ICDM). Only units with a
//! conversion carry information; their whole logs are needed (before and after each
//! conversion), not a lookback window.
//!
//! **Credit.** A conversion at step `t` gives channel `c` the share
//! `Σ_l β_cl x_itcl / (1 + Σ β x + Σ γ z)` of itself (and of its value): summed over
//! conversions, a channel's expected incremental conversions. The rest goes to a
//! `(baseline)` row, so credit sums to the observed totals.
//!
//! **Lift tests** (`lift_tests`) enter as penalties pulling a tested channel's credit
//! towards the experiment's incremental conversions with weight `1/se²`.
//!
//! **Where it breaks.** Exposure that reacts to behaviour (retargeting after a visit)
//! moves with the outcome; the details flag channels whose exposure rate after
//! conversions differs from their rate elsewhere, and `hazard_controls` (visits as
//! time-varying controls) is the remedy. Logs cut at the conversion (people identified
//! only when they convert, identities not stitched) hide the exposure before it; the
//! details flag them ([`coverage`]) and the checks of exposure against behaviour are
//! then not acted on. A multiplicative true hazard is fitted
//! additively. People who never convert are not used.

pub mod calendar;
mod carryover;
pub mod coverage;
mod design;
pub mod diagnostics;
mod estimate;
mod fit;
pub mod intent;
mod intervals;
pub mod lags;
mod lift;
mod params;
mod report;
mod shape;
pub mod steady;
mod within_step;

use crate::channel::Dictionary;
use crate::credit::Credit;

pub use carryover::{CreditByLag, share_beyond_horizon};
pub use coverage::LogCoverage;
pub use design::{Design, LagShape, Period, Roles};
pub use diagnostics::ExposureShift;
use fit::{Penalty, Pull, Solution};
pub use intent::PreExposure;
pub use lags::SmoothingScore;
pub use lift::{LiftTest, read_lift_tests, read_lift_tests_records, resolve_lift_tests};
pub use params::{
    AUTO_CONTROLS, CALENDAR_TEST_LEVEL, CLASSIC_LAGS, CalendarChoice, DEFAULT_CALENDAR_DAYS,
    DEFAULT_IGNORED, IntentAdjustment, LagChoice, MAX_CALENDAR_PERIODS, NO_CONTROLS, PreChoice,
    SelfControlledParams, Smoothing, TimeOfDay, calendar_period_days, parse_calendar_choice,
    parse_lag_bins, parse_lag_choice, parse_pre_choice, parse_smoothing,
};
pub use report::{ChannelTest, HazardCoefficient, LiftTestFit, SelfControlledDetails};
pub use steady::SteadyExposure;

/// The name of the row that holds what no channel explains.
pub const BASELINE: &str = "(baseline)";

/// A fitted self-controlled model.
#[derive(Clone, Debug)]
pub struct FittedSelfControlled {
    params: SelfControlledParams,
    /// The lag bins fitted: pre-exposure bins (negative) first.
    lags: Vec<(i32, i32)>,
    /// The smoothness penalty's strength.
    lambda: f64,
    /// Held-out scores of the strengths tried (empty when not chosen by the data).
    smoothing_scores: Vec<SmoothingScore>,
    /// The penalty fitted with (for refits: tests, intervals).
    penalty: Penalty,
    /// Per exposure channel, whether its credit is adjusted for intent.
    adjusted: Vec<bool>,
    /// Per exposure channel, its pre-exposure hazard (from the fit with pre-exposure
    /// bins; empty without them).
    pre_exposure: Vec<PreExposure>,
    /// The monotone lag profile's map.
    shape: shape::Monotone,
    /// 95% intervals per exposure channel and the baseline (last), when computed.
    intervals: Option<Vec<(f64, f64)>>,
    roles: Roles,
    design: Design,
    solution: Solution,
    fixed: Vec<bool>,
    pulls: Vec<Pull>,
    shifts: Vec<ExposureShift>,
    /// Whether the converting units' logs cover the time before their conversions.
    coverage: LogCoverage,
    channels: Dictionary,
    units_without_conversion: u64,
    /// The test of a calendar baseline ([`CalendarChoice::Auto`]), when it ran.
    calendar_test: Option<calendar::CalendarTest>,
    /// Per exposure channel, its steadily exposed units (empty until measured).
    steady: Vec<SteadyExposure>,
    /// The channels whose credit this fit's warnings put at risk, and which way.
    risks: Vec<crate::models::CreditRisk>,
    notes: Vec<String>,
}

impl FittedSelfControlled {
    /// The coefficients (blocks × lag bins).
    pub fn coefficients(&self) -> &[f64] {
        &self.solution.theta
    }

    fn bins(&self) -> usize {
        self.lags.len()
    }

    /// The coefficients credited: post-exposure bins only (the hazard of pre-exposure
    /// bins is the intent exposure follows, not an effect), and for the channels of
    /// `adjust` each less the pre-exposure level at its mirrored lag (see
    /// [`IntentAdjustment`]).
    pub(crate) fn credited_coefficients(&self, theta: &[f64], adjust: &[bool]) -> Vec<f64> {
        let bins = self.bins();
        let mirror: Vec<Option<usize>> = self
            .lags
            .iter()
            .map(|&(lo, _)| {
                if lo < 0 {
                    return None;
                }
                let back = -lo.max(1);
                self.lags
                    .iter()
                    .position(|&(plo, phi)| phi < 0 && plo <= back && back <= phi)
            })
            .collect();
        theta
            .iter()
            .enumerate()
            .map(|(k, &t)| {
                let (b, l) = (k / bins, k % bins);
                if self.lags[l].1 < 0 {
                    return 0.0;
                }
                match (adjust.get(b).copied().unwrap_or(false), mirror[l]) {
                    (true, Some(m)) => (t - theta[k - l + m]).max(0.0),
                    _ => t,
                }
            })
            .collect()
    }

    /// Per exposure channel and the baseline: attributed conversions and value.
    fn shares(&self) -> (Vec<f64>, Vec<f64>, f64, f64) {
        self.shares_at(&self.solution.theta)
    }

    /// [`Self::shares`] at coefficients `theta`.
    pub(crate) fn shares_at(&self, theta: &[f64]) -> (Vec<f64>, Vec<f64>, f64, f64) {
        self.shares_with(theta, &self.adjusted)
    }

    /// [`Self::shares`] at coefficients `theta`, the channels of `adjust` adjusted for
    /// intent.
    pub(crate) fn shares_with(
        &self,
        theta: &[f64],
        adjust: &[bool],
    ) -> (Vec<f64>, Vec<f64>, f64, f64) {
        let bins = self.bins();
        let credited = self.credited_coefficients(theta, adjust);
        let n = self.roles.exposures.len();
        let (mut conv, mut value) = (vec![0.0; n], vec![0.0; n]);
        let (mut base_c, mut base_v) = (0.0, 0.0);
        for u in &self.design.units {
            for row in &u.conversions {
                let w = 1.0 + theta.iter().zip(&row.v).map(|(a, b)| a * b).sum::<f64>();
                let mut explained = 0.0;
                for b in 0..n {
                    let r = b * bins..(b + 1) * bins;
                    let part: f64 = credited[r.clone()]
                        .iter()
                        .zip(&row.v[r])
                        .map(|(a, x)| a * x)
                        .sum();
                    let share = part / w;
                    explained += share;
                    conv[b] += share;
                    value[b] += share * row.value;
                }
                base_c += 1.0 - explained;
                base_v += (1.0 - explained) * row.value;
            }
        }
        (conv, value, base_c, base_v)
    }

    /// Adds to `credit` (exposure channels, then the baseline) the shares of every
    /// conversion at `theta`, each unit's weighted by `weights`.
    pub(crate) fn add_shares(&self, theta: &[f64], weights: &[f64], credit: &mut [f64]) {
        let bins = self.bins();
        let credited = self.credited_coefficients(theta, &self.adjusted);
        let n = self.roles.exposures.len();
        for (u, &weight) in self.design.units.iter().zip(weights) {
            if weight == 0.0 {
                continue;
            }
            for row in &u.conversions {
                let w = 1.0 + theta.iter().zip(&row.v).map(|(a, b)| a * b).sum::<f64>();
                let mut explained = 0.0;
                for (b, c) in credit.iter_mut().enumerate().take(n) {
                    let r = b * bins..(b + 1) * bins;
                    let part: f64 = credited[r.clone()]
                        .iter()
                        .zip(&row.v[r])
                        .map(|(a, x)| a * x)
                        .sum();
                    explained += part / w;
                    *c += weight * part / w;
                }
                credit[n] += weight * (1.0 - explained);
            }
        }
    }

    /// Credit per channel, with the unexplained part in a `(baseline)` row.
    pub fn credit(&self) -> Credit {
        let (conv, value, base_c, base_v) = self.shares();
        let mut names = Dictionary::new();
        let mut c_all = Vec::new();
        let mut v_all = Vec::new();
        // Every channel of the data appears (controls and ignored ones with 0).
        let mut bounds = Vec::new();
        let n = self.roles.exposures.len();
        for name in self.channels.names() {
            names.intern(name);
            let k = self.roles.exposures.iter().position(|(_, n)| n == name);
            c_all.push(k.map_or(0.0, |k| conv[k]));
            v_all.push(k.map_or(0.0, |k| value[k]));
            bounds.push(match (&self.intervals, k) {
                (Some(iv), Some(k)) => Some(iv[k]),
                (Some(_), None) => Some((0.0, 0.0)),
                (None, _) => None,
            });
        }
        names.intern(BASELINE);
        c_all.push(base_c);
        v_all.push(base_v);
        bounds.push(self.intervals.as_ref().map(|iv| iv[n]));
        let total_c = c_all.iter().sum();
        let total_v = v_all.iter().sum();
        let mut credit =
            Credit::from_ids("self_controlled", &names, &c_all, &v_all, total_c, total_v);
        // Rows are sorted by name: match the bounds by name.
        let order: Vec<&str> = names.names().collect();
        for row in &mut credit.channels {
            if let Some(i) = order.iter().position(|n| *n == row.channel)
                && let Some((lo, hi)) = bounds[i]
            {
                row.conversions_lo = Some(lo);
                row.conversions_hi = Some(hi);
            }
        }
        credit.notes = self.notes.clone();
        credit
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod test_worlds;

#[cfg(test)]
mod tests_trust;

#[cfg(test)]
mod tests_steady;

#[cfg(test)]
mod tests_calendar;

#[cfg(test)]
mod tests_time_of_day;
