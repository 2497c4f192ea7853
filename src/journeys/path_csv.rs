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
//! Other layouts are read by remapping columns; Fractribution's
//! `transformed_path,conversions,non_conversions,revenue` is [`ColumnMap`] preset
//! [`fractribution_columns`].

use crate::channel::{ChannelId, Dictionary};
use crate::csv_input::parallel::{
    InOrder, ParallelCsv, RowsPart, might_overflow, parse_in_parts, total_after,
};
use crate::csv_input::{ColumnMap, CsvSource, ReadOptions, ReadReport, Records, Row, open_file};
use crate::error::{Error, Result};
use crate::journeys::path_steps::PathSteps;
use crate::journeys::path_table::{PathTable, PathTableBuilder};
use crate::param::{Choice, Param, choice_str};
use std::io::{Read, Write};
use std::path::Path;

/// Default column names of a path summary.
pub const PATH_COLUMNS: [&str; 4] = [
    "path",
    "total_conversions",
    "total_conversion_value",
    "total_null",
];

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
    /// Fractribution's `transformed_path,conversions,non_conversions,revenue`.
    Fractribution,
}

impl Choice for PathsPreset {
    const PARAM: Param = Param::PathsPreset;
    const ALL: &'static [Self] = &[PathsPreset::Fractribution];
    fn name(self) -> &'static str {
        match self {
            PathsPreset::Fractribution => "fractribution",
        }
    }
}

choice_str!(PathsPreset);

impl PathsPreset {
    /// The preset's column remapping.
    pub fn columns(self) -> ColumnMap {
        match self {
            PathsPreset::Fractribution => fractribution_columns(),
        }
    }
}

/// Options for reading a path summary.
#[derive(Clone, Debug)]
pub struct PathReadOptions {
    /// Shared reader options (bad-row policy, column remapping).
    pub read: ReadOptions,
    /// The separator between channels in a path; default `>`.
    pub separator: String,
}

impl Default for PathReadOptions {
    fn default() -> Self {
        Self {
            read: ReadOptions::default(),
            separator: ">".to_string(),
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
        self.read.columns.check_known("path summary", &PATH_COLUMNS)
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
        for k in 0..3 {
            self.totals[k] = total_after(self.totals[k], part.start[k], part.totals[k]);
        }
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
        let conv_col = src.required("total_conversions", columns)?;
        let value_col = src.optional("total_conversion_value", columns)?;
        let null_col = src.optional("total_null", columns)?;

        let separator = options.separator.trim().to_string();
        let parse_row = |row: &Row<'_>, part: &mut PathPart| -> Result<(f64, f64, f64)> {
            let text = row.str(path_col)?;
            if text.is_empty() {
                return Err(row.error(path_col, "empty path; expected channels separated by `>`"));
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
            let conversions = row.non_negative(conv_col, None)?;
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
                None => 0.0,
            };
            for (tried, v) in part.tried.iter_mut().zip([conversions, value, nulls]) {
                *tried += v;
            }
            let mut sums = part.totals;
            row.add_to_total(conv_col, conversions, &mut sums[0])?;
            if let Some(c) = value_col {
                row.add_to_total(c, value, &mut sums[1])?;
            }
            if let Some(c) = null_col {
                row.add_to_total(c, nulls, &mut sums[2])?;
            }
            part.totals = sums;
            Ok((conversions, value, nulls))
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
                        Ok((c, v, n)) => {
                            part.rows.push((part.steps.len() - mark, c, v, n));
                            Ok(())
                        }
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
        };
        csv.read(&parse, &mut merger)?;
        let PathMerger {
            builder, report, ..
        } = merger;
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
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(PathTable, ReadReport)> {
        PathTable::read_csv(text.as_bytes(), "paths.csv", &PathReadOptions::default())
    }

    /// Paths are written field by field with reused buffers: a channel with a comma and
    /// a quote is quoted, counts keep their shortest exact text, and the file reads back
    /// as the table it was written from.
    #[test]
    fn writes_quoted_paths_and_exact_counts() {
        let mut b = PathTable::builder();
        b.push(&["x,\"y", "z"], 1.0, 2.5, 3.0);
        b.push(&["z"], 0.0, 0.0, 1.0);
        b.push(&["z"], 0.1, 0.2, 0.0);
        let table = b.finish();
        let mut out = Vec::new();
        table.write_csv_separated(&mut out, ">").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "path,total_conversions,total_conversion_value,total_null\n\
             \"x,\"\"y > z\",1,2.5,3\n\
             z,0.1,0.2,1\n"
        );
        assert_eq!(read(&text).unwrap().0, table);
    }

    #[test]
    fn reads_trims_and_keeps_fractions() {
        let (t, report) = read(
            "path,total_conversions,total_conversion_value,total_null\n\
             \" search >email \",1.5,30,2\nemail,0.25,,\nsearch > email,1,10,0\n",
        )
        .unwrap();
        assert_eq!(report.rows_read, 3);
        assert_eq!(t.len(), 2);
        assert_eq!(t.path_string(1), "search > email");
        assert_eq!(t.row(1).conversions, 2.5);
        assert_eq!(t.row(0).conversions, 0.25);
        assert_eq!(t.row(0).nulls, 0.0);
    }

