//! Every channel's removal, each solved where it changes anything.
//!
//! Removing a channel fixes the states holding it at zero. A walk that never reaches
//! them converts as in the whole chain, and one that does is sent to null, so by the
//! strong Markov property (Kemeny & Snell 1960, §3.3)
//!
//! ```text
//! P₋F = P − Σ_{s ∈ C} a_s (x_s − x₋F,s)
//! ```
//!
//! when every removed state lies in one strongly connected component `C`, entered at `s`
//! with probability `a_s` ([`visits`](super::visits)): states outside `C` that it leads
//! to keep their values, and a walk enters `C` at most once. Hence:
//!
//! * **one state on no cycle** (order 1: a channel whose state is on no cycle):
//!   `x₋F = 0` there and `a_s` is its chance of being visited, so `P₋F = P − n_s x_s`,
//!   no solve at all;
//! * **states in one cyclic component**: only that component is solved again, with the
//!   values flowing in from outside it fixed at the whole chain's, removals
//!   [`REMOVALS_PER_PASS`] at a time;
//! * **states in several components** (higher orders): the whole chain is solved again,
//!   as before, removals [`REMOVALS_PER_PASS`] at a time.
//!
//! At order 1 (a state per channel) the removals therefore cost one solve of the whole
//! chain, one of its visits, and one solve of a cyclic component per channel in it:
//! linear in the transitions when the chain has no large cyclic part. When one removal
//! solve per channel of a large cyclic part would take long (its solves, estimated from
//! the sweeps the whole chain's solve took there, above `markov_max_work` transition
//! visits), the fit is refused with the estimate before any of them runs.
//!
//! **Error bounds.** With `e` the whole solve's bound, `e'` a component solve's (its
//! residual, and the rounding of the values flowing in, times `T`, plus `e`), and
//! `‖σ‖₁` the visits' residual: `|P₋F − P̃₋F| ≤ e + ‖σ‖₁ (max|d̃| + e + e') + Σ ã (e + e')`
//! plus the rounding of the sums, `d = x − x₋F` on `C`.

use rayon::prelude::*;

use super::visits::Visits;
use super::{Component, Full, Method, REMOVALS_PER_PASS, ROUNDOFF, SIDES, StartValues, System};
use crate::error::{Error, Result};

/// What every removal gives from the start, with the whole chain's values.
pub(crate) struct Removals {
    /// The whole chain.
    pub full: StartValues,
    /// Each removal, in order.
    pub each: Vec<StartValues>,
}

/// How a removal is solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// It fixes nothing: the whole chain's values.
    Nothing,
    /// It fixes one state on no cycle (a place).
    Single(usize),
    /// Its states lie in one cyclic component (an index).
    Block(usize),
    /// Its states lie in several components.
    General,
}

/// Transition visits one pass of [`REMOVALS_PER_PASS`] removals costs on a component:
/// its transitions times the sweeps the whole chain's solve took there, or for a direct
/// solve, the factorisations of its block (a visit is 16 multiply-adds).
fn pass_work(c: &Component, sweeps: usize) -> f64 {
    let k = (c.end - c.start) as f64;
    match c.method {
        Method::Single => 1.0 + c.edges as f64,
        Method::Dense => REMOVALS_PER_PASS as f64 * k * k * k / 3.0 / SIDES as f64,
        Method::Sweeps => (c.edges as f64 + k) * sweeps.max(1) as f64,
    }
}

/// Transition visits a second of one core does in removal passes, roughly (measured:
/// 3.7e8 on 14,429 swept states, order 1, a 2.1 GHz core).
const VISITS_PER_SECOND: f64 = 3.7e8;

