//! `pathcredit journeys`: raw events → journeys file and path summary.

use std::path::{Path, PathBuf};

use clap::Args;

use pathcredit::PathTable;
use pathcredit::journeys::{BuildSummary, PathTransform, build_journeys, build_paths};

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
    let mut identities = match &args.identities {
        Some(path) => Some(open_input(path, true)?),
        None => None,
    };
    let identities = identities
        .as_mut()
        .map(|(reader, name)| (reader as &mut dyn std::io::Read, name.as_str()));

    let journeys_out = match (&args.journeys_out, &args.paths_out, &args.identities_out) {
        (None, None, None) => Some(PathBuf::from("-")),
        (j, _, _) => j.clone(),
    };
    // One output streams (stdout may carry a whole journeys file); several are
    // rendered first and put in place together: all or nothing.
    let mut outputs = Outputs::new();
    let Some(journeys_path) = journeys_out else {
        // No journeys file wanted: the path summary is built without naming journeys.
        let built = build_paths(&mut events, &events_name, identities, &params)?;
        print_build(&built.summary, args.build.summary_out.as_deref(), quiet)?;
        if let Some(path) = &args.paths_out {
            write_paths(
                &built.paths,
                &transform,
                path,
                &args.path_separator,
                quiet,
                &mut outputs,
            )?;
        }
        if let Some(path) = &args.identities_out {
            outputs.write(path, |w| built.write_identities(w))?;
        }
        return outputs.commit();
    };
    let built = build_journeys(&mut events, &events_name, identities, &params)?;
    print_build(&built.summary, args.build.summary_out.as_deref(), quiet)?;
    if args.paths_out.is_none() && args.identities_out.is_none() {
        return write_output(&journeys_path, |w| built.journeys.write_csv(w));
    }
    outputs.write(&journeys_path, |w| built.journeys.write_csv(w))?;
    if let Some(path) = &args.paths_out {
        let paths = built.journeys.path_table();
        write_paths(
            &paths,
            &transform,
            path,
            &args.path_separator,
            quiet,
            &mut outputs,
        )?;
    }
    if let Some(path) = &args.identities_out {
        outputs.write(path, |w| built.write_identities(w))?;
    }
    outputs.commit()
}

/// Renders the path summary after the path transforms, telling on stderr how many paths
/// the transforms emptied.
fn write_paths(
    paths: &PathTable,
    transform: &PathTransform,
    path: &Path,
    separator: &str,
    quiet: bool,
    outputs: &mut Outputs,
) -> anyhow::Result<()> {
    let (paths, emptied) = transform.apply(paths)?;
    if emptied.rows > 0 && !quiet {
        eprintln!(
            "pathcredit: path transforms emptied {} paths ({} conversions, {} nulls); they are not in {}",
            emptied.rows,
            emptied.conversions,
            emptied.nulls,
            path.display()
        );
    }
    outputs.write(path, |w| paths.write_csv_separated(w, separator))
}

/// Prints the build summary on stderr and writes it as JSON when asked.
pub fn print_build(
    summary: &BuildSummary,
    summary_out: Option<&Path>,
    quiet: bool,
) -> anyhow::Result<()> {
    if !quiet {
        for line in summary.describe().lines() {
            eprintln!("pathcredit: {line}");
        }
    }
    if let Some(path) = summary_out {
        write_json(path, summary)?;
    }
    Ok(())
}
