//! Flag groups shared by subcommands: inputs, models, output.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use pathcredit::journeys::{PathReadOptions, fractribution_columns};
use pathcredit::models::{Input, InputKind, ModelName, ModelSettings, PositionWeights};
use pathcredit::report::Format;
use pathcredit::time::{DURATION_EXPECTED, parse_duration};
use pathcredit::{ColumnMap, Error, Journeys, Level, PathTable, ReadOptions, ReadReport};

/// Rewrites `--col-NAME=HEADER` (and `--col-NAME HEADER`) into `--col NAME=HEADER`, so
/// both spellings of a column remapping work.
pub fn expand_column_flags(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut args = args.into_iter().peekable();
    while let Some(arg) = args.next() {
        let Some(rest) = arg.to_str().and_then(|s| s.strip_prefix("--col-")) else {
            out.push(arg);
            continue;
        };
        out.push("--col".into());
        if rest.contains('=') {
            out.push(rest.into());
        } else {
            let header = args.next().unwrap_or_default();
            let mut pair = OsString::from(format!("{rest}="));
            pair.push(header);
            out.push(pair);
        }
    }
    out
}

/// Where the data come from.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
#[command(group(clap::ArgGroup::new("input").required(true).args(["paths", "journeys"])))]
pub struct InputArgs {
    /// Path summary CSV: path,total_conversions,total_conversion_value,total_null
    /// (channels separated by `>`). `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub paths: Option<PathBuf>,

    /// Journeys CSV, one row per touch: journey_id,user_id,converted,conversion_value,
    /// conversion_time,touch_time,channel,campaign,content,milestone. `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub journeys: Option<PathBuf>,

    /// Read a column from a differently named header, e.g. --col path=transformed_path
    /// (also written --col-path=transformed_path). Repeatable.
    #[arg(long = "col", value_name = "NAME=HEADER")]
    pub columns: Vec<String>,

    /// Column preset for path summaries from other tools: `fractribution` reads
    /// transformed_path,conversions,non_conversions,revenue.
    #[arg(long, value_name = "PRESET", value_parser = ["fractribution"])]
    pub paths_preset: Option<String>,

    /// Separator between channels in a path.
    #[arg(long, value_name = "SEP", default_value = ">")]
    pub path_separator: String,

    /// Skip rows with bad values and count them (reported on stderr and in JSON output)
    /// instead of stopping at the first one.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

/// Data read from the input flags.
pub enum LoadedInput {
    /// A path summary.
    Paths(PathTable),
    /// Journeys.
    Journeys(Journeys),
}

impl LoadedInput {
    /// The library's view of the input.
    pub fn as_input(&self) -> Input<'_> {
        match self {
            LoadedInput::Paths(p) => Input::Paths(p),
            LoadedInput::Journeys(j) => Input::Journeys(j),
        }
    }
}

impl InputArgs {
    /// The kind of input the flags name.
    pub fn kind(&self) -> InputKind {
        if self.journeys.is_some() {
            InputKind::Journeys
        } else {
            InputKind::Paths
        }
    }

    fn read_options(&self) -> Result<ReadOptions, Error> {
        let mut columns = match self.paths_preset.as_deref() {
            Some("fractribution") => fractribution_columns(),
            _ => ColumnMap::new(),
        };
        columns.extend(ColumnMap::parse_pairs(&self.columns)?);
        Ok(ReadOptions::default()
            .skip_bad_rows(self.skip_bad_rows)
            .columns(columns))
    }

    /// Checks the flags before anything is read.
    pub fn validate(&self) -> anyhow::Result<()> {
        let read = self.read_options()?;
        match self.kind() {
            InputKind::Paths => PathReadOptions {
                read,
                separator: self.path_separator.clone(),
            }
            .validate()?,
            InputKind::Journeys => read
                .columns
                .check_known("journeys", &pathcredit::journeys::JOURNEY_COLUMNS)?,
        }
        Ok(())
    }

    /// Reads the input.
    pub fn load(&self) -> anyhow::Result<(LoadedInput, ReadReport)> {
        let read = self.read_options()?;
        if let Some(path) = &self.journeys {
            let (journeys, report) =
                with_input(path, |r, name| Journeys::read_csv(r, name, &read))?;
            return Ok((LoadedInput::Journeys(journeys), report));
        }
        let path = self
            .paths
            .as_ref()
            .context("one of --paths or --journeys is required")?;
        let options = PathReadOptions {
            read,
            separator: self.path_separator.clone(),
        };
        let (paths, report) = with_input(path, |r, name| PathTable::read_csv(r, name, &options))?;
        Ok((LoadedInput::Paths(paths), report))
    }
}

