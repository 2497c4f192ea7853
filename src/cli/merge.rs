//! `pathcredit merge`: shards of one aggregate added up.

use std::path::PathBuf;

use clap::Args;

use pathcredit::csv_input::{Records, open_file, read_header};
use pathcredit::journeys::aggregates::{ShardSum, coalition_options, write_coalitions};
use pathcredit::journeys::{PathReadOptions, PathTable, TransitionCounts};

use crate::cli::output::{RunFiles, write_output};

/// Arguments of `merge`.
#[derive(Debug, Args)]
#[command(
    about = "Add up shards of a path summary, transition counts or coalitions",
    long_about = "Add up aggregates built on shards of the data (by an engine, per day or per \
        partition): path summaries (path,...), order-k transition counts (from_state,to_state,\
        count,value) or coalitions (channels,...), told apart by their header. The sum of the \
        shards is the aggregate of the whole: the models fitted on it give the whole's credit.\n\n\
        Example:\n  pathcredit merge shard-*.csv --out paths.csv"
)]
pub struct MergeArgs {
    /// The shards (all of one kind).
    #[arg(value_name = "FILE", required = true)]
    shards: Vec<PathBuf>,

    /// Write the sum here (`-`: stdout).
    #[arg(long, value_name = "FILE", default_value = "-")]
    out: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Paths,
    Transitions,
    Coalitions,
}

fn kind_of(path: &std::path::Path) -> anyhow::Result<Kind> {
    let header = read_header(
        open_file(path)?,
        &path.display().to_string(),
        &[
            "path,... (a path summary), from_state,to_state,... (transition counts) or channels,... (coalitions)",
        ],
    )?;
    let has = |c: &str| header.iter().any(|h| h == c);
    Ok(if has("from_state") && has("to_state") {
        Kind::Transitions
    } else if has("channels") {
        Kind::Coalitions
    } else if has("path") {
        Kind::Paths
    } else {
        anyhow::bail!(
            "{}: not a path summary (path,...), transition counts (from_state,to_state,...) or coalitions (channels,...); its header is: {}",
            path.display(),
            pathcredit::error::header_list(&header)
        )
    })
}

/// Runs `merge`.
pub fn run(args: MergeArgs, quiet: bool) -> anyhow::Result<()> {
    RunFiles::new()
        .inputs("shard", &args.shards)
        .output("--out", Some(&args.out))
        .prepare()?;
    let kind = kind_of(&args.shards[0])?;
    for shard in &args.shards[1..] {
        if kind_of(shard)? != kind {
            anyhow::bail!(
                "{}: a different kind of aggregate than {}; merge shards of one kind",
                shard.display(),
                args.shards[0].display()
            );
        }
    }
    let name = |p: &PathBuf| p.display().to_string();
    match kind {
        Kind::Transitions => {
            let mut sum = ShardSum::new();
            for shard in &args.shards {
                let (counts, _) = TransitionCounts::read_csv(open_file(shard)?, &name(shard))?;
                sum.add(&name(shard), &counts)?;
            }
            let total = sum.total();
            write_output(&args.out, |w| total.write_csv(w))?;
        }
        Kind::Paths | Kind::Coalitions => {
            let options = if kind == Kind::Paths {
                PathReadOptions::default()
            } else {
                coalition_options(Default::default())
            };
            let mut total = PathTable::default();
            for shard in &args.shards {
                let (table, _) = PathTable::read_records(
                    Records::csv(open_file(shard)?),
                    &name(shard),
                    &options,
                )?;
                total = total.merge(&table);
            }
            if !quiet {
                for w in pathcredit::text::name_warnings("channel", total.channels().names()) {
                    crate::cli::say!("pathcredit: {w}");
                }
            }
            if kind == Kind::Paths {
                write_output(&args.out, |w| total.write_csv(w))?;
            } else {
                write_output(&args.out, |w| write_coalitions(&total, w))?;
            }
        }
    }
    if !quiet {
        crate::cli::say!("pathcredit: merged {} shards", args.shards.len());
    }
    Ok(())
}
