//! A plan from response curves: maximise `Σ_c g_c(x_c)` within bounds
//! `lo_c ≤ x_c ≤ hi_c`, under either
//!
//! * a **fixed total** `Σ_c x_c = B`: when every curve is concave on its bounds (a
//!   concave curve, or an S-curve whose lower bound lies past its inflection point),
//!   the KKT solution by equal marginal returns (`method: "kkt"`, exact; the `kkt`
//!   module); otherwise
//!   dynamic programming on a spend grid of at most `B / grid_steps` (`method: "grid"`,
//!   globally optimal on the grid and within `grid_error_bound` of the true optimum;
//!   the `grid` module);
//! * a **target marginal return** `m`: each channel spends until its marginal return
//!   falls to `m` (`g'_c(x_c) = m` where interior), i.e. maximises `g_c(x) − m x`; exact
//!   for every curve (`method: "kkt"`).
//!
//! The plan reports the multiplier `λ` (the marginal return of the last unit of
//! budget; `m` itself under a target), and for each channel whether a bound binds and
//! its shadow price `|g'_c(bound) − λ|`: how much the objective would change per unit
//! of relaxing that bound.
//!
//! **Never worse than today.** Given a starting allocation that satisfies the
//! constraints, the plan is the start itself whenever the solver's answer does not
//! beat it under the curves (a grid plan may fall short of a start off its grid by up
//! to its error bound, a KKT plan only by rounding): a plan is never worse than today.

use crate::error::{Error, Result};
use crate::param::Param;

use super::curve::Curve;
use super::grid::solve_grid;
use super::kkt::{best_at_price, solve_total};
use super::plan::{Allocation, Binding, Channel, ChannelPlan, Method, Target};

/// Default number of grid steps of the total (the grid step is at most `B / 2000`).
pub const DEFAULT_GRID_STEPS: usize = 2000;
/// Relative tolerance within which a starting allocation counts as feasible and a
/// spend as sitting on a bound.
pub const FEASIBLE_REL_TOL: f64 = 1e-9;

/// Settings of the optimiser.
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizeParams {
    /// Grid steps of the total for non-concave curves (default [`DEFAULT_GRID_STEPS`]).
    pub grid_steps: usize,
}

impl Default for OptimizeParams {
    fn default() -> Self {
        OptimizeParams {
            grid_steps: DEFAULT_GRID_STEPS,
        }
    }
}

/// The raw solution of a validated problem.
pub(crate) struct Solution {
    pub(crate) x: Vec<f64>,
    pub(crate) method: Method,
    pub(crate) lambda: Option<f64>,
    pub(crate) grid_step: Option<f64>,
    pub(crate) grid_error_bound: f64,
}

/// Solves a validated problem; `hint` is a multiplier to start the KKT search from.
pub(crate) fn solve_raw(
    curves: &[Curve],
    lo: &[f64],
    hi: &[f64],
    target: Target,
    grid_steps: usize,
    hint: Option<f64>,
) -> Solution {
    match target {
        Target::Marginal(m) => Solution {
            x: (0..curves.len())
                .map(|c| best_at_price(&curves[c], m, lo[c], hi[c]))
                .collect(),
            method: Method::Kkt,
            lambda: Some(m),
            grid_step: None,
            grid_error_bound: 0.0,
        },
        Target::Total(b) if (0..curves.len()).all(|c| curves[c].is_concave_from(lo[c])) => {
            let (x, lambda) = solve_total(curves, lo, hi, b, hint);
            Solution {
                x,
                method: Method::Kkt,
                lambda: Some(lambda),
                grid_step: None,
                grid_error_bound: 0.0,
            }
        }
        Target::Total(b) => {
            let g = solve_grid(curves, lo, hi, b, grid_steps);
            let mut free: Vec<f64> = (0..curves.len())
                .filter(|&c| !on_bound(g.x[c], lo[c]) && !on_bound(g.x[c], hi[c]))
                .map(|c| curves[c].marginal(g.x[c]))
                .collect();
            free.sort_by(f64::total_cmp);
            let lambda = match free.len() {
                0 => None,
                n if n % 2 == 1 => Some(free[n / 2]),
                n => Some(0.5 * (free[n / 2 - 1] + free[n / 2])),
            };
            Solution {
                x: g.x,
                method: Method::Grid,
                lambda,
                grid_step: Some(g.step),
                grid_error_bound: g.error_bound,
            }
        }
    }
}

