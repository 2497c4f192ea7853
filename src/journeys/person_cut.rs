//! Persons' timelines cut into journeys on every core.
//!
//! Persons are independent, so the persons are split into ranges (about as many events
//! each), one per core, and each range is sessionized and cut on its own, a person's
//! events found through [`EventsByPerson`]. Each range gathers its journeys as they are
//! cut, in one of two compact forms ([`RangeJourneys`]): [`PersonJourneys`] keeps every
//! journey (the person's index and the journey's number, no strings) for
//! [`PersonJourneys::add_all`] to add to the builder in person order, naming each
//! `person:k` as the one-thread pipeline did, once the events are freed; [`PartPaths`]
//! keeps only each journey's channels, on its way to a path summary
//! ([`PartPaths::path_table`]).

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::channel::{ChannelId, Dictionary};
use crate::journeys::by_person::EventsByPerson;
use crate::journeys::events::Event;
use crate::journeys::journey_params::JourneyParams;
use crate::journeys::person_timeline::TimelineBuffers;
use crate::journeys::windows::{Draft, WindowCounts, WindowRules, cut_journeys};
use crate::journeys::{JourneyInfo, JourneysBuilder, PathTable, PathTableBuilder, Touch};
use crate::time::Millis;

/// How many persons ahead [`cut_ranges`] asks for a person's events (some twenty
/// events: far enough ahead for memory to answer).
const PREFETCH_PERSONS_AHEAD: usize = 3;

/// What the journeys of a range of persons are gathered into as they are cut, on the
/// range's own core.
pub(crate) trait RangeJourneys: Send + Sized {
    /// An empty gathering for a range of persons with `events` events in all.
    fn for_events(events: usize) -> Self;
    /// Takes `journey`, the `k`-th (from 1) of `person`; journeys come in person order.
    fn take(&mut self, person: u32, k: u32, journey: &Draft);
    /// Called once every journey of the range was taken, still on the range's core.
    fn finish(&mut self) {}
}

/// A range of persons cut into journeys, and what was counted cutting them.
pub(crate) struct CutRange<J> {
    pub journeys: J,
    pub counts: WindowCounts,
    pub sessions: u64,
}

/// Cuts the timelines of every person with events, a range of persons per core
/// (`by_person` finds each person's events); the ranges' journeys in person order.
pub(crate) fn cut_ranges<J: RangeJourneys>(
    events: &[Event],
    by_person: &EventsByPerson,
    params: &JourneyParams,
    is_direct: &[bool],
    rules: &WindowRules,
) -> Vec<CutRange<J>> {
    by_person
        .person_ranges(rayon::current_num_threads())
        .into_par_iter()
        .map(|persons| {
            let mut journeys = J::for_events(by_person.events_in(&persons));
            let (mut counts, mut draft) = (WindowCounts::default(), Draft::default());
            let (mut buffer, mut timelines) = (Vec::new(), TimelineBuffers::default());
            let mut sessions = 0;
            for person in persons {
                // A person's events lie anywhere in memory: ask for them ahead.
                by_person.prefetch_events_of(events, person + PREFETCH_PERSONS_AHEAD);
                by_person.events_of(events, person, &mut buffer);
                if buffer.is_empty() {
                    continue;
                }
                let (items, person_sessions) = timelines.timeline(&buffer, params, is_direct);
                sessions += person_sessions;
                let mut k = 0;
                cut_journeys(items, rules, &mut counts, &mut draft, &mut |d: &Draft| {
                    k += 1;
                    journeys.take(person as u32, k, d);
                });
            }
            journeys.finish();
            CutRange {
                journeys,
                counts,
                sessions,
            }
        })
        .collect()
}

/// One journey of a range, without its names.
struct CutJourney {
    person: u32,
    /// The journey's number within its person's, from 1.
    k: u32,
    converted: bool,
    value: f64,
    conversion_time: Option<Millis>,
}

/// Every journey of a range of persons, in person order, unnamed.
#[derive(Default)]
pub(crate) struct PersonJourneys {
    journeys: Vec<CutJourney>,
    /// Journey `i`'s touches are `touches[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<usize>,
    touches: Vec<Touch>,
}

impl RangeJourneys for PersonJourneys {
    fn for_events(events: usize) -> Self {
        PersonJourneys {
            touches: Vec::with_capacity(events),
            ..PersonJourneys::default()
        }
    }

