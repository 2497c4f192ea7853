//! `pathcredit report`: every model side by side, return on spend, a budget plan and
//! path facts, as Markdown, a self-contained HTML page, and CSV/JSON files.

use std::path::{Path, PathBuf};

use clap::Args;

use pathcredit::csv_input::{Records, open_file};
use pathcredit::decide::ResponseKind;
use pathcredit::evaluate::truth::read_scores_records;
use pathcredit::models::{MarkovDetails, ModelName};
use pathcredit::report::{
    Document, FittedInputs, REPORT_FILES, render_html, render_markdown, report_tables,
};
use pathcredit::run::matched::matched_evidence;

use crate::cli::args::{BootstrapArgs, BudgetArgs, FittedPlanArgs};
use crate::cli::flags::{choice, with_flags};
use crate::cli::output::{Outputs, RunFiles, create_dir};
use crate::cli::pipeline::PipelineArgs;

/// Arguments of `report`.
#[derive(Debug, Args)]
#[command(
    about = "A decision report: models side by side, ROI, a budget plan, path facts (Markdown, HTML, CSV)",
    long_about = "Run every model the input supports (or --model ...) and write a report: credit per \
        model and channel side by side with each data-driven model's difference from last touch; with \
        --spend, CPA and ROAS per channel and model and a budget plan (as `pathcredit budget`); with \
        --response fitted, --events and a spend series (channel,period,spend), also the plan from \
        measured response of the model the budget follows (as `pathcredit budget --response \
        fitted`), drawn per channel (fitted curve, 80% band, observed spend range, today and the \
        recommended spend) and written as fitted_budget.csv and fitted_curves.csv, the assumed \
        plan beside it labelled as an assumption; top \
        converting paths, journey length and time-to-conversion distributions; the Markov transition \
        heatmap when Markov ran; and the journey-build summary for --events. --markdown and --html \
        write one file each (the HTML page is self-contained: inline CSS and SVG, no network); \
        --out-dir writes every table as CSV and report.json (with schema_version) for notebooks.\n\n\
        Example:\n  pathcredit report --events events.csv --identities identities.csv --spend spend.csv \
        --html report.html --markdown report.md --out-dir report/"
)]
pub struct ReportArgs {
    #[command(flatten)]
    pipeline: PipelineArgs,
    #[command(flatten)]
    bootstrap: BootstrapArgs,
    #[command(flatten)]
    budget: BudgetArgs,
    #[command(flatten)]
    fitted: FittedPlanArgs,
    /// The model the budget plan follows (default: the recommended model, else the one
    /// the evidence puts first, else the first data-driven model that ran).
    #[arg(long, value_name = "MODEL", value_parser = choice::<ModelName>())]
    budget_model: Option<ModelName>,
    /// The scores `pathcredit evaluate` wrote for a simulation of your channel mix: the
    /// summary then recommends (and the budget follows) the data-driven model closest to
    /// the truth, and says how far it and last touch were from it.
    #[arg(long, value_name = "FILE")]
    accuracy: Option<PathBuf>,
    /// Without --accuracy, the report simulates worlds matched to the input (its channels,
    /// exposure rates, conversion rate, span and people, at most 20,000 a world; one world
    /// each of random exposure, targeting, an in-market ramp, long carryover), scores every
    /// model on them and recommends from that (`auto`), or recommends without such evidence
    /// (`off`).
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "off"])]
    matched: String,
    /// Write the report as Markdown (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Write the report as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write every table as CSV, and report.json, into this directory (created if needed).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

