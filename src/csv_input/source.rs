//! One source of records for every reader: a CSV stream or an in-memory table, with its
//! header, and rows with typed, located field access.

use std::cell::OnceCell;
use std::io::Read;

use crate::csv_input::Records;
use crate::csv_input::decimal::plain_decimal;
use crate::csv_input::lines::{LineCounter, TooLong};
use crate::csv_input::table::{Batch, Cell, Table, format_cell, int_millis};
use crate::csv_input::trim;
use crate::error::{Error, Location, Result};
use crate::time::{Millis, TIMESTAMP_EXPECTED, parse_timestamp};

use super::columns::Roles;

/// An input with its header read: a CSV stream or a table.
pub(crate) struct CsvSource<'a> {
    pub(super) name: String,
    pub(super) headers: Vec<String>,
    /// The columns the reader reads, by their default names, and those it looked up
    /// so far with the header each reads ([`CsvSource::optional`]).
    pub(super) roles: Roles,
    inner: Inner<'a>,
}

enum Inner<'a> {
    Csv {
        reader: csv::Reader<LineCounter<Box<dyn Read + 'a>>>,
        record: csv::ByteRecord,
    },
    /// Plain CSV text (no `"`, no `\r`) split at line breaks and commas directly.
    Plain(PlainLines<'a>),
    Table {
        table: Table<'a>,
        /// The batch and the row in it that come next.
        batch: usize,
        index: usize,
        /// The next row's position in the whole table (0-based).
        row: u64,
        /// Number and timestamp cells of the current row written as text, on demand.
        cells: Vec<OnceCell<String>>,
    },
}

impl<'a> CsvSource<'a> {
    /// Opens records of either kind and reads their header. `expected` lists the
    /// default column names, for the message about an empty input (and, with every
    /// column looked up later, for [`CsvSource::optional`]'s check that no two columns
    /// read one header).
    pub fn open(records: Records<'a>, name: &str, expected: &[&str]) -> Result<Self> {
        match records {
            Records::Csv(input) => Self::open_csv(input, name, expected),
            Records::Table(table) => Self::open_table(table, name, expected),
        }
    }

