//! Presets that read raw event exports as they are: a flattened GA4 BigQuery export and
//! Snowplow's atomic events.
//!
//! A preset maps the export's columns onto the events contract (ARCHITECTURE.md §3) and
//! changes three rules of the build, in the journey builder and the generated SQL alike:
//!
//! * **Touches by traffic source.** An export has no `touch` rows: every event carries
//!   its name (`page_view`, `session_start`, `add_to_cart`, …). Under a preset an event
//!   whose name is configured (a conversion, a milestone, or a touch name:
//!   `--touch-event session_start` makes every visit a touch, Direct when it has no
//!   source) is that; any other event is a touch exactly when it carries a traffic
//!   source
//!   ([`Values::has_traffic_source`](crate::grouping::Values::has_traffic_source)): a
//!   UTM value, a click id, an external referrer or a referrer medium. The rest (page
//!   views in the middle of a visit, internal referrers, scrolls) are not touches; they
//!   are counted by name in the build summary (`ignored_by_name`) and mark the end of
//!   the data, as events of other names always do. GA4's traffic source of an event is
//!   session-scoped and its `collected_traffic_source` fields are set on the events
//!   that carried the campaign (a session's first ones); Snowplow's `mkt_*` and
//!   `refr_*` fields are set on the page view that landed. With the default touch level
//!   (`session`) a visit is one touch either way.
//! * **Stitching.** The export's `user_id` (the id a site sets after a login, in both
//!   exports) is the contract's `stitch_id`: every row with one is an identity edge from
//!   the row's device id to it, resolved with the `--identities` edges by the same
//!   union-find ([`crate::journeys::SharedDevices`] applies), so a person who logs in on
//!   two devices is one person.
//! * **Time.** GA4's `event_timestamp` is integer microseconds since the epoch (read
//!   exactly, floored to the millisecond); Snowplow's `derived_tstamp` is UTC text
//!   (`2026-03-01 12:34:56.789`), read as any events file's.
//!
//! Without a channel grouping a preset uses GA4's default channel group; without
//! conversion event names, `purchase` (GA4) or `transaction` (Snowplow). Every column
//! can still be remapped one by one (`columns`), under the preset's own.
//!
//! | contract column | `ga4` (flattened BigQuery export) | `snowplow` (atomic events) |
//! |---|---|---|
//! | `timestamp` | `event_timestamp` (µs) | `derived_tstamp` |
//! | `user_id` | `user_pseudo_id` | `domain_userid` |
//! | `stitch_id` | `user_id` | `user_id` |
//! | `event` | `event_name` | `event_name` |
//! | `value` | `ecommerce.purchase_revenue` | `tr_total` |
//! | `session_id` | `ga_session_id` (event parameter) | `domain_sessionid` |
//! | `utm_source` | `collected_traffic_source.manual_source` | `mkt_source` |
//! | `utm_medium` | `collected_traffic_source.manual_medium` | `mkt_medium` |
//! | `utm_campaign` | `collected_traffic_source.manual_campaign_name` | `mkt_campaign` |
//! | `gclid` | `collected_traffic_source.gclid` | — |
//! | `click_id`, `click_network` | — | `mkt_clickid`, `mkt_network` |
//! | `referrer` | `page_referrer` (event parameter) | `refr_urlhost` |
//! | `referrer_medium`, `referrer_source` | — | `refr_medium`, `refr_source` |
//! | `page_url` | `page_location` (event parameter) | `page_urlhost` |
//!
//! A flattened GA4 export names each field by its path in Google's schema
//! (`collected_traffic_source.manual_source`, `ecommerce.purchase_revenue`) and each
//! event parameter by its key (`page_referrer`, `page_location`, `ga_session_id`).
//!
//! Sources: Google, "\[GA4\] BigQuery Export schema", Analytics Help,
//! <https://support.google.com/analytics/answer/7029846>; Snowplow, "Canonical event
//! model", <https://docs.snowplow.io/docs/fundamentals/canonical-event/>.

