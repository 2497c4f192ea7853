//! What a model reports beyond credit, behind one trait so that callers (the CLI, the
//! report, the Python package) need not know which model produced it.

use std::any::Any;
use std::fmt::Debug;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::holdout::HoldoutFit;
use crate::models::logistic::FittedLogistic;
use crate::models::markov::MarkovDetails;
use crate::models::self_controlled::SelfControlledDetails;
use crate::models::shapley::{PositionCredit, ShapleyDetails};

/// A model's details: JSON for `details` outputs, its held-out fit when it predicts
/// conversion, and downcasting for callers that render one model specially (the
/// report's Markov heatmap).
pub trait Details: Debug + Send + Sync + Any {
    /// The details as JSON (what a run's `details` output holds under the model's name).
    fn to_json(&self) -> Result<serde_json::Value>;

    /// The model's fit on held-out journeys, when it predicts conversion.
    fn holdout(&self) -> Option<HoldoutFit> {
        None
    }

    /// For downcasting to the concrete type.
    fn as_any(&self) -> &dyn Any;
}

/// Reads a details JSON back (the `details` output of a run: an object keyed by model);
/// `name` names the input in the error, with the line where it stops being JSON.
pub fn read_details_json(input: impl std::io::Read, name: &str) -> Result<serde_json::Value> {
    serde_json::from_reader(input).map_err(|e| {
        Error::bad_value(
            crate::error::Location::line(name, e.line() as u64, None, None),
            format!("not a details JSON: {e}"),
        )
    })
}

/// Serialises a details value.
fn json<T: Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| Error::Write(std::io::Error::other(e)))
}

impl Details for MarkovDetails {
    fn to_json(&self) -> Result<serde_json::Value> {
        json(self)
    }
    fn holdout(&self) -> Option<HoldoutFit> {
        self.holdout_fit.as_ref().map(|h| HoldoutFit {
            auc: h.auc,
            log_loss: h.log_loss,
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Details for SelfControlledDetails {
    fn to_json(&self) -> Result<serde_json::Value> {
        json(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Details for ShapleyDetails {
    fn to_json(&self) -> Result<serde_json::Value> {
        json(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The ordered Shapley model's credit per channel and touch position.
#[derive(Clone, Debug, Serialize)]
pub struct OrderedDetails {
    /// Per channel and position.
    pub positions: Vec<PositionCredit>,
}

impl Details for OrderedDetails {
    fn to_json(&self) -> Result<serde_json::Value> {
        json(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The fitted logistic model is its own details: its summary
/// ([`FittedLogistic::details`]) and its feature matrix
/// ([`FittedLogistic::write_features`]).
impl Details for FittedLogistic {
    fn to_json(&self) -> Result<serde_json::Value> {
        json(&self.details())
    }
    fn holdout(&self) -> Option<HoldoutFit> {
        let d = self.details().diagnostics;
        Some(HoldoutFit {
            auc: d.auc,
            log_loss: d.log_loss,
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
