//! `pathcredit generate-events`: a seeded synthetic event log, for benchmarks.

use std::path::PathBuf;

use clap::Args;

use pathcredit::bench_data::EventSynth;

use crate::cli::args::values::whole;
use crate::cli::output::{AtomicFile, RunFiles, commit_all};

/// Arguments of `generate-events`.
#[derive(Debug, Args)]
#[command(
    about = "Write a seeded synthetic event log and identity edges (for benchmarks and scale tests)",
    long_about = "Write DIR/events.csv (timestamp,user_id,event,channel,campaign,content,value; rows \
        shuffled) and DIR/identities.csv (anonymous_id,user_id). People browse on one to three \
        devices, a share of them log in, and conversions follow touches with channel-dependent \
        probabilities. Realistic shape, no causal meaning: use it to measure speed. About 8.5 \
        events per person with the defaults."
)]
pub struct GenerateEventsArgs {
    /// People.
    #[arg(long, default_value_t = 10_000, value_parser = whole::<usize>)]
    persons: usize,
    /// Channels.
    #[arg(long, default_value_t = 10, value_parser = whole::<usize>)]
    channels: usize,
    /// Mean touches per person.
    #[arg(long, default_value_t = 8.0)]
    mean_touches: f64,
    /// Days the log spans from 2026-01-01.
    #[arg(long, default_value_t = 120, value_parser = whole::<u32>)]
    days: u32,
    /// Share of people who log in.
    #[arg(long, default_value_t = 0.6)]
    login_rate: f64,
    /// Seed of the random stream.
    #[arg(long, default_value_t = 1, value_parser = whole::<u64>)]
    seed: u64,
    /// Directory for events.csv and identities.csv (created if missing).
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
}

/// Runs `generate-events`.
pub fn run(args: GenerateEventsArgs) -> anyhow::Result<()> {
    let synth = EventSynth {
        persons: args.persons,
        channels: args.channels,
        mean_touches: args.mean_touches,
        days: args.days,
        login_rate: args.login_rate,
        seed: args.seed,
    };
    synth.validate()?;
    RunFiles::new()
        .output_dir(
            "--out-dir",
            Some(&args.out_dir),
            &["events.csv", "identities.csv"],
        )
        .prepare()?;
    let mut events = AtomicFile::create(&args.out_dir.join("events.csv"))?;
    let mut identities = AtomicFile::create(&args.out_dir.join("identities.csv"))?;
    let counts = synth.write(events.writer(), identities.writer())?;
    commit_all(vec![events, identities])?;
    crate::cli::say!(
        "pathcredit: wrote {} events ({} touches, {} conversions) and {} identity edges to {}",
        counts.events,
        counts.touches,
        counts.conversions,
        counts.identity_edges,
        args.out_dir.display()
    );
    Ok(())
}
