//! Attribution models: one trait for path-table models, one for journey models, and
//! the registry that runs a list of models by name.
//!
//! | name | kind | input |
//! |---|---|---|
//! | `first_touch`, `last_touch`, `last_non_direct` | single touch | paths |
//! | `linear`, `linear_unique` | equal split | paths |
//! | `position_based`, `custom` | first/middle/last weights (two-touch rule `two_touch`) | paths |
//! | `position_decay` | linear decay by position (DP6, eeghor/mta) | paths |
//! | `fractribution` | Fractribution's per-path leave-one-out share | paths |
//! | `influenced` | non-additive count | paths |
//! | `time_decay` | exponential decay on real time | journeys |
//! | `time_decay_steps` | DP6's step-wise decay on real time | journeys |
//! | `w_shaped`, `full_path` | stage milestones | journeys |
//! | `markov` | exact removal effect of an order-k chain | paths |
//! | `shapley`, `shapley_ordered` | Shapley value of a game on channel sets | paths |
//! | `logistic` | a fitted conversion model's predictions, split per journey | paths or journeys |
//!
//! "paths" models run on a [`PathTable`] and on journeys (through their path table);
//! "journeys" models need per-touch times or milestones and fail clearly on a path table.
//!
//! The [`registry`] holds one entry per model; [`run`] runs a list of them on one input.
//! How to add a model: see [`registry`].

pub mod calibrate;
pub mod credit_risk;
pub mod details;
pub mod fractribution;
pub mod logistic;
pub mod markov;
pub mod position_decay;
pub mod registry;
pub mod rules;
mod runner;
pub mod self_controlled;
mod settings;
pub mod shapley;
pub mod stages;
pub mod step_decay;
pub mod time_decay;
pub(crate) mod touch_weights;
pub mod weighted_count;

use crate::credit::Credit;
use crate::error::Result;
use crate::journeys::{Journeys, PathTable};

pub use credit_risk::{CreditRisk, RiskDirection};
pub use details::{Details, OrderedDetails};
pub use fractribution::Fractribution;
pub use logistic::{FittedLogistic, LogisticDetails, LogisticParams};
pub use markov::{FittedMarkov, MarkovDetails, MarkovOrder, MarkovParams};
pub use position_decay::{DecayRank, PositionDecay};
pub use registry::{ModelInfo, ModelName};
pub use rules::{
    FirstTouch, Influenced, LastNonDirect, LastTouch, Linear, LinearUnique, PositionBased,
    PositionWeights, TwoTouch,
};
pub use runner::{LeftOut, ModelRun, attribute, default_models, run, run_default};
pub use settings::{Input, InputKind, ModelSettings};
pub use shapley::{
    FittedShapley, OrderedShapley, PositionCredit, ShapleyDetails, ShapleyGame, ShapleyParams,
};
pub use stages::StageModel;
pub use step_decay::StepDecay;
pub use time_decay::TimeDecay;

/// A model that needs only the order of touches: it runs on a path summary.
pub trait Attribution {
    /// Credit of every channel of `paths`.
    fn attribute(&self, paths: &PathTable) -> Result<Credit>;
}

/// A model that needs per-touch data (times, milestones): it runs on journeys.
pub trait JourneyAttribution {
    /// Credit of every channel of `journeys`.
    fn attribute_journeys(&self, journeys: &Journeys) -> Result<Credit>;
}
