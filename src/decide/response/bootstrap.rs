//! Curve draws by the bootstrap: periods resampled with replacement, the curve refitted.
//!
//! **Scheme** (the case-resampling bootstrap of Efron & Tibshirani 1993, "An
//! Introduction to the Bootstrap", ch. 9, applied to regression pairs): the curve is
//! first fitted to every period, which fixes its form and adstock `α` (see
//! [`FitParams::fit`]); the adstocked spend `x̃_t` is computed once on the whole series,
//! so each pair `(x̃_t, y_t)` keeps its carry-over. Each draw then samples `n` periods
//! with replacement (a period drawn `w` times weighs `w` in the least squares) and
//! refits the parameters of that form by Levenberg–Marquardt, started from the full
//! fit. A resample with fewer than four distinct periods with spend, or no response, is
//! drawn again (up to 100 times; then the draw is the full fit). Form and `α` are held
//! at their full-data choice, so the draws show the parameters' uncertainty given the
//! form, not the uncertainty of the choice itself.
//!
//! **Determinism.** Draw `d` uses its own ChaCha8 stream (`seed`, stream `d`), and the
//! draws are collected in order, so the output is the same for any number of threads.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::param::Param;

use super::curve::{Curve, CurveForm, FittedCurve};
use super::fit::{FitParams, MIN_PERIODS, Series};
use super::lm;

/// Iterations of a bootstrap refit (warm-started from the full fit).
const MAX_ITER_WARM: usize = 60;
/// Resamples tried per draw before it falls back to the full fit.
const MAX_RESAMPLES: usize = 100;

/// A fitted curve and its bootstrap draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurveDraws {
    /// The fit to every period.
    pub fitted: FittedCurve,
    /// One planning curve per draw (steady-state response to per-period spend, like
    /// [`FittedCurve::curve`]).
    pub draws: Vec<Curve>,
}

/// Fits `points` with the default settings and draws `draws` bootstrap curves, seeded
/// by `seed` (see the module documentation).
pub fn bootstrap_fit(points: &[(f64, f64)], draws: usize, seed: u64) -> Result<CurveDraws> {
    FitParams::default().seed(seed).bootstrap(points, draws)
}

/// Log-parameters of a curve.
fn theta_of(c: &Curve) -> Vec<f64> {
    match *c {
        Curve::Hill { a, k, s } => vec![a.ln(), k.ln(), s.ln()],
        Curve::Exponential { a, k } => vec![a.ln(), k.ln()],
    }
}

/// Resampling counts for draw `d`: `n` periods with replacement; `None` after
/// [`MAX_RESAMPLES`] resamples without enough periods with spend and response.
fn resample(series: &Series, seed: u64, d: usize) -> Option<Vec<f64>> {
    let n = series.x.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(d as u64);
    let mut w = vec![0.0; n];
    for _ in 0..MAX_RESAMPLES {
        w.fill(0.0);
        for _ in 0..n {
            w[rng.gen_range(0..n)] += 1.0;
        }
        let with_spend = (0..n).filter(|&t| w[t] > 0.0 && series.x[t] > 0.0).count();
        let response = (0..n).any(|t| w[t] > 0.0 && series.y[t] > 0.0);
        if with_spend >= MIN_PERIODS && response {
            return Some(w);
        }
    }
    None
}

impl FitParams {
    /// Fits `points` ([`fit`](Self::fit)) and draws `draws` bootstrap curves, seeded by
    /// [`seed`](Self::seed) (see the module documentation). Errors as `fit` does, and
    /// on `draws = 0`.
    pub fn bootstrap(&self, points: &[(f64, f64)], draws: usize) -> Result<CurveDraws> {
        if draws == 0 {
            return Err(Error::param(
                Param::Bootstrap,
                "0 draws: expected at least 1",
            ));
        }
        let fitted = self.fit(points)?;
        let series = Series::new(points, fitted.adstock);
        let form: CurveForm = fitted.form;
        let start = theta_of(&fitted.fitted);
        let stretch = 1.0 - fitted.adstock;
        let seed = self.seed;
        let draws: Vec<Curve> = (0..draws)
            .into_par_iter()
            .map(|d| {
                let Some(w) = resample(&series, seed, d) else {
                    return fitted.curve;
                };
                let mut theta = start.clone();
                lm::fit(
                    form,
                    &mut theta,
                    &series.data(&w),
                    series.bounds,
                    MAX_ITER_WARM,
                );
                lm::curve_of(form, &theta).stretched(stretch)
            })
            .collect();
        Ok(CurveDraws { fitted, draws })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> Vec<(f64, f64)> {
        let truth = Curve::Hill {
            a: 300.0,
            k: 40.0,
            s: 1.3,
        };
        (0..30)
            .map(|t| {
                let x = 5.0 + ((t * 17) % 29) as f64 * 4.0;
                let wobble = 1.0 + 0.05 * (((t * 7) % 5) as f64 - 2.0);
                (x, truth.value(x) * wobble)
            })
            .collect()
    }

    /// The same draws on one thread and on several.
    #[test]
    fn draws_do_not_depend_on_threads() {
        let p = points();
        let many = bootstrap_fit(&p, 40, 7).unwrap();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| bootstrap_fit(&p, 40, 7).unwrap());
        assert_eq!(many, one);
        assert_eq!(many.draws.len(), 40);
        assert_ne!(many.draws[0], many.draws[1]);
        assert_ne!(bootstrap_fit(&p, 40, 8).unwrap().draws, many.draws);
        assert!(matches!(
            bootstrap_fit(&p, 0, 7),
            Err(Error::InvalidParameter { .. })
        ));
    }
}
