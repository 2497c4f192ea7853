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
//! it lowers `S` (then `μ ← μ/10`), else `μ ← 10μ` and try again. The ceiling `a` enters
//! linearly and is projected out (see [`fit`]), so the steps are in `ln k` (and `ln s`)
//! alone. The derivatives in log-parameters, with `σ = σ(z)` the logistic of
//! `z = s (ln x − ln k)`:
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

/// The shape `h(x; φ)` of `θ`: the curve with `a = 1`, its constants computed once
/// per pass over the data.
#[derive(Clone, Copy)]
struct Shape {
    form: CurveForm,
    ln_k: f64,
    inv_k: f64,
    s: f64,
}

impl Shape {
    fn new(form: CurveForm, theta: &[f64]) -> Shape {
        Shape {
            form,
            ln_k: theta[1],
            inv_k: (-theta[1]).exp(),
            s: if form == CurveForm::Hill {
                theta[2].exp()
            } else {
                1.0
            },
        }
    }

    /// `h(x)` and, when `grad` is given, `∂h/∂φ` (one exponential per point).
    #[inline]
    fn at(&self, x: f64, ln_x: f64, grad: Option<&mut [f64; 2]>) -> f64 {
        if x <= 0.0 {
            if let Some(g) = grad {
                *g = [0.0; 2];
            }
            return 0.0;
        }
        match self.form {
            CurveForm::Hill => {
                let z = self.s * (ln_x - self.ln_k);
                let e = (-z.abs()).exp();
                let h = if z >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                if let Some(d) = grad {
                    let q = e / ((1.0 + e) * (1.0 + e)); // σ (1 − σ)
                    *d = [-q * self.s, q * z];
                }
                h
            }
            CurveForm::Exponential => {
                let u = x * self.inv_k;
                let v = (-u).exp();
                if let Some(d) = grad {
                    *d = [-v * u, 0.0];
                }
                1.0 - v
            }
        }
    }
}

/// `S(θ)`, the weighted sum of squared residuals.
pub(crate) fn sse(form: CurveForm, theta: &[f64], d: &Data) -> f64 {
    let sh = Shape::new(form, theta);
    let a = theta[0].exp();
    let mut s = 0.0;
    for t in 0..d.x.len() {
        if d.w[t] == 0.0 {
            continue;
        }
        let r = d.y[t] - a * sh.at(d.x[t], d.ln_x[t], None);
        s += d.w[t] * r * r;
    }
    s
}

/// Relative decrease of `S` below which a fit has converged: a change of `S` by a
/// relative `1e-7` changes the log-likelihood of 100 periods by `5e-6`, far inside
/// the parameters' sampling error.
const GAIN_TOL: f64 = 1e-7;
/// Largest step in a log-parameter below which a fit has converged (a relative change
/// of the parameter of `1e-9`).
const STEP_TOL: f64 = 1e-9;

/// `(Σ w h², Σ w h y)` at `φ = θ[1..]`.
fn projection(form: CurveForm, theta: &[f64], d: &Data) -> (f64, f64) {
    let sh = Shape::new(form, theta);
    let (mut hh, mut hy) = (0.0, 0.0);
    for t in 0..d.x.len() {
        let w = d.w[t];
        if w == 0.0 {
            continue;
        }
        let h = sh.at(d.x[t], d.ln_x[t], None);
        hh += w * h * h;
        hy += w * h * d.y[t];
    }
    (hh, hy)
}

/// `S` at the best `a` for `φ`: `Σ w y² − (Σ w h y)² / Σ w h²`, and that `a`.
fn projected(form: CurveForm, theta: &[f64], d: &Data, yy: f64) -> (f64, f64) {
    let (hh, hy) = projection(form, theta, d);
    if hh > 0.0 && hy > 0.0 {
        ((yy - hy * hy / hh).max(0.0), hy / hh)
    } else {
        (yy, 0.0)
    }
}

