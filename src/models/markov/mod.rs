//! Markov-chain removal-effect attribution, solved exactly.
//!
//! **Model** (Anderl, Becker, von Wangenheim & Schumann, "Mapping the customer journey:
//! lessons learned from graph-based online attribution modeling", IJRM 2016;
//! Archak, Mirrokni & Muthukrishnan 2010). Journeys are walks on a chain with states
//! `start`, channel states, `conversion` and `null` (see `chain.rs`). Transition
//! probabilities are observed counts, each path weighted by `conversions + nulls`.
//!
//! * `P` = probability of absorption in conversion from `start`, solved exactly from
//!   `(I − Q) x = r` (see `solve.rs`), never simulated.
//! * Removing channel `c` sends every transition into a state containing `c` to null;
//!   `P₋c` is the same solve with those states removed.
//! * Removal effect `RE(c) = 1 − P₋c / P` (in `[0, 1]`; 0 for a channel seen only on
//!   non-converting paths).
//! * Credit `(c) = RE(c) / Σ_d RE(d) × total conversions`.
//! * Value: `E[V] = u_start` from `(I − Q) u = r ∘ v̄`, where `v̄_s` is the mean value of
//!   the conversions leaving state `s`, i.e. `E[V] = Σ_s P(absorbed into conversion from
//!   s) × v̄_s`. The value removal effect is `1 − E[V₋c] / E[V]`, and value credit
//!   normalises it to the total observed value. Count and value removal effects are
//!   reported separately.
//!
//! Order k uses ChannelAttribution's state convention by default (Altomare & Loris,
//! ChannelAttribution 2.x), so results equal its noise-free values; its estimates come
//! from simulated walks and differ from these by their sampling error.
//!
//! Without non-converting paths every path converts, `P = 1`, and the removal effects
//! only measure how often a channel is on a path: the credit says so in a note.

pub(crate) mod chain;
mod select;
pub(crate) mod solve;

use serde::Serialize;

use crate::channel::Dictionary;
use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::PathTable;
use crate::models::Attribution;
use crate::param::Param;

pub use chain::{MAX_ORDER, StateConvention};
pub use select::OrderScore;
pub use solve::SolveStructure;

use chain::Chain;
use solve::{StartValues, System};

/// The order of the chain: fixed, or chosen on held-out paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkovOrder {
    /// A fixed order, 1 to [`MAX_ORDER`].
    Fixed(usize),
    /// Fit orders 1..=4 on a seeded split and keep the best held-out log-loss.
    Auto,
}

impl std::str::FromStr for MarkovOrder {
    type Err = Error;
    /// Parses `auto` or an order; the range is checked once, by
    /// [`MarkovParams::validate`].
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        if s == "auto" {
            return Ok(MarkovOrder::Auto);
        }
        s.parse::<usize>().map(MarkovOrder::Fixed).map_err(|_| {
            Error::param(
                Param::MarkovOrder,
                format!("`{s}`: expected an order 1 to {MAX_ORDER}, or auto"),
            )
        })
    }
}

/// Markov model parameters. `MarkovParams::default().order(2).fit(&paths)?`.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkovParams {
    order: MarkovOrder,
    states: StateConvention,
    tolerance: f64,
    holdout: f64,
    seed: u64,
    max_states: usize,
    memory_limit: Option<u64>,
    max_work: f64,
}

/// The default bound on a chain's states (see [`MarkovParams::max_states`]).
pub const DEFAULT_MAX_STATES: usize = 1_000_000;

/// The default bound on the removal solves' work (see [`MarkovParams::max_work`]): about
/// a minute of one core.
pub const DEFAULT_MAX_WORK: f64 = 2e10;

impl Default for MarkovParams {
    /// Order 1, ChannelAttribution's state convention, tolerance 1e-12, at most
    /// [`DEFAULT_MAX_STATES`] states and [`DEFAULT_MAX_WORK`] transition visits of
    /// removal solves, and for `auto` a 20% held-out share with seed 42.
    fn default() -> Self {
        Self {
            order: MarkovOrder::Fixed(1),
            states: StateConvention::Windows,
            tolerance: 1e-12,
            holdout: 0.2,
            seed: 42,
            max_states: DEFAULT_MAX_STATES,
            memory_limit: None,
            max_work: DEFAULT_MAX_WORK,
        }
    }
}

