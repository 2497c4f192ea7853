//! The library's parameter vocabulary: every setting a user can get wrong has a
//! [`Param`] name (closed sets of choices implement [`Choice`](crate::choice::Choice)).
//!
//! Errors about parameters ([`Error::InvalidParameter`](crate::Error)) name a [`Param`],
//! and messages mention other parameters as `` `name` `` (see [`Param::mention`]). The
//! library never names a command-line flag: front ends (the `pathcredit` binary, the
//! Python package) map these names to their own spelling of the setting.

use std::fmt;

/// Declares [`Param`] with its names, in one list.
macro_rules! params {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// A named parameter of the library (journey building, models, budget, simulation).
        ///
        /// The name is the setting's snake-case name, as the Python package spells its
        /// keyword arguments; the command line spells it as a flag.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Param {
            $(#[doc = $doc] $variant,)*
        }

        impl Param {
            /// Every parameter.
            pub const ALL: &'static [Param] = &[$(Param::$variant,)*];

            /// The parameter's snake-case name.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Param::$variant => $name,)*
                }
            }

            /// The parameter's one-line description (its doc comment), for front ends'
            /// help and signatures.
            pub const fn doc(self) -> &'static str {
                match self {
                    $(Param::$variant => $doc,)*
                }
            }
        }
    };
}

