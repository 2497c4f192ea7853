//! Journeys and path summaries: the two inputs of every model.
//!
//! * [`Journeys`]: per-touch journeys with times, dimensions and milestones (read from
//!   the journeys file).
//! * [`PathTable`]: distinct channel sequences with conversions, value and nulls (read
//!   from a path summary, or aggregated from journeys).

mod journey;
mod journey_csv;
mod path_csv;
mod path_table;

pub use journey::{
    Journey, JourneyInfo, Journeys, JourneysBuilder, Level, Milestone, NOT_SET, Touch,
};
pub use journey_csv::JOURNEY_COLUMNS;
pub use path_csv::{PATH_COLUMNS, PathReadOptions, format_exact, fractribution_columns};
pub use path_table::{PathRow, PathRowTotals, PathTable, PathTableBuilder};
