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
mod details;
mod params;
mod select;
pub(crate) mod solve;

use crate::channel::Dictionary;
use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::PathTable;
use crate::models::Attribution;
use crate::param::Param;

pub use chain::{MAX_ORDER, StateConvention};
pub use details::{MarkovDetails, RemovalEffect, Transition};
pub use params::{DEFAULT_MAX_STATES, DEFAULT_MAX_WORK, MarkovOrder, MarkovParams};
pub use select::OrderScore;
pub use solve::SolveStructure;

use chain::Chain;
use solve::{StartValues, System};

impl MarkovParams {
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
