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

    /// Checks the output before any work: an extension that names a format pathcredit
    /// does not write (`.parquet`, `.xlsx`) is an error unless `--format` says what to
    /// write. (The target itself is checked with the run's other files, by
    /// [`RunFiles::prepare`](crate::cli::output::RunFiles::prepare).)
    pub fn check(&self) -> anyhow::Result<()> {
        if self.format.is_none()
            && self.out.as_os_str() != "-"
            && let Some(ext) = self.out.extension().and_then(|e| e.to_str())
            && Format::from_extension(&self.out.to_string_lossy()).is_none()
            && !matches!(ext.to_ascii_lowercase().as_str(), "txt" | "tsv" | "out")
        {
            anyhow::bail!(
                "--out {}: pathcredit writes csv, json or markdown, not .{ext}; name the file \
                 .csv, .json or .md, or give --format",
                self.out.display()
            );
        }
        Ok(())
    }
}
