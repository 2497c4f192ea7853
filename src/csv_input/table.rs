//! In-memory tables in Arrow's columnar layout, read by the same readers as CSV files.
//!
//! A front end that holds its data as Arrow arrays (the Python package: pandas, pyarrow,
//! polars and DuckDB objects all export the Arrow C stream interface) hands the readers
//! borrowed slices of those arrays, without copying them and without the core crate
//! depending on an Arrow implementation. A [`Table`] is a list of record batches with
//! named columns; each column is one of a few physical layouts ([`Column`]): text
//! (UTF-8 with 32- or 64-bit offsets), integers, floats, timestamps, booleans,
//! dictionary-encoded values, or all nulls. A null reads as an empty field, exactly as
//! an empty CSV field does, so every rule of the CSV formats holds unchanged.

use crate::time::{Millis, epoch_to_millis};

/// A validity bitmap (bit `offset + i`, least significant bit first, set when row `i`
/// holds a value), as Arrow stores it.
#[derive(Clone, Copy, Debug)]
pub struct Bitmap<'a> {
    /// The bits.
    pub bits: &'a [u8],
    /// The position of row 0's bit.
    pub offset: usize,
}

impl Bitmap<'_> {
    /// True when row `i` holds a value.
    pub fn is_set(&self, i: usize) -> bool {
        let bit = self.offset + i;
        self.bits
            .get(bit / 8)
            .is_some_and(|b| b >> (bit % 8) & 1 == 1)
    }
}

