//! `pathcredit evaluate`: credit against a simulation's ground truth.

use std::path::PathBuf;

use clap::Args;

use pathcredit::csv_input::open_file;
use pathcredit::evaluate::{regret, table, truth};

use crate::cli::args::BudgetArgs;
use crate::cli::output::write_output;

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
    #[arg(long, value_name = "COLUMN", default_value = "shapley", value_parser = ["shapley", "incremental"])]
    truth_column: String,
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = ["csv", "markdown", "json"])]
    format: String,
    /// Output file; `-` writes to stdout.
    #[arg(long, value_name = "FILE", default_value = "-")]
    out: PathBuf,
    #[command(flatten)]
    budget: BudgetArgs,
}

/// Runs `evaluate`.
pub fn run(args: EvaluateArgs) -> anyhow::Result<()> {
    let column: truth::TruthColumn = args.truth_column.parse()?;
    let truth_rows = truth::read_truth(
        open_file(&args.truth)?,
        &args.truth.display().to_string(),
        column,
    )?;
    let credit = truth::read_credit(open_file(&args.credit)?, &args.credit.display().to_string())?;
    let params = args.budget.params()?;
    let mut scores = truth::score(&truth_rows, &credit);
    if let Some(spend) = args.budget.read_spend("channel", &Default::default())? {
        for s in &mut scores {
            s.decision_regret =
                regret::decision_regret(&truth_rows, &credit[&s.model], &spend, &params)?;
        }
    }
    if let Some(path) = &args.details {
        let details: serde_json::Value =
            serde_json::from_reader(std::io::BufReader::new(open_file(path)?))
                .map_err(|e| anyhow::anyhow!("{}: not a details JSON: {e}", path.display()))?;
        for s in &mut scores {
            let d = &details[&s.model];
            let (auc, ll) = match s.model.as_str() {
                "markov" => (&d["holdout_fit"]["auc"], &d["holdout_fit"]["log_loss"]),
                "logistic" => (&d["diagnostics"]["auc"], &d["diagnostics"]["log_loss"]),
                _ => continue,
            };
            s.holdout_auc = auc.as_f64();
            s.holdout_log_loss = ll.as_f64();
        }
    }
    write_output(&args.out, |w| match args.format.as_str() {
        "markdown" => table::write_markdown(&scores, w),
        "json" => table::write_json(&scores, &args.truth_column, w),
        _ => table::write_csv(&scores, w),
    })
}
