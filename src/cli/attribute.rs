//! `pathcredit attribute`: credit per model and channel.

use clap::Args;

use pathcredit::models::{MarkovDetails, ModelDetails, ModelName};
use pathcredit::report::CreditReport;

use crate::cli::args::{ModelArgs, OutputArgs};
use crate::cli::output::{write_json, write_output};
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
    pipeline: PipelineArgs,
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
    let format = args.output.format()?;
    let quiet = args.output.quiet;
    let model_args = &args.pipeline.models;
    let want_markov =
        model_args.markov_details.is_some() || model_args.markov_transitions.is_some();
    let want_shapley = model_args.shapley_details.is_some();
    let want_logistic =
        model_args.logistic_details.is_some() || model_args.logistic_features_out.is_some();
    let want_all = model_args.details.is_some();
    let attributed = args.pipeline.run(
        quiet,
        want_markov || want_shapley || want_logistic || want_all,
        |models| {
            if want_markov && !models.contains(&ModelName::Markov) {
                anyhow::bail!(
                    "--markov-details and --markov-transitions need the markov model (--model markov)"
                );
            }
            if want_shapley
                && !models
                    .iter()
                    .any(|m| matches!(m, ModelName::Shapley | ModelName::ShapleyOrdered))
            {
                anyhow::bail!(
                    "--shapley-details needs the shapley or shapley_ordered model (--model shapley)"
                );
            }
            if want_logistic && !models.contains(&ModelName::Logistic) {
                anyhow::bail!(
                    "--logistic-details and --logistic-features-out need the logistic model (--model logistic)"
                );
            }
            Ok(())
        },
    )?;
    let args_models = &args.pipeline.models;
    let runs = attributed.runs;
    // Every model's details as JSON, keyed by model (for --details), and the per-model files.
    let mut all_details = serde_json::Map::new();
    for run in &runs {
        let value = match &run.details {
            Some(ModelDetails::Markov(details)) => {
                write_markov_details(details, args_models)?;
                serde_json::to_value(details)?
            }
            Some(ModelDetails::Shapley(details)) => serde_json::to_value(details)?,
            Some(ModelDetails::ShapleyOrdered { positions }) => {
                serde_json::json!({ "positions": positions })
            }
            Some(ModelDetails::Logistic(fitted)) => {
                let details = fitted.details();
                if let Some(path) = &args_models.logistic_details {
                    write_json(path, &details)?;
                }
                if let Some(path) = &args_models.logistic_features_out {
                    write_output(path, |w| fitted.write_features(w))?;
                }
                serde_json::to_value(details)?
            }
            None => continue,
        };
        all_details.insert(run.credit.model.clone(), value);
    }
    if let Some(path) = &args_models.shapley_details {
        let shapley: serde_json::Map<String, serde_json::Value> = all_details
            .iter()
            .filter(|(m, _)| m.starts_with("shapley"))
            .map(|(m, v)| (m.clone(), v.clone()))
            .collect();
        write_json(path, &shapley)?;
    }
    if let Some(path) = &args_models.details {
        write_json(path, &all_details)?;
    }
    let credits: Vec<_> = runs.into_iter().map(|r| r.credit).collect();
    let report = CreditReport {
        dimension: attributed.settings.level.as_str().to_string(),
        inputs: attributed.inputs,
        credits,
    };
    write_output(&args.output.out, |w| format.renderer().render(&report, w))
}

/// Writes `--markov-details` (JSON) and `--markov-transitions` (CSV).
fn write_markov_details(details: &MarkovDetails, args: &ModelArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.markov_details {
        write_json(path, details)?;
    }
    if let Some(path) = &args.markov_transitions {
        write_output(path, |w| {
            let mut csv = csv::Writer::from_writer(w);
            let err = |e: csv::Error| pathcredit::Error::Write(std::io::Error::other(e));
            csv.write_record(["from", "to", "count", "probability"])
                .map_err(err)?;
            for t in &details.transitions {
                csv.write_record([
                    t.from.as_str(),
                    t.to.as_str(),
                    &pathcredit::journeys::format_exact(t.count),
                    &format!("{:.12}", t.probability),
                ])
                .map_err(err)?;
            }
            csv.flush().map_err(pathcredit::Error::Write)
        })?;
    }
    Ok(())
}
