//! `pathcredit report`: every model side by side, return on spend, a budget plan and
//! path facts, as Markdown, a self-contained HTML page, and CSV/JSON files.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use pathcredit::decide::{PathFacts, Plan, data_driven, roi::roi};
use pathcredit::models::ModelDetails;
use pathcredit::report::rows::{comparison_rows, write_rows};
use pathcredit::report::{CreditReport, Document, Format, render_html, render_markdown};

use crate::cli::args::{BudgetArgs, LoadedInput};
use crate::cli::output::{write_json, write_output};
use crate::cli::pipeline::PipelineArgs;

/// Arguments of `report`.
#[derive(Debug, Args)]
#[command(
    about = "A decision report: models side by side, ROI, a budget plan, path facts (Markdown, HTML, CSV)",
    long_about = "Run every model the input supports (or --model ...) and write a report: credit per \
        model and channel side by side with each data-driven model's difference from last touch; with \
        --spend, CPA and ROAS per channel and model and a budget plan (as `pathcredit budget`); top \
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
    budget: BudgetArgs,
    /// The model the budget plan follows (default: the first data-driven model that ran:
    /// markov, shapley, logistic; else last_touch).
    #[arg(long, value_name = "MODEL")]
    budget_model: Option<String>,
    /// Write the report as Markdown (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Write the report as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write every table as CSV, and report.json, into this directory (created if needed).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `report`.
pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    if args.markdown.is_none() && args.html.is_none() && args.out_dir.is_none() {
        anyhow::bail!("nothing to write: give --markdown FILE, --html FILE and/or --out-dir DIR");
    }
    let params = args.budget.params()?;
    let read = args.pipeline.input.read_options()?;
    let attributed = args.pipeline.run(args.quiet, true, |_| Ok(()))?;
    let dimension = attributed.settings.level.as_str().to_string();
    let spend = args.budget.read_spend(&dimension, &read)?;
    let credits: Vec<_> = attributed.runs.iter().map(|r| r.credit.clone()).collect();
    let markov = attributed.runs.iter().find_map(|r| match &r.details {
        Some(ModelDetails::Markov(d)) => Some(d.as_ref()),
        _ => None,
    });
    let (paths, journeys, build) = match &attributed.loaded {
        LoadedInput::Paths(p) => (p.clone(), None, None),
        LoadedInput::Journeys(j) => (j.path_table(), Some(j), None),
        LoadedInput::Built(b) => (
            b.journeys.path_table(),
            Some(&b.journeys),
            Some(b.summary.clone()),
        ),
    };
    let facts = PathFacts::new(&paths, journeys);
    let roi_table = spend.as_ref().map(|s| roi(&credits, s));
    let plan = match &spend {
        None => None,
        Some(s) => {
            let model = args.budget_model.clone().unwrap_or_else(|| {
                ["markov", "shapley", "logistic", "last_touch"]
                    .into_iter()
                    .find(|m| credits.iter().any(|c| c.model == *m))
                    .or_else(|| {
                        credits
                            .iter()
                            .find(|c| c.additive && !data_driven(&c.model))
                            .map(|c| c.model.as_str())
                    })
                    .unwrap_or_default()
                    .to_string()
            });
            let credit = credits
                .iter()
                .find(|c| c.model == model)
                .with_context(|| format!("--budget-model {model}: that model did not run"))?;
            Some(Plan::new(credit, s, &params)?)
        }
    };
    let doc = Document::new(
        &dimension,
        attributed.inputs.clone(),
        build,
        credits.clone(),
        facts,
        roi_table,
        plan,
        markov,
    );
    if let Some(path) = &args.markdown {
        write_output(path, |w| render_markdown(&doc, w))?;
    }
    if let Some(path) = &args.html {
        write_output(path, |w| render_html(&doc, w))?;
    }
    if let Some(dir) = &args.out_dir {
        write_tables(dir, &doc, &attributed.inputs, credits, markov)?;
    }
    Ok(())
}

/// Writes every table of the report as CSV, and the whole document as JSON.
fn write_tables(
    dir: &Path,
    doc: &Document,
    inputs: &[pathcredit::ReadReport],
    credits: Vec<pathcredit::Credit>,
    markov: Option<&pathcredit::models::MarkovDetails>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let credit = CreditReport {
        dimension: doc.dimension.clone(),
        inputs: inputs.to_vec(),
        credits,
    };
    write_output(&dir.join("credit.csv"), |w| {
        Format::Csv.renderer().render(&credit, w)
    })?;
    write_output(&dir.join("comparison.csv"), |w| {
        write_rows(&comparison_rows(doc), w)
    })?;
    write_output(&dir.join("top_paths.csv"), |w| {
        write_rows(&doc.paths.top_paths, w)
    })?;
    write_output(&dir.join("path_lengths.csv"), |w| {
        write_rows(&doc.paths.lengths, w)
    })?;
    if let Some(bins) = &doc.paths.time_to_conversion {
        write_output(&dir.join("time_to_conversion.csv"), |w| write_rows(bins, w))?;
    }
    if let Some(roi) = &doc.roi {
        write_output(&dir.join("roi.csv"), |w| write_rows(&roi.rows, w))?;
    }
    if let Some(plan) = &doc.budget {
        write_output(&dir.join("budget.csv"), |w| write_rows(&plan.rows, w))?;
    }
    if let Some(m) = markov {
        write_output(&dir.join("markov_transitions.csv"), |w| {
            write_rows(&m.transitions, w)
        })?;
    }
    write_json(&dir.join("report.json"), doc)
}
