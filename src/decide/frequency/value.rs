//! The value of an exposure by its frequency rank, from the people's own periods.
//!
//! **Design** (a linear probability model with person fixed effects and distributed
//! lags, estimated within persons: Wooldridge 2010, *Econometric Analysis of Cross
//! Section and Panel Data*, 2nd ed., ch. 10.5 for the within estimator and 10.5.4 for
//! its cluster-robust covariance). For person `i` and period `p` of the spend series,
//! `y_ip` = the person's conversions in the period and, for each channel `c` with `n` of
//! the person's exposures in the period, rank features
//! `f₁ = 1(n ≥ 1)`, `f₂ = 1(n ≥ 2)`, `f₃ = (n − 2)⁺` (three rank groups: 1st, 2nd, 3rd+;
//! with too few repeated exposures, two groups `1(n ≥ 1)`, `(n − 1)⁺`, or one, `n`):
//!
//! `y_ip = α_i + Σ_c Σ_g (β_cg f_cg(n_icp) + γ_cg f_cg(n_ic,p−1)) + ε_ip`.
//!
//! `α_i` absorbs everything fixed about the person (intent, how often they are shown ads
//! because of who they are), so a rank's effect is identified by the same person's
//! periods with more or fewer exposures; the lag `γ` takes the carryover of an exposure
//! into the next period (effects longer than two periods are not modelled). `θ_cg =
//! β_cg + γ_cg` is the incremental conversions of one exposure of rank group `g`, and
//! the relative value of rank `g`, `ρ_g = θ_g/θ_1`, is what a plan needs: the model's
//! credit fixes the level, the ranks its split. Standard errors are cluster-robust by
//! person (sandwich `B⁻¹ (Σ_i s_i s_iᵀ) B⁻¹ · G/(G − 1)`, `s_i` person `i`'s score), the
//! ratios' by the delta method.
//!
//! **When a frequency effect is shown.** The Wald statistic of "every rank worth the
//! first", `d = (θ_g − θ_1)_(g≥2)`, `W = dᵀ Σ_d⁻¹ d ~ χ²_(K−1)`, rejects at 5% *and* the
//! first exposure's own effect is distinguishable from 0 (`θ_1 > 1.96 se`, without which
//! the ratios are not identified). Otherwise every exposure keeps the same value.
//!
//! **Assumptions.** Exposure within a person varies independently of the person's
//! changing intent (what the self-controlled model assumes too); effects add up; and the
//! split by rank of conversions holds for value.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::ranks::PersonPeriod;

/// The normal quantile of the 97.5th percentile.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// A channel's value per exposure by rank group, as estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct RankValue {
    /// Rank groups `K` (1: none distinguished; 2: 1st, 2nd+; 3: 1st, 2nd, 3rd+).
    pub groups: usize,
    /// `θ_g`: incremental conversions of one exposure of each rank group.
    pub theta: [f64; 3],
    /// Their covariance.
    pub cov: [[f64; 3]; 3],
}

impl RankValue {
    /// `ρ_g = θ_g/θ_1` with its delta-method covariance (rows and columns of `g = 1..K`;
    /// `ρ_1 = 1` has none).
    pub fn relative(&self) -> ([f64; 3], [[f64; 3]; 3]) {
        let t1 = self.theta[0];
        let mut r = [1.0; 3];
        let mut cov = [[0.0; 3]; 3];
        for (g, rg) in r.iter_mut().enumerate().take(self.groups).skip(1) {
            *rg = self.theta[g] / t1;
        }
        // ∂ρ_g/∂θ_1 = −θ_g/θ_1², ∂ρ_g/∂θ_g = 1/θ_1.
        let grad = |g: usize| {
            let mut v = [0.0; 3];
            v[0] = -self.theta[g] / (t1 * t1);
            v[g] += 1.0 / t1;
            v
        };
        for (g, row) in cov.iter_mut().enumerate().take(self.groups).skip(1) {
            for (h, cell) in row.iter_mut().enumerate().take(self.groups).skip(1) {
                let (a, b) = (grad(g), grad(h));
                *cell = (0..3)
                    .flat_map(|i| (0..3).map(move |j| (i, j)))
                    .map(|(i, j)| a[i] * self.cov[i][j] * b[j])
                    .sum();
            }
        }
        (r, cov)
    }

