//! Order-only rule-based models: first touch, last touch, last non-direct, linear
//! (per touch and per distinct channel), position-based (U-shaped) and custom
//! position weights, and the non-additive "influenced" count.
//!
//! Each rule splits a path's conversions (and value) over its touches with weights
//! that sum to 1; a channel's credit is the sum over paths and touches of
//! `conversions × weight` (and `value × weight`). They need only the order of
//! touches, so they run on a [`PathTable`] (and on journeys through their path
//! table). References for the conventions: Google Analytics' attribution model
//! definitions (first/last/last non-direct/linear/position-based) and
//! ChannelAttribution's `heuristic_models` (linear per touch).

use crate::choice::{Choice, choice_str};
use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::PathTable;
use crate::models::Attribution;
use crate::models::touch_weights::credit_by_touch_weights;
use crate::param::Param;

fn one_hot(n: usize, at: usize, out: &mut Vec<f64>) {
    out.resize(n, 0.0);
    out[at] = 1.0;
}

/// First touch: all credit to the first touch. `w_1 = 1`.
#[derive(Clone, Copy, Debug, Default)]
pub struct FirstTouch;

impl Attribution for FirstTouch {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        Ok(credit_by_touch_weights("first_touch", paths, |p, w| {
            one_hot(p.len(), 0, w)
        }))
    }
}

/// Last touch: all credit to the last touch. `w_n = 1`.
#[derive(Clone, Copy, Debug, Default)]
pub struct LastTouch;

impl Attribution for LastTouch {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        Ok(credit_by_touch_weights("last_touch", paths, |p, w| {
            one_hot(p.len(), p.len() - 1, w)
        }))
    }
}

/// Last non-direct touch: all credit to the last touch whose channel is not a direct
/// channel; a journey made only of direct touches credits its last (direct) touch.
/// This is Google Analytics' "last non-direct click" rule.
#[derive(Clone, Debug)]
pub struct LastNonDirect {
    direct: Vec<String>,
}

impl Default for LastNonDirect {
    fn default() -> Self {
        Self {
            direct: vec!["direct".to_string()],
        }
    }
}

impl LastNonDirect {
    /// The channel names treated as direct (default: `direct`).
    pub fn direct_channels<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.direct = names.into_iter().map(Into::into).collect();
        self
    }

    /// Checks that at least one direct channel is named.
    pub fn validate(&self) -> Result<()> {
        if self.direct.is_empty() || self.direct.iter().any(|d| d.trim().is_empty()) {
            return Err(Error::param(
                Param::DirectChannels,
                "needs at least one non-empty channel name",
            ));
        }
        Ok(())
    }
}

impl Attribution for LastNonDirect {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        self.validate()?;
        let mut is_direct = vec![false; paths.channels().len()];
        for name in &self.direct {
            if let Some(id) = paths.channels().id(name) {
                is_direct[id as usize] = true;
            }
        }
        let mut credit = credit_by_touch_weights("last_non_direct", paths, |p, w| {
            let at = p
                .iter()
                .rposition(|&c| !is_direct[c as usize])
                .unwrap_or(p.len() - 1);
            one_hot(p.len(), at, w);
        });
        if !is_direct.iter().any(|&d| d) {
            credit = credit.with_note(format!(
                "no channel named {} in the input: last non-direct equals last touch",
                self.direct.join(" or ")
            ));
        }
        Ok(credit)
    }
}

/// Linear: each of the path's n touches gets `1/n`, so a channel touched k times gets
/// `k/n` (ChannelAttribution's `heuristic_models` linear convention).
#[derive(Clone, Copy, Debug, Default)]
pub struct Linear;

impl Attribution for Linear {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        Ok(credit_by_touch_weights("linear", paths, |p, w| {
            w.resize(p.len(), 1.0 / p.len() as f64);
        }))
    }
}

