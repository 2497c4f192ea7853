//! Exact absorption probabilities of the chain, with and without a channel.
//!
//! For transient states (start and channel states) with transition matrix `Q`,
//! conversion probabilities `r` and mean conversion values `v̄`, the probability of
//! being absorbed into conversion `x` and the expected conversion value `u` solve
//!
//! ```text
//! (I − Q) x = r          (I − Q) u = r ∘ v̄
//! ```
//!
//! (Kemeny & Snell, *Finite Markov Chains*, 1960, ch. III).
//!
//! **By the chain's structure.** The states are split into strongly connected components
//! (Tarjan 1972), which are solved one at a time, the components nearest absorption
//! first, so every value a component needs from outside it is already final
//! ([`graph`](crate::graph)):
//!
//! * a state on no cycle is one back-substitution `x_s = r_s + Σ_t Q_st x_t`, exact;
//! * a small cyclic component (at most [`DENSE_MAX`] states) is solved directly by LU
//!   with partial pivoting, its factorisation kept for the removals that leave it whole;
//! * a large cyclic component is solved by over-relaxed Gauss–Seidel sweeps (SOR,
//!   ω = 1.3, falling back to plain Gauss–Seidel if the residual stops shrinking) that
//!   visit its states in window order (below); if that would take too long
//!   (a chain that absorbs very slowly, such as one path of a million touches) and the
//!   component is at most [`DENSE_FALLBACK`] states, it is solved directly instead;
//!   otherwise the solve fails, saying how slowly the chain absorbs.
//!
//! **The error bound is a proof, not a heuristic**: for any approximation `x̃`,
//! `x − x̃ = (I − Q)⁻¹ ρ` with residual `ρ = r − (I − Q) x̃`, so `‖x − x̃‖∞ ≤ T ‖ρ‖∞` where
//! `T = ‖(I − Q)⁻¹‖∞` is the largest expected number of steps to absorption. `T` is
//! bounded from above by a solve of `(I − Q) m = 1`: if `m̃` has residual `δ < 1` then
//! `T ≤ ‖m̃‖∞ / (1 − δ)`. Residuals include what rounding may hide (in computing them, and
//! in `Q` and `r`, whose entries are rounded quotients of counts), so the bound holds for
//! the exact chain of the counts; a row's residual is summed in halves, so what rounding
//! may hide grows with the logarithm of its length (the start state of an order-3 chain
//! has tens of thousands of transitions). A component is solved until its rows' residual times that
//! bound is below the tolerance (default 1e-12 on probabilities, and the same relative
//! to the largest mean value for values); a direct solve of a badly conditioned chain
//! may stop above it, and the bound it reaches is reported.
//!
//! Removing a channel sends every transition into a state containing it to null: the
//! same system with those states' unknowns fixed at zero. Removal only takes transitions
//! away, so the same `T` bounds every removal's system.
//!
//! **Removals together.** Every removal solves the same matrix with other unknowns fixed,
//! so removals are solved [`REMOVALS_PER_PASS`] at a time: each state holds the values of
//! all of them side by side, and one pass over a component's transitions updates every
//! removal's unknowns (the transitions are read once instead of once per removal, and the
//! inner loop over the removals vectorises). The whole chain is one more "removal" that
//! fixes nothing. Each starts from zero (starting from the whole chain's solution saved
//! no sweeps: removal effects of 40–50% leave it as far off as zero) and stops with its
//! own proven bound.
//!
//! **Window order.** The unknowns are stored component after component, and a swept
//! component's states in lexicographic order of their windows: the successors of window
//! `(a, b, c)` are the windows `(b, c, ·)`, which then lie side by side, and sweeping in
//! that same order reads them as a stream rather than scattered over the whole vector
//! (measured at order 3 on 1M paths × 30 channels, 27,000 swept states with 16 values
//! each: the removal solves 1.07 s → 0.37 s, with the same 38 sweeps as the previous
//! order, nearest the end of paths first).

use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::graph;
use crate::linalg::Lu;
use crate::models::markov::chain::Chain;

/// Cyclic components up to this many states are solved directly by LU.
pub const DENSE_MAX: usize = 192;

/// Cyclic components up to this many states fall back to a direct solve when
/// Gauss–Seidel would take too long.
pub const DENSE_FALLBACK: usize = 2000;

