//! The one table from the library's parameter names to command-line flags, and the
//! rendering of library errors in the command line's words.
//!
//! The library names parameters ([`Param`]) and mentions them in messages as
//! `` `name` ``; here each becomes the flag a user types.

use clap::builder::{PossibleValuesParser, TypedValueParser};

use pathcredit::Error;
use pathcredit::choice::Choice;
use pathcredit::param::Param;

/// The flag that sets `param` in `command` (the subcommand's name).
pub fn flag(param: Param, command: &str) -> &'static str {
    match param {
        Param::Columns if command == "validate" => "--col / --report-col",
        Param::Columns => "--col",
        Param::PathSeparator => "--path-separator",
        Param::PathsPreset => "--paths-preset",
        Param::EventsPreset => "--events-preset",
        Param::PathType => "--path-type",
        Param::UnmatchedChannel => "--unmatched-channel",
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
        Param::ChannelGrouping => "--channel-grouping",
        Param::ChannelRules => "--channel-rules",
        Param::Transform => "--transform",
        Param::MaxSteps => "--max-steps",
        Param::DropChannel => "--drop-channel",
        Param::Models => "--model",
        Param::Level => "--level",
        Param::DirectChannels => "--direct-channel",
        Param::PositionWeights => "--position-weights",
        Param::CustomWeights => "--custom-weights",
        Param::TwoTouch => "--two-touch",
        Param::PositionDecay => "--position-decay",
        Param::HalfLife => "--half-life",
        Param::RevenueWeighted => "--revenue-weighted",
        Param::ConversionWindow => "--conversion-window",
        Param::StepDecay => "--step-decay",
        Param::StepEvery => "--step-every",
        // `sql --transitions K` counts the transitions of an order-K chain.
        Param::MarkovOrder if command == "sql" => "--transitions",
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
        Param::LogisticMaxWork => "--logistic-max-work",
        Param::HazardStep => "--hazard-step",
        Param::HazardLags => "--hazard-lags",
        Param::HazardPre => "--hazard-pre",
        Param::HazardSmoothing => "--hazard-smoothing",
        Param::HazardAdjust => "--hazard-adjust",
        Param::HazardControls => "--hazard-controls",
        Param::HazardIgnore => "--hazard-ignore",
        Param::HazardWeekday => "--hazard-weekday",
        Param::HazardCalendar => "--hazard-calendar",
        Param::HazardTimeOfDay => "--hazard-time-of-day",
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
        Param::MoveAtRisk => "--move-at-risk",
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

/// The flag that sets `param` in `command`, when the command has it; `None` when it does
/// not (a message of the library may mention a parameter the command does not set,
/// e.g. `markov_order` in a note read by `validate` without models of that kind). A
/// description that is not a flag ("the Markov tolerance") is always given.
pub fn flag_in(param: Param, command: &str) -> Option<&'static str> {
    let text = flag(param, command);
    let mut flags = text
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| w.starts_with("--"));
    flags.all(|f| has_flag(command, f)).then_some(text)
}

/// True when the subcommand `command` has the long flag `flag` (`--lookback-days`).
fn has_flag(command: &str, flag: &str) -> bool {
    use std::collections::{BTreeMap, BTreeSet};
    static FLAGS: std::sync::OnceLock<BTreeMap<String, BTreeSet<String>>> =
        std::sync::OnceLock::new();
    let flags = FLAGS.get_or_init(|| {
        let cli = crate::cli::command();
        cli.get_subcommands()
            .map(|sub| {
                let longs = sub
                    .get_arguments()
                    .filter_map(|a| a.get_long())
                    .map(|l| format!("--{l}"))
                    .collect();
                (sub.get_name().to_string(), longs)
            })
            .collect()
    });
    flags.get(command).is_some_and(|f| f.contains(flag))
}

