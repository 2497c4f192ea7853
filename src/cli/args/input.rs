//! Where the data come from: a path summary, journeys, or raw events.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use pathcredit::csv_input::open_file;
use pathcredit::journeys::{
    BuiltJourneys, JOURNEY_COLUMNS, JourneyParams, PathReadOptions, build_journeys,
    fractribution_columns,
};
use pathcredit::models::{Input, InputKind};
use pathcredit::{ColumnMap, Journeys, PathTable, ReadOptions, ReadReport};

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
#[command(group(clap::ArgGroup::new("input").required(true).args(["paths", "journeys", "events"])))]
pub struct InputArgs {
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
    #[arg(long, value_name = "FILE", requires = "events")]
    pub identities: Option<PathBuf>,

    /// Column preset for path summaries from other tools: `fractribution` reads
    /// transformed_path,conversions,non_conversions,revenue.
    #[arg(long, value_name = "PRESET", value_parser = ["fractribution"])]
    pub paths_preset: Option<String>,

    /// Separator between channels in a path.
    #[arg(long, value_name = "SEP", default_value = ">")]
    pub path_separator: String,

    #[command(flatten)]
    pub read: ReadArgs,
}

/// Data read from the input flags.
pub enum LoadedInput {
    /// A path summary.
    Paths(PathTable),
    /// Journeys read from a file.
    Journeys(Journeys),
    /// Journeys built from events.
    Built(Box<BuiltJourneys>),
}

impl LoadedInput {
    /// The library's view of the input.
    pub fn as_input(&self) -> Input<'_> {
        match self {
            LoadedInput::Paths(p) => Input::Paths(p),
            LoadedInput::Journeys(j) => Input::Journeys(j),
            LoadedInput::Built(b) => Input::Journeys(&b.journeys),
        }
    }
}

impl InputArgs {
    /// The kind of input the flags name.
    pub fn kind(&self) -> InputKind {
        if self.paths.is_some() {
            InputKind::Paths
        } else {
            InputKind::Journeys
        }
    }

    /// The reader options for the named input.
    pub fn read_options(&self) -> pathcredit::Result<ReadOptions> {
        let preset = match self.paths_preset.as_deref() {
            Some("fractribution") => fractribution_columns(),
            _ => ColumnMap::new(),
        };
        self.read.options(preset)
    }

    /// Checks the flags before anything is read.
    pub fn validate(&self) -> anyhow::Result<()> {
        let read = self.read_options()?;
        if self.paths.is_some() {
            PathReadOptions {
                read,
                separator: self.path_separator.clone(),
            }
            .validate()?;
        } else if self.journeys.is_some() {
            read.columns.check_known("journeys", &JOURNEY_COLUMNS)?;
        }
        Ok(())
    }

    /// Reads the input; `build` gives the journey parameters for `--events`.
    pub fn load(
        &self,
        build: &JourneyParams,
        quiet: bool,
    ) -> anyhow::Result<(LoadedInput, Vec<ReadReport>)> {
        let read = self.read_options()?;
        if let Some(events) = &self.events {
            let built = load_events(events, self.identities.as_deref(), build, quiet)?;
            let reports = std::iter::once(built.summary.events_file.clone())
                .chain(built.summary.identities_file.clone())
                .collect();
            return Ok((LoadedInput::Built(Box::new(built)), reports));
        }
        if let Some(path) = &self.journeys {
            let (journeys, report) =
                with_input(path, quiet, |r, name| Journeys::read_csv(r, name, &read))?;
            return Ok((LoadedInput::Journeys(journeys), vec![report]));
        }
        let path = self
            .paths
            .as_ref()
            .context("one of --paths, --journeys or --events is required")?;
        let options = PathReadOptions {
            read,
            separator: self.path_separator.clone(),
        };
        let (paths, report) = with_input(path, quiet, |r, name| {
            PathTable::read_csv(r, name, &options)
        })?;
        Ok((LoadedInput::Paths(paths), vec![report]))
    }
}

/// Builds journeys from an events file (and identities), with a progress bar on
/// stderr for large files when stderr is a terminal.
pub fn load_events(
    events: &Path,
    identities: Option<&Path>,
    params: &JourneyParams,
    quiet: bool,
) -> anyhow::Result<BuiltJourneys> {
    let built = with_input(
        events,
        quiet,
        |events_reader, events_name| match identities {
            Some(path) => {
                let mut ids = std::io::BufReader::new(open_file(path)?);
                build_journeys(
                    events_reader,
                    events_name,
                    Some((&mut ids, &path.display().to_string())),
                    params,
                )
            }
            None => build_journeys(events_reader, events_name, None, params),
        },
    )?;
    Ok(built)
}

/// Files at least this large get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// Opens `path` (or stdin for `-`) and hands the reader and its display name to `read`.
fn with_input<T>(
    path: &Path,
    quiet: bool,
    read: impl FnOnce(&mut dyn Read, &str) -> pathcredit::Result<T>,
) -> anyhow::Result<T> {
    if path.as_os_str() == "-" {
        return Ok(read(&mut std::io::stdin().lock(), "<stdin>")?);
    }
    let file = open_file(path)?;
    let name = path.display().to_string();
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let reader = std::io::BufReader::with_capacity(1 << 17, file);
    if quiet || size < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        let mut reader = reader;
        return Ok(read(&mut reader, &name)?);
    }
    let bar = indicatif::ProgressBar::new(size).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(format!("reading {name}"));
    let mut reader = bar.wrap_read(reader);
    let result = read(&mut reader, &name);
    bar.finish_and_clear();
    Ok(result?)
}