/// Removals solved together in one pass over the transitions. Each has two sides
/// (probability and value), so a pass carries `2 × 8 = 16` values per state: 128 bytes,
/// two cache lines, and 16 multiply-adds per transition read (measured at order 3 on
/// 1M paths × 30 channels: 1.03 s of solves one removal at a time, see the README).
pub const REMOVALS_PER_PASS: usize = 8;

/// Values per state in a pass of removals.
const SIDES: usize = 2 * REMOVALS_PER_PASS;

/// Transition visits allowed for the sweeps of one component's solve before it counts
/// as too slow (about a second of work).
const SWEEP_WORK: usize = 1_500_000_000;

/// Initial over-relaxation factor (measured: 40 sweeps instead of 72 at order 3 on
/// 1M paths × 30 channels). Falls back to 1 (plain Gauss–Seidel, which always
/// converges on an absorbing chain) as soon as the sweeps stop shrinking their changes.
const OMEGA: f64 = 1.3;

/// Unit roundoff of `f64` with a margin: `2⁻⁵³ × 1.01`.
const ROUNDOFF: f64 = f64::EPSILON / 2.0 * 1.01;

/// The residual the solve of `(I − Q) m = 1` must reach for the bound on `T`.
const STEPS_RESIDUAL: f64 = 0.25;

/// How a component is solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    /// One state on no cycle: back-substitution.
    Single,
    /// LU of the component's block.
    Dense,
    /// Gauss–Seidel sweeps over the component.
    Sweeps,
}

/// One strongly connected component, with how it is solved.
struct Component {
    /// Its states' places: `start..end` (for sweeps: in window order, which is also
    /// the order they are swept in).
    start: usize,
    end: usize,
    method: Method,
    /// Transitions out of its states (the work of one sweep).
    edges: usize,
    /// Its slot in `System::lus` (cyclic components only).
    slot: usize,
}

/// The linear system of a chain, ready for repeated solves.
pub(crate) struct System {
    /// The chain state stored at each place: every vector below is in storage order.
    stored: Vec<u32>,
    /// The place of each chain state.
    position: Vec<u32>,
    /// The place of the start state.
    start: usize,
    row_ptr: Vec<usize>,
    col: Vec<u32>,
    prob: Vec<f64>,
    /// Probability into conversion, per state.
    pub r: Vec<f64>,
    /// Probability into conversion times the mean conversion value, per state.
    pub rv: Vec<f64>,
    /// Components in solve order (nearest absorption first).
    components: Vec<Component>,
    /// The LU of `I − Q` on each whole cyclic component, made on first use.
    lus: Vec<OnceLock<Option<Lu>>>,
    /// Upper bound of `‖(I − Q)⁻¹‖∞`.
    pub steps_bound: f64,
    tolerance: f64,
    value_scale: f64,
}

/// What one removal's solve gives from the start state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct StartValues {
    /// Probability of conversion.
    pub x: f64,
    /// Expected conversion value.
    pub u: f64,
    /// Proven bound on the error of `x` (and of `u`, relative to the value scale).
    pub error_bound: f64,
    /// The most Gauss–Seidel sweeps one component took in the pass that solved it (0
    /// when none was swept).
    pub sweeps: usize,
}

/// The structure of a system: how many states each method solves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SolveStructure {
    /// States on no cycle (back-substitution).
    pub acyclic_states: usize,
    /// Cyclic components solved directly, and their states.
    pub direct_components: usize,
    /// States in those components.
    pub direct_states: usize,
    /// Cyclic components solved by sweeps, and their states.
    pub swept_components: usize,
    /// States in those components.
    pub swept_states: usize,
    /// States in the largest component.
    pub largest_component: usize,
}

/// Per state, the sides whose unknown is fixed at zero there (bit `j`: side `j`); `None`
/// when nothing is fixed.
type Fixed<'a> = Option<&'a [u64]>;

/// The mask with a bit for each of `N` sides.
const fn every_side<const N: usize>() -> u64 {
    if N >= 64 { u64::MAX } else { (1u64 << N) - 1 }
}

