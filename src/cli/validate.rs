//! `pathcredit validate`: a rule-based report from another tool against our
//! recomputation of the same rule.

use std::path::PathBuf;

use clap::Args;

use pathcredit::csv_input::open_file;
use pathcredit::decide::{Validation, data_driven, read_report, validate};
use pathcredit::models::{self, ModelName};
use pathcredit::report::numbers::{fixed, percent};
use pathcredit::report::rows::write_rows;
use pathcredit::{ColumnMap, ReadOptions};

use crate::cli::output::{write_json, write_output};
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
        Example:\n  pathcredit validate --journeys journeys.csv --report hubspot_last_touch.csv --model last_touch"
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
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = ["csv", "markdown", "json"])]
    format: String,
    /// Output file; `-` writes to stdout.
    #[arg(long, value_name = "FILE", default_value = "-")]
    out: PathBuf,
    /// Exit with status 1 when the report is not reproduced within 1%.
    #[arg(long)]
    strict: bool,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn markdown(v: &Validation) -> String {
    let mut s = format!(
        "# Validation of {}\n\n{}: total difference {} ({} here, {} in the report).\n\n",
        v.model,
        if v.reproduced {
            "Reproduced within 1%"
        } else {
            "Not reproduced"
        },
        percent(v.total_abs_difference),
        fixed(v.ours_total, 2),
        fixed(v.theirs_total, 2)
    );
    s += "| channel | report | pathcredit | difference | difference % |\n|---|---:|---:|---:|---:|\n";
    for r in &v.rows {
        s += &format!(
            "| {} | {} | {} | {} | {} |\n",
            r.channel,
            fixed(r.theirs, 2),
            fixed(r.ours, 2),
            fixed(r.difference, 2),
            r.difference_pct.map_or_else(|| "–".into(), percent)
        );
    }
    if !v.causes.is_empty() {
        s += "\nCauses to check:\n\n";
        for c in &v.causes {
            s += &format!("* {c}\n");
        }
    }
    if !v.alternatives.is_empty() {
        s += "\nOur other rule-based models against the report:\n\n";
        for a in &v.alternatives {
            s += &format!("* {}: {}\n", a.model, percent(a.total_abs_difference));
        }
    }
    s
}

/// Runs `validate`.
pub fn run(args: ValidateArgs) -> anyhow::Result<()> {
    let requested = args.pipeline.models.model_names()?;
    let model = match requested.as_deref() {
        Some([one]) => *one,
        _ => anyhow::bail!(
            "--model: name exactly one rule-based model to validate, e.g. --model last_touch"
        ),
    };
    if data_driven(model.as_str()) {
        anyhow::bail!(
            "--model {}: validate checks rule-based reports; {} is fitted to the data",
            model.as_str(),
            model.as_str()
        );
    }
    let opts = ReadOptions::default().columns(ColumnMap::parse_pairs(&args.report_columns)?);
    opts.columns
        .check_known("report", &["channel", "conversions", "value"])?;
    let report = read_report(
        open_file(&args.report)?,
        &args.report.display().to_string(),
        &opts,
    )?;
    let attributed = args.pipeline.run(args.quiet, false, |_| Ok(()))?;
    let input = attributed.loaded.as_input();
    let rules: Vec<ModelName> = models::default_models(&input, &attributed.settings)
        .into_iter()
        .filter(|m| !data_driven(m.as_str()) && *m != model)
        .collect();
    let alternatives: Vec<_> = models::run(&rules, &attributed.settings, &input, false)?
        .into_iter()
        .map(|r| r.credit)
        .collect();
    let ours = &attributed.runs[0].credit;
    let direct = args.pipeline.channels.names();
    let result = validate(ours, &alternatives, &report, &direct);
    if !args.quiet {
        eprintln!(
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
            eprintln!("pathcredit: check: {cause}");
        }
    }
    match args.format.as_str() {
        "json" => write_json(&args.out, &result)?,
        "markdown" => write_output(&args.out, |w| {
            w.write_all(markdown(&result).as_bytes())
                .map_err(pathcredit::Error::Write)
        })?,
        _ => write_output(&args.out, |w| write_rows(&result.rows, w))?,
    }
    if args.strict && !result.reproduced {
        std::process::exit(1);
    }
    Ok(())
}
