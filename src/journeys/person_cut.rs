//! Persons' timelines cut into journeys on every core.
//!
//! Persons are independent, so the events (sorted by person) are split into ranges of
//! whole persons, one per core, and each range is sessionized and cut on its own. A
//! range's journeys are kept compact (the person's index and the journey's number, no
//! strings); [`PersonJourneys::add_all`] then adds them to the builder in person order,
//! naming each `person:k` as the one-thread pipeline did, once the events are freed.

use std::ops::Range;

use rayon::prelude::*;

use crate::channel::Dictionary;
use crate::journeys::build::{JourneyParams, for_each_person_timeline};
use crate::journeys::events::Event;
use crate::journeys::windows::{Draft, WindowCounts, WindowRules, cut_journeys};
use crate::journeys::{JourneyInfo, JourneysBuilder, PathTable, Touch};
use crate::time::Millis;

/// One journey of a range, without its names.
struct CutJourney {
    person: u32,
    /// The journey's number within its person's, from 1.
    k: u32,
    converted: bool,
    value: f64,
    conversion_time: Option<Millis>,
}

/// The journeys of a range of persons, in person order, and what was counted cutting
/// them.
#[derive(Default)]
pub(crate) struct PersonJourneys {
    journeys: Vec<CutJourney>,
    /// Journey `i`'s touches are `touches[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<usize>,
    touches: Vec<Touch>,
    pub counts: WindowCounts,
    pub sessions: u64,
}

impl PersonJourneys {
    /// Cuts the timelines of every person in `events` (sorted by person), a range of
    /// persons per core; the ranges' journeys in person order.
    pub fn cut(
        events: &[Event],
        params: &JourneyParams,
        is_direct: &[bool],
        rules: &WindowRules,
    ) -> Vec<PersonJourneys> {
        person_ranges(events, rayon::current_num_threads())
            .into_par_iter()
            .map(|range| Self::cut_range(&events[range], params, is_direct, rules))
            .collect()
    }

    fn cut_range(
        events: &[Event],
        params: &JourneyParams,
        is_direct: &[bool],
        rules: &WindowRules,
    ) -> PersonJourneys {
        let (journeys, touches) = journey_bounds(events);
        let mut part = PersonJourneys {
            journeys: Vec::with_capacity(journeys),
            ends: Vec::with_capacity(journeys),
            touches: Vec::with_capacity(touches),
            ..PersonJourneys::default()
        };
        let mut counts = WindowCounts::default();
        let mut draft = Draft::default();
        part.sessions = for_each_person_timeline(events, params, is_direct, |person, items| {
            let mut k = 0;
            cut_journeys(items, rules, &mut counts, &mut draft, &mut |d: &Draft| {
                k += 1;
                part.journeys.push(CutJourney {
                    person,
                    k,
                    converted: d.converted,
                    value: d.value,
                    conversion_time: d.conversion_time,
                });
                part.touches.extend_from_slice(&d.touches);
                part.ends.push(part.touches.len());
            });
        });
        part.counts = counts;
        part
    }

    /// Adds the journeys of `parts`, in order, to `builder`, each named `key:k` for its
    /// person's `key`; each part is freed once added.
    pub fn add_all<'k>(
        parts: Vec<PersonJourneys>,
        builder: &mut JourneysBuilder,
        key: impl Fn(u32) -> &'k str,
    ) {
        let journeys = parts.iter().map(|p| p.journeys.len()).sum();
        let touches = parts.iter().map(|p| p.touches.len()).sum();
        builder.reserve(journeys, touches);
        for part in parts {
            let mut start = 0;
            for (j, &end) in part.journeys.iter().zip(&part.ends) {
                let key = key(j.person);
                builder.push(
                    JourneyInfo {
                        id: journey_id(key, j.k),
                        user_id: key.to_string(),
                        converted: j.converted,
                        value: j.value,
                        conversion_time: j.conversion_time,
                    },
                    &part.touches[start..end],
                );
                start = end;
            }
        }
    }
    /// The path summary of the journeys of `parts`, unnamed: what
    /// `Journeys::path_table` gives for the journeys [`PersonJourneys::add_all`] makes,
    /// given the dictionary the touches' channel ids index.
    ///
    /// A journey's path is its channels in the order they were cut, which is the
    /// journeys' canonical touch order as far as channels go: timeline items are in time
    /// order, ties by channel id, and channel ids follow the names (the events were
    /// canonicalised), except the unattributed channel's, which is always a journey's
    /// only touch. Campaign and content order ties between touches of one channel,
    /// which a path cannot tell apart.
    pub fn path_table(parts: Vec<PersonJourneys>, channels: &Dictionary) -> PathTable {
        let mut builder = PathTable::builder();
        *builder.channels_mut() = channels.clone();
        let mut path = Vec::new();
        for part in parts {
            let mut start = 0;
            for (j, &end) in part.journeys.iter().zip(&part.ends) {
                path.clear();
                path.extend(part.touches[start..end].iter().map(|t| t.channel));
                start = end;
                if j.converted {
                    builder.push_ids(&path, 1.0, j.value, 0.0);
                } else {
                    builder.push_ids(&path, 0.0, 0.0, 1.0);
                }
            }
        }
        builder.finish()
    }
}

