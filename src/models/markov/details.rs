//! What a fitted Markov model reports: each channel's removal effects, the transition
//! matrix, and the details file (with its CSV of transitions).

use serde::Serialize;

use crate::error::{Error, Result};

use super::{OrderScore, SolveStructure, StateConvention};

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
