//! [`BuildSummary`]: what a journey build read, built, and left out, by reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::csv_input::ReadReport;
use crate::journeys::events::EventCounts;
use crate::journeys::identity::IdentityStats;
use crate::journeys::windows::WindowCounts;

/// Every count of a journey build. `touch events = in converting journeys + in
/// non-converting journeys + outside every window + beyond the lookback steps +
/// censored + without account`; nothing is dropped without being counted here.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BuildSummary {
    /// The events file as read (rows, skipped bad rows by reason).
    pub events_file: ReadReport,
    /// The identities file as read, if one was given.
    pub identities_file: Option<ReadReport>,
    /// Events by kind.
    pub events: EventCounts,
    /// Identity resolution.
    pub identities: IdentityStats,
    /// Sessions found (touch events grouped by session id or inactivity gap).
    pub sessions: u64,
    /// Where touch events, conversions and milestones went.
    pub windows: WindowCounts,
    /// Events dropped because their person has no account (account level only).
    pub no_account: NoAccount,
    /// The settings of the build, for the record.
    pub settings: BTreeMap<String, String>,
}

/// Events of persons without an account, at account level.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NoAccount {
    /// Touch events.
    pub touch_events: u64,
    /// Conversions.
    pub conversions: u64,
    /// Milestone events.
    pub milestones: u64,
}

impl BuildSummary {
    /// Touch events accounted for (equals `events.touches` for a consistent build).
    pub fn touch_events_accounted(&self) -> u64 {
        let w = &self.windows;
        w.touch_events_in_converting
            + w.touch_events_in_non_converting
            + w.touch_events_outside_window
            + w.touch_events_beyond_steps
            + w.touch_events_censored
            + self.no_account.touch_events
    }

    /// Conversions accounted for (equals `events.conversions`).
    pub fn conversions_accounted(&self) -> u64 {
        let w = &self.windows;
        w.conversions_attributed
            + w.conversions_unattributable
            + w.conversions_to_unattributed_channel
            + self.no_account.conversions
    }

    /// A human-readable summary for stderr.
    pub fn describe(&self) -> String {
        let e = &self.events;
        let w = &self.windows;
        let mut s = String::new();
        let _ = writeln!(s, "{}", self.events_file.describe());
        if let Some(ids) = &self.identities_file {
            let _ = writeln!(s, "{}", ids.describe());
        }
        let _ = writeln!(
            s,
            "events: {} read: {} touches, {} conversions, {} milestones, {} ignored{}{}",
            e.events,
            e.touches,
            e.conversions,
            e.milestones,
            e.ignored_by_name.values().sum::<u64>(),
            // Under an export preset an event of another name is ignored because it
            // carries no traffic source.
            match self.settings.get("events_preset") {
                Some(_) if !e.ignored_by_name.is_empty() => " without a traffic source",
                _ => "",
            },
            describe_ignored(&e.ignored_by_name)
        );
        if let Some(c) = &e.channel_sources {
            let _ = writeln!(
                s,
                "channels of touches: {} by a rule of the rules file, {} by GA4's default channel group, {} unclassified ({})",
                c.rule,
                c.default,
                c.unclassified,
                crate::grouping::UNCLASSIFIED
            );
        }
        let i = &self.identities;
        let self_edges = if i.self_edges > 0 {
            format!(
                ", {} self-edges (an id linked to itself) ignored",
                i.self_edges
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "identities: {} edges, {} ids stitched into {} persons, {} shared devices ({:?}){self_edges}",
            i.edges, i.ids_stitched, i.persons, i.shared_devices, i.shared_device_policy
        );
        let _ = writeln!(
            s,
            "sessions: {}; journeys: {} converting, {} non-converting ({} touches)",
            self.sessions, w.converting_journeys, w.non_converting_journeys, w.journey_touches
        );
        let _ = writeln!(
            s,
            "not used: {} touch events outside every window, {} beyond lookback steps, {} censored ({} journeys that may still convert)",
            w.touch_events_outside_window,
            w.touch_events_beyond_steps,
            w.touch_events_censored,
            w.censored_journeys
        );
        let _ = write!(
            s,
            "conversions: {} attributed, {} unattributable (no touch in window), {} credited to the unattributed channel",
            w.conversions_attributed,
            w.conversions_unattributable,
            w.conversions_to_unattributed_channel
        );
        let n = &self.no_account;
        if n.touch_events + n.conversions + n.milestones > 0 {
            let _ = write!(
                s,
                "\nwithout account: {} touch events, {} conversions, {} milestones",
                n.touch_events, n.conversions, n.milestones
            );
        }
        if w.milestones_marked + w.milestones_unmarked > 0 {
            let _ = write!(
                s,
                "\nmilestones: {} marked on a touch, {} with no touch at or before them in a journey",
                w.milestones_marked, w.milestones_unmarked
            );
        }
        s
    }
}

fn describe_ignored(by_name: &BTreeMap<String, u64>) -> String {
    if by_name.is_empty() {
        return String::new();
    }
    let names: Vec<String> = by_name.iter().map(|(n, c)| format!("{n}: {c}")).collect();
    format!(" ({})", names.join(", "))
}
