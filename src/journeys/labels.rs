//! What a touch is labelled with: its stage milestone, and the dimension credited.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::choice::{Choice, choice_str};
use crate::param::Param;

/// A stage milestone of a B2B funnel, marked on the touch that preceded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// The contact became a lead.
    LeadCreated,
    /// An opportunity was opened.
    OpportunityCreated,
    /// The opportunity was won (the account conversion in B2B).
    ClosedWon,
}

impl Milestone {
    /// Every milestone, in funnel order.
    pub const ALL: [Milestone; 3] = [
        Milestone::LeadCreated,
        Milestone::OpportunityCreated,
        Milestone::ClosedWon,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::LeadCreated => "lead_created",
            Milestone::OpportunityCreated => "opportunity_created",
            Milestone::ClosedWon => "closed_won",
        }
    }
}

impl fmt::Display for Milestone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Milestone {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Milestone::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!("`{s}` is not a milestone; expected empty, lead_created, opportunity_created or closed_won")
            })
    }
}

/// The dimension credit is computed for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Per channel (the default).
    #[default]
    Channel,
    /// Per campaign; touches without a campaign are `(not set)`.
    Campaign,
    /// Per content; touches without content are `(not set)`.
    Content,
}

impl Level {
    /// The name used on the command line and as the output's key column.
    pub fn as_str(self) -> &'static str {
        Choice::name(self)
    }
}

impl Choice for Level {
    const PARAM: Param = Param::Level;
    const ALL: &'static [Self] = &[Level::Channel, Level::Campaign, Level::Content];
    fn name(self) -> &'static str {
        match self {
            Level::Channel => "channel",
            Level::Campaign => "campaign",
            Level::Content => "content",
        }
    }
}

choice_str!(Level);
