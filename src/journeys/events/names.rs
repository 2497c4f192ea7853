//! Which event names are touches, conversions and stage milestones.

use super::Kind;
use crate::error::{Error, Result};
use crate::journeys::Milestone;
use crate::param::Param;

/// Which event names are touches, conversions and stage milestones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventNames {
    /// Names of marketing touchpoints (default `touch`).
    pub touch: Vec<String>,
    /// Names of conversions (default: `conversion` for person journeys, `closed_won`
    /// for account journeys).
    pub conversion: Option<Vec<String>>,
    /// Name of the lead-creation milestone (default `lead_created`).
    pub lead_created: String,
    /// Name of the opportunity-creation milestone (default `opportunity_created`).
    pub opportunity_created: String,
    /// Name of the closed-won milestone (default `closed_won`).
    pub closed_won: String,
}

impl Default for EventNames {
    fn default() -> Self {
        Self {
            touch: vec!["touch".to_string()],
            conversion: None,
            lead_created: Milestone::LeadCreated.as_str().to_string(),
            opportunity_created: Milestone::OpportunityCreated.as_str().to_string(),
            closed_won: Milestone::ClosedWon.as_str().to_string(),
        }
    }
}

impl EventNames {
    /// The kind of an event name, or `None` for a name that is none of them. A name
    /// may be both a conversion and a milestone (`closed_won` at account level).
    pub(crate) fn classify(&self, name: &str, conversions: &[String]) -> Option<Kind> {
        let mut kind = Kind::default();
        if self.touch.iter().any(|t| t == name) {
            kind.0 |= Kind::TOUCH;
        }
        if conversions.iter().any(|c| c == name) {
            kind.0 |= Kind::CONVERSION;
        }
        let milestone = if name == self.lead_created {
            Some(Milestone::LeadCreated)
        } else if name == self.opportunity_created {
            Some(Milestone::OpportunityCreated)
        } else if name == self.closed_won {
            Some(Milestone::ClosedWon)
        } else {
            None
        };
        kind = kind.with_milestone(milestone);
        (kind.0 != 0).then_some(kind)
    }

    /// Checks that names are non-empty and a touch name is not also a conversion or
    /// milestone name.
    pub fn validate(&self, conversions: &[String]) -> Result<()> {
        let all = self.touch.iter().chain(conversions).chain([
            &self.lead_created,
            &self.opportunity_created,
            &self.closed_won,
        ]);
        if all.into_iter().any(|n| n.trim().is_empty()) {
            return Err(Error::param(
                Param::ConversionEvent,
                "event names must be non-empty",
            ));
        }
        if conversions.is_empty() {
            return Err(Error::param(
                Param::ConversionEvent,
                "needs at least one conversion event name",
            ));
        }
        for t in &self.touch {
            if conversions.contains(t)
                || [
                    &self.lead_created,
                    &self.opportunity_created,
                    &self.closed_won,
                ]
                .contains(&t)
            {
                return Err(Error::param(
                    Param::ConversionEvent,
                    format!("`{t}` cannot be both a touch and a conversion or milestone"),
                ));
            }
        }
        Ok(())
    }
}
