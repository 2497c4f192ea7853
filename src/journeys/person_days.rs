//! Each person's touches and conversions by day, counted over every event read (after
//! identity stitching): what a budget plan fitted from the logs needs to split a
//! channel's exposures by their frequency rank within a person and period, and to relate
//! a person's conversions to them ([`crate::decide::frequency`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::journeys::events::EventLog;
use crate::time::DAY;

/// Per person (stitched), the days of their touches per channel and of their
/// conversions, as days since 1970-01-01 (UTC).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PersonDays {
    /// Persons counted (every person index below is smaller).
    pub persons: usize,
    /// Per channel, `(person, day)` of each touch, sorted.
    pub touches: BTreeMap<String, Vec<(u32, i64)>>,
    /// `(person, day)` of each conversion, sorted.
    pub conversions: Vec<(u32, i64)>,
}

impl PersonDays {
    /// Collects the touches and conversions of `log`, whose events carry person indices.
    pub(crate) fn count(log: &EventLog) -> PersonDays {
        let mut by_channel: Vec<Vec<(u32, i64)>> = vec![Vec::new(); log.channels.len()];
        let mut conversions = Vec::new();
        let mut persons = 0usize;
        for e in &log.events {
            let day = e.time.div_euclid(DAY);
            if e.kind.is_touch() {
                by_channel[e.channel as usize].push((e.who, day));
            } else if e.kind.is_conversion() {
                conversions.push((e.who, day));
            } else {
                continue;
            }
            persons = persons.max(e.who as usize + 1);
        }
        conversions.sort_unstable();
        let touches = log
            .channels
            .names()
            .zip(by_channel)
            .filter(|(_, t)| !t.is_empty())
            .map(|(name, mut t)| {
                t.sort_unstable();
                (name.to_string(), t)
            })
            .collect();
        PersonDays {
            persons,
            touches,
            conversions,
        }
    }

    /// Bytes the records take (16 each), for memory checks.
    pub fn bytes(&self) -> u64 {
        let n: usize = self.touches.values().map(Vec::len).sum::<usize>() + self.conversions.len();
        16 * n as u64
    }
}
