//! The vocabulary of a plan: channels with their curves and bounds, what is held
//! fixed, and the plan with each channel's spend, binding bound and shadow price (see
//! [`optimize`](super::optimize) for how plans are solved).

use serde::Serialize;

use super::curve::Curve;

/// One channel of a plan: its curve and bounds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Channel {
    /// The channel's name.
    pub name: String,
    /// Response (value) to spend per period.
    pub curve: Curve,
    /// Lowest spend allowed (`≥ 0`).
    pub lo: f64,
    /// Highest spend allowed (`≥ lo`; may be `+∞`).
    pub hi: f64,
}

impl Channel {
    /// A channel.
    pub fn new(name: impl Into<String>, curve: Curve, lo: f64, hi: f64) -> Channel {
        Channel {
            name: name.into(),
            curve,
            lo,
            hi,
        }
    }
}

/// What a plan holds fixed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "amount", rename_all = "snake_case")]
pub enum Target {
    /// The total spend `B`.
    Total(f64),
    /// The marginal return `m` at which every channel stops spending.
    Marginal(f64),
}

/// How a plan was solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Equal marginal returns (exact).
    Kkt,
    /// Dynamic programming on a spend grid (optimal on the grid).
    Grid,
}

impl Method {
    /// `kkt` or `grid`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Kkt => "kkt",
            Method::Grid => "grid",
        }
    }
}

/// Which bound, if any, holds a channel's spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Binding {
    /// At its lower bound, wanting less.
    #[serde(rename = "lo")]
    Lo,
    /// At its upper bound, wanting more.
    #[serde(rename = "hi")]
    Hi,
    /// Strictly inside its bounds.
    #[serde(rename = "none")]
    Free,
}

/// One channel's line of a plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelPlan {
    /// The channel.
    pub channel: String,
    /// Recommended spend.
    pub spend: f64,
    /// Response at that spend, `g(x)`.
    pub value: f64,
    /// Marginal return at that spend, `g'(x)`.
    pub marginal: f64,
    /// The bound that binds.
    pub binding: Binding,
    /// `|g'(bound) − λ|` for a binding bound (none when free, or when the plan has no
    /// `λ`).
    pub shadow_price: Option<f64>,
}

/// A plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Allocation {
    /// How it was solved.
    pub method: Method,
    /// What was held fixed.
    pub target: Target,
    /// The equalised marginal return: the KKT multiplier; under a grid, the median
    /// marginal return of the channels inside their bounds (none if there are none).
    pub lambda: Option<f64>,
    /// The grid step (grid plans).
    pub grid_step: Option<f64>,
    /// How far below the true optimum a grid plan may be (0 for KKT).
    pub grid_error_bound: f64,
    /// `Σ x_c`.
    pub total_spend: f64,
    /// `Σ g_c(x_c)`.
    pub value: f64,
    /// The objective at the starting allocation, when one was given and feasible
    /// (`Σ g_c`, less `m Σ x_c` under a target marginal return).
    pub start_value: Option<f64>,
    /// True when the start was returned because the solver's plan did not beat it.
    pub kept_start: bool,
    /// Channels, in the order given.
    pub channels: Vec<ChannelPlan>,
}

impl Allocation {
    /// The recommended spend per channel, in order.
    pub fn spend(&self) -> Vec<f64> {
        self.channels.iter().map(|c| c.spend).collect()
    }
}

/// `Σ_c g_c(x_c)`.
pub fn value_of(channels: &[Channel], spend: &[f64]) -> f64 {
    channels
        .iter()
        .zip(spend)
        .map(|(c, &x)| c.curve.value(x))
        .sum()
}