    /// The Wald test of `θ_g = θ_1` for every `g ≥ 2`: `(W, degrees of freedom, p)`;
    /// none with one group or a singular covariance.
    pub fn wald(&self) -> Option<(f64, usize, f64)> {
        let k = self.groups;
        if k < 2 {
            return None;
        }
        let df = k - 1;
        let d: Vec<f64> = (1..k).map(|g| self.theta[g] - self.theta[0]).collect();
        let c =
            |g: usize, h: usize| self.cov[g][h] - self.cov[g][0] - self.cov[0][h] + self.cov[0][0];
        let s: Vec<f64> = (1..k)
            .flat_map(|g| (1..k).map(move |h| (g, h)))
            .map(|(g, h)| c(g, h))
            .collect();
        let inv = crate::linalg::spd_inverse(&s, df)?;
        let w: f64 = (0..df)
            .flat_map(|i| (0..df).map(move |j| (i, j)))
            .map(|(i, j)| d[i] * inv[i * df + j] * d[j])
            .sum();
        let p = 1.0 - ChiSquared::new(df as f64).ok()?.cdf(w);
        Some((w, df, p))
    }
}

/// The value of a count `n` on rank feature `g` of `k` groups.
fn feature(g: usize, k: usize, n: u32) -> f64 {
    let n = f64::from(n);
    if g + 1 < k {
        f64::from(u8::from(n >= (g + 1) as f64))
    } else {
        (n - g as f64).max(0.0)
    }
}

/// One person's block: active feature columns over the periods, and conversions.
struct Block {
    cols: Vec<(usize, Vec<f64>)>,
    y: Vec<f64>,
}

