//! What a Python caller hands over as an input: a path to a CSV file, CSV bytes, or an
//! Arrow C stream capsule. Taken while the interpreter is attached, read after it is
//! released.

use std::io::BufReader;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyCapsuleMethods, PyString};

use pathcredit::csv_input::{Records, open_file};

use crate::arrow::{Imported, import};
use crate::errors::plain;

/// An Arrow stream read whole as soon as it is exported (a DuckDB connection allows one
/// open result at a time), held until a call reads it.
#[pyclass(module = "pathcredit._pathcredit", name = "ArrowTable", frozen)]
pub struct ArrowTable {
    imported: Arc<Imported>,
}

/// Reads the stream of an `arrow_array_stream` capsule.
fn import_capsule(capsule: &Bound<'_, PyCapsule>, name: &str) -> PyResult<Imported> {
    let pointer = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: a capsule named `arrow_array_stream` holds an `ArrowArrayStream` that its
    // consumer may move out.
    unsafe { import(pointer.as_ptr(), name) }.map_err(plain)
}

/// Reads an Arrow stream capsule now (`name` names it in messages).
#[pyfunction]
pub fn import_arrow(capsule: &Bound<'_, PyCapsule>, name: &str) -> PyResult<ArrowTable> {
    Ok(ArrowTable {
        imported: Arc::new(import_capsule(capsule, name)?),
    })
}

/// An input taken from Python, with its name for messages.
pub enum Input {
    /// A CSV file.
    Path(PathBuf),
    /// CSV text (a DataFrame written as CSV when it cannot export Arrow).
    Bytes(Vec<u8>),
    /// An Arrow stream, read whole.
    Arrow(Arc<Imported>),
}

impl Input {
    /// Takes `obj`: a `str` path, `bytes` of CSV, or an `arrow_array_stream` capsule.
    pub fn take(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Input> {
        if let Ok(path) = obj.cast::<PyString>() {
            let path: String = path.extract()?;
            return Ok(Input::Path(PathBuf::from(path)));
        }
        if let Ok(bytes) = obj.cast::<PyBytes>() {
            return Ok(Input::Bytes(bytes.as_bytes().to_vec()));
        }
        if let Ok(table) = obj.cast::<ArrowTable>() {
            return Ok(Input::Arrow(Arc::clone(&table.get().imported)));
        }
        if let Ok(capsule) = obj.cast::<PyCapsule>() {
            return Ok(Input::Arrow(Arc::new(import_capsule(capsule, name)?)));
        }
        Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{name}: expected a file path, CSV bytes or an Arrow table"
        )))
    }

    /// The records to read (call with the interpreter released).
    pub fn records(&self) -> pathcredit::Result<Records<'_>> {
        Ok(match self {
            Input::Path(path) => Records::csv(BufReader::with_capacity(1 << 17, open_file(path)?)),
            Input::Bytes(bytes) => Records::csv(&bytes[..]),
            Input::Arrow(imported) => Records::Table(imported.table()),
        })
    }
}
