//! One data row of a source ([`Row`]): typed, located access to its fields, wherever the
//! row came from (a CSV record, a plain line, a table's row).

use std::cell::OnceCell;

use crate::csv_input::decimal::plain_decimal;
use crate::csv_input::table::{Batch, Cell, format_cell, int_millis};
use crate::csv_input::trim;
use crate::error::{Error, Location, Result};
use crate::time::{Millis, TIMESTAMP_EXPECTED, parse_timestamp};

/// Where a row is: a physical line of a file, or a table's row (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum At {
    Line(u64),
    Row(u64),
}

impl At {
    /// The location of column `col` (0-based; its header `name`) of the row here, in
    /// the input `file`.
    pub fn location(self, file: &str, col: usize, name: Option<String>) -> Location {
        match self {
            At::Line(l) => Location::line(file, l, Some(col + 1), name),
            At::Row(r) => Location::row(file, r, Some(col + 1), name),
        }
    }
}

pub(super) enum Data<'s> {
    Csv {
        record: &'s csv::ByteRecord,
        /// The row ended at the end of the input.
        last: bool,
    },
    /// A line of plain text known to be valid UTF-8.
    Plain {
        line: &'s str,
        /// Where each field ends in `line` (at its comma, or at the line's end).
        ends: &'s [usize],
        /// The text holds no NUL byte.
        nul_free: bool,
    },
    Table {
        batch: &'s Batch<'s>,
        index: usize,
        cells: &'s [OnceCell<String>],
    },
}

/// Field `col` of a plain line whose fields end at `ends` (each at its comma, the last at
/// the line's end).
pub(super) fn plain_field<'s>(line: &'s str, ends: &[usize], col: usize) -> &'s str {
    let start = if col == 0 { 0 } else { ends[col - 1] + 1 };
    &line[start..ends[col]]
}

/// One data row of a [`CsvSource`], with typed, located field access.
pub(crate) struct Row<'s> {
    pub(super) source: &'s str,
    pub(super) headers: &'s [String],
    pub(super) at: At,
    pub(super) data: Data<'s>,
}

impl<'s> Row<'s> {
    /// Where the row is, for a message: `line 5` or `row 4`.
    pub fn position(&self) -> String {
        match self.at {
            At::Line(l) => format!("line {l}"),
            At::Row(r) => format!("row {r}"),
        }
    }

    /// The location of a field.
    pub fn location(&self, col: usize) -> Location {
        self.at
            .location(self.source, col, self.headers.get(col).cloned())
    }

    /// Where the row is.
    pub fn at(&self) -> At {
        self.at
    }

    /// An error about a field. When a field of a CSV row spans several lines (a quoted
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

    /// Where a CSV row's quoted value spans lines, if one does.
    fn multiline_hint(&self) -> Option<String> {
        let (Data::Csv { record, last }, At::Line(line)) = (&self.data, self.at) else {
            return None;
        };
        let is_break = |b: &u8| *b == b'\n' || *b == b'\r';
        let column = record.iter().position(|f| f.iter().any(is_break))?;
        let breaks: usize = record
            .iter()
            .map(|f| {
                // In the input's last row (a quote left open to the end), the breaks
                // that end the field end its last line; they start no new one.
                let trailing = f.iter().rev().take_while(|b| is_break(b)).count();
                let end = f.len() - if *last { trailing } else { 0 };
                f[..end]
                    .iter()
                    .enumerate()
                    .filter(|&(i, b)| *b == b'\r' || (*b == b'\n' && (i == 0 || f[i - 1] != b'\r')))
                    .count()
            })
            .sum();
        let field = &record[column];
        let end = line + breaks as u64;
        if *last && field.last().is_some_and(is_break) {
            // The value runs to the end of the input, line break included: its quote
            // was never closed.
            return Some(format!(
                " (an unterminated quote: the quoted value in column {} opens on line {line} \
                 and is never closed, so lines {line}–{end} were read as part of it)",
                column + 1,
            ));
        }
        Some(format!(
            " (the quoted value in column {} opens on line {line} and runs to line {end}: if \
             its closing quote is missing, the lines after it were read as part of it)",
            column + 1,
        ))
    }

