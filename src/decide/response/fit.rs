//! Fitting a channel's response curve to its per-period spend and response.
//!
//! **Data.** Points `(x_t, y_t)`, one per period in time order: spend and the response
//! counted in that period (exposures, say). At least [`MIN_PERIODS`] periods must have
//! spend `> 0`; every value must be finite and `≥ 0`.
//!
//! **Adstock** (optional, [`FitParams::adstock`]): the curve is fitted to geometrically
//! carried-over spend `x̃_t = Σ_(l≥0) α^l x_(t−l)` (Jin et al. 2017, eq. 1, with
//! geometric weights and no delay; spend before the first period counts as 0), with `α`
//! chosen from [`ADSTOCK_GRID`] `{0, 0.1, …, 0.8}` by the same held-out error as the
//! form. Without the option `α = 0`: spend buys its response in the period it is spent,
//! which is how paid exposures are counted.
//!
//! **Fit.** For each candidate form (exponential, Hill) and `α`, weighted nonlinear least
//! squares by Levenberg–Marquardt in log-parameters (see the `lm` module), started from
//! the best point of a coarse grid over `k` (quantiles of the positive spend) and `s`
//! (Hill: 0.5, 1, 2, 4), with `a` at its least-squares value for each grid point (the
//! model is linear in `a`).
//!
//! **Choice.** Every candidate is scored by its held-out root mean squared error: the
//! periods are dealt into `K` folds at random (seeded, [`FitParams::seed`], default 42),
//! `K = 5`, or leave-one-out (`K = n`) when there are at most [`LOO_MAX`] periods; each
//! fold is predicted by the curve fitted to the other folds (started from the full
//! fit). The lowest error wins; ties go to the exponential form (fewer parameters) and
//! the smaller `α`. Choosing `α` and the form on held-out error, not on the in-sample
//! fit, keeps the three-parameter Hill from winning by flexibility alone.
//!
//! **Standard errors** are of the chosen curve's parameters with `α` taken as known
//! (the Gauss–Newton approximation `σ̂² (JᵀJ)⁻¹`, see the `lm` module).

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};

use super::curve::{Candidate, Curve, CurveForm, FittedCurve};
use super::lm::{self, Bounds, Data};

/// Fewest periods with spend `> 0` a curve is fitted to.
pub const MIN_PERIODS: usize = 4;
/// Most periods for which the held-out error is leave-one-out (else 5-fold).
pub const LOO_MAX: usize = 10;
/// Folds of the held-out error above [`LOO_MAX`] periods.
pub const FOLDS: usize = 5;
/// The adstock decays tried when adstock is on.
pub const ADSTOCK_GRID: [f64; 9] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
/// The default seed of the folds (and of the bootstrap).
pub const DEFAULT_SEED: u64 = 42;
/// The name errors about response curves carry.
pub(crate) const MODEL: &str = "response curve";

/// Settings of a curve fit (a builder; every setting has a documented default).
#[derive(Clone, Debug, PartialEq)]
pub struct FitParams {
    /// The form to fit; `None` (default) chooses between the two by held-out error.
    pub form: Option<CurveForm>,
    /// Fit to geometrically adstocked spend with `α` chosen from [`ADSTOCK_GRID`]
    /// (default off: `α = 0`).
    pub adstock: bool,
    /// Seed of the folds (default [`DEFAULT_SEED`]).
    pub seed: u64,
}

impl Default for FitParams {
    fn default() -> Self {
        FitParams {
            form: None,
            adstock: false,
            seed: DEFAULT_SEED,
        }
    }
}

/// A series prepared for fitting at one adstock: adstocked spend, its logarithm (0
/// where the spend is 0), the response, and the bounds of `θ`.
pub(crate) struct Series {
    pub(crate) x: Vec<f64>,
    pub(crate) ln_x: Vec<f64>,
    pub(crate) y: Vec<f64>,
    pub(crate) bounds: Bounds,
}