impl MarkovParams {
    /// Sets a fixed order (1 to 4).
    pub fn order(mut self, order: usize) -> Self {
        self.order = MarkovOrder::Fixed(order);
        self
    }

    /// Sets the order (fixed or auto).
    pub fn order_choice(mut self, order: MarkovOrder) -> Self {
        self.order = order;
        self
    }

    /// Sets the state convention (default: ChannelAttribution's windows).
    pub fn states(mut self, states: StateConvention) -> Self {
        self.states = states;
        self
    }

    /// Sets the solver tolerance on probabilities (default 1e-12).
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the most states a chain may have (default [`DEFAULT_MAX_STATES`]): a
    /// higher order on many channels can make millions of states, each costing memory
    /// and work in every removal's solve; above the bound the fit is refused, with the
    /// count, before the transitions are built (with `auto`, the orders tried stop
    /// below it).
    pub fn max_states(mut self, max_states: usize) -> Self {
        self.max_states = max_states;
        self
    }

    /// The most memory the chain may take (default: the memory available on this
    /// machine); a chain that would need more is refused when its states are counted.
    pub fn memory_limit(mut self, bytes: Option<u64>) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Sets the most work the removal solves may take, in transition visits (default
    /// [`DEFAULT_MAX_WORK`], about a minute of one core). A channel whose states lie in a
    /// large cyclic part of the chain costs a solve of that part: with thousands of such
    /// channels (order 1 on campaign or content ids) the solves grow with the square of
    /// the channels, and above the bound the fit is refused with the estimate before
    /// any of them runs.
    pub fn max_work(mut self, visits: f64) -> Self {
        self.max_work = visits;
        self
    }

    /// The memory limit set with [`Self::memory_limit`] (`None`: what is available).
    pub(crate) fn memory_limit_bytes(&self) -> Option<u64> {
        self.memory_limit
    }

    /// Sets the held-out share for `auto` (default 0.2).
    pub fn holdout(mut self, share: f64) -> Self {
        self.holdout = share;
        self
    }

    /// Sets the seed of the `auto` split (default 42).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if let MarkovOrder::Fixed(k) = self.order
            && !(1..=MAX_ORDER).contains(&k)
        {
            return Err(Error::param(
                Param::MarkovOrder,
                format!("{k}: expected an order 1 to {MAX_ORDER}, or auto"),
            ));
        }
        if !(self.tolerance > 0.0 && self.tolerance < 1e-3) {
            return Err(Error::param(Param::MarkovTolerance, "must be in (0, 1e-3)"));
        }
        if self.max_work.is_nan() || self.max_work < 1.0 {
            return Err(Error::param(
                Param::MarkovMaxWork,
                "must be at least 1 (transition visits)",
            ));
        }
        if self.max_states < 2 {
            return Err(Error::param(
                Param::MarkovMaxStates,
                "must be at least 2 (start and one channel state)",
            ));
        }
        if !(self.holdout > 0.0 && self.holdout < 1.0) {
            return Err(Error::param(
                Param::MarkovHoldout,
                "must be between 0 and 1 (exclusive)",
            ));
        }
        Ok(())
    }

    /// The held-out fit of order `order` on `paths` (the split of `markov_holdout`).
    pub fn holdout_fit(&self, paths: &PathTable, order: usize) -> Result<OrderScore> {
        let mut table = select::score(
            paths,
            order..=order,
            self.states,
            self.holdout,
            self.seed,
            self.max_states,
            self.memory_limit,
        )?;
        Ok(table.remove(0))
    }

