//! Mergeable aggregates smaller than a path summary, for data too large to move:
//! order-k transition counts (what the exact Markov model needs) and journeys per set of
//! distinct channels (what Shapley's games need). An engine writes them with
//! `pathcredit sql`; shards add up ([`TransitionCounts::merge`], and coalitions are path
//! summaries of channel sets).
//!
//! **Transitions** (`from_state,to_state,count,value`): states are order-k windows of
//! channels joined by ` > ` (ChannelAttribution's convention: windows of k consecutive
//! touches, consecutive equal windows collapsed, a journey shorter than k one state),
//! plus `(start)`, `(conversion)` and `(null)`; `count` is the number of journeys making
//! the move; `value` is the conversion value on moves into `(conversion)`.
//!
//! **Coalitions** (`channels,total_conversions,total_conversion_value,total_null`): a
//! journey's distinct channels, sorted and joined by ` + `, with the path summary's
//! totals.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use crate::channel::{ChannelId, Dictionary};
use crate::csv_input::{ColumnMap, CsvSource, ReadOptions, ReadReport, Records};
use crate::error::{Error, Result};
use crate::journeys::path_csv::{PathReadOptions, format_exact, value_without_conversions};
use crate::journeys::path_table::PathTable;

/// The start state's name.
pub const START: &str = "(start)";
/// The conversion state's name.
pub const CONVERSION: &str = "(conversion)";
/// The null state's name.
pub const NULL: &str = "(null)";
/// The separator of a coalition's channels.
pub const COALITION_SEPARATOR: &str = "+";

/// Where a move goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A transient state (by id).
    State(u32),
    /// Absorbed: converted.
    Conversion,
    /// Absorbed: no conversion.
    Null,
}

/// Order-k transition counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransitionCounts {
    /// Channel names.
    pub channels: Dictionary,
    /// States: their channels (state 0 is `(start)`, with none).
    pub states: Vec<Vec<ChannelId>>,
    /// Journeys per move, and the value moved into `(conversion)`.
    pub moves: BTreeMap<(u32, Target), (f64, f64)>,
    /// State ids by channels.
    index: BTreeMap<Vec<ChannelId>, u32>,
}

impl TransitionCounts {
    /// An empty table (state 0 is `(start)`).
    pub fn new() -> Self {
        TransitionCounts {
            channels: Dictionary::default(),
            states: vec![Vec::new()],
            moves: BTreeMap::new(),
            index: BTreeMap::new(),
        }
    }

    /// The order: the most channels a state holds.
    pub fn order(&self) -> usize {
        self.states.iter().map(Vec::len).max().unwrap_or(0).max(1)
    }

    /// The state's name (`(start)`, or its channels joined by ` > `).
    pub fn state_name(&self, s: u32) -> String {
        if s == 0 {
            return START.to_string();
        }
        let names: Vec<&str> = self.states[s as usize]
            .iter()
            .map(|&c| self.channels.name(c))
            .collect();
        names.join(" > ")
    }

    fn state_id(&mut self, channels: Vec<ChannelId>) -> u32 {
        if channels.is_empty() {
            return 0;
        }
        if let Some(&id) = self.index.get(&channels) {
            return id;
        }
        self.states.push(channels.clone());
        let id = (self.states.len() - 1) as u32;
        self.index.insert(channels, id);
        id
    }

    /// Adds `count` journeys (and `value`) on a move from the state of channels `from`
    /// (`(start)` when empty) to the state of channels `to`, or, when `to` is `None`,
    /// into `absorbed`.
    pub fn add(
        &mut self,
        from: &[&str],
        to: Option<&[&str]>,
        absorbed: Target,
        count: f64,
        value: f64,
    ) {
        let from_ids: Vec<ChannelId> = from.iter().map(|n| self.channels.intern(n)).collect();
        let f = self.state_id(from_ids);
        let target = match to {
            Some(names) => {
                let ids: Vec<ChannelId> = names.iter().map(|n| self.channels.intern(n)).collect();
                Target::State(self.state_id(ids))
            }
            None => absorbed,
        };
        let entry = self.moves.entry((f, target)).or_insert((0.0, 0.0));
        entry.0 += count;
        entry.1 += value;
    }