    #[test]
    fn reads_fractribution_by_remapping() {
        let opts = PathReadOptions {
            read: ReadOptions::default().columns(fractribution_columns()),
            ..PathReadOptions::default()
        };
        let (t, _) = PathTable::read_csv(
            "transformed_path,conversions,non_conversions,revenue\na > b,2,5,40\n".as_bytes(),
            "f.csv",
            &opts,
        )
        .unwrap();
        assert_eq!(t.total_conversions(), 2.0);
        assert_eq!(t.total_nulls(), 5.0);
        assert_eq!(t.total_value(), 40.0);
    }

    #[test]
    fn write_then_read_is_identity() {
        let (t, _) = read(
            "path,total_conversions,total_conversion_value,total_null\nb > a,0.1,3.3,7\na,2,0,1\n",
        )
        .unwrap();
        let mut buf = Vec::new();
        t.write_csv(&mut buf).unwrap();
        let (back, _) = read(std::str::from_utf8(&buf).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    /// Issue 14, item 5: a channel holding the separator is refused, not written as a
    /// path that reads back with other channels; another separator writes it faithfully.
    #[test]
    fn a_channel_holding_the_separator_is_refused_or_written_with_another() {
        let opts = PathReadOptions {
            separator: "|".to_string(),
            ..PathReadOptions::default()
        };
        let (t, _) = PathTable::read_csv(
            "path,total_conversions\nsearch>brand | email,1\n".as_bytes(),
            "paths.csv",
            &opts,
        )
        .unwrap();
        let err = t.write_csv(Vec::new()).unwrap_err().to_string();
        assert!(
            err.contains("`search>brand`") && err.contains("path_separator"),
            "{err}"
        );
        let mut buf = Vec::new();
        t.write_csv_separated(&mut buf, "|").unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("search>brand | email,1,"), "{text}");
        let (back, _) = PathTable::read_csv(text.as_bytes(), "paths.csv", &opts).unwrap();
        assert_eq!(back, t);
    }
}

#[cfg(test)]
mod reader_tests {
    use super::*;

    /// 5,000 rows (three batches for the table-building thread) with bad rows far past
    /// the first batch: skipped, they leave neither counts nor channel names behind;
    /// not skipped, the first one is the error, at its line.
    fn file() -> String {
        let mut csv = String::from("path,total_conversions,total_null\n");
        for i in 0..5000 {
            match i {
                3000 => csv.push_str("only_in_bad_row > a,x,1\n"),
                4000 => csv.push_str("a > ,1,1\n"),
                _ => csv.push_str(&format!("c{} > c{},1,2\n", i % 7, (i + 1) % 5)),
            }
        }
        csv
    }

    #[test]
    fn bad_rows_past_the_first_batch_are_skipped_or_reported_at_their_line() {
        let mut options = PathReadOptions::default();
        options.read.skip_bad_rows = true;
        let (table, report) = PathTable::read_csv(file().as_bytes(), "p.csv", &options).unwrap();
        assert_eq!(report.rows_read, 5000);
        assert_eq!(report.rows_skipped, 2);
        assert_eq!(table.total_conversions(), 4998.0);
        assert_eq!(table.total_nulls(), 2.0 * 4998.0);
        assert!(table.channels().id("only_in_bad_row").is_none());
        let err = PathTable::read_csv(file().as_bytes(), "p.csv", &PathReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3002") && err.contains("total_conversions"),
            "{err}"
        );
    }

    /// Reading in blocks on every core equals one thread (a quoted header sends the whole
    /// file to one thread): the table, the report, the first error; also with a total
    /// that overflows far into the file, and a quote halfway that hands the rest over.
    #[test]
    fn blocks_read_in_parallel_equal_one_thread() {
        let body = file();
        let body = body.split_once('\n').unwrap().1;
        let mut overflowing = String::new();
        for i in 0..60 {
            let nulls = if i % 20 == 19 { "1e308" } else { "1" };
            overflowing.push_str(&format!("c{} > c{},1,0,{nulls}\n", i % 3, i % 4));
        }
        let half = body.len() / 2;
        let later_quote = format!(
            "{}{}",
            &body[..half],
            body[half..].replace("c3 >", "\"c3\" >")
        );
        let outcome = |text: String, skip: bool| {
            let mut options = PathReadOptions::default();
            options.read.skip_bad_rows = skip;
            match PathTable::read_csv(text.as_bytes(), "p.csv", &options) {
                Ok((table, report)) => format!("{table:?} {report:?}"),
                Err(e) => format!("error: {e}"),
            }
        };
        let header = "path,total_conversions,total_conversion_value,total_null\n";
        let quoted = "\"path\",total_conversions,total_conversion_value,total_null\n";
        for rows in [body, &overflowing, &later_quote] {
            for skip in [false, true] {
                let parallel = outcome(format!("{header}{rows}"), skip);
                assert_eq!(parallel, outcome(format!("{quoted}{rows}"), skip));
            }
        }
        let err = outcome(format!("{header}{overflowing}"), false);
        assert!(
            err.contains("line 41") && err.contains("overflows"),
            "{err}"
        );
    }
}
