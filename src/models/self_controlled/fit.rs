//! Maximum conditional likelihood with non-negative effects: projected Newton with
//! Levenberg–Marquardt damping, on the sufficient statistics of [`Design`].
//!
//! For unit `i` with conversions `j` at steps with features `v_ij`, `T_i` steps and
//! feature sums `S_i`, conditioning on its number of conversions `n_i` removes its
//! frailty `α_i` and leaves a multinomial over its steps (Farrington 1995):
//!
//! `ℓ_i(θ) = Σ_j log(1 + θ·v_ij) − n_i log(T_i + θ·S_i)`.
//!
//! Gradient `Σ_j v_ij / w_ij − n_i S_i / W_i` and Hessian
//! `−Σ_j v_ij v_ijᵀ / w_ij² + n_i S_i S_iᵀ / W_i²` (`w = 1 + θ·v`, `W = T + θ·S`).
//! Lift tests add `−(C_c(θ) − I_c)² / (2 se_c²)`, where `C_c` is channel `c`'s credit
//! (its implied incremental conversions), with a Gauss–Newton Hessian. A smoothness
//! penalty `−λ Σ (θ_a − θ_b)²` over neighbouring lag bins of a channel (and `−λ θ²` on
//! its last bin) pools the lag profile's bins ([`Penalty`]; its strength is chosen by
//! held-out likelihood in [`crate::models::self_controlled`]'s lag choice).
//!
//! Units are summed in fixed chunks, in order, so results do not depend on the number
//! of threads.

use rayon::prelude::*;

pub(super) use crate::linalg::{cholesky_solve, spd_inverse as inverse};
use crate::models::self_controlled::design::{Design, UnitStats};
use crate::models::self_controlled::shape::Monotone;

/// The units a fit or an evaluation runs on (all of a design's, or one fold's), with
/// the design's shape.
#[derive(Clone, Debug)]
pub struct Data<'a> {
    /// The units.
    pub units: Vec<&'a UnitStats>,
    /// Features per step.
    pub features: usize,
    /// Calendar classes.
    pub classes: usize,
}

impl<'a> Data<'a> {
    /// Every unit of `design`.
    pub fn all(design: &'a Design) -> Self {
        Data {
            units: design.units.iter().collect(),
            features: design.features,
            classes: design.classes,
        }
    }

    /// The units of `design` whose index `filter` keeps.
    pub fn subset(design: &'a Design, filter: impl Fn(usize) -> bool) -> Self {
        Data {
            units: design
                .units
                .iter()
                .enumerate()
                .filter(|(i, _)| filter(*i))
                .map(|(_, u)| u)
                .collect(),
            features: design.features,
            classes: design.classes,
        }
    }
}

/// A quadratic penalty on the coefficients: `Σ w (θ_a − θ_b)²`, or `w θ_a²` when a term
/// has no second coefficient, subtracted from the log-likelihood.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Penalty {
    /// The terms `(a, b, w)`.
    pub terms: Vec<(usize, Option<usize>, f64)>,
}

impl Penalty {
    /// No penalty.
    pub fn none() -> Self {
        Penalty::default()
    }

    /// The penalty scaled by `lambda`.
    pub fn scaled(&self, lambda: f64) -> Self {
        Penalty {
            terms: self
                .terms
                .iter()
                .map(|&(a, b, w)| (a, b, w * lambda))
                .filter(|t| t.2 > 0.0)
                .collect(),
        }
    }

    /// Subtracts the penalty from `f`, its gradient from `g` and Hessian from `h`
    /// (`q` columns; `h` may be empty).
    fn apply(&self, x: &[f64], q: usize, f: &mut f64, g: &mut [f64], h: &mut [f64]) {
        for &(a, b, w) in &self.terms {
            let d = x[a] - b.map_or(0.0, |b| x[b]);
            *f -= w * d * d;
            g[a] -= 2.0 * w * d;
            if let Some(b) = b {
                g[b] += 2.0 * w * d;
            }
            if !h.is_empty() {
                h[a * q + a] -= 2.0 * w;
                if let Some(b) = b {
                    h[b * q + b] -= 2.0 * w;
                    h[a * q + b] += 2.0 * w;
                    h[b * q + a] += 2.0 * w;
                }
            }
        }
    }
}

/// A lift test as a penalty: the credit of exposure block `block` pulled towards
/// `incremental` with weight `1 / se²`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pull {
    /// The exposure channel's block.
    pub block: usize,
    /// The experiment's incremental conversions.
    pub incremental: f64,
    /// Its standard error.
    pub se: f64,
}

