//! Which header each column is read from: the remapping of default column names
//! ([`ColumnMap`]), and its resolution against a source's header, where a missing,
//! doubled or shared header is an error.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::csv_input::source::CsvSource;
use crate::error::{Error, Location, MAX_QUOTED, Result, excerpt, header_list};
use crate::param::Param;

/// Remapping of default column names to the headers a file actually uses, e.g.
/// `path → transformed_path` to read Fractribution's path summaries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    map: BTreeMap<String, String>,
}

impl ColumnMap {
    /// An empty map (every column under its default name).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the column `default` from the header `header`.
    pub fn set(mut self, default: impl Into<String>, header: impl Into<String>) -> Self {
        self.map.insert(default.into(), header.into());
        self
    }

    /// Adds (and overrides with) every remapping of `other`.
    pub fn extend(&mut self, other: ColumnMap) {
        self.map.extend(other.map);
    }

    /// Parses `NAME=HEADER` pairs.
    pub fn parse_pairs<I, S>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut map = Self::new();
        for pair in pairs {
            let pair = pair.as_ref();
            let Some((name, header)) = pair.split_once('=') else {
                return Err(Error::param(
                    Param::Columns,
                    format!("`{pair}`: expected NAME=HEADER, e.g. path=transformed_path"),
                ));
            };
            let (name, header) = (name.trim(), header.trim());
            if name.is_empty() || header.is_empty() {
                return Err(Error::param(
                    Param::Columns,
                    format!("`{pair}`: both NAME and HEADER must be non-empty"),
                ));
            }
            map = map.set(name, header);
        }
        Ok(map)
    }

    /// The header to look for in place of `default`.
    pub fn header<'a>(&'a self, default: &'a str) -> &'a str {
        self.map.get(default).map_or(default, String::as_str)
    }

    /// Fails if a remapped name is none of `known` (a typo would otherwise be silent).
    pub fn check_known(&self, what: &str, known: &[&str]) -> Result<()> {
        for name in self.map.keys() {
            if !known.contains(&name.as_str()) {
                return Err(Error::param(
                    Param::Columns,
                    format!(
                        "`{name}` is not a column of the {what} file; its columns are: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Every remapping, `(name, header)`, sorted by name.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(n, h)| (n.as_str(), h.as_str()))
    }

    /// True when nothing is remapped.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The columns a reader reads: those it declares (its default column names) and those
/// it has looked up, with the header each reads.
#[derive(Default)]
pub(crate) struct Roles {
    declared: Vec<String>,
    claimed: RefCell<Vec<(String, String)>>,
}

impl Roles {
    /// The columns `declared` (default names), none looked up yet.
    pub(crate) fn new(declared: &[&str]) -> Self {
        Self {
            declared: declared.iter().map(|d| d.to_string()).collect(),
            claimed: RefCell::default(),
        }
    }

    /// Notes that column `role` reads `header`; an error naming two columns and the
    /// header when two of the reader's columns (declared, looked up before, or `role`)
    /// read one header.
    fn claim(&self, file: &str, role: &str, header: &str, columns: &ColumnMap) -> Result<()> {
        let mut claimed = self.claimed.borrow_mut();
        if !claimed.iter().any(|(r, _)| r == role) {
            claimed.push((role.to_string(), header.to_string()));
        }
        let declared = self
            .declared
            .iter()
            .map(|d| (d.as_str(), columns.header(d)));
        let read: Vec<(&str, &str)> = claimed
            .iter()
            .map(|(r, h)| (r.as_str(), h.as_str()))
            .chain(declared)
            .collect();
        for (i, &(a, header)) in read.iter().enumerate() {
            let Some(&(b, _)) = read[..i].iter().find(|&&(b, h)| b != a && h == header) else {
                continue;
            };
            // The column remapped onto another's header is named first.
            let (first, second) = if b == header { (a, b) } else { (b, a) };
            let header = excerpt(header, MAX_QUOTED, "name");
            return Err(Error::param(
                Param::Columns,
                format!(
                    "{file}: the columns `{first}` and `{second}` would both be read from the \
                     header `{header}`; map each to a header of its own"
                ),
            ));
        }
        Ok(())
    }
}

impl CsvSource<'_> {
    /// The index of column `default` (under its remapped header), if present; an error
    /// when the header names it twice (which one is meant cannot be known), or when
    /// another column of the reader reads the same header (by default or by its own
    /// remapping): one header cannot hold two columns.
    pub fn optional(&self, default: &str, columns: &ColumnMap) -> Result<Option<usize>> {
        let header = columns.header(default);
        self.roles.claim(&self.name, default, header, columns)?;
        let mut at = self
            .headers
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == header)
            .map(|(i, _)| i);
        let first = at.next();
        if let (Some(a), Some(b)) = (first, at.next()) {
            return Err(Error::bad_value(
                self.header_location(b + 1, header),
                format!(
                    "the header names `{header}` twice (columns {} and {}); rename or remove one",
                    a + 1,
                    b + 1
                ),
            ));
        }
        Ok(first)
    }

    fn header_location(&self, column: usize, header: &str) -> Location {
        // A table's header has no line.
        let line = if self.is_table() { 0 } else { 1 };
        Location::line(&self.name, line, Some(column), Some(header.to_string()))
    }

    /// The index of a required column, or an error listing the columns found.
    pub fn required(&self, default: &str, columns: &ColumnMap) -> Result<usize> {
        self.optional(default, columns)?
            .ok_or_else(|| Error::MissingColumn {
                file: self.name.clone(),
                column: excerpt(columns.header(default), MAX_QUOTED, "name"),
                role: excerpt(default, MAX_QUOTED, "name"),
                found: header_list(&self.headers),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_input::Records;

    #[test]
    fn column_map_parses_pairs_and_rejects_garbage() {
        let map =
            ColumnMap::parse_pairs(["path=transformed_path", " total_null = non_conversions "])
                .unwrap();
        assert_eq!(map.header("path"), "transformed_path");
        assert_eq!(map.header("total_null"), "non_conversions");
        assert_eq!(map.header("other"), "other");
        assert!(ColumnMap::parse_pairs(["path"]).is_err());
        assert!(ColumnMap::parse_pairs(["=x"]).is_err());
        let err = map.check_known("paths", &["path"]).unwrap_err().to_string();
        assert!(err.contains("total_null"), "{err}");
    }

    #[test]
    fn missing_column_lists_the_header() {
        let src =
            CsvSource::open(Records::csv("a,b\n1,2\n".as_bytes()), "x.csv", &["path"]).unwrap();
        let err = src
            .required("path", &ColumnMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("x.csv") && err.contains("`path`") && err.contains("a, b"),
            "{err}"
        );
    }

    /// Issue 31, hardening item 2: two columns read from one header are refused, the
    /// remapped one named first, whichever is looked up first and whether the other is
    /// declared or only looked up.
    #[test]
    fn two_columns_on_one_header_are_refused() {
        let roles = ["path", "total_conversions", "total_null"];
        let text = "path,total_conversions,total_null\na,1,0\n";
        let want = "invalid columns: x.csv: the columns `total_null` and `total_conversions` \
                    would both be read from the header `total_conversions`; map each to a \
                    header of its own";
        let map = ColumnMap::new().set("total_null", "total_conversions");
        for first in ["total_conversions", "total_null"] {
            let src = CsvSource::open(Records::csv(text.as_bytes()), "x.csv", &roles).unwrap();
            let err = src.optional(first, &map).unwrap_err().to_string();
            assert_eq!(err, want);
        }
        // Two remappings onto one header; a column the reader did not declare.
        let map = ColumnMap::new().set("path", "p").set("value", "p");
        let src = CsvSource::open(Records::csv("p\na\n".as_bytes()), "x.csv", &[]).unwrap();
        assert_eq!(src.optional("path", &map).unwrap(), Some(0));
        let err = src.optional("value", &map).unwrap_err().to_string();
        assert!(
            err.contains("`path` and `value`") && err.contains("header `p`"),
            "{err}"
        );
        // A column looked up twice, and columns swapped, are fine.
        let swapped = ColumnMap::new()
            .set("total_null", "total_conversions")
            .set("total_conversions", "total_null");
        let src = CsvSource::open(Records::csv(text.as_bytes()), "x.csv", &roles).unwrap();
        assert_eq!(src.required("total_null", &swapped).unwrap(), 1);
        assert_eq!(src.required("total_null", &swapped).unwrap(), 1);
        assert_eq!(src.required("total_conversions", &swapped).unwrap(), 2);
    }
}
