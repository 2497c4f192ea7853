//! Importing an Arrow C stream (the `__arrow_c_stream__` PyCapsule that pandas, pyarrow,
//! polars and DuckDB objects export) into the core crate's borrowed [`Table`], without
//! copying a value.
//!
//! The structures are those of the Arrow C data and C stream interfaces
//! (<https://arrow.apache.org/docs/format/CDataInterface.html>,
//! <https://arrow.apache.org/docs/format/CStreamInterface.html>), which are designed to be
//! consumed without an Arrow library. The stream is moved out of its capsule (the
//! capsule's copy is marked released), read batch by batch, and every array is kept,
//! unreleased, until the [`Imported`] value is dropped: the table borrows their buffers.
//!
//! Read: `utf8`, `large_utf8`, `utf8_view`, integers of every width, `float32/64`,
//! `bool`, timestamps of every unit (any time zone: the values are UTC), dictionaries of
//! those, and `null`. A column of any other type (a DuckDB `DECIMAL` amount, a struct,
//! a list) is kept as unsupported: ignored like an extra CSV column while no reader uses
//! it, and a located error naming the column, the row and the type when one does.

use std::ffi::{CStr, c_char, c_void};
use std::ptr;

use pathcredit::csv_input::Table;
use pathcredit::csv_input::table::{Batch, Bitmap, Column, Floats, Ints, Offsets, TimeUnit};

#[repr(C)]
struct ArrowSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *mut *mut ArrowSchema,
    dictionary: *mut ArrowSchema,
    release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    private_data: *mut c_void,
}

#[repr(C)]
struct ArrowArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *mut *const c_void,
    children: *mut *mut ArrowArray,
    dictionary: *mut ArrowArray,
    release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    private_data: *mut c_void,
}

#[repr(C)]
struct ArrowArrayStream {
    get_schema: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowSchema) -> i32>,
    get_next: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowArray) -> i32>,
    get_last_error: Option<unsafe extern "C" fn(*mut ArrowArrayStream) -> *const c_char>,
    release: Option<unsafe extern "C" fn(*mut ArrowArrayStream)>,
    private_data: *mut c_void,
}

impl ArrowSchema {
    fn empty() -> Self {
        ArrowSchema {
            format: ptr::null(),
            name: ptr::null(),
            metadata: ptr::null(),
            flags: 0,
            n_children: 0,
            children: ptr::null_mut(),
            dictionary: ptr::null_mut(),
            release: None,
            private_data: ptr::null_mut(),
        }
    }
}

impl ArrowArray {
    fn empty() -> Self {
        ArrowArray {
            length: 0,
            null_count: 0,
            offset: 0,
            n_buffers: 0,
            n_children: 0,
            buffers: ptr::null_mut(),
            children: ptr::null_mut(),
            dictionary: ptr::null_mut(),
            release: None,
            private_data: ptr::null_mut(),
        }
    }
}

