//! Whole exposure logs of the units that converted: every touch (event level) and every
//! conversion over the study period, before and after each conversion, with no
//! lookback window. The self-controlled model needs them; journeys (cut per conversion,
//! inside a lookback) do not hold them.

use std::collections::BTreeMap;

use crate::channel::{ChannelId, Dictionary};
use crate::journeys::Journeys;
use crate::journeys::events::{EventLog, NONE};
use crate::journeys::identity::Persons;
use crate::journeys::journey_params::{JourneyLevel, JourneyParams};
use crate::journeys::person_timeline::{account_of_persons, for_each_person_timeline};
use crate::journeys::sessions::{Item, TouchLevel};
use crate::time::Millis;

/// One unit's (person's or account's) whole log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    /// The unit's key (person or account).
    pub unit: String,
    /// Its first event of any kind.
    pub first: Millis,
    /// Touches in time order: (time, channel).
    pub touches: Vec<(Millis, ChannelId)>,
    /// Conversions in time order: (time, value).
    pub conversions: Vec<(Millis, f64)>,
}

/// The logs of every unit with at least one conversion.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timelines {
    /// Channel names (the same ids as the journeys built with them).
    pub channels: Dictionary,
    /// Units, sorted by key.
    pub units: Vec<Timeline>,
    /// The start of the data (its earliest event).
    pub data_start: Millis,
    /// The end of the data (the latest event, or the configured data end).
    pub data_end: Millis,
    /// Units seen without any conversion (they carry no information in a
    /// self-controlled design).
    pub units_without_conversion: u64,
}

impl Timelines {
    /// Starts an empty set over `channels`.
    pub fn new(channels: Dictionary, data_start: Millis, data_end: Millis) -> Self {
        Timelines {
            channels,
            units: Vec::new(),
            data_start,
            data_end,
            units_without_conversion: 0,
        }
    }

    /// Adds a unit's log (touches and conversions in any order); units without a
    /// conversion are only counted.
    pub fn push(&mut self, mut timeline: Timeline) {
        if timeline.conversions.is_empty() {
            self.units_without_conversion += 1;
            return;
        }
        timeline.touches.sort_unstable();
        timeline
            .conversions
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        self.units.push(timeline);
    }

    /// Sorts the units by key (call once after the last push).
    pub fn finish(mut self) -> Self {
        self.units.sort_unstable_by(|a, b| a.unit.cmp(&b.unit));
        self
    }

    /// The logs a set of journeys holds, by user id. Complete only when the journeys
    /// were built with no lookback window, at event level, and without censoring.
    pub fn from_journeys(journeys: &Journeys) -> Timelines {
        let mut by_unit: BTreeMap<&str, Timeline> = BTreeMap::new();
        let (mut data_start, mut data_end) = (Millis::MAX, Millis::MIN);
        for j in journeys.iter() {
            let t = by_unit
                .entry(j.info.user_id.as_str())
                .or_insert_with(|| Timeline {
                    unit: j.info.user_id.clone(),
                    first: Millis::MAX,
                    ..Timeline::default()
                });
            for touch in j.touches {
                t.touches.push((touch.time, touch.channel));
                t.first = t.first.min(touch.time);
                data_start = data_start.min(touch.time);
                data_end = data_end.max(touch.time);
            }
            if j.info.converted
                && let Some(at) = j.info.conversion_time
            {
                t.conversions.push((at, j.info.value));
                t.first = t.first.min(at);
                data_start = data_start.min(at);
                data_end = data_end.max(at);
            }
        }
        let data_start = data_start.min(data_end);
        let mut out = Timelines::new(journeys.channels().clone(), data_start, data_end);
        for (_, t) in by_unit {
            out.push(t);
        }
        out.finish()
    }
}

/// Every converting unit's whole log, touches at event level, with no window.
pub(super) fn whole_logs(
    log: &EventLog,
    ids: &Dictionary,
    persons: &Persons,
    params: &JourneyParams,
    is_direct: &[bool],
    data_end: Millis,
    channels: &Dictionary,
) -> Timelines {
    let event_level = JourneyParams {
        touch_level: TouchLevel::Event,
        ..params.clone()
    };
    let data_start = log.events.iter().map(|e| e.time).min().unwrap_or(data_end);
    let mut out = Timelines::new(channels.clone(), data_start.min(data_end), data_end);
    let timeline = |key: &str, items: &[Item]| {
        let mut t = Timeline {
            unit: key.to_string(),
            first: items.first().map_or(0, |it| it.time),
            ..Timeline::default()
        };
        for it in items {
            if it.kind.is_touch() {
                t.touches.push((it.time, it.channel));
            } else if it.kind.is_conversion() {
                t.conversions.push((it.time, it.value));
            }
        }
        t
    };
    match params.level {
        JourneyLevel::Person => {
            for_each_person_timeline(&log.events, &event_level, is_direct, |person, items| {
                out.push(timeline(persons.key_name(ids, person), items));
            });
        }
        JourneyLevel::Account => {
            let accounts = account_of_persons(&log.events, persons.key.len());
            let mut merged: Vec<(u32, Item)> = Vec::new();
            for_each_person_timeline(&log.events, &event_level, is_direct, |person, items| {
                let account = accounts[person as usize];
                if account != NONE {
                    merged.extend(items.iter().map(|&it| (account, it)));
                }
            });
            merged.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(Item::order(&a.1, &b.1)));
            let mut items = Vec::new();
            for group in merged.chunk_by(|a, b| a.0 == b.0) {
                items.clear();
                items.extend(group.iter().map(|&(_, it)| it));
                out.push(timeline(log.accounts.name(group[0].0), &items));
            }
        }
    }
    out.finish()
}
