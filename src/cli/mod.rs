//! The command-line interface. Compiled into the binary only (feature `cli`).
//!
//! One file per subcommand; shared flag groups in [`args`]; output handling in
//! [`output`]. A subcommand turns its flags into validated library settings, calls one
//! library entry point, and hands the result to a renderer.

/// Prints a line for a person on stderr: every control and invisible character of the
/// names it holds shown escaped (`\u{1b}`), so no name from the data can drive the
/// terminal ([`pathcredit::text::for_terminal`]).
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", pathcredit::text::for_terminal(&format!($($arg)*)))
    };
}
pub(crate) use say;

/// Whether a line for stderr is a warning: `--quiet` keeps warnings (a model that
/// cannot identify an effect says so even in a script), and drops everything else.
pub(crate) fn shown(line: &str, quiet: bool) -> bool {
    !quiet
        || line
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("warning")
}

pub mod args;
mod attribute;
mod budget;
mod evaluate;
pub mod flags;
mod generate_events;
mod generate_paths;
mod given;
mod journeys;
mod merge;
pub mod output;
mod pipeline;
mod progress;
mod report;
mod simulate;
mod sql;
mod validate;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// pathcredit: data-driven marketing attribution.
#[derive(Debug, Parser)]
#[command(
    name = "pathcredit",
    version,
    about = "Data-driven marketing attribution: channel credit from raw events, journeys and path summaries",
    long_about = "Data-driven marketing attribution.\n\n\
        pathcredit reads raw events (--events: timestamp,user_id,event,channel[,value], with \
        identity edges to stitch in --identities), touchpoint journeys (--journeys) or a path \
        summary (--paths) and writes, for every model and channel, attributed conversions, \
        attributed value and share.\n\n\
        Start with:  pathcredit attribute --paths data/sample/paths.csv\n\
        From events: pathcredit attribute --events data/sample/events.csv \
        --identities data/sample/identities.csv",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// Print nothing on stderr but errors and warnings.
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    Attribute(Box<attribute::AttributeArgs>),
    Journeys(Box<journeys::JourneysArgs>),
    GeneratePaths(generate_paths::GeneratePathsArgs),
    GenerateEvents(generate_events::GenerateEventsArgs),
    Simulate(simulate::SimulateArgs),
    Evaluate(evaluate::EvaluateArgs),
    Report(Box<report::ReportArgs>),
    Budget(budget::BudgetCommandArgs),
    Validate(Box<validate::ValidateArgs>),
    Sql(Box<sql::SqlArgs>),
    Merge(merge::MergeArgs),
}

/// The command line's definition, as parsed: every flag that takes a value also takes
/// a negative number (`--lookback-days -1`, `--max-shift -0.2`, `--seed -3`), so the
/// flag's own check says what is wrong with it, instead of the number being read as
/// an unknown flag; and the aggregates only `attribute` reads (`--transitions`,
/// `--coalitions`) are left out of the help of `report` and `validate`, which refuse
/// them.
pub fn command() -> clap::Command {
    fn negative_numbers(command: clap::Command) -> clap::Command {
        command
            .mut_args(|arg| {
                if arg.get_action().takes_values() {
                    arg.allow_negative_numbers(true)
                } else {
                    arg
                }
            })
            .mut_subcommands(negative_numbers)
    }
    let hide = |arg: clap::Arg| arg.hide(true);
    // Nor does their usage line offer them as the input.
    let read_inputs = |_: clap::ArgGroup| {
        clap::ArgGroup::new("input")
            .required(true)
            .args(["paths", "journeys", "events"])
    };
    let attribute_only = |sub: clap::Command| {
        sub.mut_arg("transitions", hide)
            .mut_arg("coalitions", hide)
            .mut_group("input", read_inputs)
    };
    negative_numbers(Cli::command())
        .mut_subcommand("report", attribute_only)
        .mut_subcommand("validate", attribute_only)
}

impl Cli {
    /// Parses the arguments (the program's name first) by [`command`].
    pub fn try_parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Self, clap::Error> {
        let mut command = command();
        let mut matches = command.try_get_matches_from_mut(args)?;
        Self::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command))
    }

    /// The subcommand's name, as typed (used to name flags in messages).
    pub fn command_name(&self) -> &'static str {
        match self.command {
            Command::Attribute(_) => "attribute",
            Command::Journeys(_) => "journeys",
            Command::GeneratePaths(_) => "generate-paths",
            Command::GenerateEvents(_) => "generate-events",
            Command::Simulate(_) => "simulate",
            Command::Evaluate(_) => "evaluate",
            Command::Report(_) => "report",
            Command::Budget(_) => "budget",
            Command::Validate(_) => "validate",
            Command::Sql(_) => "sql",
            Command::Merge(_) => "merge",
        }
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let quiet = cli.quiet;
    progress::install(quiet);
    match cli.command {
        Command::Attribute(args) => attribute::run(*args, quiet),
        Command::Journeys(args) => journeys::run(*args, quiet),
        Command::GeneratePaths(args) => generate_paths::run(args),
        Command::GenerateEvents(args) => generate_events::run(args),
        Command::Simulate(args) => simulate::run(args, quiet),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Report(args) => report::run(*args, quiet),
        Command::Budget(args) => budget::run(args, quiet),
        Command::Validate(args) => validate::run(*args, quiet),
        Command::Sql(args) => sql::run(*args),
        Command::Merge(args) => merge::run(args, quiet),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clap's own consistency checks over every subcommand and flag.
    #[test]
    fn command_line_is_consistent() {
        command().debug_assert();
    }
}
