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
//! time-varying controls) is the remedy. A multiplicative true hazard is fitted
//! additively. People who never convert are not used.

mod design;
mod diagnostics;
mod fit;

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use crate::channel::Dictionary;
use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::Timelines;
use crate::param::Param;
use crate::time::{DAY, Millis};

pub use design::{Design, Period, Roles};
pub use diagnostics::ExposureShift;
use fit::{Pull, Solution, inverse, solve};

/// The name of the row that holds what no channel explains.
pub const BASELINE: &str = "(baseline)";

/// An experiment's measured incremental conversions of one channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiftTest {
    /// The channel tested.
    pub channel: String,
    /// Incremental conversions the experiment measured (over the data's period); with
    /// `relative`, the relative lift `L` instead.
    pub incremental_conversions: f64,
    /// Their standard error (of `L` with `relative`).
    pub se: f64,
    /// The measurement is a relative lift, turned into incremental conversions against
    /// the data by [`LiftTest::resolve`] before any model uses it.
    pub relative: bool,
}

impl LiftTest {
    /// An absolute measurement: `incremental ± se` conversions.
    pub fn absolute(channel: impl Into<String>, incremental: f64, se: f64) -> LiftTest {
        LiftTest {
            channel: channel.into(),
            incremental_conversions: incremental,
            se,
            relative: false,
        }
    }

    /// The absolute form of a relative lift `L ± s`, given the conversions `C` of the
    /// units exposed to the channel: incremental `C · L / (1 + L)` (the exposed
    /// conversions that would not have happened without it), standard error
    /// `C · s / (1 + L)²` (delta method). An absolute test is returned as it is.
    pub fn resolve(&self, exposed_conversions: f64) -> LiftTest {
        if !self.relative {
            return self.clone();
        }
        let l = self.incremental_conversions;
        LiftTest::absolute(
            self.channel.clone(),
            exposed_conversions * l / (1.0 + l),
            (exposed_conversions * self.se / ((1.0 + l) * (1.0 + l))).max(f64::MIN_POSITIVE),
        )
    }
}

/// Parameters of the self-controlled model.
#[derive(Clone, Debug, PartialEq)]
pub struct SelfControlledParams {
    step: Millis,
    lags: Vec<(u32, u32)>,
    controls: Vec<String>,
    ignore: Vec<String>,
    study_start: Option<Millis>,
    study_end: Option<Millis>,
    weekday: bool,
    lift_tests: Vec<LiftTest>,
    max_iterations: usize,
    tolerance: f64,
}

/// Channels left out by default besides the direct channels: visits people make
/// themselves are behaviour (they follow intent, and fall after a conversion), not
/// exposure; in the model, as exposures or as controls, they bias the paid channels
/// (measured: targeting TV 0.035 left out, 0.098 as exposures, 0.141 as controls).
pub const DEFAULT_IGNORED: [&str; 1] = ["organic_search"];

/// The default lag bins, in days.
pub const DEFAULT_LAGS: [(u32, u32); 7] =
    [(0, 0), (1, 2), (3, 5), (6, 9), (10, 14), (15, 20), (21, 29)];

impl Default for SelfControlledParams {
    /// One-day steps, the default lag bins, no controls, no lift tests.
    fn default() -> Self {
        Self {
            step: DAY,
            lags: DEFAULT_LAGS.to_vec(),
            controls: Vec::new(),
            ignore: Vec::new(),
            study_start: None,
            study_end: None,
            weekday: false,
            lift_tests: Vec::new(),
            max_iterations: 200,
            tolerance: 1e-9,
        }
    }
}

impl SelfControlledParams {
    /// Sets the step (default one day).
    pub fn step(mut self, step: Millis) -> Self {
        self.step = step;
        self
    }

    /// Sets the lag bins, in steps (inclusive ranges).
    pub fn lags(mut self, lags: Vec<(u32, u32)>) -> Self {
        self.lags = lags;
        self
    }

    /// Channels used as time-varying controls (not credited).
    pub fn controls(mut self, controls: Vec<String>) -> Self {
        self.controls = controls;
        self
    }

    /// Channels left out of the model (neither exposure nor control), e.g. direct.
    pub fn ignore(mut self, ignore: Vec<String>) -> Self {
        self.ignore = ignore;
        self
    }