/// Opens `path` (or stdin for `-`) and hands the reader and its display name to `read`.
fn with_input<T>(
    path: &Path,
    read: impl FnOnce(&mut dyn std::io::Read, &str) -> pathcredit::Result<T>,
) -> anyhow::Result<T> {
    if path.as_os_str() == "-" {
        return Ok(read(&mut std::io::stdin().lock(), "<stdin>")?);
    }
    let file = pathcredit::csv_input::open_file(path)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    Ok(read(&mut reader, &path.display().to_string())?)
}

/// Which models run, with their parameters.
#[derive(Debug, Args)]
#[command(next_help_heading = "Models")]
pub struct ModelArgs {
    /// Models to run, comma separated (default: every model the input supports).
    /// first_touch, last_touch, last_non_direct, linear, linear_unique, position_based,
    /// custom, time_decay, w_shaped, full_path, influenced.
    #[arg(long = "model", value_name = "LIST", value_delimiter = ',')]
    pub models: Vec<String>,

    /// Credit per channel, campaign or content (campaign/content need journeys with
    /// those columns; touches without one are "(not set)").
    #[arg(long, value_name = "LEVEL", default_value = "channel", value_parser = ["channel", "campaign", "content"])]
    pub level: String,

    /// Half-life of time_decay: a number with a unit (ms, s, m, h, d, w), e.g. 7d, 36h.
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    pub half_life: String,

    /// Channel names last_non_direct treats as direct, comma separated.
    #[arg(
        long = "direct-channel",
        value_name = "NAMES",
        value_delimiter = ',',
        default_value = "direct"
    )]
    pub direct_channels: Vec<String>,

    /// First,middle,last weights of position_based (normalised to sum to 1).
    #[arg(long, value_name = "F,M,L", default_value = "0.4,0.2,0.4")]
    pub position_weights: String,

    /// First,middle,last weights of the `custom` model (enables it).
    #[arg(long, value_name = "F,M,L")]
    pub custom_weights: Option<String>,
}

impl ModelArgs {
    /// The validated settings.
    pub fn settings(&self) -> Result<ModelSettings, Error> {
        let half_life = parse_duration(&self.half_life).ok_or_else(|| {
            Error::param(
                "--half-life",
                format!("`{}`: expected {DURATION_EXPECTED}", self.half_life),
            )
        })?;
        let settings = ModelSettings {
            level: self
                .level
                .parse::<Level>()
                .map_err(|m| Error::param("--level", m))?,
            direct_channels: self
                .direct_channels
                .iter()
                .map(|s| s.trim().to_string())
                .collect(),
            position_weights: PositionWeights::parse(&self.position_weights, "--position-weights")?,
            custom_weights: self
                .custom_weights
                .as_deref()
                .map(|w| PositionWeights::parse(w, "--custom-weights"))
                .transpose()?,
            half_life,
        };
        settings.validate()?;
        Ok(settings)
    }

    /// The models named with `--model`, or `None` for the default set.
    pub fn model_names(&self) -> Result<Option<Vec<ModelName>>, Error> {
        if self.models.is_empty() {
            return Ok(None);
        }
        let names = self
            .models
            .iter()
            .filter(|m| !m.trim().is_empty())
            .map(|m| m.parse())
            .collect::<Result<Vec<ModelName>, Error>>()?;
        Ok(Some(names))
    }
}

/// Where and how output is written.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output file; `-` writes to stdout. Files are written whole or not at all.
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,

    /// Output format (default: from the --out extension, else csv).
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "json"])]
    pub format: Option<String>,

    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl OutputArgs {
    /// The output format.
    pub fn format(&self) -> Result<Format, Error> {
        match &self.format {
            Some(f) => f.parse(),
            None => Ok(Format::from_extension(&self.out.to_string_lossy()).unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_flags_are_expanded() {
        let args = [
            "pathcredit",
            "--col-path=transformed_path",
            "--col-total_null",
            "non_conversions",
            "--x",
        ];
        let out = expand_column_flags(args.iter().map(OsString::from));
        let out: Vec<&str> = out.iter().map(|s| s.to_str().unwrap()).collect();
        assert_eq!(
            out,
            [
                "pathcredit",
                "--col",
                "path=transformed_path",
                "--col",
                "total_null=non_conversions",
                "--x"
            ]
        );
    }
}
