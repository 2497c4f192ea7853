//! What differs between the SQL engines pathcredit writes for.

use crate::param::{Choice, Param, choice_str};

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

    /// Statements that materialise `query` as the temporary table `name`.
    pub(crate) fn materialise(self, name: &str, query: &str) -> String {
        match self {
            Dialect::Duckdb => format!("CREATE OR REPLACE TEMP TABLE {name} AS\n{query};"),
            // A table (in the session's warehouse): later statements read its rows, so
            // the plan of a stitching round does not hold every round before it (a
            // cached view keeps that lineage, and planning grows exponentially).
            Dialect::Spark => format!(
                "DROP TABLE IF EXISTS {name};\nCREATE TABLE {name} USING parquet AS\n{query};"
            ),
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
        let message = message.replace('\'', "''");
        match self {
            Dialect::Duckdb => format!("error('{message}')"),
            Dialect::Spark => format!("raise_error('{message}')"),
        }
    }

    /// A string literal.
    pub(crate) fn literal(self, text: &str) -> String {
        let escaped = text.replace('\'', "''");
        match self {
            // Spark reads backslashes in literals as escapes.
            Dialect::Spark => format!("'{}'", escaped.replace('\\', "\\\\")),
            Dialect::Duckdb => format!("'{escaped}'"),
        }
    }

    /// A quoted identifier (a column or table name as the user gave it).
    pub(crate) fn identifier(self, name: &str) -> String {
        match self {
            Dialect::Duckdb => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A table name as the user gave it (dotted parts quoted one by one).
    pub(crate) fn table(self, name: &str) -> String {
        name.split('.')
            .map(|part| self.identifier(part.trim()))
            .collect::<Vec<_>>()
            .join(".")
    }
}
