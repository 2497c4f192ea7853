//! The library's errors as one Python exception, `NativeError(kind, message, location)`,
//! which the package's Python layer raises as `InputError`, `ParameterError` or
//! `ModelError` (see `pathcredit/errors.py`).

use pyo3::create_exception;
use pyo3::prelude::*;

use pathcredit::Error;

create_exception!(
    _pathcredit,
    NativeError,
    pyo3::exceptions::PyException,
    "An error of the Rust library: (kind, message, location)."
);

/// The kind of an error, as the Python layer maps it to an exception class.
fn kind(err: &Error) -> &'static str {
    match err {
        Error::Io { .. } => "io",
        Error::EmptyFile { .. }
        | Error::NoRows { .. }
        | Error::NoUsableRows { .. }
        | Error::MissingColumn { .. }
        | Error::BadValue { .. } => "input",
        Error::InvalidParameter { .. } => "parameter",
        Error::Unsupported { .. } | Error::Model { .. } => "model",
        Error::Write(_) => "io",
        _ => "other",
    }
}

/// A library error as a `NativeError`: its kind, its whole message (with its cause),
/// and its location as a dict (file, line, row, column, column_name) when it has one.
pub fn native(err: Error) -> PyErr {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    let location = err.location().map(|l| {
        (
            l.file.clone(),
            l.line,
            l.row,
            l.column.map(|c| c as u64),
            l.column_name.clone(),
        )
    });
    NativeError::new_err((kind(&err), message, location))
}

/// A message of this crate's own (an unreadable Arrow stream) as an input error.
pub fn plain(message: String) -> PyErr {
    NativeError::new_err(("input", message, None::<()>))
}
