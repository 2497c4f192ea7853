//! The one table from the library's parameter names to command-line flags, and the
//! rendering of library errors in the command line's words.
//!
//! The library names parameters ([`Param`]) and mentions them in messages as
//! `` `name` ``; here each becomes the flag a user types.

use clap::builder::{PossibleValuesParser, TypedValueParser};

use pathcredit::Error;
use pathcredit::param::{Choice, Param};

/// The flag that sets `param` in `command` (the subcommand's name).
pub fn flag(param: Param, command: &str) -> &'static str {
    match param {
        Param::Columns if command == "validate" => "--col / --report-col",
        Param::Columns => "--col",
        Param::PathSeparator => "--path-separator",
        Param::PathsPreset => "--paths-preset",
        Param::JourneyLevel => "--journey-level",
        Param::LookbackDays => "--lookback-days",
        Param::LookbackSteps => "--lookback-steps",
        Param::CensorDays => "--censor-days",
        Param::DataEnd => "--data-end",
        Param::SessionGap => "--session-gap",
        Param::TouchLevel => "--touch-level",
        Param::UnattributedChannel => "--unattributed-channel",
        Param::ConversionEvent => "--conversion-event",
        Param::TouchEvent => "--touch-event",
        Param::SharedDevices => "--shared-devices",
        Param::Transform => "--transform",
        Param::MaxSteps => "--max-steps",
        Param::DropChannel => "--drop-channel",
        Param::Models => "--model",
        Param::Level => "--level",
        Param::DirectChannels => "--direct-channel",
        Param::PositionWeights => "--position-weights",
        Param::CustomWeights => "--custom-weights",
        Param::HalfLife => "--half-life",
        Param::MarkovOrder => "--markov-order",
        Param::MarkovStates => "--markov-states",
        Param::MarkovHoldout => "--markov-holdout",
        Param::MarkovTolerance => "the Markov tolerance",
        Param::MarkovMaxStates => "--markov-max-states",
        Param::MarkovMaxWork => "--markov-max-work",
        Param::MemoryLimit => "--memory-limit",
        Param::Dialect => "--dialect",
        Param::TimestampKind => "--timestamps",
        Param::StitchRounds => "--stitch-rounds",
        Param::OutputPrefix => "--prefix",
        Param::EventsTable => "--events-table",
        Param::IdentitiesTable => "--identities-table",
        Param::ShapleyGame => "--shapley-game",
        Param::ShapleySamples => "--shapley-samples",
        Param::ShapleyExactMax => "--shapley-exact-max",
        Param::ShapleyNegative => "--shapley-negative",
        Param::LogisticAlpha => "--logistic-alpha",
        Param::LogisticFolds => "--logistic-folds",
        Param::LogisticInteractions => "--logistic-interactions",
        Param::LogisticCredit => "--logistic-credit",
        Param::LogisticBags => "--logistic-bags",
        Param::LogisticBagRows => "--logistic-bag-rows",
        Param::LogisticBagFeatures => "--logistic-bag-features",
        Param::LogisticSolver => "--logistic-solver",
        Param::LogisticHoldout => "--logistic-holdout",
        Param::HazardStep => "--hazard-step",
        Param::HazardLags => "--hazard-lags",
        Param::HazardPre => "--hazard-pre",
        Param::HazardSmoothing => "--hazard-smoothing",
        Param::HazardAdjust => "--hazard-adjust",
        Param::HazardControls => "--hazard-controls",
        Param::HazardIgnore => "--hazard-ignore",
        Param::HazardWeekday => "--hazard-weekday",
        Param::StudyStart => "--study-start",
        Param::StudyEnd => "--study-end",
        Param::LiftTests => "--lift-tests",
        Param::Bootstrap => "--bootstrap",
        Param::Seed => "--seed",
        Param::Format => "--format",
        Param::Spend => "--spend",
        Param::Period => "--period",
        Param::MaxShift => "--max-shift",
        Param::Response => "--response",
        Param::Elasticity => "--elasticity",
        Param::Floor => "--floor",
        Param::Cap => "--cap",
        Param::BudgetModel if command == "budget" => "--model",
        Param::BudgetModel => "--budget-model",
        Param::Accuracy => "--accuracy",
        Param::TruthColumn => "--truth-column",
        Param::Users => "--users",
        Param::Channels => "--channels",
        Param::Scenario => "--scenario",
        Param::Days => "--days",
        Param::Rows => "--rows",
        Param::MeanLen => "--mean-len",
        Param::MaxLen => "--max-len",
        Param::MeanJourneys => "--mean-journeys",
        Param::Persons => "--persons",
        Param::Experiments => "--experiments",
        Param::Hazard => "--hazard",
        Param::MeanTouches => "--mean-touches",
        Param::LoginRate => "--login-rate",
        // `Param` is non-exhaustive: a parameter added to the library without a flag
        // is shown by its name.
        _ => param.name(),
    }
}

