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
        Example:\n  pathcredit budget --credit credit.csv --spend spend.csv --model markov --max-shift 0.25 --out plan.csv\n\n\
        --response fitted measures each channel's response from a spend series instead: from the \
        logs (--events with --credit and --model), or, weaker, from a credit-by-period table alone \
        (--credit-series)."
)]
pub struct BudgetCommandArgs {
    /// A long-format credit CSV written by `pathcredit attribute` (required, except on
    /// the aggregate route of --response fitted, --credit-series).
    #[arg(long, value_name = "FILE")]
    credit: Option<PathBuf>,
    /// The model whose credit drives the plan (a name in the credit file).
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
    /// The details JSON `attribute --details` wrote with the credit: where the model's
    /// own warnings say its credit of a channel may be too low, the plan does not cut
    /// it; too high, it does not raise it (--move-at-risk moves them anyway).
    #[arg(long, value_name = "FILE")]
    details: Option<PathBuf>,
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
    /// Identity edges (`anonymous_id,user_id`) stitching the events' devices into
    /// persons, for the frequency of exposure within a person.
    #[arg(long, value_name = "FILE", requires = "events")]
    identities: Option<PathBuf>,
    /// Without logs, the weaker aggregate route: attributed conversions per channel and
    /// period, `channel,period,conversions[,value]` (period = the date a period of the
    /// spend series starts; every period for each channel with spend, 0 written out).
    /// Each channel's curve is its credited value per period regressed on its spend per
    /// period; instead of --events, --credit and --model.
    #[arg(long, value_name = "FILE")]
    credit_series: Option<PathBuf>,
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
    if args.fitted.events.is_some()
        || args.fitted.curves.is_some()
        || args.fitted.credit_series.is_some()
    {
        anyhow::bail!(
            "--events, --credit-series and --curves belong to --response fitted (a response \
             measured from a spend series); the assumed response reads --credit and --spend only"
        );
    }
    if let Some(flag) = args.fitted.plan.given().first() {
        anyhow::bail!(
            "{flag} belongs to --response fitted (curves measured from --events or \
             --credit-series)"
        );
    }
    let (credit_path, model) = credit_and_model(&args, "budget")?;
    args.output.check()?;
    RunFiles::new()
        .input("--credit", Some(credit_path))
        .input("--spend", args.budget.spend.as_deref())
        .input("--details", args.details.as_deref())
        .output("--out", Some(&args.output.out))
        .prepare()?;
    let mut params = args.budget.params()?;
    params.at_risk = at_risk(&args, model, quiet)?;
    if args.budget.spend.is_none() {
        anyhow::bail!("--spend is required: the plan reallocates the spend in that file");
    }
    let credits = read_credits(open_file(credit_path)?, &credit_path.display().to_string())?;
    let credit = chosen_credit(&credits, credit_path, model)?;
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
    }
    for note in plan.notes.iter().filter(|n| crate::cli::shown(n, quiet)) {
        crate::cli::say!(
            "pathcredit: {}",
            crate::cli::flags::with_flags(note, "budget")
        );
    }
    let names = plan.rows.iter().map(|r| r.channel.as_str());
    for w in pathcredit::text::name_warnings(&credit_dimension, names) {
        crate::cli::say!("pathcredit: {w}");
    }
    match args.output.format() {
        Format::Json => write_json(&args.output.out, &plan),
        Format::Markdown => write_output(&args.output.out, |w| write_rows_markdown(&plan.rows, w)),
        Format::Csv => write_output(&args.output.out, |w| write_rows(&plan.rows, w)),
    }
}

