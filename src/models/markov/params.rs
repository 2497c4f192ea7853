//! The Markov model's settings: the chain's order (fixed or chosen on held-out paths),
//! the state convention, the solver's tolerance and the size, memory and work bounds.

use crate::error::{Error, Result};
use crate::param::Param;

use super::chain::{MAX_ORDER, StateConvention};

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
    pub(super) order: MarkovOrder,
    pub(super) states: StateConvention,
    pub(super) tolerance: f64,
    pub(super) holdout: f64,
    pub(super) seed: u64,
    pub(super) max_states: usize,
    pub(super) memory_limit: Option<u64>,
    pub(super) max_work: f64,
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
}
