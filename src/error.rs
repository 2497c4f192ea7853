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
/// header is line 1) and the column's header name; for an in-memory table (a
/// DataFrame), its row (0-based, as pandas counts) instead of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The input's name as the user gave it (a path, `<stdin>`, or a table's name).
    pub file: String,
    /// 1-based line of the record's first character (the header is line 1); 0 for a
    /// table.
    pub line: u64,
    /// The row of a table (0-based), when the input is a table.
    pub row: Option<u64>,
    /// 1-based column (field) number, when the problem is in one field.
    pub column: Option<usize>,
    /// The header name of that column, when known.
    pub column_name: Option<String>,
}

impl Location {
    /// A location in a file. A column name longer than [`MAX_QUOTED`] characters is
    /// cut ([`excerpt`]).
    pub fn line(file: &str, line: u64, column: Option<usize>, column_name: Option<String>) -> Self {
        Location {
            file: file.to_string(),
            line,
            row: None,
            column,
            column_name: column_name.map(cut_name),
        }
    }

    /// A location in a table (row 0-based). A column name longer than [`MAX_QUOTED`]
    /// characters is cut ([`excerpt`]).
    pub fn row(file: &str, row: u64, column: Option<usize>, column_name: Option<String>) -> Self {
        Location {
            file: file.to_string(),
            line: 0,
            row: Some(row),
            column,
            column_name: column_name.map(cut_name),
        }
    }
}

/// A column name cut to [`MAX_QUOTED`] characters.
fn cut_name(name: String) -> String {
    if name.chars().count() <= MAX_QUOTED {
        return name;
    }
    excerpt(&name, MAX_QUOTED, "name")
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        let mut separator = ": ";
        match self.row {
            Some(row) => write!(f, ": row {row}")?,
            None if self.line > 0 => write!(f, ": line {}", self.line)?,
            None => separator = ", ",
        }
        if self.row.is_some() || self.line > 0 {
            separator = ", ";
        }
        if let Some(column) = self.column {
            write!(f, "{separator}column {column}")?;
            if let Some(name) = &self.column_name {
                write!(f, " ({name})")?;
            }
        }
        Ok(())
    }
}

/// The longest value an error message quotes whole; longer ones are cut.
pub const MAX_QUOTED: usize = 80;

/// The longest list of header names an error message shows whole (each name cut to
/// [`MAX_QUOTED`] characters first); longer lists are cut.
pub const MAX_LISTED: usize = 400;

/// `text` whole when it has at most `max` characters; else its first `max - 20`
/// characters, `…`, and how long it was: `abc…` (cut: the `what` is N bytes long).
/// A 20 MB header or value never makes a 20 MB message.
pub fn excerpt(text: &str, max: usize, what: &str) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(20)).collect();
    format!("{kept}… (cut: the {what} is {} bytes long)", text.len())
}

/// The header names `headers` as an error message lists them: comma separated, each
/// name and the whole list cut to a bounded excerpt ([`excerpt`]).
pub fn header_list(headers: &[String]) -> String {
    let names: Vec<String> = headers
        .iter()
        .map(|h| excerpt(h, MAX_QUOTED, "name"))
        .collect();
    let list = names.join(", ");
    if list.chars().count() <= MAX_LISTED {
        return list;
    }
    let bytes = headers.iter().map(String::len).sum::<usize>() + headers.len().saturating_sub(1);
    let kept: String = list.chars().take(MAX_LISTED - 20).collect();
    format!(
        "{kept}… (cut: {} names, {bytes} bytes in the header row)",
        headers.len()
    )
}

