//! `pathcredit budget`: a spend plan from one model's credit.

use std::path::PathBuf;

use clap::Args;

use pathcredit::csv_input::open_file;
use pathcredit::decide::Plan;
use pathcredit::report::numbers::fixed;
use pathcredit::report::tables_md::write_rows_markdown;
use pathcredit::report::{Format, read_credits, rows::write_rows};

use crate::cli::args::{BudgetArgs, OutputArgs};
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
    output: OutputArgs,
}

/// Runs `budget`.
pub fn run(args: BudgetCommandArgs, quiet: bool) -> anyhow::Result<()> {
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
    let Some(credit) = credits.iter().find(|c| c.model == args.model) else {
        let names: Vec<&str> = credits.iter().map(|c| c.model.as_str()).collect();
        anyhow::bail!(
            "--model {}: not in {} (it has {})",
            args.model,
            args.credit.display(),
            names.join(", ")
        );
    };
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