/// A C string of the producer, as text (`?` when missing).
fn text(p: *const c_char) -> String {
    if p.is_null() {
        return "?".to_string();
    }
    // SAFETY: the C data interface gives NUL-terminated strings that live as long as
    // their structure.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The physical type of a column, parsed from its schema.
#[derive(Clone, Debug)]
enum Kind {
    Text {
        large: bool,
    },
    TextView,
    Int(IntWidth),
    Float {
        wide: bool,
    },
    Bool,
    Time(TimeUnit),
    Null,
    Dictionary {
        keys: IntWidth,
        values: Box<Kind>,
    },
    /// A type pathcredit does not read, described for a person.
    Unsupported(String),
}

/// An Arrow format string for a person: `decimal128(10, 2)`, `struct`, `list`, else the
/// format itself, each with the format in backquotes.
fn describe(format: &str) -> String {
    let name = match format {
        f if f.starts_with("d:") => {
            let parts: Vec<&str> = f[2..].split(',').collect();
            let bits = parts.get(2).copied().unwrap_or("128");
            format!(
                "decimal{bits}({}, {})",
                parts.first().copied().unwrap_or("?"),
                parts.get(1).copied().unwrap_or("?")
            )
        }
        "+s" => "struct".to_string(),
        "+l" | "+L" | "+vl" | "+vL" => "list".to_string(),
        f if f.starts_with("+w:") => "fixed-size list".to_string(),
        "+m" => "map".to_string(),
        f if f.starts_with("+u") => "union".to_string(),
        "z" | "Z" | "vz" => "binary".to_string(),
        f if f.starts_with("w:") => "fixed-size binary".to_string(),
        f if f.starts_with("td") => "date".to_string(),
        f if f.starts_with("tt") => "time of day".to_string(),
        f if f.starts_with("tD") || f.starts_with("ti") => "duration".to_string(),
        "e" => "float16".to_string(),
        _ => return format!("the Arrow type `{format}`"),
    };
    format!("{name} (Arrow `{format}`)")
}

#[derive(Clone, Copy, Debug)]
enum IntWidth {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

fn int_width(format: &str) -> Option<IntWidth> {
    Some(match format {
        "c" => IntWidth::I8,
        "s" => IntWidth::I16,
        "i" => IntWidth::I32,
        "l" => IntWidth::I64,
        "C" => IntWidth::U8,
        "S" => IntWidth::U16,
        "I" => IntWidth::U32,
        "L" => IntWidth::U64,
        _ => return None,
    })
}

/// The kind of a column schema, or its format string when pathcredit cannot read it.
///
/// # Safety
/// `schema` must be a valid schema of the C data interface.
unsafe fn kind(schema: &ArrowSchema) -> Result<Kind, String> {
    let format = text(schema.format);
    let plain = match format.as_str() {
        "u" => Kind::Text { large: false },
        "U" => Kind::Text { large: true },
        "vu" => Kind::TextView,
        "g" => Kind::Float { wide: true },
        "f" => Kind::Float { wide: false },
        "b" => Kind::Bool,
        "n" => Kind::Null,
        f if f.starts_with("tss:") => Kind::Time(TimeUnit::Second),
        f if f.starts_with("tsm:") => Kind::Time(TimeUnit::Millisecond),
        f if f.starts_with("tsu:") => Kind::Time(TimeUnit::Microsecond),
        f if f.starts_with("tsn:") => Kind::Time(TimeUnit::Nanosecond),
        f => match int_width(f) {
            Some(w) => Kind::Int(w),
            None => return Err(format),
        },
    };
    if schema.dictionary.is_null() {
        return Ok(plain);
    }
    let Kind::Int(keys) = plain else {
        return Err(format);
    };
    // SAFETY: a non-null dictionary is a valid schema of the values.
    let values = unsafe { kind(&*schema.dictionary) }?;
    if matches!(values, Kind::Dictionary { .. }) {
        return Err(format);
    }
    Ok(Kind::Dictionary {
        keys,
        values: Box::new(values),
    })
}

/// A stream read whole: its column names and kinds, and every batch's array, kept
/// alive for the table that borrows them.
pub struct Imported {
    names: Vec<String>,
    kinds: Vec<Kind>,
    /// The batches (movable: the C data interface lets a consumer move the structures).
    batches: Vec<ArrowArray>,
    schema: Box<ArrowSchema>,
}

// SAFETY: the arrays are only read after the import (the producer's buffers are
// immutable), and released once, on drop, by whichever thread holds the value.
unsafe impl Send for Imported {}
unsafe impl Sync for Imported {}

impl Drop for Imported {
    fn drop(&mut self) {
        for array in &mut self.batches {
            if let Some(release) = array.release {
                // SAFETY: an imported array is released exactly once, here.
                unsafe { release(array) };
            }
        }
        if let Some(release) = self.schema.release {
            // SAFETY: as above, for the schema.
            unsafe { release(&mut *self.schema) };
        }
    }
}

/// Takes the stream out of an `arrow_array_stream` capsule's pointer and reads every
/// batch; `what` names the input in messages.
///
/// # Safety
/// `stream` must point to a valid `ArrowArrayStream` whose ownership the caller may
/// take (the capsule protocol: the consumer moves the stream and marks the source
/// released).
pub unsafe fn import(stream: *mut c_void, what: &str) -> Result<Imported, String> {
    let source = stream.cast::<ArrowArrayStream>();
    // SAFETY: moving the structure out and marking the source released, as the C stream
    // interface prescribes for a consumer that takes ownership.
    let mut stream = unsafe { ptr::read(source) };
    unsafe { (*source).release = None };
    let result = unsafe { read_stream(&mut stream, what) };
    if let Some(release) = stream.release {
        // SAFETY: the stream is released once, after its last batch was taken.
        unsafe { release(&mut stream) };
    }
    result
}

unsafe fn read_stream(stream: &mut ArrowArrayStream, what: &str) -> Result<Imported, String> {
    let error = |stream: &mut ArrowArrayStream, code: i32| -> String {
        let detail = match stream.get_last_error {
            // SAFETY: called on the stream right after it reported the error.
            Some(f) => text(unsafe { f(stream) }),
            None => "?".to_string(),
        };
        format!("{what}: the Arrow stream failed (error {code}): {detail}")
    };
    let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
        return Err(format!(
            "{what}: not a valid Arrow stream (released or empty)"
        ));
    };
    let mut schema = Box::new(ArrowSchema::empty());
    // SAFETY: a valid stream fills the schema we own.
    let code = unsafe { get_schema(stream, &mut *schema) };
    if code != 0 {
        return Err(error(stream, code));
    }
    let mut imported = Imported {
        names: Vec::new(),
        kinds: Vec::new(),
        batches: Vec::new(),
        schema,
    };
    if text(imported.schema.format) != "+s" {
        return Err(format!(
            "{what}: the Arrow stream is not a table (its type is `{}`)",
            text(imported.schema.format)
        ));
    }
    for i in 0..imported.schema.n_children.max(0) as usize {
        // SAFETY: a struct schema has `n_children` valid children.
        let child = unsafe { &**imported.schema.children.add(i) };
        let name = text(child.name);
        // A column of another type is read only if a reader uses it (then it is a
        // located error there).
        let kind =
            unsafe { kind(child) }.unwrap_or_else(|format| Kind::Unsupported(describe(&format)));
        imported.names.push(name);
        imported.kinds.push(kind);
    }
    loop {
        let mut array = ArrowArray::empty();
        // SAFETY: a valid stream fills the array we own, or leaves it released at the end.
        let code = unsafe { get_next(stream, &mut array) };
        if code != 0 {
            return Err(error(stream, code));
        }
        if array.release.is_none() {
            break;
        }
        if array.n_children as usize != imported.names.len() {
            return Err(format!(
                "{what}: a batch of the Arrow stream has {} columns; its schema names {}",
                array.n_children,
                imported.names.len()
            ));
        }
        imported.batches.push(array);
    }
    Ok(imported)
}

impl Imported {
    /// The table, borrowing the imported buffers.
    pub fn table(&self) -> Table<'_> {
        let mut table = Table::new(self.names.clone());
        for array in &self.batches {
            let rows = array.length.max(0) as usize;
            let base = array.offset.max(0) as usize;
            let columns = (0..self.names.len())
                .map(|c| {
                    // SAFETY: the batch has as many valid children as the schema.
                    let child = unsafe { &**array.children.add(c) };
                    // SAFETY: the child is a valid array of this kind.
                    unsafe { column(child, &self.kinds[c], base, rows) }
                })
                .collect();
            table.push(Batch { rows, columns });
        }
        table
    }
}

