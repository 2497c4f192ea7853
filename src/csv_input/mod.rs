//! Reading CSV inputs: headers, column remapping, located errors, skipped-row counts.
//!
//! Every reader in the library goes through one CSV source, so every input gets the same
//! behaviour: a header row is required; unknown extra columns are ignored; a missing
//! required column is an error listing the columns found; a bad value is an error
//! naming file, line and column and what was expected; with
//! [`ReadOptions::skip_bad_rows`] a bad row is skipped and counted by reason in the
//! [`ReadReport`] instead.

mod lines;

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::param::Param;
use lines::LineCounter;

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

/// Remapping of default column names to the headers a file actually uses, e.g.
/// `path → transformed_path` to read Fractribution's path summaries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    map: BTreeMap<String, String>,
}

impl ColumnMap {
    /// An empty map (every column under its default name).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the column `default` from the header `header`.
    pub fn set(mut self, default: impl Into<String>, header: impl Into<String>) -> Self {
        self.map.insert(default.into(), header.into());
        self
    }

    /// Adds (and overrides with) every remapping of `other`.
    pub fn extend(&mut self, other: ColumnMap) {
        self.map.extend(other.map);
    }

    /// Parses `NAME=HEADER` pairs.
    pub fn parse_pairs<I, S>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut map = Self::new();
        for pair in pairs {
            let pair = pair.as_ref();
            let Some((name, header)) = pair.split_once('=') else {
                return Err(Error::param(
                    Param::Columns,
                    format!("`{pair}`: expected NAME=HEADER, e.g. path=transformed_path"),
                ));
            };
            let (name, header) = (name.trim(), header.trim());
            if name.is_empty() || header.is_empty() {
                return Err(Error::param(
                    Param::Columns,
                    format!("`{pair}`: both NAME and HEADER must be non-empty"),
                ));
            }
            map = map.set(name, header);
        }
        Ok(map)
    }

    /// The header to look for in place of `default`.
    pub fn header<'a>(&'a self, default: &'a str) -> &'a str {
        self.map.get(default).map_or(default, String::as_str)
    }

    /// Fails if a remapped name is none of `known` (a typo would otherwise be silent).
    pub fn check_known(&self, what: &str, known: &[&str]) -> Result<()> {
        for name in self.map.keys() {
            if !known.contains(&name.as_str()) {
                return Err(Error::param(
                    Param::Columns,
                    format!(
                        "`{name}` is not a column of the {what} file; its columns are: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// True when nothing is remapped.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
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

/// A CSV input with its header read.
pub(crate) struct CsvSource<R: Read> {
    name: String,
    reader: csv::Reader<LineCounter<R>>,
    headers: Vec<String>,
    record: csv::ByteRecord,
}

impl<R: Read> CsvSource<R> {
    /// Opens a CSV stream and reads its header. `expected` lists the default column
    /// names, for the message about an empty file.
    pub fn new(input: R, name: &str, expected: &[&str]) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(LineCounter::new(input));
        let raw = reader
            .byte_headers()
            .map_err(|e| csv_error(name, e, 1))?
            .clone();
        if raw.is_empty() || (raw.len() == 1 && raw[0].iter().all(u8::is_ascii_whitespace)) {
            return Err(Error::EmptyFile {
                file: name.to_string(),
                expected: expected.join(","),
            });
        }
        let mut headers = Vec::with_capacity(raw.len());
        for (i, field) in raw.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|e| {
                Error::bad_value(
                    Location {
                        file: name.to_string(),
                        line: 1,
                        column: Some(i + 1),
                        column_name: None,
                    },
                    format!("header is not valid UTF-8 (byte {})", e.valid_up_to() + 1),
                )
            })?;
            headers.push(text.trim().trim_start_matches('\u{feff}').to_string());
        }
        Ok(Self {
            name: name.to_string(),
            reader,
            headers,
            record: csv::ByteRecord::new(),
        })
    }

    /// The index of column `default` (under its remapped header), if present; an error
    /// when the header names it twice (which one is meant cannot be known).
    pub fn optional(&self, default: &str, columns: &ColumnMap) -> Result<Option<usize>> {
        let header = columns.header(default);
        let mut at = self
            .headers
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == header)
            .map(|(i, _)| i);
        let first = at.next();
        if let (Some(a), Some(b)) = (first, at.next()) {
            return Err(Error::bad_value(
                Location {
                    file: self.name.clone(),
                    line: 1,
                    column: Some(b + 1),
                    column_name: Some(header.to_string()),
                },
                format!(
                    "the header names `{header}` twice (columns {} and {}); rename or remove one",
                    a + 1,
                    b + 1
                ),
            ));
        }
        Ok(first)
    }

    /// The index of a required column, or an error listing the columns found.
    pub fn required(&self, default: &str, columns: &ColumnMap) -> Result<usize> {
        self.optional(default, columns)?
            .ok_or_else(|| Error::MissingColumn {
                file: self.name.clone(),
                column: columns.header(default).to_string(),
                found: self.headers.join(", "),
            })
    }

    /// The next data row, or `None` at the end of the input.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {
                let byte = self.record.position().map_or(0, |p| p.byte());
                let lines = self.reader.get_mut();
                lines.forget_before(byte);
                let line = lines.line_of(byte);
                Ok(Some(Row {
                    source: &self.name,
                    headers: &self.headers,
                    record: &self.record,
                    line,
                    last: self.reader.get_ref().is_end(self.reader.position().byte()),
                }))
            }
            Ok(false) => Ok(None),
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| self.reader.get_ref().line_of(p.byte()));
                Err(csv_error(&self.name, e, line))
            }
        }
    }
}

