//! Evaluation: held-out metrics of models that predict conversion.

pub mod metrics;
pub mod split;

pub use metrics::{Scored, auc, log_loss};