    fn open_csv(input: Box<dyn Read + 'a>, name: &str, expected: &[&str]) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(LineCounter::new(input));
        let raw = reader
            .byte_headers()
            .map_err(|e| csv_error(name, e, 1))?
            .clone();
        let end = reader.position().byte();
        reader.get_mut().record_ends(end);
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
                    Location::line(name, 1, Some(i + 1), None),
                    format!("header is not valid UTF-8 (byte {})", e.valid_up_to() + 1),
                )
            })?;
            headers.push(text.trim().trim_start_matches('\u{feff}').to_string());
        }
        Ok(Self {
            name: name.to_string(),
            headers,
            roles: Roles::new(expected),
            inner: Inner::Csv {
                reader,
                record: csv::ByteRecord::new(),
            },
        })
    }

    /// Rows of a CSV stream that continues a file whose header was read elsewhere: the
    /// stream's first byte starts physical line `line`, and `headers` are the file's.
    pub fn continue_csv(
        input: Box<dyn Read + 'a>,
        name: &str,
        headers: Vec<String>,
        line: u64,
    ) -> Self {
        let reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .buffer_capacity(1 << 16)
            .from_reader(LineCounter::starting_at(input, line));
        Self {
            name: name.to_string(),
            headers,
            roles: Roles::default(),
            inner: Inner::Csv {
                reader,
                record: csv::ByteRecord::new(),
            },
        }
    }

    /// Continues reading plain CSV text, lines starting with line `line`: text holding
    /// no `"` and no `\r`, where every line is one record and every comma ends a field
    /// (the records the CSV reader gives for it, blank lines skipped as it skips them,
    /// without its general machinery).
    pub fn continue_plain(bytes: &'a [u8], name: &str, headers: Vec<String>, line: u64) -> Self {
        debug_assert!(memchr::memchr2(b'"', b'\r', bytes).is_none());
        Self {
            name: name.to_string(),
            headers,
            roles: Roles::default(),
            inner: Inner::Plain(PlainLines {
                bytes,
                text: std::str::from_utf8(bytes).ok(),
                nul_free: memchr::memchr(0, bytes).is_none(),
                next: 0,
                line,
                record: csv::ByteRecord::new(),
                ends: Vec::new(),
            }),
        }
    }

    /// True when the source is an in-memory table (its rows are counted, not lines).
    pub(super) fn is_table(&self) -> bool {
        matches!(self.inner, Inner::Table { .. })
    }

    /// The header's column names (trimmed).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    fn open_table(table: Table<'a>, name: &str, expected: &[&str]) -> Result<Self> {
        if table.names.is_empty() {
            return Err(Error::EmptyFile {
                file: name.to_string(),
                expected: expected.join(","),
            });
        }
        for batch in &table.batches {
            if batch.columns.len() != table.names.len() {
                return Err(Error::bad_value(
                    Location::line(name, 0, None, None),
                    format!(
                        "a batch of the table has {} columns; its schema names {}",
                        batch.columns.len(),
                        table.names.len()
                    ),
                ));
            }
            for (c, column) in batch.columns.iter().enumerate() {
                column.check(batch.rows).map_err(|why| {
                    Error::bad_value(
                        Location::row(name, 0, Some(c + 1), Some(table.names[c].clone())),
                        format!("the column's data are malformed: {why}"),
                    )
                })?;
            }
        }
        let headers = table.names.iter().map(|n| n.trim().to_string()).collect();
        let cells = (0..table.names.len()).map(|_| OnceCell::new()).collect();
        Ok(Self {
            name: name.to_string(),
            headers,
            roles: Roles::new(expected),
            inner: Inner::Table {
                table,
                batch: 0,
                index: 0,
                row: 0,
                cells,
            },
        })
    }

    /// The next data row, or `None` at the end of the input.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        let (name, headers) = (&self.name, &self.headers);
        match &mut self.inner {
            Inner::Csv { reader, record } => match reader.read_byte_record(record) {
                Ok(true) => {
                    let byte = record.position().map_or(0, |p| p.byte());
                    let lines = reader.get_mut();
                    lines.forget_before(byte);
                    let line = lines.line_of(byte);
                    let end = reader.position().byte();
                    reader.get_mut().record_ends(end);
                    let last = reader.get_ref().is_end(end);
                    Ok(Some(Row {
                        source: name,
                        headers,
                        at: At::Line(line),
                        data: Data::Csv { record, last },
                    }))
                }
                Ok(false) => Ok(None),
                Err(e) => {
                    let line = e
                        .position()
                        .map_or(0, |p| reader.get_ref().line_of(p.byte()));
                    Err(csv_error(name, e, line))
                }
            },
            Inner::Plain(lines) => Ok(lines.next_record().map(|(line, data)| Row {
                source: name,
                headers,
                at: At::Line(line),
                data,
            })),
            Inner::Table {
                table,
                batch,
                index,
                row,
                cells,
            } => {
                while *batch < table.batches.len() && *index >= table.batches[*batch].rows {
                    *batch += 1;
                    *index = 0;
                }
                if *batch >= table.batches.len() {
                    return Ok(None);
                }
                for cell in cells.iter_mut() {
                    cell.take();
                }
                let at = At::Row(*row);
                let i = *index;
                *index += 1;
                *row += 1;
                Ok(Some(Row {
                    source: name,
                    headers,
                    at,
                    data: Data::Table {
                        batch: &table.batches[*batch],
                        index: i,
                        cells,
                    },
                }))
            }
        }
    }
}

/// Plain CSV text read line by line.
struct PlainLines<'a> {
    bytes: &'a [u8],
    /// The whole text, when it is valid UTF-8 (checked once, not field by field: a
    /// field cut at commas and line breaks of valid text is valid text).
    text: Option<&'a str>,
    /// True when the text holds no NUL byte.
    nul_free: bool,
    /// Where the next line starts.
    next: usize,
    /// Its line number.
    line: u64,
    /// The fields of a line of text that is not valid UTF-8, checked field by field.
    record: csv::ByteRecord,
    /// Where each field of a line of valid text ends, from the line's start.
    ends: Vec<usize>,
}

