//! Held-out fit of models that predict conversion: AUC, log-loss and seeded splits.
//!
//! It sits below both [`models`](crate::models) (which score their own held-out fit)
//! and [`evaluate`](crate::evaluate) (which reports it), so neither imports the other
//! for it.

pub mod metrics;
pub mod split;

use serde::Serialize;

pub use metrics::{Scored, auc, log_loss};

/// A model's fit on held-out journeys: how well it predicts conversion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct HoldoutFit {
    /// Area under the ROC curve of the predicted conversion probability.
    pub auc: Option<f64>,
    /// Mean log-loss (lower is better).
    pub log_loss: Option<f64>,
}