    /// The study period (default: each unit's first event to the data end).
    pub fn study(mut self, start: Option<Millis>, end: Option<Millis>) -> Self {
        self.study_start = start;
        self.study_end = end;
        self
    }

    /// A day-of-week baseline `b_t` (default off): `λ_it = α_i · b_weekday(t) · (1 + …)`.
    pub fn weekday_baseline(mut self, yes: bool) -> Self {
        self.weekday = yes;
        self
    }

    /// Experiments that pull tested channels' credit towards their measurements.
    pub fn lift_tests(mut self, tests: Vec<LiftTest>) -> Self {
        self.lift_tests = tests;
        self
    }

    /// The lag bins.
    pub fn lag_bins(&self) -> &[(u32, u32)] {
        &self.lags
    }

    /// The control channels.
    pub fn control_channels(&self) -> &[String] {
        &self.controls
    }

    /// The channels left out.
    pub fn ignored_channels(&self) -> &[String] {
        &self.ignore
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.step <= 0 {
            return Err(Error::param(
                Param::HazardStep,
                "must be a positive duration such as 1d",
            ));
        }
        if self.lags.is_empty() {
            return Err(Error::param(
                Param::HazardLags,
                "needs at least one lag bin",
            ));
        }
        let mut next = 0;
        for &(lo, hi) in &self.lags {
            if lo > hi || lo < next {
                return Err(Error::param(
                    Param::HazardLags,
                    "lag bins must be increasing, non-overlapping ranges such as 0,1-2,3-5",
                ));
            }
            next = hi + 1;
        }
        if let Some(c) = self.controls.iter().find(|c| c.trim().is_empty()) {
            return Err(Error::param(
                Param::HazardControls,
                format!("`{c}`: empty channel name"),
            ));
        }
        if let (Some(a), Some(b)) = (self.study_start, self.study_end)
            && a >= b
        {
            return Err(Error::param(
                Param::StudyEnd,
                "must be after the study start",
            ));
        }
        for t in &self.lift_tests {
            if t.relative && t.incremental_conversions <= -1.0 {
                return Err(Error::param(
                    Param::LiftTests,
                    format!("`{}`: a relative lift must be above -1", t.channel),
                ));
            }
            if !(t.se > 0.0 && t.se.is_finite() && t.incremental_conversions.is_finite()) {
                return Err(Error::param(
                    Param::LiftTests,
                    format!(
                        "`{}`: needs a finite estimate and a positive standard error",
                        t.channel
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Fits the model on the whole logs of converting units.
    pub fn fit(&self, timelines: &Timelines) -> Result<FittedSelfControlled> {
        self.validate()?;
        let roles = self.roles(timelines);
        let period = Period {
            step: self.step,
            start: self.study_start,
            end: self.study_end,
            weekday: self.weekday,
        };
        let design = Design::new(timelines, &roles, &self.lags, period);
        if design.units.is_empty() {
            return Err(Error::unsupported(
                "self_controlled",
                "no unit converted inside the study period: the model learns only from units with a conversion",
            ));
        }
        let bins = self.lags.len();
        let present: Vec<bool> = (0..design.features)
            .map(|k| {
                design
                    .units
                    .iter()
                    .any(|u| (0..design.classes).any(|c| u.sum[c * design.features + k] > 0.0))
            })
            .collect();
        let fixed: Vec<bool> = present.iter().map(|p| !p).collect();
        let mut pulls = Vec::new();
        let mut notes = Vec::new();
        for t in &self.lift_tests {
            match roles.exposures.iter().position(|(_, n)| *n == t.channel) {
                Some(block) => pulls.push(Pull {
                    block,
                    incremental: t.incremental_conversions,
                    se: t.se,
                }),
                None => notes.push(format!(
                    "lift test of `{}` ignored: not an exposure channel of this model",
                    t.channel
                )),
            }
        }
        let solution = solve(
            &design,
            bins,
            &pulls,
            &fixed,
            self.max_iterations,
            self.tolerance,
        );
        if !solution.converged {
            notes.push(format!(
                "the fit stopped after {} iterations without meeting its tolerance",
                solution.iterations
            ));
        }
        let shifts = diagnostics::exposure_shifts(timelines, &roles, self.step);
        for s in shifts.iter().filter(|s| s.flagged) {
            let how = match s.after_visit_ratio {
                Some(r) => {
                    format!("{r:.1}x as likely the day after a visit, within the same person")
                }
                None => "every exposure falls the day after a visit".to_string(),
            };
            notes.push(format!(
                "WARNING: exposure to `{}` follows people's own visits ({how}): it reacts to \
                 behaviour (retargeting), which this model can read as an effect; add the visits \
                 it follows to `hazard_controls`",
                s.channel
            ));
        }
        Ok(FittedSelfControlled {
            params: self.clone(),
            roles,
            design,
            solution,
            fixed,
            pulls,
            shifts,
            channels: timelines.channels.clone(),
            units_without_conversion: timelines.units_without_conversion,
            notes,
        })
    }

    /// Exposure and control channels: every channel of the data but the ignored ones;
    /// controls are the named ones that occur.
    fn roles(&self, timelines: &Timelines) -> Roles {
        let mut roles = Roles {
            exposures: Vec::new(),
            controls: Vec::new(),
            visits: Vec::new(),
        };
        for (id, name) in timelines.channels.names().enumerate() {
            let entry = (id as u32, name.to_string());
            if self.controls.iter().any(|c| c.trim() == name) {
                roles.visits.push(entry.0);
                roles.controls.push(entry);
            } else if self.ignore.iter().any(|c| c.trim() == name) {
                roles.visits.push(entry.0);
            } else {
                roles.exposures.push(entry);
            }
        }
        roles
    }
}

/// A fitted self-controlled model.
#[derive(Clone, Debug)]
pub struct FittedSelfControlled {
    params: SelfControlledParams,
    roles: Roles,
    design: Design,
    solution: Solution,
    fixed: Vec<bool>,
    pulls: Vec<Pull>,
    shifts: Vec<ExposureShift>,
    channels: Dictionary,
    units_without_conversion: u64,
    notes: Vec<String>,
}

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
    /// Lag bins, in steps.
    pub lag_bins: Vec<String>,
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
    /// The day-of-week baseline `b` (Monday = 1), when fitted.
    pub weekday_baseline: Option<Vec<f64>>,
    /// Lift tests used, with the model's credit of the channel.
    pub lift_tests: Vec<LiftTestFit>,
    /// Per channel, exposure before and after conversions (the retargeting signature).
    pub exposure_shifts: Vec<ExposureShift>,
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
    /// The coefficients (blocks × lag bins).
    pub fn coefficients(&self) -> &[f64] {
        &self.solution.theta
    }

    fn bins(&self) -> usize {
        self.params.lags.len()
    }

    /// Per exposure channel and the baseline: attributed conversions and value.
    fn shares(&self) -> (Vec<f64>, Vec<f64>, f64, f64) {
        let bins = self.bins();
        let theta = &self.solution.theta;
        let n = self.roles.exposures.len();
        let (mut conv, mut value) = (vec![0.0; n], vec![0.0; n]);
        let (mut base_c, mut base_v) = (0.0, 0.0);
        for u in &self.design.units {
            for row in &u.conversions {
                let w = 1.0 + theta.iter().zip(&row.v).map(|(a, b)| a * b).sum::<f64>();
                let mut explained = 0.0;
                for b in 0..n {
                    let r = b * bins..(b + 1) * bins;
                    let part: f64 = theta[r.clone()]
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

    /// Credit per channel, with the unexplained part in a `(baseline)` row.
    pub fn credit(&self) -> Credit {
        let (conv, value, base_c, base_v) = self.shares();
        let mut names = Dictionary::new();
        let mut c_all = Vec::new();
        let mut v_all = Vec::new();
        // Every channel of the data appears (controls and ignored ones with 0).
        for name in self.channels.names() {
            names.intern(name);
            let k = self.roles.exposures.iter().position(|(_, n)| n == name);
            c_all.push(k.map_or(0.0, |k| conv[k]));
            v_all.push(k.map_or(0.0, |k| value[k]));
        }
        names.intern(BASELINE);
        c_all.push(base_c);
        v_all.push(base_v);
        let total_c = c_all.iter().sum();
        let total_v = v_all.iter().sum();
        let mut credit =
            Credit::from_ids("self_controlled", &names, &c_all, &v_all, total_c, total_v);
        credit.notes = self.notes.clone();
        credit
    }

    /// Coefficients, tests, fit and diagnostics.
    pub fn details(&self) -> SelfControlledDetails {
        let bins = self.bins();
        let theta = &self.solution.theta;
        let p = theta.len();
        let q = self.solution.dim;
        // Free parameters: coefficients off the bound, and the baseline but its reference.
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
        let cov = inverse(&info, m);
        let z = Normal::new(0.0, 1.0)
            .expect("standard normal")
            .inverse_cdf(0.975);
        let lag_names: Vec<String> = self
            .params
            .lags
            .iter()
            .map(|&(lo, hi)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            })
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
                let se = cov.as_ref().and_then(|c| {
                    free.iter()
                        .position(|&f| f == k)
                        .map(|i| c[i * m + i])
                        .filter(|v| *v > 0.0)
                        .map(f64::sqrt)
                });
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
            weekday_baseline: self
                .params
                .weekday
                .then(|| self.solution.log_baseline.iter().map(|v| v.exp()).collect()),
            lift_tests,
            exposure_shifts: self.shifts.clone(),
            notes: self.notes.clone(),
        }
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
            &self.design,
            bins,
            &self.pulls,
            &fixed,
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

#[cfg(test)]
mod tests;

/// Parses lag bins written as `0,1-2,3-5` (steps, inclusive ranges).
pub fn parse_lag_bins(text: &str) -> Result<Vec<(u32, u32)>> {
    let bad = || {
        Error::param(
            Param::HazardLags,
            format!("`{text}`: expected comma-separated steps or ranges such as 0,1-2,3-5"),
        )
    };
    text.split(',')
        .map(|part| {
            let part = part.trim();
            let (lo, hi) = part.split_once('-').unwrap_or((part, part));
            let lo: u32 = lo.trim().parse().map_err(|_| bad())?;
            let hi: u32 = hi.trim().parse().map_err(|_| bad())?;
            Ok((lo, hi))
        })
        .collect()
}

/// Reads lift tests: `channel,incremental_conversions,se`, or `channel,lift,se` with a
/// relative lift (`0.12` for +12%) and its standard error (rows of one channel must not
/// repeat).
pub fn read_lift_tests(
    input: impl std::io::Read,
    name: &str,
    opts: &crate::csv_input::ReadOptions,
) -> Result<Vec<LiftTest>> {
    use crate::csv_input::CsvSource;
    let mut src = CsvSource::new(input, name, &["channel", "incremental_conversions", "se"])?;
    let ch = src.required("channel", &opts.columns)?;
    let (inc, relative) = match (
        src.optional("incremental_conversions", &opts.columns),
        src.optional("lift", &opts.columns),
    ) {
        (Some(_), Some(_)) => {
            return Err(Error::param(
                Param::LiftTests,
                format!("{name}: has both `incremental_conversions` and `lift`; keep one"),
            ));
        }
        (Some(c), None) => (c, false),
        (None, Some(c)) => (c, true),
        (None, None) => (
            src.required("incremental_conversions", &opts.columns)?,
            false,
        ),
    };
    let se = src.required("se", &opts.columns)?;
    let mut tests: Vec<LiftTest> = Vec::new();
    while let Some(row) = src.next_row()? {
        let channel = row.non_empty(ch, "a channel name")?.trim().to_string();
        let number = |col: usize, what: &str| -> Result<f64> {
            let text = row.str(col)?;
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| row.error(col, format!("`{text}` is not a number; expected {what}")))
        };
        let incremental_conversions = number(
            inc,
            if relative {
                "a relative lift above -1"
            } else {
                "incremental conversions"
            },
        )?;
        if relative && incremental_conversions <= -1.0 {
            return Err(row.error(
                inc,
                format!("`{incremental_conversions}`: a relative lift must be above -1"),
            ));
        }
        let error = number(se, "a positive standard error")?;
        if error <= 0.0 {
            return Err(row.error(se, format!("`{error}`: expected a positive standard error")));
        }
        if tests.iter().any(|t| t.channel == channel) {
            return Err(row.error(
                ch,
                format!("`{channel}` is tested twice; combine its experiments into one row"),
            ));
        }
        tests.push(LiftTest {
            channel,
            incremental_conversions,
            se: error,
            relative,
        });
    }
    tests.sort_by(|a, b| a.channel.cmp(&b.channel));
    Ok(tests)
}
