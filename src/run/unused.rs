//! Settings a run was given but did not use: a flag or keyword that sets a model that
//! did not run (`half_life` with `last_touch`), or one that sets how journeys are built
//! when the input was not events (`lookback_days` with a path summary). Ignoring them
//! without a word reads as if they had applied; each gets a warning naming it and why.
//!
//! Front ends know which settings the user gave (the library only sees values); they
//! pass those [`Param`]s here after the run and print what comes back.

use crate::models::ModelName;
use crate::param::Param;
use crate::run::Loaded;

/// The models that use a model setting, or `None` for a setting of the journey build
/// (used only with events) or one every run uses.
fn users(param: Param) -> Option<&'static [ModelName]> {
    use ModelName as M;
    use Param as P;
    Some(match param {
        P::HalfLife => &[M::TimeDecay],
        P::StepDecay | P::StepEvery => &[M::TimeDecaySteps],
        P::PositionWeights => &[M::PositionBased],
        P::CustomWeights => &[M::Custom],
        P::TwoTouch => &[M::PositionBased, M::Custom],
        P::PositionDecay => &[M::PositionDecay],
        P::MarkovOrder | P::MarkovStates | P::MarkovHoldout | P::MarkovMaxStates => &[M::Markov],
        P::ShapleyGame | P::ShapleySamples | P::ShapleyExactMax | P::ShapleyNegative => {
            &[M::Shapley]
        }
        // The Shapley model's `model` game fits the logistic model.
        P::LogisticAlpha
        | P::LogisticFolds
        | P::LogisticInteractions
        | P::LogisticCredit
        | P::LogisticBags
        | P::LogisticBagRows
        | P::LogisticBagFeatures
        | P::LogisticSolver
        | P::LogisticHoldout
        | P::LogisticMaxWork => &[M::Logistic, M::Shapley],
        P::HazardStep
        | P::HazardLags
        | P::HazardPre
        | P::HazardSmoothing
        | P::HazardAdjust
        | P::HazardControls
        | P::HazardIgnore
        | P::HazardWeekday
        | P::HazardCalendar
        | P::HazardTimeOfDay
        | P::StudyStart
        | P::StudyEnd => &[M::SelfControlled],
        _ => return None,
    })
}

/// True for a setting of how journeys are built from events.
fn builds_journeys(param: Param) -> bool {
    matches!(
        param,
        Param::JourneyLevel
            | Param::LookbackDays
            | Param::LookbackSteps
            | Param::CensorDays
            | Param::DataEnd
            | Param::SessionGap
            | Param::TouchLevel
            | Param::UnattributedChannel
            | Param::ConversionEvent
            | Param::TouchEvent
            | Param::SharedDevices
    )
}

/// What the input of a run was, for a message.
pub fn input_kind(data: &Loaded) -> &'static str {
    match data {
        Loaded::Paths(_) => "a path summary",
        Loaded::Journeys(_) => "journeys",
        Loaded::Built(_) => "events",
        Loaded::Transitions(..) => "transition counts",
        Loaded::Coalitions(_) => "coalition counts",
    }
}

/// A warning for each setting in `given` that the run of `models` on `data` did not use
/// (settings mentioned as `` `name` ``, which front ends turn into their own spelling).
pub fn unused_settings(given: &[Param], models: &[ModelName], data: &Loaded) -> Vec<String> {
    let from_events = matches!(data, Loaded::Built(_));
    let ran: Vec<&str> = models.iter().map(|m| m.as_str()).collect();
    let mut warnings = Vec::new();
    for &param in given {
        if builds_journeys(param) && !from_events {
            warnings.push(format!(
                "WARNING: {} is not used: it sets how journeys are built from events, and the \
                 input is {}",
                param.mention(),
                input_kind(data)
            ));
            continue;
        }
        let Some(users) = users(param) else {
            continue;
        };
        if users.iter().any(|m| models.contains(m)) {
            continue;
        }
        let names: Vec<&str> = users.iter().map(|m| m.as_str()).collect();
        warnings.push(format!(
            "WARNING: {} is not used: it sets {}, which did not run (models run: {})",
            param.mention(),
            names.join(" or "),
            if ran.is_empty() {
                "none".to_string()
            } else {
                ran.join(", ")
            }
        ));
    }
    warnings
}

/// The warning for identity edges (given as `what`: a flag or keyword) with an input
/// that is not events: they stitch events into persons, and `data` has no events.
pub fn identities_unused(what: &str, data: &Loaded) -> String {
    format!(
        "WARNING: {what} is not used: identity edges stitch events into persons, and the \
         input is {}",
        input_kind(data)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_of_models_that_did_not_run_are_named() {
        let data = Loaded::Paths(Default::default());
        let w = unused_settings(
            &[
                Param::HalfLife,
                Param::MarkovOrder,
                Param::LookbackDays,
                Param::Seed,
            ],
            &[ModelName::LastTouch, ModelName::Markov],
            &data,
        );
        assert_eq!(
            w,
            [
                "WARNING: `half_life` is not used: it sets time_decay, which did not run \
                 (models run: last_touch, markov)",
                "WARNING: `lookback_days` is not used: it sets how journeys are built from \
                 events, and the input is a path summary",
            ]
        );
        assert!(identities_unused("`identities`", &data).ends_with("the input is a path summary"));
    }
}
