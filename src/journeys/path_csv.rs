//! Reading and writing path summaries as CSV.
//!
//! Format (ChannelAttribution's): `path,total_conversions,total_conversion_value,total_null`,
//! the path's channels separated by `>` with surrounding spaces trimmed (`a > b > c`).
//! `path` and `total_conversions` are required; a missing value or null column counts
//! as zero, and so does an empty cell in those two columns. A row with no conversions
//! has no value (a value there is an error: it would be credited to channels without a
//! conversion behind it). Counts may be fractional and are kept exactly. Repeated paths
//! add up.
//!
//! Other layouts are read by remapping columns, and the peers' exports as they are by a
//! [`PathsPreset`](crate::journeys::PathsPreset): Fractribution's
//! `transformed_path,conversions,non_conversions,revenue`, Snowplow's path summary (which
//! mixes `path_type` rows: one must be chosen), DP6's per-journey rows with a `True`/`False`
//! conversion flag.

use crate::channel::{ChannelId, Dictionary};
use crate::csv_input::parallel::{
    InOrder, ParallelCsv, RowsPart, might_overflow, parse_in_parts, total_after,
};
use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records, Row, open_file};
use crate::error::{Error, Location, Result};
use crate::journeys::path_steps::PathSteps;
use crate::journeys::path_table::{PathTable, PathTableBuilder};
use crate::param::Param;
use std::io::{Read, Write};
use std::path::Path;

/// Default column names of a path summary.
pub const PATH_COLUMNS: [&str; 4] = [
    "path",
    "total_conversions",
    "total_conversion_value",
    "total_null",
];

/// The channel Fractribution credits a conversion with no touches to.
pub const UNMATCHED_CHANNEL: &str = "Unmatched_Channel";

/// Every column a path summary may have: [`PATH_COLUMNS`] and Snowplow's `path_type`.
const KNOWN_COLUMNS: [&str; 5] = [
    "path",
    "total_conversions",
    "total_conversion_value",
    "total_null",
    "path_type",
];

/// Options for reading a path summary.
#[derive(Clone, Debug)]
pub struct PathReadOptions {
    /// Shared reader options (bad-row policy, column remapping).
    pub read: ReadOptions,
    /// The separator between channels in a path; default `>`.
    pub separator: String,
    /// Each row is one journey (DP6's per-journey rows): the conversions column is a
    /// flag (`1`/`0`, `true`/`false` in any case), a row with a 0 flag is one
    /// non-conversion, and without a conversions column every row is one conversion
    /// (a per-conversion file). Default false.
    pub per_journey: bool,
    /// Keep only the rows whose `path_type` column holds this (Snowplow's path summary
    /// has `channel` and `campaign` rows). Without it, a file whose `path_type` column
    /// holds more than one type is refused: read as one table, each conversion would
    /// count once per type.
    pub path_type: Option<String>,
    /// Read an empty path as one touch of [`UNMATCHED_CHANNEL`], as Fractribution
    /// credits a conversion with no touches; default false (an empty path is an error).
    pub unmatched_channel: bool,
}

impl Default for PathReadOptions {
    fn default() -> Self {
        Self {
            read: ReadOptions::default(),
            separator: ">".to_string(),
            per_journey: false,
            path_type: None,
            unmatched_channel: false,
        }
    }
}

impl PathReadOptions {
    /// Checks the options before any input is read.
    pub fn validate(&self) -> Result<()> {
        if self.separator.trim().is_empty() {
            return Err(Error::param(
                Param::PathSeparator,
                "must contain a non-space character",
            ));
        }
        if let Some(t) = &self.path_type
            && t.trim().is_empty()
        {
            return Err(Error::param(Param::PathType, "must not be empty"));
        }
        self.read
            .columns
            .check_known("path summary", &KNOWN_COLUMNS)
    }
}