/// Buffer `i` of an array (null when absent).
///
/// # Safety
/// `array` must be valid with more than `i` buffers.
unsafe fn buffer(array: &ArrowArray, i: usize) -> *const c_void {
    if (i as i64) >= array.n_buffers || array.buffers.is_null() {
        return ptr::null();
    }
    unsafe { *array.buffers.add(i) }
}

/// `len` values of type `T` of buffer `i`, from `start`.
///
/// # Safety
/// The buffer must hold at least `start + len` values of `T`.
unsafe fn values<T>(array: &ArrowArray, i: usize, start: usize, len: usize) -> &[T] {
    let p = unsafe { buffer(array, i) }.cast::<T>();
    if p.is_null() || len == 0 {
        return &[];
    }
    unsafe { std::slice::from_raw_parts(p.add(start), len) }
}

/// The validity bitmap of `rows` rows from `start` (none when every row is valid).
///
/// # Safety
/// The array must be valid and its bitmap cover `start + rows` bits.
unsafe fn validity<'a>(array: &'a ArrowArray, start: usize, rows: usize) -> Option<Bitmap<'a>> {
    let p = unsafe { buffer(array, 0) }.cast::<u8>();
    if p.is_null() || array.null_count == 0 {
        return None;
    }
    let bytes = (start + rows).div_ceil(8);
    Some(Bitmap {
        bits: unsafe { std::slice::from_raw_parts(p, bytes) },
        offset: start,
    })
}

