//! Persons' timelines cut into journeys on every core.
//!
//! Persons are independent, so the persons are split into ranges (about as many events
//! each), one per core, and each range is sessionized and cut on its own, a person's
//! events found through [`EventsByPerson`]. A range's journeys are kept compact (the
//! person's index and the journey's number, no strings); then either
//! [`PersonJourneys::add_all`] adds them to the builder in person order, naming each
//! `person:k` as the one-thread pipeline did, once the events are freed, or
//! [`PersonJourneys::path_table`] turns them straight into a path summary.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::channel::{ChannelId, Dictionary};
use crate::journeys::build::{JourneyParams, TimelineBuffers};
use crate::journeys::by_person::EventsByPerson;
use crate::journeys::events::Event;
use crate::journeys::windows::{Draft, WindowCounts, WindowRules, cut_journeys};
use crate::journeys::{JourneyInfo, JourneysBuilder, PathTable, PathTableBuilder, Touch};
use crate::time::Millis;

/// How many persons ahead [`PersonJourneys::cut`] asks for a person's events (some
/// twenty events: far enough ahead for memory to answer).
const PREFETCH_PERSONS_AHEAD: usize = 3;

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
    /// Cuts the timelines of every person with events, a range of persons per core
    /// (`by_person` finds each person's events); the ranges' journeys in person order.
    pub fn cut(
        events: &[Event],
        by_person: &EventsByPerson,
        params: &JourneyParams,
        is_direct: &[bool],
        rules: &WindowRules,
    ) -> Vec<PersonJourneys> {
        by_person
            .person_ranges(rayon::current_num_threads())
            .into_par_iter()
            .map(|persons| {
                let mut part = PersonJourneys {
                    touches: Vec::with_capacity(by_person.events_in(&persons)),
                    ..PersonJourneys::default()
                };
                let (mut counts, mut draft) = (WindowCounts::default(), Draft::default());
                let (mut buffer, mut timelines) = (Vec::new(), TimelineBuffers::default());
                for person in persons {
                    // A person's events lie anywhere in memory: ask for them ahead.
                    by_person.prefetch_events_of(events, person + PREFETCH_PERSONS_AHEAD);
                    by_person.events_of(events, person, &mut buffer);
                    if buffer.is_empty() {
                        continue;
                    }
                    let (items, sessions) = timelines.timeline(&buffer, params, is_direct);
                    part.sessions += sessions;
                    let mut k = 0;
                    cut_journeys(items, rules, &mut counts, &mut draft, &mut |d: &Draft| {
                        k += 1;
                        part.journeys.push(CutJourney {
                            person: person as u32,
                            k,
                            converted: d.converted,
                            value: d.value,
                            conversion_time: d.conversion_time,
                        });
                        part.touches.extend_from_slice(&d.touches);
                        part.ends.push(part.touches.len());
                    });
                }
                part.counts = counts;
                part
            })
            .collect()
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
    ///
    /// Each part is summarised on its own core: its converting journeys as rows of one
    /// conversion each, its non-converting journeys counted by path, one row of
    /// `count` nulls per distinct path. The table is the same, bit for bit, as with a row
    /// per journey: the table sums a path's rows in the order of their
    /// (conversions, value, nulls), so the rows of nulls come first, and adding up
    /// whole-number counts (below 2^53) or zeros gives the same number in any grouping.
    pub fn path_table(parts: Vec<PersonJourneys>, channels: &Dictionary) -> PathTable {
        let summaries: Vec<PartPaths> = parts.into_par_iter().map(PartPaths::of).collect();
        let mut builder = PathTable::builder();
        *builder.channels_mut() = channels.clone();
        for summary in &summaries {
            summary.add_to(&mut builder);
        }
        drop(summaries);
        builder.finish()
    }
}

/// A part's journeys as path rows: every converting journey, and each distinct path of
/// its non-converting journeys with their count.
struct PartPaths {
    /// Every journey's channels, one after another.
    steps: Vec<ChannelId>,
    /// Journey `i`'s channels are `steps[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<usize>,
    /// (journey, value) of each converting journey.
    converted: Vec<(usize, f64)>,
    /// (a journey with the path, journeys with it) of each distinct non-converting path.
    nulls: Vec<(usize, u64)>,
}

impl PartPaths {
    fn of(part: PersonJourneys) -> PartPaths {
        let steps: Vec<ChannelId> = part.touches.iter().map(|t| t.channel).collect();
        let ends = part.ends;
        let path = |i: usize| &steps[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        let mut converted = Vec::new();
        let mut null_of_path: FxHashMap<&[ChannelId], usize> = FxHashMap::default();
        let mut nulls: Vec<(usize, u64)> = Vec::new();
        for (i, j) in part.journeys.iter().enumerate() {
            if j.converted {
                converted.push((i, j.value));
            } else {
                let at = *null_of_path.entry(path(i)).or_insert_with(|| {
                    nulls.push((i, 0));
                    nulls.len() - 1
                });
                nulls[at].1 += 1;
            }
        }
        drop(null_of_path);
        PartPaths {
            steps,
            ends,
            converted,
            nulls,
        }
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
