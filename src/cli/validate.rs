//! `pathcredit validate`: a rule-based report from another tool against our
//! recomputation of the same rule.

use std::path::PathBuf;

use clap::Args;

use pathcredit::csv_input::open_file;
use pathcredit::decide::{crosscheck_model, crosscheck_run, read_report};
use pathcredit::report::Format;
use pathcredit::report::numbers::percent;
use pathcredit::report::rows::write_rows;
use pathcredit::report::tables_md::write_crosscheck_markdown;
use pathcredit::{ColumnMap, ReadOptions};

use crate::cli::args::OutputArgs;
use crate::cli::flags::with_flags;
use crate::cli::output::{RunFiles, write_json, write_output};
use crate::cli::pipeline::PipelineArgs;

/// Arguments of `validate`.
#[derive(Debug, Args)]
#[command(
    about = "Check a per-channel report from another tool against pathcredit's recomputation",
    long_about = "Read a per-channel report exported from another tool (channel,conversions[,value]; \
        remap columns with --report-col), recompute the named rule-based model on your journeys (or \
        events, or path summary), and print per-channel differences, largest first, with the causes \
        worth checking (window length, identity stitching, direct handling, sessions) and which of \
        our other rule-based models comes closest. A report reproduced within 1% of its conversions \
        says so.\n\n\
        Example:\n  pathcredit validate --journeys journeys.csv --report crm_last_touch.csv --model last_touch"
)]
pub struct ValidateArgs {
    #[command(flatten)]
    pipeline: PipelineArgs,
    /// The report to check: `channel,conversions[,value]`.
    #[arg(long, value_name = "FILE")]
    report: PathBuf,
    /// Read a report column from a differently named header, e.g. --report-col channel=Source.
    #[arg(long = "report-col", value_name = "NAME=HEADER")]
    report_columns: Vec<String>,
    #[command(flatten)]
    output: OutputArgs,
    /// Exit with status 1 when the report is not reproduced within 1%.
    #[arg(long)]
    strict: bool,
}

/// Runs `validate`.
pub fn run(args: ValidateArgs, quiet: bool) -> anyhow::Result<()> {
    args.pipeline.input.refuse_aggregates("validate")?;
    args.output.check()?;
    args.pipeline
        .files(RunFiles::new())
        .input("--report", Some(&args.report))
        .output("--out", Some(&args.output.out))
        .prepare()?;
    crosscheck_model(args.pipeline.models.model_names().as_deref())?;
    let opts = ReadOptions::default().columns(ColumnMap::parse_pairs(&args.report_columns)?);
    opts.columns
        .check_known("report", &["channel", "conversions", "value"])?;
    let report_name = args.report.display().to_string();
    crate::cli::flags::remappable_by(&report_name, "--report-col");
    let report = read_report(open_file(&args.report)?, &report_name, &opts)?;
    let attributed = args.pipeline.run("validate", quiet, 0, false, |_| Ok(()))?;
    let result = crosscheck_run(&attributed, &report)?;
    if !quiet {
        crate::cli::say!(
            "pathcredit: {} {}: total difference {} of the report's conversions",
            result.model,
            if result.reproduced {
                "reproduced within 1%"
            } else {
                "NOT reproduced"
            },
            percent(result.total_abs_difference)
        );
        for cause in &result.causes {
            crate::cli::say!("pathcredit: check: {}", with_flags(cause, "validate"));
        }
    }
    let mut shown = result.clone();
    for cause in &mut shown.causes {
        *cause = with_flags(cause, "validate");
    }
    match args.output.format() {
        Format::Json => write_json(&args.output.out, &shown)?,
        Format::Markdown => {
            write_output(&args.output.out, |w| write_crosscheck_markdown(&shown, w))?
        }
        Format::Csv => write_output(&args.output.out, |w| write_rows(&shown.rows, w))?,
    }
    if args.strict && !result.reproduced {
        anyhow::bail!(
            "{}: the report is not reproduced within 1% (--strict)",
            result.model
        );
    }
    Ok(())
}
