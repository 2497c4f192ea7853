//! What the self-controlled model reports beyond credit.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use crate::models::self_controlled::fit::{Data, Problem, inverse, solve};
use crate::models::self_controlled::{ExposureShift, FittedSelfControlled};
use crate::time::DAY;

/// One coefficient with its uncertainty.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HazardCoefficient {
    /// The channel.
    pub channel: String,
    /// `exposure` or `control`.
    pub role: &'static str,
    /// The lag bin, in steps (`0`, `1-2`, …).
    pub lag: String,
    /// The estimate (≥ 0).
    pub estimate: f64,
    /// Its standard error from the observed information (`None` on the bound or when
    /// the information is singular).
    pub se: Option<f64>,
    /// 95% interval (normal), clipped at 0.
    pub lo: Option<f64>,
    /// Upper end.
    pub hi: Option<f64>,
}

/// A likelihood-ratio test that a channel has no effect at any lag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelTest {
    /// The channel.
    pub channel: String,
    /// `2 (ℓ̂ − ℓ̂₀)`.
    pub statistic: f64,
    /// Degrees of freedom (its lag bins).
    pub df: usize,
    /// χ² p-value (conservative on the boundary `β = 0`).
    pub p_value: f64,
}

/// What `self_controlled` reports beyond credit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SelfControlledDetails {
    /// Step length in days.
    pub step_days: f64,
    /// Lag bins, in steps (negative: before the exposure).
    pub lag_bins: Vec<String>,
    /// The smoothness penalty's strength over lag bins.
    pub smoothing: f64,
    /// The strengths tried and their held-out log-likelihood (when chosen by the data).
    pub smoothing_scores: Vec<crate::models::self_controlled::SmoothingScore>,
    /// Credited channels.
    pub exposures: Vec<String>,
    /// Time-varying controls.
    pub controls: Vec<String>,
    /// Every coefficient.
    pub coefficients: Vec<HazardCoefficient>,
    /// Per exposure channel, a test of no effect.
    pub channel_tests: Vec<ChannelTest>,
    /// Units that carry information (at least one conversion in the study period).
    pub informative_units: usize,
    /// Units seen without a conversion (not used).
    pub units_without_conversion: u64,
    /// Conversions used.
    pub conversions: usize,
    /// Conversions outside the study period (not used).
    pub conversions_outside: u64,
    /// Conditional log-likelihood.
    pub log_likelihood: f64,
    /// Newton iterations.
    pub iterations: usize,
    /// Whether the fit converged.
    pub converged: bool,
    /// The day-of-week baseline `b` (Monday = 1), when fitted (with a calendar baseline,
    /// each weekday's mean over the calendar periods).
    pub weekday_baseline: Option<Vec<f64>>,
    /// Each calendar period's baseline relative to the first, when fitted.
    pub calendar_baseline: Option<Vec<crate::models::self_controlled::calendar::CalendarLevel>>,
    /// The test of a calendar baseline (`hazard_calendar` `auto`), when it ran.
    pub calendar_test: Option<crate::models::self_controlled::calendar::CalendarTest>,
    /// Lift tests used, with the model's credit of the channel.
    pub lift_tests: Vec<LiftTestFit>,
    /// Per channel, exposure before and after conversions (the retargeting signature).
    pub exposure_shifts: Vec<ExposureShift>,
    /// Whether converting units' logs cover the time before their conversions.
    pub log_coverage: crate::models::self_controlled::LogCoverage,
    /// Per channel, the hazard before its exposures (exposure that follows intent).
    pub pre_exposure: Vec<crate::models::self_controlled::PreExposure>,
    /// Per channel, its credit in each post-exposure lag bin.
    pub credit_by_lag: Vec<crate::models::self_controlled::CreditByLag>,
    /// Per channel, the people within its reach nearly all the time and their share of
    /// its credit.
    pub steady_exposure: Vec<crate::models::self_controlled::SteadyExposure>,
    /// The channels whose credit the warnings put at risk, and which way (a budget plan
    /// does not move them that way: [`crate::decide::BudgetParams::at_risk`]).
    pub credit_risks: Vec<crate::models::CreditRisk>,
    /// Warnings and notes.
    pub notes: Vec<String>,
}

/// A lift test next to the model's credit of its channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiftTestFit {
    /// The channel.
    pub channel: String,
    /// The experiment's incremental conversions.
    pub experiment: f64,
    /// Its standard error.
    pub se: f64,
    /// The model's credit of the channel.
    pub model: f64,
}

impl FittedSelfControlled {
    /// The free parameters over `δ` (the monotone profile's steps off their bound, the
    /// calendar baseline but its reference) and their covariance: the inverse of the
    /// observed information of the penalised likelihood (`None` when singular).
    pub(crate) fn covariance(&self) -> (Vec<usize>, Option<Vec<f64>>) {
        let theta = &self.solution.delta;
        let p = theta.len();
        let q = self.solution.dim;
        let free: Vec<usize> = (0..q)
            .filter(|&k| {
                if k < p {
                    !self.fixed[k] && theta[k] > 0.0
                } else {
                    k > p
                }
            })
            .collect();
        let m = free.len();
        let info: Vec<f64> = free
            .iter()
            .flat_map(|&a| free.iter().map(move |&b| (a, b)))
            .map(|(a, b)| self.solution.information[a * q + b])
            .collect();
        (free, inverse(&info, m))
    }

