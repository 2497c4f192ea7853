//! Evaluation: held-out metrics of models that predict conversion, scores against a
//! simulation's ground truth, and bootstrap intervals on credit.

pub mod bootstrap;
pub mod metrics;
pub mod regret;
pub mod split;
pub mod table;
pub mod truth;

pub use metrics::{Scored, auc, log_loss};
