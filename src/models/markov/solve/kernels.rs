//! The kernels of a solve: a row's sum, the residuals with what rounding may hide, a
//! direct solve of a component's block, and over-relaxed Gauss–Seidel sweeps (see the
//! [parent module](super) for the method and its error bound).

use super::{
    Component, DENSE_FALLBACK, Fixed, OMEGA, ROUNDOFF, SWEEP_WORK, Stuck, System, every_side,
    fixed_at,
};
use crate::linalg::Lu;

impl System {
    /// `b_s + Σ_t Q_st v_t` for every side.
    #[inline]
    pub(super) fn row_sum<const N: usize>(
        &self,
        s: usize,
        v: &[[f64; N]],
        rhs: &[&[f64]; N],
    ) -> [f64; N] {
        let (cols, probs) = self.row(s);
        let mut acc: [f64; N] = std::array::from_fn(|j| rhs[j][s]);
        for (&t, &p) in cols.iter().zip(probs) {
            let vt = &v[t as usize];
            for j in 0..N {
                acc[j] += p * vt[j];
            }
        }
        acc
    }

    /// Residual of each side on a component's rows (those not fixed), with what
    /// rounding may hide added, so the error bound it gives holds for the exact system.
    pub(super) fn residuals<const N: usize>(
        &self,
        c: &Component,
        v: &[[f64; N]],
        rhs: &[&[f64]; N],
        fixed: Fixed,
    ) -> [f64; N] {
        let mut worst = [0.0f64; N];
        for s in self.states(c) {
            let mask = fixed_at(fixed, s);
            if mask == every_side::<N>() {
                continue;
            }
            let (cols, probs) = self.row(s);
            let (qv, size) = pairwise_products(cols, probs, v);
            // What rounding may hide: in computing the residual and in `Q` and `r`
            // themselves (each entry a rounded quotient of counts), at most
            // `(k + 5) u (|b| + Σ|Q v| + |v|)` with unit roundoff `u`, where `k` is the
            // most additions one product goes through in the sum of the row (Higham,
            // *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.1 and §4.2).
            let allowance = (pairwise_additions(cols.len()) + 5) as f64 * ROUNDOFF;
            for j in 0..N {
                if mask >> j & 1 == 1 {
                    continue;
                }
                let (b, x) = (rhs[j][s], v[s][j]);
                let computed = (b + qv[j] - x).abs();
                worst[j] = worst[j].max(computed + allowance * (b.abs() + size[j] + x.abs()));
            }
        }
        worst
    }

