//! Parts of the events file read in parallel, and their merge in input order.

use super::*;

/// Some consecutive rows' events, parsed on their own: dictionaries local to the part,
/// user ids as names, running totals from the part's start.
pub(super) struct EventPart {
    pub(super) log: EventLog,
    pub(super) users: Names,
    /// `(user id, stitch id)` pairs of the rows with a stitch id, in row order.
    pub(super) stitches: Names,
    /// Labels by span, with ids of this part's dictionaries.
    pub(super) memo: LabelMemo,
    /// The conversion value total the part was parsed from.
    value_start: f64,
}

impl RowsPart for EventPart {
    fn report(&mut self) -> &mut ReadReport {
        &mut self.log.report
    }

    fn next(&self) -> Self {
        EventPart::starting_at(&self.log, self.log.value_total)
    }
}

impl EventPart {
    /// An empty part like `empty` whose value total starts at `total`.
    pub(super) fn starting_at(empty: &EventLog, total: f64) -> Self {
        EventPart {
            log: EventLog {
                has_campaign: empty.has_campaign,
                has_content: empty.has_content,
                report: ReadReport::new(&empty.report.file),
                value_total: total,
                counts: EventCounts {
                    channel_sources: empty
                        .counts
                        .channel_sources
                        .as_ref()
                        .map(|_| ChannelSourceCounts::default()),
                    ..EventCounts::default()
                },
                ..EventLog::default()
            },
            users: Names::default(),
            stitches: Names::default(),
            memo: LabelMemo::default(),
            value_start: total,
        }
    }
}

/// The log so far; parts are merged into it in input order: their names interned into
/// its dictionaries in order, so every id is the one reading row by row gives.
pub(super) struct EventMerger<'d> {
    pub(super) log: EventLog,
    pub(super) ids: &'d mut Dictionary,
}

/// Ids in `into` of a part's dictionary's names, interned in id order.
fn ids_in(part: &Dictionary, into: &mut Dictionary) -> Vec<u32> {
    part.names().map(|n| into.intern(n)).collect()
}

impl InOrder for EventMerger<'_> {
    type Part = EventPart;
    /// The conversion value total.
    type Start = f64;

    fn start(&self) -> f64 {
        self.log.value_total
    }

    /// A part parsed from a zero total could only differ where the totals come within a
    /// rounding margin of overflowing (values are non-negative: a total grows with them).
    fn needs_start(&self, part: &EventPart) -> bool {
        might_overflow(self.log.value_total, part.log.value_tried)
    }

    fn merge(&mut self, part: EventPart) {
        let (log, into) = (&part.log, &mut self.log);
        let channels = ids_in(&log.channels, &mut into.channels);
        let campaigns = ids_in(&log.campaigns, &mut into.campaigns);
        let contents = ids_in(&log.contents, &mut into.contents);
        let accounts = ids_in(&log.accounts, &mut into.accounts);
        let at = |ids: &[u32], id: u32| if id == NONE { NONE } else { ids[id as usize] };
        let mut who = Vec::with_capacity(part.users.len());
        self.ids.intern_many(part.users.iter(), &mut who);
        into.events.reserve(log.events.len());
        for (e, who) in log.events.iter().zip(who) {
            into.events.push(Event {
                who,
                channel: at(&channels, e.channel),
                campaign: at(&campaigns, e.campaign),
                content: at(&contents, e.content),
                account: at(&accounts, e.account),
                ..*e
            });
        }
        let mut pairs = Vec::with_capacity(part.stitches.len());
        self.ids.intern_many(part.stitches.iter(), &mut pairs);
        into.stitch_edges
            .extend(pairs.chunks_exact(2).map(|p| (p[0], p[1])));
        into.stitch_self += log.stitch_self;
        let counts = &mut into.counts;
        counts.events += log.counts.events;
        counts.touches += log.counts.touches;
        counts.conversions += log.counts.conversions;
        counts.milestones += log.counts.milestones;
        for (name, n) in &log.counts.ignored_by_name {
            *counts.ignored_by_name.entry(name.clone()).or_insert(0) += n;
        }
        if let (Some(into), Some(part)) = (&mut counts.channel_sources, &log.counts.channel_sources)
        {
            into.merge(part);
        }
        into.report.absorb(&log.report);
        into.data_end = into.data_end.max(log.data_end);
        into.value_total = total_after(into.value_total, part.value_start, log.value_total);
    }
}
