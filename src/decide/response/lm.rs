//! Weighted nonlinear least squares for one curve form: Levenberg–Marquardt in
//! log-parameters, and the parameters' standard errors.
//!
//! **Problem.** Minimise `S(θ) = Σ_t w_t (y_t − g(x_t; θ))²` over `θ = (ln a, ln k)`
//! (exponential) or `(ln a, ln k, ln s)` (Hill). Working in logarithms keeps every
//! parameter positive without constraints. The weights are 1 for a plain fit, 0/1 for a
//! fold's training set, and resampling counts for a bootstrap draw.
//!
//! **Step.** Levenberg (1944), Marquardt (1963): with the Jacobian `J_ti = ∂g(x_t)/∂θ_i`
//! and residuals `r = y − g`, solve `(JᵀWJ + μ·diag(JᵀWJ)) δ = JᵀWr`; accept `θ + δ` when
//! it lowers `S` (then `μ ← μ/3`), else `μ ← 4μ` and try again. The derivatives in
//! log-parameters, with `σ = σ(z)` the logistic of `z = s (ln x − ln k)`:
//! Hill `∂g/∂ln a = g`, `∂g/∂ln k = −a s σ(1 − σ)`, `∂g/∂ln s = a σ(1 − σ) z`;
//! exponential (`v = e^(−x/k)`) `∂g/∂ln a = g`, `∂g/∂ln k = −a v x/k`.
//! `k` is kept within a factor `K_SPAN` of the data's spend, and `s` within
//! `[S_MIN, S_MAX]`, so a flat ridge (`k` far above every spend, where only `a/k^s`
//! is identified) cannot carry the iteration away.
//!
//! **Standard errors** (the Gauss–Newton approximation, e.g. Seber & Wild 1989,
//! "Nonlinear Regression", §2.1): `Cov(â, k̂, ŝ) ≈ σ̂² (J_nᵀ J_n)⁻¹` with `J_n` the
//! Jacobian in the natural parameters at the optimum and `σ̂² = S(θ̂)/(n − p)`.

use crate::linalg::{cholesky_solve, spd_inverse};

use super::curve::{Curve, CurveForm, StdErrors};

/// Smallest Hill slope a fit may reach.
pub(crate) const S_MIN: f64 = 0.05;
/// Largest Hill slope a fit may reach.
pub(crate) const S_MAX: f64 = 20.0;
/// `k` stays within this factor below the smallest and above the largest positive spend.
pub(crate) const K_SPAN: f64 = 1e3;
/// Iterations of a fit started cold (from a coarse grid).
pub(crate) const MAX_ITER: usize = 200;

/// The data of a fit: spend (adstocked), its logarithm, response, and weights.
pub(crate) struct Data<'a> {
    pub(crate) x: &'a [f64],
    pub(crate) ln_x: &'a [f64],
    pub(crate) y: &'a [f64],
    pub(crate) w: &'a [f64],
}

/// Bounds on `θ` (log-parameters) for a data set.
#[derive(Clone, Copy)]
pub(crate) struct Bounds {
    ln_k: (f64, f64),
}

impl Bounds {
    /// Bounds from the smallest and largest positive spend.
    pub(crate) fn new(min_pos: f64, max: f64) -> Bounds {
        Bounds {
            ln_k: ((min_pos / K_SPAN).ln(), (max * K_SPAN).ln()),
        }
    }

    fn clamp(&self, theta: &mut [f64]) {
        theta[1] = theta[1].clamp(self.ln_k.0, self.ln_k.1);
        if theta.len() == 3 {
            theta[2] = theta[2].clamp(S_MIN.ln(), S_MAX.ln());
        }
        theta[0] = theta[0].clamp(-700.0, 700.0);
    }
}

