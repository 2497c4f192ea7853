//! Games on channel subsets built from journeys.
//!
//! Journeys are pooled by their *set* of distinct channels `T` ([`ChannelSets`]): `c(T)`
//! conversions, `x(T)` conversion value and `j(T)` journeys (conversions + nulls).
//!
//! * [`PooledGame`] counting: `v(S) = Σ_{T ⊆ S} c(T)` — Zhao et al.'s (2018)
//!   "simplified" game; its Shapley value has the closed form `Σ_{T ∋ i} c(T) / |T|`.
//! * [`PooledGame`] rate: `v(S) = Σ_{T ⊆ S} c(T) / Σ_{T ⊆ S} j(T)`, the conversion
//!   rate of the journeys that touched only channels in `S` (0 when there are none);
//!   uses non-converting journeys. With `x` in place of `c`, the value per journey.
//!
//! Tables for exact solves come from zeta transforms of the per-set sums; along a
//! permutation, a set joins the coalition when its last member arrives, so a whole
//! permutation costs `O(Σ_T |T|)`.

use crate::channel::ChannelId;
use crate::journeys::PathTable;
use crate::models::shapley::engine::{Game, zeta};

/// Journeys pooled by their set of distinct channels.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChannelSets {
    pub players: usize,
    /// Members of each set, flattened (sorted ascending within a set).
    members: Vec<u32>,
    offsets: Vec<usize>,
    pub conversions: Vec<f64>,
    pub value: Vec<f64>,
    pub journeys: Vec<f64>,
}

impl ChannelSets {
    /// Pools the rows of a path table by their channel sets.
    pub fn from_paths(paths: &PathTable) -> ChannelSets {
        let mut index: rustc_hash::FxHashMap<Vec<u32>, usize> = rustc_hash::FxHashMap::default();
        let mut sets = ChannelSets {
            players: paths.channels().len(),
            offsets: vec![0],
            ..ChannelSets::default()
        };
        let mut key: Vec<ChannelId> = Vec::new();
        for row in paths.rows() {
            key.clear();
            key.extend_from_slice(row.path);
            key.sort_unstable();
            key.dedup();
            let k = match index.get(&key) {
                Some(&k) => k,
                None => {
                    let k = sets.conversions.len();
                    index.insert(key.clone(), k);
                    sets.members.extend_from_slice(&key);
                    sets.offsets.push(sets.members.len());
                    sets.conversions.push(0.0);
                    sets.value.push(0.0);
                    sets.journeys.push(0.0);
                    k
                }
            };
            sets.conversions[k] += row.conversions;
            sets.value[k] += row.value;
            sets.journeys[k] += row.conversions + row.nulls;
        }
        sets
    }

    pub fn len(&self) -> usize {
        self.conversions.len()
    }

    pub fn members(&self, k: usize) -> &[u32] {
        &self.members[self.offsets[k]..self.offsets[k + 1]]
    }

    fn mask(&self, k: usize) -> usize {
        self.members(k).iter().fold(0usize, |m, &p| m | 1 << p)
    }

    /// `f[S] = Σ_{T ⊆ S} weight(T)` over all coalitions (players ≤ 30).
    fn subset_sums(&self, weight: &[f64]) -> Vec<f64> {
        let mut f = vec![0.0; 1usize << self.players];
        for k in 0..self.len() {
            f[self.mask(k)] += weight[k];
        }
        zeta(&mut f);
        f
    }
}

/// What the numerator of a pooled game counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Numerator {
    Conversions,
    Value,
}

/// A game that sums a quantity over the journeys whose channel set lies in the
/// coalition, optionally divided by the number of those journeys (a rate).
pub(crate) struct PooledGame<'a> {
    pub sets: &'a ChannelSets,
    pub numerator: Numerator,
    pub rate: bool,
}

