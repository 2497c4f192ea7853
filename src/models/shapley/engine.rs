//! The Shapley engine: any game on channel subsets, solved exactly or by sampling.
//!
//! Shapley (1953): `φ_i = Σ_{S ⊆ N∖{i}} |S|! (n−|S|−1)! / n! · (v(S ∪ {i}) − v(S))`.
//!
//! * **Exact** ([`exact`]): the game's value table over all `2^n` coalitions (bitmasks),
//!   then, player by player, one streaming pass over the pairs `(S, S ∪ {i})`:
//!   `O(n · 2^n)` time, reading the table sequentially (a per-coalition loop over
//!   players would jump `2^i` entries for high bits and miss the cache at every step).
//!   Games that are sums over journeys build their table with zeta transforms (see
//!   [`zeta`]). Memory: 8 bytes per coalition per table: 268 MB at 25 channels.
//! * **Sampled** ([`sampled`]): Castro, Gómez & Tejada (2009) permutation sampling with
//!   antithetic pairs (each permutation and its reverse; Mitchell et al. 2022): a sample
//!   is the mean of the two marginal contributions. Permutation `k` is drawn from its
//!   own ChaCha8 stream seeded by `(seed, k)`, so results do not depend on the number
//!   of threads. Reports per-player standard errors and the Hoeffding half-width
//!   `R · sqrt(ln(2/δ) / (2m))` at δ = 0.05, where `R` bounds the range of a player's
//!   marginal contributions (Hoeffding 1963).

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::param::Param;

/// The most players an exact solve accepts (2^30 coalitions × 8 bytes = 8.6 GB).
pub const EXACT_HARD_LIMIT: usize = 30;

/// Up to this many players an exact solve runs on the calling thread.
const SERIAL_PLAYERS: usize = 12;

/// Confidence level of the reported Hoeffding half-widths (`1 − δ`).
pub const HOEFFDING_DELTA: f64 = 0.05;

/// A cooperative game on players `0..n`.
pub trait Game: Sync {
    /// Number of players.
    fn players(&self) -> usize;

    /// The value of a coalition given as a membership flag per player.
    fn value(&self, members: &[bool]) -> f64;

    /// The value of every coalition, indexed by bitmask (bit `i` = player `i`), when the
    /// game can build it faster than `2^n` calls of [`Game::value`].
    fn table(&self) -> Option<Vec<f64>> {
        None
    }

    /// `out[k] = v({order[0], …, order[k−1]})` for `k = 0..=n`. The default calls
    /// [`Game::value`] `n + 1` times; games override it with an incremental update.
    fn values_along(&self, order: &[u32], out: &mut Vec<f64>) {
        let mut members = vec![false; self.players()];
        out.clear();
        out.push(self.value(&members));
        for &p in order {
            members[p as usize] = true;
            out.push(self.value(&members));
        }
    }

    /// [`Game::values_along`] for `order` and for its reverse; games that can do both
    /// in one pass override it.
    fn values_along_pair(&self, order: &[u32], forward: &mut Vec<f64>, backward: &mut Vec<f64>) {
        self.values_along(order, forward);
        let reversed: Vec<u32> = order.iter().rev().copied().collect();
        self.values_along(&reversed, backward);
    }

    /// An upper bound on `max − min` of any player's marginal contributions (for the
    /// Hoeffding bound), if the game knows one.
    fn marginal_range(&self) -> Option<f64> {
        None
    }
}

/// The value table of a game for an exact solve (its own, or by calling `value`).
pub fn value_table(game: &dyn Game) -> Result<Vec<f64>> {
    let n = game.players();
    if n > EXACT_HARD_LIMIT {
        return Err(Error::param(
            Param::ShapleyExactMax,
            format!(
                "an exact solve over {n} players needs 2^{n} coalitions; at most {EXACT_HARD_LIMIT} are possible"
            ),
        ));
    }
    if let Some(t) = game.table() {
        return Ok(t);
    }
    Ok((0..1u64 << n)
        .into_par_iter()
        .map_init(
            || vec![false; n],
            |members, mask| {
                for (i, m) in members.iter_mut().enumerate() {
                    *m = mask >> i & 1 == 1;
                }
                game.value(members)
            },
        )
        .collect())
}

/// The Shapley weights `w[k] = k! (n−k−1)! / n!` for `k = 0..n`.
fn weights(n: usize) -> Vec<f64> {
    let mut w = vec![0.0; n];
    if n == 0 {
        return w;
    }
    w[0] = 1.0 / n as f64;
    for k in 1..n {
        w[k] = w[k - 1] * k as f64 / (n - k) as f64;
    }
    w
}

