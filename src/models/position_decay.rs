//! Position decay: time decay by position on a path summary without timestamps.
//!
//! With no touch times, the peers that offer a "time decay" on path summaries weight
//! touches by their rank towards the conversion, growing linearly:
//!
//! * `touches` (default): touch `i` of `n` (1 = first) gets `i / (1 + 2 + … + n)`, so a
//!   path of 3 touches splits 1/6, 2/6, 3/6. This is DP6 Marketing-Attribution-Models'
//!   `attribution_position_decay` (`MAM.attribution_position_decay`).
//! * `first_seen`: the path's `k` distinct channels, ordered by their first touch, get
//!   `j / (1 + … + k)` for rank `j`. This is eeghor/mta's `time_decay` with
//!   `count_direction='left'`.
//! * `last_seen`: the distinct channels ordered by their last touch, likewise
//!   (`count_direction='right'`: the channel touched last ranks highest).
//!
//! Each weighting sums to 1 per path, so credit sums to the conversions and value.

use crate::channel::ChannelId;
use crate::choice::{Choice, choice_str};
use crate::credit::Credit;
use crate::error::Result;
use crate::journeys::PathTable;
use crate::models::Attribution;
use crate::models::touch_weights::credit_by_touch_weights;
use crate::param::Param;

/// What a position decay ranks: touches, or distinct channels by first or last touch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DecayRank {
    /// Every touch by its position (DP6).
    #[default]
    Touches,
    /// Distinct channels by their first touch (eeghor/mta, `left`).
    FirstSeen,
    /// Distinct channels by their last touch (eeghor/mta, `right`).
    LastSeen,
}

impl Choice for DecayRank {
    const PARAM: Param = Param::PositionDecay;
    const ALL: &'static [Self] = &[
        DecayRank::Touches,
        DecayRank::FirstSeen,
        DecayRank::LastSeen,
    ];
    fn name(self) -> &'static str {
        match self {
            DecayRank::Touches => "touches",
            DecayRank::FirstSeen => "first_seen",
            DecayRank::LastSeen => "last_seen",
        }
    }
}

choice_str!(DecayRank);

/// The position decay model (see the module docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct PositionDecay {
    rank: DecayRank,
}

impl PositionDecay {
    /// Sets what is ranked (default [`DecayRank::Touches`]).
    pub fn rank(mut self, rank: DecayRank) -> Self {
        self.rank = rank;
        self
    }

    /// Per-touch weights of `path` (summing to 1).
    pub fn weights(&self, path: &[ChannelId], out: &mut Vec<f64>) {
        let n = path.len();
        out.clear();
        out.resize(n, 0.0);
        match self.rank {
            DecayRank::Touches => {
                let sum = (n * (n + 1) / 2) as f64;
                for (i, w) in out.iter_mut().enumerate() {
                    *w = (i + 1) as f64 / sum;
                }
            }
            DecayRank::FirstSeen | DecayRank::LastSeen => {
                // The touch that stands for each distinct channel, in rank order.
                let mut order: Vec<usize> = Vec::with_capacity(n);
                let seen = |order: &[usize], c: ChannelId| order.iter().any(|&k| path[k] == c);
                if self.rank == DecayRank::FirstSeen {
                    for (i, &c) in path.iter().enumerate() {
                        if !seen(&order, c) {
                            order.push(i);
                        }
                    }
                } else {
                    for (i, &c) in path.iter().enumerate().rev() {
                        if !seen(&order, c) {
                            order.push(i);
                        }
                    }
                    order.reverse();
                }
                let k = order.len();
                let sum = (k * (k + 1) / 2) as f64;
                for (j, &i) in order.iter().enumerate() {
                    out[i] = (j + 1) as f64 / sum;
                }
            }
        }
    }
}

impl Attribution for PositionDecay {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        Ok(credit_by_touch_weights("position_decay", paths, |p, w| {
            self.weights(p, w)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prec::EXACT_TOL;

    /// Hand-derived: path `a > b > c > b > a > c` (the example in eeghor/mta's
    /// `time_decay` docstring), 6 conversions.
    /// * touches (DP6): weights i/21 → a (1+5)/21, b (2+4)/21, c (3+6)/21 → ×6:
    ///   a 12/7, b 12/7, c 18/7.
    /// * first_seen: a, b, c by first touch → 1/6, 2/6, 3/6 → a 1, b 2, c 3.
    /// * last_seen: last touches b (4th), a (5th), c (6th) → b 1, a 2, c 3.
    #[test]
    fn known_answers_by_rank() {
        let mut b = PathTable::builder();
        b.push(&["a", "b", "c", "b", "a", "c"], 6.0, 0.0, 0.0);
        let t = b.finish();
        let check = |rank: DecayRank, want: [f64; 3]| {
            let credit = PositionDecay::default().rank(rank).attribute(&t).unwrap();
            for (ch, w) in ["a", "b", "c"].iter().zip(want) {
                let got = credit.get(ch).unwrap().conversions;
                assert!((got - w).abs() < EXACT_TOL, "{rank}: {ch} {got} vs {w}");
            }
        };
        check(DecayRank::Touches, [12.0 / 7.0, 12.0 / 7.0, 18.0 / 7.0]);
        check(DecayRank::FirstSeen, [1.0, 2.0, 3.0]);
        check(DecayRank::LastSeen, [2.0, 1.0, 3.0]);
    }

    #[test]
    fn one_touch_takes_all() {
        for rank in DecayRank::ALL {
            let mut w = Vec::new();
            PositionDecay::default().rank(*rank).weights(&[3], &mut w);
            assert_eq!(w, [1.0]);
        }
    }
}
