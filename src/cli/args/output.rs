//! Where and how credit output is written.

use std::path::PathBuf;

use clap::Args;

use pathcredit::Error;
use pathcredit::report::Format;

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
