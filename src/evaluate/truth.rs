//! Scoring credit against the simulator's ground truth.
//!
//! Both sides are compared as *shares over the channels of the truth* (the paid
//! channels; organic search and direct are not interventions and have no true share):
//! a model's credit is restricted to those channels and renormalised.
//!
//! * `total_variation` = ½ Σ_c |s_c − t_c| (0 = identical shares, 1 = disjoint);
//! * `spearman`: rank correlation of s and t (average ranks for ties);
//! * `max_abs_share_error` = max_c |s_c − t_c|;
//! * `placebo_share` = Σ over placebo channels of s_c (their true share is 0).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Location, Result};

pub use crate::evaluate::truth_file::{
    TruthColumn, TruthRow, conversions_by_model, read_credit, read_scores_records, read_truth,
    read_truth_records,
};

/// One model's distance to the truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    /// The model.
    pub model: String,
    /// ½ Σ |s − t|.
    pub total_variation: f64,
    /// Spearman rank correlation of model and true shares (None with < 2 channels or
    /// constant shares).
    pub spearman: Option<f64>,
    /// max |s − t|.
    pub max_abs_share_error: f64,
    /// Share the model gives to channels with no effect.
    pub placebo_share: f64,
    /// Held-out AUC, for models that predict conversion (from the `details` output of a run).
    pub holdout_auc: Option<f64>,
    /// Held-out log-loss, for models that predict conversion.
    pub holdout_log_loss: Option<f64>,
    /// Share of the true effect lost by following the model's budget plan instead of
    /// the truth's (with a spend file; see [`crate::evaluate::regret`]).
    pub decision_regret: Option<f64>,
    /// Share of the available gain that the model's assumed-response plan leaves under
    /// the world's true response curves (with true curves and a spend series; see
    /// [`crate::evaluate::decision`]).
    pub gain_left_assumed: Option<f64>,
    /// The same for the model's fitted-response plan (with the events too).
    pub gain_left_fitted: Option<f64>,
}

/// Average ranks (1-based), ties sharing the mean of their ranks.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation: the Pearson correlation of the average ranks.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 2 || a.len() != b.len() {
        return None;
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

/// Scores every model's credit against the truth.
pub fn score(truth: &[TruthRow], credit: &BTreeMap<String, BTreeMap<String, f64>>) -> Vec<Score> {
    let t: Vec<f64> = truth.iter().map(|r| r.share).collect();
    let mut scores: Vec<Score> = credit
        .iter()
        .map(|(model, by_channel)| {
            let raw: Vec<f64> = truth
                .iter()
                .map(|r| by_channel.get(&r.channel).copied().unwrap_or(0.0).max(0.0))
                .collect();
            let total: f64 = raw.iter().sum();
            let s: Vec<f64> = raw
                .iter()
                .map(|v| if total > 0.0 { v / total } else { 0.0 })
                .collect();
            let diffs: Vec<f64> = s.iter().zip(&t).map(|(a, b)| (a - b).abs()).collect();
            Score {
                model: model.clone(),
                total_variation: 0.5 * diffs.iter().sum::<f64>(),
                spearman: spearman(&s, &t),
                max_abs_share_error: diffs.iter().copied().fold(0.0, f64::max),
                placebo_share: truth
                    .iter()
                    .zip(&s)
                    .filter(|(r, _)| r.role == "placebo")
                    .map(|(_, v)| v)
                    .sum(),
                holdout_auc: None,
                holdout_log_loss: None,
                decision_regret: None,
                gain_left_assumed: None,
                gain_left_fitted: None,
            }
        })
        .collect();
    scores.sort_by(|a, b| {
        a.total_variation
            .total_cmp(&b.total_variation)
            .then(a.model.cmp(&b.model))
    });
    scores
}

