//! Stage-based models for B2B funnels: W-shaped and full path.
//!
//! Key touches get a fixed weight each; the remaining weight is split equally over the
//! other touches:
//!
//! * **W-shaped**: 30% each to the first touch, the lead-creation touch and the
//!   opportunity-creation touch; 10% over the rest.
//! * **Full path**: 22.5% each to the first touch, the lead-creation, the
//!   opportunity-creation and the closed-won touch; 10% over the rest.
//!
//! (Bizible/Marketo Measure's model definitions.) A milestone's touch is the touch
//! marked with it (the last touch at or before the milestone); if several touches
//! carry the same milestone, the first of them counts.
//!
//! **Renormalisation** (our documented convention): the key positions are the
//! *distinct* touches that play a role, so a missing milestone, or a touch that plays
//! two roles (the first touch also creating the lead), leaves fewer key touches; when
//! no touch is left over, the rest-weight is dropped. The weights are then divided by
//! their sum. Examples (issue 2): 5 touches, lead on the 3rd and opportunity on the
//! 5th → `[0.3, 0.05, 0.3, 0.05, 0.3]`; 4 touches, lead 2nd, opportunity 4th →
//! `[0.3, 0.3, 0.1, 0.3]`; 3 touches, lead 2nd, opportunity 3rd → `[1/3, 1/3, 1/3]`.
//! Without any milestone W-shaped gives the first touch 30/40 and the rest 10/40.

use crate::credit::Credit;
use crate::error::Result;
use crate::journeys::{Journeys, Milestone, Touch};
use crate::models::JourneyAttribution;
use crate::models::touch_weights::credit_journeys_by_touch_weights;

/// A stage-based model: which touches are key and how much weight they get.
#[derive(Clone, Debug, PartialEq)]
pub struct StageModel {
    name: &'static str,
    milestones: &'static [Milestone],
    key_weight: f64,
    rest_weight: f64,
}

impl StageModel {
    /// W-shaped: 30/30/30 on first touch, lead creation, opportunity creation; 10 over the rest.
    pub fn w_shaped() -> Self {
        Self {
            name: "w_shaped",
            milestones: &[Milestone::LeadCreated, Milestone::OpportunityCreated],
            key_weight: 30.0,
            rest_weight: 10.0,
        }
    }

    /// Full path: 22.5 each on first touch, lead, opportunity and closed won; 10 over the rest.
    pub fn full_path() -> Self {
        Self {
            name: "full_path",
            milestones: &[
                Milestone::LeadCreated,
                Milestone::OpportunityCreated,
                Milestone::ClosedWon,
            ],
            key_weight: 22.5,
            rest_weight: 10.0,
        }
    }

    /// The model's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Per-touch weights of one journey (see the module docs), summing to 1.
    pub fn weights(&self, touches: &[Touch], out: &mut Vec<f64>) {
        out.clear();
        let n = touches.len();
        if n == 0 {
            return;
        }
        out.resize(n, 0.0);
        let mut key = vec![false; n];
        key[0] = true;
        for &m in self.milestones {
            if let Some(at) = touches.iter().position(|t| t.milestone == Some(m)) {
                key[at] = true;
            }
        }
        let keys = key.iter().filter(|&&k| k).count();
        let rest = n - keys;
        for (w, &k) in out.iter_mut().zip(&key) {
            *w = if k {
                self.key_weight
            } else {
                self.rest_weight / rest as f64
            };
        }
        let sum: f64 = out.iter().sum();
        for w in out.iter_mut() {
            *w /= sum;
        }
    }
}

impl JourneyAttribution for StageModel {
    fn attribute_journeys(&self, journeys: &Journeys) -> Result<Credit> {
        let credit = credit_journeys_by_touch_weights(self.name, journeys, |j, w| {
            self.weights(j.touches, w);
            Ok(())
        })?;
        if journeys.has_milestones() {
            Ok(credit)
        } else {
            Ok(credit.with_note(format!(
                "no touch carries a stage milestone: {} reduces to first-touch-weighted credit",
                self.name
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prec::EXACT_TOL;

    fn touches(n: usize, marks: &[(usize, Milestone)]) -> Vec<Touch> {
        (0..n)
            .map(|i| Touch {
                time: i as i64,
                channel: 0,
                campaign: 0,
                content: 0,
                milestone: marks.iter().find(|(at, _)| *at == i).map(|(_, m)| *m),
            })
            .collect()
    }

    fn assert_weights(model: &StageModel, t: &[Touch], expect: &[f64]) {
        let mut w = Vec::new();
        model.weights(t, &mut w);
        assert_eq!(w.len(), expect.len());
        for (a, b) in w.iter().zip(expect) {
            assert!((a - b).abs() < EXACT_TOL, "{w:?} vs {expect:?}");
        }
    }

    use Milestone::*;

    #[test]
    fn w_shaped_known_answers_from_issue_2() {
        let w = StageModel::w_shaped();
        assert_weights(
            &w,
            &touches(5, &[(2, LeadCreated), (4, OpportunityCreated)]),
            &[0.3, 0.05, 0.3, 0.05, 0.3],
        );
        assert_weights(
            &w,
            &touches(4, &[(1, LeadCreated), (3, OpportunityCreated)]),
            &[0.3, 0.3, 0.1, 0.3],
        );
        assert_weights(
            &w,
            &touches(3, &[(1, LeadCreated), (2, OpportunityCreated)]),
            &[1.0 / 3.0; 3],
        );
    }

    #[test]
    fn w_shaped_renormalises_missing_and_shared_roles() {
        let w = StageModel::w_shaped();
        // No milestones: first 30, rest 10 over 3 → [30, 10/3, 10/3, 10/3] / 40.
        assert_weights(
            &w,
            &touches(4, &[]),
            &[0.75, 1.0 / 12.0, 1.0 / 12.0, 1.0 / 12.0],
        );
        // Lead on the first touch: keys {1st, 4th}, 10 over the two middle touches → /70.
        assert_weights(
            &w,
            &touches(4, &[(0, LeadCreated), (3, OpportunityCreated)]),
            &[30.0 / 70.0, 5.0 / 70.0, 5.0 / 70.0, 30.0 / 70.0],
        );
        assert_weights(&w, &touches(1, &[]), &[1.0]);
    }

    #[test]
    fn full_path_weights() {
        // 6 touches, all four roles distinct: 22.5 × 4 + 10 over the 2 others.
        let f = StageModel::full_path();
        assert_weights(
            &f,
            &touches(
                6,
                &[(1, LeadCreated), (3, OpportunityCreated), (5, ClosedWon)],
            ),
            &[0.225, 0.225, 0.05, 0.225, 0.05, 0.225],
        );
        // 4 touches, all key: 1/4 each.
        assert_weights(
            &f,
            &touches(
                4,
                &[(1, LeadCreated), (2, OpportunityCreated), (3, ClosedWon)],
            ),
            &[0.25; 4],
        );
    }
}
