//! Cutting a timeline into journeys: lookback windows, censoring, milestones.
//!
//! The timeline of one person (or account) is a time-ordered list of touches,
//! milestones and conversions ([`Item`]).
//!
//! * **Converting journeys.** Each conversion closes a journey holding the touches
//!   since the previous conversion that fall inside its lookback window:
//!   `conversion_time − lookback ≤ touch_time ≤ conversion_time` (both ends inclusive;
//!   a touch at the conversion's instant belongs to it, a touch after it never does).
//!   With `lookback_steps = N` only the last N of them are kept. A conversion with no
//!   touch in its window is *unattributable*; with an unattributed channel it gets one
//!   touch of that channel at its own time instead.
//! * **Non-converting journeys.** The touches after the last conversion (all touches of
//!   a person who never converted), limited to the lookback window before their last
//!   touch (and to the last N with `lookback_steps`). If that last touch is within the
//!   censoring horizon of the end of the data (`data_end − last_touch ≤ censor`), the
//!   person might still convert: the journey is left out and counted as censored. A
//!   horizon of zero censors nothing (not even a journey whose last touch is the latest
//!   event of the data).
//! * **Milestones** mark the last kept touch at or before them (a conversion that is
//!   also a milestone, like `closed_won`, marks the journey's last touch). When several
//!   milestones fall on one touch it keeps the latest stage; the stage models treat a
//!   touch playing two roles exactly like one role missing, so nothing is lost.
//!
//! Every touch event ends up in exactly one of: a converting journey, a non-converting
//! journey, outside every window, beyond the lookback steps, or censored
//! ([`WindowCounts`]).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::journeys::Touch;
use crate::journeys::events::NONE;
use crate::journeys::sessions::Item;
use crate::param::Param;
use crate::time::{Millis, format_timestamp};

/// The end of the data a run censors against: the one given, checked against the
/// events' `times`, or else `latest` (the latest event read). A `data_end` before every event is refused: every
/// journey would be judged against an end the data never reached (all non-converting
/// ones censored or none, conversions after their own data's end), a plausible but
/// wrong result.
pub(crate) fn data_end(
    given: Option<Millis>,
    latest: Option<Millis>,
    times: impl Iterator<Item = Millis>,
    events_name: &str,
) -> Result<Millis> {
    let (first, last) = times.fold((None::<Millis>, None::<Millis>), |(lo, hi), t| {
        (
            Some(lo.map_or(t, |l| l.min(t))),
            Some(hi.map_or(t, |h| h.max(t))),
        )
    });
    match (given, first, last) {
        (Some(end), Some(first), Some(last)) if end < first => Err(Error::param(
            Param::DataEnd,
            format!(
                "{} is before every event of {events_name} (the first at {}, the last at {}); \
                 it is the end of the data, at or after the last event",
                format_timestamp(end),
                format_timestamp(first),
                format_timestamp(last)
            ),
        )),
        (Some(end), _, _) => Ok(end),
        (None, _, _) => Ok(latest.unwrap_or(0)),
    }
}

/// The windowing rules.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct WindowRules {
    pub lookback: Option<Millis>,
    pub steps: Option<usize>,
    pub censor: Option<Millis>,
    pub data_end: Millis,
    /// Channel id credited with unattributable conversions, if any.
    pub unattributed: Option<u32>,
    /// Id of the empty campaign name (for touches without a campaign).
    pub blank_campaign: u32,
    /// Id of the empty content name (for touches without content).
    pub blank_content: u32,
}

