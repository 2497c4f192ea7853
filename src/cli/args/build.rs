//! How journeys are built from raw events, and which channels are direct.

use std::path::PathBuf;

use clap::Args;

use pathcredit::ReadOptions;
use pathcredit::grouping::{ChannelGrouping, GroupingKind};
use pathcredit::journeys::{
    EventNames, EventsPreset, JourneyLevel, JourneyParams, SharedDevices, TouchLevel,
};
use pathcredit::time::Millis;

use crate::cli::args::values::{DaysLimit, days, duration, timestamp, whole};
use crate::cli::flags::choice;

/// Which channel names mean "direct".
#[derive(Debug, Args)]
#[command(next_help_heading = "Channels")]
pub struct ChannelArgs {
    /// Channel names treated as direct (by last_non_direct, by session channel choice,
    /// and by --drop-direct-unless-only), comma separated.
    #[arg(
        long = "direct-channel",
        value_name = "NAMES",
        value_delimiter = ',',
        default_value = "direct"
    )]
    pub direct_channels: Vec<String>,
}

impl ChannelArgs {
    /// The trimmed names.
    pub fn names(&self) -> Vec<String> {
        self.direct_channels
            .iter()
            .map(|s| s.trim().to_string())
            .collect()
    }
}

/// How journeys are built from events (`--events`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Journey building (with --events)")]
pub struct BuildArgs {
    /// Build journeys per person (after identity stitching) or per B2B account (all
    /// contacts' touches merged; conversions default to closed_won).
    #[arg(long, value_name = "LEVEL", default_value = "person", value_parser = choice::<JourneyLevel>())]
    pub journey_level: JourneyLevel,

    /// Lookback window: touches more than this many days before a conversion (or before
    /// the last touch of a non-converting journey) are left out; `none` for no limit.
    /// The boundary is inclusive.
    #[arg(long, value_name = "DAYS|none", default_value = "30", value_parser = days)]
    pub lookback_days: DaysLimit,

    /// Keep only the last N touches of each journey.
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub lookback_steps: Option<usize>,

    /// Leave out (and count as censored) non-converting journeys whose last touch is
    /// within this many days of the end of the data [default: the lookback].
    #[arg(long, value_name = "DAYS|none", value_parser = days)]
    pub censor_days: Option<DaysLimit>,

    /// The end of the data for censoring [default: the latest event's timestamp].
    #[arg(long, value_name = "TIMESTAMP", value_parser = timestamp)]
    pub data_end: Option<Millis>,

