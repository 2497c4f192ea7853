//! Step-wise time decay on real timestamps, as DP6's Marketing Attribution Models
//! define it.
//!
//! DP6's `attribution_time_decay(decay_over_time=0.5, frequency=168)` gives a touch
//! `t` hours before its conversion the weight `decay^⌊t / frequency⌋`, normalised over
//! the journey's touches:
//!
//! ```text
//! w_i = decay^⌊Δt_i / every⌋ / Σ_j decay^⌊Δt_j / every⌋
//! ```
//!
//! so every touch in the same `every`-long step before the conversion gets the same
//! weight, and each step further back multiplies it by `decay` (DP6's defaults: 0.5
//! per 168 hours, a week). Unlike [`TimeDecay`](crate::models::TimeDecay) the weight
//! is a staircase, not a smooth curve. It needs journeys with touch and conversion
//! times; on a path summary it is an error, never a silent fallback.
//!
//! Source: DP6, Marketing-Attribution-Models, `MAM.attribution_time_decay`
//! (github.com/DP6/Marketing-Attribution-Models), where the parameters are
//! `decay_over_time` and `frequency` (hours).

use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::Journeys;
use crate::models::JourneyAttribution;
use crate::models::touch_weights::credit_journeys_by_touch_weights;
use crate::param::Param;
use crate::time::{DAY, Millis, format_duration};

/// The model's name in credit and the registry.
pub const NAME: &str = "time_decay_steps";

/// Step-wise time-decay parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct StepDecay {
    decay: f64,
    every: Millis,
}

impl Default for StepDecay {
    /// DP6's defaults: a factor 0.5 per 168 hours (7 days).
    fn default() -> Self {
        Self {
            decay: 0.5,
            every: 7 * DAY,
        }
    }
}

impl StepDecay {
    /// Sets the factor a weight is multiplied by per step back (DP6's
    /// `decay_over_time`; default 0.5). 1 gives every touch the same weight.
    pub fn decay(mut self, decay: f64) -> Self {
        self.decay = decay;
        self
    }

    /// Sets the step length (DP6's `frequency`, in hours there; default 168 hours).
    pub fn every(mut self, every: Millis) -> Self {
        self.every = every;
        self
    }

    /// Checks that the factor is in (0, 1] and the step is positive.
    pub fn validate(&self) -> Result<()> {
        if !(self.decay > 0.0 && self.decay <= 1.0) {
            return Err(Error::param(
                Param::StepDecay,
                format!("must be a factor in (0, 1] such as 0.5, got {}", self.decay),
            ));
        }
        if self.every <= 0 {
            return Err(Error::param(
                Param::StepEvery,
                "must be a positive duration such as 168h or 7d",
            ));
        }
        Ok(())
    }

    /// Weights of touches `ages[i]` (time before the conversion, ≥ 0), normalised to
    /// sum to 1. Steps are counted from the youngest touch's step, which leaves the
    /// normalised weights unchanged and keeps very old journeys from underflowing.
    pub fn weights(&self, ages: &[Millis], out: &mut Vec<f64>) {
        out.clear();
        let step = |a: Millis| a.max(0) / self.every;
        let Some(youngest) = ages.iter().map(|&a| step(a)).min() else {
            return;
        };
        let ln = self.decay.ln();
        out.extend(
            ages.iter()
                .map(|&a| ((step(a) - youngest) as f64 * ln).exp()),
        );
        let sum: f64 = out.iter().sum();
        for w in out.iter_mut() {
            *w /= sum;
        }
    }
}