/// Linear over distinct channels: each of the path's k distinct channels gets `1/k`,
/// however often it was touched. This is also the Shapley value of the "simplified"
/// counting game of Zhao et al. (2018), where v(S) counts conversions of journeys
/// whose channel set lies in S.
#[derive(Clone, Copy, Debug, Default)]
pub struct LinearUnique;

impl Attribution for LinearUnique {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        let mut seen = vec![false; paths.channels().len()];
        Ok(credit_by_touch_weights("linear_unique", paths, |p, w| {
            w.resize(p.len(), 0.0);
            let mut distinct = 0;
            for (i, &c) in p.iter().enumerate() {
                if !seen[c as usize] {
                    seen[c as usize] = true;
                    w[i] = 1.0;
                    distinct += 1;
                }
            }
            for (i, &c) in p.iter().enumerate() {
                seen[c as usize] = false;
                w[i] /= distinct as f64;
            }
        }))
    }
}

/// Weights of the first, the middle and the last touches of a position-based rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PositionWeights {
    /// Weight of the first touch.
    pub first: f64,
    /// Weight shared equally by the touches between the first and the last.
    pub middle: f64,
    /// Weight of the last touch.
    pub last: f64,
}

impl Default for PositionWeights {
    /// The U-shaped 40/20/40.
    fn default() -> Self {
        Self {
            first: 0.4,
            middle: 0.2,
            last: 0.4,
        }
    }
}

impl PositionWeights {
    /// Parses `FIRST,MIDDLE,LAST` (fractions or percentages; they are normalised).
    pub fn parse(text: &str, flag: Param) -> Result<Self> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let bad = || {
            Error::param(
                flag,
                format!(
                    "`{text}`: expected three non-negative numbers FIRST,MIDDLE,LAST such as 0.4,0.2,0.4"
                ),
            )
        };
        if parts.len() != 3 {
            return Err(bad());
        }
        let mut v = [0.0; 3];
        for (slot, part) in v.iter_mut().zip(&parts) {
            *slot = part.parse().map_err(|_| bad())?;
        }
        let weights = Self {
            first: v[0],
            middle: v[1],
            last: v[2],
        };
        weights.validate(flag)?;
        Ok(weights)
    }

    /// Checks that the weights are finite, non-negative and not all zero.
    pub fn validate(&self, flag: Param) -> Result<()> {
        let all = [self.first, self.middle, self.last];
        if all.iter().any(|w| !w.is_finite() || *w < 0.0) || all.iter().sum::<f64>() <= 0.0 {
            return Err(Error::param(
                flag,
                "weights must be finite, non-negative and not all zero",
            ));
        }
        Ok(())
    }

    /// Per-touch weights of a path of `n` touches, normalised to sum to 1:
    /// * `n = 1`: `[1]`;
    /// * `n = 2`: `[f, l] / (f + l)` (no middle; `[1/2, 1/2]` when `f + l = 0`);
    /// * `n ≥ 3`: first `f`, last `l`, each middle touch `m / (n − 2)`, all divided by
    ///   `f + m + l`.
    pub fn weights(&self, n: usize, out: &mut Vec<f64>) {
        self.weights_with(n, TwoTouch::Renormalise, out)
    }

    /// [`weights`](Self::weights) with a choice of the two-touch rule: with
    /// [`TwoTouch::SplitMiddle`] a path of two touches gets
    /// `[f + m/2, l + m/2] / (f + m + l)`.
    pub fn weights_with(&self, n: usize, two_touch: TwoTouch, out: &mut Vec<f64>) {
        out.clear();
        match n {
            0 => {}
            1 => out.push(1.0),
            2 if two_touch == TwoTouch::SplitMiddle => {
                let s = self.first + self.middle + self.last;
                let half = self.middle / 2.0;
                out.extend([(self.first + half) / s, (self.last + half) / s]);
            }
            2 => {
                let s = self.first + self.last;
                if s > 0.0 {
                    out.extend([self.first / s, self.last / s]);
                } else {
                    out.extend([0.5, 0.5]);
                }
            }
            _ => {
                let s = self.first + self.middle + self.last;
                out.push(self.first / s);
                out.extend(std::iter::repeat_n(self.middle / s / (n - 2) as f64, n - 2));
                out.push(self.last / s);
            }
        }
    }
}

