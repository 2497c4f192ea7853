//! Reading transition counts, every move checked ([`check`](super::check)) and every
//! problem located at the line of the move that shows it; adding up shards of one order.

use std::collections::BTreeMap;
use std::io::Read;

use super::{CONVERSION, NULL, Problem, START, Target, TransitionCounts};
use crate::csv_input::{At, ColumnMap, CsvSource, ReadReport, Records};
use crate::error::{Error, Location, Result};
use crate::journeys::path_csv::value_without_conversions;

/// Where each move was first read, and which columns hold what.
struct Places {
    first: BTreeMap<(u32, Target), At>,
    headers: Vec<String>,
    from: usize,
    to: usize,
    count: usize,
    value: Option<usize>,
}

/// An order on places: earlier lines (or rows) first.
fn rank(at: At) -> u64 {
    match at {
        At::Line(l) | At::Row(l) => l,
    }
}

impl Places {
    /// The earliest place among `moves` (with the column `col`).
    fn earliest(
        &self,
        moves: impl Iterator<Item = (u32, Target)>,
        col: usize,
    ) -> Option<(At, usize)> {
        moves
            .filter_map(|m| self.first.get(&m).copied())
            .min_by_key(|&at| rank(at))
            .map(|at| (at, col))
    }

    /// Where a problem shows: the move (and column) on the earliest line that shows it.
    fn of(&self, problem: &Problem, counts: &TransitionCounts) -> Option<(At, usize)> {
        let moves = || counts.moves.keys().copied();
        let from = |states: &[u32]| {
            let states = states.to_vec();
            moves().filter(move |(f, _)| states.contains(f))
        };
        let into = |states: &[u32]| {
            let states = states.to_vec();
            moves().filter(move |(_, t)| matches!(t, Target::State(s) if states.contains(s)))
        };
        match problem {
            Problem::Untouched { target } => self.earliest([(0, *target)].into_iter(), self.to),
            Problem::ValueIntoNull { from, .. } => self.earliest(
                [(*from, Target::Null)].into_iter(),
                self.value.unwrap_or(self.to),
            ),
            Problem::NotAChain { from, to, .. } => {
                self.earliest([(*from, Target::State(*to))].into_iter(), self.to)
            }
            Problem::Closed { states } => self
                .earliest(from(states), self.from)
                .or_else(|| self.earliest(into(states), self.to)),
            Problem::Unbalanced { state, .. } => {
                self.earliest(from(&[*state]).chain(into(&[*state])), self.count)
            }
        }
    }

    /// The located error of `problem`, at the earliest line that shows it.
    fn error(&self, name: &str, problem: &Problem, counts: &TransitionCounts) -> Error {
        let location = match self.of(problem, counts) {
            Some((at, col)) => at.location(name, col, self.headers.get(col).cloned()),
            None => Location::line(name, 0, None, None),
        };
        Error::bad_value(location, problem.describe(counts))
    }
}

impl TransitionCounts {
    /// Reads `from_state,to_state,count[,value]`; repeated moves add up. Counts that
    /// journeys cannot have made are refused ([`TransitionCounts::check`]), at the line of
    /// the earliest move that shows the problem.
    pub fn read_records(input: Records<'_>, name: &str) -> Result<(TransitionCounts, ReadReport)> {
        let columns = ColumnMap::new();
        let mut src = CsvSource::open(input, name, &["from_state", "to_state", "count", "value"])?;
        let mut places = Places {
            first: BTreeMap::new(),
            headers: src.headers().to_vec(),
            from: src.required("from_state", &columns)?,
            to: src.required("to_state", &columns)?,
            count: src.required("count", &columns)?,
            value: src.optional("value", &columns)?,
        };
        let (from_col, to_col, count_col, value_col) =
            (places.from, places.to, places.count, places.value);
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
            let key = match to {
                CONVERSION | NULL => {
                    let target = if to == CONVERSION {
                        Target::Conversion
                    } else {
                        Target::Null
                    };
                    let key = out.add_move(&from_refs, None, target, count, value);
                    let problem = if from_refs.is_empty() && (count > 0.0 || value > 0.0) {
                        Some((Problem::Untouched { target }, to_col))
                    } else if target == Target::Null && value != 0.0 {
                        let from = key.0;
                        Some((
                            Problem::ValueIntoNull { from, value },
                            value_col.unwrap_or(to_col),
                        ))
                    } else {
                        None
                    };
                    if let Some((problem, col)) = problem {
                        return Err(row.error(col, problem.describe(&out)));
                    }
                    key
                }
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
                    out.add_move(&from_refs, Some(&to_refs), Target::Null, count, value)
                }
            };
            places.first.entry(key).or_insert(row.at());
        }
        report.check_usable()?;
        let problems = out.problems();
        let located = problems
            .iter()
            .min_by_key(|p| places.of(p, &out).map_or(u64::MAX, |(at, _)| rank(at)));
        if let Some(problem) = located {
            return Err(places.error(name, problem, &out));
        }
        Ok((out, report))
    }

    /// Reads a transitions CSV.
    pub fn read_csv<R: Read>(input: R, name: &str) -> Result<(TransitionCounts, ReadReport)> {
        Self::read_records(Records::csv(input), name)
    }
}