impl Series {
    pub(crate) fn new(points: &[(f64, f64)], alpha: f64) -> Series {
        let x = adstock(points, alpha);
        let ln_x = x
            .iter()
            .map(|&v| if v > 0.0 { v.ln() } else { 0.0 })
            .collect();
        let positive = x.iter().copied().filter(|&v| v > 0.0);
        let min_pos = positive.clone().fold(f64::INFINITY, f64::min);
        let max = positive.fold(0.0, f64::max);
        Series {
            x,
            ln_x,
            y: points.iter().map(|p| p.1).collect(),
            bounds: Bounds::new(min_pos, max),
        }
    }

    pub(crate) fn data<'a>(&'a self, w: &'a [f64]) -> Data<'a> {
        Data {
            x: &self.x,
            ln_x: &self.ln_x,
            y: &self.y,
            w,
        }
    }
}

/// Geometric adstock `x̃_t = x_t + α x̃_(t−1)`, `x̃_(−1) = 0`.
pub fn adstock(points: &[(f64, f64)], alpha: f64) -> Vec<f64> {
    let mut carry = 0.0;
    points
        .iter()
        .map(|p| {
            carry = p.0 + alpha * carry;
            carry
        })
        .collect()
}

/// Checks the points: finite, `≥ 0`, at least [`MIN_PERIODS`] periods with spend, a
/// response in some period with spend.
pub(crate) fn check(points: &[(f64, f64)]) -> Result<()> {
    for (t, &(x, y)) in points.iter().enumerate() {
        if !(x.is_finite() && y.is_finite() && x >= 0.0 && y >= 0.0) {
            return Err(Error::unsupported(
                MODEL,
                format!(
                    "period {} (0-based) has spend `{x}` and response `{y}`; \
                     expected finite numbers ≥ 0",
                    t
                ),
            ));
        }
    }
    let with_spend = points.iter().filter(|p| p.0 > 0.0).count();
    if with_spend == 0 {
        return Err(Error::unsupported(
            MODEL,
            format!(
                "the spend is 0 in all {} periods: a response curve needs periods with \
                 spend (at least {MIN_PERIODS})",
                points.len()
            ),
        ));
    }
    if with_spend < MIN_PERIODS {
        return Err(Error::unsupported(
            MODEL,
            format!(
                "only {with_spend} of {} periods have spend > 0; a response curve needs at \
                 least {MIN_PERIODS}",
                points.len()
            ),
        ));
    }
    if points.iter().filter(|p| p.0 > 0.0).all(|p| p.1 == 0.0) {
        return Err(Error::unsupported(
            MODEL,
            "the response is 0 in every period with spend: there is no response to fit a \
             curve to",
        ));
    }
    Ok(())
}

/// A starting point for `θ`: the best of a coarse grid over `k` and `s`, with `a` at
/// its least-squares value `Σ w y h / Σ w h²` (`h` the curve with `a = 1`).
pub(crate) fn cold_start(form: CurveForm, d: &Data) -> Vec<f64> {
    let mut pos: Vec<f64> = (0..d.x.len())
        .filter(|&t| d.x[t] > 0.0 && d.w[t] > 0.0)
        .map(|t| d.x[t])
        .collect();
    pos.sort_by(f64::total_cmp);
    let q = |f: f64| pos[((pos.len() - 1) as f64 * f).round() as usize];
    let ks = [
        q(0.1),
        q(0.25),
        q(0.5),
        q(0.75),
        q(0.9),
        2.0 * q(1.0),
        5.0 * q(1.0),
    ];
    let slopes: &[f64] = match form {
        CurveForm::Hill => &[0.5, 1.0, 2.0, 4.0],
        CurveForm::Exponential => &[1.0],
    };
    let mut best = (f64::INFINITY, vec![0.0; form.parameters()]);
    for &k in &ks {
        for &s in slopes {
            let shape = match form {
                CurveForm::Hill => Curve::Hill { a: 1.0, k, s },
                CurveForm::Exponential => Curve::Exponential { a: 1.0, k },
            };
            let (mut yh, mut hh, mut yy) = (0.0, 0.0, 0.0);
            for t in 0..d.x.len() {
                let h = shape.value(d.x[t]);
                yh += d.w[t] * d.y[t] * h;
                hh += d.w[t] * h * h;
                yy += d.w[t] * d.y[t] * d.y[t];
            }
            if !(hh > 0.0 && yh > 0.0) {
                continue;
            }
            let a = yh / hh;
            let sse = yy - a * yh;
            if sse < best.0 {
                let mut theta = vec![a.ln(), k.ln()];
                if form == CurveForm::Hill {
                    theta.push(s.ln());
                }
                best = (sse, theta);
            }
        }
    }
    if best.0.is_infinite() {
        let mean = d.y.iter().sum::<f64>() / d.y.len() as f64;
        best.1[0] = mean.max(1e-300).ln();
        best.1[1] = q(0.5).ln();
    }
    best.1
}

