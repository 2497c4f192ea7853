//! A fixed total over curves that are not all concave: dynamic programming on a spend
//! grid, globally optimal on the grid.
//!
//! **Grid.** Above its lower bound each channel receives a whole number of steps of
//! `h = R / n`, where `R = B − Σ_c lo_c` is the money to place and `n = ⌈R / (B /
//! steps)⌉`, so a step is at most `B / steps`: channel `c` at `j` steps spends
//! `x_c(j) = min(lo_c + j h, hi_c)` and earns `v_c(j) = g_c(x_c(j))`, `j ≤ J_c =
//! ⌈(hi_c − lo_c)/h⌉`. The steps sum to `n`.
//!
//! **Dynamic programming** for a separable objective under one resource constraint
//! (Ibaraki & Katoh 1988, "Resource Allocation Problems", ch. 3):
//! `F_c(m) = max_(0 ≤ j ≤ min(m, J_c)) F_(c−1)(m − j) + v_c(j)`, the best value of the
//! first `c` channels on `m` steps; the plan is read back from the maximising `j`s of
//! `F_C(n)`. The channels concave on their bounds enter first, all at once: the steps' value
//! increments of a concave curve do not increase, so the best split of `m` steps among
//! them is the greedy one (each next step to the largest increment; Ibaraki & Katoh,
//! ch. 4), which gives `F(m)` for every `m` in `O(n log C)`. The other channels are
//! staged over the steps they can reach together (at most `Σ J`, at most `n`), each
//! costing that reach times its `J_c`, and the two parts are joined at `n` steps.
//!
//! **Error bound.** Round the true optimum `x*` down to the grid in every channel:
//! each loses at most `Δ_c = max_j v_c(j + 1) − v_c(j)`, the largest value change over
//! one of its steps (the curves increase), and the steps left over can be placed
//! without loss of value. So the grid's optimum is within `Σ_c Δ_c` of the true one;
//! that sum is reported as the plan's `grid_error_bound`.
//!
//! Steps that `hi_c` cuts short leave a little money unplaced (less than one step per
//! channel); it goes to the channels with room, highest marginal return first, which
//! cannot lower the value.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::curve::Curve;

/// A grid solution: spend per channel, the step, and the bound on the distance from the
/// true optimum.
pub(crate) struct GridSolution {
    pub(crate) x: Vec<f64>,
    pub(crate) step: f64,
    pub(crate) error_bound: f64,
}

/// The next step of a concave channel in the greedy merge: its value increment.
struct Next {
    gain: f64,
    channel: usize,
}

impl PartialEq for Next {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Next {}
impl PartialOrd for Next {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Next {
    /// Larger gain first; ties to the earlier channel.
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then(other.channel.cmp(&self.channel))
    }
}

/// Solves `max Σ g_c(x_c)` s.t. `Σ x_c = total`, `lo ≤ x ≤ hi` on a grid of at most
/// `total / steps` (validated: `Σ lo ≤ total ≤ Σ hi`).
pub(crate) fn solve_grid(
    curves: &[Curve],
    lo: &[f64],
    hi: &[f64],
    total: f64,
    steps: usize,
) -> GridSolution {
    let count = curves.len();
    let rest = total - lo.iter().sum::<f64>();
    if rest <= 1e-12 * total.abs().max(1.0) {
        return GridSolution {
            x: lo.to_vec(),
            step: 0.0,
            error_bound: 0.0,
        };
    }
    let n = ((rest / (total / steps as f64)).ceil() as usize).max(1);
    let h = rest / n as f64;
    let spend = |c: usize, j: usize| (lo[c] + j as f64 * h).min(hi[c]);
    let tops: Vec<usize> = (0..count)
        .map(|c| {
            let span = (hi[c] - lo[c]) / h;
            if span.is_finite() {
                (span.ceil() as usize).min(n)
            } else {
                n
            }
        })
        .collect();
    let values: Vec<Vec<f64>> = (0..count)
        .map(|c| {
            (0..=tops[c])
                .map(|j| curves[c].value(spend(c, j)))
                .collect()
        })
        .collect();
    let error_bound: f64 = values
        .iter()
        .map(|v| v.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max))
        .sum();