/// The integers of buffer 1 of an array.
///
/// # Safety
/// The array must be a valid integer array of width `w` covering `start + len` rows.
unsafe fn ints<'a>(array: &'a ArrowArray, w: IntWidth, start: usize, len: usize) -> Ints<'a> {
    unsafe {
        match w {
            IntWidth::I8 => Ints::I8(values(array, 1, start, len)),
            IntWidth::I16 => Ints::I16(values(array, 1, start, len)),
            IntWidth::I32 => Ints::I32(values(array, 1, start, len)),
            IntWidth::I64 => Ints::I64(values(array, 1, start, len)),
            IntWidth::U8 => Ints::U8(values(array, 1, start, len)),
            IntWidth::U16 => Ints::U16(values(array, 1, start, len)),
            IntWidth::U32 => Ints::U32(values(array, 1, start, len)),
            IntWidth::U64 => Ints::U64(values(array, 1, start, len)),
        }
    }
}

/// One column of a batch: `rows` rows of `array`, from the parent's offset `base` plus
/// the array's own.
///
/// # Safety
/// `array` must be a valid array of `kind` with at least `base + offset + rows` rows.
unsafe fn column<'a>(
    array: &'a ArrowArray,
    kind: &'a Kind,
    base: usize,
    rows: usize,
) -> Column<'a> {
    let start = base + array.offset.max(0) as usize;
    unsafe {
        let valid = validity(array, start, rows);
        match kind {
            Kind::Null => Column::Null,
            Kind::Unsupported(what) => Column::Unsupported(what),
            Kind::Text { large } => {
                let offsets = if *large {
                    Offsets::I64(values(array, 1, start, rows + 1))
                } else {
                    Offsets::I32(values(array, 1, start, rows + 1))
                };
                let end = match offsets {
                    Offsets::I32(o) => o.last().map_or(0, |&x| x.max(0) as usize),
                    Offsets::I64(o) => o.last().map_or(0, |&x| x.max(0) as usize),
                };
                Column::Text {
                    offsets,
                    data: values(array, 2, 0, end),
                    valid,
                }
            }
            Kind::TextView => {
                // Views: buffer 1; data buffers 2 .. n_buffers - 1 (the last buffer holds
                // the data buffers' lengths).
                let n_data = (array.n_buffers.max(3) - 3) as usize;
                let lengths: &[i64] = values(array, 2 + n_data, 0, n_data);
                let data = (0..n_data)
                    .map(|b| values(array, 2 + b, 0, lengths[b].max(0) as usize))
                    .collect();
                Column::TextView {
                    views: values(array, 1, start, rows),
                    data,
                    valid,
                }
            }
            Kind::Int(w) => Column::Int {
                values: ints(array, *w, start, rows),
                valid,
            },
            Kind::Float { wide } => Column::Float {
                values: if *wide {
                    Floats::F64(values(array, 1, start, rows))
                } else {
                    Floats::F32(values(array, 1, start, rows))
                },
                valid,
            },
            Kind::Bool => {
                let p = buffer(array, 1).cast::<u8>();
                let bits = if p.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(p, (start + rows).div_ceil(8))
                };
                Column::Bool {
                    values: Bitmap {
                        bits,
                        offset: start,
                    },
                    valid,
                }
            }
            Kind::Time(unit) => Column::Time {
                values: values(array, 1, start, rows),
                unit: *unit,
                valid,
            },
            Kind::Dictionary { keys, values: v } => {
                let dict = &*array.dictionary;
                let n = dict.length.max(0) as usize;
                Column::Dictionary {
                    keys: ints(array, *keys, start, rows),
                    values: Box::new(column(dict, v, 0, n)),
                    valid,
                }
            }
        }
    }
}
