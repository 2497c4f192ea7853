//! Journeys and path summaries: the two inputs of every model, and the builder that
//! makes journeys from raw events ([`build_journeys`]).
//!
//! * [`Journeys`]: per-touch journeys with times, dimensions and milestones (read from
//!   the journeys file).
//! * [`PathTable`]: distinct channel sequences with conversions, value and nulls (read
//!   from a path summary, or aggregated from journeys).

pub mod aggregates;
mod build;
mod by_person;
mod conversion_window;
mod event_presets;
mod events;
mod exposure_series;
mod identity;
mod intern_pipeline;
mod journey;
mod journey_csv;
mod journey_params;
mod labels;
mod path_csv;
mod path_presets;
mod path_steps;
mod path_table;
mod person_cut;
mod person_days;
mod person_timeline;
mod sessions;
mod summary;
mod timelines;
mod transform;
mod windows;

pub use aggregates::TransitionCounts;
pub(crate) use build::build_validated;
pub use build::{
    BuiltJourneys, BuiltPaths, FromRecords, build_journeys, build_journeys_from, build_paths,
    build_paths_from,
};
pub use conversion_window::ConversionWindow;
pub use event_presets::EventsPreset;
pub use events::{EVENT_COLUMNS, EventCounts, EventNames};
pub use exposure_series::ExposureSeries;
pub use identity::{IDENTITY_COLUMNS, IdentityStats, SharedDevices};
pub use journey::{Journey, JourneyInfo, Journeys, JourneysBuilder, NOT_SET, Touch};
pub use journey_csv::JOURNEY_COLUMNS;
pub use journey_params::{JourneyLevel, JourneyParams};
pub use labels::{Level, Milestone};
pub use path_csv::{PATH_COLUMNS, PathReadOptions, UNMATCHED_CHANNEL, format_exact};
pub use path_presets::{PathsPreset, fractribution_columns};
pub use path_table::{PathRow, PathRowTotals, PathTable, PathTableBuilder};
pub use person_days::PersonDays;
pub use sessions::TouchLevel;
pub use summary::{BuildSummary, NoAccount};
pub use timelines::{Timeline, Timelines};
pub use transform::{PathTransform, TransformKind};
pub use windows::WindowCounts;