impl System {
    /// Solves the whole chain and every removal, where `removals[k]` lists the chain
    /// states removal `k` fixes at zero; refuses, before solving any removal, when
    /// their solves would take more than `max_work` transition visits.
    pub fn solve_removals(&self, removals: &[Vec<u32>], max_work: f64) -> Result<Removals> {
        let full = self.full_solution()?;
        let start = &full.v[self.start];
        let whole = StartValues {
            x: start[0].max(0.0),
            u: start[1].max(0.0),
            error_bound: self.error_bound(full.residuals[0], full.residuals[1]),
            sweeps: full.sweeps.iter().copied().max().unwrap_or(0),
        };
        let mut component = vec![0usize; self.stored.len()];
        for (i, c) in self.components.iter().enumerate() {
            component[c.start..c.end].fill(i);
        }
        // Each removal's places, and how it is solved.
        let places: Vec<Vec<u32>> = removals
            .iter()
            .map(|states| {
                let mut p: Vec<u32> = states.iter().map(|&s| self.position[s as usize]).collect();
                p.sort_unstable();
                p.dedup();
                p
            })
            .collect();
        let kinds: Vec<Kind> = places
            .iter()
            .map(|p| match p.first() {
                None => Kind::Nothing,
                Some(&first) => {
                    let ci = component[first as usize];
                    if p.iter().any(|&q| component[q as usize] != ci) {
                        Kind::General
                    } else if self.components[ci].method == Method::Single {
                        Kind::Single(first as usize)
                    } else {
                        Kind::Block(ci)
                    }
                }
            })
            .collect();
        self.check_work(&kinds, &full, max_work)?;

        let mut each = vec![whole; removals.len()];
        if kinds
            .iter()
            .any(|k| matches!(k, Kind::Single(_) | Kind::Block(_)))
        {
            let visits = self.visits()?;
            for (r, kind) in kinds.iter().enumerate() {
                if let Kind::Single(s) = *kind {
                    each[r] = self.without_single(s, &full, &visits, &whole);
                }
            }
            let mut by_block: Vec<(usize, Vec<usize>)> = Vec::new();
            for (r, kind) in kinds.iter().enumerate() {
                if let Kind::Block(ci) = *kind {
                    match by_block.iter_mut().find(|(c, _)| *c == ci) {
                        Some((_, list)) => list.push(r),
                        None => by_block.push((ci, vec![r])),
                    }
                }
            }
            let solved: Vec<Vec<(usize, StartValues)>> = by_block
                .par_iter()
                .map(|(ci, list)| self.without_in_block(*ci, list, &places, &full, &visits, &whole))
                .collect::<Result<_>>()?;
            for (r, values) in solved.into_iter().flatten() {
                each[r] = values;
            }
        }
        let general: Vec<usize> = (0..removals.len())
            .filter(|&r| kinds[r] == Kind::General)
            .collect();
        let solved: Vec<Vec<(usize, StartValues)>> = general
            .par_chunks(REMOVALS_PER_PASS)
            .map(|chunk| {
                let pass = self.run_pass(slots(chunk, &places, 0))?;
                let at = &pass.v[self.start];
                Ok(chunk
                    .iter()
                    .enumerate()
                    .map(|(b, &r)| {
                        let values = StartValues {
                            x: at[2 * b].max(0.0),
                            u: at[2 * b + 1].max(0.0),
                            error_bound: self
                                .error_bound(pass.residuals[2 * b], pass.residuals[2 * b + 1]),
                            sweeps: pass.sweeps,
                        };
                        (r, values)
                    })
                    .collect())
            })
            .collect::<Result<_>>()?;
        for (r, values) in solved.into_iter().flatten() {
            each[r] = values;
        }
        Ok(Removals { full: whole, each })
    }

