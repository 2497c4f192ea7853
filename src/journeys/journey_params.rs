//! How journeys are built from events: whose journeys ([`JourneyLevel`]) and every
//! setting of the build ([`JourneyParams`]), with their defaults and checks. Below the
//! build and the cuts that read them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::choice::{Choice, choice_str};
use crate::csv_input::ReadOptions;
use crate::error::{Error, Result};
use crate::journeys::EventsPreset;
use crate::journeys::events::EventNames;
use crate::journeys::identity::SharedDevices;
use crate::journeys::sessions::TouchLevel;
use crate::param::Param;
use crate::time::{DAY, MINUTE, Millis, format_duration, format_timestamp};

/// Whose journeys to build.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JourneyLevel {
    /// One timeline per person (after identity stitching). Default.
    #[default]
    Person,
    /// One timeline per B2B account: all its contacts' touches merged in time order;
    /// conversions default to `closed_won`.
    Account,
}

impl Choice for JourneyLevel {
    const PARAM: Param = Param::JourneyLevel;
    const ALL: &'static [Self] = &[JourneyLevel::Person, JourneyLevel::Account];
    fn name(self) -> &'static str {
        match self {
            JourneyLevel::Person => "person",
            JourneyLevel::Account => "account",
        }
    }
}

choice_str!(JourneyLevel);

/// How journeys are built from events. Defaults are documented per field.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyParams {
    /// Person or account journeys (default person).
    pub level: JourneyLevel,
    /// Lookback window before a conversion (default 30 days; `None`: unlimited).
    pub lookback: Option<Millis>,
    /// Keep only the last N touches of a journey (default: all).
    pub lookback_steps: Option<usize>,
    /// Censoring horizon for non-converting journeys (default: the lookback; `None`
    /// with an unlimited lookback: nothing is censored).
    pub censor: Option<Option<Millis>>,
    /// Inactivity gap that ends a session when events carry no session id (default 30 minutes).
    pub session_gap: Millis,
    /// One touch per session (default) or every touch event.
    pub touch_level: TouchLevel,
    /// Channel names that count as direct when picking a session's channel (default `direct`).
    pub direct_channels: Vec<String>,
    /// Credit conversions with no touch in their window to this channel (default: none;
    /// they are counted as unattributable instead).
    pub unattributed_channel: Option<String>,
    /// Event names.
    pub event_names: EventNames,
    /// What to do with shared devices (default: keep them separate).
    pub shared_devices: SharedDevices,
    /// The end of the data for censoring (default: the latest event's timestamp).
    pub data_end: Option<Millis>,
    /// Reader options for the events and identities files.
    pub read: ReadOptions,
    /// Also keep the whole event-level logs of converting units ([`Timelines`](crate::journeys::Timelines)), for
    /// the self-controlled model (default false; the whole-run entry point sets it when
    /// that model runs).
    pub keep_timelines: bool,
    /// Also count every touch per channel and day ([`ExposureSeries`](crate::journeys::ExposureSeries)), for response
    /// curves fitted from the logs (default false).
    pub keep_exposures: bool,
    /// Give touches their channel from UTM fields, click ids and referrers
    /// ([`crate::grouping`]; default none: the `channel` column).
    pub channel_grouping: Option<crate::grouping::ChannelGrouping>,
    /// The raw export the events are ([`EventsPreset`]; default none: the events
    /// contract). Set it with [`JourneyParams::with_events_preset`], which also sets the
    /// preset's columns, conversions and channel grouping where they are not set.
    pub events_preset: Option<EventsPreset>,
}

impl Default for JourneyParams {
    fn default() -> Self {
        Self {
            level: JourneyLevel::Person,
            lookback: Some(30 * DAY),
            lookback_steps: None,
            censor: None,
            session_gap: 30 * MINUTE,
            touch_level: TouchLevel::Session,
            direct_channels: vec!["direct".to_string()],
            unattributed_channel: None,
            event_names: EventNames::default(),
            shared_devices: SharedDevices::Separate,
            data_end: None,
            read: ReadOptions::default(),
            keep_timelines: false,
            keep_exposures: false,
            channel_grouping: None,
            events_preset: None,
        }
    }
}

impl JourneyParams {
    /// The conversion event names in effect (explicit, else by level).
    pub fn conversion_events(&self) -> Vec<String> {
        match (&self.event_names.conversion, self.level) {
            (Some(names), _) => names.clone(),
            (None, JourneyLevel::Person) => vec!["conversion".to_string()],
            (None, JourneyLevel::Account) => vec![self.event_names.closed_won.clone()],
        }
    }

    /// The censoring horizon in effect.
    pub fn censor_horizon(&self) -> Option<Millis> {
        self.censor.unwrap_or(self.lookback)
    }

    /// Checks the parameters before any input is read.
    pub fn validate(&self) -> Result<()> {
        if let Some(g) = &self.channel_grouping {
            g.validate()?;
        }
        if self.lookback.is_some_and(|l| l < 0) {
            return Err(Error::param(
                Param::LookbackDays,
                "must not be negative; expected a number of days of 0 or more, or `none` (no limit)",
            ));
        }
        if self.lookback_steps == Some(0) {
            return Err(Error::param(Param::LookbackSteps, "must be at least 1"));
        }
        if self.censor.flatten().is_some_and(|c| c < 0) {
            return Err(Error::param(
                Param::CensorDays,
                "must not be negative; expected a number of days of 0 or more, or `none`",
            ));
        }
        if self.session_gap <= 0 {
            return Err(Error::param(
                Param::SessionGap,
                "must be a positive duration such as 30m",
            ));
        }
        if self
            .unattributed_channel
            .as_deref()
            .is_some_and(|c| c.trim().is_empty())
        {
            return Err(Error::param(
                Param::UnattributedChannel,
                "must be a non-empty channel name",
            ));
        }
        if self.events_preset.is_some() && self.channel_grouping.is_none() {
            return Err(Error::param(
                Param::EventsPreset,
                "an events preset needs a channel grouping; expected the parameters of `with_events_preset`",
            ));
        }
        self.event_names.validate(&self.conversion_events())
    }

    pub(super) fn settings(&self, data_end: Millis) -> BTreeMap<String, String> {
        let mut s = BTreeMap::new();
        let level = match self.level {
            JourneyLevel::Person => "person",
            JourneyLevel::Account => "account",
        };
        s.insert("journey_level".into(), level.into());
        s.insert(
            "lookback".into(),
            self.lookback.map_or("unlimited".into(), format_duration),
        );
        s.insert(
            "lookback_steps".into(),
            self.lookback_steps.map_or("all".into(), |n| n.to_string()),
        );
        s.insert(
            "censor".into(),
            self.censor_horizon().map_or("none".into(), format_duration),
        );
        s.insert("session_gap".into(), format_duration(self.session_gap));
        s.insert(
            "touch_level".into(),
            match self.touch_level {
                TouchLevel::Session => "session".into(),
                TouchLevel::Event => "event".into(),
            },
        );
        s.insert(
            "conversion_events".into(),
            self.conversion_events().join(","),
        );
        s.insert("data_end".into(), format_timestamp(data_end));
        if let Some(preset) = self.events_preset {
            s.insert("events_preset".into(), preset.name().into());
        }
        s
    }
}
