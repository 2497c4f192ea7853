//! `pathcredit attribute`: credit per model and channel.

use clap::Args;

use pathcredit::journeys::JourneyParams;
use pathcredit::models::{self, ModelName};
use pathcredit::report::CreditReport;

use crate::cli::args::{
    BuildArgs, ChannelArgs, InputArgs, LoadedInput, ModelArgs, OutputArgs, TransformArgs,
};
use crate::cli::journeys::report_build;
use crate::cli::output::write_output;

/// Arguments of `attribute`.
#[derive(Debug, Args)]
#[command(
    about = "Credit per model and channel from journeys, a path summary or raw events",
    long_about = long_about(),
    after_help = "Bad rows stop the run with the file, line and column; --skip-bad-rows skips and counts them."
)]
pub struct AttributeArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    models: ModelArgs,
    #[command(flatten)]
    channels: ChannelArgs,
    #[command(flatten)]
    build: BuildArgs,
    #[command(flatten)]
    transform: TransformArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// The long help: what the command writes, every model with its summary, examples.
fn long_about() -> String {
    let mut text = String::from(
        "Credit per model and channel from journeys, a path summary or raw events.\n\n\
         Writes one row per model and channel: model,channel,conversions,value,share \
         (long format, sorted by model then channel). With no --model, runs every model \
         the input supports: the order-only models on a path summary; on journeys (or \
         events) also time_decay, and w_shaped/full_path when touches carry stage \
         milestones.\n\nModels:\n",
    );
    for m in ModelName::ALL {
        text += &format!("  {:<16} {}\n", m.as_str(), m.summary());
    }
    text += "\nExamples:\n  pathcredit attribute --paths data/sample/paths.csv\n  \
             pathcredit attribute --journeys data/sample/journeys.csv --model time_decay,w_shaped \
             --half-life 7d --format json --out credit.json\n  \
             pathcredit attribute --events events.csv --identities identities.csv --lookback-days 30 \
             --out credit.csv";
    text
}

/// Runs `attribute`.
pub fn run(args: AttributeArgs) -> anyhow::Result<()> {
    // Validate everything before reading a possibly large input.
    let direct = args.channels.names();
    let transform = args.transform.transform(&direct)?;
    let settings = args.models.settings(direct.clone(), transform)?;
    let requested = args.models.model_names()?;
    if let Some(models) = &requested {
        settings.check_models(models, args.input.kind())?;
    }
    let format = args.output.format()?;
    args.input.validate()?;
    let params: JourneyParams = args.build.params(direct, args.input.read_options()?)?;

    let quiet = args.output.quiet;
    let (loaded, inputs) = args.input.load(&params, quiet)?;
    if let LoadedInput::Built(built) = &loaded {
        report_build(built, args.build.summary_out.as_deref(), quiet)?;
    } else if !quiet {
        for report in &inputs {
            eprintln!("pathcredit: {}", report.describe());
        }
    }
    let input = loaded.as_input();
    let models: Vec<ModelName> =
        requested.unwrap_or_else(|| models::default_models(&input, &settings));
    let credits = models::attribute(&models, &settings, &input)?;

    if !quiet {
        for credit in &credits {
            for note in &credit.notes {
                eprintln!("pathcredit: {}: {note}", credit.model);
            }
        }
    }
    let report = CreditReport {
        dimension: settings.level.as_str().to_string(),
        inputs,
        credits,
    };
    write_output(&args.output.out, |w| format.renderer().render(&report, w))
}