    /// The variance of coefficient `k` (a sum of free `δ`s) from their covariance;
    /// `None` when none of its steps is free.
    pub(crate) fn theta_variance(&self, k: usize, free: &[usize], cov: &[f64]) -> Option<f64> {
        let m = free.len();
        let at: Vec<usize> = self
            .shape
            .tail(k)
            .iter()
            .filter_map(|j| free.iter().position(|f| f == j))
            .collect();
        if at.is_empty() {
            return None;
        }
        Some(
            at.iter()
                .flat_map(|&a| at.iter().map(move |&b| cov[a * m + b]))
                .sum(),
        )
    }

    /// Coefficients, tests, fit and diagnostics.
    pub fn details(&self) -> SelfControlledDetails {
        let bins = self.bins();
        let theta = &self.solution.theta;
        let p = theta.len();
        let (free, cov) = self.covariance();
        let z = Normal::new(0.0, 1.0)
            .expect("standard normal")
            .inverse_cdf(0.975);
        let lag_names: Vec<String> = self
            .lags
            .iter()
            .map(|&(lo, hi)| crate::models::self_controlled::lags::bin_name(lo, hi))
            .collect();
        let blocks: Vec<(&str, &'static str)> = self
            .roles
            .exposures
            .iter()
            .map(|(_, n)| (n.as_str(), "exposure"))
            .chain(
                self.roles
                    .controls
                    .iter()
                    .map(|(_, n)| (n.as_str(), "control")),
            )
            .collect();
        let mut coefficients = Vec::with_capacity(p);
        for (b, (name, role)) in blocks.iter().enumerate() {
            for (l, lag) in lag_names.iter().enumerate() {
                let k = b * bins + l;
                let se = cov
                    .as_ref()
                    .and_then(|c| self.theta_variance(k, &free, c))
                    .filter(|v| *v > 0.0)
                    .map(f64::sqrt);
                coefficients.push(HazardCoefficient {
                    channel: name.to_string(),
                    role,
                    lag: lag.clone(),
                    estimate: theta[k],
                    se,
                    lo: se.map(|s| (theta[k] - z * s).max(0.0)),
                    hi: se.map(|s| theta[k] + z * s),
                });
            }
        }
        let channel_tests = self
            .roles
            .exposures
            .iter()
            .enumerate()
            .map(|(b, (_, name))| self.test_channel(b, name))
            .collect();
        let (conv, ..) = self.shares();
        let lift_tests = self
            .pulls
            .iter()
            .map(|pull| LiftTestFit {
                channel: self.roles.exposures[pull.block].1.clone(),
                experiment: pull.incremental,
                se: pull.se,
                model: conv[pull.block],
            })
            .collect();
        SelfControlledDetails {
            step_days: self.params.step as f64 / DAY as f64,
            lag_bins: lag_names,
            smoothing: self.lambda,
            smoothing_scores: self.smoothing_scores.clone(),
            exposures: self
                .roles
                .exposures
                .iter()
                .map(|(_, n)| n.clone())
                .collect(),
            controls: self.roles.controls.iter().map(|(_, n)| n.clone()).collect(),
            coefficients,
            channel_tests,
            informative_units: self.design.units.len(),
            units_without_conversion: self.units_without_conversion,
            conversions: self.design.conversions(),
            conversions_outside: self.design.conversions_outside,
            log_likelihood: self.solution.log_likelihood,
            iterations: self.solution.iterations,
            converged: self.solution.converged,
            weekday_baseline: self.params.weekday.then(|| self.weekday_levels()),
            calendar_baseline: crate::models::self_controlled::calendar::levels(self),
            calendar_test: self.calendar_test.clone(),
            lift_tests,
            exposure_shifts: self.shifts.clone(),
            log_coverage: self.coverage.clone(),
            pre_exposure: self.pre_exposure.clone(),
            credit_by_lag: self.credit_by_lag(),
            steady_exposure: self.steady.clone(),
            credit_risks: self.risks.clone(),
            notes: self.notes.clone(),
        }
    }

    /// Each weekday's baseline (Monday = 1): its mean over the calendar periods.
    fn weekday_levels(&self) -> Vec<f64> {
        let periods = self.design.calendar.periods;
        let b = &self.solution.log_baseline;
        let mean =
            |d: usize| (0..periods).map(|k| b[k * 7 + d].exp()).sum::<f64>() / periods as f64;
        let monday = mean(0);
        (0..7).map(|d| mean(d) / monday).collect()
    }

    /// Likelihood-ratio test of channel block `b` (all its lags at 0).
    fn test_channel(&self, b: usize, name: &str) -> ChannelTest {
        let bins = self.bins();
        let mut fixed = self.fixed.clone();
        let df = (b * bins..(b + 1) * bins).filter(|&k| !fixed[k]).count();
        for f in fixed.iter_mut().skip(b * bins).take(bins) {
            *f = true;
        }
        let null = solve(
            &Problem {
                data: Data::all(&self.design),
                bins,
                pulls: &self.pulls,
                penalty: self.penalty.clone(),
                fixed_zero: &fixed,
                start: None,
                shape: &self.shape,
            },
            self.params.max_iterations,
            self.params.tolerance,
        );
        let statistic = (2.0 * (self.solution.log_likelihood - null.log_likelihood)).max(0.0);
        let p_value = if df == 0 {
            1.0
        } else {
            1.0 - ChiSquared::new(df as f64).expect("df > 0").cdf(statistic)
        };
        ChannelTest {
            channel: name.to_string(),
            statistic,
            df,
            p_value,
        }
    }
}
