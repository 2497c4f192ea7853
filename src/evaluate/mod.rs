//! Evaluation: held-out metrics of models that predict conversion, scores against a
//! simulation's ground truth, and bootstrap intervals on credit.

pub mod bootstrap;
pub mod details;
pub mod regret;
pub mod table;
pub mod truth;

pub use crate::holdout::{HoldoutFit, Scored, auc, log_loss, metrics, split};
