//! Which model the report recommends, from evidence about this input, in sentences that
//! name the evidence.
//!
//! 1. **Scores**: the scores of a simulation the user gave (`accuracy`), else the
//!    worlds simulated to match the input ([`MatchedEvidence`]), else none.
//! 2. **Warnings**: a model whose own notes carry a WARNING (credit at risk: exposure
//!    that follows intent, carryover past its horizon, intervals too wide to rank, too
//!    few conversions per feature) is not recommended when a model without warnings
//!    scores within [`MARGIN`] of it; when every model without warnings scores worse by
//!    more, it is recommended and the page says so.
//! 3. **Abstention**: on matched worlds, when the leading model is farther than
//!    [`TOO_FAR`] from the truth (the sample is too small to choose), or when it beats
//!    the next by less than [`MARGIN`] without winning most worlds (no model is clearly
//!    best), nothing is recommended; the page says why and names the lift test that
//!    would settle it.

use std::collections::BTreeMap;

use crate::models::ModelName;
use crate::report::numbers::fixed;
use crate::run::matched::MatchedEvidence;

/// A difference in mean distance to the truth below which two models are not told apart.
pub const MARGIN: f64 = 0.02;

/// A distance to the truth beyond which no model's split can be trusted.
pub const TOO_FAR: f64 = 0.15;

/// The choice and its reasons.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Choice {
    /// The recommended model (`None`: the report abstains).
    pub recommended: Option<String>,
    /// The model the evidence puts first, recommended or not (what a budget plan
    /// follows when nothing is recommended).
    pub leading: Option<String>,
    /// The next model by the evidence (a lift test settles between the two).
    pub runner: Option<String>,
    /// Why, in sentences naming the evidence.
    pub why: Vec<String>,
    /// What would change it, or settle it.
    pub what_would_change: Vec<String>,
}

/// What the choice reads.
pub struct Inputs<'a> {
    /// The models that ran.
    pub models: &'a [String],
    /// Each model's notes.
    pub notes: &'a BTreeMap<String, Vec<String>>,
    /// The scores of a simulation the user gave (model → total variation).
    pub accuracy: Option<&'a BTreeMap<String, f64>>,
    /// Worlds matched to the input.
    pub matched: Option<&'a MatchedEvidence>,
}

/// Whether `model`'s notes carry a warning.
fn warned(notes: &BTreeMap<String, Vec<String>>, model: &str) -> Option<String> {
    notes
        .get(model)?
        .iter()
        .find_map(|n| n.strip_prefix("WARNING: ").map(str::to_string))
}

