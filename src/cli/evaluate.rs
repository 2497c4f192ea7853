//! `pathcredit evaluate`: credit against a simulation's ground truth.

use std::path::PathBuf;

use clap::Args;

use pathcredit::csv_input::open_file;
use pathcredit::evaluate::truth::TruthColumn;
use pathcredit::evaluate::{details, table, truth};
use pathcredit::report::Format;

use crate::cli::args::{BudgetArgs, OutputArgs};
use crate::cli::flags::choice;
use crate::cli::output::{RunFiles, write_output};

/// Arguments of `evaluate`.
#[derive(Debug, Args)]
#[command(
    about = "Score credit against a simulation's ground truth (distance, rank correlation, placebo credit)",
    long_about = "Score every model of a credit file against the truth file of `pathcredit simulate`. \
        Shares are compared over the truth's paid channels (model credit renormalised over them): \
        total variation distance ½Σ|s−t|, Spearman rank correlation, the largest absolute share \
        error, and the share given to placebo channels (whose true share is 0). With --details (from \
        `attribute --details`), the held-out AUC and log-loss of models that predict conversion \
        (markov, logistic) are added. With --spend (the simulation's spend.csv), each model's \
        decision regret is added: the share of the true effect lost by following the budget plan \
        made from its credit instead of the plan made from the truth (same bounds and response as \
        `pathcredit budget`). Rows are sorted best first (lowest total variation).\n\n\
        Example:\n  pathcredit evaluate --truth sim/truth.csv --credit sim/credit.csv --format markdown"
)]
pub struct EvaluateArgs {
    /// The truth file written by `pathcredit simulate`.
    #[arg(long, value_name = "FILE")]
    truth: PathBuf,
    /// A long-format credit CSV written by `pathcredit attribute`.
    #[arg(long, value_name = "FILE")]
    credit: PathBuf,
    /// The details JSON written by `attribute --details` (adds held-out fit columns).
    #[arg(long, value_name = "FILE")]
    details: Option<PathBuf>,
    /// Truth to score against: `shapley` (the Shapley credit of the true game) or
    /// `incremental` (each channel's incremental conversions).
    #[arg(long, value_name = "COLUMN", default_value = "shapley", value_parser = choice::<TruthColumn>())]
    truth_column: TruthColumn,
    #[command(flatten)]
    budget: BudgetArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// Runs `evaluate`.
pub fn run(args: EvaluateArgs) -> anyhow::Result<()> {
    args.output.check()?;
    RunFiles::new()
        .input("--truth", Some(&args.truth))
        .input("--credit", Some(&args.credit))
        .input("--details", args.details.as_deref())
        .input("--spend", args.budget.spend.as_deref())
        .output("--out", Some(&args.output.out))
        .prepare()?;
    let params = args.budget.params()?;
    let truth_rows = truth::read_truth(
        open_file(&args.truth)?,
        &args.truth.display().to_string(),
        args.truth_column,
    )?;
    let credit = truth::read_credit(open_file(&args.credit)?, &args.credit.display().to_string())?;
    let spend = args.budget.read_spend("channel", &Default::default())?;
    let fits = match &args.details {
        Some(path) => Some(details::read_holdout(
            std::io::BufReader::new(open_file(path)?),
            &path.display().to_string(),
        )?),
        None => None,
    };
    let scores = truth::evaluate(
        &truth_rows,
        &args.truth.display().to_string(),
        &credit,
        spend.as_ref().map(|s| (s, &params)),
        fits.as_ref(),
    )?;
    for warning in truth::coverage_warnings(&truth_rows, &credit) {
        crate::cli::say!("pathcredit: {warning}");
    }
    let column = args.truth_column.to_string();
    write_output(&args.output.out, |w| match args.output.format() {
        Format::Markdown => table::write_markdown(&scores, w),
        Format::Json => table::write_json(&scores, &column, w),
        Format::Csv => table::write_csv(&scores, w),
    })
}
