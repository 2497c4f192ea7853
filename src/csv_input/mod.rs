//! Reading CSV inputs: headers, column remapping, located errors, skipped-row counts.
//!
//! Every reader in the library goes through one CSV source, so every input gets the same
//! behaviour: a header row is required; unknown extra columns are ignored; a missing
//! required column is an error listing the columns found; a bad value is an error
//! naming file, line and column and what was expected; with
//! [`ReadOptions::skip_bad_rows`] a bad row is skipped and counted by reason in the
//! [`ReadReport`] instead.

mod columns;
mod decimal;
mod lines;
pub(crate) mod parallel;
mod plain_lines;
mod row;
mod source;
pub mod table;
mod trim;

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;

use crate::error::{Error, Result};
pub use columns::ColumnMap;
pub use lines::{MAX_LINE_BYTES, MAX_RECORD_LINES};
pub(crate) use row::{At, Row};
pub(crate) use source::CsvSource;
pub use table::Table;
pub(crate) use trim::trim;

/// What a reader reads: a CSV stream, or an in-memory [`Table`] (Arrow's layout, e.g.
/// a DataFrame handed over by the Python package). Both are read by the same rules.
pub enum Records<'a> {
    /// A CSV stream with a header row.
    Csv(Box<dyn Read + 'a>),
    /// A table of named columns.
    Table(Table<'a>),
}

impl<'a> Records<'a> {
    /// A CSV stream.
    pub fn csv(reader: impl Read + 'a) -> Self {
        Records::Csv(Box::new(reader))
    }
}

/// How many skipped-row messages a [`ReadReport`] keeps as examples.
const SKIP_EXAMPLES: usize = 5;

/// Options shared by every input reader.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadOptions {
    /// Skip rows with bad values (and count them in the [`ReadReport`]) instead of
    /// failing on the first one. Off by default: bad input is an error.
    pub skip_bad_rows: bool,
    /// Header names to read instead of the default column names.
    pub columns: ColumnMap,
}

impl ReadOptions {
    /// Sets [`ReadOptions::skip_bad_rows`].
    pub fn skip_bad_rows(mut self, skip: bool) -> Self {
        self.skip_bad_rows = skip;
        self
    }

    /// Sets [`ReadOptions::columns`].
    pub fn columns(mut self, columns: ColumnMap) -> Self {
        self.columns = columns;
        self
    }
}

/// What a reader read and what it skipped.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReadReport {
    /// The input's name.
    pub file: String,
    /// Data rows read (excluding the header), skipped ones included.
    pub rows_read: u64,
    /// Rows skipped because of bad values (only with `skip_bad_rows`).
    pub rows_skipped: u64,
    /// Skipped rows by reason.
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// The first few skipped rows' error messages.
    pub skipped_examples: Vec<String>,
}

/// Reads the header of a CSV stream (its column names, trimmed), by the rules every
/// reader follows (quotes, a byte-order mark, a line of at most [`MAX_LINE_BYTES`]);
/// `expected` lists the columns an empty input is told to have.
pub fn read_header(input: impl Read, name: &str, expected: &[&str]) -> Result<Vec<String>> {
    Ok(CsvSource::open(Records::csv(input), name, expected)?
        .headers()
        .to_vec())
}

/// Opens a file for reading; the error names the file.
pub fn open_file(path: &std::path::Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|source| Error::Io {
        file: path.display().to_string(),
        source,
    })
}

impl ReadReport {
    /// A report for the input `file`.
    pub fn new(file: &str) -> Self {
        Self {
            file: file.to_string(),
            ..Self::default()
        }
    }

    /// Applies the bad-row policy to one row's result: `Ok(Some)` for a good row,
    /// `Ok(None)` for a bad row that is skipped and counted (with `skip`), the error
    /// otherwise.
    pub(crate) fn keep_or_skip<T>(&mut self, row: Result<T>, skip: bool) -> Result<Option<T>> {
        match row {
            Ok(value) => Ok(Some(value)),
            Err(err @ Error::BadValue { .. }) if skip => {
                self.skip(&err);
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }

    /// Fails when the input had no data rows, or when every row was skipped.
    pub(crate) fn check_usable(&self) -> Result<()> {
        if self.rows_read == 0 {
            return Err(Error::NoRows {
                file: self.file.clone(),
            });
        }
        if self.rows_skipped == self.rows_read {
            return Err(Error::NoUsableRows {
                file: self.file.clone(),
                skipped: self.rows_skipped,
                first: self.skipped_examples.first().cloned().unwrap_or_default(),
            });
        }
        Ok(())
    }

    /// Adds the counts of a report of later rows of the same input (examples kept up to
    /// the limit, in order).
    pub(crate) fn absorb(&mut self, later: &ReadReport) {
        self.rows_read += later.rows_read;
        self.rows_skipped += later.rows_skipped;
        for (reason, n) in &later.skipped_by_reason {
            *self.skipped_by_reason.entry(reason.clone()).or_insert(0) += n;
        }
        let room = SKIP_EXAMPLES.saturating_sub(self.skipped_examples.len());
        let more = later.skipped_examples.iter().take(room).cloned();
        self.skipped_examples.extend(more);
    }

    /// Counts a skipped row.
    pub(crate) fn skip(&mut self, err: &Error) {
        self.rows_skipped += 1;
        let reason = match err {
            Error::BadValue { location, .. } => match &location.column_name {
                Some(name) => format!("bad {name}"),
                None => "malformed row".to_string(),
            },
            _ => "malformed row".to_string(),
        };
        *self.skipped_by_reason.entry(reason).or_insert(0) += 1;
        if self.skipped_examples.len() < SKIP_EXAMPLES {
            self.skipped_examples.push(err.to_string());
        }
    }

    /// One line for a human: rows read and skipped, by reason.
    pub fn describe(&self) -> String {
        let mut line = format!("{}: {} rows read", self.file, self.rows_read);
        if self.rows_skipped > 0 {
            let reasons: Vec<String> = self
                .skipped_by_reason
                .iter()
                .map(|(reason, n)| format!("{n} {reason}"))
                .collect();
            line += &format!(", {} skipped ({})", self.rows_skipped, reasons.join(", "));
        }
        line
    }
}