    /// Refuses removals whose solves would take more than `max_work` transition visits,
    /// with the estimate and where it comes from.
    fn check_work(&self, kinds: &[Kind], full: &Full, max_work: f64) -> Result<()> {
        let mut per_block = vec![0usize; self.components.len()];
        let mut general = 0usize;
        for kind in kinds {
            match *kind {
                Kind::Block(ci) => per_block[ci] += 1,
                Kind::General => general += 1,
                _ => {}
            }
        }
        let passes = |m: usize| m.div_ceil(REMOVALS_PER_PASS) as f64;
        let each_component = |ci: usize| pass_work(&self.components[ci], full.sweeps[ci]);
        let whole_chain: f64 = (0..self.components.len()).map(each_component).sum();
        let mut work = passes(general) * whole_chain;
        let mut largest = (0.0, 0usize);
        for (ci, &m) in per_block.iter().enumerate() {
            let w = passes(m) * each_component(ci);
            work += w;
            if w > largest.0 {
                largest = (w, ci);
            }
        }
        if work <= max_work {
            return Ok(());
        }
        let (_, ci) = largest;
        let c = &self.components[ci];
        let what = if per_block[ci] > 0 && largest.0 * 2.0 >= work {
            format!(
                "removing each of the {} channels whose states lie in a cyclic part of {} \
                 states ({} transitions, {} sweeps to solve) takes one solve of that part \
                 per channel",
                per_block[ci],
                c.end - c.start,
                c.edges,
                full.sweeps[ci].max(1)
            )
        } else {
            format!(
                "removing each of the {general} channels whose states lie in several parts of \
                 the chain takes one solve of the whole chain per {REMOVALS_PER_PASS} channels"
            )
        };
        let minutes = work / VISITS_PER_SECOND / 60.0;
        Err(Error::unsupported(
            "markov",
            format!(
                "{what}: about {work:.1e} transition visits, roughly {minutes:.0} minutes on one \
                 core, more than `markov_max_work` ({max_work:.1e}); merge rare channels into \
                 groups or drop them (a path transform), credit a coarser `level`, or raise \
                 `markov_max_work` to wait for it"
            ),
        ))
    }

    /// Removal of the one state on no cycle at place `s`: `P − n_s x_s`.
    fn without_single(
        &self,
        s: usize,
        full: &Full,
        visits: &Visits,
        whole: &StartValues,
    ) -> StartValues {
        let n = visits.n[s];
        let [x, u] = full.v[s];
        let (e_x, e_u) = self.full_errors(full);
        let sigma = visits.residual;
        let (dx, du) = (n * x, n * u);
        let bound_x =
            e_x + sigma * (x.abs() + e_x) + n * e_x + 3.0 * ROUNDOFF * (whole.x + dx.abs());
        let bound_u =
            e_u + sigma * (u.abs() + e_u) + n * e_u + 3.0 * ROUNDOFF * (whole.u + du.abs());
        StartValues {
            x: (whole.x - dx).max(0.0),
            u: (whole.u - du).max(0.0),
            error_bound: bound_x.max(bound_u / self.value_scale.max(1.0)),
            sweeps: 0,
        }
    }

    /// The whole solve's error bounds on `x` and (absolute) on `u`.
    fn full_errors(&self, full: &Full) -> (f64, f64) {
        (
            self.steps_bound * full.residuals[0],
            self.steps_bound * full.residuals[1],
        )
    }

    /// The removals `list` whose states all lie in cyclic component `ci`, solved on that
    /// component alone, [`REMOVALS_PER_PASS`] at a time.
    fn without_in_block(
        &self,
        ci: usize,
        list: &[usize],
        places: &[Vec<u32>],
        full: &Full,
        visits: &Visits,
        whole: &StartValues,
    ) -> Result<Vec<(usize, StartValues)>> {
        let c = &self.components[ci];
        let (block, rounding) = self.block(c, &full.v);
        let (e_x, e_u) = self.full_errors(full);
        let entry = &visits.entry[c.start..c.end];
        let entered: f64 = entry.iter().sum();
        let sigma = visits.residual;
        let solved: Vec<Vec<(usize, StartValues)>> = list
            .par_chunks(REMOVALS_PER_PASS)
            .map(|chunk| {
                let pass = block.run_pass(slots(chunk, places, c.start))?;
                Ok(chunk
                    .iter()
                    .enumerate()
                    .map(|(b, &r)| {
                        let sides = [2 * b, 2 * b + 1];
                        let [(dx, bx), (du, bu)] = sides.map(|j| {
                            let (e, rounding) = if j % 2 == 0 {
                                (e_x, rounding[0])
                            } else {
                                (e_u, rounding[1])
                            };
                            // The component's values without the removal, to `e_block`.
                            let e_block = self.steps_bound * (pass.residuals[j] + rounding) + e;
                            let (mut sum, mut size, mut largest) = (0.0, 0.0, 0.0f64);
                            for (k, &a) in entry.iter().enumerate() {
                                let d = full.v[c.start + k][j % 2] - pass.v[k][j];
                                sum += a * d;
                                size += (a * d).abs();
                                largest = largest.max(d.abs());
                            }
                            let bound = sigma * (largest + e + e_block)
                                + entered * (e + e_block)
                                + (entry.len() + 2) as f64 * ROUNDOFF * size;
                            (sum, bound)
                        });
                        let bound_x = e_x + bx + 2.0 * ROUNDOFF * whole.x;
                        let bound_u = e_u + bu + 2.0 * ROUNDOFF * whole.u;
                        let values = StartValues {
                            x: (whole.x - dx).max(0.0),
                            u: (whole.u - du).max(0.0),
                            error_bound: bound_x.max(bound_u / self.value_scale.max(1.0)),
                            sweeps: pass.sweeps,
                        };
                        (r, values)
                    })
                    .collect())
            })
            .collect::<Result<_>>()?;
        Ok(solved.into_iter().flatten().collect())
    }

