//! `pathcredit attribute`: credit per model and channel.

use clap::Args;

use pathcredit::models::{Details, FittedLogistic, MarkovDetails, ModelName};
use pathcredit::report::CreditReport;

use crate::cli::args::{BootstrapArgs, DetailsArgs, OutputArgs};
use crate::cli::output::{Outputs, RunFiles};
use crate::cli::pipeline::PipelineArgs;

/// Arguments of `attribute`.
#[derive(Debug, Args)]
#[command(
    about = "Credit per model and channel from journeys, a path summary or raw events",
    long_about = long_about(),
    after_help = "Bad rows stop the run with the file, line and column; --skip-bad-rows skips and counts them."
)]
pub struct AttributeArgs {
    #[command(flatten)]
    pub(crate) pipeline: PipelineArgs,
    #[command(flatten)]
    bootstrap: BootstrapArgs,
    #[command(flatten)]
    details: DetailsArgs,
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
        text += &format!(
            "  {:<16} {}\n",
            m.as_str(),
            crate::cli::flags::with_listed_flags(m.summary(), "attribute")
        );
    }
    text += "\nExamples:\n  pathcredit attribute --paths data/sample/paths.csv\n  \
             pathcredit attribute --journeys data/sample/journeys.csv --model time_decay,w_shaped \
             --half-life 7d --format json --out credit.json\n  \
             pathcredit attribute --events events.csv --identities identities.csv --lookback-days 30 \
             --out credit.csv";
    text
}

/// Runs `attribute`.
pub fn run(args: AttributeArgs, quiet: bool) -> anyhow::Result<()> {
    args.output.check()?;
    let files = args.pipeline.files(RunFiles::new());
    let files = args
        .details
        .files(files)
        .output("--out", Some(&args.output.out));
    files.prepare()?;
    let format = args.output.format();
    let details = &args.details;
    let result = args.pipeline.run(
        "attribute",
        quiet,
        args.bootstrap.bootstrap,
        details.any(),
        |models| details.check(models),
    )?;
    // Every output is rendered first and put in place together: all or nothing.
    let mut outputs = Outputs::new();
    if let Some(markov) = result
        .model_run(ModelName::Markov)
        .and_then(|r| r.details_as::<MarkovDetails>())
    {
        if let Some(path) = &details.markov_details {
            outputs.json(path, &markov.to_json()?)?;
        }
        if let Some(path) = &details.markov_transitions {
            outputs.write(path, |w| markov.write_transitions_csv(w))?;
        }
    }
    if let Some(fitted) = result
        .model_run(ModelName::Logistic)
        .and_then(|r| r.details_as::<FittedLogistic>())
    {
        if let Some(path) = &details.logistic_details {
            outputs.json(path, &fitted.details())?;
        }
        if let Some(path) = &details.logistic_features_out {
            outputs.write(path, |w| fitted.write_features(w))?;
        }
    }
    let all_details = result.details_json()?;
    if let Some(path) = &details.shapley_details {
        let shapley: std::collections::BTreeMap<&String, &serde_json::Value> = all_details
            .iter()
            .filter(|(m, _)| m.starts_with("shapley"))
            .collect();
        outputs.json(path, &shapley)?;
    }
    if let Some(path) = &details.details {
        outputs.json(path, &all_details)?;
    }
    let report = CreditReport {
        dimension: result.settings.level.as_str().to_string(),
        credits: result.credits(),
        inputs: result.inputs,
    };
    outputs.write(&args.output.out, |w| format.renderer().render(&report, w))?;
    outputs.commit()
}
