//! Fractribution's default model: a per-path leave-one-out share.
//!
//! Google's `fractribution` (`py/fractribution.py`, `run_shapley_attribution`) and
//! Snowplow's fractribution package call it "shapley", but it is not a Shapley value:
//! each converting path is split over its own touches by how much the path's
//! conversion rate drops when one touch is left out, with the rate of the shorter path
//! looked up in the same path summary.
//!
//! For a path `p = (c_1, …, c_n)` with `P(p) = conversions / (conversions + nulls)`
//! (0 for a path not in the table or with no journeys):
//!
//! * `n = 1`: the touch gets the whole path;
//! * `n ≥ 2`: touch `i` gets `m_i = max(P(p) − P(p without touch i), 0)`, the touch
//!   left out at its position only (other touches of the same channel stay); the
//!   weights are `m_i / Σ m`, and when every `m_i` is 0 the last touch gets the path.
//!
//! A channel's credit is `Σ_paths conversions × Σ_{touches of the channel} weight` (value
//! likewise), so credit sums to the conversions and value. Fractribution credits a
//! converting path with no touches to `Unmatched_Channel`; here an empty path is refused
//! by the reader unless `unmatched_channel` is set, which reads it as a one-touch path of
//! that channel (the same credit).

use std::collections::HashMap;

use crate::channel::ChannelId;
use crate::credit::Credit;
use crate::error::Result;
use crate::journeys::PathTable;
use crate::models::Attribution;
use crate::models::touch_weights::credit_by_touch_weights;

/// The per-path leave-one-out share of Fractribution (see the module docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct Fractribution;

impl Attribution for Fractribution {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        let rate: HashMap<&[ChannelId], f64> = paths
            .rows()
            .map(|r| {
                let n = r.conversions + r.nulls;
                (r.path, if n > 0.0 { r.conversions / n } else { 0.0 })
            })
            .collect();
        let mut shorter: Vec<ChannelId> = Vec::new();
        Ok(credit_by_touch_weights("fractribution", paths, |p, w| {
            let n = p.len();
            w.clear();
            if n == 1 {
                w.push(1.0);
                return;
            }
            let own = rate.get(p).copied().unwrap_or(0.0);
            for i in 0..n {
                shorter.clear();
                shorter.extend_from_slice(&p[..i]);
                shorter.extend_from_slice(&p[i + 1..]);
                let without = rate.get(shorter.as_slice()).copied().unwrap_or(0.0);
                w.push((own - without).max(0.0));
            }
            let sum: f64 = w.iter().sum();
            if sum > 0.0 {
                w.iter_mut().for_each(|x| *x /= sum);
            } else {
                w[n - 1] = 1.0;
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prec::EXACT_TOL;

    /// Hand-derived from the definition in Google's fractribution
    /// (`run_shapley_attribution`, `_get_counterfactual_marginal_contributions`):
    ///
    /// | path | conv | null | value | P |
    /// |---|---|---|---|---|
    /// | a | 2 | 2 | 0 | 1/2 |
    /// | b | 1 | 3 | 0 | 1/4 |
    /// | d | 1 | 1 | 0 | 1/2 |
    /// | e | 1 | 1 | 0 | 1/2 |
    /// | a > b | 3 | 1 | 30 | 3/4 |
    /// | b > a > b | 1 | 0 | 10 | 1 |
    /// | c > a | 1 | 1 | 0 | 1/2 |
    /// | d > e | 1 | 9 | 0 | 1/10 |
    ///
    /// * `a > b`: a: 3/4 − P(b) = 1/2; b: 3/4 − P(a) = 1/4 → a 2/3, b 1/3 → a 2, b 1
    ///   conversions; a 20, b 10 value.
    /// * `b > a > b`: b₁: 1 − P(a > b) = 1/4; a: 1 − P(b > b) = 1 (absent, 0); b₂:
    ///   1 − P(b > a) = 1 (absent) → sum 9/4: a 4/9, b 5/9; value a 40/9, b 50/9.
    /// * `c > a`: c: 1/2 − P(a) = 0; a: 1/2 − P(c) = 1/2 (absent) → a 1.
    /// * `d > e`: both 1/10 − 1/2 < 0 → floored to 0 → last touch: e 1.
    /// * One-touch paths keep their conversions.
    ///
    /// Totals: a = 2 + 2 + 4/9 + 1 = 49/9, b = 1 + 1 + 5/9 = 23/9, c = 0, d = 1, e = 2
    /// (sum 11 = the conversions); value a = 20 + 40/9, b = 10 + 50/9.
    #[test]
    fn known_answer_hand_derived_from_fractribution_definition() {
        let mut b = PathTable::builder();
        for (p, c, v, n) in [
            (&["a"][..], 2.0, 0.0, 2.0),
            (&["b"], 1.0, 0.0, 3.0),
            (&["d"], 1.0, 0.0, 1.0),
            (&["e"], 1.0, 0.0, 1.0),
            (&["a", "b"], 3.0, 30.0, 1.0),
            (&["b", "a", "b"], 1.0, 10.0, 0.0),
            (&["c", "a"], 1.0, 0.0, 1.0),
            (&["d", "e"], 1.0, 0.0, 9.0),
        ] {
            b.push(p, c, v, n);
        }
        let credit = Fractribution.attribute(&b.finish()).unwrap();
        let conv = |ch: &str| credit.get(ch).unwrap().conversions;
        let val = |ch: &str| credit.get(ch).unwrap().value;
        assert!((conv("a") - 49.0 / 9.0).abs() < EXACT_TOL);
        assert!((conv("b") - 23.0 / 9.0).abs() < EXACT_TOL);
        assert_eq!(conv("c"), 0.0);
        assert!((conv("d") - 1.0).abs() < EXACT_TOL);
        assert!((conv("e") - 2.0).abs() < EXACT_TOL);
        assert!((val("a") - (20.0 + 40.0 / 9.0)).abs() < EXACT_TOL);
        assert!((val("b") - (10.0 + 50.0 / 9.0)).abs() < EXACT_TOL);
        assert_eq!(credit.model, "fractribution");
    }
}
