//! The library's one error type.
//!
//! Every variant that comes from bad input names where the input came from (a file
//! name, or `<stdin>`), the 1-based line and column when they are known, and what was
//! expected, so a user can open the file at the right place and fix it.

use std::fmt;

use crate::param::Param;

/// Shorthand for `std::result::Result<T, pathcredit::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input a problem was found: file, line and column (both 1-based; the
/// header is line 1) and the column's header name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The input's name as the user gave it (a path, or `<stdin>`).
    pub file: String,
    /// 1-based line of the record's first character (the header is line 1).
    pub line: u64,
    /// 1-based column (field) number, when the problem is in one field.
    pub column: Option<usize>,
    /// The header name of that column, when known.
    pub column_name: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}", self.file, self.line)?;
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
            if let Some(name) = &self.column_name {
                write!(f, " ({name})")?;
            }
        }
        Ok(())
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be opened or read.
    #[error("{file}: cannot read it")]
    Io {
        /// The input's name.
        file: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The input holds no bytes at all (not even a header).
    #[error("{file}: the file is empty; expected a header row with the columns {expected}")]
    EmptyFile {
        /// The input's name.
        file: String,
        /// The columns a header should name, comma separated.
        expected: String,
    },

    /// The input has a header and no data rows.
    #[error("{file}: the file has a header row but no data rows")]
    NoRows {
        /// The input's name.
        file: String,
    },

    /// Every data row was bad and skipped (when bad rows are skipped).
    #[error("{file}: all {skipped} data rows were bad and skipped; the first: {first}")]
    NoUsableRows {
        /// The input's name.
        file: String,
        /// How many rows were skipped.
        skipped: u64,
        /// The first skipped row's error.
        first: String,
    },

    /// A required column is not in the header.
    #[error("{file}: missing required column `{column}`; the header has: {found}")]
    MissingColumn {
        /// The input's name.
        file: String,
        /// The column that was expected.
        column: String,
        /// The header names that were found, comma separated.
        found: String,
    },

    /// A value in one row is not what the format expects.
    #[error("{location}: {message}")]
    BadValue {
        /// File, line, column.
        location: Location,
        /// What was found and what was expected.
        message: String,
    },

    /// A parameter (a builder setting; a flag on the command line) is out of its domain.
    #[error("invalid {name}: {message}")]
    InvalidParameter {
        /// The parameter (the command line shows it as its flag).
        name: Param,
        /// What is wrong and what is accepted.
        message: String,
    },

    /// The data cannot support a model (e.g. time decay without timestamps).
    #[error("{model}: {message}")]
    Unsupported {
        /// The model's name.
        model: String,
        /// Why the model cannot run on this input, and what would fix it.
        message: String,
    },

    /// A model failed on well-formed input (e.g. a singular system).
    #[error("{model}: {message}")]
    Model {
        /// The model's name.
        model: String,
        /// What went wrong.
        message: String,
    },

    /// Writing output failed (the I/O error is the source).
    #[error("cannot write output")]
    Write(#[source] std::io::Error),
}

impl Error {
    /// A [`Error::BadValue`] at a location.
    pub fn bad_value(location: Location, message: impl Into<String>) -> Self {
        Error::BadValue {
            location,
            message: message.into(),
        }
    }

    /// A [`Error::InvalidParameter`].
    pub fn param(name: Param, message: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name,
            message: message.into(),
        }
    }

    /// A [`Error::Unsupported`].
    pub fn unsupported(model: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Unsupported {
            model: model.into(),
            message: message.into(),
        }
    }

    /// A [`Error::Model`].
    pub fn model(model: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Model {
            model: model.into(),
            message: message.into(),
        }
    }

    /// The location of a bad value, when the error has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::BadValue { location, .. } => Some(location),
            _ => None,
        }
    }
}