/// Refuses a truth (read from `truth_name`) that shares no channel with a model's
/// credit: every model would be scored on an all-zero share (total variation 0.5 from
/// any truth), a plausible number that measures nothing. The usual cause is a truth
/// from another simulation, or credit at another level (campaign, content).
pub fn check_shared_channels(
    truth: &[TruthRow],
    truth_name: &str,
    credit: &BTreeMap<String, BTreeMap<String, f64>>,
) -> Result<()> {
    let listed = |names: &mut dyn Iterator<Item = &str>| {
        let names: Vec<&str> = names.collect();
        let shown: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
        match names.len() {
            n if n > 8 => format!("{} and {} more", shown.join(", "), n - 8),
            _ => shown.join(", "),
        }
    };
    for (model, by_channel) in credit {
        if truth.iter().all(|r| !by_channel.contains_key(&r.channel)) {
            return Err(Error::bad_value(
                Location::line(truth_name, 0, None, None),
                format!(
                    "no channel of the truth ({}) is credited by `{model}` (its channels: {}); \
                     the scores would compare nothing: give the truth of the simulation the \
                     credit was computed on, at the same level",
                    listed(&mut truth.iter().map(|r| r.channel.as_str())),
                    listed(&mut by_channel.keys().map(String::as_str)),
                ),
            ));
        }
    }
    Ok(())
}

