//! Sessions: one touch per session.
//!
//! A session is the person's touches with one `session_id`, or, where the events carry
//! none, a run of touches with no gap longer than the session gap (default 30 minutes;
//! a gap of exactly the session gap stays in the session). Sessions never span a
//! conversion: the builder sessionizes the touches between two conversions separately.
//!
//! With `touch_level session` (the default) a session becomes one touch: its time is
//! the session's first event, its channel (with campaign and content) that of the
//! session's first non-direct touch, or of its first touch when every touch is direct.
//! This is the "last non-direct within a session" idea of web analytics turned
//! around: a session that began direct but then came through a campaign counts as that
//! campaign. With `touch_level event` every touch event is a touch.

use crate::choice::{Choice, choice_str};
use crate::journeys::events::{Event, Kind, same_time_key};
use crate::param::Param;
use crate::time::Millis;

/// One entry of a person's (or account's) timeline: a touch (possibly standing for a
/// session of several touch events), a milestone or a conversion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Item {
    pub time: Millis,
    pub value: f64,
    pub channel: u32,
    pub campaign: u32,
    pub content: u32,
    /// Touch events this item stands for (0 for milestones and conversions).
    pub events: u32,
    pub kind: Kind,
}

impl Item {
    pub fn from_event(e: &Event, events: u32) -> Item {
        Item {
            time: e.time,
            value: e.value(),
            channel: e.channel,
            campaign: e.campaign,
            content: e.content,
            events,
            kind: e.kind,
        }
    }

    /// Total order used for timelines: time, then kind (touch < milestone <
    /// conversion), then names, so equal data give equal timelines in any input order.
    pub fn order(a: &Item, b: &Item) -> std::cmp::Ordering {
        // Time decides nearly every comparison: the rest is compared only on a tie.
        let key = |i: &Item| same_time_key(i.kind, i.channel, i.campaign, i.content);
        a.time.cmp(&b.time).then_with(|| {
            key(a)
                .cmp(&key(b))
                .then(a.value.total_cmp(&b.value))
                .then(a.events.cmp(&b.events))
        })
    }
}

/// How touches become timeline items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TouchLevel {
    /// One touch per session (default).
    #[default]
    Session,
    /// Every touch event is a touch.
    Event,
}

impl Choice for TouchLevel {
    const PARAM: Param = Param::TouchLevel;
    const ALL: &'static [Self] = &[TouchLevel::Session, TouchLevel::Event];
    fn name(self) -> &'static str {
        match self {
            TouchLevel::Session => "session",
            TouchLevel::Event => "event",
        }
    }
}

choice_str!(TouchLevel);

/// Turns `touches` (one person's touch events between two conversions, in time order)
/// into touch items; returns the number of sessions.
pub(crate) fn sessionize(
    touches: &[Event],
    level: TouchLevel,
    gap: Millis,
    is_direct: &[bool],
    keys: &mut Vec<(bool, u64, usize)>,
    out: &mut Vec<Item>,
) -> u64 {
    if touches.is_empty() {
        return 0;
    }
    // Session key of each touch (its session id hash, or a gap-run number), in `keys`
    // (a buffer reused across calls).
    keys.clear();
    let mut run = 0u64;
    let mut last_unlabelled: Option<Millis> = None;
    for (i, t) in touches.iter().enumerate() {
        if t.session() != 0 {
            keys.push((true, t.session(), i));
        } else {
            if let Some(last) = last_unlabelled
                && t.time - last > gap
            {
                run += 1;
            }
            last_unlabelled = Some(t.time);
            keys.push((false, run, i));
        }
    }
    // Group by key; within a group the indices stay in time order.
    keys.sort_unstable();
    let mut sessions = 0;
    let mut start = 0;
    while start < keys.len() {
        let mut end = start + 1;
        while end < keys.len() && keys[end].0 == keys[start].0 && keys[end].1 == keys[start].1 {
            end += 1;
        }
        let group = &keys[start..end];
        sessions += 1;
        match level {
            TouchLevel::Event => {
                out.extend(
                    group
                        .iter()
                        .map(|&(_, _, i)| Item::from_event(&touches[i], 1)),
                );
            }
            TouchLevel::Session => {
                let first = &touches[group[0].2];
                let chosen = group
                    .iter()
                    .map(|&(_, _, i)| &touches[i])
                    .find(|t| !is_direct[t.channel as usize])
                    .unwrap_or(first);
                out.push(Item {
                    time: first.time,
                    ..Item::from_event(chosen, group.len() as u32)
                });
            }
        }
        start = end;
    }
    sessions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MINUTE;

    const DIRECT: u32 = 0;
    const EMAIL: u32 = 1;
    const SEARCH: u32 = 2;

    fn touch(minute: i64, channel: u32, session: u64) -> Event {
        Event {
            time: minute * MINUTE,
            aux: session,
            who: 0,
            channel,
            campaign: 0,
            content: 0,
            account: 0,
            kind: crate::journeys::events::EventNames::default()
                .classify("touch", &[])
                .unwrap(),
        }
    }

    fn run(touches: &[Event], level: TouchLevel) -> (u64, Vec<(i64, u32, u32)>) {
        let mut out = Vec::new();
        let n = sessionize(
            touches,
            level,
            30 * MINUTE,
            &[true, false, false],
            &mut Vec::new(),
            &mut out,
        );
        out.sort_by(Item::order);
        (
            n,
            out.iter()
                .map(|i| (i.time / MINUTE, i.channel, i.events))
                .collect(),
        )
    }

    #[test]
    fn a_gap_of_exactly_the_session_gap_stays_in_the_session() {
        let t = [
            touch(0, EMAIL, 0),
            touch(30, SEARCH, 0),
            touch(61, SEARCH, 0),
        ];
        let (n, items) = run(&t, TouchLevel::Session);
        assert_eq!(n, 2);
        assert_eq!(items, [(0, EMAIL, 2), (61, SEARCH, 1)]);
    }

    #[test]
    fn session_channel_is_the_first_non_direct_touch_else_direct() {
        let t = [
            touch(0, DIRECT, 0),
            touch(5, SEARCH, 0),
            touch(6, EMAIL, 0),
            touch(100, DIRECT, 0),
        ];
        let (_, items) = run(&t, TouchLevel::Session);
        assert_eq!(items, [(0, SEARCH, 3), (100, DIRECT, 1)]);
        let (n, items) = run(&t, TouchLevel::Event);
        assert_eq!(n, 2);
        assert_eq!(items.len(), 4);
    }

    #[test]
    fn session_ids_group_regardless_of_gaps_and_interleaving() {
        let t = [
            touch(0, EMAIL, 7),
            touch(10, SEARCH, 9),
            touch(200, DIRECT, 7),
        ];
        let (n, items) = run(&t, TouchLevel::Session);
        assert_eq!(n, 2);
        assert_eq!(items, [(0, EMAIL, 2), (10, SEARCH, 1)]);
    }
}