/// How a position-based rule splits a path of two touches, which has no middle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TwoTouch {
    /// `[f, l] / (f + l)`: the middle weight is dropped and the rest renormalised
    /// (Google Analytics' position-based rule; the default).
    #[default]
    Renormalise,
    /// `[f + m/2, l + m/2] / (f + m + l)`: first and last each take half of the middle
    /// weight, as DP6 Marketing-Attribution-Models (`attribution_position_based`) and
    /// ianchute/shapley-attribution apply custom weights.
    SplitMiddle,
}

impl Choice for TwoTouch {
    const PARAM: Param = Param::TwoTouch;
    const ALL: &'static [Self] = &[TwoTouch::Renormalise, TwoTouch::SplitMiddle];
    fn name(self) -> &'static str {
        match self {
            TwoTouch::Renormalise => "renormalise",
            TwoTouch::SplitMiddle => "split_middle",
        }
    }
}

choice_str!(TwoTouch);

/// Position-based: fixed weights for the first, middle and last touches. With the
/// default 40/20/40 this is the U-shaped model of Google Analytics ("position based")
/// and of Bizible/Salesforce ("U-shaped"); `custom` is the same rule under user weights.
/// See [`PositionWeights::weights`] for the formula at every path length.
#[derive(Clone, Debug)]
pub struct PositionBased {
    name: &'static str,
    weights: PositionWeights,
    two_touch: TwoTouch,
}

impl Default for PositionBased {
    fn default() -> Self {
        Self {
            name: "position_based",
            weights: PositionWeights::default(),
            two_touch: TwoTouch::default(),
        }
    }
}

impl PositionBased {
    /// Sets the position weights (default 0.4/0.2/0.4).
    pub fn weights(mut self, weights: PositionWeights) -> Self {
        self.weights = weights;
        self
    }

    /// Sets the two-touch rule (default [`TwoTouch::Renormalise`]).
    pub fn two_touch(mut self, two_touch: TwoTouch) -> Self {
        self.two_touch = two_touch;
        self
    }

    /// The `custom` model: the same rule, named `custom` in output.
    pub fn custom(weights: PositionWeights) -> Self {
        Self {
            name: "custom",
            weights,
            two_touch: TwoTouch::default(),
        }
    }
}

impl Attribution for PositionBased {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        self.weights.validate(Param::PositionWeights)?;
        Ok(credit_by_touch_weights(self.name, paths, |p, w| {
            self.weights.weights_with(p.len(), self.two_touch, w)
        }))
    }
}

/// Influenced: every distinct channel on a converting path gets the path's full
/// conversions and value. Non-additive by definition (a conversion is counted once
/// per channel that touched it); `share` is the fraction of all conversions a channel
/// influenced, and shares sum to the mean number of distinct channels per conversion.
#[derive(Clone, Copy, Debug, Default)]
pub struct Influenced;

