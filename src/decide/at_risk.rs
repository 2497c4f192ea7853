//! Which channels a plan holds at today's spend because the valuing model's own
//! warnings doubt their credit in the direction the plan would move them.
//!
//! A model's warning can say which way its credit of a channel may be wrong
//! ([`CreditRisk`]): too high (exposure that follows intent reads intent as effect), too
//! low (an effect that outlasts the lags, a channel always on for the people it reaches
//! most). A plan that cuts a channel whose credit may be too low, or raises one whose
//! credit may be too high, rests on the very figure the warning doubts. Where the warning
//! has its own alternative reading of the credit (the rise over the pre-exposure level,
//! the fit to the people with time free of the channel, the effect extrapolated past the
//! horizon), the plan is made again with every doubted channel valued at it: a move that
//! survives, the same way, is robust to the doubt and stands; one that does not, or whose
//! doubt has no alternative, is not made, and the channel keeps today's spend. A lift test
//! of the channel settles it either way.
//!
//! The rule only removes moves; it never adds one, so a plan that respects it is the plan
//! of the credit with some channels held, and it can be undone (`move_at_risk`).

use std::collections::{BTreeMap, BTreeSet};

use crate::models::{CreditRisk, RiskDirection};

/// A move smaller than this share of today's spend (or of 1 when today is smaller) is
/// no move.
const STILL: f64 = 1e-6;

/// Per channel at risk, the ratio of its credit under the alternative readings to its
/// credit `credit_of(channel)` (the lowest alternative where its credit may be too high,
/// the highest where too low); none where a risk of the channel has no alternative, its
/// risks point both ways, or it has no positive credit.
pub fn alternative_ratios(
    risks: &[CreditRisk],
    credit_of: impl Fn(&str) -> Option<f64>,
) -> BTreeMap<String, Option<f64>> {
    let mut by_channel: BTreeMap<&str, Vec<&CreditRisk>> = BTreeMap::new();
    for r in risks {
        by_channel.entry(r.channel.as_str()).or_default().push(r);
    }
    by_channel
        .into_iter()
        .map(|(channel, risks)| {
            let ratio = (|| {
                let direction = risks[0].direction;
                if risks.iter().any(|r| r.direction != direction) {
                    return None;
                }
                // A reading that is not a count of conversions (from a hand-written
                // details file) is no reading.
                let alternatives: Option<Vec<f64>> = risks
                    .iter()
                    .map(|r| r.alternative.filter(|a| a.is_finite() && *a >= 0.0))
                    .collect();
                let alternatives = alternatives?;
                let alt = match direction {
                    RiskDirection::High => alternatives.into_iter().fold(f64::INFINITY, f64::min),
                    RiskDirection::Low => alternatives.into_iter().fold(0.0, f64::max),
                };
                let credit = credit_of(channel).filter(|c| *c > 0.0)?;
                Some(alt / credit)
            })();
            (channel.to_string(), ratio)
        })
        .collect()
}

/// `−1`, `0` or `1`: the direction of a move from `today` to `spend`.
fn sign(today: f64, spend: f64) -> i8 {
    let still = STILL * today.abs().max(1.0);
    if spend > today + still {
        1
    } else if spend < today - still {
        -1
    } else {
        0
    }
}

/// What the rule decided for the channels at risk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    /// Held at today's spend: the plan would move them the way their credit may be
    /// wrong, and no alternative reading makes the same move.
    pub held: BTreeSet<String>,
    /// Moved the way their credit may be wrong, because the plan under the alternative
    /// credit moves them the same way.
    pub robust: BTreeSet<String>,
}

/// The decision for `risks` given today's spend, the plan of the credit as it is
/// (`free`) and the plan with every doubted channel valued at its alternative reading
/// (`alternative`, made with `ratios` from [`alternative_ratios`]; none when no channel
/// has one), all keyed by channel. Only a channel with an alternative reading of its
/// own can be vouched for by the alternative plan.
pub fn decide(
    risks: &[CreditRisk],
    today: &BTreeMap<String, f64>,
    free: &BTreeMap<String, f64>,
    ratios: &BTreeMap<String, Option<f64>>,
    alternative: Option<&BTreeMap<String, f64>>,
) -> Decision {
    let mut decision = Decision::default();
    let channels: BTreeSet<&str> = risks.iter().map(|r| r.channel.as_str()).collect();
    for channel in channels {
        let (Some(&t), Some(&x)) = (today.get(channel), free.get(channel)) else {
            continue;
        };
        let moved = sign(t, x);
        let doubted = risks.iter().filter(|r| r.channel == channel).any(|r| {
            matches!(
                (r.direction, moved),
                (RiskDirection::Low, -1) | (RiskDirection::High, 1)
            )
        });
        if !doubted {
            continue;
        }
        let survives = ratios.get(channel).is_some_and(Option::is_some)
            && alternative
                .and_then(|a| a.get(channel))
                .is_some_and(|&y| sign(t, y) == moved);
        let set = if survives {
            &mut decision.robust
        } else {
            &mut decision.held
        };
        set.insert(channel.to_string());
    }
    decision
}

