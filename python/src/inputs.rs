//! What a Python caller hands over as an input: a path to a CSV file, CSV bytes, or an
//! Arrow C stream capsule. Taken while the interpreter is attached, read after it is
//! released.

use std::io::BufReader;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyCapsuleMethods, PyString};

use pathcredit::csv_input::{Records, open_file};

use crate::arrow::{Imported, import};
use crate::errors::plain;

/// An input taken from Python, with its name for messages.
pub enum Input {
    /// A CSV file.
    Path(PathBuf),
    /// CSV text (a DataFrame written as CSV when it cannot export Arrow).
    Bytes(Vec<u8>),
    /// An Arrow stream, read whole.
    Arrow(Imported),
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
        if let Ok(capsule) = obj.cast::<PyCapsule>() {
            let pointer = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
            // SAFETY: a capsule named `arrow_array_stream` holds an `ArrowArrayStream`
            // that its consumer may move out.
            let imported = unsafe { import(pointer.as_ptr(), name) }.map_err(plain)?;
            return Ok(Input::Arrow(imported));
        }
        Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{name}: expected a file path, CSV bytes or an Arrow stream capsule"
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
