//! `pathcredit budget`: a spend plan from one model's credit.

use std::path::PathBuf;

use clap::Args;

use pathcredit::csv_input::open_file;
use pathcredit::decide::Plan;
use pathcredit::report::numbers::fixed;
use pathcredit::report::tables_md::write_rows_markdown;
use pathcredit::report::{Format, read_credits, rows::write_rows};

use pathcredit::decide::ResponseKind;

use crate::cli::args::{BudgetArgs, FittedPlanArgs, OutputArgs};
use crate::cli::output::{RunFiles, write_json, write_output};

/// Arguments of `budget`.
#[derive(Debug, Args)]
#[command(
    about = "Reallocate spend across channels from one model's credit, keeping the total fixed",
    long_about = "Recommend a spend per channel from one model's attributed value and the current \
        spend, keeping total spend fixed exactly (to the cent), moving each channel by at most \
        --max-shift, within --floor and --cap. The default response assumes diminishing returns \
        (value ∝ spend^0.5), so the plan equalises marginal ROAS within the bounds; --response linear \
        moves money from the lowest to the highest ROAS channel. Writes \
        channel,current_spend,recommended_spend,change,change_pct,value_before,value_after,\
        marginal_roas_before,marginal_roas_after,bound.\n\n\
        Attribution ROAS is an average under one model, not the return of the next unit of spend: \
        treat the plan as a hypothesis to test.\n\n\
        Example:\n  pathcredit budget --credit credit.csv --spend spend.csv --model markov --max-shift 0.25 --out plan.csv"
)]
pub struct BudgetCommandArgs {
    /// A long-format credit CSV written by `pathcredit attribute`.
    #[arg(long, value_name = "FILE")]
    credit: PathBuf,
    /// The model whose credit drives the plan (a name in the credit file).
    #[arg(long, value_name = "MODEL")]
    model: String,
    #[command(flatten)]
    budget: BudgetArgs,
    #[command(flatten)]
    fitted: FittedArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// Flags of the fitted response (`--response fitted`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Fitted response (--response fitted)")]
struct FittedArgs {
    /// The events the credit came from: every touch per channel and period is counted
    /// as an exposure, the first factor of each channel's fitted response.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    #[command(flatten)]
    plan: FittedPlanArgs,
    /// Write each channel's curve on a spend grid with its 80% band:
    /// channel,spend,value,value_p10,value_p90,in_fitted_range.
    #[arg(long, value_name = "FILE")]
    curves: Option<PathBuf>,
    /// Seed of the draws and the fits' folds.
    #[arg(long, value_name = "N", default_value_t = 42)]
    seed: u64,
}

/// Runs `budget`.
pub fn run(args: BudgetCommandArgs, quiet: bool) -> anyhow::Result<()> {
    if args.budget.response == ResponseKind::Fitted {
        return run_fitted(args, quiet);
    }
    if args.fitted.events.is_some() || args.fitted.curves.is_some() {
        anyhow::bail!(
            "--events and --curves belong to --response fitted (a response measured from the \
             events and a spend series); the assumed response reads --credit and --spend only"
        );
    }
    if let Some(flag) = args.fitted.plan.given().first() {
        anyhow::bail!("{flag} belongs to --response fitted (curves measured from --events)");
    }
    args.output.check()?;
    RunFiles::new()
        .input("--credit", Some(&args.credit))
        .input("--spend", args.budget.spend.as_deref())
        .output("--out", Some(&args.output.out))
        .prepare()?;
    let params = args.budget.params()?;
    if args.budget.spend.is_none() {
        anyhow::bail!("--spend is required: the plan reallocates the spend in that file");
    }
    let credits = read_credits(open_file(&args.credit)?, &args.credit.display().to_string())?;
    let credit = chosen_credit(&credits, &args)?;
    let spend = args
        .budget
        .read_spend(&credit.dimension, &Default::default())?
        .expect("checked above");
    let credit_dimension = credit.dimension.clone();
    let plan = Plan::new(credit, &spend, &params)?;
    if !quiet {
        crate::cli::say!(
            "pathcredit: plan from {}: total spend {} kept; expected attributed {} {} → {}",
            plan.model,
            fixed(plan.total_spend, 2),
            plan.objective,
            fixed(plan.value_before, 2),
            fixed(plan.value_after, 2)
        );
        for note in &plan.notes {
            crate::cli::say!("pathcredit: {note}");
        }
        let names = plan.rows.iter().map(|r| r.channel.as_str());
        for w in pathcredit::text::name_warnings(&credit_dimension, names) {
            crate::cli::say!("pathcredit: {w}");
        }
    }
    match args.output.format() {
        Format::Json => write_json(&args.output.out, &plan),
        Format::Markdown => write_output(&args.output.out, |w| write_rows_markdown(&plan.rows, w)),
        Format::Csv => write_output(&args.output.out, |w| write_rows(&plan.rows, w)),
    }
}

/// Runs `budget --response fitted`: curves measured from the events and the spend
/// series, valued by the model's credit ([`pathcredit::decide::fitted_plan`]).
fn run_fitted(args: BudgetCommandArgs, quiet: bool) -> anyhow::Result<()> {
    args.output.check()?;
    let Some(events) = &args.fitted.events else {
        anyhow::bail!(
            "--response fitted needs --events (the touches that spend buys, counted per \
             channel and period)"
        );
    };
    let Some(spend_path) = &args.budget.spend else {
        anyhow::bail!(
            "--response fitted needs --spend with a `period` column (channel,period,spend: \
             spend per channel and day or week)"
        );
    };
    if args.budget.period.is_some() {
        anyhow::bail!(
            "--period picks one period of an assumed-response plan; --response fitted uses \
             every period (--current-periods K sets today's spend from the last K)"
        );
    }
    RunFiles::new()
        .input("--credit", Some(&args.credit))
        .input("--spend", Some(spend_path))
        .input("--events", Some(events))
        .output("--out", Some(&args.output.out))
        .output("--curves", args.fitted.curves.as_deref())
        .prepare()?;
    let budget = args.budget.assumed_params()?;
    let credits = read_credits(open_file(&args.credit)?, &args.credit.display().to_string())?;
    let credit = chosen_credit(&credits, &args)?;
    let params = args.fitted.plan.params(budget, args.fitted.seed);
    let plan = pathcredit::decide::fitted_plan::fitted_plan_from(
        credit,
        pathcredit::csv_input::Records::csv(open_file(spend_path)?),
        &spend_path.display().to_string(),
        pathcredit::csv_input::Records::csv(open_file(events)?),
        &events.display().to_string(),
        &params,
    )?;
    if !quiet {
        crate::cli::say!(
            "pathcredit: plan from fitted response curves ({} periods of {} day(s), {} draws, {}) \
             valued by {}: total spend {} a period; expected {} a period {} → {}; the plan \
             beats today's allocation{} in {:.0}% of the draws",
            plan.periods,
            plan.step_days,
            plan.draws,
            plan.method,
            plan.model,
            fixed(plan.total_spend, 2),
            plan.objective,
            fixed(plan.value_before, 2),
            fixed(plan.value_after, 2),
            params.target_mroas.map_or(String::new(), |m| format!(
                " (its {} less {m} per unit of spend, the target marginal return)",
                plan.objective
            )),
            100.0 * plan.prob_beats_today
        );
        for note in &plan.notes {
            crate::cli::say!("pathcredit: {note}");
        }
        let names = plan.rows.iter().map(|r| r.channel.as_str());
        for w in pathcredit::text::name_warnings("channel", names) {
            crate::cli::say!("pathcredit: {w}");
        }
    }
    if let Some(path) = &args.fitted.curves {
        write_output(path, |w| {
            pathcredit::decide::fitted_curves::write_curves(&plan, w)
        })?;
    }
    match args.output.format() {
        Format::Json => write_json(&args.output.out, &plan),
        Format::Markdown => write_output(&args.output.out, |w| write_rows_markdown(&plan.rows, w)),
        Format::Csv => write_output(&args.output.out, |w| write_rows(&plan.rows, w)),
    }
}

/// The credit of `--model` in the credit file, or an error naming the models it has.
fn chosen_credit<'a>(
    credits: &'a [pathcredit::credit::Credit],
    args: &BudgetCommandArgs,
) -> anyhow::Result<&'a pathcredit::credit::Credit> {
    credits
        .iter()
        .find(|c| c.model == args.model)
        .ok_or_else(|| {
            let names: Vec<&str> = credits.iter().map(|c| c.model.as_str()).collect();
            anyhow::anyhow!(
                "--model {}: not in {} (it has {})",
                args.model,
                args.credit.display(),
                names.join(", ")
            )
        })
}