/// The note of a plan from `model`'s credit: which channels at risk it held and which
/// moves survived the alternative readings (none when no channel at risk is in the
/// plan).
pub fn note(model: &str, risks: &[CreditRisk], decision: &Decision) -> Option<String> {
    let mut by_channel: BTreeMap<&str, Vec<&CreditRisk>> = BTreeMap::new();
    for r in risks {
        by_channel.entry(r.channel.as_str()).or_default().push(r);
    }
    if by_channel.is_empty() {
        return None;
    }
    let why = |channel: &str| {
        by_channel.get(channel).map_or(String::new(), |rs| {
            rs.iter()
                .map(|r| format!("{}: {}", r.direction.words(), r.reason))
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    let mut parts = Vec::new();
    for c in &decision.held {
        parts.push(format!(
            "`{c}` held at today's spend (credit may be {}; the plan would move it that way, \
             and no alternative reading of its credit makes the same move)",
            why(c)
        ));
    }
    for c in &decision.robust {
        parts.push(format!(
            "`{c}` moved although its credit may be {}: valued at the warning's alternative \
             reading the plan moves it the same way",
            why(c)
        ));
    }
    let unmoved: Vec<String> = by_channel
        .keys()
        .filter(|c| !decision.held.contains(**c) && !decision.robust.contains(**c))
        .map(|c| format!("`{c}`"))
        .collect();
    if !unmoved.is_empty() {
        parts.push(format!(
            "{} not moved the way {} doubted",
            unmoved.join(", "),
            if unmoved.len() == 1 {
                "its credit is"
            } else {
                "their credit is"
            }
        ));
    }
    Some(format!(
        "Credit at risk: {model}'s own warnings say its credit of some channels may be wrong \
         in a known direction, and the plan does not move a channel that way on that credit \
         alone: {}. A lift test of each settles it ({} moves them on the credit as it is).",
        parts.join("; "),
        crate::param::Param::MoveAtRisk.mention()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(rows: &[(&str, f64)]) -> BTreeMap<String, f64> {
        rows.iter().map(|&(c, x)| (c.to_string(), x)).collect()
    }

    /// Hand-made: `a` may be too low and is cut (held: no alternative), `b` may be too
    /// low and is cut, but valued at its alternative it is cut too (robust), `c` may be
    /// too high and is cut (not doubted), `d` may be too high and is raised while its
    /// alternative holds it still (held).
    #[test]
    fn a_doubted_move_stands_only_where_the_alternative_makes_it_too() {
        let risks = vec![
            CreditRisk::new("a", RiskDirection::Low, "steady exposure"),
            CreditRisk::new("b", RiskDirection::Low, "effect beyond its lags").alternative(20.0),
            CreditRisk::new("c", RiskDirection::High, "follows intent").alternative(5.0),
            CreditRisk::new("d", RiskDirection::High, "follows intent").alternative(5.0),
        ];
        let today = map(&[("a", 100.0), ("b", 100.0), ("c", 100.0), ("d", 100.0)]);
        let free = map(&[("a", 80.0), ("b", 70.0), ("c", 90.0), ("d", 160.0)]);
        let alt = map(&[("a", 80.0), ("b", 95.0), ("c", 70.0), ("d", 100.0)]);
        let ratios = alternative_ratios(&risks, |_| Some(10.0));
        let d = decide(&risks, &today, &free, &ratios, Some(&alt));
        assert_eq!(d.held, BTreeSet::from(["a".to_string(), "d".to_string()]));
        assert_eq!(d.robust, BTreeSet::from(["b".to_string()]));
        let note = note("m", &risks, &d).unwrap();
        assert!(note.contains("`a` held at today's spend (credit may be too low: steady exposure"));
        assert!(note.contains("`b` moved although its credit may be too low"));
        assert!(
            note.contains("`c` not moved the way its credit is doubted"),
            "{note}"
        );
        assert!(note.contains("`move_at_risk`"), "{note}");
        assert_eq!(
            decide(&risks, &today, &today, &ratios, None),
            Decision::default()
        );
    }

    /// The ratio is the most cautious alternative over a channel's risks: the lowest of
    /// two "too high" readings; none with a reading missing or directions mixed.
    #[test]
    fn alternative_ratios_take_the_most_cautious_reading() {
        let risks = vec![
            CreditRisk::new("a", RiskDirection::High, "x").alternative(60.0),
            CreditRisk::new("a", RiskDirection::High, "y").alternative(40.0),
            CreditRisk::new("b", RiskDirection::Low, "x").alternative(150.0),
            CreditRisk::new("c", RiskDirection::Low, "x"),
            CreditRisk::new("d", RiskDirection::Low, "x").alternative(150.0),
            CreditRisk::new("d", RiskDirection::High, "y").alternative(50.0),
            CreditRisk {
                alternative: Some(-5.0),
                ..CreditRisk::new("e", RiskDirection::High, "z")
            },
        ];
        let r = alternative_ratios(&risks, |_| Some(100.0));
        assert_eq!(r["a"], Some(0.4));
        assert_eq!(r["b"], Some(1.5));
        assert_eq!((r["c"], r["d"], r["e"]), (None, None, None));
        assert_eq!(alternative_ratios(&risks, |_| Some(0.0))["a"], None);
    }
}