impl PlainLines<'_> {
    /// The next record with its line number; blank lines are stepped over.
    fn next_record(&mut self) -> Option<(u64, Data<'_>)> {
        let bytes = self.bytes;
        while bytes.get(self.next) == Some(&b'\n') {
            self.next += 1;
            self.line += 1;
        }
        if self.next >= bytes.len() {
            return None;
        }
        let start = self.next;
        let line = self.line;
        if let Some(text) = self.text {
            self.ends.clear();
            let len = split_line(&bytes[start..], &mut self.ends);
            let end = start + len;
            self.next = (end + 1).min(bytes.len());
            self.line += 1;
            self.ends.push(len);
            let data = Data::Plain {
                line: &text[start..end],
                ends: &self.ends,
                nul_free: self.nul_free,
            };
            return Some((line, data));
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        self.next = (end + 1).min(bytes.len());
        self.line += 1;
        let fields = memchr::memchr_iter(b',', &bytes[start..end]);
        self.record.clear();
        let mut field = start;
        for comma in fields {
            self.record.push_field(&bytes[field..start + comma]);
            field = start + comma + 1;
        }
        self.record.push_field(&bytes[field..end]);
        let last = end + 1 >= bytes.len();
        let data = Data::Csv {
            record: &self.record,
            last,
        };
        Some((line, data))
    }
}

/// Splits the line at the start of `rest`: pushes where each comma is (from the line's
/// start) to `ends` and returns the line's length (up to its `\n`, or all of `rest`).
///
/// One pass over the line finds its commas and its end (lines are short: a vector search
/// started afresh for every field costs more), eight bytes at a time: in a word `w`,
/// the bytes equal to `b` are the zero bytes of `w ^ b·0x0101…`, and the zero bytes of
/// `x` are the bytes whose high bit is clear in `((x & 0x7f…) + 0x7f…) | x` (no carry
/// crosses a byte, so the mask is exact).
fn split_line(rest: &[u8], ends: &mut Vec<usize>) -> usize {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zero_bytes = |x: u64| !(((x & LOW) + LOW) | x | LOW);
    let mut words = rest.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let mut commas = zero_bytes(w ^ 0x2c2c_2c2c_2c2c_2c2c);
        let newlines = zero_bytes(w ^ 0x0a0a_0a0a_0a0a_0a0a);
        if newlines != 0 {
            // Only the commas before the line's end.
            let newline = newlines.trailing_zeros();
            commas &= (1u64 << newline) - 1;
            push_bytes(commas, at, ends);
            return at + (newline / 8) as usize;
        }
        push_bytes(commas, at, ends);
        at += 8;
    }
    for &b in words.remainder() {
        match b {
            b',' => ends.push(at),
            b'\n' => return at,
            _ => {}
        }
        at += 1;
    }
    at
}

/// Pushes `at + i` for each byte `i` of a word whose high bit is set in `mask`.
fn push_bytes(mut mask: u64, at: usize, ends: &mut Vec<usize>) {
    while mask != 0 {
        ends.push(at + (mask.trailing_zeros() / 8) as usize);
        mask &= mask - 1;
    }
}

fn csv_error(name: &str, err: csv::Error, line: u64) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(source) => {
            match source.get_ref().and_then(|e| e.downcast_ref::<TooLong>()) {
                Some(too_long) => Error::bad_value(
                    Location::line(name, too_long.line, None, None),
                    too_long.to_string(),
                ),
                None => Error::Io {
                    file: name.to_string(),
                    source,
                },
            }
        }
        other => Error::bad_value(
            Location::line(name, line, None, None),
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

enum Data<'s> {
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
fn plain_field<'s>(line: &'s str, ends: &[usize], col: usize) -> &'s str {
    let start = if col == 0 { 0 } else { ends[col - 1] + 1 };
    &line[start..ends[col]]
}