/// True when `x` sits on the bound `b` (within [`FEASIBLE_REL_TOL`]).
fn on_bound(x: f64, b: f64) -> bool {
    b.is_finite() && (x - b).abs() <= FEASIBLE_REL_TOL * b.abs().max(1.0)
}

/// The objective of a plan: `Σ g_c(x_c)`, less `m Σ x_c` under a target marginal return.
pub(crate) fn objective(curves: &[Curve], x: &[f64], target: Target) -> f64 {
    let value: f64 = curves.iter().zip(x).map(|(c, &v)| c.value(v)).sum();
    match target {
        Target::Total(_) => value,
        Target::Marginal(m) => value - m * x.iter().sum::<f64>(),
    }
}

/// True when `x` satisfies the bounds and the total (within [`FEASIBLE_REL_TOL`]).
pub(crate) fn feasible(x: &[f64], lo: &[f64], hi: &[f64], target: Target) -> bool {
    let tol = |b: f64| FEASIBLE_REL_TOL * b.abs().max(1.0);
    let inside = (0..x.len()).all(|c| {
        x[c].is_finite() && x[c] >= lo[c] - tol(lo[c]) && x[c] <= hi[c] + tol(hi[c].min(1e300))
    });
    match target {
        Target::Total(b) => inside && (x.iter().sum::<f64>() - b).abs() <= tol(b),
        Target::Marginal(_) => inside,
    }
}

impl OptimizeParams {
    /// Grid steps of the total (non-concave curves).
    pub fn grid_steps(mut self, steps: usize) -> Self {
        self.grid_steps = steps;
        self
    }

    /// Checks the settings: between 10 and 1,000,000 grid steps.
    pub fn validate(&self) -> Result<()> {
        if !(10..=1_000_000).contains(&self.grid_steps) {
            return Err(Error::unsupported(
                "budget plan",
                format!(
                    "{} grid steps: expected between 10 and 1000000",
                    self.grid_steps
                ),
            ));
        }
        Ok(())
    }

    /// Checks a problem: valid curves, `0 ≤ lo ≤ hi`, a finite total within
    /// `[Σ lo, Σ hi]` or a positive finite marginal return, a start of the right length.
    pub fn check(&self, channels: &[Channel], target: Target, start: Option<&[f64]>) -> Result<()> {
        self.validate()?;
        if channels.is_empty() {
            return Err(Error::param(Param::Spend, "there are no channels to plan"));
        }
        for c in channels {
            if !c.curve.is_valid() {
                return Err(Error::param(
                    Param::Response,
                    format!(
                        "channel `{}`: curve {:?}: expected finite parameters, a ≥ 0, \
                         k > 0, s > 0",
                        c.name, c.curve
                    ),
                ));
            }
            if !(c.lo.is_finite() && c.lo >= 0.0) {
                return Err(Error::param(
                    Param::Floor,
                    format!("channel `{}`: {}: expected an amount ≥ 0", c.name, c.lo),
                ));
            }
            if c.hi.is_nan() || c.hi < c.lo {
                return Err(Error::param(
                    Param::Cap,
                    format!(
                        "channel `{}`: {} is below its lower bound {}",
                        c.name, c.hi, c.lo
                    ),
                ));
            }
        }
        match target {
            Target::Total(b) => {
                if !(b.is_finite() && b >= 0.0) {
                    return Err(Error::param(
                        Param::Spend,
                        format!("total {b}: expected an amount ≥ 0"),
                    ));
                }
                let tol = FEASIBLE_REL_TOL * b.max(1.0);
                let floors: f64 = channels.iter().map(|c| c.lo).sum();
                if floors > b + tol {
                    return Err(Error::param(
                        Param::Floor,
                        format!("the lower bounds add up to {floors}, more than the total {b}"),
                    ));
                }
                let caps: f64 = channels.iter().map(|c| c.hi).sum();
                if caps < b - tol {
                    return Err(Error::param(
                        Param::Cap,
                        format!("the upper bounds add up to {caps}, less than the total {b}"),
                    ));
                }
            }
            Target::Marginal(m) => {
                if !(m.is_finite() && m > 0.0) {
                    return Err(Error::param(
                        Param::Response,
                        format!("target marginal return {m}: expected a number > 0"),
                    ));
                }
            }
        }
        if let Some(s) = start
            && s.len() != channels.len()
        {
            return Err(Error::param(
                Param::Spend,
                format!(
                    "the starting allocation has {} amounts for {} channels",
                    s.len(),
                    channels.len()
                ),
            ));
        }
        Ok(())
    }