/// The exact Shapley value from a value table over `n` players.
pub fn shapley_from_table(v: &[f64], n: usize) -> Vec<f64> {
    assert_eq!(
        v.len(),
        1usize << n,
        "a value table over {n} players has 2^{n} entries"
    );
    let w = weights(n);
    if n <= SERIAL_PLAYERS {
        // Small tables (e.g. one journey's channels): a plain loop beats any threading.
        return (0..n)
            .map(|i| {
                let bit = 1usize << i;
                (0..v.len())
                    .filter(|m| m & bit == 0)
                    .map(|m| w[m.count_ones() as usize] * (v[m | bit] - v[m]))
                    .sum()
            })
            .collect();
    }
    const CHUNK: usize = 1 << 14;
    (0..n)
        .map(|i| {
            let bit = 1usize << i;
            // Masks without bit i, in chunks of consecutive masks: a run of `bit`
            // masks without the bit is followed by `bit` masks with it.
            (0..v.len() / 2)
                .into_par_iter()
                .step_by(CHUNK)
                .map(|start| {
                    let end = (start + CHUNK).min(v.len() / 2);
                    let mut acc = 0.0;
                    for j in start..end {
                        // The j-th mask without bit i: insert a 0 at position i.
                        let low = j & (bit - 1);
                        let mask = ((j & !(bit - 1)) << 1) | low;
                        let k = mask.count_ones() as usize;
                        acc += w[k] * (v[mask | bit] - v[mask]);
                    }
                    acc
                })
                .collect::<Vec<f64>>()
                .iter()
                .sum()
        })
        .collect()
}

/// The zeta (sum-over-subsets) transform in place: `f[S] ← Σ_{T ⊆ S} f[T]`
/// (Yates 1937; O(n · 2^n)).
pub fn zeta(f: &mut [f64]) {
    let n = f.len().trailing_zeros() as usize;
    assert_eq!(f.len(), 1 << n);
    for i in 0..n {
        let bit = 1usize << i;
        f.par_chunks_mut(2 * bit).for_each(|block| {
            let (low, high) = block.split_at_mut(bit);
            for (h, l) in high.iter_mut().zip(low.iter()) {
                *h += *l;
            }
        });
    }
}

/// The exact Shapley value of a game.
pub fn exact(game: &dyn Game) -> Result<Vec<f64>> {
    let table = value_table(game)?;
    Ok(shapley_from_table(&table, game.players()))
}

/// A sampled Shapley value with its uncertainty.
#[derive(Clone, Debug, PartialEq)]
pub struct Sampled {
    /// Estimated Shapley value per player.
    pub phi: Vec<f64>,
    /// Standard error of each estimate.
    pub standard_error: Vec<f64>,
    /// Hoeffding half-width at confidence `1 − HOEFFDING_DELTA`, when the game bounds
    /// its marginal contributions.
    pub hoeffding: Option<Vec<f64>>,
    /// Antithetic samples (each two permutations).
    pub samples: usize,
}

/// Running sums of antithetic samples, mergeable in sample order.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleSums {
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
    samples: usize,
}

impl SampleSums {
    /// Sums over samples `range` of `game` (sample k uses ChaCha8 stream k of `seed`).
    pub fn draw(game: &dyn Game, range: std::ops::Range<usize>, seed: u64) -> SampleSums {
        let n = game.players();
        const BATCH: usize = 64;
        let starts: Vec<usize> = range.clone().step_by(BATCH).collect();
        // Per-batch sums, collected in batch order and added sequentially, so the result
        // does not depend on how rayon split the work.
        let partial: Vec<(Vec<f64>, Vec<f64>)> = starts
            .into_par_iter()
            .map(|start| {
                let mut sum = vec![0.0; n];
                let mut sum_sq = vec![0.0; n];
                let mut order: Vec<u32> = (0..n as u32).collect();
                let (mut forward, mut backward) =
                    (Vec::with_capacity(n + 1), Vec::with_capacity(n + 1));
                let mut marginal = vec![0.0; n];
                for k in start..(start + BATCH).min(range.end) {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed);
                    rng.set_stream(k as u64);
                    for (i, o) in order.iter_mut().enumerate() {
                        *o = i as u32;
                    }
                    order.shuffle(&mut rng);
                    game.values_along_pair(&order, &mut forward, &mut backward);
                    marginal.iter_mut().for_each(|m| *m = 0.0);
                    for (pos, &p) in order.iter().enumerate() {
                        marginal[p as usize] += 0.5 * (forward[pos + 1] - forward[pos]);
                    }
                    for (pos, &p) in order.iter().rev().enumerate() {
                        marginal[p as usize] += 0.5 * (backward[pos + 1] - backward[pos]);
                    }
                    for i in 0..n {
                        sum[i] += marginal[i];
                        sum_sq[i] += marginal[i] * marginal[i];
                    }
                }
                (sum, sum_sq)
            })
            .collect();
        let mut sums = SampleSums {
            sum: vec![0.0; n],
            sum_sq: vec![0.0; n],
            samples: range.len(),
        };
        for (s, q) in &partial {
            for i in 0..n {
                sums.sum[i] += s[i];
                sums.sum_sq[i] += q[i];
            }
        }
        sums
    }

    /// Adds the sums of the samples that follow.
    pub fn merge(&mut self, later: &SampleSums) {
        for i in 0..self.sum.len() {
            self.sum[i] += later.sum[i];
            self.sum_sq[i] += later.sum_sq[i];
        }
        self.samples += later.samples;
    }

    /// The estimate with its standard errors and Hoeffding half-widths.
    pub fn finish(&self, marginal_range: Option<f64>) -> Sampled {
        let m = self.samples as f64;
        let phi: Vec<f64> = self.sum.iter().map(|s| s / m).collect();
        let standard_error = (0..phi.len())
            .map(|i| {
                let var = ((self.sum_sq[i] - m * phi[i] * phi[i]) / (m - 1.0)).max(0.0);
                (var / m).sqrt()
            })
            .collect();
        let hoeffding = marginal_range.map(|range| {
            vec![range * ((2.0 / HOEFFDING_DELTA).ln() / (2.0 * m)).sqrt(); phi.len()]
        });
        Sampled {
            phi,
            standard_error,
            hoeffding,
            samples: self.samples,
        }
    }
}

