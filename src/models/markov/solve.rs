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
//! ([`scc`](super::scc)):
//!
//! * a state on no cycle is one back-substitution `x_s = r_s + Σ_t Q_st x_t`, exact;
//! * a small cyclic component (at most [`DENSE_MAX`] states) is solved directly by LU
//!   with partial pivoting, its factorisation kept for the removals that leave it whole;
//! * a large cyclic component is solved by over-relaxed Gauss–Seidel sweeps (SOR,
//!   ω = 1.3, falling back to plain Gauss–Seidel if the residual stops shrinking) that
//!   visit states nearest the end of their paths first; if that would take too long
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
//! the exact chain of the counts. A component is solved until its rows' residual times that
//! bound is below the tolerance (default 1e-12 on probabilities, and the same relative
//! to the largest mean value for values); a direct solve of a badly conditioned chain
//! may stop above it, and the bound it reaches is reported.
//!
//! Removing a channel sends every transition into a state containing it to null: the
//! same system with those states' unknowns fixed at zero. Removal only takes transitions
//! away, so the same `T` bounds every removal's system.

use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::linalg::Lu;
use crate::models::markov::chain::Chain;
use crate::models::markov::scc;

/// Cyclic components up to this many states are solved directly by LU.
pub const DENSE_MAX: usize = 192;

/// Cyclic components up to this many states fall back to a direct solve when
/// Gauss–Seidel would take too long.
pub const DENSE_FALLBACK: usize = 2000;

/// Transition visits allowed for the sweeps of one component's solve before it counts
/// as too slow (about a second of work).
const SWEEP_WORK: usize = 1_500_000_000;

/// Initial over-relaxation factor (measured: 40 sweeps instead of 72 at order 3 on
/// 1M paths × 30 channels). Falls back to 1 (plain Gauss–Seidel, which always
/// converges on an absorbing chain) as soon as the residual stops shrinking.
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
    /// Its states: `System::order[start..end]` (for sweeps: nearest the end of their
    /// paths first).
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
    row_ptr: Vec<usize>,
    col: Vec<u32>,
    prob: Vec<f64>,
    /// Probability into conversion, per state.
    pub r: Vec<f64>,
    /// Probability into conversion times the mean conversion value, per state.
    pub rv: Vec<f64>,
    /// Components in solve order (nearest absorption first).
    components: Vec<Component>,
    /// The states of every component, component after component.
    order: Vec<u32>,
    /// Position of each state inside its component.
    local: Vec<u32>,
    /// The LU of `I − Q` on each whole cyclic component, made on first use.
    lus: Vec<OnceLock<Option<Lu>>>,
    /// Upper bound of `‖(I − Q)⁻¹‖∞`.
    pub steps_bound: f64,
    tolerance: f64,
    value_scale: f64,
}