    /// The order-`k` transition counts of a path summary, as the Markov model forms its
    /// chain (and as `pathcredit sql --transitions k` counts them).
    pub fn from_paths(paths: &PathTable, k: usize) -> TransitionCounts {
        let mut out = TransitionCounts::new();
        for row in paths.rows() {
            let w = row.conversions + row.nulls;
            if w <= 0.0 {
                continue;
            }
            let names: Vec<&str> = row.path.iter().map(|&c| paths.channels().name(c)).collect();
            let mut seq: Vec<Vec<&str>> = if names.len() < k {
                vec![names.clone()]
            } else {
                names.windows(k).map(<[&str]>::to_vec).collect()
            };
            seq.dedup();
            let mut prev = 0u32;
            for state in seq {
                let ids: Vec<ChannelId> = state.iter().map(|n| out.channels.intern(n)).collect();
                let s = out.state_id(ids);
                let e = out
                    .moves
                    .entry((prev, Target::State(s)))
                    .or_insert((0.0, 0.0));
                e.0 += w;
                prev = s;
            }
            if row.conversions > 0.0 {
                let e = out
                    .moves
                    .entry((prev, Target::Conversion))
                    .or_insert((0.0, 0.0));
                e.0 += row.conversions;
                e.1 += row.value;
            }
            if row.nulls > 0.0 {
                let e = out.moves.entry((prev, Target::Null)).or_insert((0.0, 0.0));
                e.0 += row.nulls;
            }
        }
        out
    }

    /// The sum of two tables (shards of the same data add up).
    pub fn merge(&self, other: &TransitionCounts) -> TransitionCounts {
        let mut out = TransitionCounts::new();
        for table in [self, other] {
            for (&(f, t), &(count, value)) in &table.moves {
                let from = table.names_of(f);
                let from: Vec<&str> = from.iter().map(String::as_str).collect();
                match t {
                    Target::State(s) => {
                        let to = table.names_of(s);
                        let to: Vec<&str> = to.iter().map(String::as_str).collect();
                        out.add(&from, Some(&to), Target::Null, count, value);
                    }
                    absorbed => out.add(&from, None, absorbed, count, value),
                }
            }
        }
        out
    }

    fn names_of(&self, s: u32) -> Vec<String> {
        self.states[s as usize]
            .iter()
            .map(|&c| self.channels.name(c).to_string())
            .collect()
    }

    /// Total journeys that converted, their value, and journeys that did not.
    pub fn totals(&self) -> (f64, f64, f64) {
        let mut t = (0.0, 0.0, 0.0);
        for (&(_, target), &(count, value)) in &self.moves {
            match target {
                Target::Conversion => {
                    t.0 += count;
                    t.1 += value;
                }
                Target::Null => t.2 += count,
                Target::State(_) => {}
            }
        }
        t
    }

    /// Reads `from_state,to_state,count[,value]`; repeated moves add up.
    pub fn read_records(input: Records<'_>, name: &str) -> Result<(TransitionCounts, ReadReport)> {
        let columns = ColumnMap::new();
        let mut src = CsvSource::open(input, name, &["from_state", "to_state", "count", "value"])?;
        let from_col = src.required("from_state", &columns)?;
        let to_col = src.required("to_state", &columns)?;
        let count_col = src.required("count", &columns)?;
        let value_col = src.optional("value", &columns)?;
        let mut out = TransitionCounts::new();
        let mut report = ReadReport::new(name);
        let (mut count_total, mut value_total) = (0.0, 0.0);
        let split =
            |text: &str| -> Vec<String> { text.split('>').map(|s| s.trim().to_string()).collect() };
        while let Some(row) = src.next_row()? {
            report.rows_read += 1;
            let from = row.non_empty(from_col, "a state: (start) or channels joined by `>`")?;
            let to = row.non_empty(to_col, "a state, (conversion) or (null)")?;
            let count = row.non_negative(count_col, None)?;
            let value = match value_col {
                Some(c) => row.non_negative(c, Some(0.0))?,
                None => 0.0,
            };
            row.add_to_total(count_col, count, &mut count_total)?;
            if let Some(c) = value_col {
                row.add_to_total(c, value, &mut value_total)?;
            }
            if from == CONVERSION || from == NULL {
                return Err(row.error(
                    from_col,
                    format!("`{from}` is absorbing: nothing leaves it"),
                ));
            }
            if to == START {
                return Err(row.error(to_col, "nothing moves into (start)"));
            }
            let from_names = if from == START {
                Vec::new()
            } else {
                split(from)
            };
            if from_names.iter().any(String::is_empty) {
                return Err(row.error(from_col, format!("`{from}` has an empty channel name")));
            }
            let from_refs: Vec<&str> = from_names.iter().map(String::as_str).collect();
            if let Some(c) = value_col
                && value > 0.0
                && (to == NULL || (to == CONVERSION && count == 0.0))
            {
                let text = row.str(c)?;
                return Err(row.error(
                    c,
                    if to == NULL {
                        format!(
                            "a value of `{text}` on a move into (null); value goes on moves \
                             into (conversion), expected 0 or empty"
                        )
                    } else {
                        value_without_conversions(text)
                    },
                ));
            }
            match to {
                CONVERSION => out.add(&from_refs, None, Target::Conversion, count, value),
                NULL => out.add(&from_refs, None, Target::Null, count, value),
                _ => {
                    let to_names = split(to);
                    if to_names.iter().any(String::is_empty) {
                        return Err(row.error(to_col, format!("`{to}` has an empty channel name")));
                    }
                    if value != 0.0 {
                        return Err(row.error(
                            value_col.unwrap_or(to_col),
                            "a value on a move between states; value goes on moves into (conversion)",
                        ));
                    }
                    let to_refs: Vec<&str> = to_names.iter().map(String::as_str).collect();
                    out.add(&from_refs, Some(&to_refs), Target::Null, count, value);
                }
            }
        }
        report.check_usable()?;
        Ok((out, report))
    }

