//! Expected visits to every state from the start: the transposed system
//! `(I − Q)ᵀ n = e_start` (Kemeny & Snell 1960, §3.2: `n` is the start's row of the
//! fundamental matrix `N = (I − Q)⁻¹`), solved component by component in the other
//! direction, the components farthest from absorption first.
//!
//! A walk enters a strongly connected component at most once, so the expected entries
//! into a component at each of its states, `a_s = [s = start] + Σ_{t outside} n_t Q_ts`,
//! are probabilities, summing to the chance of entering it; for a state on no cycle they
//! are its visits, which is also the chance of visiting it.
//!
//! **Error bound.** With the residual `σ = e_start − (I − Q)ᵀ ñ`, `n − ñ = Nᵀ σ`, so for a
//! state `c` on no cycle (`N_cc = 1`, `N_sc` the chance of reaching `c` from `s`)
//! `|n_c − ñ_c| ≤ ‖σ‖₁`, and the entries into any component err by at most `‖σ‖₁` in
//! total (each unit of residual enters a component at most once). `‖σ‖₁` is computed,
//! with what rounding may hide, once every visit is known; the solves aim at a quarter of
//! the tolerance for it, and the bound reported is the one reached.

use super::{DENSE_FALLBACK, Method, ROUNDOFF, SWEEP_WORK, Stuck, System, singular};
use crate::error::{Error, Result};
use crate::linalg::Lu;

/// The expected visits from the start, by place.
pub(super) struct Visits {
    /// Expected visits to each place.
    pub n: Vec<f64>,
    /// Expected entries into each place's component at that place (1 at the start).
    pub entry: Vec<f64>,
    /// `‖σ‖₁`, with what rounding may hide.
    pub residual: f64,
}

/// The incoming rows of a chain's rows: per place, the places moving into it and with
/// what probability.
struct Incoming {
    ptr: Vec<usize>,
    from: Vec<u32>,
    prob: Vec<f64>,
}

impl Incoming {
    fn of(system: &System) -> Incoming {
        let places = system.stored.len();
        let mut ptr = vec![0usize; places + 1];
        for &t in &system.col {
            ptr[t as usize + 1] += 1;
        }
        for s in 0..places {
            ptr[s + 1] += ptr[s];
        }
        let mut next = ptr.clone();
        let mut from = vec![0u32; system.col.len()];
        let mut prob = vec![0.0; system.col.len()];
        for s in 0..places {
            let (cols, probs) = system.row(s);
            for (&t, &p) in cols.iter().zip(probs) {
                let k = &mut next[t as usize];
                from[*k] = s as u32;
                prob[*k] = p;
                *k += 1;
            }
        }
        Incoming { ptr, from, prob }
    }

    fn row(&self, s: usize) -> (&[u32], &[f64]) {
        let range = self.ptr[s]..self.ptr[s + 1];
        (&self.from[range.clone()], &self.prob[range])
    }
}

impl System {
    /// The expected visits to every place from the start, and the entries into each
    /// component.
    pub(super) fn visits(&self) -> Result<Visits> {
        let places = self.stored.len();
        let incoming = Incoming::of(self);
        let mut n = vec![0.0; places];
        let mut entry = vec![0.0; places];
        for c in self.components.iter().rev() {
            let inside = c.start..c.end;
            for s in inside.clone() {
                let (from, probs) = incoming.row(s);
                let outside: f64 = from
                    .iter()
                    .zip(probs)
                    .filter(|&(&t, _)| !inside.contains(&(t as usize)))
                    .map(|(&t, &p)| p * n[t as usize])
                    .sum();
                entry[s] = outside + if s == self.start { 1.0 } else { 0.0 };
            }
            if c.method == Method::Single {
                n[c.start] = entry[c.start];
                continue;
            }
            let target = self.tolerance / 4.0 * (c.end - c.start) as f64 / places as f64;
            let solved = match c.method {
                Method::Dense => dense(&incoming, c.start, c.end, &entry, &mut n),
                _ => sweeps(&incoming, c.start, c.end, &entry, &mut n, target),
            };
            match solved {
                Ok(()) => {}
                Err(Stuck::Singular) => return Err(singular(c.end - c.start)),
                Err(Stuck::Slow { sweeps }) => {
                    return Err(Error::model(
                        "markov",
                        format!(
                            "the expected visits did not settle in {sweeps} sweeps over a cyclic \
                             part of {} states; cap very long paths or use a lower \
                             `markov_order`",
                            c.end - c.start
                        ),
                    ));
                }
            }
        }
        let residual = (0..places)
            .map(|s| {
                let (from, probs) = incoming.row(s);
                let b = if s == self.start { 1.0 } else { 0.0 };
                let (mut sum, mut size) = (b, b);
                for (&t, &p) in from.iter().zip(probs) {
                    let term = p * n[t as usize];
                    sum += term;
                    size += term.abs();
                }
                let allowance = (from.len() + 5) as f64 * ROUNDOFF * (size + n[s].abs());
                (sum - n[s]).abs() + allowance
            })
            .sum();
        Ok(Visits { n, entry, residual })
    }
}

/// Visits in the places `start..end` by LU of the transposed block.
fn dense(
    incoming: &Incoming,
    start: usize,
    end: usize,
    entry: &[f64],
    n: &mut [f64],
) -> std::result::Result<(), Stuck> {
    let k = end - start;
    let mut a = vec![0.0; k * k];
    for s in start..end {
        let i = s - start;
        a[i * k + i] += 1.0;
        let (from, probs) = incoming.row(s);
        for (&t, &p) in from.iter().zip(probs) {
            let t = t as usize;
            if (start..end).contains(&t) {
                a[i * k + (t - start)] -= p;
            }
        }
    }
    let lu = Lu::factor(a, k).ok_or(Stuck::Singular)?;
    let mut b = entry[start..end].to_vec();
    lu.solve(&mut b);
    n[start..end].copy_from_slice(&b);
    Ok(())
}

/// Visits in the places `start..end` by Gauss–Seidel sweeps of the transposed block,
/// until a sweep changes them by at most `target` in total (the residual after a sweep
/// is at most its changes, as every column of `Q` sums to at most 1 inside the block),
/// or the changes stop shrinking (rounding); too slow, by LU when the block is small
/// enough.
fn sweeps(
    incoming: &Incoming,
    start: usize,
    end: usize,
    entry: &[f64],
    n: &mut [f64],
    target: f64,
) -> std::result::Result<(), Stuck> {
    let edges = incoming.ptr[end] - incoming.ptr[start];
    let max_sweeps = (SWEEP_WORK / edges.max(1)).max(64);
    let mut last = f64::INFINITY;
    let mut stalled = 0;
    for sweep in 1..=max_sweeps {
        let mut change = 0.0;
        for s in start..end {
            let (from, probs) = incoming.row(s);
            let mut acc = entry[s];
            for (&t, &p) in from.iter().zip(probs) {
                let t = t as usize;
                if (start..end).contains(&t) {
                    acc += p * n[t];
                }
            }
            change += (acc - n[s]).abs();
            n[s] = acc;
        }
        if change <= target {
            return Ok(());
        }
        stalled = if change >= last { stalled + 1 } else { 0 };
        if stalled >= 3 {
            // Rounding: the bound says what was reached.
            return Ok(());
        }
        last = change;
        if sweep == max_sweeps && end - start <= DENSE_FALLBACK {
            return dense(incoming, start, end, entry, n);
        }
    }
    Err(Stuck::Slow { sweeps: max_sweeps })
}