/// Offsets into a text column's bytes: row `i` is `data[offsets[i]..offsets[i + 1]]`.
#[derive(Clone, Copy, Debug)]
pub enum Offsets<'a> {
    /// 32-bit offsets (Arrow `utf8`).
    I32(&'a [i32]),
    /// 64-bit offsets (Arrow `large_utf8`).
    I64(&'a [i64]),
}

/// Integers of any width.
#[derive(Clone, Copy, Debug)]
pub enum Ints<'a> {
    /// `int8`.
    I8(&'a [i8]),
    /// `int16`.
    I16(&'a [i16]),
    /// `int32`.
    I32(&'a [i32]),
    /// `int64`.
    I64(&'a [i64]),
    /// `uint8`.
    U8(&'a [u8]),
    /// `uint16`.
    U16(&'a [u16]),
    /// `uint32`.
    U32(&'a [u32]),
    /// `uint64`.
    U64(&'a [u64]),
}

impl Ints<'_> {
    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            Ints::I8(v) => v.len(),
            Ints::I16(v) => v.len(),
            Ints::I32(v) => v.len(),
            Ints::I64(v) => v.len(),
            Ints::U8(v) => v.len(),
            Ints::U16(v) => v.len(),
            Ints::U32(v) => v.len(),
            Ints::U64(v) => v.len(),
        }
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i` (an unsigned value beyond `i128` cannot occur).
    pub fn get(&self, i: usize) -> i128 {
        match self {
            Ints::I8(v) => v[i].into(),
            Ints::I16(v) => v[i].into(),
            Ints::I32(v) => v[i].into(),
            Ints::I64(v) => v[i].into(),
            Ints::U8(v) => v[i].into(),
            Ints::U16(v) => v[i].into(),
            Ints::U32(v) => v[i].into(),
            Ints::U64(v) => v[i].into(),
        }
    }
}

/// The unit of a timestamp column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// Seconds.
    Second,
    /// Milliseconds.
    Millisecond,
    /// Microseconds.
    Microsecond,
    /// Nanoseconds.
    Nanosecond,
}

impl TimeUnit {
    /// Milliseconds of a value in this unit (rounded towards the past).
    pub fn to_millis(self, v: i64) -> Option<Millis> {
        match self {
            TimeUnit::Second => v.checked_mul(1000),
            TimeUnit::Millisecond => Some(v),
            TimeUnit::Microsecond => Some(v.div_euclid(1000)),
            TimeUnit::Nanosecond => Some(v.div_euclid(1_000_000)),
        }
    }
}

/// One column of a record batch, borrowed. Every slice holds exactly the batch's rows
/// (a producer's array offset is applied when the slices are made), except text bytes,
/// which the offsets index, and bitmaps, which carry their own bit offset.
#[derive(Clone, Debug)]
pub enum Column<'a> {
    /// UTF-8 text.
    Text {
        /// Where each row's bytes start and end (one more than the rows).
        offsets: Offsets<'a>,
        /// The bytes.
        data: &'a [u8],
        /// Which rows hold a value (`None`: all).
        valid: Option<Bitmap<'a>>,
    },
    /// UTF-8 text as 16-byte views (Arrow `utf8_view`, polars' strings): a length, then
    /// the text itself up to 12 bytes, else a prefix, a data buffer and an offset.
    TextView {
        /// One view per row.
        views: &'a [[u8; 16]],
        /// The data buffers long values point into.
        data: Vec<&'a [u8]>,
        /// Which rows hold a value.
        valid: Option<Bitmap<'a>>,
    },
    /// Integers (an integer timestamp column holds epoch seconds or milliseconds, as
    /// in a CSV file).
    Int {
        /// The values.
        values: Ints<'a>,
        /// Which rows hold a value.
        valid: Option<Bitmap<'a>>,
    },
    /// Floating-point numbers (a NaN reads as a null: pandas' missing value).
    Float {
        /// The values (`f32` widened).
        values: Floats<'a>,
        /// Which rows hold a value.
        valid: Option<Bitmap<'a>>,
    },
    /// Timestamps (UTC, or naive and read as UTC).
    Time {
        /// The values, in `unit` since the epoch.
        values: &'a [i64],
        /// Their unit.
        unit: TimeUnit,
        /// Which rows hold a value.
        valid: Option<Bitmap<'a>>,
    },
    /// Booleans (read as `true`/`false`).
    Bool {
        /// The values, one bit each.
        values: Bitmap<'a>,
        /// Which rows hold a value.
        valid: Option<Bitmap<'a>>,
    },
    /// Dictionary-encoded values (a pandas categorical): row `i` is `values[keys[i]]`.
    Dictionary {
        /// Index of each row's value.
        keys: Ints<'a>,
        /// The distinct values.
        values: Box<Column<'a>>,
        /// Which rows hold a value.
        valid: Option<Bitmap<'a>>,
    },
    /// No values at all (every row null).
    Null,
    /// A column of a type pathcredit does not read (a decimal, a struct, a list),
    /// described for a person (`decimal128(10, 2)`). It is fine while no reader uses it,
    /// like an extra CSV column; reading a cell of it is a located error naming the type.
    Unsupported(&'a str),
}

/// Floats of either width.
#[derive(Clone, Copy, Debug)]
pub enum Floats<'a> {
    /// `float32`.
    F32(&'a [f32]),
    /// `float64`.
    F64(&'a [f64]),
}

impl Floats<'_> {
    fn get(&self, i: usize) -> f64 {
        match self {
            Floats::F32(v) => v[i].into(),
            Floats::F64(v) => v[i],
        }
    }
}

/// A cell of a column: a value in its own type (`None`: null).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Text(&'a [u8]),
    Int(i128),
    Float(f64),
    Time(i64, TimeUnit),
    Bool(bool),
    /// A cell of a [`Column::Unsupported`]: its type's description.
    Unsupported(&'a str),
}

impl<'a> Column<'a> {
    fn valid(&self) -> Option<&Bitmap<'a>> {
        match self {
            Column::Text { valid, .. }
            | Column::TextView { valid, .. }
            | Column::Int { valid, .. }
            | Column::Float { valid, .. }
            | Column::Time { valid, .. }
            | Column::Bool { valid, .. }
            | Column::Dictionary { valid, .. } => valid.as_ref(),
            Column::Null | Column::Unsupported(_) => None,
        }
    }

    /// Row `i` of the column.
    pub(crate) fn cell(&self, i: usize) -> Cell<'a> {
        if matches!(self, Column::Null) || self.valid().is_some_and(|v| !v.is_set(i)) {
            return Cell::Null;
        }
        match self {
            Column::Text { offsets, data, .. } => {
                let (a, b) = match offsets {
                    Offsets::I32(o) => (o[i] as usize, o[i + 1] as usize),
                    Offsets::I64(o) => (o[i] as usize, o[i + 1] as usize),
                };
                Cell::Text(&data[a..b])
            }
            Column::TextView { views, data, .. } => {
                let v = &views[i];
                let (len, buffer, offset) = view_parts(v);
                if len <= 12 {
                    Cell::Text(&v[4..4 + len])
                } else {
                    Cell::Text(&data[buffer][offset..offset + len])
                }
            }
            Column::Int { values, .. } => Cell::Int(values.get(i)),
            // NaN is how pandas marks a missing number: a null.
            Column::Float { values, .. } => match values.get(i) {
                v if v.is_nan() => Cell::Null,
                v => Cell::Float(v),
            },
            Column::Time { values, unit, .. } => Cell::Time(values[i], *unit),
            Column::Bool { values, .. } => Cell::Bool(values.is_set(i)),
            Column::Dictionary { keys, values, .. } => values.cell(keys.get(i) as usize),
            Column::Null => Cell::Null,
            Column::Unsupported(what) => Cell::Unsupported(what),
        }
    }

    /// Checks the column's slices against the batch's row count, so reading any row is
    /// in bounds; a problem is described for the error message.
    pub(crate) fn check(&self, rows: usize) -> Result<(), String> {
        let bits = |b: &Option<Bitmap<'_>>| match b {
            Some(b) if (b.offset + rows).div_ceil(8) > b.bits.len() => {
                Err("its validity bitmap is shorter than the rows".to_string())
            }
            _ => Ok(()),
        };
        match self {
            Column::Text {
                offsets,
                data,
                valid,
            } => {
                bits(valid)?;
                let (n, first, last, ascending) = match offsets {
                    Offsets::I32(o) => (
                        o.len(),
                        o.first().map(|&x| x as i64),
                        o.last().map(|&x| x as i64),
                        o.windows(2).all(|w| w[0] <= w[1]),
                    ),
                    Offsets::I64(o) => (
                        o.len(),
                        o.first().copied(),
                        o.last().copied(),
                        o.windows(2).all(|w| w[0] <= w[1]),
                    ),
                };
                if n != rows + 1
                    || first.is_some_and(|f| f < 0)
                    || last.is_some_and(|l| l as usize > data.len())
                    || !ascending
                {
                    return Err("its text offsets do not fit its bytes".to_string());
                }
                Ok(())
            }
            Column::TextView { views, data, valid } => {
                bits(valid)?;
                if views.len() != rows {
                    return Err("it holds fewer text views than rows".to_string());
                }
                let fits = views.iter().all(|v| {
                    let (len, buffer, offset) = view_parts(v);
                    len <= 12 || data.get(buffer).is_some_and(|d| offset + len <= d.len())
                });
                fits.then_some(())
                    .ok_or_else(|| "a text view points outside its data".to_string())
            }
            Column::Int { values, valid } => {
                bits(valid)?;
                (values.len() == rows)
                    .then_some(())
                    .ok_or_else(|| "it holds fewer values than rows".to_string())
            }
            Column::Float { values, valid } => {
                bits(valid)?;
                let n = match values {
                    Floats::F32(v) => v.len(),
                    Floats::F64(v) => v.len(),
                };
                (n == rows)
                    .then_some(())
                    .ok_or_else(|| "it holds fewer values than rows".to_string())
            }
            Column::Time { values, valid, .. } => {
                bits(valid)?;
                (values.len() == rows)
                    .then_some(())
                    .ok_or_else(|| "it holds fewer values than rows".to_string())
            }
            Column::Bool { values, valid } => {
                bits(valid)?;
                bits(&Some(*values))
            }
            Column::Dictionary {
                keys,
                values,
                valid,
            } => {
                bits(valid)?;
                if keys.len() != rows {
                    return Err("it holds fewer keys than rows".to_string());
                }
                let distinct = dictionary_len(values);
                values.check(distinct)?;
                let in_range = (0..rows).all(|i| {
                    valid.is_some_and(|v| !v.is_set(i)) || {
                        let k = keys.get(i);
                        k >= 0 && (k as usize) < distinct
                    }
                });
                in_range
                    .then_some(())
                    .ok_or_else(|| "a dictionary key is out of range".to_string())
            }
            Column::Null | Column::Unsupported(_) => Ok(()),
        }
    }
}

/// The number of values a dictionary's value column holds.
fn dictionary_len(values: &Column<'_>) -> usize {
    match values {
        Column::Text { offsets, .. } => match offsets {
            Offsets::I32(o) => o.len().saturating_sub(1),
            Offsets::I64(o) => o.len().saturating_sub(1),
        },
        Column::TextView { views, .. } => views.len(),
        Column::Int { values, .. } => values.len(),
        Column::Float { values, .. } => match values {
            Floats::F32(v) => v.len(),
            Floats::F64(v) => v.len(),
        },
        Column::Time { values, .. } => values.len(),
        Column::Bool { values, .. } => values.bits.len() * 8 - values.offset,
        Column::Dictionary { keys, .. } => keys.len(),
        Column::Null | Column::Unsupported(_) => 0,
    }
}

/// A text view's length, data buffer and offset (the last two for values longer than 12
/// bytes).
fn view_parts(v: &[u8; 16]) -> (usize, usize, usize) {
    let word = |at: usize| i32::from_le_bytes([v[at], v[at + 1], v[at + 2], v[at + 3]]).max(0);
    (word(0) as usize, word(8) as usize, word(12) as usize)
}

/// One record batch: columns of equal length.
#[derive(Clone, Debug)]
pub struct Batch<'a> {
    /// Rows in the batch.
    pub rows: usize,
    /// Columns, in the order of [`Table::names`].
    pub columns: Vec<Column<'a>>,
}

/// Named columns in record batches.
#[derive(Clone, Debug, Default)]
pub struct Table<'a> {
    /// Column names.
    pub names: Vec<String>,
    /// Batches, in row order.
    pub batches: Vec<Batch<'a>>,
}

impl<'a> Table<'a> {
    /// A table with these column names and no rows yet.
    pub fn new(names: Vec<String>) -> Self {
        Self {
            names,
            batches: Vec::new(),
        }
    }

    /// Adds a batch (its columns in the order of the names).
    pub fn push(&mut self, batch: Batch<'a>) {
        self.batches.push(batch);
    }

    /// All rows.
    pub fn rows(&self) -> usize {
        self.batches.iter().map(|b| b.rows).sum()
    }
}

/// The text of a number or timestamp cell, as a CSV file would hold it.
pub(crate) fn format_cell(cell: Cell<'_>) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Text(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Cell::Int(v) => v.to_string(),
        Cell::Float(v) if v.is_finite() => format!("{}", v + 0.0),
        Cell::Float(v) => format!("{v}"),
        Cell::Time(v, unit) => unit
            .to_millis(v)
            .map_or_else(|| v.to_string(), crate::time::format_timestamp),
        Cell::Bool(b) => b.to_string(),
        Cell::Unsupported(what) => format!("<{what}>"),
    }
}

/// The epoch milliseconds of an integer timestamp cell, by the CSV formats' rule
/// (seconds below 10^11, milliseconds from there, larger values refused).
pub(crate) fn int_millis(v: i128) -> Option<Millis> {
    i64::try_from(v).ok().and_then(epoch_to_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_follow_the_arrow_layout() {
        let offsets = [0i32, 3, 3, 8];
        let valid = [0b101u8];
        let text = Column::Text {
            offsets: Offsets::I32(&offsets),
            data: b"abcdefgh",
            valid: Some(Bitmap {
                bits: &valid,
                offset: 0,
            }),
        };
        assert!(text.check(3).is_ok());
        assert_eq!(text.cell(0), Cell::Text(b"abc"));
        assert_eq!(text.cell(1), Cell::Null);
        assert_eq!(text.cell(2), Cell::Text(b"defgh"));
        let keys = [1i8, 0, 1];
        let dict = Column::Dictionary {
            keys: Ints::I8(&keys),
            values: Box::new(text.clone()),
            valid: None,
        };
        assert!(dict.check(3).is_ok());
        assert_eq!(dict.cell(0), Cell::Null);
        assert_eq!(dict.cell(1), Cell::Text(b"abc"));
        let bad = [0i32, 9];
        let broken = Column::Text {
            offsets: Offsets::I32(&bad),
            data: b"abc",
            valid: None,
        };
        assert!(broken.check(1).is_err());
        assert_eq!(format_cell(Cell::Float(10.0)), "10");
        assert_eq!(
            format_cell(Cell::Time(1_767_348_000, TimeUnit::Second)),
            "2026-01-02T10:00:00Z"
        );
    }
}
