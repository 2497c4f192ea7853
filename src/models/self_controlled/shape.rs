//! A monotone lag profile: each channel's effect does not grow with the lag after the
//! exposure, and its pre-exposure hazard does not grow with the distance before it.
//!
//! Over each chain of bins (post-exposure bins from lag 1 on, nearest first; the
//! pre-exposure bins, nearest first), `θ_l = Σ_{m ≥ l} δ_m` with every `δ ≥ 0`: the
//! profile is a non-negative, non-increasing step function of the distance from the
//! exposure (shape-constrained estimation: Groeneboom & Jongbloed 2014, *Nonparametric
//! Estimation under Shape Constraints*). The same-step bin is a chain of its own. Noise
//! can no longer put an isolated spike of credit at a long lag: a step there raises
//! every shorter lag too, which the likelihood must support. The smoothness penalty
//! on neighbouring bins (`Σ (θ_l − θ_{l+1})² + θ_last²`) is the ridge `Σ δ²` here.
//! The fit works on `δ` ([`Monotone::theta`] maps back); its information, and the
//! covariances drawn from it, are in `δ`.

/// The map `θ = M δ` of a design's coefficients.
#[derive(Clone, Debug, PartialEq)]
pub struct Monotone {
    /// For each coefficient, the next farther one on its chain (`θ_k = δ_k + θ_next`).
    next: Vec<Option<usize>>,
}

impl Monotone {
    /// The identity: every coefficient its own chain.
    pub fn none(coefficients: usize) -> Self {
        Monotone {
            next: vec![None; coefficients],
        }
    }

    /// Chains over `blocks` channels of the bins `lags` (pre-exposure bins negative):
    /// post-exposure bins from lag 1 on, and pre-exposure bins, each ordered from the
    /// exposure outwards.
    pub fn over(blocks: usize, lags: &[(i32, i32)]) -> Self {
        let bins = lags.len();
        let mut post: Vec<usize> = (0..bins).filter(|&l| lags[l].0 >= 1).collect();
        post.sort_by_key(|&l| lags[l].0);
        let mut pre: Vec<usize> = (0..bins).filter(|&l| lags[l].1 < 0).collect();
        pre.sort_by_key(|&l| std::cmp::Reverse(lags[l].1));
        let mut next = vec![None; blocks * bins];
        for b in 0..blocks {
            for chain in [&post, &pre] {
                for pair in chain.windows(2) {
                    next[b * bins + pair[0]] = Some(b * bins + pair[1]);
                }
            }
        }
        Monotone { next }
    }

    /// Coefficients.
    pub fn len(&self) -> usize {
        self.next.len()
    }

    /// The `δ` whose sums make coefficient `k`: `k` and every farther one on its chain.
    pub fn tail(&self, k: usize) -> Vec<usize> {
        let mut out = vec![k];
        let mut at = k;
        while let Some(n) = self.next[at] {
            out.push(n);
            at = n;
        }
        out
    }

    /// `θ = M δ` (the first `len` entries; any further entries are copied).
    pub fn theta(&self, delta: &[f64]) -> Vec<f64> {
        let mut out = delta.to_vec();
        for (k, o) in out.iter_mut().enumerate().take(self.len()) {
            *o = self.tail(k).iter().map(|&j| delta[j]).sum();
        }
        out
    }

    /// `δ = M⁻¹ θ`, each clipped at 0 (a start for the fit).
    pub fn delta(&self, theta: &[f64]) -> Vec<f64> {
        let mut out = theta.to_vec();
        for (k, o) in out.iter_mut().enumerate().take(self.len()) {
            let farther = self.next[k].map_or(0.0, |n| theta[n]);
            *o = (theta[k] - farther).max(0.0);
        }
        out
    }

    /// `Mᵀ g` for a gradient over `θ` (entries past `len` copied).
    pub fn gradient(&self, g: &[f64]) -> Vec<f64> {
        let mut out = g.to_vec();
        out.iter_mut().take(self.len()).for_each(|o| *o = 0.0);
        for (k, gk) in g.iter().enumerate().take(self.len()) {
            for j in self.tail(k) {
                out[j] += gk;
            }
        }
        out
    }

