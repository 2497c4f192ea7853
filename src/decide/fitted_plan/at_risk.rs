//! The rule for channels at risk ([`crate::decide::at_risk`]) on a fitted plan: the
//! point plan of the curves as valued, and of the curves with every doubted channel
//! valued at its alternative reading, decide which channels keep today's spend.

use std::collections::BTreeMap;

use crate::credit::Credit;
use crate::decide::at_risk::{Decision, alternative_ratios, decide};
use crate::decide::response::{ChannelDraws, OptimizeParams, Target, UncertaintyParams};
use crate::error::Result;
use crate::models::CreditRisk;

/// Pins at today's spend (within its bounds) each channel of `channels` that the rule
/// holds, given the `credit` that values them and its `risks`; the decision, for the
/// plan's note.
pub(super) fn hold_channels_at_risk(
    channels: &mut [ChannelDraws],
    credit: &Credit,
    risks: &[CreditRisk],
    target: Target,
    stay_in_range: bool,
) -> Result<Decision> {
    let point = |chs: &[ChannelDraws]| -> Result<BTreeMap<String, f64>> {
        let one: Vec<ChannelDraws> = chs
            .iter()
            .map(|c| ChannelDraws {
                draws: vec![c.curve],
                ..c.clone()
            })
            .collect();
        let solved = UncertaintyParams::default()
            .optimize(OptimizeParams::default())
            .stay_in_range(stay_in_range)
            .solve(&one, target)?;
        Ok(one
            .iter()
            .zip(&solved.plan.channels)
            .map(|(c, p)| (c.name.clone(), p.spend))
            .collect())
    };
    let as_is = point(channels)?;
    let ratios = alternative_ratios(risks, |c| credit.get(c).map(|x| x.conversions));
    let alternative = match ratios.values().any(Option::is_some) {
        true => {
            let scaled: Vec<ChannelDraws> = channels
                .iter()
                .map(|c| match ratios.get(&c.name) {
                    Some(Some(r)) => ChannelDraws {
                        curve: c.curve.scaled(*r),
                        ..c.clone()
                    },
                    _ => c.clone(),
                })
                .collect();
            Some(point(&scaled)?)
        }
        false => None,
    };
    let today: BTreeMap<String, f64> = channels.iter().map(|c| (c.name.clone(), c.today)).collect();
    let decision = decide(risks, &today, &as_is, &ratios, alternative.as_ref());
    for c in channels
        .iter_mut()
        .filter(|c| decision.held.contains(&c.name))
    {
        let anchor = c.today.clamp(c.lo, c.hi);
        (c.lo, c.hi) = (anchor, anchor);
    }
    Ok(decision)
}
