//! One person's timeline at a time: the events of each person (sorted by person and
//! event order) sessionized into a reused buffer, and each person's account. Below the
//! build, the person cut and the timelines that walk persons this way.

use crate::journeys::events::{Event, NONE};
use crate::journeys::journey_params::JourneyParams;
use crate::journeys::sessions::{Item, sessionize};

/// One person's timeline at a time, with buffers reused across persons.
#[derive(Default)]
pub(crate) struct TimelineBuffers {
    touches: Vec<Event>,
    items: Vec<Item>,
    keys: Vec<(bool, u64, usize)>,
}

impl TimelineBuffers {
    /// The timeline of one person's events (in event order): their touches sessionized
    /// between conversions, plus milestones and conversions, in [`Item::order`]; and the
    /// number of sessions.
    pub fn timeline(
        &mut self,
        person_events: &[Event],
        params: &JourneyParams,
        is_direct: &[bool],
    ) -> (&[Item], u64) {
        let TimelineBuffers {
            touches,
            items,
            keys,
        } = self;
        let (level, gap) = (params.touch_level, params.session_gap);
        let mut sessions = 0;
        items.clear();
        touches.clear();
        for e in person_events {
            if e.kind.is_touch() {
                touches.push(*e);
                continue;
            }
            if e.kind.is_conversion() {
                sessions += sessionize(touches, level, gap, is_direct, keys, items);
                touches.clear();
            }
            items.push(Item::from_event(e, 0));
        }
        sessions += sessionize(touches, level, gap, is_direct, keys, items);
        items.sort_unstable_by(Item::order);
        (items, sessions)
    }
}

/// Calls `visit(person, timeline)` for each person of `events` (sorted by person and
/// event order), in order, with the person's [`TimelineBuffers::timeline`]. Returns the
/// number of sessions.
pub(crate) fn for_each_person_timeline(
    events: &[Event],
    params: &JourneyParams,
    is_direct: &[bool],
    mut visit: impl FnMut(u32, &[Item]),
) -> u64 {
    let mut buffers = TimelineBuffers::default();
    let mut sessions = 0;
    for person_events in events.chunk_by(|a, b| a.who == b.who) {
        let (items, s) = buffers.timeline(person_events, params, is_direct);
        sessions += s;
        visit(person_events[0].who, items);
    }
    sessions
}

/// Each person's account: the account of their latest event that names one (ties by
/// the sort order of events), or [`NONE`].
pub(crate) fn account_of_persons(events: &[Event], persons: usize) -> Vec<u32> {
    let mut account = vec![NONE; persons];
    for e in events {
        if e.account != NONE {
            account[e.who as usize] = e.account;
        }
    }
    account
}