    /// The plan for `channels` under `target`; `start` is today's allocation, returned
    /// instead when it is feasible and the solver's plan does not beat it.
    pub fn solve(
        &self,
        channels: &[Channel],
        target: Target,
        start: Option<&[f64]>,
    ) -> Result<Allocation> {
        self.check(channels, target, start)?;
        let curves: Vec<Curve> = channels.iter().map(|c| c.curve).collect();
        let lo: Vec<f64> = channels.iter().map(|c| c.lo).collect();
        let hi: Vec<f64> = channels.iter().map(|c| c.hi).collect();
        let sol = solve_raw(&curves, &lo, &hi, target, self.grid_steps, None);
        Ok(assemble(channels, target, sol, start))
    }
}

/// The plan of a solution: the start when it is feasible and at least as good, and
/// each channel's binding bound and shadow price.
pub(crate) fn assemble(
    channels: &[Channel],
    target: Target,
    mut sol: Solution,
    start: Option<&[f64]>,
) -> Allocation {
    let curves: Vec<Curve> = channels.iter().map(|c| c.curve).collect();
    let lo: Vec<f64> = channels.iter().map(|c| c.lo).collect();
    let hi: Vec<f64> = channels.iter().map(|c| c.hi).collect();
    let start_value = start
        .filter(|s| feasible(s, &lo, &hi, target))
        .map(|s| objective(&curves, s, target));
    let mut kept_start = false;
    if let (Some(s), Some(sv)) = (start, start_value)
        && sv >= objective(&curves, &sol.x, target)
    {
        sol.x = s.to_vec();
        kept_start = true;
    }
    let rows = channels
        .iter()
        .zip(&sol.x)
        .map(|(c, &x)| {
            let marginal = c.curve.marginal(x);
            let shadow = |b: f64| sol.lambda.map(|l| (c.curve.marginal(b) - l).abs());
            let (binding, shadow_price) = if on_bound(x, c.lo) && on_bound(x, c.hi) {
                // A fixed channel: the bound it pushes against.
                match sol.lambda {
                    Some(l) if marginal > l => (Binding::Hi, shadow(c.hi)),
                    _ => (Binding::Lo, shadow(c.lo)),
                }
            } else if on_bound(x, c.lo) {
                (Binding::Lo, shadow(c.lo))
            } else if on_bound(x, c.hi) {
                (Binding::Hi, shadow(c.hi))
            } else {
                (Binding::Free, None)
            };
            ChannelPlan {
                channel: c.name.clone(),
                spend: x,
                value: c.curve.value(x),
                marginal,
                binding,
                shadow_price,
            }
        })
        .collect::<Vec<_>>();
    Allocation {
        method: sol.method,
        target,
        lambda: sol.lambda,
        grid_step: sol.grid_step,
        grid_error_bound: sol.grid_error_bound,
        total_spend: sol.x.iter().sum(),
        value: rows.iter().map(|r| r.value).sum(),
        start_value,
        kept_start,
        channels: rows,
    }
}
