//! Reading the events file into compact records.
//!
//! Events (ARCHITECTURE.md §3): `timestamp,user_id,event` required; `channel` on
//! touches; optional `campaign`, `content`, `value` (on conversions), `account_id`,
//! `session_id`. Rows need not be sorted. Every row becomes a fixed-size [`Event`]
//! holding interned ids and an integer time, so a 10-million-row file never exists in
//! memory as strings. Event names are classified by [`EventNames`]; rows with other
//! event names are counted by name and otherwise ignored.

use std::collections::BTreeMap;
use std::hash::Hasher;

use rustc_hash::FxHasher;
use serde::Serialize;

use crate::channel::Dictionary;
use crate::csv_input::{ColumnMap, CsvSource, ReadOptions, ReadReport, Records, Row};
use crate::error::{Error, Result};
use crate::journeys::Milestone;
use crate::journeys::intern_pipeline::{NamePipe, intern_alongside};
use crate::param::Param;
use crate::time::Millis;

/// Column names of the events file.
pub const EVENT_COLUMNS: [&str; 9] = [
    "timestamp",
    "user_id",
    "event",
    "channel",
    "campaign",
    "content",
    "value",
    "account_id",
    "session_id",
];

/// "No id" in an optional dimension of an [`Event`].
pub(crate) const NONE: u32 = u32::MAX;

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

/// What an event is: touch, conversion, and/or a stage milestone (bit flags).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Kind(u8);

impl Kind {
    const TOUCH: u8 = 1;
    const CONVERSION: u8 = 2;
    const MILESTONE_SHIFT: u8 = 2;

    pub fn is_touch(self) -> bool {
        self.0 & Self::TOUCH != 0
    }

    pub fn is_conversion(self) -> bool {
        self.0 & Self::CONVERSION != 0
    }

    pub fn milestone(self) -> Option<Milestone> {
        match self.0 >> Self::MILESTONE_SHIFT {
            1 => Some(Milestone::LeadCreated),
            2 => Some(Milestone::OpportunityCreated),
            3 => Some(Milestone::ClosedWon),
            _ => None,
        }
    }

    fn with_milestone(self, m: Option<Milestone>) -> Self {
        let bits = match m {
            None => 0,
            Some(Milestone::LeadCreated) => 1,
            Some(Milestone::OpportunityCreated) => 2,
            Some(Milestone::ClosedWon) => 3,
        };
        Kind(self.0 | (bits << Self::MILESTONE_SHIFT))
    }

    /// Order of kinds at the same instant: touches, then milestones, then conversions,
    /// so a touch at the conversion's instant belongs to it and a milestone at a
    /// touch's instant marks that touch.
    pub fn rank(self) -> u8 {
        if self.is_conversion() {
            2
        } else if self.is_touch() {
            0
        } else {
            1
        }
    }
}

/// One event as a fixed-size (40-byte) record of ids.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Event {
    pub time: Millis,
    /// For a touch, the hash of its session id (0: none); for a conversion, the bits of
    /// its value (`f64::to_bits`). Read it through [`Event::session`] and
    /// [`Event::value`].
    pub aux: u64,
    /// Raw user id (index into the id dictionary); replaced by the person index once
    /// identities are resolved.
    pub who: u32,
    pub channel: u32,
    pub campaign: u32,
    pub content: u32,
    pub account: u32,
    pub kind: Kind,
}

impl Event {
    /// The session id hash of a touch (0: none).
    pub fn session(&self) -> u64 {
        if self.kind.is_touch() { self.aux } else { 0 }
    }

    /// The value of a conversion (0 otherwise).
    pub fn value(&self) -> f64 {
        if self.kind.is_conversion() {
            f64::from_bits(self.aux)
        } else {
            0.0
        }
    }
}

/// The events of a file, as records with their dictionaries.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    pub events: Vec<Event>,
    pub channels: Dictionary,
    pub campaigns: Dictionary,
    pub contents: Dictionary,
    pub accounts: Dictionary,
    pub has_campaign: bool,
    pub has_content: bool,
    /// Latest timestamp of any event read (the end of the data).
    pub data_end: Option<Millis>,
    pub counts: EventCounts,
    pub report: ReadReport,
    /// The total conversion value read so far (checked to stay a finite number).
    pub value_total: f64,
}