use crate::choice::{Choice, choice_str};
use crate::csv_input::{ColumnMap, ReadOptions};
use crate::grouping::ChannelGrouping;
use crate::journeys::JourneyParams;
use crate::param::Param;

/// Column presets for raw event exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventsPreset {
    /// A flattened GA4 BigQuery export (one row per event).
    Ga4,
    /// Snowplow's atomic events table.
    Snowplow,
}

impl Choice for EventsPreset {
    const PARAM: Param = Param::EventsPreset;
    const ALL: &'static [Self] = &[EventsPreset::Ga4, EventsPreset::Snowplow];
    fn name(self) -> &'static str {
        match self {
            EventsPreset::Ga4 => "ga4",
            EventsPreset::Snowplow => "snowplow",
        }
    }
}

choice_str!(EventsPreset);

impl EventsPreset {
    /// The preset's column remapping (see the module docs' table).
    pub fn columns(self) -> ColumnMap {
        let map = ColumnMap::new()
            .set("stitch_id", "user_id")
            .set("event", "event_name");
        match self {
            EventsPreset::Ga4 => map
                .set("timestamp", "event_timestamp")
                .set("user_id", "user_pseudo_id")
                .set("value", "ecommerce.purchase_revenue")
                .set("session_id", "ga_session_id")
                .set("utm_source", "collected_traffic_source.manual_source")
                .set("utm_medium", "collected_traffic_source.manual_medium")
                .set(
                    "utm_campaign",
                    "collected_traffic_source.manual_campaign_name",
                )
                .set("gclid", "collected_traffic_source.gclid")
                .set("referrer", "page_referrer")
                .set("page_url", "page_location"),
            EventsPreset::Snowplow => map
                .set("timestamp", "derived_tstamp")
                .set("user_id", "domain_userid")
                .set("value", "tr_total")
                .set("session_id", "domain_sessionid")
                .set("utm_source", "mkt_source")
                .set("utm_medium", "mkt_medium")
                .set("utm_campaign", "mkt_campaign")
                .set("click_id", "mkt_clickid")
                .set("click_network", "mkt_network")
                .set("referrer", "refr_urlhost")
                .set("referrer_medium", "refr_medium")
                .set("referrer_source", "refr_source")
                .set("page_url", "page_urlhost"),
        }
    }

    /// The conversion event names when none are given.
    pub fn conversion_events(self) -> Vec<String> {
        let name = match self {
            EventsPreset::Ga4 => "purchase",
            EventsPreset::Snowplow => "transaction",
        };
        vec![name.to_string()]
    }

    /// True when the export's timestamps are integer microseconds.
    pub fn micros(self) -> bool {
        self == EventsPreset::Ga4
    }
}

impl JourneyParams {
    /// These parameters reading the export `preset` ([`EventsPreset`]): its columns
    /// under the ones already remapped, its conversion event names unless some are
    /// set, GA4's default channel group unless a grouping is set.
    pub fn with_events_preset(mut self, preset: EventsPreset) -> Self {
        let mut columns = preset.columns();
        columns.extend(std::mem::take(&mut self.read.columns));
        self.read.columns = columns;
        if self.event_names.conversion.is_none() {
            self.event_names.conversion = Some(preset.conversion_events());
        }
        if self.channel_grouping.is_none() {
            self.channel_grouping = Some(ChannelGrouping::ga4());
        }
        self.events_preset = Some(preset);
        self
    }

    /// The reader options of the identities file: the events' own, but under an
    /// export preset (whose columns name the export's) its own columns unmapped.
    pub fn identities_read(&self) -> ReadOptions {
        match self.events_preset {
            Some(_) => ReadOptions {
                columns: ColumnMap::new(),
                ..self.read.clone()
            },
            None => self.read.clone(),
        }
    }
}
