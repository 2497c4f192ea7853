//! What makes transition counts counts of journeys, which the exact Markov model can
//! solve: each is a property every count of real journeys has, and a file without it was
//! cut, mixed or written wrong.
//!
//! * **Every journey has a touch.** A path summary has no empty path, so `(start)` never
//!   moves straight into `(conversion)` (a conversion no channel could take credit for)
//!   or `(null)`.
//! * **Only conversions carry value**: no value on a move into `(null)` (it would be
//!   dropped).
//! * **Moves are steps of one journey.** At order k the states after `(start)` are
//!   windows of k consecutive touches, so the window a state moves to begins with the
//!   last k − 1 touches of the one it leaves (`a > b` → `b > c`); a journey shorter than
//!   k touches is one state, which moves only into `(conversion)` or `(null)`.
//! * **Journeys end.** No set of states leads only to itself: a closed class of the chain
//!   (Kemeny & Snell, *Finite Markov Chains*, 1960, §2.4), such as `a → b → a` with no
//!   move out, would hold its journeys forever and leave `I − Q` singular, with no
//!   absorption probabilities to solve for. States are split into strongly connected
//!   components (`crate::graph`); one that is entered and has no move out is
//!   refused, naming its states.
//! * **Journeys are conserved.** Every journey that enters a state leaves it, so the
//!   counts into a state and out of it (into states, `(conversion)` and `(null)`) are
//!   equal, within [`BALANCE_REL_TOL`](crate::prec::BALANCE_REL_TOL) (fractional counts
//!   summed in another order).

use super::{CONVERSION, NULL, START, Target, TransitionCounts};
use crate::journeys::path_csv::format_exact;

/// Something about transition counts that journeys cannot have made.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// `(start)` moves straight into an absorbing state: a journey without a touch.
    Untouched {
        /// Where it moves (`(conversion)` or `(null)`).
        target: Target,
    },
    /// A value on a move into `(null)`.
    ValueIntoNull {
        /// The state the move leaves.
        from: u32,
        /// The value.
        value: f64,
    },
    /// A move between states that are not consecutive windows of one journey.
    NotAChain {
        /// The state left.
        from: u32,
        /// The state entered.
        to: u32,
        /// The counts' order.
        order: usize,
    },
    /// States that journeys enter and that lead only to each other (or one state that
    /// is entered and never left).
    Closed {
        /// The states, in id order.
        states: Vec<u32>,
    },
    /// The journeys into a state and out of it differ.
    Unbalanced {
        /// The state.
        state: u32,
        /// Journeys into it.
        into: f64,
        /// Journeys out of it.
        out: f64,
    },
}

/// The most states a message about a closed class names.
const NAMED_STATES: usize = 8;

impl TransitionCounts {
    /// The first thing about the counts that journeys cannot have made, if any (see the
    /// [module](self) for each).
    pub fn check(&self) -> Result<(), Problem> {
        match self.problems().into_iter().next() {
            Some(p) => Err(p),
            None => Ok(()),
        }
    }

    /// Every problem of the first kind found, in the order of the [`Problem`] variants
    /// (a reader reports the one on the earliest line).
    pub fn problems(&self) -> Vec<Problem> {
        let kinds: [&dyn Fn() -> Vec<Problem>; 5] = [
            &|| self.untouched(),
            &|| self.values_into_null(),
            &|| self.not_a_chain(),
            &|| self.closed(),
            &|| self.unbalanced(),
        ];
        kinds
            .iter()
            .map(|kind| kind())
            .find(|found| !found.is_empty())
            .unwrap_or_default()
    }

    fn untouched(&self) -> Vec<Problem> {
        [Target::Conversion, Target::Null]
            .into_iter()
            .filter(|&t| {
                self.moves
                    .get(&(0, t))
                    .is_some_and(|&(count, value)| count > 0.0 || value > 0.0)
            })
            .map(|target| Problem::Untouched { target })
            .collect()
    }

    fn values_into_null(&self) -> Vec<Problem> {
        self.moves
            .iter()
            .filter(|&(&(_, t), &(_, value))| t == Target::Null && value != 0.0)
            .map(|(&(from, _), &(_, value))| Problem::ValueIntoNull { from, value })
            .collect()
    }

    fn not_a_chain(&self) -> Vec<Problem> {
        let order = self.order();
        let step = |from: &[_], to: &[_]| {
            from.len() == order && to.len() == order && from[1..] == to[..order - 1]
        };
        self.moves
            .keys()
            .filter_map(|&(from, target)| match target {
                Target::State(to) if from != 0 && to != from => {
                    let (f, t) = (&self.states[from as usize], &self.states[to as usize]);
                    (!step(f, t)).then_some(Problem::NotAChain { from, to, order })
                }
                _ => None,
            })
            .collect()
    }