/// Where touch events, conversions and milestones went.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WindowCounts {
    /// Converting journeys built.
    pub converting_journeys: u64,
    /// Non-converting journeys built.
    pub non_converting_journeys: u64,
    /// Non-converting journeys left out because they might still convert.
    pub censored_journeys: u64,
    /// Touches (after sessionizing) in journeys.
    pub journey_touches: u64,
    /// Touch events in converting journeys.
    pub touch_events_in_converting: u64,
    /// Touch events in non-converting journeys.
    pub touch_events_in_non_converting: u64,
    /// Touch events before the lookback window of the journey they would belong to.
    pub touch_events_outside_window: u64,
    /// Touch events inside the window but beyond the last `lookback_steps` touches.
    pub touch_events_beyond_steps: u64,
    /// Touch events of censored journeys.
    pub touch_events_censored: u64,
    /// Conversions with at least one touch in their window.
    pub conversions_attributed: u64,
    /// Conversions with no touch in their window and no unattributed channel.
    pub conversions_unattributable: u64,
    /// Conversions with no touch in their window, credited to the unattributed channel.
    pub conversions_to_unattributed_channel: u64,
    /// Milestones that marked a touch.
    pub milestones_marked: u64,
    /// Milestones with no kept touch at or before them in a built journey.
    pub milestones_unmarked: u64,
}

impl WindowCounts {
    /// Adds the counts of another part of the timelines.
    pub(crate) fn add(&mut self, other: &WindowCounts) {
        // Every field by name: a new counter cannot be forgotten here.
        let WindowCounts {
            converting_journeys,
            non_converting_journeys,
            censored_journeys,
            journey_touches,
            touch_events_in_converting,
            touch_events_in_non_converting,
            touch_events_outside_window,
            touch_events_beyond_steps,
            touch_events_censored,
            conversions_attributed,
            conversions_unattributable,
            conversions_to_unattributed_channel,
            milestones_marked,
            milestones_unmarked,
        } = other;
        self.converting_journeys += converting_journeys;
        self.non_converting_journeys += non_converting_journeys;
        self.censored_journeys += censored_journeys;
        self.journey_touches += journey_touches;
        self.touch_events_in_converting += touch_events_in_converting;
        self.touch_events_in_non_converting += touch_events_in_non_converting;
        self.touch_events_outside_window += touch_events_outside_window;
        self.touch_events_beyond_steps += touch_events_beyond_steps;
        self.touch_events_censored += touch_events_censored;
        self.conversions_attributed += conversions_attributed;
        self.conversions_unattributable += conversions_unattributable;
        self.conversions_to_unattributed_channel += conversions_to_unattributed_channel;
        self.milestones_marked += milestones_marked;
        self.milestones_unmarked += milestones_unmarked;
    }
}

/// A journey ready to be added: its touches and fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Draft {
    pub converted: bool,
    pub value: f64,
    pub conversion_time: Option<Millis>,
    pub touches: Vec<Touch>,
}

fn to_touch(item: &Item, rules: &WindowRules) -> Touch {
    Touch {
        time: item.time,
        channel: item.channel,
        campaign: if item.campaign == NONE {
            rules.blank_campaign
        } else {
            item.campaign
        },
        content: if item.content == NONE {
            rules.blank_content
        } else {
            item.content
        },
        milestone: None,
    }
}

/// Cuts one timeline (sorted by [`Item::order`]) into journeys, calling `emit` for each.
pub(crate) fn cut_journeys(
    items: &[Item],
    rules: &WindowRules,
    counts: &mut WindowCounts,
    draft: &mut Draft,
    emit: &mut dyn FnMut(&Draft),
) {
    let mut segment_start = 0;
    for (i, item) in items.iter().enumerate() {
        if item.kind.is_conversion() {
            close_converting(&items[segment_start..i], item, rules, counts, draft, emit);
            segment_start = i + 1;
        }
    }
    close_open(&items[segment_start..], rules, counts, draft, emit);
}

/// The touches of `segment` kept for a journey ending at `end`, with the events left
/// out counted.
fn keep_window<'a>(
    segment: &'a [Item],
    end: Millis,
    rules: &WindowRules,
    counts: &mut WindowCounts,
) -> Vec<&'a Item> {
    let mut kept: Vec<&Item> = segment
        .iter()
        .filter(|it| it.kind.is_touch())
        .filter(|it| {
            let inside = rules.lookback.is_none_or(|lb| it.time >= end - lb);
            if !inside {
                counts.touch_events_outside_window += u64::from(it.events);
            }
            inside
        })
        .collect();
    if let Some(n) = rules.steps
        && kept.len() > n
    {
        let cut = kept.len() - n;
        counts.touch_events_beyond_steps += kept[..cut]
            .iter()
            .map(|it| u64::from(it.events))
            .sum::<u64>();
        kept.drain(..cut);
    }
    kept
}