    // The channels concave on their bounds, merged greedily: best[m] over the first m
    // picks.
    let concave: Vec<usize> = (0..count)
        .filter(|&c| curves[c].is_concave_from(lo[c]))
        .collect();
    let mut best = vec![concave.iter().map(|&c| values[c][0]).sum::<f64>()];
    let mut picks: Vec<usize> = Vec::new();
    let mut taken = vec![0usize; count];
    let mut heap: BinaryHeap<Next> = concave
        .iter()
        .filter(|&&c| tops[c] > 0)
        .map(|&c| Next {
            gain: values[c][1] - values[c][0],
            channel: c,
        })
        .collect();
    while picks.len() < n {
        let Some(next) = heap.pop() else { break };
        let c = next.channel;
        picks.push(c);
        best.push(best[best.len() - 1] + next.gain);
        taken[c] += 1;
        if taken[c] < tops[c] {
            heap.push(Next {
                gain: values[c][taken[c] + 1] - values[c][taken[c]],
                channel: c,
            });
        }
    }

    // The other channels, one dynamic-programming stage each, over the steps they can
    // reach together; then joined to the concave merge at n steps in all.
    let others: Vec<usize> = (0..count)
        .filter(|&c| !curves[c].is_concave_from(lo[c]))
        .collect();
    let mut choice: Vec<Vec<u32>> = Vec::with_capacity(others.len());
    let mut table = vec![0.0];
    for &c in &others {
        let v = &values[c];
        let reach = table.len() - 1;
        let next_reach = (reach + tops[c]).min(n);
        let mut next = vec![f64::NEG_INFINITY; next_reach + 1];
        let mut arg = vec![0u32; next_reach + 1];
        for m in 0..=next_reach {
            let (mut top, mut at) = (f64::NEG_INFINITY, 0);
            for j in m.saturating_sub(reach)..=tops[c].min(m) {
                let cand = table[m - j] + v[j];
                if cand > top {
                    top = cand;
                    at = j;
                }
            }
            next[m] = top;
            arg[m] = at as u32;
        }
        table = next;
        choice.push(arg);
    }
    let mut split = (f64::NEG_INFINITY, 0);
    for (m, &f) in table.iter().enumerate() {
        if n - m < best.len() && f + best[n - m] > split.0 {
            split = (f + best[n - m], m);
        }
    }

    // Read the plan back.
    let mut steps_of = vec![0usize; count];
    let mut m = split.1;
    for (i, &c) in others.iter().enumerate().rev() {
        let j = choice[i][m] as usize;
        steps_of[c] = j;
        m -= j;
    }
    for &c in &picks[..n - split.1] {
        steps_of[c] += 1;
    }
    let mut x: Vec<f64> = (0..count).map(|c| spend(c, steps_of[c])).collect();

    // Money a cut-short step left unplaced: to the channels with room, highest
    // marginal return first.
    let mut left = total - x.iter().sum::<f64>();
    if left > 0.0 {
        let mut order: Vec<usize> = (0..count).filter(|&c| x[c] < hi[c]).collect();
        order.sort_by(|&p, &q| {
            curves[q]
                .marginal(x[q])
                .total_cmp(&curves[p].marginal(x[p]))
                .then(p.cmp(&q))
        });
        for c in order {
            let add = left.min(hi[c] - x[c]);
            x[c] += add;
            left -= add;
            if left <= 0.0 {
                break;
            }
        }
    }
    GridSolution {
        x,
        step: h,
        error_bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Concave curves only: the greedy merge lands within its error bound of the
    /// equal-marginal optimum (two exponentials, 60 to place).
    #[test]
    fn concave_grid_is_within_its_bound() {
        let curves = [
            Curve::Exponential { a: 10.0, k: 20.0 },
            Curve::Exponential { a: 30.0, k: 40.0 },
        ];
        let sol = solve_grid(&curves, &[0.0, 0.0], &[100.0, 100.0], 60.0, 1000);
        let (exact, _) =
            super::super::kkt::solve_total(&curves, &[0.0, 0.0], &[100.0, 100.0], 60.0, None);
        let value = |x: &[f64]| curves[0].value(x[0]) + curves[1].value(x[1]);
        assert!((sol.x[0] + sol.x[1] - 60.0).abs() < 1e-9);
        assert!(value(&exact) - value(&sol.x) <= sol.error_bound + 1e-12);
        assert!(value(&exact) >= value(&sol.x) - 1e-12);
        assert!((sol.step - 0.06).abs() < 1e-12);
    }
}
