//! `pathcredit journeys`: raw events → journeys file and path summary.

use std::path::{Path, PathBuf};

use clap::Args;

use pathcredit::journeys::{BuiltJourneys, build_journeys};

use crate::cli::args::{BuildArgs, ChannelArgs, ReadArgs, TransformArgs, open_input};
use crate::cli::output::{Outputs, write_json, write_output};

/// Arguments of `journeys`.
#[derive(Debug, Args)]
#[command(
    about = "Build converting and non-converting journeys from raw events",
    long_about = "Build journeys from raw touchpoint and conversion events.\n\n\
        Identities are stitched into persons (union-find over anonymous_id,user_id edges), \
        touches are grouped into sessions, and each conversion closes a journey holding the \
        person's touches since the previous conversion inside the lookback window. The \
        touches after a person's last conversion form a non-converting journey, unless its \
        last touch is within the censoring horizon of the end of the data. A summary on \
        stderr counts every event that was not used, by reason.\n\n\
        Example:\n  pathcredit journeys --events events.csv --identities identities.csv \
        --lookback-days 90 --session-gap 30m --journeys-out journeys.csv --paths-out paths.csv"
)]
pub struct JourneysArgs {
    /// Raw events CSV: timestamp,user_id,event[,channel,campaign,content,value,account_id,session_id].
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    events: PathBuf,

    /// Identity edges CSV: anonymous_id,user_id.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    identities: Option<PathBuf>,

    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    channels: ChannelArgs,
    #[command(flatten)]
    build: BuildArgs,
    #[command(flatten)]
    transform: TransformArgs,

    /// Write the journeys file (one row per touch). Without any output flag, the
    /// journeys go to stdout.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    journeys_out: Option<PathBuf>,

    /// Write the path summary (after the path transforms).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    paths_out: Option<PathBuf>,

    /// Separator between channels in the written path summary (a channel whose name
    /// contains it is an error: the summary could not be read back).
    #[arg(long, value_name = "SEP", default_value = ">", help_heading = "Output")]
    path_separator: String,

    /// Write the resolved identities (id,person_id,resolution).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    identities_out: Option<PathBuf>,
}

/// Runs `journeys`.
pub fn run(args: JourneysArgs, quiet: bool) -> anyhow::Result<()> {
    crate::cli::output::prepare(
        [
            &args.journeys_out,
            &args.paths_out,
            &args.identities_out,
            &args.build.summary_out,
        ]
        .into_iter()
        .flatten()
        .map(|p| p.as_path()),
    )?;
    let direct = args.channels.names();
    let transform = args.transform.transform(&direct);
    let params = args
        .build
        .params(direct, args.read.options(Default::default())?);
    // The journey parameters are checked by `build_journeys`, before it reads a byte.
    transform.validate()?;
    let (mut events, events_name) = open_input(&args.events, quiet)?;
    let built = match &args.identities {
        Some(path) => {
            let (mut ids, ids_name) = open_input(path, true)?;
            build_journeys(
                &mut events,
                &events_name,
                Some((&mut ids, &ids_name)),
                &params,
            )?
        }
        None => build_journeys(&mut events, &events_name, None, &params)?,
    };
    print_build(&built, args.build.summary_out.as_deref(), quiet)?;

    let journeys_out = match (&args.journeys_out, &args.paths_out, &args.identities_out) {
        (None, None, None) => Some(PathBuf::from("-")),
        (j, _, _) => j.clone(),
    };
    // One output streams (stdout may carry a whole journeys file); several are
    // rendered first and put in place together: all or nothing.
    let mut outputs = Outputs::new();
    let targets = [&journeys_out, &args.paths_out, &args.identities_out];
    if targets.iter().filter(|t| t.is_some()).count() == 1
        && let Some(path) = &journeys_out
    {
        return write_output(path, |w| built.journeys.write_csv(w));
    }
    if let Some(path) = &journeys_out {
        outputs.write(path, |w| built.journeys.write_csv(w))?;
    }
    if let Some(path) = &args.paths_out {
        let (paths, emptied) = transform.apply(&built.journeys.path_table())?;
        if emptied.rows > 0 && !quiet {
            eprintln!(
                "pathcredit: path transforms emptied {} paths ({} conversions, {} nulls); they are not in {}",
                emptied.rows,
                emptied.conversions,
                emptied.nulls,
                path.display()
            );
        }
        outputs.write(path, |w| paths.write_csv_separated(w, &args.path_separator))?;
    }
    if let Some(path) = &args.identities_out {
        outputs.write(path, |w| built.write_identities(w))?;
    }
    outputs.commit()
}

/// Prints the build summary on stderr and writes it as JSON when asked.
pub fn print_build(
    built: &BuiltJourneys,
    summary_out: Option<&Path>,
    quiet: bool,
) -> anyhow::Result<()> {
    if !quiet {
        for line in built.summary.describe().lines() {
            eprintln!("pathcredit: {line}");
        }
    }
    if let Some(path) = summary_out {
        write_json(path, &built.summary)?;
    }
    Ok(())
}