/// How many events of each kind were read.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EventCounts {
    /// Rows that became events (all kinds, ignored names included).
    pub events: u64,
    /// Touch events.
    pub touches: u64,
    /// Conversion events.
    pub conversions: u64,
    /// Milestone events that are not conversions.
    pub milestones: u64,
    /// Rows whose event name is none of the configured names, by name.
    pub ignored_by_name: BTreeMap<String, u64>,
}

struct Columns {
    timestamp: usize,
    user: usize,
    event: usize,
    channel: Option<usize>,
    campaign: Option<usize>,
    content: Option<usize>,
    value: Option<usize>,
    account: Option<usize>,
    session: Option<usize>,
}

/// Hash of a session id: FxHash of its bytes (deterministic across runs), never 0.
fn session_hash(id: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(id.as_bytes());
    h.finish().max(1)
}

impl EventLog {
    /// Reads events, interning user ids into `ids` (shared with the identity edges).
    pub fn read(
        input: Records<'_>,
        name: &str,
        options: &ReadOptions,
        names: &EventNames,
        conversions: &[String],
        ids: &mut Dictionary,
    ) -> Result<EventLog> {
        options.columns.check_known("events", &EVENT_COLUMNS)?;
        let map: &ColumnMap = &options.columns;
        let mut src = CsvSource::open(input, name, &EVENT_COLUMNS)?;
        let cols = Columns {
            timestamp: src.required("timestamp", map)?,
            user: src.required("user_id", map)?,
            event: src.required("event", map)?,
            channel: src.optional("channel", map)?,
            campaign: src.optional("campaign", map)?,
            content: src.optional("content", map)?,
            value: src.optional("value", map)?,
            account: src.optional("account_id", map)?,
            session: src.optional("session_id", map)?,
        };
        let mut log = EventLog {
            has_campaign: cols.campaign.is_some(),
            has_content: cols.content.is_some(),
            report: ReadReport::new(name),
            ..EventLog::default()
        };
        // Event names repeat on every row and are few: classify each distinct name
        // once and find it again by a short linear scan.
        let mut kinds: Vec<(Box<str>, Option<Kind>)> = Vec::new();
        // User ids are interned on a second thread while this one parses; the user of
        // each kept event is pushed in order, so `who` is filled from the ids afterwards.
        let ((), who) = intern_alongside(ids, |users| -> Result<()> {
            while let Some(row) = src.next_row()? {
                log.report.rows_read += 1;
                let event = log.parse_row(&row, &cols, names, conversions, &mut kinds, users);
                if let Some(Some(event)) = log.report.keep_or_skip(event, options.skip_bad_rows)? {
                    log.keep(event);
                }
            }
            Ok(())
        })?;
        debug_assert_eq!(who.len(), log.events.len());
        for (event, who) in log.events.iter_mut().zip(who) {
            event.who = who;
        }
        log.report.check_usable()?;
        if log.counts.touches == 0 && log.counts.conversions == 0 {
            return Err(Error::bad_value(
                crate::error::Location::line(name, 0, None, Some("event".into())),
                format!(
                    "no touch and no conversion events; expected event names {} (touches) and {} (conversions); found {}",
                    names.touch.join("/"),
                    conversions.join("/"),
                    describe_names(&log.counts.ignored_by_name)
                ),
            ));
        }
        Ok(log)
    }