/// The curve of log-parameters `θ`.
pub(crate) fn curve_of(form: CurveForm, theta: &[f64]) -> Curve {
    match form {
        CurveForm::Hill => Curve::Hill {
            a: theta[0].exp(),
            k: theta[1].exp(),
            s: theta[2].exp(),
        },
        CurveForm::Exponential => Curve::Exponential {
            a: theta[0].exp(),
            k: theta[1].exp(),
        },
    }
}

/// `g(x_t)` and, when `grad` is given, `∂g/∂θ` at one point.
#[inline]
fn eval(form: CurveForm, theta: &[f64], x: f64, ln_x: f64, grad: Option<&mut [f64; 3]>) -> f64 {
    if x <= 0.0 {
        if let Some(g) = grad {
            *g = [0.0; 3];
        }
        return 0.0;
    }
    let a = theta[0].exp();
    match form {
        CurveForm::Hill => {
            let s = theta[2].exp();
            let z = s * (ln_x - theta[1]);
            let e = (-z.abs()).exp();
            let sig = if z >= 0.0 {
                1.0 / (1.0 + e)
            } else {
                e / (1.0 + e)
            };
            let g = a * sig;
            if let Some(d) = grad {
                let q = a * e / ((1.0 + e) * (1.0 + e)); // a σ (1 − σ)
                *d = [g, -q * s, q * z];
            }
            g
        }
        CurveForm::Exponential => {
            let k = theta[1].exp();
            let v = (-x / k).exp();
            let g = -a * (-x / k).exp_m1();
            if let Some(d) = grad {
                *d = [g, -a * v * x / k, 0.0];
            }
            g
        }
    }
}

/// `S(θ)`, the weighted sum of squared residuals.
pub(crate) fn sse(form: CurveForm, theta: &[f64], d: &Data) -> f64 {
    let mut s = 0.0;
    for t in 0..d.x.len() {
        if d.w[t] == 0.0 {
            continue;
        }
        let r = d.y[t] - eval(form, theta, d.x[t], d.ln_x[t], None);
        s += d.w[t] * r * r;
    }
    s
}

/// Fits by Levenberg–Marquardt from `theta` (updated in place, within `bounds`);
/// returns `S(θ̂)`.
pub(crate) fn fit(
    form: CurveForm,
    theta: &mut [f64],
    d: &Data,
    bounds: Bounds,
    max_iter: usize,
) -> f64 {
    let p = form.parameters();
    bounds.clamp(theta);
    let mut cur = sse(form, theta, d);
    let mut mu = 1e-3;
    let mut jtj = [0.0; 9];
    let mut jtr = [0.0; 3];
    let mut grad = [0.0; 3];
    for _ in 0..max_iter {
        jtj[..p * p].fill(0.0);
        jtr[..p].fill(0.0);
        for t in 0..d.x.len() {
            let w = d.w[t];
            if w == 0.0 {
                continue;
            }
            let g = eval(form, theta, d.x[t], d.ln_x[t], Some(&mut grad));
            let r = d.y[t] - g;
            for i in 0..p {
                jtr[i] += w * grad[i] * r;
                for j in 0..=i {
                    jtj[i * p + j] += w * grad[i] * grad[j];
                }
            }
        }
        for i in 0..p {
            for j in 0..i {
                jtj[j * p + i] = jtj[i * p + j];
            }
        }
        let mut accepted = None;
        for _ in 0..30 {
            let mut a = jtj;
            for i in 0..p {
                a[i * p + i] += mu * jtj[i * p + i] + 1e-12 * (1.0 + jtj[i * p + i]);
            }
            let Some(step) = cholesky_solve(&a[..p * p], p, 0.0, &jtr[..p]) else {
                mu *= 4.0;
                continue;
            };
            let mut trial = [0.0; 3];
            for i in 0..p {
                trial[i] = theta[i] + step[i];
            }
            bounds.clamp(&mut trial[..p]);
            let next = sse(form, &trial[..p], d);
            if next < cur {
                accepted = Some((trial, next));
                mu = (mu / 3.0).max(1e-12);
                break;
            }
            mu *= 4.0;
            if mu > 1e16 {
                break;
            }
        }
        let Some((trial, next)) = accepted else {
            break;
        };
        let moved = (0..p)
            .map(|i| (trial[i] - theta[i]).abs())
            .fold(0.0, f64::max);
        theta[..p].copy_from_slice(&trial[..p]);
        let gain = cur - next;
        cur = next;
        if gain <= 1e-12 * cur.max(1e-300) || moved < 1e-10 {
            break;
        }
    }
    cur
}

