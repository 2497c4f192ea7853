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

use rustc_hash::{FxHashMap, FxHasher};
use serde::Serialize;

use crate::channel::Dictionary;
use crate::csv_input::parallel::{
    InOrder, ParallelCsv, RowsPart, might_overflow, parse_in_parts, total_after,
};
use crate::csv_input::{ColumnMap, CsvSource, ReadOptions, ReadReport, Records, Row};
use crate::error::{Error, Result};
use crate::grouping::{
    ChannelSource, ChannelSourceCounts, Classifier, INPUT_COLUMNS, RawFields, Values,
};
use crate::journeys::intern_pipeline::Names;
use crate::journeys::{EventsPreset, Milestone};
use crate::time::Millis;

/// Column names of the events file (`stitch_id`, then the columns a channel grouping
/// reads, [`crate::grouping::INPUT_COLUMNS`]).
pub const EVENT_COLUMNS: [&str; 22] = [
    "timestamp",
    "user_id",
    "event",
    "channel",
    "campaign",
    "content",
    "value",
    "account_id",
    "session_id",
    "stitch_id",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
    "gclid",
    "msclkid",
    "fbclid",
    "click_id",
    "click_network",
    "referrer_medium",
    "referrer_source",
    "page_url",
];

mod names;
mod parts;

pub use names::EventNames;
use parts::{EventMerger, EventPart};

/// "No id" in an optional dimension of an [`Event`].
pub(crate) const NONE: u32 = u32::MAX;

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

/// How records of one person at one time are ordered, before the fields peculiar to
/// events or timeline items: kind rank (touch, milestone, conversion), then channel,
/// campaign and content ids, then the kind's bits. Events ([`Event`]) and timeline
/// items share it, so both sort the same way.
pub(crate) fn same_time_key(
    kind: Kind,
    channel: u32,
    campaign: u32,
    content: u32,
) -> (u8, u32, u32, u32, Kind) {
    (kind.rank(), channel, campaign, content, kind)
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
    /// Its [`same_time_key`].
    pub fn same_time_key(&self) -> (u8, u32, u32, u32, Kind) {
        same_time_key(self.kind, self.channel, self.campaign, self.content)
    }

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
    /// The sum of every conversion value tried, those that made the total overflow
    /// included (how close to overflowing a part of the file came).
    value_tried: f64,
    /// Identity edges `(user_id, stitch_id)` of the rows with a `stitch_id` (ids of the
    /// shared id dictionary), sorted and distinct once the file is read.
    pub stitch_edges: Vec<(u32, u32)>,
    /// Rows whose `stitch_id` is their `user_id`: they link nothing.
    pub stitch_self: u64,
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
    /// Where the touches' channels came from, under a channel grouping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_sources: Option<ChannelSourceCounts>,
}

/// An event's kind and, for a touch, its channel, campaign and content ids ([`NONE`]
/// where it has none).
#[derive(Clone, Copy, Debug)]
struct Labels {
    kind: Option<Kind>,
    /// Where a touch's channel came from, under a channel grouping.
    source: Option<ChannelSource>,
    channel: u32,
    campaign: u32,
    content: u32,
}

/// At most this many keys are remembered per part: labels unique to nearly every row
/// (a content id per touch) would otherwise cost a copy and an insertion per row.
const MEMO_KEYS: usize = 4096;

/// What a part remembers of its rows' labels, to read the next rows' labels quicker.
#[derive(Default)]
struct LabelMemo {
    /// Each distinct event name and its kind: names are few, found by a short scan.
    kinds: Vec<(Box<str>, Option<Kind>)>,
    /// The labels read from each distinct raw content of the label columns (event
    /// name, channel, campaign, content; [`Row::raw_key`]: a plain line's span of them
    /// side by side, a table row's cells): most rows repeat one of a few hundred, and
    /// one seen before is found by one lookup instead of four fields read and three
    /// names interned. Only keys of configured event names that read without an error
    /// are kept, with ids of the part's own dictionaries.
    seen: FxHashMap<Box<[u8]>, Labels>,
    /// The key of the row being read (for table rows).
    key: Vec<u8>,
}

/// How rows' labels are read: event names, conversion names, the channel grouping,
/// and the export preset (touches by traffic source, its time unit).
#[derive(Clone, Copy)]
pub(crate) struct LabelRules<'a> {
    pub names: &'a EventNames,
    pub conversions: &'a [String],
    pub grouping: Option<&'a Classifier>,
    pub preset: Option<EventsPreset>,
}