    /// Fits the chain and solves every removal.
    pub fn fit(&self, paths: &PathTable) -> Result<FittedMarkov> {
        self.validate()?;
        let (order, selection) = match self.order {
            MarkovOrder::Fixed(k) => (k, None),
            MarkovOrder::Auto => {
                let table = select::score_orders(
                    paths,
                    self.states,
                    self.holdout,
                    self.seed,
                    self.max_states,
                    self.memory_limit,
                )?;
                (select::best_order(&table), Some(table))
            }
        };
        let chain = Chain::build(
            paths,
            order,
            self.states,
            self.max_states,
            self.memory_limit,
        )?;
        let totals = Totals {
            conversions: paths.total_conversions(),
            value: paths.total_value(),
            nulls: paths.total_nulls(),
        };
        self.solve_chain(chain, paths.channels().clone(), totals, order, selection)
    }

    /// Fits the chain of order-k transition counts (an engine's aggregate, see
    /// [`TransitionCounts`](crate::journeys::TransitionCounts)): the same exact solve as
    /// from the path summary they were counted from. The order is the counts' own.
    pub fn fit_transitions(
        &self,
        counts: &crate::journeys::TransitionCounts,
    ) -> Result<FittedMarkov> {
        self.validate()?;
        if self.states != StateConvention::Windows {
            return Err(Error::param(
                Param::MarkovStates,
                "transition counts hold the `windows` convention's states",
            ));
        }
        let (chain, channels) =
            Chain::from_transitions(counts, self.max_states, self.memory_limit)?;
        let (conversions, value, nulls) = counts.totals();
        let totals = Totals {
            conversions,
            value,
            nulls,
        };
        self.solve_chain(chain, channels, totals, counts.order(), None)
    }

    fn solve_chain(
        &self,
        chain: Chain,
        channels: Dictionary,
        totals: Totals,
        order: usize,
        selection: Option<Vec<OrderScore>>,
    ) -> Result<FittedMarkov> {
        let system = System::new(&chain, self.tolerance)?;
        // The states each channel's removal fixes. Only what a solve yields from start
        // is kept: a chain of millions of states over tens of channels would otherwise
        // hold every removal's solution.
        let mut fixed: Vec<Vec<u32>> = vec![Vec::new(); channels.len()];
        for s in 1..chain.len() {
            for c in chain.channels_of(s) {
                let states = &mut fixed[c as usize];
                if states.last() != Some(&(s as u32)) {
                    states.push(s as u32);
                }
            }
        }
        let solved = system.solve_removals(&fixed, self.max_work)?;
        let full = solved.full;
        let removals: Vec<Removal> = solved
            .each
            .into_iter()
            .map(|start| Removal {
                p_conversion: start.x,
                expected_value: start.u,
                error_bound: start.error_bound,
            })
            .collect();
        Ok(FittedMarkov {
            order,
            states: self.states,
            channels,
            totals,
            chain,
            system_bound: system.steps_bound,
            structure: system.structure(),
            tolerance: self.tolerance,
            full,
            removals,
            selection,
        })
    }
}

/// A fitted Markov model: the chain, `P`, and every channel's removal.
#[derive(Clone, Debug)]
pub struct FittedMarkov {
    order: usize,
    states: StateConvention,
    channels: Dictionary,
    totals: Totals,
    chain: Chain,
    system_bound: f64,
    structure: SolveStructure,
    tolerance: f64,
    full: StartValues,
    removals: Vec<Removal>,
    selection: Option<Vec<OrderScore>>,
}

/// What the solve without one channel gives from start.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Removal {
    p_conversion: f64,
    expected_value: f64,
    error_bound: f64,
}

/// Observed totals of the fitted table.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Totals {
    conversions: f64,
    value: f64,
    nulls: f64,
}

/// One channel's removal effects and credit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RemovalEffect {
    /// The channel.
    pub channel: String,
    /// `1 − P₋c / P`.
    pub removal_effect: f64,
    /// `1 − E[V₋c] / E[V]`.
    pub value_removal_effect: f64,
    /// `RE(c) / Σ RE`.
    pub share: f64,
    /// Attributed conversions.
    pub conversions: f64,
    /// Attributed value.
    pub value: f64,
}

