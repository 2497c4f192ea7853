//! `pathcredit simulate`: seeded journeys with known causal channel effects.

use std::path::PathBuf;

use clap::Args;

use pathcredit::simulate::{
    HazardForm, SCENARIOS, Scenario, SimParams, write_curves, write_experiments, write_truth,
};

use crate::cli::args::values::whole;
use crate::cli::flags::choice;

use crate::cli::output::{AtomicFile, RunFiles, commit_all};

/// The files `simulate` writes into its directory.
const SIMULATED_FILES: [&str; 6] = [
    "events.csv",
    "identities.csv",
    "spend.csv",
    "truth.csv",
    "experiments.csv",
    "curves.csv",
];

/// Arguments of `simulate`.
#[derive(Debug, Args)]
#[command(
    about = "Simulate journeys with known causal channel effects (events, identities, spend, truth)",
    long_about = long_about()
)]
pub struct SimulateArgs {
    /// People to simulate (accounts with --scenario b2b).
    #[arg(long, default_value_t = 20_000, value_parser = whole::<usize>)]
    users: usize,
    /// Paid channels.
    #[arg(long, default_value_t = 8, value_parser = whole::<usize>)]
    channels: usize,
    /// Scenario preset.
    #[arg(long, default_value = "targeting", value_parser = SCENARIOS.map(|s| s.0))]
    scenario: String,
    /// Days simulated from 2026-01-01.
    #[arg(long, value_parser = whole::<u32>)]
    days: Option<u32>,
    /// Channels measured by a randomised holdout experiment (a seeded share of people
    /// never sees the channel); written to DIR/experiments.csv as lift tests.
    #[arg(long, value_name = "CHANNELS", value_delimiter = ',')]
    experiments: Vec<String>,
    /// Form of the conversion hazard: `additive` (1 + Σ lift·exposure) or
    /// `multiplicative` (Π (1 + lift)^exposure), for any scenario.
    #[arg(long, value_name = "FORM", default_value = "additive", value_parser = choice::<HazardForm>())]
    hazard: HazardForm,
    /// Share of people held out of each experiment's channel.
    #[arg(long, value_name = "SHARE", default_value_t = 0.2)]
    holdout_share: f64,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 7, value_parser = whole::<u64>)]
    seed: u64,
    /// The most memory the simulation may take, e.g. 8G; default: the memory available
    /// on this machine. A run whose day-by-day draws need more is refused up front.
    #[arg(long, value_name = "SIZE", value_parser = crate::cli::args::values::size)]
    memory_limit: Option<u64>,
    /// Directory for events.csv, identities.csv, spend.csv and truth.csv (and
    /// experiments.csv, curves.csv when written).
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
}

fn long_about() -> String {
    let mut text = String::from(
        "Simulate people (or B2B accounts) whose journeys are driven by channels with known causal \
         effects, and write DIR/events.csv, identities.csv, spend.csv and truth.csv. The truth holds \
         each paid channel's incremental conversions and its exact Shapley credit, computed by \
         common random numbers. Scenarios:\n",
    );
    for (name, what) in SCENARIOS {
        text += &format!("  {name:<10} {what}\n");
    }
    text += "\nWith --scenario spend_response (or spend_frequency), spend.csv is weekly (channel,period,spend: the week's \
             start date) and DIR/curves.csv holds each channel's true weekly response on a grid \
             of spends (channel,spend,exposures,incremental_conversions,incremental_value).\n";
    text += "\nExample:\n  pathcredit simulate --users 200000 --channels 8 --scenario targeting --seed 7 --out-dir sim/";
    text
}

/// Runs `simulate`.
pub fn run(args: SimulateArgs, quiet: bool) -> anyhow::Result<()> {
    let mut scenario = Scenario::preset(&args.scenario, args.channels)?;
    if let Some(days) = args.days {
        scenario.days = days;
    }
    scenario.holdout_share = args.holdout_share;
    scenario.hazard = args.hazard;
    for name in &args.experiments {
        scenario.experiment_on(name)?;
    }
    let params = SimParams {
        units: args.users,
        scenario,
        seed: args.seed,
        truth: pathcredit::simulate::TruthWork::default(),
    };
    params.validate()?;
    params.check_memory(args.memory_limit)?;
    RunFiles::new()
        .output_dir("--out-dir", Some(&args.out_dir), &SIMULATED_FILES)
        .prepare()?;
    let mut events = AtomicFile::create(&args.out_dir.join("events.csv"))?;
    let mut identities = AtomicFile::create(&args.out_dir.join("identities.csv"))?;
    let mut spend = AtomicFile::create(&args.out_dir.join("spend.csv"))?;
    let mut truth = AtomicFile::create(&args.out_dir.join("truth.csv"))?;
    let mut experiments = (!args.experiments.is_empty())
        .then(|| AtomicFile::create(&args.out_dir.join("experiments.csv")))
        .transpose()?;
    let mut curves = params
        .scenario
        .spend
        .is_some()
        .then(|| AtomicFile::create(&args.out_dir.join("curves.csv")))
        .transpose()?;
    let summary = params.run(events.writer(), identities.writer(), spend.writer())?;
    write_truth(&summary, truth.writer())?;
    if let Some(file) = experiments.as_mut() {
        write_experiments(&summary, file.writer())?;
    }
    if let Some(file) = curves.as_mut() {
        write_curves(&summary, file.writer())?;
    }
    commit_all(
        [events, identities, spend, truth]
            .into_iter()
            .chain(experiments)
            .chain(curves)
            .collect(),
    )?;
    if !quiet {
        crate::cli::say!(
            "pathcredit: simulated {} {} ({}): {} events, {} identity edges, {} conversions ({} without any paid channel)",
            summary.units,
            if args.scenario == "b2b" {
                "accounts"
            } else {
                "people"
            },
            args.scenario,
            summary.events,
            summary.identity_edges,
            summary.conversions,
            summary.conversions_without_paid
        );
        for t in &summary.truth {
            crate::cli::say!(
                "pathcredit:   {:<12} {:<15} incremental {:>9.1} ({:>5.1}%)  shapley {:>9.1} ({:>5.1}%)",
                t.channel,
                t.role,
                t.incremental_conversions,
                100.0 * t.incremental_share,
                t.shapley_conversions,
                100.0 * t.shapley_share
            );
        }
    }
    Ok(())
}