/// One data row of a [`CsvSource`], with typed, located field access.
pub(crate) struct Row<'s> {
    source: &'s str,
    headers: &'s [String],
    at: At,
    data: Data<'s>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every row of a source: its line and its fields.
    fn rows(mut source: CsvSource<'_>) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut out = Vec::new();
        while let Some(row) = source.next_row().unwrap() {
            let At::Line(line) = row.at else {
                unreachable!("a CSV row");
            };
            let fields = match &row.data {
                Data::Csv { record, .. } => record.iter().map(<[u8]>::to_vec).collect(),
                Data::Plain { line, ends, .. } => (0..ends.len())
                    .map(|col| plain_field(line, ends, col).as_bytes().to_vec())
                    .collect(),
                Data::Table { .. } => unreachable!("a CSV row"),
            };
            out.push((line, fields));
        }
        out
    }

    /// A plain line's span runs from its first field's start to its last field's end,
    /// commas between included and nothing trimmed; rows the CSV reader reads and spans
    /// past the last field have none; a key is the span of fields side by side.
    #[test]
    fn plain_spans_are_raw_runs_of_fields() {
        let headers: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let text = "1, two ,3\n\u{e9},,x,y\n".as_bytes();
        let mut plain = CsvSource::continue_plain(text, "f.csv", headers.clone(), 2);
        let row = plain.next_row().unwrap().unwrap();
        assert_eq!(row.plain_span(0, 0), Some("1"));
        assert_eq!(row.plain_span(1, 2), Some(" two ,3"));
        assert_eq!(row.plain_span(0, 2), Some("1, two ,3"));
        assert_eq!(row.plain_span(1, 3), None);
        assert_eq!(row.plain_span(2, 1), None);
        let mut buf = Vec::new();
        assert_eq!(row.raw_key(&[0, 1], &mut buf), Some(&b"1, two "[..]));
        assert_eq!(row.raw_key(&[0, 2], &mut buf), None, "fields apart");
        assert_eq!(row.raw_key(&[], &mut buf), None);
        let row = plain.next_row().unwrap().unwrap();
        assert_eq!(row.plain_span(0, 1), Some("\u{e9},"));
        assert_eq!(row.plain_span(1, 3), Some(",x,y"));
        let mut csv = CsvSource::continue_csv(Box::new(text), "f.csv", headers, 2);
        let row = csv.next_row().unwrap().unwrap();
        assert_eq!(row.plain_span(0, 0), None);
    }

    proptest! {
        /// Plain text (blank lines, empty fields, spaces, multi-byte characters, a last
        /// line with or without its break) gives the rows and line numbers the CSV
        /// reader gives.
        #[test]
        fn plain_lines_equal_the_csv_reader(text in "[a, \n\u{e9}]{0,40}", first in 2u64..9) {
            let headers = vec!["x".to_string()];
            let plain = CsvSource::continue_plain(text.as_bytes(), "f.csv", headers.clone(), first);
            let csv = CsvSource::continue_csv(
                Box::new(text.as_bytes()),
                "f.csv",
                headers,
                first,
            );
            prop_assert_eq!(rows(plain), rows(csv));
        }

        /// A line splits eight bytes at a time as a byte-by-byte scan splits it: the same
        /// commas, the same end, whatever the bytes around them (multi-byte characters,
        /// bytes with the high bit set, NULs) and wherever they fall in a word.
        #[test]
        fn lines_split_as_a_byte_scan_splits_them(
            text in proptest::collection::vec(
                proptest::sample::select(b"a,\n\xc3\xa9\xff\x00\x2d\x0b\xac\x8a".to_vec()), 0..100),
        ) {
            let mut by_byte = Vec::new();
            let mut len = text.len();
            for (i, &b) in text.iter().enumerate() {
                if b == b',' {
                    by_byte.push(i);
                } else if b == b'\n' {
                    len = i;
                    break;
                }
            }
            let mut by_word = vec![99];
            by_word.clear();
            prop_assert_eq!(split_line(&text, &mut by_word), len);
            prop_assert_eq!(by_word, by_byte);
        }

        /// Every field read from plain bytes (invalid UTF-8, NUL bytes, multi-byte
        /// characters, short and long rows) gives the text, or the error, that reading
        /// it through the CSV reader gives.
        #[test]
        fn plain_fields_read_as_the_csv_reader_reads_them(
            text in proptest::collection::vec(
                proptest::sample::select(b"a, \n\xc3\xa9\xff\x00".to_vec()), 0..80),
        ) {
            let headers = vec!["x".to_string(), "y".to_string()];
            let read = |mut source: CsvSource<'_>| {
                let mut out = Vec::new();
                while let Some(row) = source.next_row().unwrap() {
                    for col in 0..3 {
                        out.push(row.str(col).map(str::to_string).map_err(|e| e.to_string()));
                    }
                }
                out
            };
            let plain = CsvSource::continue_plain(&text, "f.csv", headers.clone(), 2);
            let csv = CsvSource::continue_csv(Box::new(&text[..]), "f.csv", headers, 2);
            prop_assert_eq!(read(plain), read(csv));
        }
    }
}
