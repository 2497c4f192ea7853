//! From input flags to credit, shared by `attribute`, `report` and `validate`: map the
//! flags to a library [`RunSpec`] and run it. Every decision lives in the library.

use clap::Args;

use pathcredit::run::{Loaded, RunResult, RunSpec, run_observed, unused};
use pathcredit::{Error, ModelName, ReadReport};

use crate::cli::args::{BuildArgs, ChannelArgs, InputArgs, ModelArgs, TransformArgs};
use crate::cli::flags::with_flags;
use crate::cli::journeys::print_build;
use crate::cli::output::RunFiles;

/// The flags that say what to read and which models to run.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub models: ModelArgs,
    #[command(flatten)]
    pub channels: ChannelArgs,
    #[command(flatten)]
    pub build: BuildArgs,
    #[command(flatten)]
    pub transform: TransformArgs,
}

impl PipelineArgs {
    /// Adds the files these flags name: every input, and the build summary.
    pub fn files<'a>(&'a self, files: RunFiles<'a>) -> RunFiles<'a> {
        let input = &self.input;
        files
            .input("--paths", input.paths.as_deref())
            .input("--journeys", input.journeys.as_deref())
            .input("--events", input.events.as_deref())
            .input("--identities", input.identities.as_deref())
            .input("--transitions", input.transitions.as_deref())
            .input("--coalitions", input.coalitions.as_deref())
            .input("--lift-tests", self.models.lift_tests.as_deref())
            .output("--summary-out", self.build.summary_out.as_deref())
    }

    /// The run the flags describe (files opened, nothing read), with `bootstrap`
    /// replicates and details when `with_details`.
    pub fn spec(
        &self,
        bootstrap: usize,
        with_details: bool,
        quiet: bool,
    ) -> anyhow::Result<RunSpec<'static>> {
        let direct = self.channels.names();
        let transform = self.transform.transform(&direct);
        let settings = self.models.settings(direct.clone(), transform)?;
        let params = self.build.params(direct, self.input.read_options()?)?;
        // The journey flags are checked whatever the input, so a value out of range is
        // refused rather than silently unused.
        params.validate()?;
        // Every flag is checked, with the input's options, before the input is opened.
        let unopened = self.input.source(params.clone(), quiet, false)?;
        let mut spec = RunSpec::new(unopened)
            .settings(settings)
            .bootstrap(bootstrap, self.models.seed)
            .with_details(with_details);
        spec.models = self.models.model_names();
        spec.validate()?;
        spec.source = self.input.source(params, quiet, true)?;
        Ok(spec)
    }

    /// Runs the pipeline for the subcommand `command`: prints what was read (or the build summary) and every
    /// model's notes on stderr (only its warnings with `quiet`); `check` sees the models before any is
    /// fitted.
    pub fn run(
        &self,
        command: &str,
        quiet: bool,
        bootstrap: usize,
        with_details: bool,
        check: impl FnOnce(&[ModelName]) -> anyhow::Result<()>,
    ) -> anyhow::Result<RunResult> {
        let spec = self.spec(bootstrap, with_details, quiet)?;
        self.run_spec(spec, command, quiet, check)
    }

    /// [`PipelineArgs::run`] of a spec made by [`PipelineArgs::spec`] and then adjusted
    /// (`report` keeps the exposures for a plan from fitted response).
    pub fn run_spec(
        &self,
        spec: RunSpec<'static>,
        command: &str,
        quiet: bool,
        check: impl FnOnce(&[ModelName]) -> anyhow::Result<()>,
    ) -> anyhow::Result<RunResult> {
        let summary_out = self.build.summary_out.as_deref();
        let mut outcome = Ok(());
        let result = run_observed(spec, |data: &Loaded, inputs: &[ReadReport], models| {
            outcome = announce(data, inputs, summary_out, quiet).and_then(|()| check(models));
            // The run stops here when the check failed; the error itself is returned below.
            match &outcome {
                Ok(()) => Ok(()),
                Err(_) => Err(Error::model("pathcredit", "stopped before fitting")),
            }
        });
        outcome?;
        let mut result = result?;
        // Notes mention library parameters; on the command line they are flags.
        for run in &mut result.runs {
            for note in &mut run.credit.notes {
                *note = with_flags(note, command);
            }
        }
        for left in &mut result.left_out {
            left.reason = with_flags(&left.reason, command);
        }
        for (model, note) in result.notes() {
            if crate::cli::shown(note, quiet) {
                crate::cli::say!("pathcredit: {model}: {note}");
            }
        }
        for w in self.unused(&result) {
            crate::cli::say!("pathcredit: {}", with_flags(&w, command));
        }
        let names = result.runs.iter().flat_map(|r| r.credit.channels.iter());
        let dimension = result.settings.level.as_str();
        for w in pathcredit::text::name_warnings(dimension, names.map(|c| c.channel.as_str())) {
            crate::cli::say!("pathcredit: {w}");
        }
        Ok(result)
    }
}

impl PipelineArgs {
    /// A warning for each flag given that the run did not use: a model's flag when that
    /// model did not run, a journey-building flag or `--identities` when the input was
    /// not events.
    fn unused(&self, result: &RunResult) -> Vec<String> {
        let models: Vec<ModelName> = result.runs.iter().map(|r| r.model).collect();
        let given = crate::cli::given::given(&self.models, &self.build);
        let mut warnings = unused::unused_settings(&given, &models, &result.data);
        if self.input.identities.is_some() && !matches!(result.data, Loaded::Built(_)) {
            warnings.push(unused::identities_unused("--identities", &result.data));
        }
        warnings
    }
}

/// Prints what was read, or the build summary (and writes it with `--summary-out`).
fn announce(
    data: &Loaded,
    inputs: &[ReadReport],
    summary_out: Option<&std::path::Path>,
    quiet: bool,
) -> anyhow::Result<()> {
    if let Loaded::Built(built) = data {
        return print_build(&built.summary, summary_out, quiet);
    }
    if !quiet {
        for report in inputs {
            crate::cli::say!("pathcredit: {}", report.describe());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use pathcredit::journeys::JourneyParams;
    use pathcredit::models::ModelSettings;

    /// The command line's defaults are the library's: a front end that starts from
    /// `ModelSettings::default()` and `JourneyParams::default()` (the Python package)
    /// runs what `pathcredit attribute` runs without flags.
    #[test]
    fn flag_defaults_are_the_library_defaults() {
        let cli = crate::cli::Cli::parse_from(["pathcredit", "attribute", "--paths", "p.csv"]);
        let crate::cli::Command::Attribute(args) = cli.command else {
            panic!("attribute");
        };
        let p = &args.pipeline;
        let direct = p.channels.names();
        let settings = p
            .models
            .settings(direct.clone(), p.transform.transform(&direct))
            .unwrap();
        assert_eq!(settings, ModelSettings::default());
        let params = p.build.params(direct, Default::default()).unwrap();
        assert_eq!(params, JourneyParams::default());
        assert_eq!(p.models.seed, 42);
    }
}