fn csv_error(name: &str, err: csv::Error, line: u64) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(source) => Error::Io {
            file: name.to_string(),
            source,
        },
        other => Error::bad_value(
            Location {
                file: name.to_string(),
                line,
                column: None,
                column_name: None,
            },
            format!("malformed CSV: {other:?}"),
        ),
    }
}

/// "1 field", "3 fields".
fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".to_string()
    } else {
        format!("{n} fields")
    }
}

/// One data row of a [`CsvSource`], with typed, located field access.
pub(crate) struct Row<'a> {
    source: &'a str,
    headers: &'a [String],
    record: &'a csv::ByteRecord,
    line: u64,
    /// The row ended at the end of the input.
    last: bool,
}

impl<'a> Row<'a> {
    /// The 1-based line of the row.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The location of a field.
    pub fn location(&self, col: usize) -> Location {
        Location {
            file: self.source.to_string(),
            line: self.line,
            column: Some(col + 1),
            column_name: self.headers.get(col).cloned(),
        }
    }

    /// An error about a field. When a field of the row spans several lines (a quoted
    /// value holding line breaks), the message says so: a missing closing quote makes
    /// one field of the lines after it, which otherwise shows up as a puzzling count of
    /// fields or a bad value.
    pub fn error(&self, col: usize, message: impl Into<String>) -> Error {
        let mut message = message.into();
        if let Some(hint) = self.multiline_hint() {
            message.push_str(&hint);
        }
        Error::bad_value(self.location(col), message)
    }

    /// Where a row's quoted value spans lines, if one does.
    fn multiline_hint(&self) -> Option<String> {
        let is_break = |b: &u8| *b == b'\n' || *b == b'\r';
        let column = self.record.iter().position(|f| f.iter().any(is_break))?;
        let breaks: usize = self
            .record
            .iter()
            .map(|f| {
                // In the input's last row (a quote left open to the end), the breaks
                // that end the field end its last line; they start no new one.
                let trailing = f.iter().rev().take_while(|b| is_break(b)).count();
                let end = f.len() - if self.last { trailing } else { 0 };
                f[..end]
                    .iter()
                    .enumerate()
                    .filter(|&(i, b)| *b == b'\r' || (*b == b'\n' && (i == 0 || f[i - 1] != b'\r')))
                    .count()
            })
            .sum();
        let field = &self.record[column];
        if self.last && field.last().is_some_and(is_break) {
            // The value runs to the end of the input, line break included: its quote
            // was never closed.
            return Some(format!(
                " (an unterminated quote: the quoted value in column {} opens on line {} and \
                 is never closed, so lines {}–{} were read as part of it)",
                column + 1,
                self.line,
                self.line,
                self.line + breaks as u64
            ));
        }
        Some(format!(
            " (the quoted value in column {} opens on line {} and runs to line {}: if its \
             closing quote is missing, the lines after it were read as part of it)",
            column + 1,
            self.line,
            self.line + breaks as u64
        ))
    }

