//! An exact weighted logistic fit on aggregated sparse rows (Newton's method).
//!
//! Minimises the same penalised loss as linfa-logistic, with each row weighted by its
//! outcome counts instead of repeated:
//!
//! ```text
//! L(w, b) = Σ_u [ c_u · (−ln σ(z_u)) + n_u · (−ln(1 − σ(z_u))) ] + α/2 ‖w‖²,  z_u = b + wᵀx_u
//! ∇L = Σ_u ((c_u + n_u) σ(z_u) − c_u) x̃_u + α w̃
//! ∇²L = Σ_u (c_u + n_u) σ(z_u)(1 − σ(z_u)) x̃_u x̃_uᵀ + α Ĩ
//! ```
//!
//! (`x̃` appends the intercept's 1; `w̃`, `Ĩ` leave the intercept unpenalised). Each step
//! solves `∇²L Δ = −∇L` by Cholesky and halves the step until the loss decreases (full
//! steps once the Newton decrement puts the loss within 1e-8 per journey of its minimum,
//! where Newton converges quadratically), stopping at a decrement of 1e-24 per journey; the loss is convex, so the fixed point is the unique optimum for α > 0 (Hastie,
//! Tibshirani & Friedman, *Elements of Statistical Learning*, §4.4.1). The Hessian is
//! accumulated from the rows' non-zeros only (`O(nnz²)` per row), in parallel chunks
//! added in order, so results do not depend on the thread count.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::linalg::cholesky_solve;
use crate::models::logistic::design::{CONVERGED_MEAN_GRADIENT, Coefficients, Design, probability};

/// Newton iterations allowed.
const MAX_ITERATIONS: usize = 100;
/// Stop when the Newton decrement says the loss is within this (per journey) of its
/// minimum: `λ²/2 = −∇Lᵀ Δ / 2` estimates the gap (Boyd & Vandenberghe, *Convex
/// Optimization*, §9.5.1).
const TOLERANCE: f64 = 1e-24;
/// Below this gap (per journey) full Newton steps are taken without a line search.
const QUADRATIC: f64 = 1e-8;

/// One weighted row: a design unit with conversion and non-conversion weights.
pub(crate) type WeightedRow = (u32, f64, f64);

/// Rows accumulated per parallel chunk (each chunk holds its own gradient and Hessian).
pub(crate) const CHUNK: usize = 4096;

fn softplus(z: f64) -> f64 {
    // ln(1 + e^z), stable.
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

struct Eval {
    loss: f64,
    grad: Vec<f64>,
    hess: Option<Vec<f64>>,
}

fn evaluate(
    design: &Design,
    rows: &[WeightedRow],
    w: &[f64],
    alpha: f64,
    hessian: bool,
    mask: Option<&[bool]>,
) -> Eval {
    let p = w.len() - 1;
    let dim = p + 1;
    let parts: Vec<Eval> = rows
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut e = Eval {
                loss: 0.0,
                grad: vec![0.0; dim],
                hess: hessian.then(|| vec![0.0; dim * dim]),
            };
            let mut nz: Vec<(usize, f64)> = Vec::new();
            for &(u, c, n) in chunk {
                nz.clear();
                nz.extend(
                    design
                        .row(u as usize)
                        .filter(|&(i, _)| mask.is_none_or(|m| m[i])),
                );
                nz.push((p, 1.0));
                let z: f64 = nz.iter().map(|&(i, v)| w[i] * v).sum();
                // c·(−ln σ(z)) + n·(−ln(1−σ(z))) = c·softplus(−z) + n·softplus(z)
                e.loss += c * softplus(-z) + n * softplus(z);
                let s = probability(z);
                let r = (c + n) * s - c;
                for &(i, v) in &nz {
                    e.grad[i] += r * v;
                }
                if let Some(h) = e.hess.as_mut() {
                    let k = (c + n) * s * (1.0 - s);
                    for &(i, vi) in &nz {
                        for &(j, vj) in &nz {
                            if j <= i {
                                h[i * dim + j] += k * vi * vj;
                            }
                        }
                    }
                }
            }
            e
        })
        .collect();
    let mut total = Eval {
        loss: 0.0,
        grad: vec![0.0; dim],
        hess: hessian.then(|| vec![0.0; dim * dim]),
    };
    for e in parts {
        total.loss += e.loss;
        for (a, b) in total.grad.iter_mut().zip(&e.grad) {
            *a += b;
        }
        if let (Some(a), Some(b)) = (total.hess.as_mut(), e.hess.as_ref()) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
    for (g, &wi) in total.grad[..p].iter_mut().zip(&w[..p]) {
        total.loss += 0.5 * alpha * wi * wi;
        *g += alpha * wi;
    }
    if let Some(h) = total.hess.as_mut() {
        for i in 0..p {
            h[i * dim + i] += alpha;
        }
        // Mirror the lower triangle.
        for i in 0..dim {
            for j in 0..i {
                h[j * dim + i] = h[i * dim + j];
            }
        }
    }
    total
}

