//! Where the data come from: a path summary, journeys, or raw events.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::Args;

use pathcredit::csv_input::open_file;
use pathcredit::journeys::{JourneyParams, PathReadOptions, PathsPreset};
use pathcredit::run::Source;
use pathcredit::{ColumnMap, ReadOptions};

use crate::cli::flags::choice;

/// Options for reading any input file.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct ReadArgs {
    /// Read a column from a differently named header, e.g. --col path=transformed_path
    /// (also written --col-path=transformed_path). Repeatable.
    #[arg(long = "col", value_name = "NAME=HEADER")]
    pub columns: Vec<String>,

    /// Skip rows with bad values and count them (reported on stderr and in JSON output)
    /// instead of stopping at the first one.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

impl ReadArgs {
    /// The reader options, with `preset` remappings under the user's own.
    pub fn options(&self, preset: ColumnMap) -> pathcredit::Result<ReadOptions> {
        let mut columns = preset;
        columns.extend(ColumnMap::parse_pairs(&self.columns)?);
        Ok(ReadOptions::default()
            .skip_bad_rows(self.skip_bad_rows)
            .columns(columns))
    }
}

/// The input of `attribute`: exactly one of a path summary, journeys or events.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
#[command(group(clap::ArgGroup::new("input").required(true).args(["paths", "journeys", "events", "transitions", "coalitions"])))]
pub struct InputArgs {
    /// Order-k transition counts (from_state,to_state,count,value), as `pathcredit sql
    /// --transitions K` has an engine count them: the markov model, exactly, without the
    /// path summary.
    #[arg(long, value_name = "FILE")]
    pub transitions: Option<PathBuf>,

    /// Journeys per set of distinct channels (channels,total_conversions,
    /// total_conversion_value,total_null; channels joined by `+`), as `pathcredit sql
    /// --coalitions` counts them: shapley (rate and simplified games), linear_unique and
    /// influenced.
    #[arg(long, value_name = "FILE")]
    pub coalitions: Option<PathBuf>,

    /// Path summary CSV: path,total_conversions,total_conversion_value,total_null
    /// (channels separated by `>`). `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub paths: Option<PathBuf>,

    /// Journeys CSV, one row per touch: journey_id,user_id,converted,conversion_value,
    /// conversion_time,touch_time,channel,campaign,content,milestone. `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub journeys: Option<PathBuf>,

    /// Raw events CSV: timestamp,user_id,event[,channel,campaign,content,value,account_id,
    /// session_id]; journeys are built from it (see "Journey building").
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,

    /// Identity edges CSV (anonymous_id,user_id) stitched into persons (with --events).
    /// `-` reads stdin (when --events does not).
    #[arg(long, value_name = "FILE", requires = "events")]
    pub identities: Option<PathBuf>,

    /// A peer's path summary export as it is: `channelattribution` and `mta`
    /// (path,total_conversions,total_conversion_value,total_null), `fractribution`
    /// (transformed_path,conversions,non_conversions,revenue), `snowplow` (the same with
    /// path_type: choose one with --path-type), `dp6` (one journey per row:
    /// channels,has_transaction,conversion_value with a True/False flag).
    #[arg(long, value_name = "PRESET", value_parser = choice::<PathsPreset>())]
    pub paths_preset: Option<PathsPreset>,

    /// Read only the rows of this path_type (a Snowplow path summary holds `channel` and
    /// `campaign` rows; a file mixing types is refused without it).
    #[arg(long, value_name = "TYPE")]
    pub path_type: Option<String>,

    /// Read an empty path as one touch of Unmatched_Channel (Fractribution's handling
    /// of a conversion with no touches) instead of refusing it.
    #[arg(long)]
    pub unmatched_channel: bool,

    /// Each row of --paths is one journey: the conversions column is a flag (true/false
    /// or 1/0) and a row without a conversion is one non-conversion; with no conversions
    /// column every row is one conversion (set by --paths-preset dp6).
    #[arg(long)]
    pub per_journey: bool,

    /// Separator between channels in a path.
    #[arg(long, value_name = "SEP", default_value = ">")]
    pub path_separator: String,

    #[command(flatten)]
    pub read: ReadArgs,
}

