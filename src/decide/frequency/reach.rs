//! The reach/frequency relation of a channel: how a period's exposures spread over
//! people, fitted per channel across the periods.
//!
//! **Model** (the negative binomial distribution of exposures, NBD: Ehrenberg 1959, "The
//! Pattern of Consumer Purchases", *Applied Statistics* 8(1), the standard model of
//! repeat exposure and purchase; a gamma mixture of Poisson rates): among an audience of
//! `N` people, with `E` exposures in a period, a person's exposures are negative binomial
//! with mean `m = E/N` and shape `r` (heterogeneity: small `r`, some people see the
//! channel far more than others; `r → ∞`, the Poisson limit, everybody alike). Then
//!
//! * `P₀ = (1 + m/r)^(−r)`, `P₁ = m (1 + m/r)^(−(r+1))` (Poisson: `e^(−m)`, `m e^(−m)`);
//! * people reached `R₁(E) = N (1 − P₀)`, reached at least twice `R₂(E) = N (1 − P₀ − P₁)`;
//! * the share of one more exposure that reaches a new person, `dR₁/dE = (1 + m/r)^(−(r+1))`.
//!
//! **Fit.** `N` and `r` minimise `Σ_p (R₁ₚ − R₁(Eₚ))² + (R₂ₚ − R₂(Eₚ))²` over the periods
//! with exposures: `r` on a log grid from 0.1 to 10⁴ and the Poisson limit, `N` for each
//! by a scan of `ln N` from the largest reach to `e^15` times it, refined by golden
//! section; the best pair wins.

use serde::Serialize;

use super::ranks::RankSplit;

/// A fitted reach model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ReachModel {
    /// `N`: the audience.
    pub audience: f64,
    /// `r`: the NBD shape (none: the Poisson limit).
    pub shape: Option<f64>,
    /// Root mean squared error of `R₁` and `R₂` over the periods fitted.
    pub rmse: f64,
}

impl ReachModel {
    /// `(P₀, P₁)` at mean `m` per person.
    fn p01(&self, m: f64) -> (f64, f64) {
        match self.shape {
            None => ((-m).exp(), m * (-m).exp()),
            Some(r) => {
                let base = (m / r).ln_1p();
                ((-r * base).exp(), m * (-(r + 1.0) * base).exp())
            }
        }
    }

    /// `R₁(E)`: people reached by `e` exposures in a period.
    pub fn reach(&self, e: f64) -> f64 {
        if e <= 0.0 {
            return 0.0;
        }
        let (p0, _) = self.p01(e / self.audience);
        self.audience * -(p0 - 1.0)
    }

    /// `R₂(E)`: people reached at least twice.
    pub fn repeat(&self, e: f64) -> f64 {
        if e <= 0.0 {
            return 0.0;
        }
        let (p0, p1) = self.p01(e / self.audience);
        (self.audience * (1.0 - p0 - p1)).max(0.0)
    }

    /// `dR₁/dE`: the share of one more exposure that reaches a new person.
    pub fn new_reach_share(&self, e: f64) -> f64 {
        let m = e.max(0.0) / self.audience;
        match self.shape {
            None => (-m).exp(),
            Some(r) => (-(r + 1.0) * (m / r).ln_1p()).exp(),
        }
    }

    /// `Σ_p (R₁ₚ − R₁(Eₚ))² + (R₂ₚ − R₂(Eₚ))²` over `split`'s periods.
    fn sse(&self, split: &RankSplit) -> f64 {
        (0..split.exposures.len())
            .filter(|&p| split.exposures[p] > 0.0)
            .map(|p| {
                let e = split.exposures[p];
                (split.reach[p] - self.reach(e)).powi(2)
                    + (split.repeat[p] - self.repeat(e)).powi(2)
            })
            .sum()
    }

    /// Fits the model to a channel's periods (see the module docs); none when fewer than
    /// two periods have exposures.
    pub fn fit(split: &RankSplit) -> Option<ReachModel> {
        let used = split.exposures.iter().filter(|&&e| e > 0.0).count();
        let top = split.reach.iter().copied().fold(0.0, f64::max);
        if used < 2 || top <= 0.0 {
            return None;
        }
        let shapes = std::iter::once(None)
            .chain((0..=50).map(|i| Some(10f64.powf(-1.0 + 0.1 * f64::from(i)))));
        let mut best: Option<ReachModel> = None;
        for shape in shapes {
            let at = |ln_n: f64| {
                ReachModel {
                    audience: ln_n.exp(),
                    shape,
                    rmse: 0.0,
                }
                .sse(split)
            };
            let (lo, hi) = (top.ln(), top.ln() + 15.0);
            let steps = 60;
            let h = (hi - lo) / steps as f64;
            let i = (0..=steps)
                .min_by(|&a, &b| at(lo + h * a as f64).total_cmp(&at(lo + h * b as f64)))
                .expect("a step");
            let (mut a, mut b) = (
                lo + h * (i.max(1) - 1) as f64,
                lo + h * (i + 1).min(steps) as f64,
            );
            let g = (5f64.sqrt() - 1.0) / 2.0;
            for _ in 0..60 {
                let (c, d) = (b - g * (b - a), a + g * (b - a));
                if at(c) < at(d) {
                    b = d;
                } else {
                    a = c;
                }
            }
            let ln_n = (a + b) / 2.0;
            let sse = at(ln_n);
            let rmse = (sse / (2 * used) as f64).sqrt();
            if best.is_none_or(|m| rmse < m.rmse) {
                best = Some(ReachModel {
                    audience: ln_n.exp(),
                    shape,
                    rmse,
                });
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Periods drawn exactly from a Poisson audience of 10,000 and from an NBD one
    /// (r = 0.5) are fitted back; `R₁` and `R₂` follow their formulas (hand-derived at
    /// m = 1: 1 − e^(−1), 1 − 2e^(−1)).
    #[test]
    fn reach_models_are_fitted_back() {
        let poisson = ReachModel {
            audience: 10_000.0,
            shape: None,
            rmse: 0.0,
        };
        let e1 = (-1f64).exp();
        assert!((poisson.reach(10_000.0) - 10_000.0 * (1.0 - e1)).abs() < 1e-6);
        assert!((poisson.repeat(10_000.0) - 10_000.0 * (1.0 - 2.0 * e1)).abs() < 1e-6);
        assert!((poisson.new_reach_share(10_000.0) - e1).abs() < 1e-12);
        for truth in [
            poisson,
            ReachModel {
                shape: Some(0.5),
                ..poisson
            },
        ] {
            let exposures: Vec<f64> = (1..=12).map(|p| 800.0 * p as f64).collect();
            let split = RankSplit {
                reach: exposures.iter().map(|&e| truth.reach(e)).collect(),
                repeat: exposures.iter().map(|&e| truth.repeat(e)).collect(),
                exposures,
            };
            let fit = ReachModel::fit(&split).unwrap();
            assert!(
                (fit.audience / truth.audience - 1.0).abs() < 0.02,
                "{fit:?}"
            );
            assert!(fit.rmse < 2.0, "{fit:?}");
            match (truth.shape, fit.shape) {
                (None, s) => assert!(s.is_none_or(|r| r > 100.0), "{fit:?}"),
                (Some(r), Some(s)) => assert!((s / r - 1.0).abs() < 0.15, "{fit:?}"),
                _ => panic!("{fit:?}"),
            }
        }
    }
}