impl Attribution for Influenced {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        let n = paths.channels().len();
        let (mut conversions, mut value) = (vec![0.0; n], vec![0.0; n]);
        let mut seen = vec![false; n];
        for row in paths.rows() {
            for &c in row.path {
                if !seen[c as usize] {
                    seen[c as usize] = true;
                    conversions[c as usize] += row.conversions;
                    value[c as usize] += row.value;
                }
            }
            for &c in row.path {
                seen[c as usize] = false;
            }
        }
        Ok(Credit::from_ids(
            "influenced",
            paths.channels(),
            &conversions,
            &value,
            paths.total_conversions(),
            paths.total_value(),
        )
        .non_additive()
        .with_note(
            "influenced is non-additive: each conversion counts once for every channel on its path",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prec::EXACT_TOL;

    fn paths(rows: &[(&[&str], f64, f64, f64)]) -> PathTable {
        let mut b = PathTable::builder();
        for (p, c, v, n) in rows {
            b.push(p, *c, *v, *n);
        }
        b.finish()
    }

    fn conv(credit: &Credit, ch: &str) -> f64 {
        credit.get(ch).unwrap().conversions
    }

    fn val(credit: &Credit, ch: &str) -> f64 {
        credit.get(ch).unwrap().value
    }

    /// The $12,000 five-touch journey of the foundation issue (hand-derived numbers in
    /// issue 2): paid_social > organic > paid_social > branded_search > direct.
    fn twelve_thousand() -> PathTable {
        paths(&[(
            &[
                "paid_social",
                "organic",
                "paid_social",
                "branded_search",
                "direct",
            ],
            1.0,
            12_000.0,
            0.0,
        )])
    }

    #[test]
    fn twelve_thousand_dollar_journey_rule_models() {
        let t = twelve_thousand();
        let first = FirstTouch.attribute(&t).unwrap();
        assert_eq!(val(&first, "paid_social"), 12_000.0);
        let last = LastTouch.attribute(&t).unwrap();
        assert_eq!(val(&last, "direct"), 12_000.0);
        let lnd = LastNonDirect::default().attribute(&t).unwrap();
        assert_eq!(val(&lnd, "branded_search"), 12_000.0);
        assert_eq!(val(&lnd, "direct"), 0.0);
        // Linear: 2,400 per touch; paid_social has two touches.
        let linear = Linear.attribute(&t).unwrap();
        assert!((val(&linear, "paid_social") - 4_800.0).abs() < 1e-9);
        assert!((val(&linear, "organic") - 2_400.0).abs() < 1e-9);
        // Position-based: 4,800 / 800 / 800 / 800 / 4,800 per touch.
        let pb = PositionBased::default().attribute(&t).unwrap();
        assert!((val(&pb, "paid_social") - 5_600.0).abs() < 1e-9);
        assert!((val(&pb, "organic") - 800.0).abs() < 1e-9);
        assert!((val(&pb, "branded_search") - 800.0).abs() < 1e-9);
        assert!((val(&pb, "direct") - 4_800.0).abs() < 1e-9);
    }

    #[test]
    fn position_based_weights_by_length() {
        // Issue 2: 1, 2, 3, 5 touches → [1], [0.5, 0.5], [0.4, 0.2, 0.4], [0.4, 1/15, 1/15, 1/15, 0.4].
        let pw = PositionWeights::default();
        let mut w = Vec::new();
        let expect: [&[f64]; 4] = [
            &[1.0],
            &[0.5, 0.5],
            &[0.4, 0.2, 0.4],
            &[0.4, 1.0 / 15.0, 1.0 / 15.0, 1.0 / 15.0, 0.4],
        ];
        for exp in expect {
            pw.weights(exp.len(), &mut w);
            for (a, b) in w.iter().zip(exp) {
                assert!((a - b).abs() < EXACT_TOL, "{w:?} vs {exp:?}");
            }
        }
    }

    #[test]
    fn linear_per_touch_and_per_unique_channel() {
        // Issue 2: A > B > A → per touch A 2/3, B 1/3; per unique channel 1/2, 1/2.
        let t = paths(&[(&["A", "B", "A"], 1.0, 0.0, 0.0)]);
        let l = Linear.attribute(&t).unwrap();
        assert!((conv(&l, "A") - 2.0 / 3.0).abs() < EXACT_TOL);
        assert!((conv(&l, "B") - 1.0 / 3.0).abs() < EXACT_TOL);
        let u = LinearUnique.attribute(&t).unwrap();
        assert!((conv(&u, "A") - 0.5).abs() < EXACT_TOL);
        assert!((conv(&u, "B") - 0.5).abs() < EXACT_TOL);
    }

    #[test]
    fn last_non_direct_all_direct_credits_direct_and_names_are_configurable() {
        let t = paths(&[
            (&["direct", "direct"], 2.0, 0.0, 0.0),
            (&["email", "(none)"], 1.0, 0.0, 0.0),
        ]);
        let c = LastNonDirect::default().attribute(&t).unwrap();
        assert_eq!(conv(&c, "direct"), 2.0);
        assert_eq!(conv(&c, "(none)"), 1.0);
        let c = LastNonDirect::default()
            .direct_channels(["direct", "(none)"])
            .attribute(&t)
            .unwrap();
        assert_eq!(conv(&c, "email"), 1.0);
        assert!(
            LastNonDirect::default()
                .direct_channels(Vec::<String>::new())
                .attribute(&t)
                .is_err()
        );
    }

    #[test]
    fn custom_weights_are_normalised_and_two_touches_drop_the_middle() {
        let w = PositionWeights::parse("30,40,30", Param::CustomWeights).unwrap();
        let mut out = Vec::new();
        w.weights(3, &mut out);
        assert!((out[1] - 0.4).abs() < EXACT_TOL);
        w.weights(2, &mut out);
        assert_eq!(out, [0.5, 0.5]);
        assert!(PositionWeights::parse("1,2", Param::CustomWeights).is_err());
        assert!(PositionWeights::parse("0,0,0", Param::CustomWeights).is_err());
        assert!(PositionWeights::parse("-1,1,1", Param::CustomWeights).is_err());
    }

    /// Hand-derived, DP6's `attribution_position_based` with weights 0.5/0.2/0.3: a
    /// two-touch path gets first 0.5 + 0.2/2 = 0.6, last 0.3 + 0.2/2 = 0.4 (ours
    /// renormalises: 0.5/0.8 = 0.625, 0.3/0.8 = 0.375); three touches are the same
    /// under both rules (0.5, 0.2, 0.3). Paths: `a > b` ×10, `b > c > a` ×10 →
    /// split_middle: a 6 + 3 = 9, b 4 + 5 = 9, c 2.
    #[test]
    fn two_touch_split_middle_is_dp6s_rule() {
        let w = PositionWeights::parse("0.5,0.2,0.3", Param::CustomWeights).unwrap();
        let mut out = Vec::new();
        w.weights_with(2, TwoTouch::SplitMiddle, &mut out);
        assert!((out[0] - 0.6).abs() < EXACT_TOL && (out[1] - 0.4).abs() < EXACT_TOL);
        w.weights_with(2, TwoTouch::Renormalise, &mut out);
        assert!((out[0] - 0.625).abs() < EXACT_TOL && (out[1] - 0.375).abs() < EXACT_TOL);
        let t = paths(&[
            (&["a", "b"], 10.0, 0.0, 0.0),
            (&["b", "c", "a"], 10.0, 0.0, 0.0),
        ]);
        let c = PositionBased::custom(w)
            .two_touch(TwoTouch::SplitMiddle)
            .attribute(&t)
            .unwrap();
        assert!((conv(&c, "a") - 9.0).abs() < 1e-12);
        assert!((conv(&c, "b") - 9.0).abs() < 1e-12);
        assert!((conv(&c, "c") - 2.0).abs() < 1e-12);
        assert_eq!(
            "split_middle".parse::<TwoTouch>().unwrap(),
            TwoTouch::SplitMiddle
        );
    }

    #[test]
    fn influenced_counts_each_channel_once_per_path() {
        let t = paths(&[(&["a", "b", "a"], 2.0, 20.0, 0.0), (&["b"], 1.0, 5.0, 3.0)]);
        let c = Influenced.attribute(&t).unwrap();
        assert!(!c.additive);
        assert_eq!(conv(&c, "a"), 2.0);
        assert_eq!(conv(&c, "b"), 3.0);
        assert_eq!(val(&c, "b"), 25.0);
        assert_eq!(c.get("b").unwrap().share, 1.0);
    }
}