    fn closed(&self) -> Vec<Problem> {
        let n = self.states.len();
        // CSR of the moves with journeys between distinct states, and what leaves each.
        let mut row_ptr = vec![0usize; n + 1];
        let mut col = Vec::new();
        let mut absorbs = vec![false; n];
        let mut entered = vec![false; n];
        for (&(from, target), &(count, _)) in &self.moves {
            if count <= 0.0 {
                continue;
            }
            match target {
                Target::State(to) if to != from => {
                    col.push(to);
                    row_ptr[from as usize + 1] += 1;
                    entered[to as usize] = true;
                }
                Target::State(_) => {}
                Target::Conversion | Target::Null => absorbs[from as usize] = true,
            }
        }
        for s in 0..n {
            row_ptr[s + 1] += row_ptr[s];
        }
        let mut component = vec![0usize; n];
        let components = crate::graph::components(n, &row_ptr, &col);
        for (k, states) in components.iter().enumerate() {
            for &s in states {
                component[s as usize] = k;
            }
        }
        components
            .iter()
            .enumerate()
            .filter(|(k, states)| {
                let leaves = states.iter().any(|&s| {
                    let s = s as usize;
                    absorbs[s]
                        || col[row_ptr[s]..row_ptr[s + 1]]
                            .iter()
                            .any(|&t| component[t as usize] != *k)
                });
                !leaves && states.iter().any(|&s| entered[s as usize])
            })
            .map(|(_, states)| Problem::Closed {
                states: states.clone(),
            })
            .collect()
    }

    fn unbalanced(&self) -> Vec<Problem> {
        let n = self.states.len();
        let (mut into, mut out) = (vec![0.0; n], vec![0.0; n]);
        for (&(from, target), &(count, _)) in &self.moves {
            match target {
                Target::State(to) if to == from => {}
                Target::State(to) => {
                    out[from as usize] += count;
                    into[to as usize] += count;
                }
                Target::Conversion | Target::Null => out[from as usize] += count,
            }
        }
        (1..n)
            .filter(|&s| !crate::prec::close(into[s], out[s], crate::prec::BALANCE_REL_TOL))
            .map(|s| Problem::Unbalanced {
                state: s as u32,
                into: into[s],
                out: out[s],
            })
            .collect()
    }
}

