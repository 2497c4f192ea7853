//! The bounds and the response assumption of a budget plan.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::models::CreditRisk;
use crate::param::Param;

/// How attributed value responds to spend.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "response", rename_all = "snake_case")]
pub enum Response {
    /// `V · (x/s)^elasticity`, `0 < elasticity < 1`.
    Diminishing {
        /// The exponent `b`.
        elasticity: f64,
    },
    /// `V · x/s`.
    Linear,
}

/// Bounds and response of a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetParams {
    /// Largest move of any channel, as a fraction of its current spend (default 0.25).
    pub max_shift: f64,
    /// Minimum spend per channel.
    pub floors: BTreeMap<String, f64>,
    /// Maximum spend per channel.
    pub caps: BTreeMap<String, f64>,
    /// The response assumption.
    pub response: Response,
    /// Channels whose credit the valuing model's warnings put at risk
    /// ([`crate::models::credit_risk`]): the plan does not cut a channel whose credit may
    /// be too low, nor raise one whose credit may be too high, unless the warning's
    /// alternative reading of the credit makes the same move ([`crate::decide::at_risk`]).
    /// Empty: every channel moves on its credit.
    pub at_risk: Vec<CreditRisk>,
    /// Channels held at today's spend: what the planners make of `at_risk`
    /// ([`crate::decide::at_risk`]), or a caller's own choice.
    pub held: BTreeSet<String>,
    /// Move channels at risk on their credit as it is: `at_risk` is ignored.
    pub move_at_risk: bool,
}

impl Default for BudgetParams {
    fn default() -> Self {
        Self {
            max_shift: 0.25,
            floors: BTreeMap::new(),
            caps: BTreeMap::new(),
            response: Response::Diminishing { elasticity: 0.5 },
            at_risk: Vec::new(),
            held: BTreeSet::new(),
            move_at_risk: false,
        }
    }
}