/// The sum of transition counts read from shards, shard by shard, refusing shards
/// counted at different orders (their states are windows of different lengths, which add
/// up to no chain), naming both shards and their orders.
#[derive(Debug, Default)]
pub struct ShardSum {
    total: TransitionCounts,
    /// Each shard's name and what it says of its order
    /// ([`TransitionCounts::order_evidence`]).
    seen: Vec<(String, (usize, Option<usize>))>,
}

/// "of order 2", or "of order 2 or higher" when the counts only bound it.
fn describe_order((lower, exact): (usize, Option<usize>)) -> String {
    match exact {
        Some(k) => format!("of order {k}"),
        None => format!("of order {lower} or higher"),
    }
}

impl ShardSum {
    /// No shard yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the shard `name`; fails when its order differs from an earlier shard's.
    pub fn add(&mut self, name: &str, counts: &TransitionCounts) -> Result<()> {
        let (lower, exact) = counts.order_evidence();
        let clash = self.seen.iter().find(|(_, (l, e))| match (exact, *e) {
            (Some(k), Some(m)) => k != m,
            (Some(k), None) => k < *l,
            (None, Some(m)) => m < lower,
            (None, None) => false,
        });
        if let Some((other, evidence)) = clash {
            return Err(Error::bad_value(
                Location::line(name, 0, None, None),
                format!(
                    "its transition counts are {} and those of `{other}` {}: shards add up only \
                     when counted at one order; count every shard at the same order",
                    describe_order((lower, exact)),
                    describe_order(*evidence)
                ),
            ));
        }
        self.seen.push((name.to_string(), (lower, exact)));
        self.total = self.total.merge(counts);
        Ok(())
    }

    /// The sum.
    pub fn total(self) -> TransitionCounts {
        self.total
    }
}

/// The sum of shards `(name, counts)`, as [`ShardSum`] adds them.
pub fn merge_shards(shards: &[(String, TransitionCounts)]) -> Result<TransitionCounts> {
    let mut sum = ShardSum::new();
    for (name, counts) in shards {
        sum.add(name, counts)?;
    }
    Ok(sum.total())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> String {
        match TransitionCounts::read_csv(text.as_bytes(), "t.csv") {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn bad_transitions_are_located_errors() {
        let err = read("from_state,to_state,count\n(start),a,1\n(null),a,1\n");
        assert!(
            err.contains("t.csv: line 3, column 1 (from_state)"),
            "{err}"
        );
    }

    /// Issue 31, items 1 and 2: each problem is refused at the line of the earliest move
    /// that shows it, in the column that holds it.
    #[test]
    fn problems_are_located_at_the_earliest_move_showing_them() {
        let header = "from_state,to_state,count,value\n";
        let cases = [
            (
                "(start),a,1,0\na,b,1,0\nb,a,1,0\n",
                "t.csv: line 3, column 1 (from_state): the states `a`, `b` lead only to each \
                 other (a closed cycle)",
            ),
            (
                "(start),a,10,0\na,(null),5,0\n",
                "t.csv: line 2, column 3 (count): journeys into `a` (10) and out of it (5) differ",
            ),
            (
                "(start),a > b,1,0\na > b,c > d,1,0\nc > d,(null),1,0\n",
                "t.csv: line 3, column 2 (to_state): the move from `a > b` to `c > d` is not a \
                 step of one journey",
            ),
            (
                "(start),a,1,0\na,(null),1,7\n",
                "t.csv: line 3, column 4 (value): a value of `7` on a move into (null); value goes on moves into (conversion), expected 0 or empty",
            ),
            (
                "(start),a,1,0\na,(null),1,0\n(start),(conversion),3,30\n",
                "t.csv: line 4, column 2 (to_state): `(start)` moves straight into \
                 `(conversion)`: a journey without a touch",
            ),
            (
                "(start),a,2,0\na,b,1,0\n(start),c,1,0\nc,(null),1,0\na,(null),1,0\n",
                "t.csv: line 3, column 2 (to_state): state `b` is entered but never left",
            ),
        ];
        for (rows, want) in cases {
            let err = read(&format!("{header}{rows}"));
            assert!(err.starts_with(want), "{rows}: {err}");
        }
    }

    /// Issue 31, item 2 (f): shards of different orders are refused naming both and
    /// their orders; a shard whose journeys were all one state fits any order.
    #[test]
    fn shards_of_different_orders_are_refused() {
        let shard = |text: &str| TransitionCounts::read_csv(text.as_bytes(), "x").unwrap().0;
        let first = shard("from_state,to_state,count\n(start),a,1\na,b,1\nb,(null),1\n");
        let second =
            shard("from_state,to_state,count\n(start),a > b,1\na > b,b > c,1\nb > c,(null),1\n");
        let single = shard("from_state,to_state,count\n(start),a,1\na,(null),1\n");
        let err = merge_shards(&[
            ("a.csv".into(), first.clone()),
            ("b.csv".into(), second.clone()),
        ])
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "b.csv: its transition counts are of order 2 and those of `a.csv` of order 1: \
             shards add up only when counted at one order; count every shard at the same order"
        );
        assert!(
            merge_shards(&[("s.csv".into(), single.clone()), ("b.csv".into(), second)]).is_ok()
        );
        let merged =
            merge_shards(&[("a.csv".into(), first.clone()), ("s.csv".into(), single)]).unwrap();
        assert_eq!(merged.totals(), (0.0, 0.0, 2.0));
    }
}
