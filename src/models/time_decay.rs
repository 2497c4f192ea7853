//! Time decay on real timestamps.
//!
//! A touch `Δt` before its conversion gets weight `2^(−Δt / h)` for half-life `h`
//! (default 7 days), normalised over the journey's touches:
//!
//! ```text
//! w_i = 2^(−Δt_i / h) / Σ_j 2^(−Δt_j / h)
//! ```
//!
//! so a touch one half-life older than another gets half its credit. This is the
//! exponential time-decay model of Google Analytics (7-day half-life) computed on the
//! actual times of touches, not on their positions. It needs journeys with touch and
//! conversion times; on a path summary it is an error, never a silent fallback.

use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::Journeys;
use crate::models::JourneyAttribution;
use crate::models::touch_weights::credit_journeys_by_touch_weights;
use crate::param::Param;
use crate::time::{DAY, Millis, format_duration};

/// Time-decay parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeDecay {
    half_life: Millis,
}

impl Default for TimeDecay {
    /// Half-life of 7 days.
    fn default() -> Self {
        Self { half_life: 7 * DAY }
    }
}

impl TimeDecay {
    /// Sets the half-life (default 7 days).
    pub fn half_life(mut self, half_life: Millis) -> Self {
        self.half_life = half_life;
        self
    }

    /// Checks that the half-life is positive.
    pub fn validate(&self) -> Result<()> {
        if self.half_life <= 0 {
            return Err(Error::param(
                Param::HalfLife,
                "must be a positive duration such as 7d",
            ));
        }
        Ok(())
    }

    /// Weights of touches `ages[i]` (time before the conversion, ≥ 0) before the
    /// conversion, normalised to sum to 1. Ages are shifted by the smallest age before
    /// exponentiating, which leaves the normalised weights unchanged and keeps very
    /// old journeys from underflowing to 0/0.
    pub fn weights(&self, ages: &[Millis], out: &mut Vec<f64>) {
        out.clear();
        let Some(&youngest) = ages.iter().min() else {
            return;
        };
        let h = self.half_life as f64;
        out.extend(ages.iter().map(|&a| (-((a - youngest) as f64) / h).exp2()));
        let sum: f64 = out.iter().sum();
        for w in out.iter_mut() {
            *w /= sum;
        }
    }
}

impl JourneyAttribution for TimeDecay {
    fn attribute_journeys(&self, journeys: &Journeys) -> Result<Credit> {
        self.validate()?;
        let mut ages = Vec::new();
        let credit = credit_journeys_by_touch_weights("time_decay", journeys, |j, w| {
            let Some(converted_at) = j.info.conversion_time else {
                return Err(Error::unsupported(
                    "time_decay",
                    format!(
                        "journey `{}` has no conversion time; time decay needs the conversion_time column",
                        j.info.id
                    ),
                ));
            };
            ages.clear();
            ages.extend(j.touches.iter().map(|t| (converted_at - t.time).max(0)));
            self.weights(&ages, w);
            Ok(())
        })?;
        Ok(credit.with_note(format!(
            "time decay with half-life {}",
            format_duration(self.half_life)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::{JourneyInfo, Touch};

    fn weights_for_days(days: &[i64]) -> Vec<f64> {
        let ages: Vec<Millis> = days.iter().map(|d| d * DAY).collect();
        let mut w = Vec::new();
        TimeDecay::default().weights(&ages, &mut w);
        w
    }

    #[test]
    fn known_answer_ages_0_7_14_28() {
        // Issue 2, hand-derived: weights 1, 1/2, 1/4, 1/16 sum to 29/16 →
        // 16/29, 8/29, 4/29, 1/29.
        let w = weights_for_days(&[0, 7, 14, 28]);
        let expect = [16.0 / 29.0, 8.0 / 29.0, 4.0 / 29.0, 1.0 / 29.0];
        for (a, b) in w.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12, "{w:?}");
        }
    }

    #[test]
    fn known_answer_ages_14_7_1_0() {
        // Issue 2: 2^(-2), 2^(-1), 2^(-1/7), 1 normalised → 0.0941363, 0.1882726, 0.3410459, 0.3765452.
        let w = weights_for_days(&[14, 7, 1, 0]);
        let expect = [0.0941363, 0.1882726, 0.3410459, 0.3765452];
        for (a, b) in w.iter().zip(expect) {
            assert!((a - b).abs() < 5e-8, "{w:?}");
        }
    }

    #[test]
    fn twelve_thousand_dollar_journey() {
        // Issue 2: touches 38, 33, 26, 8, 0 days before a $12,000 conversion, h = 7 days →
        // 175.195 / 287.438 / 574.875 / 3417.045 / 7545.447 per touch.
        let mut b = Journeys::builder();
        let names = [
            "paid_social",
            "organic",
            "paid_social",
            "branded_search",
            "direct",
        ];
        let days = [38, 33, 26, 8, 0];
        let conv_at = 100 * DAY;
        let touches: Vec<Touch> = names
            .iter()
            .zip(days)
            .map(|(n, d)| Touch {
                time: conv_at - d * DAY,
                channel: b.channels_mut().intern(n),
                campaign: 0,
                content: 0,
                milestone: None,
            })
            .collect();
        b.push(
            JourneyInfo {
                id: "j".into(),
                user_id: "u".into(),
                converted: true,
                value: 12_000.0,
                conversion_time: Some(conv_at),
            },
            &touches,
        );
        let credit = TimeDecay::default()
            .attribute_journeys(&b.finish())
            .unwrap();
        let v = |c: &str| credit.get(c).unwrap().value;
        assert!((v("paid_social") - (175.195 + 574.875)).abs() < 2e-3);
        assert!((v("organic") - 287.438).abs() < 1e-3);
        assert!((v("branded_search") - 3417.045).abs() < 1e-3);
        assert!((v("direct") - 7545.447).abs() < 1e-3);
        assert!((credit.value_sum() - 12_000.0).abs() < 1e-9);
    }

    #[test]
    fn very_old_touches_do_not_underflow() {
        let w = weights_for_days(&[100_000, 100_007]);
        assert!((w[0] - 2.0 / 3.0).abs() < 1e-12, "{w:?}");
    }

    #[test]
    fn rejects_non_positive_half_life() {
        assert!(TimeDecay::default().half_life(0).validate().is_err());
    }
}
