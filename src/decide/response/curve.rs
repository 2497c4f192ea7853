//! A channel's response curve per period, and a curve as fitted to data.
//!
//! Two saturating forms, each increasing from `g(0) = 0` towards the ceiling `a`:
//!
//! * **Hill** `g(x) = a · x^s / (x^s + k^s)`, the shape curve of Jin et al. (2017),
//!   "Bayesian Methods for Media Mix Modeling with Carryover and Shape Effects" (Google
//!   Inc.), eq. 3: `k` is the half-saturation point (`g(k) = a/2`) and `s` the slope. Its
//!   derivative is `g'(x) = a · s · k^s · x^(s−1) / (x^s + k^s)²`. It is concave on
//!   `x ≥ 0` exactly when `s ≤ 1`; for `s > 1` it is an S-curve, convex up to the
//!   inflection point `x* = k ((s − 1)/(s + 1))^(1/s)` and concave after it.
//! * **Exponential saturation** `g(x) = a (1 − e^(−x/k))`, with `g'(x) = (a/k) e^(−x/k)`:
//!   concave everywhere, `k` the spend at which `1 − 1/e ≈ 63%` of the ceiling is reached.
//!
//! Numerically the Hill curve is evaluated as `a · σ(z)` with `z = s (ln x − ln k)` and
//! `σ` the logistic function, so no power overflows.

use serde::Serialize;

/// The functional form of a [`Curve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CurveForm {
    /// `a · x^s / (x^s + k^s)`.
    Hill,
    /// `a (1 − e^(−x/k))`.
    Exponential,
}

impl CurveForm {
    /// The form's name (`hill`, `exponential`).
    pub fn name(self) -> &'static str {
        match self {
            CurveForm::Hill => "hill",
            CurveForm::Exponential => "exponential",
        }
    }

    /// Number of free parameters (3 for Hill, 2 for exponential).
    pub fn parameters(self) -> usize {
        match self {
            CurveForm::Hill => 3,
            CurveForm::Exponential => 2,
        }
    }
}

/// The response of one channel in one period to the spend `x` of that period.
///
/// Parameters are positive (`a ≥ 0` for a channel with no response); see the module
/// documentation for the formulas.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Curve {
    /// Hill curve `a · x^s / (x^s + k^s)`.
    Hill {
        /// Ceiling (the response as spend grows without bound).
        a: f64,
        /// Half-saturation spend: `g(k) = a/2`.
        k: f64,
        /// Slope (shape): concave for `s ≤ 1`, S-shaped for `s > 1`.
        s: f64,
    },
    /// Exponential saturation `a (1 − e^(−x/k))`.
    Exponential {
        /// Ceiling.
        a: f64,
        /// Scale: `g(k) = a (1 − 1/e)`.
        k: f64,
    },
}

/// `ln(1 + e^t)` without overflow.
fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

impl Curve {
    /// The form of the curve.
    pub fn form(&self) -> CurveForm {
        match self {
            Curve::Hill { .. } => CurveForm::Hill,
            Curve::Exponential { .. } => CurveForm::Exponential,
        }
    }

    /// The ceiling `a`.
    pub fn ceiling(&self) -> f64 {
        match *self {
            Curve::Hill { a, .. } | Curve::Exponential { a, .. } => a,
        }
    }

    /// True when every parameter is finite, `a ≥ 0`, `k > 0` and (Hill) `s > 0`.
    pub fn is_valid(&self) -> bool {
        match *self {
            Curve::Hill { a, k, s } => {
                a.is_finite() && a >= 0.0 && k.is_finite() && k > 0.0 && s.is_finite() && s > 0.0
            }
            Curve::Exponential { a, k } => a.is_finite() && a >= 0.0 && k.is_finite() && k > 0.0,
        }
    }

    /// The response `g(x)` (0 for `x ≤ 0`).
    pub fn value(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match *self {
            Curve::Hill { a, k, s } => {
                let z = s * (x.ln() - k.ln());
                a / (1.0 + (-z).exp())
            }
            Curve::Exponential { a, k } => -a * (-x / k).exp_m1(),
        }
    }