/// Standard errors of the natural parameters `(a, k[, s])` at `theta` (unit weights
/// over the points with `w > 0`): `σ̂² (J_nᵀ W J_n)⁻¹` with `σ̂² = S/(n − p)`; `None` when
/// `n ≤ p` or `J_nᵀ W J_n` is singular.
pub(crate) fn std_errors(form: CurveForm, theta: &[f64], d: &Data) -> Option<StdErrors> {
    let p = form.parameters();
    let n: f64 = d.w.iter().sum();
    if n <= p as f64 {
        return None;
    }
    let natural: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
    let mut jtj = vec![0.0; p * p];
    let mut grad = [0.0; 3];
    for t in 0..d.x.len() {
        if d.w[t] == 0.0 {
            continue;
        }
        eval(form, theta, d.x[t], d.ln_x[t], Some(&mut grad));
        // ∂g/∂θ_i = θ_i^nat · ∂g/∂(natural)_i.
        for i in 0..p {
            grad[i] /= natural[i];
        }
        for i in 0..p {
            for j in 0..p {
                jtj[i * p + j] += d.w[t] * grad[i] * grad[j];
            }
        }
    }
    // Scale to unit diagonal before inverting, so parameters of very different sizes
    // do not make a well-posed problem look singular.
    let scale: Vec<f64> = (0..p).map(|i| jtj[i * p + i].sqrt()).collect();
    if scale
        .iter()
        .any(|&v| v.is_nan() || v <= 0.0 || !v.is_finite())
    {
        return None;
    }
    let scaled: Vec<f64> = (0..p * p)
        .map(|ij| jtj[ij] / (scale[ij / p] * scale[ij % p]))
        .collect();
    let inv = spd_inverse(&scaled, p)?;
    let sigma2 = sse(form, theta, d) / (n - p as f64);
    let se = |i: usize| {
        let v = inv[i * p + i] / (scale[i] * scale[i]) * sigma2;
        if v >= 0.0 && v.is_finite() {
            Some(v.sqrt())
        } else {
            None
        }
    };
    Some(StdErrors {
        a: se(0)?,
        k: se(1)?,
        s: if p == 3 { Some(se(2)?) } else { None },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_of(curve: Curve, xs: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let ln: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
        let y: Vec<f64> = xs.iter().map(|&x| curve.value(x)).collect();
        (ln, y, vec![1.0; xs.len()])
    }

    /// Exact data are fitted exactly from a start far off, in both forms.
    #[test]
    fn recovers_exact_curves() {
        let xs: Vec<f64> = (1..40).map(|i| i as f64 * 2.5).collect();
        let truths = [
            Curve::Hill {
                a: 500.0,
                k: 30.0,
                s: 1.8,
            },
            Curve::Exponential { a: 200.0, k: 25.0 },
        ];
        for truth in truths {
            let (ln_x, y, w) = data_of(truth, &xs);
            let d = Data {
                x: &xs,
                ln_x: &ln_x,
                y: &y,
                w: &w,
            };
            let form = truth.form();
            let mut theta =
                vec![(300.0f64).ln(), (60.0f64).ln(), 0.0][..form.parameters()].to_vec();
            let s = fit(form, &mut theta, &d, Bounds::new(2.5, 97.5), MAX_ITER);
            assert!(s < 1e-12, "{form:?}: {s}");
            let got = curve_of(form, &theta);
            for &x in &xs {
                assert!((got.value(x) - truth.value(x)).abs() < 1e-6);
            }
        }
    }
}
