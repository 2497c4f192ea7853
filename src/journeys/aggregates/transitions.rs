//! Order-k transition counts: the states of journeys (windows of k touches) and how many
//! journeys moved between them, as the exact Markov model needs them.

use std::collections::BTreeMap;
use std::io::Write;

use super::{CONVERSION, NULL, START, Target};
use crate::channel::{ChannelId, Dictionary};
use crate::error::{Error, Result};
use crate::journeys::path_csv::format_exact;
use crate::journeys::path_table::PathTable;

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

    /// What the counts say of their order: at least [`TransitionCounts::order`], and
    /// exactly the length of the states that move to other states, when one does (with
    /// none, every journey was one state, as at any higher order).
    pub fn order_evidence(&self) -> (usize, Option<usize>) {
        let exact = self.moves.keys().find_map(|&(from, target)| match target {
            Target::State(to) if from != 0 && to != from => Some(self.states[from as usize].len()),
            _ => None,
        });
        (self.order(), exact)
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
        self.add_move(from, to, absorbed, count, value);
    }

    /// [`TransitionCounts::add`], returning the move's key.
    pub(crate) fn add_move(
        &mut self,
        from: &[&str],
        to: Option<&[&str]>,
        absorbed: Target,
        count: f64,
        value: f64,
    ) -> (u32, Target) {
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
        (f, target)
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
}