/// Fits by Levenberg–Marquardt from `theta` (updated in place, within `bounds`);
/// returns `S(θ̂)`.
///
/// The model is linear in `a`, so `a` is projected out (variable projection, Golub &
/// Pereyra 1973, with Kaufman's 1975 Jacobian): for the shape `h(x; φ)` (the curve
/// with `a = 1`, `φ = (ln k[, ln s])`) the best `a` is `Σ w h y / Σ w h²`, and the
/// steps are taken in `φ` alone on `S(φ) = Σ w y² − (Σ w h y)²/Σ w h²`, with
/// `JᵀWJ = a² (D − b bᵀ / Σ w h²)`, `D_ij = Σ w ∂_i h ∂_j h`, `b_i = Σ w h ∂_i h`, and
/// `JᵀWr = a (Σ w y ∂_i h − a b_i)`. Without `a` the long curved valley along which
/// `a` and `k` trade off disappears, and fits converge in a few steps. Stops when a
/// step moves no log-parameter by more than `STEP_TOL`, when `S` falls by less than a
/// relative `GAIN_TOL`, when no damping finds a decrease, or after `max_iter`
/// iterations.
pub(crate) fn fit(
    form: CurveForm,
    theta: &mut [f64],
    d: &Data,
    bounds: Bounds,
    max_iter: usize,
) -> f64 {
    let q = form.parameters() - 1;
    bounds.clamp(theta);
    let yy: f64 = (0..d.x.len()).map(|t| d.w[t] * d.y[t] * d.y[t]).sum();
    let (mut cur, mut a) = projected(form, theta, d, yy);
    let mut mu = 1e-4;
    let mut grad = [0.0; 2];
    for _ in 0..max_iter {
        if a <= 0.0 {
            break;
        }
        let sh = Shape::new(form, theta);
        let (mut dd, mut b, mut yd, mut hh) = ([0.0; 4], [0.0; 2], [0.0; 2], 0.0);
        for t in 0..d.x.len() {
            let w = d.w[t];
            if w == 0.0 {
                continue;
            }
            let h = sh.at(d.x[t], d.ln_x[t], Some(&mut grad));
            hh += w * h * h;
            for i in 0..q {
                b[i] += w * h * grad[i];
                yd[i] += w * d.y[t] * grad[i];
                for j in 0..=i {
                    dd[i * q + j] += w * grad[i] * grad[j];
                }
            }
        }
        let mut jtj = [0.0; 4];
        let mut jtr = [0.0; 2];
        for i in 0..q {
            jtr[i] = a * (yd[i] - a * b[i]);
            for j in 0..=i {
                let v = a * a * (dd[i * q + j] - b[i] * b[j] / hh);
                jtj[i * q + j] = v;
                jtj[j * q + i] = v;
            }
        }
        let mut accepted = None;
        let mut converged = false;
        for _ in 0..30 {
            let mut m = jtj;
            for i in 0..q {
                m[i * q + i] += mu * jtj[i * q + i] + 1e-12 * (1.0 + jtj[i * q + i]);
            }
            let Some(step) = cholesky_solve(&m[..q * q], q, 0.0, &jtr[..q]) else {
                mu *= 10.0;
                continue;
            };
            let mut trial = [theta[0], 0.0, 0.0];
            for i in 0..q {
                trial[i + 1] = theta[i + 1] + step[i];
            }
            bounds.clamp(&mut trial[..=q]);
            let moved = (1..=q)
                .map(|i| (trial[i] - theta[i]).abs())
                .fold(0.0, f64::max);
            if moved < STEP_TOL {
                converged = true;
                break;
            }
            let (next, next_a) = projected(form, &trial[..=q], d, yy);
            if next < cur {
                accepted = Some((trial, next, next_a));
                mu = (mu / 10.0).max(1e-15);
                break;
            }
            mu *= 10.0;
            if mu > 1e16 {
                break;
            }
        }
        let Some((trial, next, next_a)) = accepted.filter(|_| !converged) else {
            break;
        };
        theta[1..=q].copy_from_slice(&trial[1..=q]);
        a = next_a;
        let gain = cur - next;
        cur = next;
        if gain <= GAIN_TOL * cur.max(1e-300) {
            break;
        }
    }
    if a > 0.0 {
        theta[0] = a.ln();
    }
    bounds.clamp(theta);
    // The reported S is at the clamped a (the same unless a left its bounds).
    sse(form, theta, d)
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
    let a = natural[0];
    let mut jtj = vec![0.0; p * p];
    let mut dh = [0.0; 2];
    let sh = Shape::new(form, theta);
    for t in 0..d.x.len() {
        if d.w[t] == 0.0 {
            continue;
        }
        let h = sh.at(d.x[t], d.ln_x[t], Some(&mut dh));
        // g = a h: ∂g/∂a = h, and ∂g/∂θ_i = a ∂h/∂ln θ_i / θ_i for k and s.
        let grad = [h, a * dh[0] / natural[1], a * dh[1] / natural[p - 1]];
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
            assert!(s < 1e-8, "{form:?}: {s}");
            let got = curve_of(form, &theta);
            for &x in &xs {
                assert!((got.value(x) - truth.value(x)).abs() < 1e-5);
            }
        }
    }
}