/// Warnings for a truth that only partly matches the credit: per set of models, the
/// truth's channels missing from their credit (each scored as if given no credit, which
/// moves every distance), naming a credited channel whose name differs only in case,
/// spaces or dashes. Credited channels outside the truth (baseline, organic, direct,
/// non-paid activity) are left out of the scores by design and not warned about.
pub fn coverage_warnings(
    truth: &[TruthRow],
    credit: &BTreeMap<String, BTreeMap<String, f64>>,
) -> Vec<String> {
    let folded = |name: &str| -> String {
        name.trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    };
    let mut by_missing: BTreeMap<Vec<&str>, Vec<&str>> = BTreeMap::new();
    for (model, by_channel) in credit {
        let missing: Vec<&str> = truth
            .iter()
            .map(|r| r.channel.as_str())
            .filter(|c| !by_channel.contains_key(*c))
            .collect();
        if !missing.is_empty() && missing.len() < truth.len() {
            by_missing.entry(missing).or_default().push(model);
        }
    }
    by_missing
        .into_iter()
        .map(|(missing, models)| {
            let shown: Vec<String> = missing
                .iter()
                .take(8)
                .map(|c| {
                    let twin = models.iter().flat_map(|m| credit[*m].keys()).find(|k| {
                        folded(k) == folded(c) && !truth.iter().any(|r| &r.channel == *k)
                    });
                    match twin {
                        Some(t) => format!("`{c}` (the credit has `{t}`)"),
                        None => format!("`{c}`"),
                    }
                })
                .collect();
            let more = missing.len().saturating_sub(8);
            format!(
                "WARNING: {} of the truth's {} channels {}{} {} not in the credit of {}: \
                 scored as if given no credit, which moves every distance; give credit \
                 computed on the data the truth describes, with its channel names",
                missing.len(),
                truth.len(),
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                },
                if missing.len() == 1 { "is" } else { "are" },
                models
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .collect()
}

/// Every model's scores against the truth (read from `truth_name`): distances and ranks
/// ([`score`]), with `spend` each model's decision regret, with `decision` the gain its
/// plans leave under the true response curves, and with `fits` (from a details JSON)
/// each model's held-out AUC and log-loss. The one evaluation both front
/// ends run. A truth sharing no channel with a model's credit is an error
/// ([`check_shared_channels`]).
pub fn evaluate(
    truth: &[TruthRow],
    truth_name: &str,
    credit: &BTreeMap<String, BTreeMap<String, f64>>,
    spend: Option<(&crate::decide::Spend, &crate::decide::BudgetParams)>,
    decision: Option<(
        &crate::evaluate::decision::DecisionTruth,
        &[crate::credit::Credit],
    )>,
    fits: Option<&BTreeMap<String, crate::evaluate::HoldoutFit>>,
) -> Result<Vec<Score>> {
    check_shared_channels(truth, truth_name, credit)?;
    let mut scores = score(truth, credit);
    if let Some((spend, params)) = spend {
        for s in &mut scores {
            s.decision_regret =
                crate::evaluate::regret::decision_regret(truth, &credit[&s.model], spend, params)?;
        }
    }
    if let Some((decision, credits)) = decision {
        for s in &mut scores {
            let Some(full) = credits.iter().find(|c| c.model == s.model) else {
                continue;
            };
            let left = decision.gain_left(full)?;
            s.gain_left_assumed = left.assumed;
            s.gain_left_fitted = left.fitted;
        }
    }
    if let Some(fits) = fits {
        for s in &mut scores {
            if let Some(fit) = fits.get(&s.model) {
                s.holdout_auc = fit.auc;
                s.holdout_log_loss = fit.log_loss;
            }
        }
    }
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_metrics() {
        // Truth 0.5 / 0.3 / 0.2 (c is a placebo); model credit 30 / 50 / 20 → shares
        // 0.3 / 0.5 / 0.2: TV = ½(0.2 + 0.2 + 0) = 0.2, max error 0.2, placebo 0.2;
        // ranks truth (3, 2, 1) vs model (2, 3, 1): Spearman = 1 − 6·(1+1+0)/(3·8) = 0.5.
        let truth = vec![
            TruthRow {
                channel: "a".into(),
                role: "direct".into(),
                share: 0.5,
            },
            TruthRow {
                channel: "b".into(),
                role: "direct".into(),
                share: 0.3,
            },
            TruthRow {
                channel: "c".into(),
                role: "placebo".into(),
                share: 0.2,
            },
        ];
        let mut credit = BTreeMap::new();
        credit.insert(
            "m".to_string(),
            BTreeMap::from([
                ("a".to_string(), 30.0),
                ("b".to_string(), 50.0),
                ("c".to_string(), 20.0),
                ("organic".to_string(), 99.0),
            ]),
        );
        let s = &score(&truth, &credit)[0];
        assert!((s.total_variation - 0.2).abs() < 1e-12);
        assert!((s.max_abs_share_error - 0.2).abs() < 1e-12);
        assert!((s.placebo_share - 0.2).abs() < 1e-12);
        assert!((s.spearman.unwrap() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn spearman_with_ties_uses_average_ranks() {
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 5.0]), [2.0, 3.5, 3.5, 1.0]);
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn a_truth_channel_missing_from_some_credit_is_warned_about_with_its_twin() {
        let row = |c: &str| TruthRow {
            channel: c.into(),
            role: "direct".into(),
            share: 0.5,
        };
        let truth = vec![row("paid_search"), row("video")];
        let credit = BTreeMap::from([
            (
                "full".to_string(),
                BTreeMap::from([
                    ("paid_search".to_string(), 1.0),
                    ("video".to_string(), 1.0),
                    ("(baseline)".to_string(), 5.0),
                ]),
            ),
            (
                "part".to_string(),
                BTreeMap::from([("Paid Search".to_string(), 1.0), ("video".to_string(), 1.0)]),
            ),
        ]);
        let w = coverage_warnings(&truth, &credit);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with(
                "WARNING: 1 of the truth's 2 channels `paid_search` (the credit has `Paid Search`) \
                 is not in the credit of `part`"
            ),
            "{}",
            w[0]
        );
        // Every truth channel credited (extra credited channels are fine): no warning.
        credit_without(&truth, &credit);
    }

    fn credit_without(truth: &[TruthRow], credit: &BTreeMap<String, BTreeMap<String, f64>>) {
        let full = BTreeMap::from([("full".to_string(), credit["full"].clone())]);
        assert!(coverage_warnings(truth, &full).is_empty());
    }
}