    /// LU solve of a component's block for each side, with the states that side fixes
    /// left out (sides fixing the same states share one factorisation).
    pub(super) fn solve_direct<const N: usize>(
        &self,
        c: &Component,
        v: &mut [[f64; N]],
        rhs: &[&[f64]; N],
        fixed: Fixed,
    ) -> std::result::Result<(), Stuck> {
        let states: Vec<u32> = self.states(c).map(|s| s as u32).collect();
        let in_block = |t: u32| -> Option<usize> {
            self.states(c)
                .contains(&(t as usize))
                .then(|| t as usize - c.start)
        };
        // The sides, grouped by which of the component's states they fix.
        let mut groups: Vec<(Vec<bool>, Vec<usize>)> = Vec::new();
        for j in 0..N {
            let key: Vec<bool> = states
                .iter()
                .map(|&s| fixed_at(fixed, s as usize) >> j & 1 == 1)
                .collect();
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, sides)) => sides.push(j),
                None => groups.push((key, vec![j])),
            }
        }
        for (key, sides) in groups {
            let active: Vec<u32> = states
                .iter()
                .zip(&key)
                .filter(|&(_, &is_fixed)| !is_fixed)
                .map(|(&s, _)| s)
                .collect();
            if active.is_empty() {
                continue;
            }
            let k = active.len();
            let whole = k == states.len();
            let mut position = vec![u32::MAX; states.len()];
            for (i, &s) in active.iter().enumerate() {
                position[s as usize - c.start] = i as u32;
            }
            let factor = || {
                let mut a = vec![0.0; k * k];
                for (i, &s) in active.iter().enumerate() {
                    a[i * k + i] = 1.0;
                    let (cols, probs) = self.row(s as usize);
                    for (&t, &p) in cols.iter().zip(probs) {
                        if let Some(li) = in_block(t)
                            && position[li] != u32::MAX
                        {
                            a[i * k + position[li] as usize] -= p;
                        }
                    }
                }
                Lu::factor(a, k)
            };
            let fresh;
            let lu = if whole {
                self.lus[c.slot].get_or_init(factor).as_ref()
            } else {
                fresh = factor();
                fresh.as_ref()
            };
            // Singular only when rounding loses every way out of the block: counts that
            // journeys made always leave it (see `aggregates::check`).
            let Some(lu) = lu else {
                return Err(Stuck::Singular);
            };
            for j in sides {
                let mut b: Vec<f64> = active
                    .iter()
                    .map(|&s| {
                        let (cols, probs) = self.row(s as usize);
                        let outside: f64 = cols
                            .iter()
                            .zip(probs)
                            .filter(|&(&t, _)| in_block(t).is_none())
                            .map(|(&t, &p)| p * v[t as usize][j])
                            .sum();
                        rhs[j][s as usize] + outside
                    })
                    .collect();
                lu.solve(&mut b);
                for (&s, &value) in active.iter().zip(&b) {
                    v[s as usize][j] = value;
                }
            }
        }
        Ok(())
    }

    /// Over-relaxed Gauss–Seidel sweeps over a component until every side's residual
    /// is below its target; too slow, a direct solve when the component is small enough.
    ///
    /// The residual, which costs as much as a sweep, is computed only once a sweep moved
    /// every side by less than its target: after a sweep the residual of a row is at most
    /// `|1/ω − 1|·|δ_s| + Σ_t Q_st |δ_t| ≤ 1.24 max|δ|` (δ: the sweep's changes), so the
    /// check rarely fails and never runs while it must.
    pub(super) fn solve_sweeps<const N: usize>(
        &self,
        c: &Component,
        v: &mut [[f64; N]],
        rhs: &[&[f64]; N],
        fixed: Fixed,
        targets: &[f64; N],
    ) -> std::result::Result<([f64; N], usize), Stuck> {
        let max_sweeps = (SWEEP_WORK / c.edges.max(1)).max(64);
        let k = (c.end - c.start) as f64;
        // Work of a direct solve (an LU of the block) in transition visits.
        let direct_work = if c.end - c.start <= DENSE_FALLBACK {
            k * k * k / 3.0
        } else {
            f64::INFINITY
        };
        let every = every_side::<N>();
        let mut omega = OMEGA;
        let mut last = f64::INFINITY;
        let mut done = 0;
        for sweeps in 1..=max_sweeps {
            done = sweeps;
            let mut change = [0.0f64; N];
            for s in self.states(c) {
                let mask = fixed_at(fixed, s);
                if mask == every {
                    continue;
                }
                let acc = self.row_sum(s, v, rhs);
                let vs = &mut v[s];
                for j in 0..N {
                    if mask >> j & 1 == 0 {
                        let step = omega * (acc[j] - vs[j]);
                        vs[j] += step;
                        change[j] = change[j].max(step.abs());
                    }
                }
            }
            // The largest change relative to its side's target.
            let progress = (0..N)
                .map(|j| change[j] / targets[j])
                .fold(0.0f64, f64::max);
            if progress <= 1.0 {
                let residuals = self.residuals(c, v, rhs, fixed);
                if residuals.iter().zip(targets).all(|(r, t)| r <= t) {
                    return Ok((residuals, sweeps));
                }
            }
            if sweeps >= 3 && progress >= last {
                omega = 1.0;
            } else if sweeps >= 16 && progress > 1.0 {
                // The changes shrink by about `rate` per sweep: when the sweeps still
                // needed would cost more than a direct solve, solve directly now.
                let rate = progress / last;
                let needed = progress.ln() / -rate.ln();
                if needed * c.edges as f64 > 2.0 * direct_work {
                    break;
                }
            }
            last = progress;
        }
        if c.end - c.start <= DENSE_FALLBACK {
            self.solve_direct(c, v, rhs, fixed)?;
            return Ok((self.residuals(c, v, rhs, fixed), done));
        }
        Err(Stuck::Slow { sweeps: done })
    }
}

/// Rows up to this many transitions are summed left to right; longer ones in halves.
const PAIRWISE_BLOCK: usize = 16;

/// `Σ_t Q_st v_t` and `Σ_t |Q_st v_t|` over a row for every side, summed pairwise: the
/// row is halved until its pieces hold at most [`PAIRWISE_BLOCK`] transitions, so a
/// product goes through [`pairwise_additions`] additions instead of up to one per
/// transition (the start state of an order-3 chain over 30 channels has 27,000).
pub(super) fn pairwise_products<const N: usize>(
    cols: &[u32],
    probs: &[f64],
    v: &[[f64; N]],
) -> ([f64; N], [f64; N]) {
    if cols.len() <= PAIRWISE_BLOCK {
        let mut qv = [0.0; N];
        let mut size = [0.0; N];
        for (&t, &p) in cols.iter().zip(probs) {
            let vt = &v[t as usize];
            for j in 0..N {
                let term = p * vt[j];
                qv[j] += term;
                size[j] += term.abs();
            }
        }
        return (qv, size);
    }
    let half = cols.len() / 2;
    let (qv_a, size_a) = pairwise_products(&cols[..half], &probs[..half], v);
    let (qv_b, size_b) = pairwise_products(&cols[half..], &probs[half..], v);
    (
        std::array::from_fn(|j| qv_a[j] + qv_b[j]),
        std::array::from_fn(|j| size_a[j] + size_b[j]),
    )
}

/// The most additions a product goes through in [`pairwise_products`] of `len` terms.
pub(super) fn pairwise_additions(len: usize) -> usize {
    if len <= PAIRWISE_BLOCK {
        len.saturating_sub(1)
    } else {
        1 + pairwise_additions(len.div_ceil(2))
    }
}
