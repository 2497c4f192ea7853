//! Held-out diagnostics of the conversion model: AUC, log-loss, calibration by decile,
//! events per feature.

use serde::Serialize;

use crate::holdout::{Scored, auc, log_loss};

/// Below this many conversions per feature the fit is flagged as sparse (the usual
/// "10 events per variable" rule of thumb; Peduzzi et al. 1996).
pub const MIN_EVENTS_PER_FEATURE: f64 = 10.0;

/// One decile of held-out predictions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// 1 (lowest predictions) to 10.
    pub decile: usize,
    /// Journeys in the decile.
    pub journeys: f64,
    /// Mean predicted conversion probability.
    pub mean_predicted: f64,
    /// Observed conversion rate.
    pub observed_rate: f64,
}

/// What the held-out part says about the model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostics {
    /// Share of journeys held out.
    pub holdout_share: f64,
    /// Journeys the diagnostic fit was trained on.
    pub train_journeys: f64,
    /// Journeys held out.
    pub test_journeys: f64,
    /// Held-out AUC.
    pub auc: Option<f64>,
    /// Held-out mean log-loss.
    pub log_loss: Option<f64>,
    /// Held-out log-loss of the constant (training conversion rate) model, for scale.
    pub baseline_log_loss: Option<f64>,
    /// Predicted vs observed by decile of prediction.
    pub calibration: Vec<CalibrationBin>,
    /// Conversions available per feature in the final fit.
    pub events_per_feature: f64,
    /// A warning when `events_per_feature` is below 10.
    pub sparsity_warning: Option<String>,
}

/// Calibration by deciles of equal journey weight.
pub(crate) fn calibration(rows: &[Scored]) -> Vec<CalibrationBin> {
    let mut sorted: Vec<&Scored> = rows
        .iter()
        .filter(|r| r.positives + r.negatives > 0.0)
        .collect();
    sorted.sort_by(|a, b| a.p.total_cmp(&b.p));
    let total: f64 = sorted.iter().map(|r| r.positives + r.negatives).sum();
    let mut bins: Vec<CalibrationBin> = (1..=10)
        .map(|decile| CalibrationBin {
            decile,
            journeys: 0.0,
            mean_predicted: 0.0,
            observed_rate: 0.0,
        })
        .collect();
    let mut seen = 0.0;
    for r in sorted {
        let w = r.positives + r.negatives;
        let d = (((seen + w / 2.0) / total) * 10.0).floor().min(9.0) as usize;
        seen += w;
        let bin = &mut bins[d];
        bin.journeys += w;
        bin.mean_predicted += r.p * w;
        bin.observed_rate += r.positives;
    }
    for b in &mut bins {
        if b.journeys > 0.0 {
            b.mean_predicted /= b.journeys;
            b.observed_rate /= b.journeys;
        }
    }
    bins.retain(|b| b.journeys > 0.0);
    bins
}

/// The diagnostics of held-out predictions `scored`, with the training rate `p0`.
pub(crate) fn diagnose(
    scored: &[Scored],
    p0: f64,
    holdout_share: f64,
    train_journeys: f64,
    events: f64,
    features: usize,
) -> Diagnostics {
    let baseline: Vec<Scored> = scored.iter().map(|s| Scored { p: p0, ..*s }).collect();
    let events_per_feature = events / features.max(1) as f64;
    Diagnostics {
        holdout_share,
        train_journeys,
        test_journeys: scored.iter().map(|s| s.positives + s.negatives).sum(),
        auc: auc(scored),
        log_loss: log_loss(scored),
        baseline_log_loss: log_loss(&baseline),
        calibration: calibration(scored),
        events_per_feature,
        sparsity_warning: (events_per_feature < MIN_EVENTS_PER_FEATURE).then(|| {
            format!(
                "only {events_per_feature:.1} conversions per feature ({events:.0} conversions, {features} features): \
                 coefficients are unstable; use fewer features (no `logistic_interactions`) or more data"
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_bins_have_equal_weight_and_rates() {
        let rows: Vec<Scored> = (0..100)
            .map(|i| Scored {
                p: i as f64 / 100.0,
                positives: if i % 2 == 0 { 1.0 } else { 0.0 },
                negatives: if i % 2 == 0 { 0.0 } else { 1.0 },
            })
            .collect();
        let bins = calibration(&rows);
        assert_eq!(bins.len(), 10);
        for b in &bins {
            assert_eq!(b.journeys, 10.0);
            assert_eq!(b.observed_rate, 0.5);
        }
        assert!((bins[0].mean_predicted - 0.045).abs() < 1e-12);
    }
}