impl InputArgs {
    /// Fails when the input is an aggregate that only `attribute` reads.
    pub fn refuse_aggregates(&self, command: &str) -> anyhow::Result<()> {
        if self.transitions.is_some() || self.coalitions.is_some() {
            anyhow::bail!(
                "--transitions and --coalitions feed `attribute` only; `{command}` needs a path summary, journeys or events"
            );
        }
        Ok(())
    }

    /// The reader options for the named input.
    pub fn read_options(&self) -> pathcredit::Result<ReadOptions> {
        let preset = self
            .paths_preset
            .map(PathsPreset::columns)
            .unwrap_or_default();
        self.read.options(preset)
    }

    /// The library's source for the named input (files opened when `open`, nothing
    /// read yet; unopened, the readers are empty, for checking the options first);
    /// `build` gives the journey parameters for `--events`.
    pub fn source(
        &self,
        build: JourneyParams,
        quiet: bool,
        open: bool,
    ) -> anyhow::Result<Source<'static>> {
        let read = self.read_options()?;
        let open_input = |path: &Path, quiet: bool| -> anyhow::Result<(Box<dyn Read>, String)> {
            if open {
                open_input(path, quiet)
            } else {
                Ok((Box::new(std::io::empty()), path.display().to_string()))
            }
        };
        // The transitions and identities files' columns are fixed: no flag remaps them
        // (`--col` names the events' columns, and refuses `anonymous_id`).
        let open_fixed = |path: &Path, quiet: bool| -> anyhow::Result<(Box<dyn Read>, String)> {
            if open {
                open_fixed(path, quiet)
            } else {
                Ok((Box::new(std::io::empty()), path.display().to_string()))
            }
        };
        if let Some(events) = &self.events {
            let identities = match &self.identities {
                Some(path) => Some(open_fixed(path, true)?),
                None => None,
            };
            let (reader, name) = open_input(events, quiet)?;
            return Ok(Source::events(reader, name, identities, build));
        }
        if let Some(path) = &self.journeys {
            let (reader, name) = open_input(path, quiet)?;
            return Ok(Source::journeys_csv(reader, name, read));
        }
        if let Some(path) = &self.transitions {
            let (reader, name) = open_fixed(path, quiet)?;
            return Ok(Source::TransitionsRecords {
                records: pathcredit::csv_input::Records::Csv(reader),
                name,
            });
        }
        if let Some(path) = &self.coalitions {
            let (reader, name) = open_input(path, quiet)?;
            return Ok(Source::CoalitionsRecords {
                records: pathcredit::csv_input::Records::Csv(reader),
                name,
                options: read,
            });
        }
        let path = self
            .paths
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("one of --paths, --journeys or --events is required"))?;
        let (reader, name) = open_input(path, quiet)?;
        let options = PathReadOptions {
            read,
            separator: self.path_separator.clone(),
            per_journey: self.per_journey
                || self.paths_preset.is_some_and(PathsPreset::per_journey),
            path_type: self.path_type.clone(),
            unmatched_channel: self.unmatched_channel,
        };
        Ok(Source::paths_csv(reader, name, options))
    }
}

/// Files at least this large get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// Opens a main input `path` (or stdin for `-`), whose columns `--col` remaps, with its
/// display name; a large file read on a terminal gets a progress bar (not with
/// `quiet`).
pub fn open_input(path: &Path, quiet: bool) -> anyhow::Result<(Box<dyn Read>, String)> {
    let (reader, name) = open_fixed(path, quiet)?;
    crate::cli::flags::remappable_by(&name, "--col");
    Ok((reader, name))
}

/// [`open_input`] for an input whose columns no flag remaps (a missing column's
/// message then suggests no remapping).
pub fn open_fixed(path: &Path, quiet: bool) -> anyhow::Result<(Box<dyn Read>, String)> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin().lock()), "<stdin>".to_string()));
    }
    let file = open_file(path)?;
    let name = path.display().to_string();
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let reader = std::io::BufReader::with_capacity(1 << 17, file);
    if quiet || size < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return Ok((Box::new(reader), name));
    }
    let bar = indicatif::ProgressBar::new(size)
        .with_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        )
        .with_finish(indicatif::ProgressFinish::AndClear);
    bar.set_message(format!("reading {name}"));
    Ok((Box::new(bar.wrap_read(reader)), name))
}