struct Columns {
    /// The label columns (event, channel, campaign, content; those present), in column
    /// order.
    labels: Vec<usize>,
    timestamp: usize,
    user: usize,
    event: usize,
    channel: Option<usize>,
    campaign: Option<usize>,
    content: Option<usize>,
    value: Option<usize>,
    account: Option<usize>,
    session: Option<usize>,
    stitch: Option<usize>,
    /// Timestamps are integer microseconds (GA4's export).
    micros: bool,
    /// The columns a channel grouping reads ([`crate::grouping::INPUT_COLUMNS`]).
    grouping: [Option<usize>; INPUT_COLUMNS.len()],
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
        how: LabelRules<'_>,
        ids: &mut Dictionary,
    ) -> Result<EventLog> {
        let LabelRules {
            names,
            conversions,
            grouping,
            preset,
        } = how;
        options.columns.check_known("events", &EVENT_COLUMNS)?;
        let map: &ColumnMap = &options.columns;
        let csv = ParallelCsv::open(input, name, &EVENT_COLUMNS)?;
        let src = csv.header();
        let event = src.required("event", map)?;
        let (channel, campaign, content) = (
            src.optional("channel", map)?,
            src.optional("campaign", map)?,
            src.optional("content", map)?,
        );
        let mut grouping_cols = [None; INPUT_COLUMNS.len()];
        if grouping.is_some() || preset.is_some() {
            for (at, name) in grouping_cols.iter_mut().zip(INPUT_COLUMNS) {
                *at = src.optional(name, map)?;
            }
        }
        let mut labels: Vec<usize> = [Some(event), channel, campaign, content]
            .into_iter()
            .chain(grouping_cols)
            .flatten()
            .collect();
        labels.sort_unstable();
        let cols = Columns {
            labels,
            timestamp: src.required("timestamp", map)?,
            user: src.required("user_id", map)?,
            event,
            channel,
            campaign,
            content,
            value: src.optional("value", map)?,
            account: src.optional("account_id", map)?,
            session: src.optional("session_id", map)?,
            stitch: src.optional("stitch_id", map)?,
            micros: preset.is_some_and(EventsPreset::micros),
            grouping: grouping_cols,
        };
        let empty = EventLog {
            has_campaign: cols.campaign.is_some(),
            has_content: cols.content.is_some(),
            report: ReadReport::new(name),
            counts: EventCounts {
                channel_sources: grouping.map(|_| ChannelSourceCounts::default()),
                ..EventCounts::default()
            },
            ..EventLog::default()
        };
        let parse = |source: &mut CsvSource<'_>,
                     start: &f64,
                     emit: &mut dyn FnMut(EventPart)|
         -> Result<()> {
            let part = EventPart::starting_at(&empty, *start);
            parse_in_parts(
                source,
                options.skip_bad_rows,
                part,
                |row, part| {
                    let EventPart {
                        log,
                        users,
                        stitches,
                        memo,
                        ..
                    } = part;
                    let event = log.parse_row(row, &cols, &how, (memo, users, stitches));
                    if let Some(event) = event? {
                        log.keep(event);
                    }
                    Ok(())
                },
                emit,
            )
        };
        let mut merger = EventMerger {
            log: EventPart::starting_at(&empty, 0.0).log,
            ids,
        };
        csv.read(&parse, &mut merger)?;
        let mut log = merger.log;
        log.stitch_edges.sort_unstable();
        log.stitch_edges.dedup();
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
        how: &LabelRules<'_>,
        (memo, users, stitches): (&mut LabelMemo, &mut Names, &mut Names),
    ) -> Result<Option<Event>> {
        let time = if cols.micros {
            row.timestamp_micros(cols.timestamp)?
        } else {
            row.timestamp(cols.timestamp)?
        };
        let user = row.non_empty(cols.user, "a user id")?;
        // Every row with a stitch id links its user id to it, whatever the event.
        if let Some(c) = cols.stitch {
            let known = row.str(c)?.trim();
            if known == user {
                self.stitch_self += 1;
            } else if !known.is_empty() {
                stitches.push(user);
                stitches.push(known);
            }
        }
        let LabelMemo { kinds, seen, key } = memo;
        let key = row.raw_key(&cols.labels, key);
        let labels = match key.and_then(|key| seen.get(key)) {
            Some(&labels) => labels,
            None => {
                let labels = self.read_labels(row, cols, how, kinds)?;
                if let (Some(key), Some(_)) = (key, labels.kind)
                    && seen.len() < MEMO_KEYS
                {
                    seen.insert(key.into(), labels);
                }
                labels
            }
        };
        self.data_end = Some(self.data_end.map_or(time, |end| end.max(time)));
        let Some(kind) = labels.kind else {
            self.counts.events += 1;
            return Ok(None);
        };
        if let (Some(source), Some(counts)) = (labels.source, &mut self.counts.channel_sources) {
            counts.add(source);
        }
        let mut event = Event {
            time,
            aux: 0,
            who: 0,
            channel: labels.channel,
            campaign: labels.campaign,
            content: labels.content,
            account: NONE,
            kind,
        };
        if kind.is_touch()
            && let Some(c) = cols.session
        {
            let s = row.str(c)?;
            if !s.is_empty() {
                event.aux = session_hash(s);
            }
        }
        if kind.is_conversion()
            && let Some(c) = cols.value
        {
            let value = row.non_negative(c, Some(0.0))?;
            self.value_tried += value;
            row.add_to_total(c, value, &mut self.value_total)?;
            event.aux = value.to_bits();
        }
        if let Some(c) = cols.account {
            let a = row.str(c)?;
            if !a.is_empty() {
                event.account = self.accounts.intern(a);
            }
        }
        // Interned when the part is merged, in order (`who` is set then).
        users.push(user);
        Ok(Some(event))
    }

    /// The event's kind and, for a touch, its channel, campaign and content, interned
    /// in that order. An event name that is none of the configured ones is counted by
    /// name (kind `None`).
    fn read_labels(
        &mut self,
        row: &Row<'_>,
        cols: &Columns,
        how: &LabelRules<'_>,
        kinds: &mut Vec<(Box<str>, Option<Kind>)>,
    ) -> Result<Labels> {
        let (names, conversions) = (how.names, how.conversions);
        let event_name = row.non_empty(cols.event, "an event name")?;
        let mut kind = match kinds.iter().find(|(n, _)| &**n == event_name) {
            Some((_, k)) => *k,
            None => {
                let k = names.classify(event_name, conversions);
                kinds.push((event_name.into(), k));
                k
            }
        };
        // Under an export preset an event of no configured name is a touch exactly
        // when it carries a traffic source.
        let mut values = None;
        if how.preset.is_some() && kind.is_none() {
            let v = Values::derive(&raw_fields(row, cols)?);
            kind = v.has_traffic_source().then_some(Kind(Kind::TOUCH));
            values = Some(v);
        }
        let mut labels = Labels {
            kind,
            source: None,
            channel: NONE,
            campaign: NONE,
            content: NONE,
        };
        let Some(kind) = kind else {
            *self
                .counts
                .ignored_by_name
                .entry(event_name.to_string())
                .or_insert(0) += 1;
            return Ok(labels);
        };
        if kind.is_touch() {
            let grouped = match how.grouping {
                Some(classifier) => {
                    let values = match values {
                        Some(v) => v,
                        None => Values::derive(&raw_fields(row, cols)?),
                    };
                    let (channel, source) = classifier.classify_values(&values);
                    labels.source = Some(source);
                    Some(channel)
                }
                None => None,
            };
            let channel = match (&grouped, cols.channel) {
                (Some(channel), _) => channel.as_str(),
                (None, Some(c)) => row.non_empty(c, "the channel of the touch")?,
                (None, None) => {
                    return Err(row.error(
                        cols.event,
                        "a touch, but the file has no `channel` column (or give a channel grouping)",
                    ));
                }
            };
            let campaign = cols.campaign.map(|c| row.str(c)).transpose()?;
            let content = cols.content.map(|c| row.str(c)).transpose()?;
            labels.channel = self.channels.intern(channel);
            if let Some(campaign) = campaign {
                labels.campaign = self.campaigns.intern(campaign);
            }
            if let Some(content) = content {
                labels.content = self.contents.intern(content);
            }
        }
        Ok(labels)
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

/// The grouping's fields of a row.
fn raw_fields<'r>(row: &'r Row<'_>, cols: &Columns) -> Result<RawFields<'r>> {
    let mut raw = RawFields {
        channel: cols.channel.map(|c| row.str(c)).transpose()?,
        ..RawFields::default()
    };
    for (value, col) in raw.inputs.iter_mut().zip(cols.grouping) {
        *value = col.map(|c| row.str(c)).transpose()?;
    }
    Ok(raw)
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
mod tests;