/// `param` as a command that has no flag for it names it: in words (`markov order`).
fn in_words(param: Param) -> String {
    param.name().replace('_', " ")
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

/// `text` with every parameter mention (`` `name` ``) written as its flag in `command`
/// (`--name`), or in words (`name`) when the command has no flag for it: a message
/// never names a flag the command lacks.
pub fn with_flags(text: &str, command: &str) -> String {
    replace_mentions(text, |p| named(p, command))
}

/// `text` with every parameter mention written as its flag in `command`, unchecked:
/// for help built while the command line itself is being defined (checking against
/// the definition would need it finished). The command must have every flag `text`
/// mentions (a test checks `attribute`'s model list).
pub fn with_listed_flags(text: &str, command: &str) -> String {
    replace_mentions(text, |p| flag(p, command).to_string())
}

fn replace_mentions(text: &str, name: impl Fn(Param) -> String) -> String {
    let mut out = text.to_string();
    for &p in Param::ALL {
        let mention = p.mention();
        if out.contains(&mention) {
            out = out.replace(&mention, &name(p));
        }
    }
    out
}

/// `param` as `command` names it: its flag, or in words when it has none.
fn named(param: Param, command: &str) -> String {
    flag_in(param, command).map_or_else(|| in_words(param), str::to_string)
}

/// A library error in the command line's words: parameters as flags, and a hint to
/// remap a missing column. Only errors about settings and models mention parameters;
/// errors about input (a bad value, a missing column) quote the file's own names, which
/// may equal a parameter's (a `spend` column), and are left as they are.
pub fn describe(err: &Error, command: &str) -> String {
    match err {
        // A column remapping's message quotes the file's own names (a `channels`
        // header), never parameters.
        Error::InvalidParameter {
            name: Param::Columns,
            message,
        } => format!("invalid {}: {message}", named(Param::Columns, command)),
        Error::InvalidParameter { name, message } => {
            format!(
                "invalid {}: {}",
                named(*name, command),
                with_flags(message, command)
            )
        }
        // The hint names the column's role (`path`), which a remapping names, not the
        // header it was looked for under (`channels` in a coalitions file).
        Error::MissingColumn { file, role, .. } => match remap_flag(file) {
            Some(flag) => {
                format!("{err} (remap a differently named column with {flag} {role}=HEADER)")
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

    /// The flags a text names (`--name`, without the punctuation after it).
    fn flags_named(text: &str) -> Vec<&str> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.starts_with("--"))
            .collect()
    }

    /// Issue 31, hardening item 5c: whatever parameters a message mentions, the flags
    /// it then names are flags of the command; a parameter the command has no flag for
    /// is named in words.
    #[test]
    fn messages_name_only_flags_of_their_command() {
        let text: Vec<String> = Param::ALL.iter().map(|p| p.mention()).collect();
        let text = text.join(" ");
        let commands: Vec<String> = crate::cli::command()
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        assert!(commands.len() >= 11, "{commands:?}");
        for command in &commands {
            let shown = with_flags(&text, command);
            for word in flags_named(&shown) {
                assert!(has_flag(command, word), "{command} has no {word}: {shown}");
            }
            for &p in Param::ALL {
                let shown = describe(&Error::param(p, "x"), command);
                for word in flags_named(&shown) {
                    assert!(has_flag(command, word), "{command} has no {word}: {shown}");
                }
            }
        }
        assert_eq!(
            describe(
                &Error::param(Param::MarkovOrder, "9: expected 1 to 4"),
                "sql"
            ),
            "invalid --transitions: 9: expected 1 to 4"
        );
        assert_eq!(
            with_flags("raise `bootstrap` or `lookback_days`", "validate"),
            "raise bootstrap or --lookback-days"
        );
        assert_eq!(with_flags("a `seed`", "journeys"), "a seed");
        // The help's model list, written before the command line is defined.
        for m in pathcredit::ModelName::ALL {
            let shown = with_listed_flags(m.summary(), "attribute");
            for word in flags_named(&shown) {
                assert!(
                    has_flag("attribute", word),
                    "attribute has no {word}: {shown}"
                );
            }
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
