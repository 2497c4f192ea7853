//! What differs between the SQL engines pathcredit writes for.

use crate::choice::{Choice, choice_str};
use crate::param::Param;

/// An SQL engine the journey SQL is written for (and run on, in the tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// DuckDB (1.1 or later).
    Duckdb,
    /// Apache Spark SQL (3.4 or later).
    Spark,
}

impl Choice for Dialect {
    const PARAM: Param = Param::Dialect;
    const ALL: &'static [Self] = &[Dialect::Duckdb, Dialect::Spark];
    fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Spark => "spark",
        }
    }
}

choice_str!(Dialect);

impl Dialect {
    /// Statements that set the session up (UTC timestamps).
    pub(crate) fn preamble(self) -> &'static str {
        match self {
            Dialect::Duckdb => "SET TimeZone = 'UTC';",
            Dialect::Spark => "SET spark.sql.session.timeZone = UTC;",
        }
    }

    /// Statements (without their final `;`) that materialise `query` as the temporary
    /// table `name`.
    pub(crate) fn materialise(self, name: &str, query: &str) -> Vec<String> {
        match self {
            Dialect::Duckdb => vec![format!("CREATE OR REPLACE TEMP TABLE {name} AS\n{query}")],
            // A table (in the session's warehouse): later statements read its rows, so
            // the plan of a stitching round does not hold every round before it (a
            // cached view keeps that lineage, and planning grows exponentially).
            Dialect::Spark => vec![
                format!("DROP TABLE IF EXISTS {name}"),
                format!("CREATE TABLE {name} USING parquet AS\n{query}"),
            ],
        }
    }

    /// Epoch milliseconds of a timestamp column.
    pub(crate) fn epoch_millis(self, column: &str) -> String {
        match self {
            Dialect::Duckdb => format!("epoch_ms(CAST({column} AS TIMESTAMPTZ))"),
            Dialect::Spark => format!("unix_millis(CAST({column} AS TIMESTAMP))"),
        }
    }

    /// `values` joined by `separator` in the order of `position` (an integer), per group.
    pub(crate) fn ordered_join(self, values: &str, position: &str, separator: &str) -> String {
        match self {
            Dialect::Duckdb => format!("string_agg({values}, '{separator}' ORDER BY {position})"),
            Dialect::Spark => format!(
                "array_join(transform(array_sort(collect_list(struct({position} AS p, {values} AS v))), x -> x.v), '{separator}')"
            ),
        }
    }

    /// An expression that fails the statement with `message`.
    pub(crate) fn raise(self, message: &str) -> String {
        self.raise_expr(&self.literal(message))
    }

    /// An expression that fails the statement with the text of `message` (an expression).
    pub(crate) fn raise_expr(self, message: &str) -> String {
        match self {
            Dialect::Duckdb => format!("error({message})"),
            Dialect::Spark => format!("raise_error({message})"),
        }
    }

    /// Whether `text` holds a match of `pattern` (a regular expression in the syntax
    /// both engines share: RE2 in DuckDB, java.util.regex in Spark), as a boolean.
    pub(crate) fn regex_matches(self, text: &str, pattern: &str) -> String {
        match self {
            Dialect::Duckdb => format!("regexp_matches({text}, {})", self.literal(pattern)),
            Dialect::Spark => format!("({text} RLIKE {})", self.literal(pattern)),
        }
    }

    /// `text` folded as the channel grouping compares it ([`crate::grouping::fold()`]):
    /// trimmed of Unicode white space, `İ` read as `i`, lower-cased, `ς` read as `σ`.
    /// Spelt out because the engines' own `trim` and `lower` differ there.
    pub(crate) fn fold(self, text: &str) -> String {
        let class = crate::grouping::fold::WHITE_SPACE_CLASS;
        let edges = self.literal(&format!("^[{class}]+|[{class}]+$"));
        let trimmed = match self {
            Dialect::Duckdb => format!("regexp_replace({text}, {edges}, '', 'g')"),
            Dialect::Spark => format!("regexp_replace({text}, {edges}, '')"),
        };
        format!("replace(lower(replace({trimmed}, 'İ', 'i')), 'ς', 'σ')")
    }

    /// The engine's timestamp type with a time zone (read as UTC).
    pub(crate) fn timestamp_type(self) -> &'static str {
        match self {
            Dialect::Duckdb => "TIMESTAMPTZ",
            Dialect::Spark => "TIMESTAMP",
        }
    }

    /// Epoch microseconds of a timestamp value.
    pub(crate) fn epoch_micros(self, value: &str) -> String {
        match self {
            Dialect::Duckdb => format!("epoch_us({value})"),
            Dialect::Spark => format!("unix_micros({value})"),
        }
    }

    /// A string literal holding exactly `text`.
    ///
    /// DuckDB follows standard SQL: a quote is doubled and nothing else is special.
    /// Spark reads a backslash as an escape, and older versions read `'a''b'` as two
    /// adjacent literals (`ab`), so there both are escaped with a backslash. Names
    /// reach here validated free of control characters ([`check_name`]).
    pub(crate) fn literal(self, text: &str) -> String {
        match self {
            Dialect::Spark => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
            Dialect::Duckdb => format!("'{}'", text.replace('\'', "''")),
        }
    }

    /// A quoted identifier (a column or table name as the user gave it), its quote
    /// character doubled.
    pub(crate) fn identifier(self, name: &str) -> String {
        match self {
            Dialect::Duckdb => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A table name as the user gave it: dotted parts (`schema.table`) quoted one by
    /// one. Checked by [`check_table`].
    pub(crate) fn table(self, name: &str) -> String {
        name.split('.')
            .map(|part| self.identifier(part.trim()))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Checks a name that the SQL will hold (quoted, as an identifier or a literal): no
/// control characters (a newline would end a comment line, a NUL ends the text for some
/// drivers) and no invisible format characters that would make two names print alike.
pub(crate) fn check_name(param: Param, what: &str, name: &str) -> crate::error::Result<()> {
    match name.chars().find(|c| crate::text::is_hidden(*c)) {
        Some(c) => Err(crate::error::Error::param(
            param,
            format!(
                "{what} `{}` holds the character {}; names in SQL must be free of control \
                 and invisible characters",
                crate::text::escape_hidden(name),
                crate::text::escape_char(c)
            ),
        )),
        None => Ok(()),
    }
}

/// Checks a table name: [`check_name`], and every dotted part non-empty.
pub(crate) fn check_table(param: Param, name: &str) -> crate::error::Result<()> {
    check_name(param, "the table", name)?;
    if name.split('.').any(|part| part.trim().is_empty()) {
        return Err(crate::error::Error::param(
            param,
            format!("`{name}`: expected a table name, or schema.table, with no empty part"),
        ));
    }
    Ok(())
}
