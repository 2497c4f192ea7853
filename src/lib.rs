//! # pathcredit
//!
//! Data-driven marketing attribution: from touchpoint journeys to channel credit.
//!
//! The pipeline: journeys (per touch, with times and milestones) or a path summary
//! (distinct channel sequences with conversion and non-conversion counts) go into
//! models, and every model returns the same [`Credit`]: per channel, attributed
//! conversions, attributed value and share.
//!
//! ```
//! use pathcredit::{Attribution, PathTable, PathReadOptions};
//! use pathcredit::models::{LastTouch, PositionBased};
//!
//! let csv = "path,total_conversions,total_conversion_value,total_null\n\
//!            search > email,3,300,5\n\
//!            display > search > email,1,80,9\n";
//! let (paths, _report) = PathTable::read_csv(csv.as_bytes(), "paths.csv", &PathReadOptions::default())?;
//!
//! let last = LastTouch.attribute(&paths)?;
//! assert_eq!(last.get("email").unwrap().conversions, 4.0);
//!
//! let u_shaped = PositionBased::default().attribute(&paths)?;
//! // display > search > email: 0.4 / 0.2 / 0.4; search > email: 0.5 / 0.5.
//! assert!((u_shaped.get("search").unwrap().conversions - (1.5 + 0.2)).abs() < 1e-12);
//! assert!((u_shaped.conversions_sum() - 4.0).abs() < 1e-12);
//! # Ok::<(), pathcredit::Error>(())
//! ```
//!
//! ## Modules
//!
//! * [`journeys`]: [`PathTable`] and [`Journeys`], and their CSV formats.
//! * [`models`]: the [`Attribution`] and [`JourneyAttribution`] traits, the rule-based
//!   models, and the registry that runs models by name.
//! * [`credit`]: the [`Credit`] type.
//! * [`report`]: renderers (CSV, JSON).
//! * [`synth`]: seeded synthetic path summaries for benchmarks.
//! * [`channel`], [`time`], [`csv_input`], [`prec`]: interned names, timestamps and
//!   durations, CSV input with located errors, tolerances.
//! * [`error`]: the one [`Error`] type.

#![warn(missing_docs)]

pub mod channel;
pub mod credit;
pub mod csv_input;
pub mod decide;
pub mod error;
pub mod evaluate;
pub mod holdout;
pub mod journeys;
pub mod models;
pub mod param;
pub mod prec;
pub mod report;
pub mod run;
pub mod simulate;
pub mod synth;
pub mod time;

pub use channel::{ChannelId, Dictionary};
pub use credit::{ChannelCredit, Credit};
pub use csv_input::{ColumnMap, ReadOptions, ReadReport};
pub use error::{Error, Location, Result};
pub use journeys::{Journeys, Level, Milestone, PathReadOptions, PathTable};
pub use models::{Attribution, JourneyAttribution, ModelName, ModelSettings};
pub use param::{Choice, Param};
pub use run::{RunResult, RunSpec, Source, run};
