//! The settings a command line gave: the model and journey-building flags whose values
//! differ from their defaults, as library [`Param`]s, for the run's warnings about
//! settings nothing used ([`pathcredit::run::unused`]).

use clap::Parser;

use pathcredit::param::Param;

use crate::cli::args::{BuildArgs, ModelArgs};

/// Every flag of the two groups at its default.
#[derive(Debug, Parser)]
struct Defaults {
    #[command(flatten)]
    models: ModelArgs,
    #[command(flatten)]
    build: BuildArgs,
}

/// The parameters set to something other than their default by `models` and `build`
/// (compared as shown by `Debug`, which every flag value implements).
pub fn given(models: &ModelArgs, build: &BuildArgs) -> Vec<Param> {
    let defaults = Defaults::parse_from(["pathcredit"]);
    let mut out = Vec::new();
    macro_rules! check {
        ($group:ident: $($field:ident => $param:ident),* $(,)?) => {
            $(
                if format!("{:?}", $group.$field) != format!("{:?}", defaults.$group.$field) {
                    out.push(Param::$param);
                }
            )*
        };
    }
    check!(models:
        half_life => HalfLife,
        step_decay => StepDecay,
        step_every => StepEvery,
        position_weights => PositionWeights,
        custom_weights => CustomWeights,
        two_touch => TwoTouch,
        position_decay => PositionDecay,
        markov_order => MarkovOrder,
        markov_states => MarkovStates,
        markov_holdout => MarkovHoldout,
        markov_max_states => MarkovMaxStates,
        shapley_game => ShapleyGame,
        shapley_samples => ShapleySamples,
        shapley_exact_max => ShapleyExactMax,
        shapley_negative => ShapleyNegative,
        logistic_alpha => LogisticAlpha,
        logistic_folds => LogisticFolds,
        logistic_interactions => LogisticInteractions,
        logistic_credit => LogisticCredit,
        logistic_bags => LogisticBags,
        logistic_bag_rows => LogisticBagRows,
        logistic_bag_features => LogisticBagFeatures,
        logistic_solver => LogisticSolver,
        logistic_holdout => LogisticHoldout,
        hazard_step => HazardStep,
        hazard_lags => HazardLags,
        hazard_pre => HazardPre,
        hazard_smoothing => HazardSmoothing,
        hazard_adjust => HazardAdjust,
        hazard_controls => HazardControls,
        hazard_ignore => HazardIgnore,
        hazard_weekday => HazardWeekday,
        hazard_calendar => HazardCalendar,
        hazard_time_of_day => HazardTimeOfDay,
        study_start => StudyStart,
        study_end => StudyEnd,
    );
    check!(build:
        journey_level => JourneyLevel,
        lookback_days => LookbackDays,
        lookback_steps => LookbackSteps,
        censor_days => CensorDays,
        data_end => DataEnd,
        session_gap => SessionGap,
        touch_level => TouchLevel,
        unattributed_channel => UnattributedChannel,
        conversion_event => ConversionEvent,
        touch_event => TouchEvent,
        shared_devices => SharedDevices,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_flags_away_from_their_defaults_are_given() {
        let parsed =
            Defaults::parse_from(["pathcredit", "--half-life", "3d", "--lookback-days", "30"]);
        assert_eq!(given(&parsed.models, &parsed.build), [Param::HalfLife]);
    }
}
