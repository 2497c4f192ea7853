//! # pathcredit
//!
//! Data-driven marketing attribution: from touchpoint logs to channel credit.
//!
//! Raw events (or journeys, or a path summary built elsewhere) go in; every model —
//! the rule-based baselines, the exact Markov removal effect, Shapley values, a fitted
//! logistic model — returns the same [`Credit`]: per channel, attributed conversions,
//! attributed value and share. Credit then feeds a comparison, ROI and a budget plan
//! ([`decide`]), reports ([`report`]), and scores against a simulation's known truth
//! ([`evaluate`], [`simulate`]).
//!
//! ## A whole run: [`run()`]
//!
//! [`RunSpec`] says where the data come from ([`Source`]: a CSV reader or an in-memory
//! table), which models run with which [`ModelSettings`], and how many bootstrap
//! replicates put intervals on credit. [`run()`] checks every setting before it reads a
//! byte, then reads (or builds journeys), fits, and returns a [`RunResult`]. The
//! `pathcredit` command line is a thin shell over exactly this call.
//!
//! ```
//! use pathcredit::journeys::JourneyParams;
//! use pathcredit::models::{MarkovParams, ModelName, ModelSettings};
//! use pathcredit::{RunSpec, Source};
//!
//! // Raw events: two people; one converts after search and email.
//! let events = "timestamp,user_id,event,channel,value\n\
//!               2026-01-01T10:00:00Z,u1,touch,search,\n\
//!               2026-01-03T10:00:00Z,u1,touch,email,\n\
//!               2026-01-03T10:05:00Z,u1,conversion,,120\n\
//!               2026-01-02T09:00:00Z,u2,touch,display,\n";
//! let params = JourneyParams { censor: Some(None), ..JourneyParams::default() };
//! let settings = ModelSettings {
//!     markov: MarkovParams::default().order(1),
//!     ..ModelSettings::default()
//! };
//! let spec = RunSpec::new(Source::events(events.as_bytes(), "events.csv", None, params))
//!     .models([ModelName::LastTouch, ModelName::Linear, ModelName::Markov])
//!     .settings(settings);
//! let result = pathcredit::run(spec)?;
//!
//! let linear = result.credit(ModelName::Linear).unwrap();
//! assert_eq!(linear.get("search").unwrap().conversions, 0.5);
//! assert_eq!(linear.get("email").unwrap().value, 60.0);
//! // The non-converting journey (display) is kept: Markov learns from it.
//! assert_eq!(result.data.build_summary().unwrap().windows.non_converting_journeys, 1);
//! # Ok::<(), pathcredit::Error>(())
//! ```
//!
//! One model on a table in memory is one call too:
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
//! * [`run`](mod@run): the whole-run entry point ([`RunSpec`], [`Source`], [`RunResult`]).
//! * [`journeys`]: [`PathTable`] and [`Journeys`], their CSV formats, and the journey
//!   builder (identity stitching, sessions, lookback windows, censoring, accounts).
//! * [`models`]: the [`Attribution`] and [`JourneyAttribution`] traits, every model, and
//!   the [`registry`](models::registry) (how to add a model is written there).
//! * [`credit`]: the [`Credit`] type.
//! * [`decide`]: comparison, spend (and spend series), ROI, budget plans (an assumed
//!   response, or curves fitted from the logs: [`decide::fitted_plan()`] over
//!   [`decide::response`]; without logs, the weaker aggregate route from a credit series,
//!   [`decide::fitted_plan::aggregate_plan`]), cross-checks of other tools' reports.
//! * [`evaluate`]: bootstrap intervals, scores against a simulation's truth, decision regret.
//! * [`holdout`]: held-out AUC and log-loss, below both models and evaluation.
//! * [`report`]: renderers (CSV, JSON, Markdown, the HTML decision report).
//! * [`simulate`]: the causal simulator, whose channel effects are known exactly;
//!   [`bench_data`]: seeded benchmark data (path summaries, event logs) with no causal
//!   meaning.
//! * [`sql`]: the journey build written as SQL for DuckDB and Spark (the same
//!   parameters, the same path summary), for data too large for one machine.
//! * [`grouping`]: channels from UTM parameters, click ids and referrers (GA4's default
//!   channel group and the user's rules), in the journey builder and the SQL alike.
//! * [`param`]: the names of every setting ([`Param`]); errors name parameters, never
//!   command-line flags. [`choice`]: closed sets of named choices ([`Choice`]), parsed
//!   and listed from one list of names, above both `param` and [`error`].
//! * [`progress`]: progress of long steps, for a front end that shows it.
//! * [`linalg`]: the small dense solves the models share; [`memory`]: how much memory a
//!   large exact solve may take.
//! * [`channel`], [`time`], [`csv_input`], [`prec`]: interned names, timestamps and
//!   durations, CSV input with located errors, tolerances; [`threads`]: worker threads,
//!   one per core at most.
//! * [`error`]: the one [`Error`] type.
//!
//! Imports run one way: front ends → [`run`](mod@run) → `decide`, `report`, `evaluate`
//! → [`models`] → [`journeys`] → [`csv_input`] → the primitives. No module reaches
//! itself through its imports, and no source file passes 600 lines (a file that would
//! becomes a folder module, one concept a file): `tests/integration/house.rs` checks both.

#![warn(missing_docs)]

pub mod bench_data;
pub mod channel;
pub mod choice;
pub mod credit;
pub mod csv_input;
pub mod decide;
pub mod error;
pub mod evaluate;
pub(crate) mod graph;
pub mod grouping;
pub mod holdout;
pub mod journeys;
pub mod linalg;
pub mod memory;
pub mod models;
mod name_index;
pub mod param;
pub mod prec;
pub mod progress;
pub mod report;
pub mod run;
pub mod simulate;
pub mod sql;
pub mod text;
pub mod threads;
pub mod time;

pub use channel::{ChannelId, Dictionary};
pub use choice::Choice;
pub use credit::{ChannelCredit, Credit};
pub use csv_input::{ColumnMap, ReadOptions, ReadReport};
pub use error::{Error, Location, Result};
pub use journeys::{Journeys, Level, Milestone, PathReadOptions, PathTable};
pub use models::{Attribution, JourneyAttribution, ModelName, ModelSettings};
pub use param::Param;
pub use run::{RunResult, RunSpec, Source, run};