/// A solution: absorption probabilities and expected values from every state.
#[derive(Clone, Debug)]
pub(crate) struct Solution {
    pub x: Vec<f64>,
    pub u: Vec<f64>,
    /// The most Gauss–Seidel sweeps one component took (0 when none was swept).
    pub sweeps: usize,
    /// Proven bound on the error of `x` (and of `u`, relative to the value scale).
    pub error_bound: f64,
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

impl System {
    /// The system of `chain`, with its components and the bound on expected steps.
    pub fn new(chain: &Chain, tolerance: f64) -> Result<System> {
        let n = chain.len();
        let prob: Vec<f64> = (0..n)
            .flat_map(|s| {
                let out = chain.out[s];
                chain.count[chain.row_ptr[s]..chain.row_ptr[s + 1]]
                    .iter()
                    .map(move |&c| if out > 0.0 { c / out } else { 0.0 })
            })
            .collect();
        let per_out = |w: &[f64]| -> Vec<f64> {
            (0..n)
                .map(|s| {
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

        let mut local = vec![0u32; n];
        let mut order = Vec::with_capacity(n);
        let mut components = Vec::new();
        let mut cyclic = 0;
        for mut states in scc::components(n, &chain.row_ptr, &chain.col) {
            let edges = states
                .iter()
                .map(|&s| chain.row_ptr[s as usize + 1] - chain.row_ptr[s as usize])
                .sum();
            let method = match states.len() {
                1 => Method::Single,
                k if k <= DENSE_MAX => Method::Dense,
                _ => {
                    states.sort_by(|&a, &b| {
                        chain.distance_to_end[a as usize]
                            .total_cmp(&chain.distance_to_end[b as usize])
                            .then(a.cmp(&b))
                    });
                    Method::Sweeps
                }
            };
            for (i, &s) in states.iter().enumerate() {
                local[s as usize] = i as u32;
            }
            let start = order.len();
            order.extend_from_slice(&states);
            components.push(Component {
                start,
                end: order.len(),
                method,
                edges,
                slot: cyclic,
            });
            if method != Method::Single {
                cyclic += 1;
            }
        }
        let lus = (0..cyclic).map(|_| OnceLock::new()).collect();
        let mut system = System {
            row_ptr: chain.row_ptr.clone(),
            col: chain.col.clone(),
            prob,
            r,
            rv,
            components,
            order,
            local,
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

    /// The states of a component.
    fn states(&self, c: &Component) -> &[u32] {
        &self.order[c.start..c.end]
    }

    fn row(&self, s: usize) -> (&[u32], &[f64]) {
        let range = self.row_ptr[s]..self.row_ptr[s + 1];
        (&self.col[range.clone()], &self.prob[range])
    }

    /// An upper bound of the largest expected number of steps to absorption.
    fn bound_expected_steps(&self) -> Result<f64> {
        let n = self.r.len();
        let ones = vec![1.0; n];
        let mut m = vec![0.0; n];
        let mut worst = 0.0f64;
        for c in &self.components {
            let done = self.solve_component(c, &mut [&mut m], &[&ones], None, &[STEPS_RESIDUAL]);
            match done {
                Ok((residuals, _)) => worst = worst.max(residuals[0]),
                Err(SlowComponent { sweeps }) => {
                    // Gauss–Seidel from 0 approaches m from below: its current largest
                    // value is a proven lower bound on the expected steps.
                    let at_least = self
                        .states(c)
                        .iter()
                        .map(|&s| m[s as usize])
                        .fold(0.0, f64::max);
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
        let top = m.iter().copied().fold(0.0f64, f64::max);
        if !(worst < 1.0 && top.is_finite()) {
            return Err(Error::model(
                "markov",
                "the chain does not reach conversion or null from every state",
            ));
        }
        Ok(top / (1.0 - worst))
    }

    /// Solves for `x` and `u`, with the states flagged in `removed` fixed at zero,
    /// starting from `warm` when given.
    pub fn solve(&self, removed: Option<&[bool]>, warm: Option<&Solution>) -> Result<Solution> {
        let n = self.r.len();
        let (mut x, mut u) = match warm {
            Some(w) => (w.x.clone(), w.u.clone()),
            None => (vec![0.0; n], vec![0.0; n]),
        };
        if let Some(rm) = removed {
            for s in 0..n {
                if rm[s] {
                    x[s] = 0.0;
                    u[s] = 0.0;
                }
            }
        }
        let value_scale = self.value_scale.max(1.0);
        let targets = [
            self.tolerance / self.steps_bound,
            self.tolerance * value_scale / self.steps_bound,
        ];
        let (mut worst_x, mut worst_u, mut most_sweeps) = (0.0f64, 0.0f64, 0);
        for c in &self.components {
            let (residuals, sweeps) = self
                .solve_component(
                    c,
                    &mut [&mut x, &mut u],
                    &[&self.r, &self.rv],
                    removed,
                    &targets,
                )
                .map_err(|SlowComponent { sweeps }| {
                    Error::model(
                        "markov",
                        format!(
                            "the solver did not reach the tolerance {:e} in {sweeps} sweeps over \
                             a cyclic part of {} states (expected steps to absorption up to \
                             {:.0}); cap very long paths or use a lower `markov_order`",
                            self.tolerance,
                            c.end - c.start,
                            self.steps_bound
                        ),
                    )
                })?;
            worst_x = worst_x.max(residuals[0]);
            worst_u = worst_u.max(residuals[1]);
            most_sweeps = most_sweeps.max(sweeps);
        }
        for v in x.iter_mut().chain(u.iter_mut()) {
            *v = v.max(0.0);
        }
        let bound_x = self.steps_bound * worst_x;
        let bound_u = self.steps_bound * worst_u / value_scale;
        Ok(Solution {
            x,
            u,
            sweeps: most_sweeps,
            error_bound: bound_x.max(bound_u),
        })
    }

    /// Solves one component for each right-hand side (the values of every component
    /// after it in solve order are final); returns each side's residual on the
    /// component's rows, and the sweeps taken.
    fn solve_component<const N: usize>(
        &self,
        c: &Component,
        v: &mut [&mut Vec<f64>; N],
        rhs: &[&[f64]; N],
        removed: Option<&[bool]>,
        targets: &[f64; N],
    ) -> std::result::Result<([f64; N], usize), SlowComponent> {
        let is_removed = |s: usize| removed.is_some_and(|rm| rm[s]);
        match c.method {
            Method::Single => {
                let s = self.order[c.start] as usize;
                if !is_removed(s) {
                    let (cols, probs) = self.row(s);
                    let mut acc: [f64; N] = std::array::from_fn(|j| rhs[j][s]);
                    for (&t, &p) in cols.iter().zip(probs) {
                        for j in 0..N {
                            acc[j] += p * v[j][t as usize];
                        }
                    }
                    for j in 0..N {
                        v[j][s] = acc[j];
                    }
                }
                Ok((self.residuals(c, v, rhs, removed), 0))
            }
            Method::Dense => {
                self.solve_direct(c, v, rhs, removed);
                Ok((self.residuals(c, v, rhs, removed), 0))
            }
            Method::Sweeps => self.solve_sweeps(c, v, rhs, removed, targets),
        }
    }

    /// Residual of each side on a component's (non-removed) rows, with what rounding
    /// may hide added, so the error bound it gives holds for the exact system.
    fn residuals<const N: usize>(
        &self,
        c: &Component,
        v: &[&mut Vec<f64>; N],
        rhs: &[&[f64]; N],
        removed: Option<&[bool]>,
    ) -> [f64; N] {
        let mut worst = [0.0f64; N];
        for &s in self.states(c) {
            let s = s as usize;
            if removed.is_some_and(|rm| rm[s]) {
                continue;
            }
            let (cols, probs) = self.row(s);
            let mut qv = [0.0; N];
            let mut size = [0.0; N];
            for (&t, &p) in cols.iter().zip(probs) {
                for j in 0..N {
                    let term = p * v[j][t as usize];
                    qv[j] += term;
                    size[j] += term.abs();
                }
            }
            // What rounding may hide: in computing the residual and in `Q` and `r`
            // themselves (each entry a rounded quotient of counts), at most
            // `(nnz + 4) u (|b| + Σ|Q v| + |v|)` with unit roundoff `u` (Higham,
            // *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.1).
            let allowance = (cols.len() + 4) as f64 * ROUNDOFF;
            for j in 0..N {
                let (b, x) = (rhs[j][s], v[j][s]);
                let computed = (b + qv[j] - x).abs();
                worst[j] = worst[j].max(computed + allowance * (b.abs() + size[j] + x.abs()));
            }
        }
        worst
    }

    /// LU solve of a component's block, with the removed states left out.
    fn solve_direct<const N: usize>(
        &self,
        c: &Component,
        v: &mut [&mut Vec<f64>; N],
        rhs: &[&[f64]; N],
        removed: Option<&[bool]>,
    ) {
        let states = self.states(c);
        let whole = !states
            .iter()
            .any(|&s| removed.is_some_and(|rm| rm[s as usize]));
        // The component's active states and their positions in the block.
        let active: Vec<u32> = states
            .iter()
            .copied()
            .filter(|&s| !removed.is_some_and(|rm| rm[s as usize]))
            .collect();
        if active.is_empty() {
            return;
        }
        let k = active.len();
        let mut position = vec![u32::MAX; states.len()];
        for (i, &s) in active.iter().enumerate() {
            position[self.local[s as usize] as usize] = i as u32;
        }
        let in_block = |t: u32| -> Option<usize> {
            let i = self.local[t as usize] as usize;
            (states.get(i) == Some(&t)).then_some(i)
        };
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
        let lu = lu.expect("I − Q of a transient component is non-singular");
        for (vj, bj) in v.iter_mut().zip(rhs) {
            let mut b: Vec<f64> = active
                .iter()
                .map(|&s| {
                    let (cols, probs) = self.row(s as usize);
                    let outside: f64 = cols
                        .iter()
                        .zip(probs)
                        .filter(|&(&t, _)| in_block(t).is_none())
                        .map(|(&t, &p)| p * vj[t as usize])
                        .sum();
                    bj[s as usize] + outside
                })
                .collect();
            lu.solve(&mut b);
            for (&s, &value) in active.iter().zip(&b) {
                vj[s as usize] = value;
            }
        }
    }

    /// Over-relaxed Gauss–Seidel sweeps over a component until every side's residual
    /// is below its target; too slow, a direct solve when the component is small enough.
    fn solve_sweeps<const N: usize>(
        &self,
        c: &Component,
        v: &mut [&mut Vec<f64>; N],
        rhs: &[&[f64]; N],
        removed: Option<&[bool]>,
        targets: &[f64; N],
    ) -> std::result::Result<([f64; N], usize), SlowComponent> {
        let max_sweeps = (SWEEP_WORK / c.edges.max(1)).max(64);
        let k = (c.end - c.start) as f64;
        // Work of a direct solve (an LU of the block) in transition visits.
        let direct_work = if c.end - c.start <= DENSE_FALLBACK {
            k * k * k / 3.0
        } else {
            f64::INFINITY
        };
        let mut omega = OMEGA;
        let mut last = f64::INFINITY;
        let mut last_checked = 0;
        let mut done = 0;
        for sweeps in 1..=max_sweeps {
            done = sweeps;
            for &s in self.states(c) {
                let s = s as usize;
                if removed.is_some_and(|rm| rm[s]) {
                    continue;
                }
                let (cols, probs) = self.row(s);
                let mut acc: [f64; N] = std::array::from_fn(|j| rhs[j][s]);
                for (&t, &p) in cols.iter().zip(probs) {
                    for j in 0..N {
                        acc[j] += p * v[j][t as usize];
                    }
                }
                for j in 0..N {
                    v[j][s] += omega * (acc[j] - v[j][s]);
                }
            }
            if !(sweeps < 8 || sweeps % 8 == 0) {
                continue;
            }
            // The first side's residual first; the others only once it is small.
            let first = self.residuals(c, &[&mut *v[0]], &[rhs[0]], removed)[0];
            if first <= targets[0] {
                let residuals = self.residuals(c, v, rhs, removed);
                if residuals.iter().zip(targets).all(|(r, t)| r <= t) {
                    return Ok((residuals, sweeps));
                }
            }
            // The residual shrinks by about `rate` per sweep: when the sweeps still
            // needed would cost more than a direct solve, solve directly now.
            let rate = (first / last).powf(1.0 / (sweeps - last_checked) as f64);
            if first >= last {
                omega = 1.0;
            } else if sweeps >= 16 && rate < 1.0 && first > targets[0] {
                let needed = (targets[0] / first).ln() / rate.ln();
                if needed * c.edges as f64 > 2.0 * direct_work {
                    break;
                }
            }
            last = first;
            last_checked = sweeps;
        }
        if c.end - c.start <= DENSE_FALLBACK {
            self.solve_direct(c, v, rhs, removed);
            return Ok((self.residuals(c, v, rhs, removed), done));
        }
        Err(SlowComponent { sweeps: done })
    }
}

/// A component whose sweeps did not converge within their budget.
struct SlowComponent {
    sweeps: usize,
}