/// Solves `A x = b` for a symmetric positive (semi)definite `A` by Cholesky, with a tiny
/// diagonal jitter if `A` is singular (collinear features without penalty).
fn solve_spd(a: &[f64], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let scale = (0..n)
        .map(|i| a[i * n + i].abs())
        .fold(0.0f64, f64::max)
        .max(1e-300);
    let mut jitter = 0.0;
    loop {
        if let Some(x) = cholesky_solve(a, n, jitter, b) {
            return x;
        }
        jitter = if jitter == 0.0 {
            1e-12 * scale
        } else {
            jitter * 100.0
        };
    }
}

/// Fits the weighted rows with L2 strength `alpha`, starting from `init`; features
/// outside `mask` are left out (weight 0).
pub(crate) fn fit(
    design: &Design,
    rows: &[WeightedRow],
    alpha: f64,
    init: Option<&Coefficients>,
    mask: Option<&[bool]>,
) -> Result<Coefficients> {
    let p = design.spec.len();
    let (cases, controls) = rows
        .iter()
        .fold((0.0, 0.0), |acc, r| (acc.0 + r.1, acc.1 + r.2));
    if cases <= 0.0 || controls <= 0.0 {
        return Err(Error::model(
            "logistic",
            "the data have only one outcome (all converted or none did); a conversion model needs both",
        ));
    }
    let total = cases + controls;
    let mut w = vec![0.0; p + 1];
    match init {
        Some(c) => {
            w[..p].copy_from_slice(&c.weights);
            w[p] = c.intercept;
        }
        None => w[p] = (cases / controls).ln(),
    }
    let mut current = evaluate(design, rows, &w, alpha, true, mask);
    for _ in 0..MAX_ITERATIONS {
        let hess = current.hess.as_ref().expect("Hessian requested");
        let neg_grad: Vec<f64> = current.grad.iter().map(|g| -g).collect();
        let step = solve_spd(hess, &neg_grad);
        let decrement: f64 = step.iter().zip(&neg_grad).map(|(d, g)| d * g).sum();
        if decrement / 2.0 <= TOLERANCE * total {
            break;
        }
        if decrement / 2.0 <= QUADRATIC * total {
            // Close to the optimum Newton converges quadratically and the full step is
            // safe; it also goes below the loss's floating-point resolution, where a
            // line search can no longer tell better from worse.
            w.iter_mut().zip(&step).for_each(|(a, d)| *a += d);
            current = evaluate(design, rows, &w, alpha, true, mask);
            continue;
        }
        let mut t = 1.0;
        let mut improved = false;
        while t > 1e-8 {
            let trial: Vec<f64> = w.iter().zip(&step).map(|(a, d)| a + t * d).collect();
            if evaluate(design, rows, &trial, alpha, false, mask).loss < current.loss {
                w = trial;
                improved = true;
                break;
            }
            t *= 0.5;
        }
        if !improved {
            // At the floor of floating-point resolution: nothing decreases the loss.
            break;
        }
        current = evaluate(design, rows, &w, alpha, true, mask);
    }
    let mean_gradient = current
        .grad
        .iter()
        .map(|g| (g / total).abs())
        .fold(0.0, f64::max);
    Ok(Coefficients {
        intercept: w[p],
        weights: w[..p].to_vec(),
        alpha,
        rows: rows.len(),
        mean_gradient,
        converged: mean_gradient < CONVERGED_MEAN_GRADIENT,
    })
}
