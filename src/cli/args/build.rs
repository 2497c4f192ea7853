//! How journeys are built from raw events, and which channels are direct.

use std::path::PathBuf;

use clap::Args;

use pathcredit::journeys::{EventNames, JourneyParams};
use pathcredit::time::{
    DAY, DURATION_EXPECTED, TIMESTAMP_EXPECTED, parse_duration, parse_timestamp,
};
use pathcredit::{Error, ReadOptions};

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
    #[arg(long, value_name = "LEVEL", default_value = "person", value_parser = ["person", "account"])]
    pub journey_level: String,

    /// Lookback window: touches more than this many days before a conversion (or before
    /// the last touch of a non-converting journey) are left out; `none` for no limit.
    /// The boundary is inclusive.
    #[arg(long, value_name = "DAYS|none", default_value = "30")]
    pub lookback_days: String,

    /// Keep only the last N touches of each journey.
    #[arg(long, value_name = "N")]
    pub lookback_steps: Option<usize>,

    /// Leave out (and count as censored) non-converting journeys whose last touch is
    /// within this many days of the end of the data [default: the lookback].
    #[arg(long, value_name = "DAYS|none")]
    pub censor_days: Option<String>,

    /// The end of the data for censoring [default: the latest event's timestamp].
    #[arg(long, value_name = "TIMESTAMP")]
    pub data_end: Option<String>,

    /// Inactivity that ends a session when events have no session_id.
    #[arg(long, value_name = "DURATION", default_value = "30m")]
    pub session_gap: String,

    /// One touch per session (its first non-direct touch) or every touch event.
    #[arg(long, value_name = "LEVEL", default_value = "session", value_parser = ["session", "event"])]
    pub touch_level: String,

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
    #[arg(long, value_name = "POLICY", default_value = "separate", value_parser = ["separate", "merge"])]
    pub shared_devices: String,

    /// Write the build summary as JSON.
    #[arg(long, value_name = "FILE")]
    pub summary_out: Option<PathBuf>,
}

fn days(text: &str, flag: &str) -> Result<Option<i64>, Error> {
    if text.trim() == "none" {
        return Ok(None);
    }
    let d: f64 = text.trim().parse().map_err(|_| {
        Error::param(
            flag,
            format!("`{text}`: expected a number of days or `none`"),
        )
    })?;
    if !(d.is_finite() && d >= 0.0) {
        return Err(Error::param(
            flag,
            format!("`{text}`: expected a non-negative number of days"),
        ));
    }
    Ok(Some((d * DAY as f64).round() as i64))
}

impl BuildArgs {
    /// The validated journey parameters.
    pub fn params(
        &self,
        direct_channels: Vec<String>,
        read: ReadOptions,
    ) -> Result<JourneyParams, Error> {
        let params = JourneyParams {
            level: self.journey_level.parse()?,
            lookback: days(&self.lookback_days, "--lookback-days")?,
            lookback_steps: self.lookback_steps,
            censor: self
                .censor_days
                .as_deref()
                .map(|c| days(c, "--censor-days"))
                .transpose()?,
            session_gap: parse_duration(&self.session_gap).ok_or_else(|| {
                Error::param(
                    "--session-gap",
                    format!("`{}`: expected {DURATION_EXPECTED}", self.session_gap),
                )
            })?,
            touch_level: self.touch_level.parse()?,
            direct_channels,
            unattributed_channel: self.unattributed_channel.clone(),
            event_names: EventNames {
                touch: self
                    .touch_event
                    .iter()
                    .map(|s| s.trim().to_string())
                    .collect(),
                conversion: (!self.conversion_event.is_empty()).then(|| {
                    self.conversion_event
                        .iter()
                        .map(|s| s.trim().to_string())
                        .collect()
                }),
                lead_created: self.lead_event.clone(),
                opportunity_created: self.opportunity_event.clone(),
                closed_won: self.closed_won_event.clone(),
            },
            shared_devices: self.shared_devices.parse()?,
            data_end: self
                .data_end
                .as_deref()
                .map(|t| {
                    parse_timestamp(t).ok_or_else(|| {
                        Error::param(
                            "--data-end",
                            format!("`{t}`: expected {TIMESTAMP_EXPECTED}"),
                        )
                    })
                })
                .transpose()?,
            read,
        };
        params.validate()?;
        Ok(params)
    }
}