    /// `Mᵀ H M` for a row-major `q × q` matrix over `θ` (and further parameters).
    pub fn hessian(&self, h: &[f64], q: usize) -> Vec<f64> {
        let tails: Vec<Vec<usize>> = (0..q)
            .map(|k| {
                if k < self.len() {
                    self.tail(k)
                } else {
                    vec![k]
                }
            })
            .collect();
        // Rows: (Mᵀ H)[j, :] = Σ_{k: j ∈ tail(k)} H[k, :]; then the same on columns.
        let mut rows = vec![0.0; q * q];
        for (k, tail) in tails.iter().enumerate() {
            for &j in tail {
                for c in 0..q {
                    rows[j * q + c] += h[k * q + c];
                }
            }
        }
        let mut out = vec![0.0; q * q];
        for r in 0..q {
            for (k, tail) in tails.iter().enumerate() {
                let v = rows[r * q + k];
                if v != 0.0 {
                    for &j in tail {
                        out[r * q + j] += v;
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_run_outwards_from_the_exposure() {
        let lags = [(-10, -4), (-3, -1), (0, 0), (1, 2), (3, 5)];
        let m = Monotone::over(1, &lags);
        assert_eq!(m.tail(3), vec![3, 4]);
        assert_eq!(m.tail(1), vec![1, 0]);
        assert_eq!(m.tail(2), vec![2]);
        let delta = [0.5, 0.25, 1.0, 0.75, 0.5];
        let theta = m.theta(&delta);
        assert_eq!(theta, vec![0.5, 0.75, 1.0, 1.25, 0.5]);
        assert_eq!(m.delta(&theta), delta.to_vec());
    }

    /// The gradient and Hessian maps are the chain rule: checked against finite
    /// differences of a quadratic in θ.
    #[test]
    fn gradient_and_hessian_follow_the_chain_rule() {
        let lags = [(-3, -1), (0, 0), (1, 2), (3, 5), (6, 9)];
        let m = Monotone::over(1, &lags);
        let q = 5;
        let a: Vec<f64> = (0..q * q)
            .map(|i| ((i * 7 % 11) as f64 - 5.0) / 3.0)
            .collect();
        let h: Vec<f64> = (0..q * q).map(|i| a[i] + a[(i % q) * q + i / q]).collect();
        let f = |delta: &[f64]| {
            let t = m.theta(delta);
            (0..q)
                .map(|i| {
                    (0..q)
                        .map(|j| 0.5 * t[i] * h[i * q + j] * t[j])
                        .sum::<f64>()
                })
                .sum::<f64>()
        };
        let d0 = [0.3, 0.2, 0.5, 0.1, 0.4];
        let t0 = m.theta(&d0);
        let g_theta: Vec<f64> = (0..q)
            .map(|i| (0..q).map(|j| h[i * q + j] * t0[j]).sum())
            .collect();
        let g = m.gradient(&g_theta);
        let hd = m.hessian(&h, q);
        for j in 0..q {
            let mut up = d0;
            up[j] += 1e-6;
            let mut down = d0;
            down[j] -= 1e-6;
            let numeric = (f(&up) - f(&down)) / 2e-6;
            assert!((numeric - g[j]).abs() < 1e-6, "g[{j}]");
            for k in 0..q {
                let mut e = [0.0; 5];
                e[k] = 1.0;
                let te = m.theta(&e);
                let mut ej = [0.0; 5];
                ej[j] = 1.0;
                let tj = m.theta(&ej);
                let exact: f64 = (0..q)
                    .map(|a| (0..q).map(|b| tj[a] * h[a * q + b] * te[b]).sum::<f64>())
                    .sum();
                assert!((exact - hd[j * q + k]).abs() < 1e-12, "h[{j},{k}]");
            }
        }
    }
}
