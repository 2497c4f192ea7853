//! Equal marginal returns: the KKT solution of a plan over concave curves, and each
//! channel's best spend at a given marginal return.
//!
//! **Fixed total.** Maximise `Σ_c g_c(x_c)` subject to `Σ_c x_c = B`,
//! `lo_c ≤ x_c ≤ hi_c`, with every `g_c` concave. The Karush–Kuhn–Tucker conditions
//! (necessary and, for concave `g_c`, sufficient) say there is a multiplier `λ` with
//! `g'_c(x_c) = λ` for every channel strictly inside its bounds, `g'_c(lo_c) ≤ λ` for a
//! channel at its lower bound and `g'_c(hi_c) ≥ λ` at its upper bound: the marginal
//! returns are equalised ("water-filling"; Ibaraki & Katoh 1988, "Resource Allocation
//! Problems", ch. 2). Hence `x_c(λ) = clamp((g'_c)⁻¹(λ), lo_c, hi_c)`, which does not
//! increase in `λ`, and `λ` solves `Σ_c x_c(λ) = B`. That equation is solved in `ln λ`
//! by regula falsi with the Illinois modification (Dowell & Jarratt 1971), keeping a
//! bracket `S(λ_a) ≥ B ≥ S(λ_b)`; the final allocation is the convex combination of the
//! two bracket ends that spends exactly `B`, each within its bounds.
//!
//! **Inverse marginals.** Exponential: `x = k ln(a / (k λ))`. Hill with `s = 1`:
//! `x = √(a k / λ) − k`. Other Hill slopes: the root of `ln g'(e^y) = ln λ` in
//! `y = ln x`, where `ln g'` is close to linear at both ends (slope `s − 1` for small
//! `x`, `−(s + 1)` for large), by the same Illinois iteration.
//!
//! **Target marginal return `m`.** No total: each channel maximises its own
//! `g_c(x) − m x` within its bounds. For a concave curve that is `x_c(m)`; for an
//! S-curve (Hill, `s > 1`) the candidates are the bounds and the root of `g' = m` on
//! the falling side of `g'` (beyond the inflection point), and the best is taken:
//! globally optimal for each channel.

use super::curve::Curve;

/// Iterations of a regula falsi solve (the bracket shrinks superlinearly; this is a
/// guard, never reached in practice).
const MAX_ROOT_ITER: usize = 200;

/// Regula falsi with the Illinois modification for a decreasing `f` on `[a, b]` with
/// `f(a) ≥ 0 ≥ f(b)`; returns the bracket at the end `(a, fa, b, fb)`.
pub(crate) fn illinois(
    mut f: impl FnMut(f64) -> f64,
    mut a: f64,
    mut fa: f64,
    mut b: f64,
    mut fb: f64,
    x_tol: f64,
    f_tol: f64,
) -> (f64, f64, f64, f64) {
    let mut side = 0i8;
    for _ in 0..MAX_ROOT_ITER {
        if fa <= f_tol || -fb <= f_tol || (b - a).abs() <= x_tol {
            break;
        }
        let mut c = b - fb * (b - a) / (fb - fa);
        if !(c > a.min(b) && c < a.max(b)) {
            c = 0.5 * (a + b);
        }
        let fc = f(c);
        if fc > 0.0 {
            a = c;
            fa = fc;
            if side == 1 {
                fb *= 0.5;
            }
            side = 1;
        } else if fc < 0.0 {
            b = c;
            fb = fc;
            if side == -1 {
                fa *= 0.5;
            }
            side = -1;
        } else {
            return (c, 0.0, c, 0.0);
        }
    }
    (a, fa, b, fb)
}

/// The root of `g'(x) = λ` on `[lo, hi]` where `g'` decreases, `g'(lo) > λ > g'(hi)`
/// (`hi` may be infinite, `lo` may be 0), in `y = ln x`.
fn falling_root(c: &Curve, ln_lambda: f64, lo: f64, hi: f64) -> f64 {
    let f = |y: f64| c.ln_marginal(y.exp()) - ln_lambda;
    let k = match *c {
        Curve::Hill { k, .. } | Curve::Exponential { k, .. } => k,
    };
    let (ya, fa) = if lo > 0.0 {
        (lo.ln(), f(lo.ln()))
    } else {
        let mut y = k.ln() - 1.0;
        let mut fy = f(y);
        for _ in 0..100 {
            if fy > 0.0 {
                break;
            }
            y -= 4.0;
            fy = f(y);
        }
        (y, fy)
    };
    let (yb, fb) = if hi.is_finite() {
        (hi.ln(), f(hi.ln()))
    } else {
        let mut y = ya.max(k.ln()) + 1.0;
        let mut fy = f(y);
        for _ in 0..100 {
            if fy < 0.0 {
                break;
            }
            y += 4.0;
            fy = f(y);
        }
        (y, fy)
    };
    if fa.is_nan() || fa <= 0.0 {
        return lo;
    }
    if fb.is_nan() || fb >= 0.0 {
        return hi;
    }
    let (a, fa, b, fb) = illinois(f, ya, fa, yb, fb, 1e-14, 1e-14);
    let y = if fa - fb > 0.0 {
        a + (b - a) * fa / (fa - fb)
    } else {
        a
    };
    y.exp().clamp(lo, hi)
}

