//! One source of records for every reader: a CSV stream or an in-memory table, with its
//! header, and rows with typed, located field access.

use std::cell::OnceCell;
use std::io::Read;

use crate::csv_input::Records;
use crate::csv_input::lines::{LineCounter, TooLong};
use crate::csv_input::table::Table;
use crate::error::{Error, Location, Result};

use super::columns::Roles;
use super::plain_lines::PlainLines;
use super::row::{At, Data, Row};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_input::plain_lines::split_line;
    use crate::csv_input::row::plain_field;
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