/// Runs `budget --response fitted`: curves measured from the events and the spend
/// series, valued by the model's credit ([`pathcredit::decide::fitted_plan`]), or, on
/// the weaker aggregate route, fitted to a credit series and the spend series alone
/// ([`pathcredit::decide::fitted_plan::aggregate_plan`]).
fn run_fitted(args: BudgetCommandArgs, quiet: bool) -> anyhow::Result<()> {
    args.output.check()?;
    let aggregate = match (&args.fitted.events, &args.fitted.credit_series) {
        (Some(_), Some(_)) => anyhow::bail!(
            "--events and --credit-series are two routes, give one: --events (with --credit \
             and --model) counts exposures in the logs; --credit-series (alone) fits a \
             credit-by-period table, the weaker route for users without logs"
        ),
        (None, None) => anyhow::bail!(
            "--response fitted needs --events (the touches that spend buys, counted per \
             channel and period; with --credit and --model) or, without logs, \
             --credit-series (attributed conversions per channel and period: the weaker \
             aggregate route)"
        ),
        (None, Some(_)) => true,
        (Some(_), None) => false,
    };
    if aggregate && args.details.is_some() {
        anyhow::bail!(
            "--details names the model's credit at risk on the log route (--events, --credit, \
             --model); the aggregate route's credit series has no model to read"
        );
    }
    if aggregate && (args.credit.is_some() || args.model.is_some()) {
        anyhow::bail!(
            "--credit-series is the credit of the aggregate route (attributed conversions per \
             channel and period, whatever model made them): --credit and --model belong to \
             the log route (--events)"
        );
    }
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
    let credit = match aggregate {
        true => None,
        false => Some(credit_and_model(
            &args,
            "the log route of --response fitted",
        )?),
    };
    RunFiles::new()
        .input("--credit", credit.map(|c| c.0))
        .input("--spend", Some(spend_path))
        .input("--events", args.fitted.events.as_deref())
        .input("--identities", args.fitted.identities.as_deref())
        .input("--credit-series", args.fitted.credit_series.as_deref())
        .input("--details", args.details.as_deref())
        .output("--out", Some(&args.output.out))
        .output("--curves", args.fitted.curves.as_deref())
        .prepare()?;
    let mut budget = args.budget.assumed_params()?;
    if let Some((_, model)) = credit {
        budget.at_risk = at_risk(&args, model, quiet)?;
    }
    let params = args.fitted.plan.params(budget, args.fitted.seed);
    params.validate()?;
    let spend = pathcredit::csv_input::Records::csv(open_file(spend_path)?);
    let spend_name = spend_path.display().to_string();
    let plan = match (credit, &args.fitted.events, &args.fitted.credit_series) {
        (Some((credit_path, model)), Some(events), _) => {
            let credits =
                read_credits(open_file(credit_path)?, &credit_path.display().to_string())?;
            let identities_name = args
                .fitted
                .identities
                .as_ref()
                .map(|p| p.display().to_string());
            let identities = match (&args.fitted.identities, &identities_name) {
                (Some(p), Some(name)) => Some((
                    pathcredit::csv_input::Records::csv(open_file(p)?),
                    name.as_str(),
                )),
                _ => None,
            };
            pathcredit::decide::fitted_plan::fitted_plan_from(
                chosen_credit(&credits, credit_path, model)?,
                spend,
                &spend_name,
                pathcredit::csv_input::Records::csv(open_file(events)?),
                &events.display().to_string(),
                identities,
                &params,
            )?
        }
        (_, _, Some(series)) => pathcredit::decide::fitted_plan::aggregate_plan_from(
            spend,
            &spend_name,
            pathcredit::csv_input::Records::csv(open_file(series)?),
            &series.display().to_string(),
            &params,
        )?,
        _ => anyhow::bail!("--response fitted needs --events or --credit-series"),
    };
    if !quiet {
        let facts = format!(
            "{} periods of {} day(s), {} draws, {}",
            plan.periods, plan.step_days, plan.draws, plan.method
        );
        let source = match aggregate {
            false => format!("fitted response curves ({facts}) valued by {}", plan.model),
            true => format!(
                "AGGREGATE response curves (the weaker route: {facts}; fitted to the credit \
                 series alone, no logs)"
            ),
        };
        crate::cli::say!(
            "pathcredit: plan from {source}: total spend {} a period; expected {} a period \
             {} → {}; the plan beats today's allocation{} in {:.0}% of the draws",
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
    }
    for note in plan.notes.iter().filter(|n| crate::cli::shown(n, quiet)) {
        crate::cli::say!(
            "pathcredit: {}",
            crate::cli::flags::with_flags(note, "budget")
        );
    }
    let names = plan.rows.iter().map(|r| r.channel.as_str());
    for w in pathcredit::text::name_warnings("channel", names) {
        crate::cli::say!("pathcredit: {w}");
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

/// The credit risks of `model` in --details (none without it, or with --move-at-risk).
/// Without --details, a model that records its credit at risk (`self_controlled`) is
/// reminded of it, unless `quiet`.
fn at_risk(
    args: &BudgetCommandArgs,
    model: &str,
    quiet: bool,
) -> anyhow::Result<Vec<pathcredit::models::CreditRisk>> {
    let Some(path) = &args.details else {
        if model == "self_controlled" && !args.budget.move_at_risk && !quiet {
            crate::cli::say!(
                "pathcredit: {model} records which channels' credit its warnings doubt, and \
                 which way, in the details `attribute --details FILE` writes; give that file \
                 as --details and the plan will not move a channel the way its credit may be \
                 wrong"
            );
        }
        return Ok(Vec::new());
    };
    let risks = pathcredit::models::credit_risk::read_credit_risks(
        open_file(path)?,
        &path.display().to_string(),
    )?;
    Ok(args.budget.at_risk(risks.get(model)))
}

/// `--credit` and `--model`, which `what` needs.
fn credit_and_model<'a>(
    args: &'a BudgetCommandArgs,
    what: &str,
) -> anyhow::Result<(&'a std::path::Path, &'a str)> {
    match (&args.credit, &args.model) {
        (Some(c), Some(m)) => Ok((c.as_path(), m.as_str())),
        _ => anyhow::bail!(
            "{what} needs --credit (a credit file written by `pathcredit attribute`) and \
             --model (the model in it whose credit drives the plan)"
        ),
    }
}

/// The credit of `model` in the credit file `path`, or an error naming the models it
/// has.
fn chosen_credit<'a>(
    credits: &'a [pathcredit::credit::Credit],
    path: &std::path::Path,
    model: &str,
) -> anyhow::Result<&'a pathcredit::credit::Credit> {
    credits.iter().find(|c| c.model == model).ok_or_else(|| {
        let names: Vec<&str> = credits.iter().map(|c| c.model.as_str()).collect();
        anyhow::anyhow!(
            "--model {model}: not in {} (it has {})",
            path.display(),
            names.join(", ")
        )
    })
}