/// Marks each milestone of `segment` (and the closing item's own milestone) on the
/// last touch at or before it.
fn mark_milestones(
    segment: &[Item],
    closing: Option<&Item>,
    touches: &mut [Touch],
    counts: &mut WindowCounts,
) {
    let milestones = segment
        .iter()
        .filter(|it| !it.kind.is_touch())
        .chain(closing)
        .filter_map(|it| it.kind.milestone().map(|m| (it.time, m)));
    for (time, m) in milestones {
        match touches.iter_mut().rev().find(|t| t.time <= time) {
            Some(t) => {
                t.milestone = t.milestone.max(Some(m));
                counts.milestones_marked += 1;
            }
            None => counts.milestones_unmarked += 1,
        }
    }
}

fn close_converting(
    segment: &[Item],
    conversion: &Item,
    rules: &WindowRules,
    counts: &mut WindowCounts,
    draft: &mut Draft,
    emit: &mut dyn FnMut(&Draft),
) {
    let kept = keep_window(segment, conversion.time, rules, counts);
    draft.touches.clear();
    draft
        .touches
        .extend(kept.iter().map(|it| to_touch(it, rules)));
    if draft.touches.is_empty() {
        match rules.unattributed {
            Some(channel) => {
                counts.conversions_to_unattributed_channel += 1;
                draft.touches.push(Touch {
                    time: conversion.time,
                    channel,
                    campaign: rules.blank_campaign,
                    content: rules.blank_content,
                    milestone: None,
                });
            }
            None => {
                counts.conversions_unattributable += 1;
                counts.milestones_unmarked += segment
                    .iter()
                    .chain([conversion])
                    .filter(|it| !it.kind.is_touch() && it.kind.milestone().is_some())
                    .count() as u64;
                return;
            }
        }
    } else {
        counts.conversions_attributed += 1;
    }
    counts.touch_events_in_converting += kept.iter().map(|it| u64::from(it.events)).sum::<u64>();
    mark_milestones(segment, Some(conversion), &mut draft.touches, counts);
    counts.converting_journeys += 1;
    counts.journey_touches += draft.touches.len() as u64;
    draft.converted = true;
    draft.value = conversion.value;
    draft.conversion_time = Some(conversion.time);
    emit(draft);
}

fn close_open(
    segment: &[Item],
    rules: &WindowRules,
    counts: &mut WindowCounts,
    draft: &mut Draft,
    emit: &mut dyn FnMut(&Draft),
) {
    let Some(last) = segment.iter().rev().find(|it| it.kind.is_touch()) else {
        counts.milestones_unmarked += segment
            .iter()
            .filter(|it| it.kind.milestone().is_some())
            .count() as u64;
        return;
    };
    let kept = keep_window(segment, last.time, rules, counts);
    let events: u64 = kept.iter().map(|it| u64::from(it.events)).sum();
    if rules
        .censor
        .is_some_and(|c| c > 0 && rules.data_end - last.time <= c)
    {
        counts.censored_journeys += 1;
        counts.touch_events_censored += events;
        counts.milestones_unmarked += segment
            .iter()
            .filter(|it| it.kind.milestone().is_some())
            .count() as u64;
        return;
    }
    draft.touches.clear();
    draft
        .touches
        .extend(kept.iter().map(|it| to_touch(it, rules)));
    mark_milestones(segment, None, &mut draft.touches, counts);
    counts.touch_events_in_non_converting += events;
    counts.non_converting_journeys += 1;
    counts.journey_touches += draft.touches.len() as u64;
    draft.converted = false;
    draft.value = 0.0;
    draft.conversion_time = None;
    emit(draft);
}