/// The inputs whose columns a flag of this run remaps: (input name, flag).
static REMAPPABLE: std::sync::Mutex<Vec<(String, &'static str)>> =
    std::sync::Mutex::new(Vec::new());

/// Notes that the columns of the input `name` are remapped with `flag` (`--col`,
/// `--report-col`), so an error about a missing column there names that flag, and an
/// error about any other input (which no flag remaps) names none.
pub fn remappable_by(name: &str, flag: &'static str) {
    let mut inputs = REMAPPABLE.lock().unwrap_or_else(|e| e.into_inner());
    inputs.push((name.to_string(), flag));
}

fn remap_flag(name: &str) -> Option<&'static str> {
    let inputs = REMAPPABLE.lock().unwrap_or_else(|e| e.into_inner());
    inputs.iter().find(|(n, _)| n == name).map(|&(_, f)| f)
}

/// `text` with every parameter mention (`` `name` ``) written as its flag (`--name`).
pub fn with_flags(text: &str, command: &str) -> String {
    let mut out = text.to_string();
    for &p in Param::ALL {
        let mention = p.mention();
        if out.contains(&mention) {
            out = out.replace(&mention, flag(p, command));
        }
    }
    out
}

/// A library error in the command line's words: parameters as flags, and a hint to
/// remap a missing column. Only errors about settings and models mention parameters;
/// errors about input (a bad value, a missing column) quote the file's own names, which
/// may equal a parameter's (a `spend` column), and are left as they are.
pub fn describe(err: &Error, command: &str) -> String {
    match err {
        Error::InvalidParameter { name, message } => {
            format!(
                "invalid {}: {}",
                flag(*name, command),
                with_flags(message, command)
            )
        }
        Error::MissingColumn { file, column, .. } => match remap_flag(file) {
            Some(flag) => {
                format!("{err} (remap a differently named column with {flag} {column}=HEADER)")
            }
            None => err.to_string(),
        },
        Error::Unsupported { .. } | Error::Model { .. } => with_flags(&err.to_string(), command),
        other => other.to_string(),
    }
}

/// The whole chain of an error, outermost context first, with library errors in the
/// command line's words (what `{:#}` prints, translated).
pub fn render(err: &anyhow::Error, command: &str) -> String {
    let mut parts = Vec::new();
    for cause in err.chain() {
        match cause.downcast_ref::<Error>() {
            Some(e) => {
                // "cannot write output" adds nothing after "cannot write FILE".
                if !matches!(e, Error::Write(_)) || parts.is_empty() {
                    parts.push(describe(e, command));
                }
                // The library error's own sources are part of its message already
                // when it is an I/O error; stop at the first library error.
                if let Some(source) = std::error::Error::source(e) {
                    parts.push(source.to_string());
                }
                break;
            }
            None => parts.push(cause.to_string()),
        }
    }
    parts.join(": ")
}

/// The clap value parser of a library [`Choice`]: the accepted values are the
/// choice's own names, listed once in the library.
pub fn choice<T: Choice + Clone + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|c| c.name()))
        .map(|s| T::parse_choice(&s).expect("clap accepts listed names only"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_has_a_flag() {
        for &p in Param::ALL {
            let f = flag(p, "attribute");
            assert!(
                f.starts_with("--") || p == Param::MarkovTolerance,
                "{} has no flag",
                p.name()
            );
        }
    }

    #[test]
    fn mentions_become_flags() {
        assert_eq!(
            with_flags("check `lookback_days` and `censor_days`", "journeys"),
            "check --lookback-days and --censor-days"
        );
        let e = Error::param(Param::BudgetModel, "x");
        assert_eq!(describe(&e, "budget"), "invalid --model: x");
        assert_eq!(describe(&e, "report"), "invalid --budget-model: x");
    }
}
