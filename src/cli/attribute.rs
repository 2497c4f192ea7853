//! `pathcredit attribute`: credit per model and channel.

use clap::Args;

use pathcredit::models::{self, ModelName};
use pathcredit::report::CreditReport;

use crate::cli::args::{InputArgs, ModelArgs, OutputArgs};
use crate::cli::output::write_output;

/// Arguments of `attribute`.
#[derive(Debug, Args)]
#[command(
    about = "Credit per model and channel from journeys or a path summary",
    long_about = long_about(),
    after_help = "Bad rows stop the run with the file, line and column; --skip-bad-rows skips and counts them."
)]
pub struct AttributeArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    models: ModelArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// The long help: what the command writes, every model with its summary, examples.
fn long_about() -> String {
    let mut text = String::from(
        "Credit per model and channel from journeys or a path summary.\n\n\
         Writes one row per model and channel: model,channel,conversions,value,share \
         (long format, sorted by model then channel). With no --model, runs every model \
         the input supports: the order-only models on a path summary; on journeys also \
         time_decay, and w_shaped/full_path when touches carry stage milestones.\n\nModels:\n",
    );
    for m in ModelName::ALL {
        text += &format!("  {:<16} {}\n", m.as_str(), m.summary());
    }
    text += "\nExamples:\n  pathcredit attribute --paths data/sample/paths.csv\n  \
             pathcredit attribute --journeys data/sample/journeys.csv --model time_decay,w_shaped \
             --half-life 7d --format json --out credit.json";
    text
}

/// Runs `attribute`.
pub fn run(args: AttributeArgs) -> anyhow::Result<()> {
    // Validate everything before reading a possibly large input.
    let settings = args.models.settings()?;
    let requested = args.models.model_names()?;
    if let Some(models) = &requested {
        settings.check_models(models, args.input.kind())?;
    }
    let format = args.output.format()?;
    args.input.validate()?;

    let (input, read_report) = args.input.load()?;
    let input = input.as_input();
    let models: Vec<ModelName> =
        requested.unwrap_or_else(|| models::default_models(&input, &settings));
    let credits = models::attribute(&models, &settings, &input)?;

    if !args.output.quiet {
        eprintln!("pathcredit: {}", read_report.describe());
        for credit in &credits {
            for note in &credit.notes {
                eprintln!("pathcredit: {}: {note}", credit.model);
            }
        }
    }
    let report = CreditReport {
        dimension: settings.level.as_str().to_string(),
        inputs: vec![read_report],
        credits,
    };
    write_output(&args.output.out, |w| format.renderer().render(&report, w))
}