/// The fitted coefficients and how the fit went.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Coefficients (blocks × lag bins), all ≥ 0.
    pub theta: Vec<f64>,
    /// The steps of the monotone profile, `θ = M δ` (see [`Monotone`]), all ≥ 0.
    pub delta: Vec<f64>,
    /// Log calendar baseline per class (class 0 is the reference, 0).
    pub log_baseline: Vec<f64>,
    /// Parameters in `information` (coefficients, then the log baseline).
    pub dim: usize,
    /// The conditional log-likelihood at `theta` (without penalties).
    pub log_likelihood: f64,
    /// Observed information (−Hessian of the penalised objective) over `δ` and the log
    /// baseline, row-major.
    pub information: Vec<f64>,
    /// Newton iterations.
    pub iterations: usize,
    /// Whether the projected gradient met the tolerance.
    pub converged: bool,
}

const CHUNK: usize = 512;

/// Objective value, gradient and Hessian (of the maximised function) of one part, over
/// the coefficients then the log calendar baseline.
struct Part {
    f: f64,
    g: Vec<f64>,
    h: Vec<f64>,
    /// Per pull: credit and its gradient.
    credit: Vec<(f64, Vec<f64>)>,
}

fn lag_dot(theta: &[f64], v: &[f64], range: std::ops::Range<usize>) -> f64 {
    theta[range.clone()]
        .iter()
        .zip(&v[range])
        .map(|(a, b)| a * b)
        .sum()
}