/// Estimates the Shapley value from `samples` antithetic permutation pairs.
pub fn sampled(game: &dyn Game, samples: usize, seed: u64) -> Result<Sampled> {
    if samples < 2 {
        return Err(Error::param(
            Param::ShapleySamples,
            "needs at least 2 samples",
        ));
    }
    Ok(SampleSums::draw(game, 0..samples, seed).finish(game.marginal_range()))
}

/// Samples in rounds of `round` until `done(estimate)` or `max` samples; the result
/// equals `sampled(game, m, seed)` for the final count `m`.
pub fn sampled_until(
    game: &dyn Game,
    round: usize,
    max: usize,
    seed: u64,
    done: impl Fn(&Sampled) -> bool,
) -> Result<Sampled> {
    let mut sums = SampleSums::draw(game, 0..round.min(max), seed);
    loop {
        let estimate = sums.finish(game.marginal_range());
        crate::progress::tick(
            "Shapley permutation samples",
            sums.samples as u64,
            max as u64,
        );
        if sums.samples >= max || done(&estimate) {
            crate::progress::tick("Shapley permutation samples", max as u64, max as u64);
            return Ok(estimate);
        }
        let next = sums.samples..(sums.samples + round).min(max);
        sums.merge(&SampleSums::draw(game, next, seed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A game given by a closure over membership flags.
    struct ClosureGame<F: Fn(&[bool]) -> f64 + Sync>(usize, F);

    impl<F: Fn(&[bool]) -> f64 + Sync> Game for ClosureGame<F> {
        fn players(&self) -> usize {
            self.0
        }
        fn value(&self, m: &[bool]) -> f64 {
            (self.1)(m)
        }
    }

    #[test]
    fn glove_game() {
        // Players 0 and 1 hold right gloves, player 2 a left glove; a pair is worth 1.
        // Shapley values 1/6, 1/6, 2/3 (the textbook glove game).
        let g = ClosureGame(3, |m: &[bool]| f64::from(u8::from(m[2] && (m[0] || m[1]))));
        let phi = exact(&g).unwrap();
        for (a, b) in phi.iter().zip([1.0 / 6.0, 1.0 / 6.0, 2.0 / 3.0]) {
            assert!((a - b).abs() < 1e-12, "{phi:?}");
        }
    }

    #[test]
    fn owner_and_workers() {
        // An owner (0) and three workers each adding 10 once the owner is present:
        // owner 15, each worker 5.
        let g = ClosureGame(4, |m: &[bool]| {
            if m[0] {
                10.0 * m[1..].iter().filter(|&&x| x).count() as f64
            } else {
                0.0
            }
        });
        let phi = exact(&g).unwrap();
        for (a, b) in phi.iter().zip([15.0, 5.0, 5.0, 5.0]) {
            assert!((a - b).abs() < 1e-12, "{phi:?}");
        }
    }

    #[test]
    fn zeta_sums_over_subsets() {
        let mut f = vec![1.0, 2.0, 4.0, 8.0];
        zeta(&mut f);
        assert_eq!(f, [1.0, 3.0, 5.0, 15.0]);
    }

    #[test]
    fn sampling_is_thread_count_independent_and_converges() {
        let g = ClosureGame(3, |m: &[bool]| f64::from(u8::from(m[2] && (m[0] || m[1]))));
        let a = sampled(&g, 2000, 7).unwrap();
        let b = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| sampled(&g, 2000, 7).unwrap());
        assert_eq!(a, b);
        assert!((a.phi[2] - 2.0 / 3.0).abs() < 4.0 * a.standard_error[2] + 1e-12);
        let sum: f64 = a.phi.iter().sum();
        assert!(
            (sum - 1.0).abs() < 1e-12,
            "efficiency holds for every sample"
        );
    }
}
