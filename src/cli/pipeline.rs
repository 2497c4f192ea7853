//! The path from input flags to credit, shared by `attribute`, `report` and `validate`:
//! validate every flag, read (or build) the input, run the models, and put bootstrap
//! intervals on their credit.

use clap::Args;

use pathcredit::ReadReport;
use pathcredit::evaluate::bootstrap;
use pathcredit::journeys::JourneyParams;
use pathcredit::models::{self, ModelName, ModelRun, ModelSettings};

use crate::cli::args::{BuildArgs, ChannelArgs, InputArgs, LoadedInput, ModelArgs, TransformArgs};
use crate::cli::journeys::report_build;

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

/// What a pipeline produced.
pub struct Attributed {
    /// The input as read or built.
    pub loaded: LoadedInput,
    /// What was read from each input file.
    pub inputs: Vec<ReadReport>,
    /// The model settings.
    pub settings: ModelSettings,
    /// Their results (with bootstrap intervals when asked for).
    pub runs: Vec<ModelRun>,
}

impl PipelineArgs {
    /// Runs the pipeline. `check` sees the model list before anything is fitted (to
    /// reject flags that need a model that is not running); `with_details` keeps every
    /// model's details.
    pub fn run(
        &self,
        quiet: bool,
        with_details: bool,
        check: impl FnOnce(&[ModelName]) -> anyhow::Result<()>,
    ) -> anyhow::Result<Attributed> {
        // Validate everything before reading a possibly large input.
        let direct = self.channels.names();
        let transform = self.transform.transform(&direct)?;
        let settings = self.models.settings(direct.clone(), transform)?;
        let requested = self.models.model_names()?;
        if let Some(models) = &requested {
            settings.check_models(models, self.input.kind())?;
        }
        self.input.validate()?;
        let params: JourneyParams = self.build.params(direct, self.input.read_options()?)?;

        let (loaded, inputs) = self.input.load(&params, quiet)?;
        if let LoadedInput::Built(built) = &loaded {
            report_build(built, self.build.summary_out.as_deref(), quiet)?;
        } else if !quiet {
            for report in &inputs {
                eprintln!("pathcredit: {}", report.describe());
            }
        }
        let input = loaded.as_input();
        let models: Vec<ModelName> =
            requested.unwrap_or_else(|| models::default_models(&input, &settings));
        check(&models)?;
        let mut runs = models::run(&models, &settings, &input, with_details)?;
        if self.models.bootstrap > 0 {
            let replicates = bootstrap::bootstrap(
                &models,
                &settings,
                &input,
                self.models.bootstrap,
                self.models.seed,
            )?;
            let mut credits: Vec<_> = runs.iter().map(|r| r.credit.clone()).collect();
            bootstrap::apply_intervals(&mut credits, &replicates, self.models.bootstrap);
            for (run, credit) in runs.iter_mut().zip(credits) {
                run.credit = credit;
            }
        }
        if !quiet {
            for run in &runs {
                for note in &run.credit.notes {
                    eprintln!("pathcredit: {}: {note}", run.credit.model);
                }
            }
        }
        Ok(Attributed {
            loaded,
            inputs,
            settings,
            runs,
        })
    }
}