    /// Inactivity that ends a session when events have no session_id.
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = duration, allow_hyphen_values = true)]
    pub session_gap: Millis,

    /// One touch per session (its first non-direct touch) or every touch event.
    #[arg(long, value_name = "LEVEL", default_value = "session", value_parser = choice::<TouchLevel>())]
    pub touch_level: TouchLevel,

    /// Credit conversions with no touch in their window to this channel (default: they
    /// are counted as unattributable and left out).
    #[arg(long, value_name = "NAME")]
    pub unattributed_channel: Option<String>,

    /// Event names that are conversions (repeatable) [default: conversion; closed_won
    /// with --journey-level account].
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub conversion_event: Vec<String>,

    /// Event names that are touches (repeatable).
    #[arg(
        long,
        value_name = "NAME",
        value_delimiter = ',',
        default_value = "touch"
    )]
    pub touch_event: Vec<String>,

    /// Event name of the lead-creation milestone.
    #[arg(long, value_name = "NAME", default_value = "lead_created")]
    pub lead_event: String,

    /// Event name of the opportunity-creation milestone.
    #[arg(long, value_name = "NAME", default_value = "opportunity_created")]
    pub opportunity_event: String,

    /// Event name of the closed-won milestone.
    #[arg(long, value_name = "NAME", default_value = "closed_won")]
    pub closed_won_event: String,

    /// An anonymous id linked to several user ids: keep it `separate` (its edges are
    /// ignored) or `merge` the users into one person.
    #[arg(long, value_name = "POLICY", default_value = "separate", value_parser = choice::<SharedDevices>())]
    pub shared_devices: SharedDevices,

    /// Give touches channels from UTM fields (utm_source, utm_medium, utm_campaign),
    /// click ids (gclid, msclkid, fbclid) and the referrer: `ga4` (the rules file's
    /// rules, then GA4's default channel group) or `rules` (the rules file alone).
    #[arg(long, value_name = "GROUPING", value_parser = choice::<GroupingKind>())]
    pub channel_grouping: Option<GroupingKind>,

    /// Channel rules (CSV: field,match,pattern,channel; match is exact, prefix, list or
    /// regex), tried in order before GA4's default channel group. Implies
    /// --channel-grouping ga4.
    #[arg(long, value_name = "FILE")]
    pub channel_rules: Option<PathBuf>,

    /// Read a raw event export as it is: `ga4` (a flattened GA4 BigQuery export:
    /// event_timestamp in microseconds, user_pseudo_id, user_id stitched,
    /// collected_traffic_source.*, page_referrer) or `snowplow` (atomic events:
    /// derived_tstamp, domain_userid, user_id stitched, mkt_*, refr_*). An event is a
    /// touch when it carries a traffic source; conversions are chosen by name
    /// (--conversion-event; default purchase / transaction); channels from GA4's default
    /// channel group unless --channel-grouping/--channel-rules say otherwise.
    #[arg(long, value_name = "PRESET", value_parser = choice::<EventsPreset>())]
    pub events_preset: Option<EventsPreset>,

    /// Write the build summary as JSON.
    #[arg(long, value_name = "FILE")]
    pub summary_out: Option<PathBuf>,
}

fn trimmed(names: &[String]) -> Vec<String> {
    names.iter().map(|s| s.trim().to_string()).collect()
}

impl BuildArgs {
    /// The journey parameters (checked by `JourneyParams::validate`, once, before any
    /// input is read).
    pub fn params(
        &self,
        direct_channels: Vec<String>,
        read: ReadOptions,
    ) -> anyhow::Result<JourneyParams> {
        let params = JourneyParams {
            level: self.journey_level,
            lookback: self.lookback_days.0,
            lookback_steps: self.lookback_steps,
            censor: self.censor_days.map(|c| c.0),
            session_gap: self.session_gap,
            touch_level: self.touch_level,
            direct_channels,
            unattributed_channel: self.unattributed_channel.clone(),
            event_names: EventNames {
                touch: trimmed(&self.touch_event),
                conversion: (!self.conversion_event.is_empty())
                    .then(|| trimmed(&self.conversion_event)),
                lead_created: self.lead_event.clone(),
                opportunity_created: self.opportunity_event.clone(),
                closed_won: self.closed_won_event.clone(),
            },
            shared_devices: self.shared_devices,
            data_end: self.data_end,
            read,
            keep_timelines: false,
            keep_exposures: false,
            channel_grouping: self.channel_grouping()?,
            events_preset: None,
        };
        Ok(match self.events_preset {
            Some(preset) => params.with_events_preset(preset),
            None => params,
        })
    }

    /// The channel grouping of --channel-grouping and --channel-rules, if any.
    fn channel_grouping(&self) -> anyhow::Result<Option<ChannelGrouping>> {
        let kind = match (self.channel_grouping, &self.channel_rules) {
            (None, None) => return Ok(None),
            (Some(kind), _) => kind,
            (None, Some(_)) => GroupingKind::Ga4,
        };
        let grouping = match &self.channel_rules {
            Some(path) => {
                let mut file = std::fs::File::open(path).map_err(|e| {
                    anyhow::anyhow!("--channel-rules {}: cannot open it ({e})", path.display())
                })?;
                let name = path.display().to_string();
                ChannelGrouping::new(kind, Some((&mut file, &name)))?
            }
            None => ChannelGrouping::new(kind, None)?,
        };
        Ok(Some(grouping))
    }
}
