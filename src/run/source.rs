//! Where a run's data come from ([`Source`]): data already in memory, or records in the
//! input formats, with what each kind can feed.

use std::io::Read;
use std::sync::Arc;

use crate::csv_input::{ReadOptions, Records};
use crate::error::Result;
use crate::journeys::{
    BuiltJourneys, JOURNEY_COLUMNS, JourneyParams, Journeys, PathReadOptions, PathTable,
};
use crate::models::InputKind;

/// Where a run's data come from: data already in memory, or records (CSV streams or
/// in-memory tables) in the input formats.
pub enum Source<'a> {
    /// A path summary already in memory.
    Paths(PathTable),
    /// Journeys already in memory.
    Journeys(Journeys),
    /// Journeys built from events already, with their build summary (and the whole logs
    /// of converting units when they were kept); shared, so a front end that holds them
    /// between runs never copies them.
    Built(Arc<BuiltJourneys>),
    /// A path summary to read.
    PathsRecords {
        /// The records.
        records: Records<'a>,
        /// Its name in messages (a path, `<stdin>`, or a table's name).
        name: String,
        /// Separator, column remapping, bad-row policy.
        options: PathReadOptions,
    },
    /// Journeys to read.
    JourneysRecords {
        /// The records.
        records: Records<'a>,
        /// Its name in messages.
        name: String,
        /// Column remapping, bad-row policy.
        options: ReadOptions,
    },
    /// Order-k transition counts (an engine's aggregate, for the exact Markov model).
    TransitionsRecords {
        /// The records (`from_state,to_state,count,value`).
        records: Records<'a>,
        /// Their name in messages.
        name: String,
    },
    /// Journeys per set of distinct channels (an engine's aggregate, for the models that
    /// see only which channels a journey touched: Shapley's rate and simplified games,
    /// linear over distinct channels, influenced).
    CoalitionsRecords {
        /// The records (`channels,total_conversions,total_conversion_value,total_null`).
        records: Records<'a>,
        /// Their name in messages.
        name: String,
        /// Column remapping, bad-row policy.
        options: ReadOptions,
    },
    /// Raw events (and identity edges), built into journeys with `params`.
    Events {
        /// The events.
        events: Records<'a>,
        /// Their name in messages.
        events_name: String,
        /// The identity edges and their name.
        identities: Option<(Records<'a>, String)>,
        /// How journeys are built (its `read` options apply to both inputs).
        params: Box<JourneyParams>,
    },
}

impl<'a> Source<'a> {
    /// A path summary CSV from `reader`.
    pub fn paths_csv(
        reader: impl Read + 'a,
        name: impl Into<String>,
        options: PathReadOptions,
    ) -> Self {
        Self::paths_records(Records::csv(reader), name, options)
    }

    /// A path summary of either kind (a CSV stream or a table).
    pub fn paths_records(
        records: Records<'a>,
        name: impl Into<String>,
        options: PathReadOptions,
    ) -> Self {
        Source::PathsRecords {
            records,
            name: name.into(),
            options,
        }
    }

    /// A journeys CSV from `reader`.
    pub fn journeys_csv(
        reader: impl Read + 'a,
        name: impl Into<String>,
        options: ReadOptions,
    ) -> Self {
        Self::journeys_records(Records::csv(reader), name, options)
    }

    /// Journeys of either kind (a CSV stream or a table).
    pub fn journeys_records(
        records: Records<'a>,
        name: impl Into<String>,
        options: ReadOptions,
    ) -> Self {
        Source::JourneysRecords {
            records,
            name: name.into(),
            options,
        }
    }

    /// Raw events (and identities) to build journeys from with `params`.
    pub fn events(
        events: impl Read + 'a,
        events_name: impl Into<String>,
        identities: Option<(Box<dyn Read + 'a>, String)>,
        params: JourneyParams,
    ) -> Self {
        Self::events_records(
            Records::csv(events),
            events_name,
            identities.map(|(reader, name)| (Records::Csv(reader), name)),
            params,
        )
    }

    /// Raw events (and identities) of either kind to build journeys from.
    pub fn events_records(
        events: Records<'a>,
        events_name: impl Into<String>,
        identities: Option<(Records<'a>, String)>,
        params: JourneyParams,
    ) -> Self {
        Source::Events {
            events,
            events_name: events_name.into(),
            identities,
            params: Box::new(params),
        }
    }

    /// The kind of input models will see.
    pub fn kind(&self) -> InputKind {
        match self {
            Source::Paths(_)
            | Source::PathsRecords { .. }
            | Source::TransitionsRecords { .. }
            | Source::CoalitionsRecords { .. } => InputKind::Paths,
            _ => InputKind::Journeys,
        }
    }

    /// Checks the reading and building options (before anything is read).
    pub fn validate(&self) -> Result<()> {
        match self {
            Source::PathsRecords { options, .. } => options.validate(),
            Source::JourneysRecords { options, .. } => {
                options.columns.check_known("journeys", &JOURNEY_COLUMNS)
            }
            Source::Events { params, .. } => params.validate(),
            Source::CoalitionsRecords { options, .. } => {
                crate::journeys::aggregates::coalition_options(options.clone()).validate()
            }
            Source::Paths(_)
            | Source::Journeys(_)
            | Source::Built(_)
            | Source::TransitionsRecords { .. } => Ok(()),
        }
    }
}