impl PooledGame<'_> {
    fn weights(&self) -> &[f64] {
        match self.numerator {
            Numerator::Conversions => &self.sets.conversions,
            Numerator::Value => &self.sets.value,
        }
    }

    fn ratio(num: f64, den: f64) -> f64 {
        if den > 0.0 { num / den } else { 0.0 }
    }

    /// Values along `order` and along its reverse, in one pass over the sets: a set
    /// joins at its last member in the forward order, at its first in the reverse.
    pub fn values_along_both(
        &self,
        order: &[u32],
        forward: &mut Vec<f64>,
        backward: &mut Vec<f64>,
    ) {
        let n = self.sets.players;
        let mut pos = vec![0usize; n];
        for (i, &p) in order.iter().enumerate() {
            pos[p as usize] = i;
        }
        let mut num_f = vec![0.0; n + 1];
        let mut den_f = vec![0.0; n + 1];
        let mut num_b = vec![0.0; n + 1];
        let mut den_b = vec![0.0; n + 1];
        let w = self.weights();
        for (k, (&wk, &jk)) in w.iter().zip(&self.sets.journeys).enumerate() {
            let (mut lo, mut hi) = (usize::MAX, 0);
            for &p in self.sets.members(k) {
                let q = pos[p as usize];
                lo = lo.min(q);
                hi = hi.max(q);
            }
            num_f[hi + 1] += wk;
            den_f[hi + 1] += jk;
            num_b[n - lo] += wk;
            den_b[n - lo] += jk;
        }
        for (out, num, den) in [
            (forward, &mut num_f, &mut den_f),
            (backward, &mut num_b, &mut den_b),
        ] {
            out.clear();
            let (mut acc_n, mut acc_d) = (0.0, 0.0);
            for j in 0..=n {
                acc_n += num[j];
                acc_d += den[j];
                out.push(if self.rate {
                    Self::ratio(acc_n, acc_d)
                } else {
                    acc_n
                });
            }
        }
    }
}

impl Game for PooledGame<'_> {
    fn players(&self) -> usize {
        self.sets.players
    }

    fn value(&self, members: &[bool]) -> f64 {
        let w = self.weights();
        let (mut num, mut den) = (0.0, 0.0);
        for (k, (&wk, &jk)) in w.iter().zip(&self.sets.journeys).enumerate() {
            if self.sets.members(k).iter().all(|&p| members[p as usize]) {
                num += wk;
                den += jk;
            }
        }
        if self.rate {
            Self::ratio(num, den)
        } else {
            num
        }
    }

    fn table(&self) -> Option<Vec<f64>> {
        let mut num = self.sets.subset_sums(self.weights());
        if self.rate {
            let den = self.sets.subset_sums(&self.sets.journeys);
            for (n, d) in num.iter_mut().zip(&den) {
                *n = Self::ratio(*n, *d);
            }
        }
        Some(num)
    }

    fn values_along(&self, order: &[u32], out: &mut Vec<f64>) {
        let mut unused = Vec::new();
        self.values_along_both(order, out, &mut unused);
    }

    fn values_along_pair(&self, order: &[u32], forward: &mut Vec<f64>, backward: &mut Vec<f64>) {
        self.values_along_both(order, forward, backward);
    }

    fn marginal_range(&self) -> Option<f64> {
        let w = self.weights();
        if self.rate {
            // v(S) is a ratio of pooled sums, so it lies in [0, max_T w(T)/j(T)].
            let top = (0..self.sets.len())
                .filter(|&k| self.sets.journeys[k] > 0.0)
                .map(|k| w[k] / self.sets.journeys[k])
                .fold(0.0f64, f64::max);
            Some(2.0 * top)
        } else {
            // Marginals of a counting game lie in [0, Σ w].
            Some(w.iter().sum())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::shapley::engine::{exact, shapley_from_table};

    fn table(rows: &[(&[&str], f64, f64)]) -> PathTable {
        let mut b = PathTable::builder();
        for (p, c, n) in rows {
            b.push(p, *c, 10.0 * c, *n);
        }
        b.finish()
    }

    #[test]
    fn table_and_value_agree_and_permutation_values_match() {
        let t = table(&[
            (&["a", "b"], 3.0, 1.0),
            (&["b"], 1.0, 4.0),
            (&["c", "a", "c"], 2.0, 2.0),
        ]);
        let sets = ChannelSets::from_paths(&t);
        for rate in [false, true] {
            let g = PooledGame {
                sets: &sets,
                numerator: Numerator::Conversions,
                rate,
            };
            let tab = g.table().unwrap();
            for (mask, &expected) in tab.iter().enumerate() {
                let members: Vec<bool> = (0..3).map(|i| mask >> i & 1 == 1).collect();
                assert!((expected - g.value(&members)).abs() < 1e-12);
            }
            let (mut f, mut b) = (Vec::new(), Vec::new());
            g.values_along_pair(&[2, 0, 1], &mut f, &mut b);
            let mut m = vec![false; 3];
            for (k, &p) in [2usize, 0, 1].iter().enumerate() {
                m[p] = true;
                assert!((f[k + 1] - g.value(&m)).abs() < 1e-12);
            }
            let mut m = vec![false; 3];
            for (k, &p) in [1usize, 0, 2].iter().enumerate() {
                m[p] = true;
                assert!((b[k + 1] - g.value(&m)).abs() < 1e-12);
            }
            let phi = exact(&g).unwrap();
            assert_eq!(phi, shapley_from_table(&tab, 3));
        }
    }
}