    /// The marginal response `g'(x)`, the derivative. At `x = 0` it is the right
    /// derivative: `+∞` for a Hill curve with `s < 1`, `a/k` for `s = 1`, `0` for `s > 1`.
    pub fn marginal(&self, x: f64) -> f64 {
        match *self {
            Curve::Hill { a, k, s } => {
                if x <= 0.0 {
                    return if a == 0.0 {
                        0.0
                    } else if s < 1.0 {
                        f64::INFINITY
                    } else if s == 1.0 {
                        a / k
                    } else {
                        0.0
                    };
                }
                // g' = a s σ(z) (1 − σ(z)) / x, with σ(z)(1 − σ(z)) = e^(−|z|) / (1 + e^(−|z|))².
                let z = s * (x.ln() - k.ln());
                let e = (-z.abs()).exp();
                a * s * e / ((1.0 + e) * (1.0 + e)) / x
            }
            Curve::Exponential { a, k } => a / k * (-x.max(0.0) / k).exp(),
        }
    }

    /// `ln g'(x)` for `x > 0` (`−∞` when `a = 0`), computed without overflow; the
    /// optimiser solves `g'(x) = λ` in this form.
    pub fn ln_marginal(&self, x: f64) -> f64 {
        match *self {
            Curve::Hill { a, k, s } => {
                let z = s * (x.ln() - k.ln());
                (a * s).ln() - softplus(-z) - softplus(z) - x.ln()
            }
            Curve::Exponential { a, k } => (a / k).ln() - x / k,
        }
    }

    /// True when the curve is concave on `x ≥ 0`: always for the exponential form, for
    /// Hill exactly when `s ≤ 1` (or when `a = 0`, the zero function).
    pub fn is_concave(&self) -> bool {
        match *self {
            Curve::Hill { a, s, .. } => s <= 1.0 || a == 0.0,
            Curve::Exponential { .. } => true,
        }
    }

    /// True when the curve is concave on `[lo, ∞)`: a concave curve, or an S-curve
    /// whose inflection point is at or below `lo`. A plan whose every channel is
    /// concave from its lower bound is solved exactly by equal marginal returns.
    pub fn is_concave_from(&self, lo: f64) -> bool {
        self.is_concave() || self.inflection().is_some_and(|x| x <= lo)
    }

    /// The inflection point of an S-curve (Hill with `s > 1`):
    /// `x* = k ((s − 1)/(s + 1))^(1/s)`, where `g'` peaks; `None` for a concave curve.
    pub fn inflection(&self) -> Option<f64> {
        match *self {
            Curve::Hill { a, k, s } if s > 1.0 && a > 0.0 => {
                Some(k * ((s - 1.0) / (s + 1.0)).powf(1.0 / s))
            }
            _ => None,
        }
    }

    /// The curve multiplied by a per-unit value `f` (e.g. conversions per exposure, or
    /// revenue per conversion): `f · g(x)`, which scales the ceiling `a`.
    pub fn scaled(&self, f: f64) -> Curve {
        match *self {
            Curve::Hill { a, k, s } => Curve::Hill { a: a * f, k, s },
            Curve::Exponential { a, k } => Curve::Exponential { a: a * f, k },
        }
    }

    /// The curve with its spend axis stretched: `x ↦ g(x / c)` for `c > 0`, which
    /// scales the half-saturation (or scale) `k` by `c`.
    pub fn stretched(&self, c: f64) -> Curve {
        match *self {
            Curve::Hill { a, k, s } => Curve::Hill { a, k: k * c, s },
            Curve::Exponential { a, k } => Curve::Exponential { a, k: k * c },
        }
    }
}

/// Standard errors of a fitted curve's parameters (see [`FitParams`](super::FitParams)
/// for how they are computed).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StdErrors {
    /// Of the ceiling `a`.
    pub a: f64,
    /// Of `k` (of the curve as fitted, in adstocked spend).
    pub k: f64,
    /// Of the Hill slope `s` (none for the exponential form).
    pub s: Option<f64>,
}

/// One candidate of the form and adstock choice, with its held-out error.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// The form.
    pub form: CurveForm,
    /// The adstock decay `α`.
    pub adstock: f64,
    /// Root mean squared error of held-out predictions over the folds.
    pub held_out_error: f64,
}

/// A curve fitted to a channel's per-period spend and response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedCurve {
    /// The response to a steady per-period spend `x`, for planning: the fitted curve of
    /// adstocked spend at `x̃ = x / (1 − α)`, the level geometric adstock settles at
    /// under constant spend (`Σ_l α^l x = x/(1 − α)`); equal to [`fitted`](Self::fitted)
    /// when `α = 0`.
    pub curve: Curve,
    /// The curve as fitted: the response to adstocked spend `x̃_t = Σ_l α^l x_(t−l)`.
    pub fitted: Curve,
    /// The form chosen.
    pub form: CurveForm,
    /// The adstock decay `α` chosen (0: no carryover).
    pub adstock: f64,
    /// Smallest per-period spend in the data.
    pub spend_min: f64,
    /// Largest per-period spend in the data.
    pub spend_max: f64,
    /// Periods fitted.
    pub periods: usize,
    /// Folds of the held-out error (the number of periods for leave-one-out).
    pub folds: usize,
    /// Held-out root mean squared error of the chosen form and adstock.
    pub held_out_error: f64,
    /// In-sample root mean squared error.
    pub rmse: f64,
    /// Standard errors of [`fitted`](Self::fitted)'s parameters; none when the
    /// parameters are not identified (a singular Jacobian, or no more periods than
    /// parameters).
    pub std_errors: Option<StdErrors>,
    /// Every candidate considered, in the order tried (forms, then adstock ascending).
    pub candidates: Vec<Candidate>,
}