/// The fold of each of `n` periods: `K = n` (leave-one-out) for `n ≤ LOO_MAX`, else
/// [`FOLDS`] folds dealt over a seeded shuffle.
pub(crate) fn folds(n: usize, seed: u64) -> (usize, Vec<usize>) {
    if n <= LOO_MAX {
        return (n, (0..n).collect());
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut fold = vec![0; n];
    for (i, &t) in order.iter().enumerate() {
        fold[t] = i % FOLDS;
    }
    (FOLDS, fold)
}

/// One candidate fitted on all periods, with its held-out error.
struct Fitted {
    form: CurveForm,
    alpha: f64,
    theta: Vec<f64>,
    sse: f64,
    held_out: f64,
}

/// Fits `form` on every period of `series` and scores it on the folds.
fn fit_candidate(
    form: CurveForm,
    alpha: f64,
    series: &Series,
    fold: &(usize, Vec<usize>),
) -> Fitted {
    let n = series.x.len();
    let ones = vec![1.0; n];
    let all = series.data(&ones);
    let mut theta = cold_start(form, &all);
    let mut sse = lm::fit(form, &mut theta, &all, series.bounds, lm::MAX_ITER);
    if form == CurveForm::Hill {
        // A second start from the exponential-like slope 1 guards against a poor basin.
        let mut other = theta.clone();
        other[2] = 0.0;
        let s2 = lm::fit(form, &mut other, &all, series.bounds, lm::MAX_ITER);
        if s2 < sse {
            theta = other;
            sse = s2;
        }
    }
    let mut held = 0.0;
    let mut w = vec![0.0; n];
    for f in 0..fold.0 {
        for (wt, &ft) in w.iter_mut().zip(&fold.1) {
            *wt = if ft == f { 0.0 } else { 1.0 };
        }
        let train = series.data(&w);
        if !(0..n).any(|t| w[t] > 0.0 && series.x[t] > 0.0) {
            continue;
        }
        let mut th = theta.clone();
        lm::fit(form, &mut th, &train, series.bounds, lm::MAX_ITER);
        let curve = lm::curve_of(form, &th);
        for t in (0..n).filter(|&t| fold.1[t] == f) {
            let r = series.y[t] - curve.value(series.x[t]);
            held += r * r;
        }
    }
    Fitted {
        form,
        alpha,
        theta,
        sse,
        held_out: (held / n as f64).sqrt(),
    }
}

impl FitParams {
    /// Fit one form only (`None`: choose by held-out error).
    pub fn form(mut self, form: Option<CurveForm>) -> Self {
        self.form = form;
        self
    }

    /// Fit to adstocked spend, `α` chosen from [`ADSTOCK_GRID`].
    pub fn adstock(mut self, on: bool) -> Self {
        self.adstock = on;
        self
    }

    /// Seed of the folds (and of [`bootstrap`](Self::bootstrap)).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks the settings (there is nothing a user can set out of range today; kept so
    /// every params type validates alike).
    pub fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// The forms tried, simplest first.
    fn forms(&self) -> Vec<CurveForm> {
        match self.form {
            Some(f) => vec![f],
            None => vec![CurveForm::Exponential, CurveForm::Hill],
        }
    }

    /// Fits a curve to per-period `(spend, response)` points in time order.
    ///
    /// Errors ([`Error::Unsupported`]) on a non-finite or negative value, on spend that
    /// is 0 in every period, on fewer than [`MIN_PERIODS`] periods with spend, and on a
    /// response that is 0 in every period with spend.
    pub fn fit(&self, points: &[(f64, f64)]) -> Result<FittedCurve> {
        self.validate()?;
        check(points)?;
        let n = points.len();
        let fold = folds(n, self.seed);
        let alphas: &[f64] = if self.adstock { &ADSTOCK_GRID } else { &[0.0] };
        let mut all: Vec<Fitted> = Vec::new();
        for form in self.forms() {
            for &alpha in alphas {
                let series = Series::new(points, alpha);
                all.push(fit_candidate(form, alpha, &series, &fold));
            }
        }
        let best = all
            .iter()
            .enumerate()
            .min_by(|(i, a), (j, b)| a.held_out.total_cmp(&b.held_out).then(i.cmp(j)))
            .map(|(i, _)| i)
            .expect("at least one candidate");
        let series = Series::new(points, all[best].alpha);
        let ones = vec![1.0; n];
        let chosen = &all[best];
        let fitted = lm::curve_of(chosen.form, &chosen.theta);
        let spend_min = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let spend_max = points.iter().map(|p| p.0).fold(0.0, f64::max);
        Ok(FittedCurve {
            curve: fitted.stretched(1.0 - chosen.alpha),
            fitted,
            form: chosen.form,
            adstock: chosen.alpha,
            spend_min,
            spend_max,
            periods: n,
            folds: fold.0,
            held_out_error: chosen.held_out,
            rmse: (chosen.sse / n as f64).sqrt(),
            std_errors: lm::std_errors(chosen.form, &chosen.theta, &series.data(&ones)),
            candidates: all
                .iter()
                .map(|c| Candidate {
                    form: c.form,
                    adstock: c.alpha,
                    held_out_error: c.held_out,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adstock_carries_spend_over() {
        let p = [(10.0, 0.0), (0.0, 0.0), (0.0, 0.0), (5.0, 0.0)];
        let x = adstock(&p, 0.5);
        assert_eq!(x, vec![10.0, 5.0, 2.5, 6.25]);
        assert_eq!(adstock(&p, 0.0), vec![10.0, 0.0, 0.0, 5.0]);
    }

    #[test]
    fn folds_are_seeded_and_balanced() {
        let (k, f) = folds(7, 1);
        assert_eq!((k, f), (7, (0..7).collect::<Vec<_>>()));
        let (k, f) = folds(104, 42);
        assert_eq!(k, 5);
        assert_eq!(f, folds(104, 42).1);
        assert_ne!(f, folds(104, 43).1);
        for j in 0..5 {
            let size = f.iter().filter(|&&g| g == j).count();
            assert!(size == 20 || size == 21, "{size}");
        }
    }

    /// With adstock on, a series generated with α = 0.5 picks an α near it.
    #[test]
    fn adstock_is_chosen_by_held_out_error() {
        let truth = Curve::Exponential { a: 100.0, k: 40.0 };
        let points: Vec<(f64, f64)> = (0..60)
            .map(|t| (((t * 37) % 23) as f64 * 3.0 + 2.0, 0.0))
            .collect();
        let x = adstock(&points, 0.5);
        let points: Vec<(f64, f64)> = points
            .iter()
            .zip(&x)
            .map(|(p, &xt)| (p.0, truth.value(xt)))
            .collect();
        let fit = FitParams::default().adstock(true).fit(&points).unwrap();
        assert_eq!(fit.adstock, 0.5);
        assert_eq!(fit.form, CurveForm::Exponential);
        // The planning curve is the fitted one at steady-state spend x / (1 − α).
        assert!((fit.curve.value(10.0) - fit.fitted.value(20.0)).abs() < 1e-9);
        assert_eq!(fit.candidates.len(), 18);
    }
}
