//! Where and how a table is written: declared once, for every subcommand that writes
//! one (`attribute`, `evaluate`, `validate`, `budget`).

use std::path::PathBuf;

use clap::Args;

use pathcredit::report::Format;

use crate::cli::flags::choice;

/// Where and how output is written.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output file; `-` writes to stdout. Files are written whole or not at all.
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,

    /// Output format (default: from the --out extension: .csv, .json, .md; else csv).
    #[arg(long, value_name = "FORMAT", value_parser = choice::<Format>())]
    pub format: Option<Format>,
}

impl OutputArgs {
    /// The output format.
    pub fn format(&self) -> Format {
        self.format.unwrap_or_else(|| {
            Format::from_extension(&self.out.to_string_lossy()).unwrap_or_default()
        })
    }
}
