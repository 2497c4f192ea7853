//! `pathcredit attribute`: credit per model and channel.

use clap::Args;

use pathcredit::journeys::JourneyParams;
use pathcredit::models::{self, MarkovDetails, ModelDetails, ModelName};
use pathcredit::report::CreditReport;

use crate::cli::args::{
    BuildArgs, ChannelArgs, InputArgs, LoadedInput, ModelArgs, OutputArgs, TransformArgs,
};
use crate::cli::journeys::report_build;
use crate::cli::output::{write_json, write_output};

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
    let want_markov =
        args.models.markov_details.is_some() || args.models.markov_transitions.is_some();
    if want_markov && !models.contains(&ModelName::Markov) {
        anyhow::bail!(
            "--markov-details and --markov-transitions need the markov model (--model markov)"
        );
    }
    let want_shapley = args.models.shapley_details.is_some();
    if want_shapley
        && !models
            .iter()
            .any(|m| matches!(m, ModelName::Shapley | ModelName::ShapleyOrdered))
    {
        anyhow::bail!(
            "--shapley-details needs the shapley or shapley_ordered model (--model shapley)"
        );
    }
    let want_logistic =
        args.models.logistic_details.is_some() || args.models.logistic_features_out.is_some();
    if want_logistic && !models.contains(&ModelName::Logistic) {
        anyhow::bail!(
            "--logistic-details and --logistic-features-out need the logistic model (--model logistic)"
        );
    }
    let runs = models::run(
        &models,
        &settings,
        &input,
        want_markov || want_shapley || want_logistic,
    )?;
    let mut shapley_details = serde_json::Map::new();
    for run in &runs {
        match &run.details {
            Some(ModelDetails::Markov(details)) => write_markov_details(details, &args.models)?,
            Some(ModelDetails::Shapley(details)) => {
                shapley_details.insert(run.credit.model.clone(), serde_json::to_value(details)?);
            }
            Some(ModelDetails::ShapleyOrdered { positions }) => {
                shapley_details.insert(
                    run.credit.model.clone(),
                    serde_json::json!({ "positions": positions }),
                );
            }
            Some(ModelDetails::Logistic(fitted)) => {
                if let Some(path) = &args.models.logistic_details {
                    write_json(path, &fitted.details())?;
                }
                if let Some(path) = &args.models.logistic_features_out {
                    write_output(path, |w| fitted.write_features(w))?;
                }
            }
            None => {}
        }
    }
    if let Some(path) = &args.models.shapley_details {
        write_json(path, &shapley_details)?;
    }
    let credits: Vec<_> = runs.into_iter().map(|r| r.credit).collect();

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