/// Runs `report`.
pub fn run(args: ReportArgs, quiet: bool) -> anyhow::Result<()> {
    args.pipeline.input.refuse_aggregates("report")?;
    if args.markdown.is_none() && args.html.is_none() && args.out_dir.is_none() {
        anyhow::bail!("nothing to write: give --markdown FILE, --html FILE and/or --out-dir DIR");
    }
    args.pipeline
        .files(RunFiles::new())
        .input("--spend", args.budget.spend.as_deref())
        .input("--accuracy", args.accuracy.as_deref())
        .output("--markdown", args.markdown.as_deref())
        .output("--html", args.html.as_deref())
        .output_dir("--out-dir", args.out_dir.as_deref(), &REPORT_FILES)
        .prepare()?;
    let fitted = args.budget.response == ResponseKind::Fitted;
    check_fitted_flags(&args, fitted)?;
    let params = args.budget.assumed_params()?;
    let read = args.pipeline.input.read_options()?;
    let accuracy = match &args.accuracy {
        Some(path) => Some(read_scores_records(
            Records::csv(open_file(path)?),
            &path.display().to_string(),
        )?),
        None => None,
    };
    let series = if fitted {
        args.budget
            .read_spend_series(&read, args.pipeline.models.level.as_str())?
    } else {
        None
    };
    let fitted_params = args
        .fitted
        .params(params.clone(), args.pipeline.models.seed);
    let mut spec = args.pipeline.spec(args.bootstrap.bootstrap, true, quiet)?;
    if fitted {
        spec = spec.keep_exposures();
    }
    let result = args.pipeline.run_spec(spec, "report", quiet, |_| Ok(()))?;
    let dimension = result.settings.level.as_str().to_string();
    let spend = args.budget.read_spend(&dimension, &read)?;
    let matched = if accuracy.is_none() && args.matched == "auto" {
        let direct = args.pipeline.channels.names();
        let journey_params = args.pipeline.build.params(direct.clone(), read.clone())?;
        if !quiet {
            crate::cli::say!(
                "pathcredit: scoring every model on worlds simulated to match the input"
            );
        }
        matched_evidence(&result, &journey_params, &direct, args.pipeline.models.seed)?
    } else {
        None
    };
    let mut doc = Document::for_run(
        &result,
        spend.as_ref(),
        &params,
        args.budget_model,
        accuracy.as_ref(),
        matched.as_ref(),
        series.as_ref().map(|series| FittedInputs {
            series,
            params: &fitted_params,
        }),
    )?;
    // The summary mentions library parameters; on the command line they are flags.
    for text in doc
        .summary
        .why
        .iter_mut()
        .chain(&mut doc.summary.what_would_change)
    {
        *text = with_flags(text, "report");
    }
    if let Some(plan) = &mut doc.fitted_budget {
        for note in &mut plan.notes {
            *note = with_flags(note, "report");
        }
        if !quiet {
            crate::cli::say!(
                "pathcredit: budget from fitted response curves ({} periods of {} day(s), {} \
                 draws) valued by {}: the plan beats today's allocation in {:.0}% of the draws",
                plan.periods,
                plan.step_days,
                plan.draws,
                plan.model,
                100.0 * plan.prob_beats_today
            );
        }
    }
    let credits = result.credits();
    let markov = result
        .model_run(ModelName::Markov)
        .and_then(|r| r.details_as::<MarkovDetails>());
    // Every output is rendered first and put in place together: all or nothing.
    let mut outputs = Outputs::new();
    if let Some(path) = &args.markdown {
        outputs.write(path, |w| render_markdown(&doc, w))?;
    }
    if let Some(path) = &args.html {
        outputs.write(path, |w| render_html(&doc, w))?;
    }
    if let Some(dir) = &args.out_dir {
        write_tables(&mut outputs, dir, &doc, &result.inputs, credits, markov)?;
    }
    outputs.commit()
}

/// Refuses a fitted response without what it measures from (events, a spend series
/// over every period), and the fitted response's flags without it.
fn check_fitted_flags(args: &ReportArgs, fitted: bool) -> anyhow::Result<()> {
    if !fitted {
        if let Some(flag) = args.fitted.given().first() {
            anyhow::bail!("{flag} belongs to --response fitted (curves measured from --events)");
        }
        return Ok(());
    }
    if args.pipeline.input.events.is_none() {
        anyhow::bail!(
            "--response fitted needs --events (the touches that spend buys, counted per \
             channel and period), not a path summary or journeys"
        );
    }
    if args.budget.spend.is_none() {
        anyhow::bail!(
            "--response fitted needs --spend with a `period` column (channel,period,spend: \
             spend per channel and day or week)"
        );
    }
    if args.budget.period.is_some() {
        anyhow::bail!(
            "--period picks one period of an assumed-response plan; --response fitted uses \
             every period (--current-periods K sets today's spend from the last K)"
        );
    }
    Ok(())
}

/// Writes every table of the report as CSV, and the whole document as JSON
/// ([`report_tables`]: names that would read as formulas are quoted in the tables).
fn write_tables(
    outputs: &mut Outputs,
    dir: &Path,
    doc: &Document,
    inputs: &[pathcredit::ReadReport],
    credits: Vec<pathcredit::Credit>,
    markov: Option<&pathcredit::models::MarkovDetails>,
) -> anyhow::Result<()> {
    create_dir(dir)?;
    for (name, bytes) in report_tables(doc, inputs, credits, markov)? {
        outputs.write(&dir.join(name), |w| {
            w.write_all(&bytes).map_err(pathcredit::Error::Write)
        })?;
    }
    Ok(())
}