impl BudgetParams {
    /// Checks the bounds and the response (before any input is read).
    pub fn validate(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.max_shift) || self.max_shift.is_nan() {
            return Err(Error::param(
                Param::MaxShift,
                format!("{}: expected a fraction between 0 and 1", self.max_shift),
            ));
        }
        if let Response::Diminishing { elasticity } = self.response
            && !(elasticity > 0.0 && elasticity < 1.0)
        {
            return Err(Error::param(
                Param::Elasticity,
                format!(
                    "{elasticity}: expected a number above 0 and below 1 (or the linear `response`)"
                ),
            ));
        }
        for (param, map) in [(Param::Floor, &self.floors), (Param::Cap, &self.caps)] {
            for (channel, amount) in map {
                if !(amount.is_finite() && *amount >= 0.0) {
                    return Err(Error::param(
                        param,
                        format!("`{channel}`: expected an amount ≥ 0"),
                    ));
                }
                if *amount > crate::decide::spend::MAX_SPEND {
                    return Err(Error::param(
                        param,
                        format!(
                            "`{channel}`: {amount} is above {:e}, the largest amount a plan \
                             settles exactly in cents",
                            crate::decide::spend::MAX_SPEND
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The spend range a plan may give `channel` whose spend today is `today`:
    /// `[max(today·(1 − m), floor), min(today·(1 + m), cap)]`, `m` the largest move; an
    /// error when a floor above the cap leaves no room.
    pub fn bounds(&self, channel: &str, today: f64) -> Result<(f64, f64)> {
        let m = self.max_shift;
        let mut lo = today * (1.0 - m);
        let mut hi = today * (1.0 + m);
        if let Some(&f) = self.floors.get(channel) {
            lo = lo.max(f);
        }
        if let Some(&c) = self.caps.get(channel) {
            hi = hi.min(c);
        }
        if lo <= hi {
            (lo, hi) = self.pinned(channel, today, lo, hi);
        }
        if lo > hi {
            return Err(Error::param(
                Param::Floor,
                format!(
                    "`{channel}`: the bounds leave no room (at least {lo:.2}, at most {hi:.2}, \
                     with `max_shift` {m}; check `floor` and `cap`)"
                ),
            ));
        }
        Ok((lo, hi))
    }

    /// `[lo, hi]` pinned to today's spend (clamped into it) for a channel in
    /// [`BudgetParams::held`].
    fn pinned(&self, channel: &str, today: f64, lo: f64, hi: f64) -> (f64, f64) {
        if self.held.contains(channel) {
            let anchor = today.clamp(lo, hi);
            (anchor, anchor)
        } else {
            (lo, hi)
        }
    }

    /// The response's exponent `b` (1 for linear).
    pub fn exponent(&self) -> f64 {
        match self.response {
            Response::Diminishing { elasticity } => elasticity,
            Response::Linear => 1.0,
        }
    }

    /// Parses `CHANNEL=AMOUNT` pairs of a floor or cap list.
    pub fn parse_amounts(param: Param, pairs: &[String]) -> Result<BTreeMap<String, f64>> {
        pairs
            .iter()
            .map(|pair| {
                let (channel, amount) = pair.split_once('=').ok_or_else(|| {
                    Error::param(
                        param,
                        format!("`{pair}`: expected CHANNEL=AMOUNT, e.g. display=500"),
                    )
                })?;
                let value: f64 = amount.trim().parse().map_err(|_| {
                    Error::param(param, format!("`{pair}`: `{amount}` is not an amount ≥ 0"))
                })?;
                Ok((channel.trim().to_string(), value))
            })
            .collect()
    }
}

/// The response's names, for `response`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseKind {
    /// [`Response::Diminishing`].
    Diminishing,
    /// [`Response::Linear`].
    Linear,
    /// Curves fitted from the logs and the spend history
    /// ([`crate::decide::fitted_plan()`]); made by `budget` from events, not a [`Response`].
    Fitted,
}

impl crate::choice::Choice for ResponseKind {
    const PARAM: Param = Param::Response;
    const ALL: &'static [Self] = &[
        ResponseKind::Diminishing,
        ResponseKind::Linear,
        ResponseKind::Fitted,
    ];
    fn name(self) -> &'static str {
        match self {
            ResponseKind::Diminishing => "diminishing",
            ResponseKind::Linear => "linear",
            ResponseKind::Fitted => "fitted",
        }
    }
}

crate::choice::choice_str!(ResponseKind);

impl ResponseKind {
    /// The assumed response, with `elasticity` for the diminishing one; an error for
    /// `fitted`, which is measured, not assumed (only `budget` makes it, from events).
    pub fn with_elasticity(self, elasticity: f64) -> Result<Response> {
        match self {
            ResponseKind::Diminishing => Ok(Response::Diminishing { elasticity }),
            ResponseKind::Linear => Ok(Response::Linear),
            ResponseKind::Fitted => Err(Error::param(
                Param::Response,
                "`fitted` curves are measured from events and a spend series: `pathcredit \
                 budget --response fitted --events FILE --spend SERIES`; here use \
                 `diminishing` or `linear`",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Today's spend 100 within ±50%: a held channel is pinned at 100; today below a
    /// floor pins it at the floor.
    #[test]
    fn a_held_channel_is_pinned_at_today() {
        let mut p = BudgetParams {
            max_shift: 0.5,
            ..BudgetParams::default()
        };
        assert_eq!(p.bounds("a", 100.0).unwrap(), (50.0, 150.0));
        p.held.insert("a".into());
        assert_eq!(p.bounds("a", 100.0).unwrap(), (100.0, 100.0));
        assert_eq!(p.bounds("b", 100.0).unwrap(), (50.0, 150.0));
        p.floors.insert("a".into(), 120.0);
        assert_eq!(p.bounds("a", 100.0).unwrap(), (120.0, 120.0));
    }
}