/// `x(λ) = clamp((g')⁻¹(λ), lo, hi)` for a concave curve (`λ > 0`).
pub(crate) fn inverse_marginal(c: &Curve, lambda: f64, lo: f64, hi: f64) -> f64 {
    if lo >= hi || c.marginal(lo) <= lambda {
        return lo;
    }
    if hi.is_finite() && c.marginal(hi) >= lambda {
        return hi;
    }
    match *c {
        Curve::Exponential { a, k } => (k * (a / (k * lambda)).ln()).clamp(lo, hi),
        Curve::Hill { a, k, s: 1.0 } => ((a * k / lambda).sqrt() - k).clamp(lo, hi),
        _ => falling_root(c, lambda.ln(), lo, hi),
    }
}

/// The spend in `[lo, hi]` that maximises `g(x) − m x` (any curve; `m > 0`); ties go to
/// the smaller spend.
pub(crate) fn best_at_price(c: &Curve, m: f64, lo: f64, hi: f64) -> f64 {
    let Some(peak) = c.inflection() else {
        return inverse_marginal(c, m, lo, hi);
    };
    let profit = |x: f64| c.value(x) - m * x;
    let mut best = (profit(lo), lo);
    let mut consider = |x: f64| {
        let p = profit(x);
        if p > best.0 {
            best = (p, x);
        }
    };
    if hi.is_finite() {
        consider(hi);
    }
    let from = lo.max(peak);
    if from < hi && c.marginal(from) > m {
        consider(inverse_marginal_falling(c, m, from, hi));
    }
    best.1
}

/// `clamp((g')⁻¹(m), from, hi)` on the falling side of an S-curve's marginal.
fn inverse_marginal_falling(c: &Curve, m: f64, from: f64, hi: f64) -> f64 {
    if hi.is_finite() && c.marginal(hi) >= m {
        return hi;
    }
    falling_root(c, m.ln(), from, hi)
}