fn part(
    data: &Data<'_>,
    units: std::ops::Range<usize>,
    x: &[f64],
    bins: usize,
    pulls: &[Pull],
    second: bool,
) -> Part {
    let p = data.features;
    let classes = data.classes;
    let q = x.len();
    let (theta, phi) = x.split_at(p);
    let e: Vec<f64> = phi.iter().map(|f| f.exp()).collect();
    let mut out = Part {
        f: 0.0,
        g: vec![0.0; q],
        h: if second { vec![0.0; q * q] } else { Vec::new() },
        credit: pulls.iter().map(|_| (0.0, vec![0.0; q])).collect(),
    };
    let mut s_theta = vec![0.0; p];
    let mut a = vec![0.0; classes];
    // The units' rank-one terms `n S Sᵀ / W²` over the coefficients (`S` the features
    // summed over the steps, each class weighted by its baseline) are gathered as rows
    // `√n S / W` and added as one product `Rᵀ R` (a blocked matrix product); the terms
    // of the calendar baseline are added unit by unit.
    let gather = second;
    let mut rows: Vec<f64> = if gather {
        Vec::with_capacity(units.len() * p)
    } else {
        Vec::new()
    };
    for u in &data.units[units] {
        let n = u.conversions.len() as f64;
        // W = Σ_k e^{φ_k} (T_k + θ·S_k); s_theta = Σ_k e^{φ_k} S_k.
        s_theta.iter_mut().for_each(|v| *v = 0.0);
        let mut big_w = 0.0;
        for k in 0..classes {
            let sk = &u.sum[k * p..(k + 1) * p];
            a[k] = u.steps[k] + dot(theta, sk);
            big_w += e[k] * a[k];
            if e[k] != 0.0 {
                for (t, v) in s_theta.iter_mut().zip(sk) {
                    *t += e[k] * v;
                }
            }
        }
        out.f -= n * big_w.ln();
        for (g, st) in out.g.iter_mut().zip(&s_theta) {
            *g -= n * st / big_w;
        }
        for k in 0..classes {
            out.g[p + k] -= n * e[k] * a[k] / big_w;
        }
        if gather {
            let scale = n.sqrt() / big_w;
            rows.extend(s_theta.iter().map(|v| v * scale));
        }
        if second {
            let c = n / (big_w * big_w);
            if classes > 1 {
                for k in 0..classes {
                    let ek = e[k] * a[k];
                    for l in 0..classes {
                        let el = e[l] * a[l];
                        let mut v = c * ek * el;
                        if k == l {
                            v -= n * ek / big_w;
                        }
                        out.h[(p + k) * q + p + l] += v;
                    }
                    let sk = &u.sum[k * p..(k + 1) * p];
                    for i in 0..p {
                        let v = -n * e[k] * sk[i] / big_w + c * ek * s_theta[i];
                        out.h[i * q + p + k] += v;
                        out.h[(p + k) * q + i] += v;
                    }
                }
            }
        }
        for row in &u.conversions {
            let w = 1.0 + dot(theta, &row.v);
            out.f += w.ln() + phi[row.class];
            out.g[p + row.class] += 1.0;
            let nz: Vec<usize> = (0..p).filter(|&k| row.v[k] != 0.0).collect();
            for &k in &nz {
                out.g[k] += row.v[k] / w;
            }
            if second {
                let c = 1.0 / (w * w);
                for &i in &nz {
                    for &j in &nz {
                        out.h[i * q + j] -= c * row.v[i] * row.v[j];
                    }
                }
            }
            for (pull, (credit, grad)) in pulls.iter().zip(out.credit.iter_mut()) {
                let range = pull.block * bins..(pull.block + 1) * bins;
                let share = lag_dot(theta, &row.v, range.clone());
                *credit += share / w;
                for &k in &nz {
                    let own = if range.contains(&k) {
                        row.v[k] / w
                    } else {
                        0.0
                    };
                    grad[k] += own - share * row.v[k] / (w * w);
                }
            }
        }
    }
    if gather && !rows.is_empty() {
        let r = ndarray::ArrayView2::from_shape((rows.len() / p, p), &rows)
            .expect("rows of p features");
        let product = r.t().dot(&r);
        for i in 0..p {
            let row = &mut out.h[i * q..i * q + p];
            for (h, v) in row.iter_mut().zip(product.row(i)) {
                *h += v;
            }
        }
    }
    out
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The penalised objective, its gradient and Hessian at `x` (coefficients, then the log
/// calendar baseline); the log-likelihood alone is returned too.
fn evaluate(
    data: &Data<'_>,
    x: &[f64],
    bins: usize,
    pulls: &[Pull],
    penalty: &Penalty,
    second: bool,
) -> (f64, f64, Vec<f64>, Vec<f64>) {
    let p = x.len();
    let n = data.units.len();
    let ranges: Vec<std::ops::Range<usize>> = (0..n.div_ceil(CHUNK))
        .map(|i| i * CHUNK..((i + 1) * CHUNK).min(n))
        .collect();
    let parts: Vec<Part> = ranges
        .into_par_iter()
        .map(|r| part(data, r, x, bins, pulls, second))
        .collect();
    let mut total = Part {
        f: 0.0,
        g: vec![0.0; p],
        h: if second { vec![0.0; p * p] } else { Vec::new() },
        credit: pulls.iter().map(|_| (0.0, vec![0.0; p])).collect(),
    };
    for part in parts {
        total.f += part.f;
        for (a, b) in total.g.iter_mut().zip(&part.g) {
            *a += b;
        }
        for (a, b) in total.h.iter_mut().zip(&part.h) {
            *a += b;
        }
        for ((c, g), (pc, pg)) in total.credit.iter_mut().zip(&part.credit) {
            *c += pc;
            for (a, b) in g.iter_mut().zip(pg) {
                *a += b;
            }
        }
    }
    let log_likelihood = total.f;
    let (mut f, mut g, mut h) = (total.f, total.g, total.h);
    for (pull, (credit, grad)) in pulls.iter().zip(&total.credit) {
        let weight = 1.0 / (pull.se * pull.se);
        let r = credit - pull.incremental;
        f -= 0.5 * weight * r * r;
        for k in 0..p {
            g[k] -= weight * r * grad[k];
        }
        if second {
            for a in 0..p {
                for b in 0..p {
                    h[a * p + b] -= weight * grad[a] * grad[b];
                }
            }
        }
    }
    penalty.apply(x, p, &mut f, &mut g, &mut h);
    (f, log_likelihood, g, h)
}

/// The conditional log-likelihood of `data` at the coefficients `theta` and log
/// calendar baseline `log_baseline` (held-out scoring).
pub fn log_likelihood(data: &Data<'_>, theta: &[f64], log_baseline: &[f64]) -> f64 {
    let x: Vec<f64> = theta.iter().chain(log_baseline).copied().collect();
    evaluate(data, &x, 1, &[], &Penalty::none(), false).1
}

/// What a fit maximises: the data, lift-test pulls, the penalty, coefficients held at
/// 0, and where to start.
pub struct Problem<'a> {
    /// The units.
    pub data: Data<'a>,
    /// Lag bins per block.
    pub bins: usize,
    /// Lift tests.
    pub pulls: &'a [Pull],
    /// The smoothness penalty, scaled.
    pub penalty: Penalty,
    /// Coefficients held at 0.
    pub fixed_zero: &'a [bool],
    /// A starting point (coefficients then log baseline), e.g. a neighbouring fit's.
    pub start: Option<Vec<f64>>,
    /// The monotone profile's map (the identity for free bins).
    pub shape: &'a Monotone,
}

/// [`evaluate`] over `δ` (and the log baseline): the objective, log-likelihood, and the
/// gradient and Hessian mapped through `M`.
fn evaluate_delta(
    problem: &Problem<'_>,
    y: &[f64],
    second: bool,
) -> (f64, f64, Vec<f64>, Vec<f64>) {
    let x = problem.shape.theta(y);
    let (f, ll, g, h) = evaluate(
        &problem.data,
        &x,
        problem.bins,
        problem.pulls,
        &problem.penalty,
        second,
    );
    let g = problem.shape.gradient(&g);
    let h = if second {
        problem.shape.hessian(&h, y.len())
    } else {
        h
    };
    (f, ll, g, h)
}

/// Maximises the penalised conditional likelihood over `theta ≥ 0` (and the log
/// calendar baseline, class 0 held at 0), with the coefficients in `fixed_zero` held
/// at 0 (for likelihood-ratio tests).
pub fn solve(problem: &Problem<'_>, max_iterations: usize, tolerance: f64) -> Solution {
    let data = &problem.data;
    let fixed_zero = problem.fixed_zero;
    let p = data.features;
    let q = p + data.classes;
    // The baseline's first class is the reference (log b = 0).
    let fixed: Vec<bool> = (0..q)
        .map(|k| if k < p { fixed_zero[k] } else { k == p })
        .collect();
    let bounded = |k: usize| k < p;
    // Works on δ (the monotone profile's steps), every one ≥ 0.
    let mut x: Vec<f64> = match &problem.start {
        Some(start) if start.len() == q => problem.shape.delta(start),
        _ => problem.shape.delta(
            &(0..q)
                .map(|k| if k < p { 0.05 } else { 0.0 })
                .collect::<Vec<_>>(),
        ),
    };
    for (k, v) in x.iter_mut().enumerate() {
        if fixed[k] {
            *v = 0.0;
        }
    }
    let (mut f, _, mut g, mut h) = evaluate_delta(problem, &x, true);
    let mut mu = 1e-6;
    let mut converged = false;
    let mut iterations = 0;
    while iterations < max_iterations {
        iterations += 1;
        // Free: off the bound, or on it with the gradient pointing inside.
        let free: Vec<usize> = (0..q)
            .filter(|&k| !fixed[k] && (!bounded(k) || x[k] > 0.0 || g[k] > 0.0))
            .collect();
        let projected = free.iter().map(|&k| g[k].abs()).fold(0.0, f64::max);
        let scale = 1.0 + f.abs();
        if projected <= tolerance * scale {
            converged = true;
            break;
        }
        let m = free.len();
        let neg_h: Vec<f64> = free
            .iter()
            .flat_map(|&a| free.iter().map(move |&b| (a, b)))
            .map(|(a, b)| -h[a * q + b])
            .collect();
        let gf: Vec<f64> = free.iter().map(|&k| g[k]).collect();
        let diag_scale = (0..m).map(|i| neg_h[i * m + i].abs()).fold(1e-12, f64::max);
        let mut improved = false;
        for _ in 0..40 {
            let Some(step) = cholesky_solve(&neg_h, m, mu * diag_scale, &gf) else {
                mu = (mu * 10.0).max(1e-8);
                continue;
            };
            let mut trial = x.clone();
            for (i, &k) in free.iter().enumerate() {
                trial[k] = x[k] + step[i];
                if bounded(k) {
                    trial[k] = trial[k].max(0.0);
                }
            }
            let (ft, _, _, _) = evaluate_delta(problem, &trial, false);
            if ft.is_finite() && ft >= f - 1e-12 * scale {
                let gain = ft - f;
                x = trial;
                (f, _, g, h) = evaluate_delta(problem, &x, true);
                mu = (mu / 10.0).max(1e-12);
                improved = true;
                if gain.abs() <= 1e-14 * scale {
                    converged = true;
                }
                break;
            }
            mu = (mu * 10.0).max(1e-8);
        }
        if !improved || converged {
            converged = converged || !improved && projected <= 1e3 * tolerance * scale;
            break;
        }
    }
    let (_, log_likelihood, _, h) = evaluate_delta(problem, &x, true);
    let theta = problem.shape.theta(&x);
    Solution {
        theta: theta[..p].to_vec(),
        delta: x[..p].to_vec(),
        log_baseline: x[p..].to_vec(),
        log_likelihood,
        information: h.iter().map(|v| -v).collect(),
        dim: q,
        iterations,
        converged,
    }
}
