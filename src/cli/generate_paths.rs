//! `pathcredit generate-paths`: a seeded synthetic path summary, for benchmarks.

use std::path::PathBuf;

use clap::Args;

use pathcredit::bench_data::PathSynth;

use crate::cli::args::values::whole;
use crate::cli::output::{RunFiles, write_output};

/// Arguments of `generate-paths`.
#[derive(Debug, Args)]
#[command(
    about = "Write a seeded synthetic path summary (for benchmarks and scale tests)",
    long_about = "Write a seeded synthetic path summary with an exact number of distinct paths \
        over channels c01..cNN. Realistic shape (short paths dominate, conversion rates of a few \
        percent), no causal meaning: use it to measure speed, not accuracy."
)]
pub struct GeneratePathsArgs {
    /// Distinct paths.
    #[arg(long, default_value_t = 10_000, value_parser = whole::<usize>)]
    rows: usize,
    /// Number of channels.
    #[arg(long, default_value_t = 10, value_parser = whole::<usize>)]
    channels: usize,
    /// Mean path length.
    #[arg(long, default_value_t = 4.0)]
    mean_len: f64,
    /// Longest path.
    #[arg(long, default_value_t = 20, value_parser = whole::<usize>)]
    max_len: usize,
    /// Mean journeys per distinct path.
    #[arg(long, default_value_t = 3.0)]
    mean_journeys: f64,
    /// Seed of the random stream.
    #[arg(long, default_value_t = 1, value_parser = whole::<u64>)]
    seed: u64,
    /// Output file (`-` for stdout).
    #[arg(long, value_name = "FILE", default_value = "-")]
    out: PathBuf,
}

/// Runs `generate-paths`.
pub fn run(args: GeneratePathsArgs) -> anyhow::Result<()> {
    RunFiles::new().output("--out", Some(&args.out)).prepare()?;
    let synth = PathSynth {
        paths: args.rows,
        channels: args.channels,
        mean_len: args.mean_len,
        max_len: args.max_len,
        mean_journeys: args.mean_journeys,
        seed: args.seed,
    };
    let table = synth.generate()?;
    write_output(&args.out, |w| table.write_csv(w))
}