    /// Reads a transitions CSV.
    pub fn read_csv<R: Read>(input: R, name: &str) -> Result<(TransitionCounts, ReadReport)> {
        Self::read_records(Records::csv(input), name)
    }

    /// Writes `from_state,to_state,count,value`, sorted by names, counts exact.
    pub fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        let mut rows: Vec<(String, String, f64, f64)> = self
            .moves
            .iter()
            .map(|(&(f, t), &(count, value))| {
                let to = match t {
                    Target::State(s) => self.state_name(s),
                    Target::Conversion => CONVERSION.to_string(),
                    Target::Null => NULL.to_string(),
                };
                (self.state_name(f), to, count, value)
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
        w.write_record(["from_state", "to_state", "count", "value"])
            .map_err(err)?;
        for (f, t, c, v) in rows {
            w.write_record([f, t, format_exact(c), format_exact(v)])
                .map_err(err)?;
        }
        w.flush().map_err(Error::Write)
    }
}

/// How a coalitions file is read: a path summary whose "paths" are channel sets.
pub fn coalition_options(read: ReadOptions) -> PathReadOptions {
    let mut columns = ColumnMap::new().set("path", "channels");
    columns.extend(read.columns.clone());
    PathReadOptions {
        read: read.columns(columns),
        separator: COALITION_SEPARATOR.to_string(),
    }
}

/// The coalitions of a path summary: each journey's distinct channels, sorted.
pub fn coalitions_of(paths: &PathTable) -> PathTable {
    let mut builder = PathTable::builder();
    for row in paths.rows() {
        let mut names: Vec<&str> = row.path.iter().map(|&c| paths.channels().name(c)).collect();
        names.sort_unstable();
        names.dedup();
        builder.push(&names, row.conversions, row.value, row.nulls);
    }
    builder.finish()
}

/// Writes coalitions (`channels,...`, channels joined by ` + `).
pub fn write_coalitions<W: Write>(table: &PathTable, out: W) -> Result<()> {
    let mut buf = Vec::new();
    table.write_csv_separated(&mut buf, COALITION_SEPARATOR)?;
    let text = String::from_utf8(buf).map_err(|e| Error::Write(std::io::Error::other(e)))?;
    let text = text.replacen("path,", "channels,", 1);
    let mut out = out;
    out.write_all(text.as_bytes()).map_err(Error::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&[&str], f64, f64, f64)]) -> PathTable {
        let mut b = PathTable::builder();
        for (p, c, v, n) in rows {
            b.push(p, *c, *v, *n);
        }
        b.finish()
    }

    #[test]
    fn transitions_of_paths_collapse_windows_and_round_trip() {
        let t = table(&[(&["a", "a", "b"], 2.0, 20.0, 1.0), (&["c"], 0.0, 0.0, 3.0)]);
        let tc = TransitionCounts::from_paths(&t, 2);
        let mut out = Vec::new();
        tc.write_csv(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "from_state,to_state,count,value\n\
             (start),a > a,3,0\n(start),c,3,0\na > a,a > b,3,0\n\
             a > b,(conversion),2,20\na > b,(null),1,0\nc,(null),3,0\n"
        );
        let (back, _) = TransitionCounts::read_csv(text.as_bytes(), "t.csv").unwrap();
        assert_eq!(back.totals(), (2.0, 20.0, 4.0));
        let mut again = Vec::new();
        back.merge(&TransitionCounts::new())
            .write_csv(&mut again)
            .unwrap();
        assert_eq!(String::from_utf8(again).unwrap(), text);
        assert_eq!(back.order(), 2);
    }

    #[test]
    fn bad_transitions_are_located_errors() {
        let err = TransitionCounts::read_csv(
            "from_state,to_state,count\n(start),a,1\n(null),a,1\n".as_bytes(),
            "t.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("t.csv: line 3, column 1 (from_state)"),
            "{err}"
        );
    }
}
