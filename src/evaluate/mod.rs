//! Evaluation: held-out metrics of models that predict conversion, scores against a
//! simulation's ground truth (shares, and budget plans valued under its true response
//! curves), and bootstrap intervals on credit.

pub mod bootstrap;
pub mod decision;
pub mod details;
pub mod regret;
pub mod table;
pub mod true_response;
pub mod truth;
pub mod truth_file;

pub use crate::holdout::{HoldoutFit, Scored, auc, log_loss, metrics, split};
