//! `pathcredit journeys`: raw events → journeys file and path summary.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use clap::Args;

use pathcredit::journeys::{BuildSummary, BuiltJourneys, BuiltPaths, build_journeys, build_paths};

use crate::cli::args::{BuildArgs, ChannelArgs, ReadArgs, TransformArgs, open_fixed, open_input};
use crate::cli::output::{Outputs, RunFiles, write_json, write_output};

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
    RunFiles::new()
        .input("--events", Some(&args.events))
        .input("--identities", args.identities.as_deref())
        .output("--journeys-out", args.journeys_out.as_deref())
        .output("--paths-out", args.paths_out.as_deref())
        .output("--identities-out", args.identities_out.as_deref())
        .output("--summary-out", args.build.summary_out.as_deref())
        .prepare()?;
    let direct = args.channels.names();
    let transform = args.transform.transform(&direct);
    let params = args
        .build
        .params(direct, args.read.options(Default::default())?)?;
    // The journey parameters are checked by `build_journeys`, before it reads a byte.
    transform.validate()?;
    let (mut events, events_name) = open_input(&args.events, quiet)?;
    let mut identities = match &args.identities {
        // No flag remaps the identities' columns.
        Some(path) => Some(open_fixed(path, true)?),
        None => None,
    };
    let identities = identities
        .as_mut()
        .map(|(reader, name)| (reader as &mut dyn std::io::Read, name.as_str()));

    let journeys_out = match (&args.journeys_out, &args.paths_out, &args.identities_out) {
        (None, None, None) => Some(PathBuf::from("-")),
        (j, _, _) => j.clone(),
    };
    // Without a journeys file to write, the path summary is built without naming journeys.
    let built = match journeys_out {
        None => Built::Paths(Box::new(build_paths(
            &mut events,
            &events_name,
            identities,
            &params,
        )?)),
        Some(_) => Built::Journeys(Box::new(build_journeys(
            &mut events,
            &events_name,
            identities,
            &params,
        )?)),
    };
    let summary = match &built {
        Built::Paths(b) => &b.summary,
        Built::Journeys(b) => &b.summary,
    };
    print_build(summary, args.build.summary_out.as_deref(), quiet)?;
    let channels = match &built {
        Built::Paths(b) => b.paths.channels(),
        Built::Journeys(b) => b.journeys.channels(),
    };
    if !quiet {
        for w in pathcredit::text::name_warnings("channel", channels.names()) {
            crate::cli::say!("pathcredit: {w}");
        }
    }

    // One output streams (stdout may carry a whole journeys file); several are
    // rendered first and put in place together: all or nothing.
    let mut outputs = Outputs::new();
    if let (Some(path), Built::Journeys(b)) = (&journeys_out, &built) {
        if args.paths_out.is_none() && args.identities_out.is_none() {
            return write_output(path, |w| b.journeys.write_csv(w));
        }
        outputs.write(path, |w| b.journeys.write_csv(w))?;
    }
    if let Some(path) = &args.paths_out {
        let paths = match &built {
            Built::Paths(b) => Cow::Borrowed(&b.paths),
            Built::Journeys(b) => Cow::Owned(b.journeys.path_table()),
        };
        let (paths, emptied) = transform.apply(&paths)?;

        if emptied.rows > 0 && !quiet {
            crate::cli::say!(
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
        outputs.write(path, |w| match &built {
            Built::Paths(b) => b.write_identities(w),
            Built::Journeys(b) => b.write_identities(w),
        })?;
    }
    outputs.commit()
}

/// What `journeys` built: the journeys, or only their path summary.
enum Built {
    Paths(Box<BuiltPaths>),
    Journeys(Box<BuiltJourneys>),
}

/// Prints the build summary on stderr and writes it as JSON when asked.
pub fn print_build(
    summary: &BuildSummary,
    summary_out: Option<&Path>,
    quiet: bool,
) -> anyhow::Result<()> {
    if !quiet {
        for line in summary.describe().lines() {
            crate::cli::say!("pathcredit: {line}");
        }
    }
    if let Some(path) = summary_out {
        write_json(path, summary)?;
    }
    Ok(())
}
