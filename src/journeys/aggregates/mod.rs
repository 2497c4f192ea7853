//! Mergeable aggregates smaller than a path summary, for data too large to move:
//! order-k transition counts (what the exact Markov model needs) and journeys per set of
//! distinct channels (what Shapley's games need). An engine writes them with
//! `pathcredit sql`; shards add up ([`TransitionCounts::merge`], [`merge_shards`], and
//! coalitions are path summaries of channel sets).
//!
//! **Transitions** (`from_state,to_state,count,value`): states are order-k windows of
//! channels joined by ` > ` (ChannelAttribution's convention: windows of k consecutive
//! touches, consecutive equal windows collapsed, a journey shorter than k one state),
//! plus `(start)`, `(conversion)` and `(null)`; `count` is the number of journeys making
//! the move; `value` is the conversion value on moves into `(conversion)`. Counts that
//! journeys cannot have made are refused, located ([`check`]): moves that are not steps
//! of one journey, states that journeys enter and never leave, journeys in and out of a
//! state that differ, journeys without a touch, value on journeys that did not convert.
//!
//! **Coalitions** (`channels,total_conversions,total_conversion_value,total_null`): a
//! journey's distinct channels, sorted and joined by ` + `, with the path summary's
//! totals.

pub mod check;
mod read;
mod transitions;

use std::io::Write;

use crate::csv_input::{ColumnMap, ReadOptions};
use crate::error::{Error, Result};
use crate::journeys::path_csv::PathReadOptions;
use crate::journeys::path_table::PathTable;

pub use check::Problem;
pub use read::{ShardSum, merge_shards};
pub use transitions::TransitionCounts;

/// The start state's name.
pub const START: &str = "(start)";
/// The conversion state's name.
pub const CONVERSION: &str = "(conversion)";
/// The null state's name.
pub const NULL: &str = "(null)";
/// The separator of a coalition's channels.
pub const COALITION_SEPARATOR: &str = "+";

/// Where a move goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A transient state (by id).
    State(u32),
    /// Absorbed: converted.
    Conversion,
    /// Absorbed: no conversion.
    Null,
}

/// How a coalitions file is read: a path summary whose "paths" are channel sets.
pub fn coalition_options(read: ReadOptions) -> PathReadOptions {
    let mut columns = ColumnMap::new().set("path", "channels");
    columns.extend(read.columns.clone());
    PathReadOptions {
        read: read.columns(columns),
        separator: COALITION_SEPARATOR.to_string(),
        ..PathReadOptions::default()
    }
}

/// The coalitions of a path summary: each journey's distinct channels, sorted.
pub fn coalitions_of(paths: &PathTable) -> PathTable {
    let mut builder = PathTable::builder();
    for row in paths.rows() {
        let mut names: Vec<&str> = row.path.iter().map(|&c| paths.channels().name(c)).collect();
        names.sort_unstable();
        names.dedup();
        builder.push(&names, row.conversions, row.value, row.nulls);
    }
    builder.finish()
}

/// Writes coalitions (`channels,...`, channels joined by ` + `).
pub fn write_coalitions<W: Write>(table: &PathTable, out: W) -> Result<()> {
    let mut buf = Vec::new();
    table.write_csv_separated(&mut buf, COALITION_SEPARATOR)?;
    let text = String::from_utf8(buf).map_err(|e| Error::Write(std::io::Error::other(e)))?;
    let text = text.replacen("path,", "channels,", 1);
    let mut out = out;
    out.write_all(text.as_bytes()).map_err(Error::Write)
}
