//! `pathcredit sql`: the journey build as SQL for DuckDB or Spark.

use std::path::PathBuf;

use clap::Args;

use pathcredit::csv_input::{ColumnMap, ReadOptions};
use pathcredit::sql::{Dialect, SqlSpec, TimestampKind, journeys_script};

use crate::cli::args::values::whole;
use crate::cli::args::{BuildArgs, ChannelArgs, TransformArgs};
use crate::cli::flags::choice;
use crate::cli::output::{RunFiles, write_output};

/// Arguments of `sql`.
#[derive(Debug, Args)]
#[command(
    about = "Write the journey build as SQL for DuckDB or Spark (the same path summary as `journeys`)",
    long_about = "Write SQL that builds, inside DuckDB or Spark, the path summary `pathcredit journeys` \
        builds from the same flags: identity stitching, sessions, lookback windows, several \
        conversions per person, non-converting journeys, censoring, path transforms, person or \
        account level. The engine reduces the events to the path summary (and, on request, \
        order-k transition counts and channel-set counts); `pathcredit attribute` fits the models \
        on them exactly. Tables are read under the names given; the SQL creates tables prefixed \
        --prefix and ends with the path summary as a query.\n\n\
        Example:\n  pathcredit sql --dialect spark --events-table raw.events --identities-table \
        raw.identities --lookback-days 30 --session-gap 30m --transform unique --out journeys.sql"
)]
pub struct SqlArgs {
    /// The engine: duckdb or spark.
    #[arg(long, value_name = "ENGINE", value_parser = choice::<Dialect>())]
    dialect: Dialect,

    /// The events table (timestamp, user_id, event[, channel, value, session_id,
    /// account_id]: optional columns are read when present).
    #[arg(
        long,
        value_name = "TABLE",
        default_value = "events",
        help_heading = "Tables"
    )]
    events_table: String,

    /// The identity edges table (anonymous_id, user_id).
    #[arg(long, value_name = "TABLE", help_heading = "Tables")]
    identities_table: Option<String>,

    /// Read a column from a differently named one, e.g. --col timestamp=event_time.
    #[arg(long = "col", value_name = "NAME=HEADER", help_heading = "Tables")]
    columns: Vec<String>,

    /// How the events table holds time: `auto` (every form `journeys` reads, row by row:
    /// typed timestamps, epoch seconds or milliseconds as integers or text, RFC 3339
    /// text), `timestamp` (a timestamp type, UTC), `epoch` (integer seconds or
    /// milliseconds) or `epoch_micros` (integer microseconds, as GA4's export; the
    /// default with --events-preset ga4).
    #[arg(long, value_name = "KIND", default_value = "auto", value_parser = choice::<TimestampKind>(), help_heading = "Tables")]
    timestamps: TimestampKind,

    /// Ignore the value column (every conversion is worth 0). Without this flag it is
    /// read when the table has one, and a table without it reads as 0.
    #[arg(long, help_heading = "Tables")]
    no_value: bool,

    /// Ignore the session_id column (sessions cut by the gap alone). Without this flag
    /// it is read when the table has one, as `journeys` does.
    #[arg(long, help_heading = "Tables", conflicts_with = "session_id")]
    no_session_id: bool,

    /// Read the session_id column when the table has one: the default (kept so older
    /// command lines run).
    #[arg(long, hide = true)]
    session_id: bool,

    /// Prefix of every table the SQL creates.
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "pc_",
        help_heading = "Tables"
    )]
    prefix: String,

    /// Rounds of identity stitching (label propagation with pointer jumping); the SQL
    /// fails if they were not enough.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = whole::<usize>)]
    stitch_rounds: usize,

    /// Also count order-K transitions (<prefix>transitions), for `attribute --transitions`.
    #[arg(long, value_name = "K", value_parser = whole::<usize>)]
    transitions: Option<usize>,

    /// Also count journeys per channel set (<prefix>coalitions), for `attribute --coalitions`.
    #[arg(long)]
    coalitions: bool,

    #[command(flatten)]
    channels: ChannelArgs,
    #[command(flatten)]
    build: BuildArgs,
    #[command(flatten)]
    transform: TransformArgs,

    /// `sql`: the script, commented, statements ended by `;`. `json`: `{"dialect": …,
    /// "statements": [...]}`, each statement whole (for engines that run one at a time:
    /// never split the script's text at `;`, a name may hold one).
    #[arg(long, value_name = "FORMAT", default_value = "sql", value_parser = ["sql", "json"], help_heading = "Output")]
    format: String,

    /// Write the SQL here (`-`: stdout).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "-",
        help_heading = "Output"
    )]
    out: PathBuf,
}

/// Runs `sql`.
pub fn run(args: SqlArgs) -> anyhow::Result<()> {
    RunFiles::new().output("--out", Some(&args.out)).prepare()?;
    if args.build.summary_out.is_some() {
        anyhow::bail!(
            "--summary-out: the SQL builds no summary; the engine's row counts are its own"
        );
    }
    let direct = args.channels.names();
    let read = ReadOptions::default().columns(ColumnMap::parse_pairs(&args.columns)?);
    let mut spec = SqlSpec::new(args.dialect, args.events_table.clone());
    spec.identities_table = args.identities_table.clone();
    spec.timestamps = args.timestamps;
    spec.params = args.build.params(direct.clone(), read)?;
    spec.transform = args.transform.transform(&direct);
    spec.prefix = args.prefix.clone();
    spec.stitch_rounds = args.stitch_rounds;
    spec.transitions_order = args.transitions;
    spec.coalitions = args.coalitions;
    spec.has_value = !args.no_value;
    spec.has_session_id = !args.no_session_id;
    let script = journeys_script(&spec)?;
    let text = if args.format == "json" {
        let doc = serde_json::json!({
            "dialect": args.dialect.to_string(),
            "statements": script.statements(),
        });
        let mut text = serde_json::to_string_pretty(&doc)?;
        text.push('\n');
        text
    } else {
        script.text()
    };
    write_output(&args.out, |w| {
        w.write_all(text.as_bytes())
            .map_err(pathcredit::Error::Write)
    })
}