impl FittedCurve {
    /// True when `x` lies outside the spend range the curve was fitted on (by more than
    /// a relative `1e-9`).
    pub fn outside_range(&self, x: f64) -> bool {
        let tol = 1e-9 * self.spend_max.abs().max(1.0);
        x < self.spend_min - tol || x > self.spend_max + tol
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Hill curve at its half-saturation point is half its ceiling; the
    /// derivative matches a central difference; `s = 1` at 0 has slope `a/k`.
    #[test]
    fn hill_values_and_derivatives() {
        let h = Curve::Hill {
            a: 10.0,
            k: 4.0,
            s: 2.5,
        };
        assert!((h.value(4.0) - 5.0).abs() < 1e-12);
        // 10 · 2^2.5 / (2^2.5 + 4^2.5) = 10 · 5.656854 / (5.656854 + 32).
        let x: f64 = 2.0;
        let direct = 10.0 * x.powf(2.5) / (x.powf(2.5) + 4f64.powf(2.5));
        assert!((h.value(x) - direct).abs() < 1e-12);
        for &x in &[0.1, 1.0, 3.0, 4.0, 9.0, 100.0] {
            let d = 1e-6 * x;
            let numeric = (h.value(x + d) - h.value(x - d)) / (2.0 * d);
            assert!((h.marginal(x) - numeric).abs() < 1e-6 * (1.0 + numeric.abs()));
            assert!((h.ln_marginal(x) - h.marginal(x).ln()).abs() < 1e-10);
        }
        assert!(!h.is_concave());
        assert!(!h.is_concave_from(0.0) && h.is_concave_from(4.0));
        let x_star = h.inflection().unwrap();
        // g' peaks at the inflection point.
        assert!(h.marginal(x_star) > h.marginal(x_star * 0.99));
        assert!(h.marginal(x_star) > h.marginal(x_star * 1.01));
        let one = Curve::Hill {
            a: 6.0,
            k: 3.0,
            s: 1.0,
        };
        assert_eq!(one.marginal(0.0), 2.0);
        assert!(one.is_concave() && one.inflection().is_none());
        let half = Curve::Hill {
            a: 6.0,
            k: 3.0,
            s: 0.5,
        };
        assert_eq!(half.marginal(0.0), f64::INFINITY);
        assert_eq!(h.marginal(0.0), 0.0);
        assert_eq!(h.value(0.0), 0.0);
    }

    #[test]
    fn exponential_values_scaling_and_stretching() {
        let e = Curve::Exponential { a: 8.0, k: 2.0 };
        assert!((e.value(2.0) - 8.0 * (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        assert!((e.marginal(2.0) - 4.0 * (-1.0f64).exp()).abs() < 1e-12);
        assert!((e.ln_marginal(2.0) - e.marginal(2.0).ln()).abs() < 1e-12);
        assert!(e.is_concave());
        let s = e.scaled(0.5);
        assert!((s.value(3.0) - 0.5 * e.value(3.0)).abs() < 1e-12);
        let t = e.stretched(0.7);
        assert!((t.value(0.7) - e.value(1.0)).abs() < 1e-12);
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"form":"exponential","a":8.0,"k":2.0}"#);
    }

    #[test]
    fn extreme_arguments_stay_finite() {
        let h = Curve::Hill {
            a: 1.0,
            k: 1.0,
            s: 8.0,
        };
        assert_eq!(h.value(1e300), 1.0);
        assert!(h.value(1e-300) >= 0.0);
        assert!(h.marginal(1e300).is_finite() && h.marginal(1e-300).is_finite());
        assert!(
            !Curve::Hill {
                a: 1.0,
                k: 0.0,
                s: 1.0
            }
            .is_valid()
        );
        assert!(
            !Curve::Exponential {
                a: f64::NAN,
                k: 1.0
            }
            .is_valid()
        );
    }
}
