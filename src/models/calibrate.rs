//! Lift-test calibration of any additive model's credit.
//!
//! An experiment measures a channel's incremental conversions; an observational
//! model's credit of the same channel may be far from it. `calibrated_<model>` takes,
//! channel by channel:
//!
//! * a **tested** channel: the experiment's incremental conversions (negative
//!   measurements count as 0);
//! * an **untested** channel: the model's credit times the pooled ratio
//!   `r = Σ_tested experiment / Σ_tested model` — the one correction the tests say
//!   the model needs on average. (Measured on the simulator, a per-channel factor does
//!   not transfer to other channels; a pooled one at least keeps their ranking.)
//!
//! If channels then hold more than the observed conversions, all are scaled down
//! together; what is left goes to `(baseline)`, so credit sums to the totals. Values
//! keep each channel's value per conversion under the model.

use crate::credit::{ChannelCredit, Credit};
use crate::models::self_controlled::{BASELINE, LiftTest};

/// The calibrated copy of `credit` (named `calibrated_<model>`); `None` when no test
/// names one of its channels or the model is not additive.
pub fn calibrate(credit: &Credit, tests: &[LiftTest]) -> Option<Credit> {
    if !credit.additive || credit.model.starts_with("calibrated_") {
        return None;
    }
    let tested = |name: &str| tests.iter().find(|t| t.channel == name);
    let (mut model_tested, mut experiment_tested) = (0.0, 0.0);
    for c in &credit.channels {
        if let Some(t) = tested(&c.channel) {
            model_tested += c.conversions.max(0.0);
            experiment_tested += t.incremental_conversions.max(0.0);
        }
    }
    if model_tested == 0.0
        && experiment_tested == 0.0
        && !credit.channels.iter().any(|c| tested(&c.channel).is_some())
    {
        return None;
    }
    let ratio = if model_tested > 0.0 {
        experiment_tested / model_tested
    } else {
        1.0
    };
    let mut rows: Vec<(String, f64, f64)> = credit
        .channels
        .iter()
        .filter(|c| c.channel != BASELINE)
        .map(|c| {
            let per_conversion = if c.conversions > 0.0 {
                c.value / c.conversions
            } else {
                0.0
            };
            let n = match tested(&c.channel) {
                Some(t) => t.incremental_conversions.max(0.0),
                None => c.conversions.max(0.0) * ratio,
            };
            (c.channel.clone(), n, per_conversion)
        })
        .collect();
    let sum: f64 = rows.iter().map(|r| r.1).sum();
    let mut notes = vec![format!(
        "calibrated to {} lift test(s): tested channels take the experiments' incremental \
         conversions; the others the model's credit times {ratio:.3}; the rest is (baseline)",
        tests.len()
    )];
    if sum > credit.total_conversions && sum > 0.0 {
        let scale = credit.total_conversions / sum;
        for r in &mut rows {
            r.1 *= scale;
        }
        notes.push(too_large(credit, tests, sum, scale));
    }
    let placed: f64 = rows.iter().map(|r| r.1).sum();
    let placed_value: f64 = rows.iter().map(|r| r.1 * r.2).sum();
    let total = credit.total_conversions;
    let mut channels: Vec<ChannelCredit> = rows
        .into_iter()
        .map(|(channel, n, per)| ChannelCredit {
            channel,
            conversions: n,
            value: n * per,
            share: if total > 0.0 { n / total } else { 0.0 },
            conversions_lo: None,
            conversions_hi: None,
            weighted_conversions: None,
        })
        .collect();
    let base = (total - placed).max(0.0);
    channels.push(ChannelCredit {
        channel: BASELINE.to_string(),
        conversions: base,
        value: (credit.total_value - placed_value).max(0.0),
        share: if total > 0.0 { base / total } else { 0.0 },
        conversions_lo: None,
        conversions_hi: None,
        weighted_conversions: None,
    });
    channels.sort_by(|a, b| a.channel.cmp(&b.channel));
    let value_sum: f64 = channels.iter().map(|c| c.value).sum();
    Some(Credit {
        model: format!("calibrated_{}", credit.model),
        dimension: credit.dimension.clone(),
        additive: true,
        total_conversions: total,
        total_value: value_sum,
        channels,
        notes,
    })
}

/// The warning of a calibration whose tests (and the credit they scale) add up to more
/// than the observed conversions, `sum` scaled down by `scale`: the experiments' numbers
/// are not kept, and the tests above every observed conversion are named (a test of
/// another period or unit, or a relative lift given as conversions).
fn too_large(credit: &Credit, tests: &[LiftTest], sum: f64, scale: f64) -> String {
    let total = credit.total_conversions;
    let above: Vec<String> = tests
        .iter()
        .filter(|t| t.incremental_conversions > total && credit.get(&t.channel).is_some())
        .map(|t| format!("`{}` ({})", t.channel, t.incremental_conversions))
        .collect();
    let named = if above.is_empty() {
        String::new()
    } else {
        format!(
            "; more incremental conversions than all {total} observed: {} (check that they \
             count conversions over the data's period, or give relative lifts as `lift`)",
            above.join(", ")
        )
    };
    format!(
        "WARNING: the lift tests and the credit scaled by them add up to {sum:.2} conversions, \
         more than the {total} observed: every channel of calibrated_{} is scaled by {scale:.6}, \
         so tested channels do not take their experiments' numbers{named}",
        credit.model
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Dictionary;

    #[test]
    fn tested_channels_take_the_experiment_and_the_rest_scale_by_the_pooled_ratio() {
        let names = Dictionary::from_names(["a", "b", "c"]);
        let credit = Credit::from_ids(
            "markov",
            &names,
            &[50.0, 30.0, 20.0],
            &[500.0, 300.0, 200.0],
            100.0,
            1000.0,
        );
        let tests = [LiftTest::absolute("a", 25.0, 5.0)];
        let cal = calibrate(&credit, &tests).unwrap();
        assert_eq!(cal.model, "calibrated_markov");
        assert_eq!(cal.get("a").unwrap().conversions, 25.0);
        assert_eq!(cal.get("b").unwrap().conversions, 15.0);
        assert_eq!(cal.get("c").unwrap().conversions, 10.0);
        assert_eq!(cal.get(BASELINE).unwrap().conversions, 50.0);
        assert!((cal.conversions_sum() - 100.0).abs() < 1e-12);
        assert!((cal.get("a").unwrap().value - 250.0).abs() < 1e-12);
    }

    #[test]
    fn too_much_credit_is_scaled_into_the_totals() {
        let names = Dictionary::from_names(["a", "b"]);
        let credit = Credit::from_ids("last_touch", &names, &[5.0, 5.0], &[0.0, 0.0], 10.0, 0.0);
        let tests = [LiftTest::absolute("a", 40.0, 1.0)];
        let cal = calibrate(&credit, &tests).unwrap();
        assert!((cal.conversions_sum() - 10.0).abs() < 1e-12);
        assert_eq!(cal.get(BASELINE).unwrap().conversions, 0.0);
        // a: 40, b: 5 · 8 = 40; 80 scaled into 10, and the test above all 10 is named.
        assert_eq!(
            cal.notes[1],
            "WARNING: the lift tests and the credit scaled by them add up to 80.00 \
             conversions, more than the 10 observed: every channel of calibrated_last_touch \
             is scaled by 0.125000, so tested channels do not take their experiments' \
             numbers; more incremental conversions than all 10 observed: `a` (40) (check \
             that they count conversions over the data's period, or give relative lifts as \
             `lift`)"
        );
    }
}
