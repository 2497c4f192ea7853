//! `pathcredit evaluate`: credit against a simulation's ground truth.

use std::path::{Path, PathBuf};

use clap::Args;

use pathcredit::csv_input::{Records, open_file};
use pathcredit::decide::fitted_plan::read_fitted_inputs;
use pathcredit::decide::{ResponseKind, read_spend_series};
use pathcredit::evaluate::decision::DecisionTruth;
use pathcredit::evaluate::true_response::read_true_curves;
use pathcredit::evaluate::truth::TruthColumn;
use pathcredit::evaluate::{details, table, truth};
use pathcredit::report::{Format, read_credits};

use crate::cli::args::{BudgetArgs, FittedPlanArgs, OutputArgs};
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
        `pathcredit budget`). With --true-curves (the simulation's curves.csv) and --spend (its \
        spend series), each model's plans are valued under the world's true response instead: \
        gain_left_assumed is the share of the available gain (the true optimum, same total and \
        bounds, against today's mean spend per period) that the assumed-response plan leaves \
        (0 = optimal, 1 = no better than today, above 1 = worse than today), and with \
        --response fitted --events the same for the plan from fitted response curves \
        (gain_left_fitted). Rows are sorted best first (lowest total variation).\n\n\
        Examples:\n  pathcredit evaluate --truth sim/truth.csv --credit sim/credit.csv --format markdown\n  \
        pathcredit evaluate --truth sim/truth.csv --credit sim/credit.csv --spend sim/spend.csv \
        --true-curves sim/curves.csv --response fitted --events sim/events.csv --max-shift 0.3"
)]
pub struct EvaluateArgs {
    /// The truth file written by `pathcredit simulate`.
    #[arg(long, value_name = "FILE")]
    truth: PathBuf,
    /// A long-format credit CSV written by `pathcredit attribute`.
    #[arg(long, value_name = "FILE")]
    credit: PathBuf,
    /// The details JSON written by `attribute --details` (adds held-out fit columns; with
    /// --true-curves each model's plans respect the channels its own warnings put at
    /// risk, as `budget --details`).
    #[arg(long, value_name = "FILE")]
    details: Option<PathBuf>,
    /// Truth to score against: `shapley` (the Shapley credit of the true game) or
    /// `incremental` (each channel's incremental conversions).
    #[arg(long, value_name = "COLUMN", default_value = "shapley", value_parser = choice::<TruthColumn>())]
    truth_column: TruthColumn,
    /// The true response curves of the simulation (`curves.csv` of `simulate --scenario
    /// spend_response`): with --spend, each model's plans are valued under them.
    #[arg(long, value_name = "FILE")]
    true_curves: Option<PathBuf>,
    #[command(flatten)]
    budget: BudgetArgs,
    #[command(flatten)]
    fitted: FittedArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// Flags of the plans from fitted response (`--response fitted`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Fitted response (--response fitted)")]
struct FittedArgs {
    /// The simulation's events: every touch per channel and period is counted as an
    /// exposure, the first factor of each channel's fitted response.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// The simulation's identity edges (`anonymous_id,user_id`), stitching devices into
    /// persons for the frequency of exposure within a person.
    #[arg(long, value_name = "FILE", requires = "events")]
    identities: Option<PathBuf>,
    #[command(flatten)]
    plan: FittedPlanArgs,
    /// Seed of the draws and the fits' folds.
    #[arg(long, value_name = "N", default_value_t = 42)]
    seed: u64,
}

/// Runs `evaluate`.
pub fn run(args: EvaluateArgs) -> anyhow::Result<()> {
    args.output.check()?;
    RunFiles::new()
        .input("--truth", Some(&args.truth))
        .input("--credit", Some(&args.credit))
        .input("--details", args.details.as_deref())
        .input("--spend", args.budget.spend.as_deref())
        .input("--true-curves", args.true_curves.as_deref())
        .input("--events", args.fitted.events.as_deref())
        .input("--identities", args.fitted.identities.as_deref())
        .output("--out", Some(&args.output.out))
        .prepare()?;
    let fitted = args.budget.response == ResponseKind::Fitted;
    if fitted && (args.true_curves.is_none() || args.fitted.events.is_none()) {
        anyhow::bail!(
            "--response fitted scores plans from fitted response curves under the true ones: \
             give --true-curves (the simulation's curves.csv), --events and --spend (its \
             spend series)"
        );
    }
    if args.fitted.events.is_some() && !fitted {
        anyhow::bail!(
            "--events belongs to --response fitted (plans from response curves fitted to the \
             events, scored under --true-curves)"
        );
    }
    if args.fitted.plan.total.is_some() || args.fitted.plan.target_mroas.is_some() {
        anyhow::bail!(
            "evaluate scores plans that keep today's total (the true optimum it measures \
             against keeps it too): drop --budget and --target-mroas"
        );
    }
    if args.true_curves.is_some() && args.budget.spend.is_none() {
        anyhow::bail!(
            "--true-curves values each model's budget plans in the truth: give --spend (the \
             simulation's spend series) too"
        );
    }
    let params = args.budget.assumed_params()?;
    let truth_rows = truth::read_truth(
        open_file(&args.truth)?,
        &args.truth.display().to_string(),
        args.truth_column,
    )?;
    let credits = read_credits(open_file(&args.credit)?, &args.credit.display().to_string())?;
    let credit = truth::conversions_by_model(&credits);
    let spend = args.budget.read_spend("channel", &Default::default())?;
    let decision = match (&args.true_curves, &args.budget.spend) {
        (Some(curves), Some(spend_path)) => Some(decision_truth(
            curves,
            spend_path,
            args.fitted.events.as_deref(),
            args.fitted.identities.as_deref(),
            args.fitted.plan.params(params.clone(), args.fitted.seed),
        )?),
        _ => None,
    };
    let fits = match &args.details {
        Some(path) => Some(details::read_holdout(
            std::io::BufReader::new(open_file(path)?),
            &path.display().to_string(),
        )?),
        None => None,
    };
    // Each model's plans in the truth respect the channels its own warnings put at risk,
    // as `budget --details` does.
    let decision = match (decision, &args.details) {
        (Some(d), Some(path)) if !args.budget.move_at_risk => Some(d.with_at_risk(
            pathcredit::models::credit_risk::read_credit_risks(
                std::io::BufReader::new(open_file(path)?),
                &path.display().to_string(),
            )?,
        )),
        (d, _) => d,
    };
    let scores = truth::evaluate(
        &truth_rows,
        &args.truth.display().to_string(),
        &credit,
        spend.as_ref().map(|s| (s, &params)),
        decision.as_ref().map(|d| (d, credits.as_slice())),
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

/// The truth a plan is valued in: the true curves, the spend series and, for fitted
/// plans, the events' exposures.
fn decision_truth(
    curves: &Path,
    spend: &Path,
    events: Option<&Path>,
    identities: Option<&Path>,
    params: pathcredit::decide::FittedPlanParams,
) -> anyhow::Result<DecisionTruth> {
    let curves = read_true_curves(
        Records::csv(open_file(curves)?),
        &curves.display().to_string(),
    )?;
    let spend_name = spend.display().to_string();
    let (series, exposures) = match events {
        Some(events) => {
            let identities_name = identities.map(|p| p.display().to_string());
            let identities = match (identities, &identities_name) {
                (Some(p), Some(name)) => Some((Records::csv(open_file(p)?), name.as_str())),
                _ => None,
            };
            let (series, exposures) = read_fitted_inputs(
                Records::csv(open_file(spend)?),
                &spend_name,
                "channel",
                Records::csv(open_file(events)?),
                &events.display().to_string(),
                identities,
            )?;
            (series, Some(exposures))
        }
        None => (
            read_spend_series(
                Records::csv(open_file(spend)?),
                &spend_name,
                "channel",
                &Default::default(),
            )?,
            None,
        ),
    };
    Ok(DecisionTruth::new(curves, series, exposures, params)?)
}