    /// The field's text, trimmed; an error if the row is too short or the bytes are
    /// not UTF-8.
    pub fn str(&self, col: usize) -> Result<&'a str> {
        if self.record.len() > self.headers.len() {
            // More fields than the header: an unquoted comma (a thousands separator) has
            // shifted the columns, and every value after it would be read wrongly.
            let extra = self.headers.len();
            return Err(self.error(
                extra,
                format!(
                    "the row has {} fields; the header has {} (an unquoted comma inside a \
                     value, such as a thousands separator, splits it: quote the value or \
                     remove the comma)",
                    self.record.len(),
                    self.headers.len()
                ),
            ));
        }
        let Some(bytes) = self.record.get(col) else {
            return Err(self.error(
                col,
                format!(
                    "the row has {}; the header has {}",
                    fields(self.record.len()),
                    self.headers.len()
                ),
            ));
        };
        match std::str::from_utf8(bytes) {
            Ok(s) if s.contains('\0') => Err(self.error(
                col,
                format!(
                    "contains a NUL byte (at byte {} of the field); expected text",
                    s.find('\0').unwrap_or(0) + 1
                ),
            )),
            Ok(s) => Ok(s.trim()),
            Err(e) => Err(self.error(
                col,
                format!(
                    "not valid UTF-8 (invalid byte 0x{:02x} at byte {} of the field)",
                    bytes[e.valid_up_to()],
                    e.valid_up_to() + 1
                ),
            )),
        }
    }

    /// The field's text, or an error if it is empty.
    pub fn non_empty(&self, col: usize, what: &str) -> Result<&'a str> {
        let s = self.str(col)?;
        if s.is_empty() {
            return Err(self.error(col, format!("empty; expected {what}")));
        }
        Ok(s)
    }

    /// Adds `value` (read from column `col`) to the column's running `total`; an error
    /// at this row when the total would no longer be a finite number, so an input whose
    /// sums overflow is refused instead of turning into `inf` (or 0) downstream.
    pub fn add_to_total(&self, col: usize, value: f64, total: &mut f64) -> Result<()> {
        let sum = *total + value;
        if !sum.is_finite() {
            return Err(self.error(
                col,
                format!(
                    "the column's total overflows at this row (it passes {:e}, the largest \
                     number pathcredit can add up); rescale the column, e.g. to thousands",
                    f64::MAX
                ),
            ));
        }
        *total = sum;
        Ok(())
    }

    /// A finite, non-negative number. An empty field is `empty_as` when given, else an error.
    pub fn non_negative(&self, col: usize, empty_as: Option<f64>) -> Result<f64> {
        let s = self.str(col)?;
        if s.is_empty() {
            return empty_as
                .ok_or_else(|| self.error(col, "empty; expected a non-negative number"));
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v + 0.0),
            Ok(v) if v.is_finite() => Err(self.error(
                col,
                format!("`{s}` is negative; expected a non-negative number"),
            )),
            _ => Err(self.error(
                col,
                format!("`{s}` is not a number; expected a non-negative number"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_map_parses_pairs_and_rejects_garbage() {
        let map =
            ColumnMap::parse_pairs(["path=transformed_path", " total_null = non_conversions "])
                .unwrap();
        assert_eq!(map.header("path"), "transformed_path");
        assert_eq!(map.header("total_null"), "non_conversions");
        assert_eq!(map.header("other"), "other");
        assert!(ColumnMap::parse_pairs(["path"]).is_err());
        assert!(ColumnMap::parse_pairs(["=x"]).is_err());
        let err = map.check_known("paths", &["path"]).unwrap_err().to_string();
        assert!(err.contains("total_null"), "{err}");
    }

    #[test]
    fn missing_column_lists_the_header() {
        let src = CsvSource::new("a,b\n1,2\n".as_bytes(), "x.csv", &["path"]).unwrap();
        let err = src
            .required("path", &ColumnMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("x.csv") && err.contains("`path`") && err.contains("a, b"),
            "{err}"
        );
    }
}