/// Estimates each channel's [`RankValue`] jointly (see the module docs): `channels`
/// holds each channel's rank groups and person-period counts ([`super::ranks`]),
/// `conversions` the `(person, period)` of each conversion in periods `0..periods`.
/// None when the design is singular (no person varies).
pub fn rank_values(
    channels: &[(usize, Vec<PersonPeriod>)],
    conversions: &[(u32, i32)],
    periods: usize,
) -> Option<Vec<RankValue>> {
    let mut offset = Vec::with_capacity(channels.len());
    let mut f = 0usize;
    for (k, _) in channels {
        offset.push(f);
        f += 2 * k;
    }
    let mut records: Vec<(u32, usize, i32, u32)> = channels
        .iter()
        .enumerate()
        .flat_map(|(c, (_, v))| v.iter().map(move |&(i, p, n)| (i, c, p, n)))
        .collect();
    records.sort_unstable();
    let block_of = |rs: &[(u32, usize, i32, u32)], ys: &[(u32, i32)]| -> Block {
        let mut cols: Vec<(usize, Vec<f64>)> = Vec::new();
        for &(_, c, p, n) in rs {
            let k = channels[c].0;
            for lag in 0..2 {
                let t = p + lag as i32;
                if t < 0 || t >= periods as i32 {
                    continue;
                }
                for g in 0..k {
                    let v = feature(g, k, n);
                    if v == 0.0 {
                        continue;
                    }
                    let j = offset[c] + lag * k + g;
                    let col = match cols.iter().position(|(jj, _)| *jj == j) {
                        Some(at) => &mut cols[at].1,
                        None => {
                            cols.push((j, vec![0.0; periods]));
                            &mut cols.last_mut().expect("pushed").1
                        }
                    };
                    col[t as usize] += v;
                }
            }
        }
        let mut y = vec![0.0; periods];
        for &(_, p) in ys {
            y[p as usize] += 1.0;
        }
        let demean = |v: &mut Vec<f64>| {
            let m = v.iter().sum::<f64>() / periods as f64;
            v.iter_mut().for_each(|x| *x -= m);
        };
        for (_, col) in cols.iter_mut() {
            demean(col);
        }
        demean(&mut y);
        Block { cols, y }
    };
    // Walks the persons with exposures, handing each one's block to `visit`.
    let walk = |visit: &mut dyn FnMut(&Block)| {
        let (mut a, mut ci) = (0usize, 0usize);
        while a < records.len() {
            let person = records[a].0;
            let mut b = a;
            while b < records.len() && records[b].0 == person {
                b += 1;
            }
            while ci < conversions.len() && conversions[ci].0 < person {
                ci += 1;
            }
            let mut cj = ci;
            while cj < conversions.len() && conversions[cj].0 == person {
                cj += 1;
            }
            visit(&block_of(&records[a..b], &conversions[ci..cj]));
            a = b;
        }
    };
    let mut xtx = vec![0.0; f * f];
    let mut xty = vec![0.0; f];
    let mut groups = 0usize;
    walk(&mut |blk: &Block| {
        groups += 1;
        for (j1, c1) in &blk.cols {
            xty[*j1] += c1.iter().zip(&blk.y).map(|(a, b)| a * b).sum::<f64>();
            for (j2, c2) in &blk.cols {
                xtx[j1 * f + j2] += c1.iter().zip(c2).map(|(a, b)| a * b).sum::<f64>();
            }
        }
    });
    if groups < 2 || f == 0 {
        return None;
    }
    // A feature that never varies within a person has a zero row: pin it at 0.
    for j in 0..f {
        if xtx[j * f + j] <= 0.0 {
            xtx[j * f + j] = 1.0;
        }
    }
    let bread = crate::linalg::spd_inverse(&xtx, f)?;
    let beta: Vec<f64> = (0..f)
        .map(|i| (0..f).map(|j| bread[i * f + j] * xty[j]).sum())
        .collect();
    let mut meat = vec![0.0; f * f];
    walk(&mut |blk: &Block| {
        let mut resid = blk.y.clone();
        for (j, col) in &blk.cols {
            for (r, x) in resid.iter_mut().zip(col) {
                *r -= beta[*j] * x;
            }
        }
        let score: Vec<(usize, f64)> = blk
            .cols
            .iter()
            .map(|(j, col)| (*j, col.iter().zip(&resid).map(|(a, b)| a * b).sum()))
            .collect();
        for &(j1, s1) in &score {
            for &(j2, s2) in &score {
                meat[j1 * f + j2] += s1 * s2;
            }
        }
    });
    let scale = groups as f64 / (groups as f64 - 1.0);
    let v = |i: usize, j: usize| -> f64 {
        let mut s = 0.0;
        for a in 0..f {
            let ba = bread[i * f + a];
            if ba == 0.0 {
                continue;
            }
            for b in 0..f {
                s += ba * meat[a * f + b] * bread[b * f + j];
            }
        }
        s * scale
    };
    Some(
        channels
            .iter()
            .enumerate()
            .map(|(c, &(k, _))| {
                let idx = |g: usize, lag: usize| offset[c] + lag * k + g;
                let mut theta = [0.0; 3];
                let mut cov = [[0.0; 3]; 3];
                for (g, row) in cov.iter_mut().enumerate().take(k) {
                    theta[g] = beta[idx(g, 0)] + beta[idx(g, 1)];
                    for (h, cell) in row.iter_mut().enumerate().take(k) {
                        *cell = [(0, 0), (0, 1), (1, 0), (1, 1)]
                            .iter()
                            .map(|&(l1, l2)| v(idx(g, l1), idx(h, l2)))
                            .sum();
                    }
                }
                RankValue {
                    groups: k,
                    theta,
                    cov,
                }
            })
            .collect(),
    )
}
