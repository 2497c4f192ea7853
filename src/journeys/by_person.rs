//! Each person's events found by index, without sorting the events themselves.
//!
//! Sorting ten million 40-byte events by person and time moves every event some twenty
//! times. Persons are dense ids (`0..persons`), so a counting sort of the events'
//! *indices* by person (4 bytes each, one pass to count, one to place) finds every
//! person's events instead; whoever reads a person's events copies their handful into a
//! buffer and sorts that by [`event_order`], which gives the person's events exactly as
//! a sort of all events by (person, [`event_order`]) orders them (the order is total:
//! events equal in every compared field are equal records).

use std::ops::Range;

use rayon::prelude::*;

use crate::journeys::events::Event;
use crate::name_index::prefetch;

/// The order of one person's events: time, then [`Event::same_time_key`], the session
/// hash or value bits, and the account.
pub(crate) fn event_order(a: &Event, b: &Event) -> std::cmp::Ordering {
    // Time decides nearly every comparison: the other fields are compared only on a tie.
    a.time.cmp(&b.time).then_with(|| {
        a.same_time_key()
            .cmp(&b.same_time_key())
            .then(a.aux.cmp(&b.aux))
            .then(a.account.cmp(&b.account))
    })
}

/// The indices of every person's events, person by person (in the events' order within
/// a person).
pub(crate) struct EventsByPerson {
    /// Event indices, grouped by person.
    order: Vec<u32>,
    /// Person `p`'s indices are `order[starts[p]..starts[p + 1]]`.
    starts: Vec<usize>,
}

impl EventsByPerson {
    /// Groups `events` (whose `who` are persons below `persons`) by person.
    pub fn new(events: &[Event], persons: usize) -> Self {
        assert!(
            u32::try_from(events.len()).is_ok(),
            "more than 2^32 events (160 GB of them in memory)"
        );
        let starts = person_starts(events, persons);
        let mut next = starts.clone();
        let mut order = vec![0u32; events.len()];
        for (i, e) in events.iter().enumerate() {
            let slot = &mut next[e.who as usize];
            order[*slot] = i as u32;
            *slot += 1;
        }
        EventsByPerson { order, starts }
    }

    /// At most `parts` ranges of persons that cover every person in order, each with
    /// about as many events as the others.
    pub fn person_ranges(&self, parts: usize) -> Vec<Range<usize>> {
        let persons = self.starts.len() - 1;
        let total = self.starts[persons];
        let parts = parts.max(1);
        let mut ranges = Vec::with_capacity(parts);
        let mut first = 0;
        for k in 1..=parts {
            let end = if k == parts {
                persons
            } else {
                // The first person whose events start at or after this part's share.
                let share = total * k / parts;
                self.starts
                    .partition_point(|&s| s < share)
                    .clamp(first, persons)
            };
            if end > first {
                ranges.push(first..end);
            }
            first = end;
        }
        ranges
    }

    /// Copies `person`'s events into `buffer` (cleared first), sorted by
    /// [`event_order`].
    pub fn events_of(&self, events: &[Event], person: usize, buffer: &mut Vec<Event>) {
        buffer.clear();
        let indices = &self.order[self.starts[person]..self.starts[person + 1]];
        buffer.extend(indices.iter().map(|&i| events[i as usize]));
        buffer.sort_unstable_by(event_order);
    }

    /// Asks for `person`'s events to be brought into the cache (a hint: a reader that
    /// asks a few persons ahead finds them there; nothing happens past the last person).
    pub fn prefetch_events_of(&self, events: &[Event], person: usize) {
        if person + 1 < self.starts.len() {
            for &i in &self.order[self.starts[person]..self.starts[person + 1]] {
                prefetch(&events[i as usize]);
            }
        }
    }

    /// The number of events of the persons in `persons`.
    pub fn events_in(&self, persons: &Range<usize>) -> usize {
        self.starts[persons.end] - self.starts[persons.start]
    }
}

/// Where each person's events start in person order, with the total at the end: the
/// events counted by person, a part of the events per core.
fn person_starts(events: &[Event], persons: usize) -> Vec<usize> {
    let chunk = events
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let counts = events
        .par_chunks(chunk)
        .map(|part| {
            let mut counts = vec![0u32; persons];
            for e in part {
                counts[e.who as usize] += 1;
            }
            counts
        })
        .reduce_with(|mut a, b| {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
            a
        })
        .unwrap_or_else(|| vec![0; persons]);
    let mut starts = Vec::with_capacity(persons + 1);
    let mut at = 0usize;
    starts.push(0);
    for c in counts {
        at += c as usize;
        starts.push(at);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::events::NONE;
    use proptest::prelude::*;

    fn event(who: u32, time: i64, channel: u32, aux: u64) -> Event {
        Event {
            time,
            aux,
            who,
            channel,
            campaign: NONE,
            content: NONE,
            account: NONE,
            kind: Default::default(),
        }
    }

    proptest! {
        /// Person by person, the events found by index are those a comparison sort of
        /// all events by (person, event order) gives, on any number of cores, with
        /// persons that have no event, one or many, and events tied on time.
        #[test]
        fn persons_events_are_those_of_a_full_sort(
            rows in prop::collection::vec((0u32..12, 0i64..5, 0u32..3, 0u64..3), 0..200),
            threads in 1usize..5,
        ) {
            let persons = 15;
            let events: Vec<Event> = rows
                .iter()
                .map(|&(who, time, channel, aux)| event(who, time, channel, aux))
                .collect();
            let mut sorted = events.clone();
            sorted.sort_by(|a, b| a.who.cmp(&b.who).then_with(|| event_order(a, b)));
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let by_person = pool.install(|| EventsByPerson::new(&events, persons));
            let mut found = Vec::new();
            let mut buffer = Vec::new();
            for range in by_person.person_ranges(threads) {
                let before = found.len();
                for p in range.clone() {
                    by_person.events_of(&events, p, &mut buffer);
                    prop_assert!(buffer.iter().all(|e| e.who as usize == p));
                    found.extend_from_slice(&buffer);
                }
                prop_assert_eq!(found.len() - before, by_person.events_in(&range));
            }
            prop_assert_eq!(found, sorted);
        }
    }

    /// Ranges cover every person once, in order; a person with most of the events makes
    /// a range of their own rather than an empty one.
    #[test]
    fn person_ranges_cover_every_person() {
        // Persons 0..5 with 0, 10, 1, 0, 1 events.
        let whos = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4];
        let events: Vec<Event> = whos.iter().map(|&w| event(w, 0, 0, 0)).collect();
        let by_person = EventsByPerson::new(&events, 5);
        for parts in 1..7 {
            let ranges = by_person.person_ranges(parts);
            assert!(!ranges.is_empty() && ranges.len() <= parts);
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end, 5);
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
        }
        assert_eq!(by_person.person_ranges(2), [0..2, 2..5]);
        let none = EventsByPerson::new(&[], 0);
        assert_eq!(none.person_ranges(3), Vec::<Range<usize>>::new());
    }
}