/// Cuts every backtick-quoted span longer than [`MAX_QUOTED`] characters to its start,
/// followed by how long it was.
fn shorten_quoted(message: String) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    // Parts at odd indices are quoted; with an odd number of backticks the last quote is
    // never closed, and its part stays as it is.
    let quoted = |i: usize| i % 2 == 1 && i + 1 < parts.len();
    let too_long = |p: &str| p.chars().count() > MAX_QUOTED;
    if !(0..parts.len()).any(|i| quoted(i) && too_long(parts[i])) {
        return message;
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if quoted(i) {
            out.push('`');
            if too_long(part) {
                out.extend(part.chars().take(MAX_QUOTED - 20));
                out.push_str(&format!("…` (cut: the value is {} bytes long)", part.len()));
            } else {
                out.push_str(part);
                out.push('`');
            }
        } else {
            if i > 0 && !quoted(i - 1) {
                out.push('`');
            }
            out.push_str(part);
        }
    }
    out
}

/// ` (for `path`)` when the header `column` is looked for as the column `role`.
fn for_role(role: &str, column: &str) -> String {
    if role == column {
        String::new()
    } else {
        format!(" (for `{role}`)")
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
    #[error(
        "{file}: missing required column `{column}`{}; the header has: {found}",
        for_role(role, column)
    )]
    MissingColumn {
        /// The input's name.
        file: String,
        /// The column that was expected: the header it is read from.
        column: String,
        /// The column's default name (the role it plays: `path`, `channel`), which a
        /// remapping names; `column` unless remapped.
        role: String,
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
    /// A [`Error::BadValue`] at a location. A value quoted in the message (between
    /// backticks) longer than [`MAX_QUOTED`] characters is cut, with its length said, so
    /// a 10 MB field never makes a 10 MB message.
    pub fn bad_value(location: Location, message: impl Into<String>) -> Self {
        Error::BadValue {
            location,
            message: shorten_quoted(message.into()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_are_cut_with_their_length() {
        let long = "x".repeat(10_000);
        let msg = shorten_quoted(format!("`{long}` is not a number; expected `a > b`"));
        assert_eq!(
            msg,
            format!(
                "`{}…` (cut: the value is 10000 bytes long) is not a number; expected `a > b`",
                "x".repeat(MAX_QUOTED - 20)
            )
        );
        let short = "`abc` and an open ` quote";
        assert_eq!(shorten_quoted(short.to_string()), short);
        let open = format!("an open `{long}");
        assert_eq!(shorten_quoted(open.clone()), open);
    }

    /// Issue 31, item 18: a 20 MB header name, or a header of a million names, makes a
    /// message of a few hundred characters that says how long it was.
    #[test]
    fn header_names_are_listed_as_bounded_excerpts() {
        let huge = "h".repeat(20_000_000);
        assert_eq!(
            header_list(&[huge, "total_conversions".to_string()]),
            format!(
                "{}… (cut: the name is 20000000 bytes long), total_conversions",
                "h".repeat(MAX_QUOTED - 20)
            )
        );
        let many: Vec<String> = (0..1_000_000).map(|i| format!("c{i}")).collect();
        let bytes = many.iter().map(String::len).sum::<usize>() + many.len() - 1;
        let listed = header_list(&many);
        assert!(listed.starts_with("c0, c1, c2, "), "{listed}");
        assert!(
            listed.ends_with(&format!(
                "… (cut: 1000000 names, {bytes} bytes in the header row)"
            )),
            "{listed}"
        );
        assert!(listed.chars().count() < MAX_LISTED + 60, "{listed}");
        assert_eq!(header_list(&["a".into(), "b".into()]), "a, b");
        assert_eq!(excerpt("short", MAX_QUOTED, "name"), "short");
    }

    /// A missing column names the role it was looked for as, when remapped.
    #[test]
    fn a_missing_column_names_its_role_when_remapped() {
        let err = |column: &str, role: &str| {
            Error::MissingColumn {
                file: "f.csv".into(),
                column: column.into(),
                role: role.into(),
                found: "x".into(),
            }
            .to_string()
        };
        assert_eq!(
            err("channels", "path"),
            "f.csv: missing required column `channels` (for `path`); the header has: x"
        );
        assert_eq!(
            err("path", "path"),
            "f.csv: missing required column `path`; the header has: x"
        );
    }
}
