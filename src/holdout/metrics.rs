//! Weighted held-out metrics for predicted conversion probabilities.
//!
//! Inputs are aggregated: each [`Scored`] row is a prediction `p` with `positives`
//! conversions and `negatives` non-conversions (fractional counts allowed), as a path
//! summary provides them.

/// One prediction with the outcomes it covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Predicted probability of conversion.
    pub p: f64,
    /// Conversions among the journeys with this prediction.
    pub positives: f64,
    /// Non-conversions among them.
    pub negatives: f64,
}

/// Probabilities are clipped to `[EPS, 1 − EPS]` in the log-loss.
const EPS: f64 = 1e-15;

/// Mean log-loss `−Σ [pos·ln p + neg·ln(1−p)] / Σ (pos + neg)` (natural log), with `p`
/// clipped to `[1e-15, 1 − 1e-15]`. `None` when there are no outcomes.
pub fn log_loss(rows: &[Scored]) -> Option<f64> {
    let (mut loss, mut weight) = (0.0, 0.0);
    for r in rows {
        let p = r.p.clamp(EPS, 1.0 - EPS);
        loss -= r.positives * p.ln() + r.negatives * (1.0 - p).ln();
        weight += r.positives + r.negatives;
    }
    (weight > 0.0).then(|| loss / weight)
}

/// Area under the ROC curve: the probability that a random conversion gets a higher
/// prediction than a random non-conversion, ties counting one half (the Mann–Whitney
/// statistic with weights). `None` unless both classes are present.
pub fn auc(rows: &[Scored]) -> Option<f64> {
    let mut sorted: Vec<&Scored> = rows
        .iter()
        .filter(|r| r.positives + r.negatives > 0.0)
        .collect();
    sorted.sort_by(|a, b| a.p.total_cmp(&b.p));
    let total_pos: f64 = sorted.iter().map(|r| r.positives).sum();
    let total_neg: f64 = sorted.iter().map(|r| r.negatives).sum();
    if total_pos <= 0.0 || total_neg <= 0.0 {
        return None;
    }
    let (mut below_neg, mut concordant) = (0.0, 0.0);
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        let (mut pos, mut neg) = (0.0, 0.0);
        while j < sorted.len() && sorted[j].p == sorted[i].p {
            pos += sorted[j].positives;
            neg += sorted[j].negatives;
            j += 1;
        }
        concordant += pos * (below_neg + 0.5 * neg);
        below_neg += neg;
        i = j;
    }
    Some(concordant / (total_pos * total_neg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(p: f64, positives: f64, negatives: f64) -> Scored {
        Scored {
            p,
            positives,
            negatives,
        }
    }

    #[test]
    fn auc_known_answers() {
        // Perfect ranking, reversed ranking, all tied.
        assert_eq!(auc(&[s(0.9, 3.0, 0.0), s(0.1, 0.0, 5.0)]), Some(1.0));
        assert_eq!(auc(&[s(0.1, 3.0, 0.0), s(0.9, 0.0, 5.0)]), Some(0.0));
        assert_eq!(auc(&[s(0.5, 3.0, 5.0)]), Some(0.5));
        // Hand count: positives at 0.8 (1) and 0.4 (1); negatives at 0.6 (1), 0.2 (1):
        // pairs (0.8>0.6, 0.8>0.2, 0.4<0.6, 0.4>0.2) → 3/4.
        let rows = [
            s(0.8, 1.0, 0.0),
            s(0.6, 0.0, 1.0),
            s(0.4, 1.0, 0.0),
            s(0.2, 0.0, 1.0),
        ];
        assert_eq!(auc(&rows), Some(0.75));
        assert_eq!(auc(&[s(0.3, 2.0, 0.0)]), None);
    }

    #[test]
    fn log_loss_known_answer() {
        // One conversion at p = 0.5 and one non-conversion at p = 0.5: ln 2.
        let ll = log_loss(&[s(0.5, 1.0, 1.0)]).unwrap();
        assert!((ll - std::f64::consts::LN_2).abs() < 1e-15);
        assert!(log_loss(&[s(1.0, 0.0, 1.0)]).unwrap().is_finite());
        assert_eq!(log_loss(&[]), None);
    }
}