    /// The system of one cyclic component alone: its transitions inside it, and the
    /// values flowing in from outside it (the whole chain's `x` and `u`) added to its
    /// right-hand sides; with the most rounding of those sums on each side.
    fn block(&self, c: &Component, full: &[[f64; 2]]) -> (System, [f64; 2]) {
        let k = c.end - c.start;
        let inside = c.start..c.end;
        let mut row_ptr = Vec::with_capacity(k + 1);
        row_ptr.push(0);
        let (mut col, mut prob) = (Vec::new(), Vec::new());
        let (mut r, mut rv) = (Vec::with_capacity(k), Vec::with_capacity(k));
        let mut rounding = [0.0f64; 2];
        for s in inside.clone() {
            let (cols, probs) = self.row(s);
            let (mut x, mut u) = (self.r[s], self.rv[s]);
            let (mut size_x, mut size_u) = (x.abs(), u.abs());
            for (&t, &p) in cols.iter().zip(probs) {
                let t = t as usize;
                if inside.contains(&t) {
                    col.push((t - c.start) as u32);
                    prob.push(p);
                } else {
                    x += p * full[t][0];
                    u += p * full[t][1];
                    size_x += (p * full[t][0]).abs();
                    size_u += (p * full[t][1]).abs();
                }
            }
            let allowance = (cols.len() + 2) as f64 * ROUNDOFF;
            rounding[0] = rounding[0].max(allowance * size_x);
            rounding[1] = rounding[1].max(allowance * size_u);
            r.push(x);
            rv.push(u);
            row_ptr.push(col.len());
        }
        let edges = col.len();
        let system = System {
            stored: self.stored[inside].to_vec(),
            position: Vec::new(),
            start: 0,
            row_ptr,
            col,
            prob,
            r,
            rv,
            components: vec![Component {
                start: 0,
                end: k,
                method: c.method,
                edges,
                slot: 0,
            }],
            lus: vec![std::sync::OnceLock::new()],
            steps_bound: self.steps_bound,
            tolerance: self.tolerance,
            value_scale: self.value_scale,
        };
        (system, rounding)
    }
}

/// The places each slot of a pass fixes (shifted down by `offset`), for the removals
/// `chunk`; the slots past the chunk repeat its last removal.
fn slots<'a>(
    chunk: &[usize],
    places: &'a [Vec<u32>],
    offset: usize,
) -> [std::borrow::Cow<'a, [u32]>; REMOVALS_PER_PASS] {
    std::array::from_fn(|b| {
        let r = chunk[b.min(chunk.len() - 1)];
        if offset == 0 {
            std::borrow::Cow::Borrowed(&places[r][..])
        } else {
            std::borrow::Cow::Owned(places[r].iter().map(|&p| p - offset as u32).collect())
        }
    })
}