/// One transition of the chain with named states.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transition {
    /// From state (`(start)` or channels joined by ` > `).
    pub from: String,
    /// To state (`(conversion)` and `(null)` for the absorbing states).
    pub to: String,
    /// Weighted count.
    pub count: f64,
    /// Probability (count / the from-state's total).
    pub probability: f64,
}

/// The Markov model's details.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MarkovDetails {
    /// The chain's order.
    pub order: usize,
    /// The state convention.
    pub state_convention: StateConvention,
    /// Number of transient states (start included).
    pub states: usize,
    /// Probability of conversion from start.
    pub p_conversion: f64,
    /// Expected conversion value from start.
    pub expected_value: f64,
    /// Proven bound on the solver's error in `p_conversion`.
    pub solver_error_bound: f64,
    /// The most Gauss–Seidel sweeps one cyclic part of the chain took in the full solve
    /// (solved side by side with some removals, so the sweeps of the slowest of them; 0
    /// when every part was solved directly).
    pub solver_sweeps: usize,
    /// How the chain's states were solved: by back-substitution, directly, by sweeps.
    pub solver_structure: SolveStructure,
    /// Upper bound of the expected number of steps to absorption.
    pub expected_steps_bound: f64,
    /// Observed totals.
    pub total_conversions: f64,
    /// Observed total value.
    pub total_value: f64,
    /// Observed non-conversions.
    pub total_nulls: f64,
    /// Per channel, sorted by channel.
    pub removal_effects: Vec<RemovalEffect>,
    /// Every transition, sorted by from then to state name.
    pub transitions: Vec<Transition>,
    /// The order selection table, with `markov_order auto`.
    pub order_selection: Option<Vec<OrderScore>>,
    /// Held-out fit of the chosen order (AUC and log-loss of P(conversion | final
    /// state) on a seeded share of the journeys).
    pub holdout_fit: Option<OrderScore>,
    /// Warnings and conventions.
    pub notes: Vec<String>,
}

impl MarkovDetails {
    /// Writes the transition table as CSV, `from,to,count,probability`: counts exact,
    /// probabilities with 12 decimals (the one writer of this table).
    pub fn write_transitions_csv(&self, out: &mut dyn std::io::Write) -> Result<()> {
        let mut csv = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
        csv.write_record(["from", "to", "count", "probability"])
            .map_err(err)?;
        for t in &self.transitions {
            csv.write_record([
                t.from.as_str(),
                t.to.as_str(),
                &crate::journeys::format_exact(t.count),
                &format!("{:.12}", t.probability),
            ])
            .map_err(err)?;
        }
        csv.flush().map_err(Error::Write)
    }
}

impl FittedMarkov {
    /// The chain's order (the chosen one with `auto`).
    pub fn order(&self) -> usize {
        self.order
    }

    /// Probability of conversion from start.
    pub fn p_conversion(&self) -> f64 {
        self.full.x
    }

    /// Expected conversion value from start.
    pub fn expected_value(&self) -> f64 {
        self.full.u
    }

    /// The order selection table (with `auto`).
    pub fn order_selection(&self) -> Option<&[OrderScore]> {
        self.selection.as_deref()
    }

