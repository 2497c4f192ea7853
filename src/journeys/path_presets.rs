//! Presets that read the peers' path summary exports as they are.
//!
//! | preset | columns | rows |
//! |---|---|---|
//! | `channelattribution` | `path,total_conversions,total_conversion_value,total_null` | one per path (ChannelAttribution's `PathData`) |
//! | `mta` | the same (eeghor/mta's `data.csv.gz`; an `exposure_times` column is ignored) | one per path |
//! | `fractribution` | `transformed_path,conversions,non_conversions,revenue` | one per path (Google's fractribution, Snowplow's fractribution package) |
//! | `snowplow` | `path_type,transformed_path,conversions,non_conversions,revenue` | one per path and type (dbt-snowplow-attribution's `snowplow_attribution_path_summary`): the file mixes `channel` and `campaign` rows, so one must be chosen with `path_type` |
//! | `dp6` | `channels,has_transaction,conversion_value` | one per journey, the conversion a `True`/`False` flag (DP6 Marketing-Attribution-Models, `group_channels=False`) |
//!
//! Every preset's columns can still be remapped one by one (`columns`), under the
//! preset's own.

use crate::choice::{Choice, choice_str};
use crate::csv_input::ColumnMap;
use crate::param::Param;

/// The column remapping that reads Fractribution's path summaries
/// (`transformed_path,conversions,non_conversions,revenue`).
pub fn fractribution_columns() -> ColumnMap {
    ColumnMap::new()
        .set("path", "transformed_path")
        .set("total_conversions", "conversions")
        .set("total_null", "non_conversions")
        .set("total_conversion_value", "revenue")
}

/// Column presets for path summaries written by other tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathsPreset {
    /// ChannelAttribution's `path,total_conversions,total_conversion_value,total_null`
    /// (the default columns).
    ChannelAttribution,
    /// eeghor/mta's data file: ChannelAttribution's columns.
    Mta,
    /// Fractribution's `transformed_path,conversions,non_conversions,revenue`.
    Fractribution,
    /// Snowplow attribution's path summary: Fractribution's columns and `path_type`.
    Snowplow,
    /// DP6's per-journey rows: `channels`, `has_transaction` (a flag),
    /// `conversion_value`.
    Dp6,
}

impl Choice for PathsPreset {
    const PARAM: Param = Param::PathsPreset;
    const ALL: &'static [Self] = &[
        PathsPreset::ChannelAttribution,
        PathsPreset::Mta,
        PathsPreset::Fractribution,
        PathsPreset::Snowplow,
        PathsPreset::Dp6,
    ];
    fn name(self) -> &'static str {
        match self {
            PathsPreset::ChannelAttribution => "channelattribution",
            PathsPreset::Mta => "mta",
            PathsPreset::Fractribution => "fractribution",
            PathsPreset::Snowplow => "snowplow",
            PathsPreset::Dp6 => "dp6",
        }
    }
}

choice_str!(PathsPreset);

impl PathsPreset {
    /// The preset's column remapping.
    pub fn columns(self) -> ColumnMap {
        match self {
            PathsPreset::ChannelAttribution | PathsPreset::Mta => ColumnMap::new(),
            PathsPreset::Fractribution | PathsPreset::Snowplow => fractribution_columns(),
            PathsPreset::Dp6 => ColumnMap::new()
                .set("path", "channels")
                .set("total_conversions", "has_transaction")
                .set("total_conversion_value", "conversion_value"),
        }
    }

    /// True when each row is one journey with a conversion flag (DP6).
    pub fn per_journey(self) -> bool {
        self == PathsPreset::Dp6
    }
}