/// A state's packed key with its first touch in the highest slot: sorting by it puts
/// windows in lexicographic order of their touches.
fn window_order(key: u64) -> u64 {
    (0..4).fold(0, |acc, i| {
        acc | ((key >> (16 * i)) & 0xFFFF) << (16 * (3 - i))
    })
}

fn fixed_at(fixed: Fixed, s: usize) -> u64 {
    fixed.map_or(0, |f| f[s])
}

impl System {
    /// The system of `chain`, with its components and the bound on expected steps.
    pub fn new(chain: &Chain, tolerance: f64) -> Result<System> {
        let n = chain.len();
        let (stored, parts) = storage_order(chain);
        let mut position = vec![0u32; n];
        for (i, &s) in stored.iter().enumerate() {
            position[s as usize] = i as u32;
        }
        let (row_ptr, col, prob) = stored_rows(chain, &stored, &position);
        let per_out = |w: &[f64]| -> Vec<f64> {
            stored
                .iter()
                .map(|&s| {
                    let s = s as usize;
                    if chain.out[s] > 0.0 {
                        w[s] / chain.out[s]
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        let (r, rv) = (per_out(&chain.conv), per_out(&chain.value));
        let value_scale = (0..n)
            .filter(|&s| chain.conv[s] > 0.0)
            .map(|s| chain.value[s] / chain.conv[s])
            .fold(0.0f64, f64::max);

        let mut components = Vec::new();
        let mut cyclic = 0;
        for (i, &(start, method)) in parts.iter().enumerate() {
            let end = parts.get(i + 1).map_or(n, |p| p.0);
            components.push(Component {
                start,
                end,
                method,
                edges: row_ptr[end] - row_ptr[start],
                slot: cyclic,
            });
            if method != Method::Single {
                cyclic += 1;
            }
        }
        let lus = (0..cyclic).map(|_| OnceLock::new()).collect();
        let mut system = System {
            row_ptr,
            col,
            prob,
            start: position[0] as usize,
            stored,
            position,
            r,
            rv,
            components,
            lus,
            steps_bound: f64::INFINITY,
            tolerance,
            value_scale,
        };
        system.steps_bound = system.bound_expected_steps()?;
        Ok(system)
    }

    /// How many states each method solves.
    pub fn structure(&self) -> SolveStructure {
        let mut s = SolveStructure::default();
        for c in &self.components {
            let k = c.end - c.start;
            s.largest_component = s.largest_component.max(k);
            match c.method {
                Method::Single => s.acyclic_states += 1,
                Method::Dense => {
                    s.direct_components += 1;
                    s.direct_states += k;
                }
                Method::Sweeps => {
                    s.swept_components += 1;
                    s.swept_states += k;
                }
            }
        }
        s
    }

    /// The places of a component's states.
    fn states(&self, c: &Component) -> std::ops::Range<usize> {
        c.start..c.end
    }

    fn row(&self, s: usize) -> (&[u32], &[f64]) {
        let range = self.row_ptr[s]..self.row_ptr[s + 1];
        (&self.col[range.clone()], &self.prob[range])
    }

    /// The residual targets of the two sides: probabilities to the tolerance, values to
    /// it relative to the largest mean value.
    fn targets(&self) -> [f64; 2] {
        [
            self.tolerance / self.steps_bound,
            self.tolerance * self.value_scale.max(1.0) / self.steps_bound,
        ]
    }

    /// The proven error bound of a solve whose probability and value sides reached these
    /// residuals.
    fn error_bound(&self, residual_x: f64, residual_u: f64) -> f64 {
        let bound_x = self.steps_bound * residual_x;
        let bound_u = self.steps_bound * residual_u / self.value_scale.max(1.0);
        bound_x.max(bound_u)
    }

    /// An upper bound of the largest expected number of steps to absorption.
    fn bound_expected_steps(&self) -> Result<f64> {
        let n = self.r.len();
        let ones = vec![1.0; n];
        let mut m = vec![[0.0f64; 1]; n];
        let mut worst = 0.0f64;
        for c in &self.components {
            let done = self.solve_component(c, &mut m, &[&ones], None, &[STEPS_RESIDUAL]);
            match done {
                Ok((residuals, _)) => worst = worst.max(residuals[0]),
                Err(Stuck::Singular) => return Err(singular(c.end - c.start)),
                Err(Stuck::Slow { sweeps }) => {
                    // Gauss–Seidel from 0 approaches m from below: its current largest
                    // value is a proven lower bound on the expected steps.
                    let at_least = self.states(c).map(|s| m[s][0]).fold(0.0, f64::max);
                    return Err(Error::model(
                        "markov",
                        format!(
                            "the chain absorbs too slowly to solve: from some states the \
                             expected number of steps to conversion or null is above {at_least:.0} \
                             (after {sweeps} sweeps over a cyclic part of {} states, too large \
                             to solve directly); very long paths cause this: cap them with \
                             `lookback_steps` or a path transform, or use a lower `markov_order`",
                            c.end - c.start
                        ),
                    ));
                }
            }
        }
        let top = m.iter().map(|v| v[0]).fold(0.0f64, f64::max);
        if !(worst < 1.0 && top.is_finite()) {
            return Err(Error::model(
                "markov",
                "the chain does not reach conversion or null from every state",
            ));
        }
        Ok(top / (1.0 - worst))
    }

    /// One pass: the removals of `fixed` side by side, each fixing the states at the
    /// places listed (slot `b` holds removal `b`: sides `2b` and `2b + 1`), every one
    /// solved from zero. Returns every place's values, each side's largest residual and
    /// the most sweeps a component took.
    fn run_pass(&self, fixed: [std::borrow::Cow<'_, [u32]>; REMOVALS_PER_PASS]) -> Result<Pass> {
        let mut masks = vec![0u64; self.stored.len()];
        for (b, places) in fixed.iter().enumerate() {
            for &p in places.iter() {
                masks[p as usize] |= 0b11 << (2 * b);
            }
        }
        let mut v = vec![[0.0; SIDES]; self.stored.len()];
        let rhs: [&[f64]; SIDES] = std::array::from_fn(|j| {
            if j % 2 == 0 {
                &self.r[..]
            } else {
                &self.rv[..]
            }
        });
        let [target_x, target_u] = self.targets();
        let targets: [f64; SIDES] =
            std::array::from_fn(|j| if j % 2 == 0 { target_x } else { target_u });
        let (residuals, sweeps) = self.solve_all(&mut v, &rhs, Some(&masks), &targets)?;
        Ok(Pass {
            v,
            residuals,
            sweeps: sweeps.into_iter().max().unwrap_or(0),
        })
    }

    /// The whole chain solved (nothing fixed): every place's `x` and `u`, each side's
    /// largest residual, and the sweeps each component took.
    fn full_solution(&self) -> Result<Full> {
        let mut v = vec![[0.0; 2]; self.stored.len()];
        let (residuals, sweeps) =
            self.solve_all(&mut v, &[&self.r[..], &self.rv[..]], None, &self.targets())?;
        Ok(Full {
            v,
            residuals,
            sweeps,
        })
    }

    /// Solves every component in order for `N` sides at once; returns each side's
    /// largest residual and the sweeps each component took.
    fn solve_all<const N: usize>(
        &self,
        v: &mut [[f64; N]],
        rhs: &[&[f64]; N],
        fixed: Fixed,
        targets: &[f64; N],
    ) -> Result<([f64; N], Vec<usize>)> {
        let mut worst = [0.0f64; N];
        let mut all_sweeps = Vec::with_capacity(self.components.len());
        for c in &self.components {
            let (residuals, sweeps) = self.solve_component(c, v, rhs, fixed, targets).map_err(
                |stuck| match stuck {
                    Stuck::Singular => singular(c.end - c.start),
                    Stuck::Slow { sweeps } => Error::model(
                        "markov",
                        format!(
                            "the solver did not reach the tolerance {:e} in {sweeps} sweeps over \
                             a cyclic part of {} states (expected steps to absorption up to \
                             {:.0}); cap very long paths or use a lower `markov_order`",
                            self.tolerance,
                            c.end - c.start,
                            self.steps_bound
                        ),
                    ),
                },
            )?;
            for j in 0..N {
                worst[j] = worst[j].max(residuals[j]);
            }
            all_sweeps.push(sweeps);
        }
        Ok((worst, all_sweeps))
    }

    /// Solves one component for each side (the values of every component after it in
    /// solve order are final); returns each side's residual on the component's rows, and
    /// the sweeps taken.
    fn solve_component<const N: usize>(
        &self,
        c: &Component,
        v: &mut [[f64; N]],
        rhs: &[&[f64]; N],
        fixed: Fixed,
        targets: &[f64; N],
    ) -> std::result::Result<([f64; N], usize), Stuck> {
        match c.method {
            Method::Single => {
                let s = c.start;
                let mask = fixed_at(fixed, s);
                if mask != every_side::<N>() {
                    let acc = self.row_sum(s, v, rhs);
                    for (j, &a) in acc.iter().enumerate() {
                        if mask >> j & 1 == 0 {
                            v[s][j] = a;
                        }
                    }
                }
                Ok((self.residuals(c, v, rhs, fixed), 0))
            }
            Method::Dense => {
                self.solve_direct(c, v, rhs, fixed)?;
                Ok((self.residuals(c, v, rhs, fixed), 0))
            }
            Method::Sweeps => self.solve_sweeps(c, v, rhs, fixed, targets),
        }
    }
}

/// The chain's states in storage order, component after component in solve order (a
/// swept component's states in window order, so that a state's successors, its window
/// shifted by one touch, lie side by side), with where each component starts and how it
/// is solved.
fn storage_order(chain: &Chain) -> (Vec<u32>, Vec<(usize, Method)>) {
    let mut stored: Vec<u32> = Vec::with_capacity(chain.len());
    let mut parts = Vec::new();
    for mut states in graph::components(chain.len(), &chain.row_ptr, &chain.col) {
        let method = match states.len() {
            1 => Method::Single,
            k if k <= DENSE_MAX => Method::Dense,
            _ => {
                states.sort_by_key(|&s| (window_order(chain.keys[s as usize]), s));
                Method::Sweeps
            }
        };
        parts.push((stored.len(), method));
        stored.extend_from_slice(&states);
    }
    (stored, parts)
}

/// The transition probabilities of the states `stored` in that order, as CSR rows whose
/// columns are places (`position[s]`: chain state `s`'s place), ascending in each row.
fn stored_rows(
    chain: &Chain,
    stored: &[u32],
    position: &[u32],
) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
    let mut row_ptr = Vec::with_capacity(stored.len() + 1);
    row_ptr.push(0);
    let mut col = Vec::with_capacity(chain.col.len());
    let mut prob = Vec::with_capacity(chain.col.len());
    let mut row: Vec<(u32, f64)> = Vec::new();
    for &s in stored {
        let s = s as usize;
        row.clear();
        row.extend((chain.row_ptr[s]..chain.row_ptr[s + 1]).map(|e| {
            (
                position[chain.col[e] as usize],
                chain.count[e] / chain.out[s],
            )
        }));
        row.sort_unstable_by_key(|&(t, _)| t);
        col.extend(row.iter().map(|&(t, _)| t));
        prob.extend(row.iter().map(|&(_, p)| p));
        row_ptr.push(col.len());
    }
    (row_ptr, col, prob)
}

/// One pass of removals solved side by side.
struct Pass {
    /// Every place's values (sides `2b`, `2b + 1`: removal `b`'s `x` and `u`).
    v: Vec<[f64; SIDES]>,
    residuals: [f64; SIDES],
    sweeps: usize,
}

/// The whole chain solved.
struct Full {
    /// Every place's `x` and `u`.
    v: Vec<[f64; 2]>,
    residuals: [f64; 2],
    /// The sweeps each component took (0 when solved directly).
    sweeps: Vec<usize>,
}

/// Why a component could not be solved.
enum Stuck {
    /// Its sweeps did not converge within their budget.
    Slow {
        /// The sweeps done.
        sweeps: usize,
    },
    /// `I − Q` of its block is singular in floating point: the moves out of it are lost
    /// to rounding against the moves inside it.
    Singular,
}

/// The error of a component of `states` states whose `I − Q` is singular in floating
/// point.
fn singular(states: usize) -> Error {
    Error::model(
        "markov",
        format!(
            "a cyclic part of the chain ({states} states) leaves to conversion or null so \
             rarely, against its moves inside, that the chance is lost to rounding: its \
             absorption cannot be solved in double precision; counts that differ by a factor \
             near 10^16 cause this"
        ),
    )
}

mod kernels;
mod removals;
#[cfg(test)]
mod tests;
mod visits;