/// Some consecutive rows of a path summary, parsed on their own: the kept rows' channel
/// names, and per kept row its number of steps and its three counts.
struct PathPart {
    /// Channel names met in the part (a skipped row's too); `steps` holds their ids.
    channels: Dictionary,
    steps: Vec<ChannelId>,
    /// Splits path texts into `channels` ids (reusing the row before's steps).
    splitter: PathSteps,
    rows: Vec<(usize, f64, f64, f64)>,
    report: ReadReport,
    /// Running totals of the three count columns, from `start`.
    totals: [f64; 3],
    /// The sums of every count tried, those that overflowed a total included.
    tried: [f64; 3],
    start: [f64; 3],
    /// Each path type met, with where it was first met.
    types: Vec<(String, Location)>,
}

impl RowsPart for PathPart {
    fn report(&mut self) -> &mut ReadReport {
        &mut self.report
    }

    fn next(&self) -> Self {
        PathPart::starting_at(&self.report.file, self.splitter.separator(), self.totals)
    }
}

impl PathPart {
    fn starting_at(name: &str, separator: &str, start: [f64; 3]) -> Self {
        PathPart {
            channels: Dictionary::new(),
            steps: Vec::new(),
            splitter: PathSteps::new(separator),
            rows: Vec::new(),
            report: ReadReport::new(name),
            totals: start,
            tried: [0.0; 3],
            start,
            types: Vec::new(),
        }
    }
}

/// The table so far; parts are added in input order (channel names interned in order,
/// so the table is the one reading row by row builds).
struct PathMerger {
    builder: PathTableBuilder,
    report: ReadReport,
    totals: [f64; 3],
    ids: Vec<ChannelId>,
    types: Vec<(String, Location)>,
}

impl InOrder for PathMerger {
    type Part = PathPart;
    /// The running totals of the three count columns.
    type Start = [f64; 3];

    fn start(&self) -> [f64; 3] {
        self.totals
    }

    /// Counts are non-negative, so a part parsed from zero totals could only differ
    /// where a total comes within a rounding margin of overflowing.
    fn needs_start(&self, part: &PathPart) -> bool {
        (0..3).any(|k| might_overflow(self.totals[k], part.tried[k]))
    }

    fn merge(&mut self, part: PathPart) {
        // Names are interned when a kept row first uses them, so the table's dictionary
        // grows in the order reading row by row gives.
        let mut global = vec![ChannelId::MAX; part.channels.len()];
        let mut steps = part.steps.iter();
        for &(len, c, v, n) in &part.rows {
            self.ids.clear();
            for &local in steps.by_ref().take(len) {
                let id = &mut global[local as usize];
                if *id == ChannelId::MAX {
                    *id = self
                        .builder
                        .channels_mut()
                        .intern(part.channels.name(local));
                }
                self.ids.push(*id);
            }
            self.builder.push_ids(&self.ids, c, v, n);
        }
        self.report.absorb(&part.report);
        for (t, at) in part.types {
            if !self.types.iter().any(|(k, _)| *k == t) {
                self.types.push((t, at));
            }
        }
        for k in 0..3 {
            self.totals[k] = total_after(self.totals[k], part.start[k], part.totals[k]);
        }
    }
}

/// A conversion flag of a per-journey row: `1`/`0` or `true`/`false` (any case).
fn flag(row: &Row<'_>, col: usize) -> Result<f64> {
    let text = row.str(col)?;
    match text.to_ascii_lowercase().as_str() {
        "1" | "1.0" | "true" => Ok(1.0),
        "0" | "0.0" | "false" => Ok(0.0),
        _ => Err(row.error(
            col,
            format!(
                "`{text}`: expected a conversion flag, true or false (or 1 or 0): each row is one journey"
            ),
        )),
    }
}

