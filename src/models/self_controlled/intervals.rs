//! Intervals on the self-controlled credit, on by default: a person-level bootstrap
//! linearised at the fit (a one-step bootstrap).
//!
//! Each replicate reweights the units with Poisson(1) counts `w_i` (the Poisson
//! bootstrap: Hanley & MacGibbon 2006, *Comput Methods Programs Biomed* 83:57; a
//! multinomial resample of the units, made independent per unit) and takes one Newton
//! step from the fit over the monotone profile's steps: `δ* = max(0, δ̂ + I⁻¹ Σ_i
//! (w_i − 1) s_i)`, `θ* = M δ*`, where `s_i` is unit `i`'s score at the fit and `I` the
//! observed information of the whole fit (Hu & Kalbfleisch
//! 2000, *Can J Stat* 28:449, the estimating-function bootstrap). The replicate's credit
//! is the weighted sum of the shares of the units' conversions at `θ*`, so it carries
//! both the uncertainty of the coefficients and which conversions happened. 95%
//! percentile intervals; seeded, so byte-identical across runs.
//!
//! A full refit per replicate (`bootstrap`) remains available; this costs one pass over
//! the converting units per replicate.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use statrs::distribution::{Discrete, Poisson};

use crate::evaluate::bootstrap::quantile;
use crate::models::self_controlled::FittedSelfControlled;
use crate::models::self_controlled::design::UnitStats;

/// Replicates of the default intervals.
pub const REPLICATES: usize = 200;

/// Per exposure channel (and the baseline, last): the 2.5% and 97.5% quantiles of the
/// credit over [`REPLICATES`] one-step replicates, `None` when the information is
/// singular.
pub(crate) fn credit_intervals(
    fitted: &FittedSelfControlled,
    seed: u64,
) -> Option<Vec<(f64, f64)>> {
    let (free, cov) = fitted.covariance();
    let cov = cov?;
    let m = free.len();
    let theta = &fitted.solution.theta;
    let delta = &fitted.solution.delta;
    let p = theta.len();
    let x: Vec<f64> = theta
        .iter()
        .chain(&fitted.solution.log_baseline)
        .copied()
        .collect();
    let units = &fitted.design.units;
    // Each unit's score on the free parameters, and its conversions' shares at θ̂ are
    // not needed: replicates recompute shares at their own θ*.
    let scores: Vec<Vec<f64>> = units
        .par_iter()
        .map(|u| {
            let s = fitted
                .shape
                .gradient(&unit_score(u, &x, p, fitted.design.classes));
            free.iter().map(|&k| s[k]).collect()
        })
        .collect();
    let poisson = Poisson::new(1.0).expect("rate 1");
    // Poisson(1) probabilities for an inverse-CDF draw.
    let pmf: Vec<f64> = (0..20u64).map(|k| poisson.pmf(k)).collect();
    let n = fitted.roles.exposures.len();
    let replicates: Vec<Vec<f64>> = (0..REPLICATES)
        .into_par_iter()
        .map(|r| {
            let mut rng =
                ChaCha8Rng::seed_from_u64(seed ^ (r as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let weights: Vec<f64> = units
                .iter()
                .map(|_| draw(&pmf, rand::Rng::r#gen::<f64>(&mut rng)))
                .collect();
            let mut total = vec![0.0; m];
            for (w, s) in weights.iter().zip(&scores) {
                if *w != 1.0 {
                    for (t, v) in total.iter_mut().zip(s) {
                        *t += (w - 1.0) * v;
                    }
                }
            }
            let mut star = delta.clone();
            for (i, &k) in free.iter().enumerate() {
                if k < p {
                    let step: f64 = (0..m).map(|j| cov[i * m + j] * total[j]).sum();
                    star[k] = (delta[k] + step).max(0.0);
                }
            }
            let star = fitted.shape.theta(&star);
            let mut credit = vec![0.0; n + 1];
            fitted.add_shares(&star, &weights, &mut credit);
            credit
        })
        .collect();
    Some(
        (0..=n)
            .map(|c| {
                let mut samples: Vec<f64> = replicates.iter().map(|r| r[c]).collect();
                samples.sort_by(f64::total_cmp);
                (quantile(&samples, 0.025), quantile(&samples, 0.975))
            })
            .collect(),
    )
}

/// A Poisson(1) count by inverse CDF of a uniform `u`.
fn draw(pmf: &[f64], mut u: f64) -> f64 {
    for (k, p) in pmf.iter().enumerate() {
        if u < *p {
            return k as f64;
        }
        u -= p;
    }
    pmf.len() as f64
}

/// One unit's score (gradient of its conditional log-likelihood) over the coefficients
/// and log calendar baseline `x` (`p` coefficients).
fn unit_score(u: &UnitStats, x: &[f64], p: usize, classes: usize) -> Vec<f64> {
    let (theta, phi) = x.split_at(p);
    let mut g = vec![0.0; x.len()];
    let n = u.conversions.len() as f64;
    let mut big_w = 0.0;
    let mut a = vec![0.0; classes];
    for k in 0..classes {
        let sk = &u.sum[k * p..(k + 1) * p];
        a[k] = u.steps[k] + theta.iter().zip(sk).map(|(t, s)| t * s).sum::<f64>();
        big_w += phi[k].exp() * a[k];
    }
    for k in 0..classes {
        let e = phi[k].exp();
        let sk = &u.sum[k * p..(k + 1) * p];
        for (gi, s) in g.iter_mut().zip(sk) {
            *gi -= n * e * s / big_w;
        }
        g[p + k] -= n * e * a[k] / big_w;
    }
    for row in &u.conversions {
        let w = 1.0 + theta.iter().zip(&row.v).map(|(t, v)| t * v).sum::<f64>();
        for (gi, v) in g.iter_mut().zip(&row.v) {
            *gi += v / w;
        }
        g[p + row.class] += 1.0;
    }
    g
}