/// The KKT allocation of a fixed `total` over concave curves (validated: `Σ lo ≤ total
/// ≤ Σ hi`), and its multiplier `λ`. `hint` is a multiplier to start the search from.
pub(crate) fn solve_total(
    curves: &[Curve],
    lo: &[f64],
    hi: &[f64],
    total: f64,
    hint: Option<f64>,
) -> (Vec<f64>, f64) {
    let n = curves.len();
    let floor: f64 = lo.iter().sum();
    let room = (total - floor).max(0.0);
    let hi: Vec<f64> = (0..n).map(|c| hi[c].min(lo[c] + room)).collect();
    let scale = total.abs().max(1.0);
    let alloc = |lambda: f64| -> Vec<f64> {
        (0..n)
            .map(|c| inverse_marginal(&curves[c], lambda, lo[c], hi[c]))
            .collect()
    };
    if room <= 1e-12 * scale {
        let lambda = (0..n)
            .map(|c| curves[c].marginal(lo[c]))
            .filter(|m| m.is_finite())
            .fold(0.0, f64::max);
        return (lo.to_vec(), lambda);
    }
    let ceiling: f64 = hi.iter().sum();
    if ceiling <= total + 1e-12 * scale {
        let lambda = (0..n)
            .map(|c| curves[c].marginal(hi[c]))
            .fold(f64::INFINITY, f64::min);
        return (hi, if lambda.is_finite() { lambda } else { 0.0 });
    }
    let sum = |x: &[f64]| x.iter().sum::<f64>();
    // The starting multiplier: the hint, or the median marginal at mid-bounds.
    let t0 = match hint {
        Some(h) if h > 0.0 && h.is_finite() => h.ln(),
        _ => {
            let mut m: Vec<f64> = (0..n)
                .map(|c| curves[c].marginal(0.5 * (lo[c] + hi[c])))
                .filter(|m| *m > 0.0 && m.is_finite())
                .collect();
            m.sort_by(f64::total_cmp);
            m.get(m.len() / 2).copied().unwrap_or(1.0).ln()
        }
    };
    let mut step = if hint.is_some() { 0.25 } else { 2.0 };
    let f0 = sum(&alloc(t0.exp())) - total;
    let (mut ta, mut fa, mut tb, mut fb) = (t0, f0, t0, f0);
    if f0 >= 0.0 {
        // Raise λ until the channels spend at most the total.
        while fb > 0.0 && tb < 700.0 {
            (ta, fa) = (tb, fb);
            tb += step;
            step *= 2.0;
            fb = sum(&alloc(tb.exp())) - total;
        }
    } else {
        // Lower λ until they spend at least the total.
        while fa < 0.0 && ta > -700.0 {
            (tb, fb) = (ta, fa);
            ta -= step;
            step *= 2.0;
            fa = sum(&alloc(ta.exp())) - total;
        }
    }
    if fa < 0.0 {
        // Even the smallest multiplier leaves money unspent: every channel with room
        // is flat there. Fill the room in proportion; the value cannot fall.
        return (fill(alloc(ta.exp()), &hi, total), ta.exp());
    }
    let f_tol = 1e-12 * scale;
    let (a, _, b, _) = illinois(
        |t| sum(&alloc(t.exp())) - total,
        ta,
        fa,
        tb,
        fb,
        1e-15,
        f_tol,
    );
    let (xa, xb) = (alloc(a.exp()), alloc(b.exp()));
    let (sa, sb) = (sum(&xa), sum(&xb));
    let w = if sa - sb > 0.0 {
        ((total - sb) / (sa - sb)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let x = (0..n)
        .map(|c| (w * xa[c] + (1.0 - w) * xb[c]).clamp(lo[c], hi[c]))
        .collect();
    (x, (w * a + (1.0 - w) * b).exp())
}

/// `x` with the money still to spend (`total − Σ x`) added in proportion to each
/// channel's room below `hi`.
pub(crate) fn fill(mut x: Vec<f64>, hi: &[f64], total: f64) -> Vec<f64> {
    let left = total - x.iter().sum::<f64>();
    let room: f64 = x.iter().zip(hi).map(|(v, h)| h - v).sum();
    if left > 0.0 && room > 0.0 {
        let share = (left / room).min(1.0);
        for (v, h) in x.iter_mut().zip(hi) {
            *v += share * (h - *v);
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_marginals_invert() {
        let curves = [
            Curve::Exponential { a: 50.0, k: 10.0 },
            Curve::Hill {
                a: 50.0,
                k: 10.0,
                s: 1.0,
            },
            Curve::Hill {
                a: 50.0,
                k: 10.0,
                s: 0.6,
            },
        ];
        for c in curves {
            for &lambda in &[0.01, 0.3, 1.0, 2.0] {
                let x = inverse_marginal(&c, lambda, 0.0, f64::INFINITY);
                if x > 0.0 {
                    let rel = (c.marginal(x) - lambda).abs() / lambda;
                    assert!(rel < 1e-9, "{c:?} λ {lambda}: x {x}, g' {}", c.marginal(x));
                }
            }
            // Bounds bind.
            assert_eq!(inverse_marginal(&c, 1.0, 20.0, 25.0), 20.0);
            assert_eq!(inverse_marginal(&c, 1e-6, 0.0, 25.0), 25.0);
        }
    }

    /// An S-curve at a price above its steepest slope buys nothing; below it, the
    /// falling-side root, which beats spending nothing.
    #[test]
    fn s_curve_at_a_price() {
        let c = Curve::Hill {
            a: 100.0,
            k: 10.0,
            s: 3.0,
        };
        let peak = c.marginal(c.inflection().unwrap());
        assert_eq!(best_at_price(&c, peak * 1.01, 0.0, f64::INFINITY), 0.0);
        let x = best_at_price(&c, 1.0, 0.0, f64::INFINITY);
        assert!((c.marginal(x) - 1.0).abs() < 1e-9 && x > c.inflection().unwrap());
        assert!(c.value(x) - x > 0.0);
        assert_eq!(best_at_price(&c, 3.0, 0.0, 5.0), 0.0);
        assert_eq!(best_at_price(&c, 1.0, 0.0, 5.0), 5.0);
    }
}