    /// Checks text bytes: UTF-8 without NUL bytes; the text trimmed.
    fn text<'t>(&self, col: usize, bytes: &'t [u8]) -> Result<&'t str> {
        match std::str::from_utf8(bytes) {
            Ok(s) => self.nul_free_text(col, s),
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

    /// Checks valid text for NUL bytes; the text trimmed.
    fn nul_free_text<'t>(&self, col: usize, s: &'t str) -> Result<&'t str> {
        match s.find('\0') {
            Some(at) => Err(self.error(
                col,
                format!(
                    "contains a NUL byte (at byte {} of the field); expected text",
                    at + 1
                ),
            )),
            None => Ok(trim(s)),
        }
    }

    /// Checks that a CSV row of `fields` fields has column `col`, and no more fields
    /// than the header.
    fn check_fields(&self, col: usize, found: usize) -> Result<()> {
        if found > self.headers.len() {
            // More fields than the header: an unquoted comma (a thousands separator) has
            // shifted the columns, and every value after it would be read wrongly.
            let extra = self.headers.len();
            return Err(self.error(
                extra,
                format!(
                    "the row has {} fields; the header has {} (an unquoted comma inside a \
                     value, such as a thousands separator, splits it: quote the value or \
                     remove the comma)",
                    found,
                    self.headers.len()
                ),
            ));
        }
        if col >= found {
            return Err(self.error(
                col,
                format!(
                    "the row has {}; the header has {}",
                    fields(found),
                    self.headers.len()
                ),
            ));
        }
        Ok(())
    }

    /// A table row's cell.
    fn cell(&self, col: usize) -> Option<Cell<'s>> {
        match &self.data {
            Data::Table { batch, index, .. } => Some(batch.columns[col].cell(*index)),
            Data::Csv { .. } | Data::Plain { .. } => None,
        }
    }

    /// The field's text, trimmed; an error if the row is too short or the bytes are
    /// not UTF-8. A table's null is empty text; its numbers and timestamps are written
    /// as a CSV file would hold them.
    pub fn str(&self, col: usize) -> Result<&'s str> {
        match &self.data {
            Data::Csv { record, .. } => {
                self.check_fields(col, record.len())?;
                self.text(col, &record[col])
            }
            Data::Plain {
                line,
                ends,
                nul_free,
            } => {
                self.check_fields(col, ends.len())?;
                let field = plain_field(line, ends, col);
                if *nul_free {
                    Ok(trim(field))
                } else {
                    self.nul_free_text(col, field)
                }
            }
            Data::Table {
                batch,
                index,
                cells,
            } => match batch.columns[col].cell(*index) {
                Cell::Null => Ok(""),
                Cell::Text(bytes) => self.text(col, bytes),
                Cell::Unsupported(what) => Err(self.error(
                    col,
                    format!(
                        "the column's type is {what}, which pathcredit does not read; cast it \
                         to text, integers, floats or timestamps (e.g. a decimal amount to \
                         DOUBLE)"
                    ),
                )),
                other => Ok(cells[col].get_or_init(|| format_cell(other)).as_str()),
            },
        }
    }

    /// The raw text of fields `first..=last` of a plain line, the commas between them
    /// included; `None` for a row that is not a plain line (quoted, or from a table) or
    /// that has no field `last`. Equal spans read as equal fields, so what was read from
    /// one span may be remembered for the next.
    pub fn plain_span(&self, first: usize, last: usize) -> Option<&'s str> {
        match &self.data {
            Data::Plain { line, ends, .. } if last < ends.len() && first <= last => {
                let start = if first == 0 { 0 } else { ends[first - 1] + 1 };
                Some(&line[start..ends[last]])
            }
            _ => None,
        }
    }

    /// A key of the raw contents of the fields `cols` (in increasing column order):
    /// rows with equal keys read as equal fields, so what was read from one row's fields
    /// may be remembered for the next with the same key. A plain line's key is the
    /// [`Row::plain_span`] of the fields when they stand side by side; a table row's is
    /// written into `buf`: each cell's bytes after their length, a null as a length of
    /// `u32::MAX`. `None` when there is none: fields apart on a plain line, a quoted
    /// row, a table cell that is not text or null, or a row without the fields.
    pub fn raw_key<'k>(&'k self, cols: &[usize], buf: &'k mut Vec<u8>) -> Option<&'k [u8]> {
        let (&first, &last) = (cols.first()?, cols.last()?);
        match &self.data {
            Data::Plain { .. } if last - first + 1 == cols.len() => {
                self.plain_span(first, last).map(str::as_bytes)
            }
            Data::Table { batch, index, .. } => {
                buf.clear();
                for &col in cols {
                    match batch.columns.get(col)?.cell(*index) {
                        Cell::Text(bytes) => {
                            buf.extend_from_slice(&u32::try_from(bytes.len()).ok()?.to_le_bytes());
                            buf.extend_from_slice(bytes);
                        }
                        Cell::Null => buf.extend_from_slice(&u32::MAX.to_le_bytes()),
                        _ => return None,
                    }
                }
                Some(buf)
            }
            _ => None,
        }
    }

    /// The field's text, or an error if it is empty.
    pub fn non_empty(&self, col: usize, what: &str) -> Result<&'s str> {
        let s = self.str(col)?;
        if s.is_empty() {
            return Err(self.error(col, format!("empty; expected {what}")));
        }
        Ok(s)
    }

    /// A timestamp: text in the formats of [`parse_timestamp`], an integer epoch (seconds
    /// or milliseconds), or a table's timestamp value.
    pub fn timestamp(&self, col: usize) -> Result<Millis> {
        let typed = match self.cell(col) {
            Some(Cell::Time(v, unit)) => Some(unit.to_millis(v)),
            Some(Cell::Int(v)) => Some(int_millis(v)),
            _ => None,
        };
        if let Some(millis) = typed {
            return millis.ok_or_else(|| {
                let text = self.str(col).unwrap_or_default();
                self.error(
                    col,
                    format!("`{text}` is not a timestamp; expected {TIMESTAMP_EXPECTED}"),
                )
            });
        }
        let text = self.non_empty(col, TIMESTAMP_EXPECTED)?;
        parse_timestamp(text).ok_or_else(|| {
            self.error(
                col,
                format!("`{text}` is not a timestamp; expected {TIMESTAMP_EXPECTED}"),
            )
        })
    }

    /// A timestamp in integer microseconds since the epoch (GA4's `event_timestamp`),
    /// floored to the millisecond; a table's timestamp value is read as it is.
    pub fn timestamp_micros(&self, col: usize) -> Result<Millis> {
        use crate::time::MICROS_EXPECTED as EXPECTED;
        let micros = match self.cell(col) {
            Some(Cell::Time(..)) => return self.timestamp(col),
            Some(Cell::Int(v)) => i64::try_from(v).ok(),
            _ => {
                let text = self.non_empty(col, EXPECTED)?.trim();
                text.parse::<i64>().ok()
            }
        };
        micros.map(|m| m.div_euclid(1000)).ok_or_else(|| {
            let text = self.str(col).unwrap_or_default();
            self.error(
                col,
                format!("`{text}` is not a timestamp; expected {EXPECTED}"),
            )
        })
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

    /// A finite, non-negative number. An empty field (a null) is `empty_as` when given,
    /// else an error.
    pub fn non_negative(&self, col: usize, empty_as: Option<f64>) -> Result<f64> {
        let typed = match self.cell(col) {
            Some(Cell::Float(v)) => Some(v),
            Some(Cell::Int(v)) => Some(v as f64),
            _ => None,
        };
        if let Some(v) = typed {
            return if v.is_finite() && v >= 0.0 {
                Ok(v + 0.0)
            } else {
                let s = self.str(col)?;
                Err(self.error(
                    col,
                    if v < 0.0 {
                        format!("`{s}` is negative; expected a non-negative number")
                    } else {
                        format!("`{s}` is not a number; expected a non-negative number")
                    },
                ))
            };
        }
        let s = self.str(col)?;
        if s.is_empty() {
            return empty_as
                .ok_or_else(|| self.error(col, "empty; expected a non-negative number"));
        }
        if let Some(v) = plain_decimal(s) {
            return Ok(v);
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

/// "1 field", "3 fields".
pub(super) fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".to_string()
    } else {
        format!("{n} fields")
    }
}