    fn take(&mut self, person: u32, k: u32, d: &Draft) {
        self.journeys.push(CutJourney {
            person,
            k,
            converted: d.converted,
            value: d.value,
            conversion_time: d.conversion_time,
        });
        self.touches.extend_from_slice(&d.touches);
        self.ends.push(self.touches.len());
    }
}

impl PersonJourneys {
    /// Adds the journeys of `ranges`, in order, to `builder`, each named `key:k` for its
    /// person's `key`; each range is freed once added.
    pub fn add_all<'k>(
        ranges: Vec<CutRange<PersonJourneys>>,
        builder: &mut JourneysBuilder,
        key: impl Fn(u32) -> &'k str,
    ) {
        let journeys = ranges.iter().map(|r| r.journeys.journeys.len()).sum();
        let touches = ranges.iter().map(|r| r.journeys.touches.len()).sum();
        builder.reserve(journeys, touches);
        for range in ranges {
            let part = range.journeys;
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
}

/// A range's journeys as path rows: every converting journey, and each distinct path
/// of its non-converting journeys with their count. Only channels are kept (4 bytes a
/// touch, where a [`Touch`] takes 24).
#[derive(Default)]
pub(crate) struct PartPaths {
    /// Every journey's channels, one after another.
    steps: Vec<ChannelId>,
    /// Journey `i`'s channels are `steps[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<usize>,
    /// (journey, value) of each converting journey.
    converted: Vec<(usize, f64)>,
    /// Each non-converting journey, until [`RangeJourneys::finish`] counts them by path.
    not_converted: Vec<usize>,
    /// (a journey with the path, journeys with it) of each distinct non-converting path.
    nulls: Vec<(usize, u64)>,
}

impl RangeJourneys for PartPaths {
    fn for_events(_events: usize) -> Self {
        PartPaths::default()
    }

    fn take(&mut self, _person: u32, _k: u32, d: &Draft) {
        let journey = self.ends.len();
        self.steps.extend(d.touches.iter().map(|t| t.channel));
        self.ends.push(self.steps.len());
        if d.converted {
            self.converted.push((journey, d.value));
        } else {
            self.not_converted.push(journey);
        }
    }

    /// Counts the non-converting journeys by path.
    fn finish(&mut self) {
        let mut null_of_path: FxHashMap<&[ChannelId], usize> = FxHashMap::default();
        let mut nulls: Vec<(usize, u64)> = Vec::new();
        for &journey in &self.not_converted {
            let at = *null_of_path.entry(self.path(journey)).or_insert_with(|| {
                nulls.push((journey, 0));
                nulls.len() - 1
            });
            nulls[at].1 += 1;
        }
        drop(null_of_path);
        self.nulls = nulls;
        self.not_converted = Vec::new();
    }
}

impl PartPaths {
    /// The path summary of the journeys of `ranges`, unnamed: what
    /// `Journeys::path_table` gives for the journeys [`PersonJourneys::add_all`] makes
    /// of the same ranges, given the dictionary the channel ids index.
    ///
    /// A journey's path is its channels in the order they were cut, which is the
    /// journeys' canonical touch order as far as channels go: timeline items are in time
    /// order, ties by channel id, and channel ids follow the names (the events were
    /// canonicalised), except the unattributed channel's, which is always a journey's
    /// only touch. Campaign and content order ties between touches of one channel,
    /// which a path cannot tell apart.
    ///
    /// Each range was summarised on its own core: its converting journeys as rows of one
    /// conversion each, its non-converting journeys counted by path, one row of
    /// `count` nulls per distinct path. The table is the same, bit for bit, as with a row
    /// per journey: the table sums a path's rows in the order of their
    /// (conversions, value, nulls), so the rows of nulls come first, and adding up
    /// whole-number counts (below 2^53) or zeros gives the same number in any grouping.
    pub fn path_table(ranges: Vec<CutRange<PartPaths>>, channels: &Dictionary) -> PathTable {
        let mut builder = PathTable::builder();
        *builder.channels_mut() = channels.clone();
        for range in &ranges {
            range.journeys.add_to(&mut builder);
        }
        drop(ranges);
        builder.finish()
    }

    fn path(&self, i: usize) -> &[ChannelId] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.steps[start..self.ends[i]]
    }

    fn add_to(&self, builder: &mut PathTableBuilder) {
        for &(i, value) in &self.converted {
            builder.push_ids(self.path(i), 1.0, value, 0.0);
        }
        for &(i, count) in &self.nulls {
            builder.push_ids(self.path(i), 0.0, 0.0, count as f64);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
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