impl JourneyAttribution for StepDecay {
    fn attribute_journeys(&self, journeys: &Journeys) -> Result<Credit> {
        self.validate()?;
        let mut ages = Vec::new();
        let credit = credit_journeys_by_touch_weights(NAME, journeys, |j, w| {
            let Some(converted_at) = j.info.conversion_time else {
                return Err(Error::unsupported(
                    NAME,
                    format!(
                        "journey `{}` has no conversion time; step-wise time decay needs the \
                         conversion_time column",
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
            "step-wise time decay: factor {} per {} before the conversion (DP6)",
            self.decay,
            format_duration(self.every)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::{JourneyInfo, Touch};
    use crate::prec::SUM_REL_TOL;
    use crate::time::HOUR;
    use proptest::prelude::*;

    fn journeys(rows: &[(&[(&str, i64)], f64)]) -> Journeys {
        let mut b = Journeys::builder();
        let conv_at = 10_000 * HOUR;
        for (i, (touches, value)) in rows.iter().enumerate() {
            let touches: Vec<Touch> = touches
                .iter()
                .map(|(n, hours)| Touch {
                    time: conv_at - hours * HOUR,
                    channel: b.channels_mut().intern(n),
                    campaign: 0,
                    content: 0,
                    milestone: None,
                })
                .collect();
            b.push(
                JourneyInfo {
                    id: format!("j{i}"),
                    user_id: format!("u{i}"),
                    converted: true,
                    value: *value,
                    conversion_time: Some(conv_at),
                },
                &touches,
            );
        }
        b.finish()
    }

    #[test]
    fn known_answer_dp6_defaults() {
        // DP6 MAM `attribution_time_decay(decay_over_time=0.5, frequency=168)`:
        // w = 0.5^floor(hours/168). Touches 400 h, 200 h, 167 h, 5 h before a $100
        // conversion: steps 2, 1, 0, 0 → weights 1/4, 1/2, 1, 1, sum 11/4 →
        // 1/11, 2/11, 4/11, 4/11 → $9.0909, $18.1818, $36.3636, $36.3636.
        let j = journeys(&[(&[("a", 400), ("b", 200), ("c", 167), ("a", 5)], 100.0)]);
        let credit = StepDecay::default().attribute_journeys(&j).unwrap();
        let v = |c: &str| credit.get(c).unwrap().value;
        assert!((v("a") - 500.0 / 11.0).abs() < 1e-9);
        assert!((v("b") - 200.0 / 11.0).abs() < 1e-9);
        assert!((v("c") - 400.0 / 11.0).abs() < 1e-9);
        assert!((credit.get("a").unwrap().conversions - 5.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn known_answer_factor_and_step() {
        // decay 0.6 per 24 h; ages 0, 23, 24, 71 h → steps 0, 0, 1, 2 →
        // 1, 1, 0.6, 0.36 over 2.96.
        let mut w = Vec::new();
        StepDecay::default()
            .decay(0.6)
            .every(24 * HOUR)
            .weights(&[0, 23 * HOUR, 24 * HOUR, 71 * HOUR], &mut w);
        let expect = [1.0, 1.0, 0.6, 0.36].map(|x| x / 2.96);
        for (a, b) in w.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12, "{w:?}");
        }
    }

    #[test]
    fn very_old_touches_do_not_underflow() {
        let mut w = Vec::new();
        StepDecay::default().weights(&[100_000 * DAY, 100_007 * DAY], &mut w);
        assert!((w[0] - 2.0 / 3.0).abs() < 1e-12, "{w:?}");
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(StepDecay::default().decay(0.0).validate().is_err());
        assert!(StepDecay::default().decay(1.5).validate().is_err());
        assert!(StepDecay::default().decay(f64::NAN).validate().is_err());
        assert!(StepDecay::default().every(0).validate().is_err());
        assert!(StepDecay::default().decay(1.0).validate().is_ok());
    }

    proptest! {
        /// Credit sums to the conversions and value; weights never rise with age; a
        /// factor of 1 is linear.
        #[test]
        fn sums_and_monotone(
            rows in prop::collection::vec(
                (prop::collection::vec((0usize..4, 0i64..2000), 1..8), 0.0f64..500.0),
                1..20,
            ),
            decay in 0.05f64..=1.0,
            every_h in 1i64..300,
        ) {
            let names = ["a", "b", "c", "d"];
            let owned: Vec<(Vec<(&str, i64)>, f64)> = rows
                .iter()
                .map(|(t, v)| (t.iter().map(|&(c, h)| (names[c], h)).collect(), *v))
                .collect();
            let refs: Vec<(&[(&str, i64)], f64)> =
                owned.iter().map(|(t, v)| (t.as_slice(), *v)).collect();
            let model = StepDecay::default().decay(decay).every(every_h * HOUR);
            let credit = model.attribute_journeys(&journeys(&refs)).unwrap();
            let value: f64 = owned.iter().map(|r| r.1).sum();
            let n = owned.len() as f64;
            prop_assert!((credit.conversions_sum() - n).abs() <= SUM_REL_TOL * n);
            prop_assert!((credit.value_sum() - value).abs() <= SUM_REL_TOL * value.max(1.0));
            for (touches, _) in &owned {
                let ages: Vec<Millis> = touches.iter().map(|t| t.1 * HOUR).collect();
                let mut w = Vec::new();
                model.weights(&ages, &mut w);
                for i in 0..ages.len() {
                    for k in 0..ages.len() {
                        if ages[i] <= ages[k] {
                            prop_assert!(w[i] >= w[k] - 1e-15);
                        }
                    }
                }
                if decay == 1.0 {
                    prop_assert!(w.iter().all(|x| (x - 1.0 / w.len() as f64).abs() < 1e-12));
                }
            }
        }
    }
}