impl Problem {
    /// What is wrong, naming the states (as a located message says it after the place).
    pub fn describe(&self, counts: &TransitionCounts) -> String {
        let name = |s: u32| format!("`{}`", counts.state_name(s));
        match *self {
            Problem::Untouched { target } => {
                let (to, what) = if target == Target::Conversion {
                    (CONVERSION, "a conversion no channel can take credit for")
                } else {
                    (NULL, "a journey with no channel on it")
                };
                format!(
                    "`{START}` moves straight into `{to}`: a journey without a touch, {what}; \
                     expected a state (channels joined by `>`), as a path summary has no empty path"
                )
            }
            Problem::ValueIntoNull { from, value } => format!(
                "a value ({}) on the move from {} into `{NULL}`: journeys that end in (null) \
                 did not convert, and the value would be dropped; value goes on moves into \
                 (conversion)",
                format_exact(value),
                name(from)
            ),
            Problem::NotAChain { from, to, order } => {
                let (f, t) = (&counts.states[from as usize], &counts.states[to as usize]);
                let why = if f.len() < order {
                    format!(
                        "a journey shorter than {order} touches is one state, which moves only \
                         into (conversion) or (null)"
                    )
                } else if t.len() < order {
                    format!(
                        "after the first, a journey's states are windows of {order} touches, and \
                         {} has {}",
                        name(to),
                        t.len()
                    )
                } else {
                    let tail: Vec<&str> = f[1..].iter().map(|&c| counts.channels.name(c)).collect();
                    format!(
                        "the next window of a journey begins with `{}`, the last {} of {}",
                        tail.join(" > "),
                        if order == 2 {
                            "touch".to_string()
                        } else {
                            format!("{} touches", order - 1)
                        },
                        name(from)
                    )
                };
                format!(
                    "the move from {} to {} is not a step of one journey: at order {order}, {why}",
                    name(from),
                    name(to)
                )
            }
            Problem::Closed { ref states } => {
                if let [only] = states[..] {
                    return format!(
                        "state {} is entered but never left: no move out of it, not even into \
                         (conversion) or (null); every journey ends in one of them",
                        name(only)
                    );
                }
                let mut names: Vec<String> =
                    states.iter().take(NAMED_STATES).map(|&s| name(s)).collect();
                if states.len() > NAMED_STATES {
                    names.push(format!("and {} more", states.len() - NAMED_STATES));
                }
                format!(
                    "the states {} lead only to each other (a closed cycle): journeys that enter \
                     them never reach (conversion) or (null); expected moves out of them",
                    names.join(", ")
                )
            }
            Problem::Unbalanced { state, into, out } => format!(
                "journeys into {} ({}) and out of it ({}) differ: every journey that enters a \
                 state leaves it, into another state, (conversion) or (null); expected equal \
                 counts",
                name(state),
                format_exact(into),
                format_exact(out)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts from `(from, to, count, value)` rows, states as `a > b` text.
    fn counts(rows: &[(&str, &str, f64, f64)]) -> TransitionCounts {
        let mut t = TransitionCounts::new();
        let split = |s: &str| -> Vec<String> { s.split('>').map(|c| c.trim().into()).collect() };
        for &(from, to, count, value) in rows {
            let f = if from == START {
                Vec::new()
            } else {
                split(from)
            };
            let f: Vec<&str> = f.iter().map(String::as_str).collect();
            match to {
                CONVERSION => t.add(&f, None, Target::Conversion, count, value),
                NULL => t.add(&f, None, Target::Null, count, value),
                _ => {
                    let to = split(to);
                    let to: Vec<&str> = to.iter().map(String::as_str).collect();
                    t.add(&f, Some(&to), Target::Null, count, value);
                }
            }
        }
        t
    }

    fn problem(rows: &[(&str, &str, f64, f64)]) -> String {
        let t = counts(rows);
        t.check()
            .map_err(|p| p.describe(&t))
            .err()
            .unwrap_or_default()
    }

    /// Each property, broken alone, is the problem found, with the states and counts
    /// named; counts of journeys (from a path summary) have none.
    #[test]
    fn each_broken_property_is_named() {
        let start = START;
        assert_eq!(
            problem(&[
                (start, "a", 1.0, 0.0),
                ("a", "b", 1.0, 0.0),
                ("b", "a", 1.0, 0.0)
            ]),
            "the states `a`, `b` lead only to each other (a closed cycle): journeys that \
             enter them never reach (conversion) or (null); expected moves out of them"
        );
        assert_eq!(
            problem(&[(start, "a", 10.0, 0.0), ("a", NULL, 5.0, 0.0)]),
            "journeys into `a` (10) and out of it (5) differ: every journey that enters a \
             state leaves it, into another state, (conversion) or (null); expected equal counts"
        );
        assert_eq!(
            problem(&[
                (start, "a > b", 1.0, 0.0),
                ("a > b", "c > d", 1.0, 0.0),
                ("c > d", NULL, 1.0, 0.0)
            ]),
            "the move from `a > b` to `c > d` is not a step of one journey: at order 2, the \
             next window of a journey begins with `b`, the last touch of `a > b`"
        );
        assert!(
            problem(&[
                (start, "a", 1.0, 0.0),
                ("a", "b > c", 1.0, 0.0),
                ("b > c", NULL, 1.0, 0.0)
            ])
            .contains("a journey shorter than 2 touches is one state")
        );
        assert!(
            problem(&[(start, "a", 1.0, 0.0), ("a", NULL, 1.0, 7.0)])
                .starts_with("a value (7) on the move from `a` into `(null)`")
        );
        assert!(
            problem(&[
                (start, CONVERSION, 3.0, 30.0),
                (start, "a", 1.0, 0.0),
                ("a", NULL, 1.0, 0.0)
            ])
            .starts_with("`(start)` moves straight into `(conversion)`: a journey without a touch")
        );
        assert_eq!(
            problem(&[(start, "a", 1.0, 0.0), ("a", "b", 1.0, 0.0)]),
            "state `b` is entered but never left: no move out of it, not even into \
             (conversion) or (null); every journey ends in one of them"
        );
        // A circulation no journey enters is refused too (its flows balance).
        assert!(
            problem(&[
                (start, "a", 1.0, 0.0),
                ("a", NULL, 1.0, 0.0),
                ("b", "c", 1.0, 0.0),
                ("c", "b", 1.0, 0.0)
            ])
            .starts_with("the states `b`, `c` lead only to each other")
        );
        // Fractional counts summed in another order still balance; zero-count moves do
        // not enter a state.
        assert_eq!(
            problem(&[
                (start, "a", 0.1, 0.0),
                (start, "a", 0.2, 0.0),
                ("a", NULL, 0.3, 0.0),
                ("a", "b", 0.0, 0.0)
            ]),
            ""
        );
    }

    #[test]
    fn counts_of_a_path_summary_have_no_problem() {
        let mut b = crate::journeys::PathTable::builder();
        b.push(&["a", "b", "a", "c"], 2.0, 20.0, 1.0);
        b.push(&["c"], 0.0, 0.0, 3.0);
        b.push(&["b", "b"], 0.5, 1.5, 0.25);
        let paths = b.finish();
        for k in 1..=4 {
            assert_eq!(
                TransitionCounts::from_paths(&paths, k).check(),
                Ok(()),
                "order {k}"
            );
        }
    }
}