    fn parse_row(
        &mut self,
        row: &Row<'_>,
        cols: &Columns,
        names: &EventNames,
        conversions: &[String],
        kinds: &mut Vec<(Box<str>, Option<Kind>)>,
        users: &mut NamePipe,
    ) -> Result<Option<Event>> {
        let time = row.timestamp(cols.timestamp)?;
        let user = row.non_empty(cols.user, "a user id")?;
        let event_name = row.non_empty(cols.event, "an event name")?;
        let kind = match kinds.iter().find(|(n, _)| &**n == event_name) {
            Some((_, k)) => *k,
            None => {
                let k = names.classify(event_name, conversions);
                kinds.push((event_name.into(), k));
                k
            }
        };
        self.data_end = Some(self.data_end.map_or(time, |end| end.max(time)));
        let Some(kind) = kind else {
            *self
                .counts
                .ignored_by_name
                .entry(event_name.to_string())
                .or_insert(0) += 1;
            self.counts.events += 1;
            return Ok(None);
        };
        let mut event = Event {
            time,
            aux: 0,
            who: 0,
            channel: NONE,
            campaign: NONE,
            content: NONE,
            account: NONE,
            kind,
        };
        if kind.is_touch() {
            let Some(c) = cols.channel else {
                return Err(row.error(cols.event, "a touch, but the file has no `channel` column"));
            };
            event.channel = self
                .channels
                .intern(row.non_empty(c, "the channel of the touch")?);
            if let Some(c) = cols.campaign {
                event.campaign = self.campaigns.intern(row.str(c)?);
            }
            if let Some(c) = cols.content {
                event.content = self.contents.intern(row.str(c)?);
            }
            if let Some(c) = cols.session {
                let s = row.str(c)?;
                if !s.is_empty() {
                    event.aux = session_hash(s);
                }
            }
        }
        if kind.is_conversion()
            && let Some(c) = cols.value
        {
            let value = row.non_negative(c, Some(0.0))?;
            row.add_to_total(c, value, &mut self.value_total)?;
            event.aux = value.to_bits();
        }
        if let Some(c) = cols.account {
            let a = row.str(c)?;
            if !a.is_empty() {
                event.account = self.accounts.intern(a);
            }
        }
        // Interned later, in order, on the interner thread (`who` is set then).
        users.push(user);
        Ok(Some(event))
    }

    fn keep(&mut self, event: Event) {
        self.counts.events += 1;
        if event.kind.is_touch() {
            self.counts.touches += 1;
        } else if event.kind.is_conversion() {
            self.counts.conversions += 1;
        } else {
            self.counts.milestones += 1;
        }
        self.events.push(event);
    }
}

fn describe_names(names: &BTreeMap<String, u64>) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    let mut top: Vec<(&String, &u64)> = names.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    top.iter()
        .take(5)
        .map(|(n, c)| format!("`{n}` ({c})"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(EventLog, Dictionary)> {
        let mut ids = Dictionary::new();
        let names = EventNames::default();
        let log = EventLog::read(
            Records::csv(text.as_bytes()),
            "events.csv",
            &ReadOptions::default(),
            &names,
            &["conversion".to_string()],
            &mut ids,
        )?;
        Ok((log, ids))
    }

    #[test]
    fn reads_kinds_and_counts_ignored_names() {
        let (log, ids) = read(
            "timestamp,user_id,event,channel,value\n\
             2026-01-01T00:00:00Z,u1,touch,email,\n\
             2026-01-02T00:00:00Z,u1,conversion,,25.5\n\
             2026-01-03T00:00:00Z,u2,page_view,,\n\
             2026-01-01T12:00:00Z,u2,lead_created,,\n",
        )
        .unwrap();
        assert_eq!(log.events.len(), 3);
        assert_eq!(log.counts.touches, 1);
        assert_eq!(log.counts.conversions, 1);
        assert_eq!(log.counts.milestones, 1);
        assert_eq!(log.counts.ignored_by_name["page_view"], 1);
        assert_eq!(log.events[1].value(), 25.5);
        assert_eq!(ids.len(), 2);
        assert_eq!(
            log.data_end,
            crate::time::parse_timestamp("2026-01-03T00:00:00Z")
        );
    }

    #[test]
    fn a_touch_needs_a_channel() {
        let err = read("timestamp,user_id,event,channel\n2026-01-01,u1,touch,\n").unwrap_err();
        let loc = err.location().unwrap();
        assert_eq!((loc.line, loc.column), (2, Some(4)));
    }

    #[test]
    fn no_touch_or_conversion_names_what_was_found() {
        let err = read("timestamp,user_id,event,channel\n2026-01-01,u1,click,email\n").unwrap_err();
        assert!(err.to_string().contains("`click` (1)"), "{err}");
    }

    #[test]
    fn kinds_order_touch_milestone_conversion() {
        let names = EventNames::default();
        let conv = ["closed_won".to_string()];
        let won = names.classify("closed_won", &conv).unwrap();
        assert!(won.is_conversion());
        assert_eq!(won.milestone(), Some(Milestone::ClosedWon));
        let lead = names.classify("lead_created", &conv).unwrap();
        let touch = names.classify("touch", &conv).unwrap();
        assert!(touch.rank() < lead.rank() && lead.rank() < won.rank());
        assert!(names.classify("other", &conv).is_none());
    }
}