params! {
    // Inputs.
    Columns => "columns", "Column remapping `NAME=HEADER` of an input file.";
    PathSeparator => "path_separator", "Separator between channels in a path.";
    PathsPreset => "paths_preset", "Column preset for path summaries from other tools.";
    EventsPreset => "events_preset", "Column preset and touch rules for raw event exports (GA4, Snowplow).";
    PathType => "path_type", "The `path_type` whose rows a Snowplow path summary is read from.";
    UnmatchedChannel => "unmatched_channel", "Read empty paths as one touch of `Unmatched_Channel`.";
    // Journey building.
    JourneyLevel => "journey_level", "Journeys per person or per account.";
    LookbackDays => "lookback_days", "The lookback window before a conversion.";
    LookbackSteps => "lookback_steps", "The last N touches kept per journey.";
    CensorDays => "censor_days", "The censoring horizon of non-converting journeys.";
    DataEnd => "data_end", "The end of the data for censoring.";
    SessionGap => "session_gap", "The inactivity that ends a session.";
    TouchLevel => "touch_level", "One touch per session or per event.";
    UnattributedChannel => "unattributed_channel", "Channel for conversions with no touch.";
    ConversionEvent => "conversion_event", "Event names that are conversions.";
    TouchEvent => "touch_event", "Event names that are touches.";
    SharedDevices => "shared_devices", "Policy for anonymous ids linked to several users.";
    ChannelGrouping => "channel_grouping", "How touches get channels from UTM fields and referrers.";
    ChannelRules => "channel_rules", "The user's channel rules file.";
    // Path transforms.
    Transform => "transform", "The sequence transform of paths.";
    MaxSteps => "max_steps", "The last N touches kept per path.";
    DropChannel => "drop_channel", "Channels removed from every path.";
    // Models.
    Models => "models", "The models to run.";
    Level => "level", "The dimension credited (channel, campaign, content).";
    DirectChannels => "direct_channels", "Channel names treated as direct.";
    PositionWeights => "position_weights", "First, middle, last weights of position_based.";
    CustomWeights => "custom_weights", "First, middle, last weights of the custom model.";
    TwoTouch => "two_touch", "How position weights split a two-touch path.";
    PositionDecay => "position_decay", "What the position_decay model ranks.";
    HalfLife => "half_life", "Half-life of time decay.";
    ConversionWindow => "conversion_window", "The window of conversions a report covers.";
    RevenueWeighted => "revenue_weighted", "Add Snowplow's revenue-weighted conversion count.";
    StepDecay => "step_decay", "Factor per step of step-wise time decay.";
    StepEvery => "step_every", "Step length of step-wise time decay.";
    MarkovOrder => "markov_order", "Order of the Markov chain.";
    MarkovStates => "markov_states", "State convention of the Markov chain.";
    MarkovHoldout => "markov_holdout", "Held-out share for the Markov order choice.";
    MarkovTolerance => "markov_tolerance", "Tolerance of the Markov solve.";
    MarkovMaxStates => "markov_max_states", "The most states a Markov chain may have.";
    MarkovMaxWork => "markov_max_work", "The most work the Markov removal solves may take.";
    MemoryLimit => "memory_limit", "The most memory a large exact solve may take.";
    ShapleyGame => "shapley_game", "The game of the Shapley model.";
    ShapleySamples => "shapley_samples", "Sampled permutation pairs of the Shapley model.";
    ShapleyExactMax => "shapley_exact_max", "Most channels solved exactly by Shapley.";
    ShapleyNegative => "shapley_negative", "Policy for negative Shapley values.";
    LogisticAlpha => "logistic_alpha", "L2 strength of the logistic model.";
    LogisticFolds => "logistic_folds", "Cross-validation folds of the logistic model.";
    LogisticInteractions => "logistic_interactions", "Pairwise logistic features.";
    LogisticCredit => "logistic_credit", "How logistic predictions become credit.";
    LogisticBags => "logistic_bags", "Bagged refits of the logistic model.";
    LogisticBagRows => "logistic_bag_rows", "Share of rows each logistic bag sees.";
    LogisticBagFeatures => "logistic_bag_features", "Share of features each bag sees.";
    LogisticSolver => "logistic_solver", "Optimiser of the logistic model.";
    LogisticHoldout => "logistic_holdout", "Held-out share of the logistic diagnostics.";
    LogisticMaxWork => "logistic_max_work", "The most work the logistic fits may take.";
    HazardStep => "hazard_step", "Step of the self-controlled model's timelines.";
    HazardLags => "hazard_lags", "Lag bins of the self-controlled model.";
    HazardPre => "hazard_pre", "Pre-exposure bins of the self-controlled model.";
    HazardSmoothing => "hazard_smoothing", "Smoothness penalty over the self-controlled model's lag bins.";
    HazardAdjust => "hazard_adjust", "How pre-exposure hazard enters the self-controlled credit.";
    HazardControls => "hazard_controls", "Time-varying control channels of the self-controlled model.";
    HazardIgnore => "hazard_ignore", "Channels the self-controlled model leaves out.";
    HazardWeekday => "hazard_weekday", "A day-of-week baseline in the self-controlled model.";
    HazardTimeOfDay => "hazard_time_of_day", "How much of its own day a touch is exposure for in the self-controlled model.";
    HazardCalendar => "hazard_calendar", "A calendar baseline (season, promotions) in the self-controlled model.";
    StudyStart => "study_start", "Start of the self-controlled model's study period.";
    StudyEnd => "study_end", "End of the self-controlled model's study period.";
    LiftTests => "lift_tests", "Experiments' incremental conversions per channel.";
    Bootstrap => "bootstrap", "Bootstrap replicates for intervals.";
    Seed => "seed", "Seed of every random choice.";
    // Output.
    Format => "format", "Output format.";
    // Spend and budget.
    Spend => "spend", "The spend file.";
    Period => "period", "The spend period used.";
    MaxShift => "max_shift", "Largest move of a channel's spend.";
    Response => "response", "Response of value to spend.";
    Elasticity => "elasticity", "Elasticity of the diminishing response.";
    Floor => "floor", "Minimum spend of a channel.";
    Cap => "cap", "Maximum spend of a channel.";
    MoveAtRisk => "move_at_risk", "Move channels whose credit the model's warnings doubt in that direction too.";
    BudgetModel => "budget_model", "The model a budget plan follows.";
    Accuracy => "accuracy", "Scores of models against a simulation's truth (from evaluate).";
    // SQL for engines.
    Dialect => "dialect", "The SQL engine the journey SQL is written for.";
    TimestampKind => "timestamp_kind", "How the events table holds time.";
    StitchRounds => "stitch_rounds", "Rounds of identity stitching in SQL.";
    OutputPrefix => "output_prefix", "Prefix of the tables the SQL creates.";
    EventsTable => "events_table", "The events table the SQL reads.";
    IdentitiesTable => "identities_table", "The identity edges table the SQL reads.";
    // Evaluation.
    TruthColumn => "truth_column", "The truth column scored against.";
    // Simulation and benchmark data.
    Users => "users", "People (or accounts) simulated.";
    Channels => "channels", "Number of channels generated.";
    Scenario => "scenario", "The simulation scenario.";
    Days => "days", "Days of generated data.";
    Rows => "rows", "Distinct paths generated.";
    MeanLen => "mean_len", "Mean generated path length.";
    MaxLen => "max_len", "Longest generated path.";
    MeanJourneys => "mean_journeys", "Mean journeys per generated path.";
    Persons => "persons", "Persons of a generated event log.";
    Experiments => "experiments", "Channels the simulator runs a holdout experiment on.";
    Hazard => "hazard", "Form of the simulator's conversion hazard.";
    MeanTouches => "mean_touches", "Mean touches per generated person.";
    LoginRate => "login_rate", "Share of generated persons who log in.";
}

impl Param {
    /// The parameter as messages mention it: its name in backticks.
    pub fn mention(self) -> String {
        format!("`{}`", self.name())
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case() {
        let mut names: Vec<&str> = Param::ALL.iter().map(|p| p.name()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "a parameter name is used twice");
    }

    #[test]
    fn every_parameter_has_a_one_line_doc() {
        for p in Param::ALL {
            let doc = p.doc();
            assert!(!doc.is_empty() && !doc.contains('\n'), "{p}: `{doc}`");
            assert!(doc.ends_with('.'), "{p}: `{doc}` is not a sentence");
        }
    }
}