/// The recommendation.
pub fn choose(inputs: &Inputs<'_>) -> Choice {
    let candidates: Vec<&String> = inputs
        .models
        .iter()
        .filter(|m| ModelName::lookup(m).is_some_and(|n| n.data_driven()))
        .collect();
    let (scores, source): (BTreeMap<String, f64>, String) = match (inputs.accuracy, inputs.matched)
    {
        (Some(a), _) => (a.clone(), "the simulation you scored".to_string()),
        (None, Some(m)) => (
            m.mean.clone(),
            format!(
                "{} worlds simulated to match your data ({} paid channels at their exposure \
                 rates, {:.3} conversions a person, {} days, {} people each; mechanisms: {})",
                m.worlds.len(),
                m.profile.channels.len(),
                m.profile.conversions_per_unit,
                m.profile.days,
                m.worlds.first().map_or(0, |w| w.units),
                m.worlds
                    .iter()
                    .map(|w| w.mechanism.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (None, None) => (BTreeMap::new(), String::new()),
    };
    let mut ranked: Vec<(&String, f64)> = candidates
        .iter()
        .filter_map(|m| Some((*m, *scores.get(m.as_str())?)))
        .collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    let mut choice = Choice::default();
    let Some(&(best, best_score)) = ranked.first() else {
        return choice;
    };
    let clean = ranked
        .iter()
        .find(|(m, _)| warned(inputs.notes, m).is_none())
        .copied();
    let (chosen, chosen_score) = match (warned(inputs.notes, best), clean) {
        (None, _) => (best, best_score),
        (Some(_), Some((c, s))) if s - best_score <= MARGIN => (c, s),
        _ => (best, best_score),
    };
    choice.leading = Some(chosen.clone());
    let runner = ranked.iter().find(|(m, _)| *m != chosen).copied();
    choice.runner = runner.map(|(m, _)| m.clone());
    let others = ranked
        .iter()
        .filter(|(m, _)| *m != chosen)
        .take(3)
        .map(|(m, s)| format!("{m} {}", fixed(*s, 3)))
        .collect::<Vec<_>>()
        .join(", ");
    let last = scores
        .get("last_touch")
        .filter(|_| chosen != "last_touch")
        .map_or(String::new(), |l| {
            format!("; last touch's: {}", fixed(*l, 3))
        });
    choice.why.push(format!(
        "On {source}, {chosen}'s channel shares were {} from the truth (total variation: 0 \
         is exact, 1 entirely wrong){}{last}.",
        fixed(chosen_score, 3),
        if others.is_empty() {
            String::new()
        } else {
            format!("; the next: {others}")
        }
    ));
    if let Some(w) = warned(inputs.notes, chosen) {
        let clean_text = match clean {
            Some((c, s)) => format!(
                "the best model without warnings, {c}, was at {}",
                fixed(s, 3)
            ),
            None => "every data-driven model carries a warning".to_string(),
        };
        choice.why.push(format!(
            "{chosen} carries a warning ({w}); it is shown because nothing better exists on \
             this evidence: {clean_text}."
        ));
    }
    if let Some(m) = inputs.matched
        && inputs.accuracy.is_none()
    {
        let wins = m.wins.get(chosen.as_str()).copied().unwrap_or(0);
        // Worlds smaller than the input overstate its noise: "too small" is only said of
        // worlds of the input's own size.
        let full_size = m.worlds.iter().all(|w| w.units as u64 >= m.profile.units);
        if !full_size {
            choice.why.push(format!(
                "The worlds had {} people each, fewer than your {}: their distances overstate \
                 the noise of your data, so they rank the models but do not judge the sample \
                 size.",
                m.worlds.first().map_or(0, |w| w.units),
                m.profile.units
            ));
        }
        let too_far = full_size && chosen_score > TOO_FAR;
        let close =
            runner.is_some_and(|(_, s)| s - chosen_score < MARGIN) && 2 * wins <= m.worlds.len();
        if too_far {
            choice.why.push(format!(
                "No model is recommended: on worlds the size of your data every model's split \
                 was at least {} from the truth, so the sample is too small to choose between \
                 them (the intervals say how wide each channel's figure is).",
                fixed(chosen_score, 3)
            ));
            return choice;
        }
        if close {
            let (r, rs) = runner.expect("close has a runner");
            choice.why.push(format!(
                "No model is clearly best on data like yours: {chosen} ({}) and {r} ({}) are \
                 within {MARGIN} of each other, and {chosen} was closest in {wins} of {} worlds.",
                fixed(chosen_score, 3),
                fixed(rs, 3),
                m.worlds.len()
            ));
            return choice;
        }
        choice.why.push(format!(
            "It was the closest data-driven model in {wins} of {} of those worlds.",
            m.worlds.len()
        ));
    }
    choice.recommended = Some(chosen.clone());
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(warned: &[&str]) -> BTreeMap<String, Vec<String>> {
        warned
            .iter()
            .map(|m| (m.to_string(), vec!["WARNING: something".to_string()]))
            .collect()
    }

    fn models() -> Vec<String> {
        ["last_touch", "markov", "self_controlled", "shapley"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn the_closest_model_without_warnings_is_recommended_and_named_with_its_evidence() {
        let accuracy: BTreeMap<String, f64> = [
            ("markov", 0.20),
            ("self_controlled", 0.05),
            ("last_touch", 0.25),
        ]
        .map(|(m, s)| (m.to_string(), s))
        .into();
        let c = choose(&Inputs {
            models: &models(),
            notes: &notes(&[]),
            accuracy: Some(&accuracy),
            matched: None,
        });
        assert_eq!(c.recommended.as_deref(), Some("self_controlled"));
        assert!(
            c.why[0].contains("the simulation you scored"),
            "{:?}",
            c.why
        );
        assert!(c.why[0].contains("0.050"), "{:?}", c.why);
    }

    #[test]
    fn a_model_under_its_own_warning_yields_to_one_without_unless_nothing_is_close() {
        let close: BTreeMap<String, f64> = [("markov", 0.06), ("self_controlled", 0.05)]
            .map(|(m, s)| (m.to_string(), s))
            .into();
        let c = choose(&Inputs {
            models: &models(),
            notes: &notes(&["self_controlled"]),
            accuracy: Some(&close),
            matched: None,
        });
        assert_eq!(c.recommended.as_deref(), Some("markov"));
        let far: BTreeMap<String, f64> = [("markov", 0.30), ("self_controlled", 0.05)]
            .map(|(m, s)| (m.to_string(), s))
            .into();
        let c = choose(&Inputs {
            models: &models(),
            notes: &notes(&["self_controlled"]),
            accuracy: Some(&far),
            matched: None,
        });
        assert_eq!(c.recommended.as_deref(), Some("self_controlled"));
        assert!(
            c.why.iter().any(|w| w.contains("nothing better exists")),
            "{:?}",
            c.why
        );
    }

    fn matched(scores: &[(&str, [f64; 4])]) -> MatchedEvidence {
        use crate::simulate::matched::MatchProfile;
        let worlds: Vec<crate::run::matched::MatchedWorld> = (0..4)
            .map(|w| crate::run::matched::MatchedWorld {
                mechanism: format!("m{w}"),
                units: 1000,
                conversions: 100.0,
                distances: scores.iter().map(|(m, s)| (m.to_string(), s[w])).collect(),
            })
            .collect();
        let mean = scores
            .iter()
            .map(|(m, s)| (m.to_string(), s.iter().sum::<f64>() / 4.0))
            .collect();
        let mut wins = BTreeMap::new();
        for w in &worlds {
            let best = w
                .distances
                .iter()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .unwrap();
            *wins.entry(best.0.clone()).or_default() += 1;
        }
        MatchedEvidence {
            profile: MatchProfile {
                channels: vec![("a".into(), 0.01)],
                organic_rate: 0.0,
                direct_rate: 0.0,
                units: 1000,
                conversions_per_unit: 0.1,
                days: 60,
            },
            worlds,
            mean,
            wins,
        }
    }

    #[test]
    fn it_abstains_on_a_sample_too_small_and_when_no_model_is_clearly_best() {
        let small = matched(&[
            ("markov", [0.30, 0.28, 0.31, 0.29]),
            ("self_controlled", [0.22, 0.25, 0.21, 0.24]),
        ]);
        let c = choose(&Inputs {
            models: &models(),
            notes: &notes(&[]),
            accuracy: None,
            matched: Some(&small),
        });
        assert_eq!(c.recommended, None);
        assert_eq!(c.leading.as_deref(), Some("self_controlled"));
        assert!(c.why.iter().any(|w| w.contains("too small")), "{:?}", c.why);
        let tied = matched(&[
            ("markov", [0.08, 0.10, 0.09, 0.11]),
            ("self_controlled", [0.09, 0.09, 0.10, 0.09]),
        ]);
        let c = choose(&Inputs {
            models: &models(),
            notes: &notes(&[]),
            accuracy: None,
            matched: Some(&tied),
        });
        assert_eq!(c.recommended, None);
        assert!(
            c.why.iter().any(|w| w.contains("clearly best")),
            "{:?}",
            c.why
        );
        let clear = matched(&[
            ("markov", [0.20, 0.22, 0.19, 0.21]),
            ("self_controlled", [0.05, 0.06, 0.08, 0.07]),
        ]);
        let c = choose(&Inputs {
            models: &models(),
            notes: &notes(&[]),
            accuracy: None,
            matched: Some(&clear),
        });
        assert_eq!(c.recommended.as_deref(), Some("self_controlled"));
        assert!(
            c.why[0].contains("worlds simulated to match your data"),
            "{:?}",
            c.why
        );
        assert!(c.why.iter().any(|w| w.contains("4 of 4")), "{:?}", c.why);
    }
}