/// Refuses a file mixing path types when none is chosen, and a chosen type the file
/// does not hold.
fn check_path_types(types: &[(String, Location)], chosen: Option<&str>, name: &str) -> Result<()> {
    let listed = || {
        types
            .iter()
            .map(|(t, _)| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match chosen {
        None if types.len() > 1 => Err(Error::param(
            Param::PathType,
            format!(
                "{}: a path type of `{}` after rows of `{}`: this file mixes path types ({}), \
                 and read as one table every conversion would count once per type; choose one \
                 with `path_type`",
                types[1].1,
                types[1].0,
                types[0].0,
                listed()
            ),
        )),
        Some(want) if !types.iter().any(|(t, _)| t == want) => Err(Error::param(
            Param::PathType,
            format!(
                "`{want}`: {name} has no rows of that type; it has {}",
                listed()
            ),
        )),
        _ => Ok(()),
    }
}

/// The message about a conversion value on a row with no conversions: the value
/// would be credited to channels without any conversion behind it.
pub(crate) fn value_without_conversions(value: &str) -> String {
    format!(
        "a conversion value of `{value}` on a row with no conversions; expected 0 or empty \
         (value comes with conversions)"
    )
}

impl PathTable {
    /// Reads a path summary from a file.
    pub fn read_csv_path(
        path: &Path,
        options: &PathReadOptions,
    ) -> Result<(PathTable, ReadReport)> {
        let file = open_file(path)?;
        Self::read_csv(file, &path.display().to_string(), options)
    }

    /// Reads a path summary from any reader; `name` names it in errors.
    pub fn read_csv<R: Read>(
        input: R,
        name: &str,
        options: &PathReadOptions,
    ) -> Result<(PathTable, ReadReport)> {
        Self::read_records(Records::csv(input), name, options)
    }

    /// Reads a path summary from records of either kind (a CSV stream or a table).
    pub fn read_records(
        input: Records<'_>,
        name: &str,
        options: &PathReadOptions,
    ) -> Result<(PathTable, ReadReport)> {
        options.validate()?;
        let columns = &options.read.columns;
        let csv = ParallelCsv::open(input, name, &PATH_COLUMNS)?;
        let src = csv.header();
        let path_col = src.required("path", columns)?;
        let conv_col = if options.per_journey {
            src.optional("total_conversions", columns)?
        } else {
            Some(src.required("total_conversions", columns)?)
        };
        let value_col = src.optional("total_conversion_value", columns)?;
        let null_col = match options.per_journey {
            true => None,
            false => src.optional("total_null", columns)?,
        };
        let type_col = src.optional("path_type", columns)?;
        if let (Some(want), None) = (&options.path_type, type_col) {
            return Err(Error::param(
                Param::PathType,
                format!("`{want}`: {name} has no path_type column to choose rows by"),
            ));
        }

        let separator = options.separator.trim().to_string();
        let parse_row = |row: &Row<'_>, part: &mut PathPart| -> Result<Option<(f64, f64, f64)>> {
            if let Some(c) = type_col {
                let t = row.str(c)?;
                if !part.types.iter().any(|(k, _)| k == t) {
                    part.types.push((t.to_string(), row.location(c)));
                }
                if options.path_type.as_deref().is_some_and(|want| want != t) {
                    return Ok(None);
                }
            }
            let mut text = row.str(path_col)?;
            if text.is_empty() && options.unmatched_channel {
                text = UNMATCHED_CHANNEL;
            } else if text.is_empty() {
                return Err(row.error(
                    path_col,
                    "empty path; expected channels separated by `>` (Fractribution writes a \
                     conversion with no touches so; with the unmatched channel setting it is \
                     read as one touch of Unmatched_Channel)",
                ));
            }
            let PathPart {
                channels,
                steps,
                splitter,
                ..
            } = part;
            if let Err(step) = splitter.split(text, channels, steps) {
                return Err(row.error(
                    path_col,
                    format!(
                        "empty channel name at step {step} of `{text}`; expected channels separated by `{separator}`"
                    ),
                ));
            }
            let conversions = match conv_col {
                Some(c) if options.per_journey => flag(row, c)?,
                Some(c) => row.non_negative(c, None)?,
                None => 1.0,
            };
            let value = match value_col {
                Some(c) => row.non_negative(c, Some(0.0))?,
                None => 0.0,
            };
            if let Some(c) = value_col
                && value > 0.0
                && conversions == 0.0
            {
                return Err(row.error(c, value_without_conversions(row.str(c)?)));
            }
            let nulls = match null_col {
                Some(c) => row.non_negative(c, Some(0.0))?,
                None if options.per_journey => 1.0 - conversions,
                None => 0.0,
            };
            for (tried, v) in part.tried.iter_mut().zip([conversions, value, nulls]) {
                *tried += v;
            }
            let mut sums = part.totals;
            match conv_col {
                Some(c) => row.add_to_total(c, conversions, &mut sums[0])?,
                None => row.add_to_total(path_col, conversions, &mut sums[0])?,
            }
            if let Some(c) = value_col {
                row.add_to_total(c, value, &mut sums[1])?;
            }
            if let Some(c) = null_col {
                row.add_to_total(c, nulls, &mut sums[2])?;
            }
            part.totals = sums;
            Ok(Some((conversions, value, nulls)))
        };
        let parse = |source: &mut CsvSource<'_>,
                     start: &[f64; 3],
                     emit: &mut dyn FnMut(PathPart)|
         -> Result<()> {
            let part = PathPart::starting_at(name, &separator, *start);
            parse_in_parts(
                source,
                options.read.skip_bad_rows,
                part,
                |row, part| {
                    let mark = part.steps.len();
                    match parse_row(row, part) {
                        Ok(Some((c, v, n))) => {
                            part.rows.push((part.steps.len() - mark, c, v, n));
                            Ok(())
                        }
                        Ok(None) => Ok(()),
                        Err(e) => {
                            // A skipped (or failing) row leaves no step behind.
                            part.steps.truncate(mark);
                            Err(e)
                        }
                    }
                },
                emit,
            )
        };
        let mut merger = PathMerger {
            builder: PathTable::builder(),
            report: ReadReport::new(name),
            totals: [0.0; 3],
            ids: Vec::new(),
            types: Vec::new(),
        };
        csv.read(&parse, &mut merger)?;
        let PathMerger {
            builder,
            report,
            types,
            ..
        } = merger;
        check_path_types(&types, options.path_type.as_deref(), name)?;
        report.check_usable()?;
        Ok((builder.finish(), report))
    }

    /// Writes the table as a path summary CSV (default column names, ` > ` separated).
    /// Counts are written exactly (shortest decimal that reads back to the same number).
    pub fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        self.write_csv_separated(out, ">")
    }

    /// Writes the table as a path summary CSV with channels separated by ` {separator} `.
    ///
    /// A channel whose name contains the separator could not be read back as the same
    /// path, so it is refused (naming the channel) before anything is written.
    pub fn write_csv_separated<W: Write>(&self, out: W, separator: &str) -> Result<()> {
        let separator = separator.trim();
        if separator.is_empty() {
            return Err(Error::param(
                Param::PathSeparator,
                "must contain a non-space character",
            ));
        }
        if let Some(name) = self.channels().names().find(|n| n.contains(separator)) {
            return Err(Error::param(
                Param::PathSeparator,
                format!(
                    "the channel `{name}` contains the path separator `{separator}`, so the \
                     path summary could not be read back as written; choose a separator \
                     that no channel name contains (e.g. `|`)"
                ),
            ));
        }
        let joiner = format!(" {separator} ");
        let mut w = csv::Writer::from_writer(out);
        let write_err = |e: csv::Error| Error::Write(std::io::Error::other(e));
        w.write_record(PATH_COLUMNS).map_err(write_err)?;
        // One buffer per field, reused row after row.
        let (mut path, mut numbers) =
            (String::new(), [String::new(), String::new(), String::new()]);
        for row in self.rows() {
            path.clear();
            for (k, &c) in row.path.iter().enumerate() {
                if k > 0 {
                    path.push_str(&joiner);
                }
                path.push_str(self.channels().name(c));
            }
            for (text, x) in numbers
                .iter_mut()
                .zip([row.conversions, row.value, row.nulls])
            {
                text.clear();
                write_exact(text, x);
            }
            w.write_field(&path).map_err(write_err)?;
            for text in &numbers {
                w.write_field(text).map_err(write_err)?;
            }
            w.write_record(None::<&[u8]>).map_err(write_err)?;
        }
        w.flush().map_err(Error::Write)
    }
}

/// The shortest decimal text that parses back to `x` (Rust's `Display` for `f64`).
pub fn format_exact(x: f64) -> String {
    let mut text = String::new();
    write_exact(&mut text, x);
    text
}

/// Appends [`format_exact`]'s text of `x` to `text`.
fn write_exact(text: &mut String, x: f64) {
    use std::fmt::Write;
    write!(text, "{}", x + 0.0).expect("writing to a String cannot fail");
}

#[cfg(test)]
#[path = "path_csv_tests.rs"]
mod tests;
