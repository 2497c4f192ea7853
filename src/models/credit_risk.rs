//! A channel whose credit a model's own warnings put at risk, and in which direction.
//!
//! A model that can tell *how* its credit of a channel may be wrong says so in a
//! WARNING and records it here: `self_controlled` reads as effect the intent that
//! exposure follows (too high), and as baseline an effect that outlasts its lags or a
//! channel that is always on for the people it reaches most (too low). A budget plan
//! made from that credit does not move the channel's spend in the direction the error
//! would push it ([`crate::decide::BudgetParams::at_risk`]): moving it there rests on the
//! very figure the warning doubts, and only a lift test can say which way is right.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// Which way a channel's credit may be wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskDirection {
    /// The credit may be too low: a plan should not cut the channel on it.
    Low,
    /// The credit may be too high: a plan should not raise the channel on it.
    High,
}

impl RiskDirection {
    /// `too low` or `too high`.
    pub fn words(self) -> &'static str {
        match self {
            RiskDirection::Low => "too low",
            RiskDirection::High => "too high",
        }
    }
}

/// One channel's credit at risk.
#[derive(Clone, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct CreditRisk {
    /// The channel.
    pub channel: String,
    /// Which way its credit may be wrong.
    pub direction: RiskDirection,
    /// Why, in a few words (the warning's subject: `follows intent`, `effect beyond its
    /// lags`, …).
    pub reason: String,
    /// The channel's credit (conversions) under the warning's own alternative reading,
    /// where it has one: the rise over the pre-exposure level for exposure that follows
    /// intent, the fit to people with time free of it for steady exposure, the effect
    /// extrapolated past the horizon for carryover. A plan that makes the same move under
    /// it as under the credit is robust to the doubt; none: the size of the error is
    /// unknown.
    #[serde(default)]
    pub alternative: Option<f64>,
}

impl CreditRisk {
    /// A risk of `channel`'s credit, without an alternative reading.
    pub fn new(channel: &str, direction: RiskDirection, reason: &str) -> CreditRisk {
        CreditRisk {
            channel: channel.to_string(),
            direction,
            reason: reason.to_string(),
            alternative: None,
        }
    }

    /// With the credit under the warning's alternative reading (finite and ≥ 0 kept).
    pub fn alternative(mut self, conversions: f64) -> CreditRisk {
        self.alternative = (conversions.is_finite() && conversions >= 0.0).then_some(conversions);
        self
    }
}

/// Where a model's details JSON keeps its credit risks.
pub const DETAILS_FIELD: &str = "credit_risks";

/// Every model's credit risks in a details JSON (the `details` output of a run: an
/// object keyed by model, each model's risks under [`DETAILS_FIELD`]); models without
/// the field have none. `name` names the input in errors.
pub fn read_credit_risks(
    input: impl std::io::Read,
    name: &str,
) -> Result<BTreeMap<String, Vec<CreditRisk>>> {
    let details = crate::models::details::read_details_json(input, name)?;
    let Some(object) = details.as_object() else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for (model, value) in object {
        let Some(risks) = value.get(DETAILS_FIELD) else {
            continue;
        };
        let risks: Vec<CreditRisk> = serde_json::from_value(risks.clone()).map_err(|e| {
            Error::bad_value(
                Location::line(name, 1, None, None),
                format!("`{model}`.{DETAILS_FIELD}: {e}"),
            )
        })?;
        out.insert(model.clone(), risks);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risks_are_read_per_model_and_bad_ones_refused() {
        let json = r#"{"self_controlled": {"credit_risks": [
                           {"channel": "search", "direction": "low", "reason": "steady exposure"},
                           {"channel": "tv", "direction": "high", "reason": "follows intent"}]},
                       "markov": {"holdout_fit": {}}}"#;
        let risks = read_credit_risks(json.as_bytes(), "d.json").unwrap();
        assert_eq!(risks.len(), 1);
        assert_eq!(
            risks["self_controlled"],
            vec![
                CreditRisk::new("search", RiskDirection::Low, "steady exposure"),
                CreditRisk::new("tv", RiskDirection::High, "follows intent"),
            ]
        );
        let bad = r#"{"self_controlled": {"credit_risks": [{"channel": "x", "direction": "up"}]}}"#;
        let err = read_credit_risks(bad.as_bytes(), "d.json")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("d.json") && err.contains("credit_risks"),
            "{err}"
        );
        assert!(read_credit_risks("[1,".as_bytes(), "d.json").is_err());
    }
}