/// `key:k`, written without the formatting machinery (millions of journeys are named).
fn journey_id(key: &str, k: u32) -> String {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut rest = k;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut id = String::with_capacity(key.len() + 1 + digits.len() - at);
    id.push_str(key);
    id.push(':');
    id.extend(digits[at..].iter().map(|&d| char::from(d)));
    id
}

/// At most `parts` ranges of consecutive events, split at persons' boundaries, that
/// together cover `events` (sorted by person) in order; none is empty unless `events`
/// is.
fn person_ranges(events: &[Event], parts: usize) -> Vec<Range<usize>> {
    let parts = parts.max(1);
    let mut ranges = Vec::with_capacity(parts);
    let mut start = 0;
    for k in 1..=parts {
        let mut end = (events.len() * k / parts).max(start);
        while end > 0 && end < events.len() && events[end].who == events[end - 1].who {
            end += 1;
        }
        if end > start {
            ranges.push(start..end);
        }
        start = end;
    }
    if ranges.is_empty() {
        ranges.push(0..0);
    }
    ranges
}

/// Bounds on the journeys and journey touches that events sorted by person can make:
/// a journey per conversion and one more per person; a touch per event, or one of the
/// unattributed channel per conversion.
fn journey_bounds(events: &[Event]) -> (usize, usize) {
    let conversions = events.iter().filter(|e| e.kind.is_conversion()).count();
    let persons = events.chunk_by(|a, b| a.who == b.who).count();
    (conversions + persons, events.len() + conversions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::events::NONE;

    fn events_of(persons: &[u32]) -> Vec<Event> {
        persons
            .iter()
            .map(|&who| Event {
                time: 0,
                aux: 0,
                who,
                channel: 0,
                campaign: NONE,
                content: NONE,
                account: NONE,
                kind: Default::default(),
            })
            .collect()
    }

    /// Ranges cover every event in order, never split a person, and are never more than
    /// asked for; one person with every event makes one range.
    #[test]
    fn person_ranges_split_only_between_persons() {
        let cases: [&[u32]; 5] = [
            &[],
            &[0, 0, 0, 0, 0],
            &[0, 1, 2, 3, 4, 5, 6],
            &[0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 3],
            &[0, 1, 1, 1, 1, 1, 1, 1, 1, 2],
        ];
        for persons in cases {
            let events = events_of(persons);
            for parts in 1..=12 {
                let ranges = person_ranges(&events, parts);
                assert!(!ranges.is_empty() && ranges.len() <= parts);
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges.last().unwrap().end, events.len());
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                    assert!(pair[1].start > pair[0].start, "{ranges:?}");
                    let at = pair[1].start;
                    assert_ne!(events[at - 1].who, events[at].who, "{persons:?} {ranges:?}");
                }
            }
        }
        assert_eq!(person_ranges(&events_of(&[0, 0, 0, 0, 0]), 3), vec![0..5]);
        assert_eq!(person_ranges(&events_of(&[0, 1, 2, 3]), 2), [0..2, 2..4]);
    }

    /// Journey ids read as `format!("{key}:{k}")` writes them.
    #[test]
    fn journey_ids_are_key_colon_number() {
        for key in ["", "u1", "é:x"] {
            for k in [0, 1, 9, 10, 99, 100, 12_345, u32::MAX] {
                let id = journey_id(key, k);
                assert_eq!(id, format!("{key}:{k}"));
                assert_eq!(id.capacity(), id.len());
            }
        }
    }
}