    /// Removal effects and credit per channel, sorted by channel.
    pub fn removal_effects(&self) -> Vec<RemovalEffect> {
        let p = self.p_conversion();
        let ev = self.expected_value();
        let ratio = |with: f64, without: f64| {
            if with > 0.0 {
                (1.0 - without / with).clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        let re: Vec<f64> = self
            .removals
            .iter()
            .map(|s| ratio(p, s.p_conversion))
            .collect();
        let vre: Vec<f64> = self
            .removals
            .iter()
            .map(|s| ratio(ev, s.expected_value))
            .collect();
        let (sum, vsum) = (re.iter().sum::<f64>(), vre.iter().sum::<f64>());
        let (total, total_value) = (self.totals.conversions, self.totals.value);
        self.channels
            .names()
            .enumerate()
            .map(|(c, name)| RemovalEffect {
                channel: name.to_string(),
                removal_effect: re[c],
                value_removal_effect: vre[c],
                share: if sum > 0.0 { re[c] / sum } else { 0.0 },
                conversions: if sum > 0.0 { re[c] / sum * total } else { 0.0 },
                value: if vsum > 0.0 {
                    vre[c] / vsum * total_value
                } else {
                    0.0
                },
            })
            .collect()
    }

    /// The transition matrix with named states, sorted by from then to.
    pub fn transition_matrix(&self) -> Vec<Transition> {
        let names = &self.channels;
        let chain = &self.chain;
        let mut out = Vec::with_capacity(chain.col.len() + 2 * chain.len());
        for s in 0..chain.len() {
            let total = chain.out[s];
            if total <= 0.0 {
                continue;
            }
            let from = chain.name(s, names);
            for k in chain.row_ptr[s]..chain.row_ptr[s + 1] {
                let count = chain.count[k];
                out.push(Transition {
                    from: from.clone(),
                    to: chain.name(chain.col[k] as usize, names),
                    count,
                    probability: count / total,
                });
            }
            for (to, count) in [("(conversion)", chain.conv[s]), ("(null)", chain.null[s])] {
                if count > 0.0 {
                    out.push(Transition {
                        from: from.clone(),
                        to: to.to_string(),
                        count,
                        probability: count / total,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.from.cmp(&b.from).then(a.to.cmp(&b.to)));
        out
    }

    /// Warnings a user must see next to the numbers.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = vec![format!(
            "exact absorbing-chain solve, order {} ({} states), P(conversion) = {:.6}",
            self.order,
            self.states,
            self.p_conversion()
        )];
        if let Some(table) = &self.selection {
            notes.push(select::explain(table));
        }
        // Without conversions there is nothing that "every path converts" could mean.
        if self.totals.nulls <= 0.0 && self.totals.conversions > 0.0 {
            notes.push(
                "WARNING: the input has no non-converting paths, so every path converts (P = 1) and the \
                 removal effects only measure how often channels appear; add total_null counts"
                    .to_string(),
            );
        }
        if self.totals.conversions <= 0.0 {
            notes.push("no conversions: every removal effect is 0".to_string());
        }
        let bound = self
            .removals
            .iter()
            .map(|s| s.error_bound)
            .fold(self.full.error_bound, f64::max);
        if bound > self.tolerance {
            notes.push(format!(
                "the chain absorbs slowly (up to {:.0} expected steps), so the exact solve's \
                 proven error bound is {bound:.1e}, above the tolerance {:.0e}",
                self.system_bound, self.tolerance
            ));
        }
        if self.chain.weightless_rows > 0 {
            notes.push(format!(
                "{} paths with 0 conversions and 0 nulls carry no weight and were left out",
                self.chain.weightless_rows
            ));
        }
        notes
    }

    /// The Markov model's details.
    pub fn details(&self) -> MarkovDetails {
        MarkovDetails {
            order: self.order,
            state_convention: self.states,
            states: self.chain.len(),
            p_conversion: self.p_conversion(),
            expected_value: self.expected_value(),
            solver_error_bound: self.full.error_bound,
            solver_sweeps: self.full.sweeps,
            solver_structure: self.structure,
            expected_steps_bound: self.system_bound,
            total_conversions: self.totals.conversions,
            total_value: self.totals.value,
            total_nulls: self.totals.nulls,
            removal_effects: self.removal_effects(),
            transitions: self.transition_matrix(),
            order_selection: self.selection.clone(),
            holdout_fit: None,
            notes: self.notes(),
        }
    }

    /// The credit.
    pub fn credit(&self) -> Credit {
        let effects = self.removal_effects();
        let conversions: Vec<f64> = effects.iter().map(|e| e.conversions).collect();
        let value: Vec<f64> = effects.iter().map(|e| e.value).collect();
        let mut credit = Credit::from_ids(
            "markov",
            &self.channels,
            &conversions,
            &value,
            self.totals.conversions,
            self.totals.value,
        );
        credit.notes = self.notes();
        credit
    }
}

impl Attribution for MarkovParams {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        Ok(self.fit(paths)?.credit())
    }
}
