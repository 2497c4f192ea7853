//! Decision regret: what following a model's budget plan costs, measured in the truth.
//!
//! Both plans are made by the same planner ([`Plan`], same bounds and response): one
//! from the model's credit, one from the true Shapley credit. Each is then valued in
//! the truth, channel `c`'s true effect `T_c` responding as `T_c · (x_c / s_c)^b`:
//!
//! `regret = (V_truth(plan from truth) − V_truth(plan from model)) / V_truth(current spend)`,
//!
//! the share of the channels' true effect lost by trusting the model instead of the
//! truth (0 = as good as knowing the truth; never negative up to cent rounding).

use std::collections::BTreeMap;

use crate::credit::{ChannelCredit, Credit};
use crate::decide::{BudgetParams, Plan, Response, Spend};
use crate::error::Result;
use crate::evaluate::truth_file::TruthRow;

/// `model`'s credit per channel as an additive [`Credit`] of conversions (negative
/// credit read as 0), for a planner.
pub(crate) fn credit_of(model: &str, by_channel: impl Iterator<Item = (String, f64)>) -> Credit {
    let mut channels: Vec<ChannelCredit> = by_channel
        .map(|(channel, conversions)| ChannelCredit {
            channel,
            conversions: conversions.max(0.0),
            value: 0.0,
            share: 0.0,
            conversions_lo: None,
            conversions_hi: None,
            weighted_conversions: None,
        })
        .collect();
    channels.sort_by(|a, b| a.channel.cmp(&b.channel));
    Credit {
        model: model.to_string(),
        dimension: "channel".into(),
        additive: true,
        total_conversions: channels.iter().map(|c| c.conversions).sum(),
        total_value: 0.0,
        channels,
        notes: Vec::new(),
    }
}

/// The regret of `credit`'s plan against the truth's plan (see the module docs).
pub fn decision_regret(
    truth: &[TruthRow],
    credit: &BTreeMap<String, f64>,
    spend: &Spend,
    params: &BudgetParams,
) -> Result<Option<f64>> {
    let b = match params.response {
        Response::Diminishing { elasticity } => elasticity,
        Response::Linear => 1.0,
    };
    let true_effect: BTreeMap<&str, f64> = truth
        .iter()
        .map(|r| (r.channel.as_str(), r.share))
        .collect();
    let value = |plan: &Plan| -> f64 {
        plan.rows
            .iter()
            .filter(|r| r.current_spend > 0.0)
            .map(|r| {
                true_effect.get(r.channel.as_str()).copied().unwrap_or(0.0)
                    * (r.recommended_spend / r.current_spend).powf(b)
            })
            .sum()
    };
    let current: f64 = spend
        .by_key
        .iter()
        .filter(|(_, s)| **s > 0.0)
        .map(|(c, _)| true_effect.get(c.as_str()).copied().unwrap_or(0.0))
        .sum();
    if current <= 0.0 {
        return Ok(None);
    }
    let ideal = Plan::new(
        &credit_of("truth", truth.iter().map(|r| (r.channel.clone(), r.share))),
        spend,
        params,
    )?;
    let model = credit_of("model", credit.iter().map(|(c, v)| (c.clone(), *v)));
    if model.total_conversions <= 0.0 {
        return Ok(None);
    }
    let followed = Plan::new(&model, spend, params)?;
    Ok(Some(
        ((value(&ideal) - value(&followed)) / current).max(0.0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth(rows: &[(&str, f64)]) -> Vec<TruthRow> {
        rows.iter()
            .map(|&(c, s)| TruthRow {
                channel: c.into(),
                role: String::new(),
                share: s,
            })
            .collect()
    }

    /// Hand-computed: truth a 0.8, b 0.2; spend 100 each; linear response, max shift
    /// 0.5. The truth's plan moves 50 from b to a: value 0.8·1.5 + 0.2·0.5 = 1.3. A model
    /// that believes the opposite moves 50 from a to b: 0.8·0.5 + 0.2·1.5 = 0.7. Current
    /// value 1.0, so the regret is (1.3 − 0.7) / 1.0 = 0.6; the truth itself has none.
    #[test]
    fn regret_by_hand() {
        let t = truth(&[("a", 0.8), ("b", 0.2)]);
        let spend = Spend {
            period: None,
            dimension: "channel".into(),
            by_key: [("a".to_string(), 100.0), ("b".to_string(), 100.0)].into(),
            report: Default::default(),
        };
        let params = BudgetParams {
            max_shift: 0.5,
            response: Response::Linear,
            ..BudgetParams::default()
        };
        let wrong: BTreeMap<String, f64> = [("a".to_string(), 1.0), ("b".to_string(), 9.0)].into();
        let r = decision_regret(&t, &wrong, &spend, &params)
            .unwrap()
            .unwrap();
        assert!((r - 0.6).abs() < 1e-12, "{r}");
        let right: BTreeMap<String, f64> = [("a".to_string(), 8.0), ("b".to_string(), 2.0)].into();
        assert_eq!(
            decision_regret(&t, &right, &spend, &params).unwrap(),
            Some(0.0)
        );
    }
}
