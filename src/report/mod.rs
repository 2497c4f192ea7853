//! Renderers: one output format per file, behind one trait.
//!
//! Renderers write to any [`Write`]; they never touch the filesystem (the CLI writes
//! to a temporary file and renames it, so a failed run leaves no half-written output).

mod budget_chart;
mod colours;
mod credit_chart;
mod csv;
pub mod document;
pub mod fitted_chart;
pub mod fitted_tables;
mod html;
mod json;
mod markdown;
pub mod numbers;
mod out_dir;
mod read;
pub mod recommend;
pub mod rows;
pub mod summary;
mod svg;
mod tables;
pub mod tables_md;

use std::io::Write;

use serde::Serialize;

use crate::choice::{Choice, choice_str};
use crate::credit::Credit;
use crate::csv_input::ReadReport;
use crate::error::Result;
use crate::param::Param;

pub use self::csv::CsvRenderer;
pub use self::document::{Document, FittedInputs, Heatmap};
pub use self::html::render_html;
pub use self::json::{JsonRenderer, SCHEMA_VERSION};
pub use self::markdown::render_markdown;
pub use self::out_dir::{REPORT_FILES, report_tables};
pub use self::read::{read_credits, read_credits_records};
pub use self::tables_md::MarkdownRenderer;

/// Everything an `attribute` run produced: the credit of every model and what was read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CreditReport {
    /// What the credit rows are keyed by: `channel`, `campaign` or `content`.
    pub dimension: String,
    /// The inputs read, with their row counts and skipped rows.
    pub inputs: Vec<ReadReport>,
    /// One credit per model, sorted by model name.
    pub credits: Vec<Credit>,
}

/// Writes a [`CreditReport`] in one format.
pub trait Renderer {
    /// Renders the report into `out`.
    fn render(&self, report: &CreditReport, out: &mut dyn Write) -> Result<()>;
}

/// The output formats of tables (credit, scores, plans, cross-checks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// CSV; credit in long format: `model,channel,conversions,value,share[,conversions_lo,conversions_hi]`.
    #[default]
    Csv,
    /// JSON with `schema_version`.
    Json,
    /// A Markdown table.
    Markdown,
}

impl Format {
    /// The renderer of this format.
    pub fn renderer(self) -> Box<dyn Renderer> {
        match self {
            Format::Csv => Box::new(CsvRenderer),
            Format::Json => Box::new(JsonRenderer),
            Format::Markdown => Box::new(MarkdownRenderer),
        }
    }

    /// The format a file name's extension implies, if any.
    pub fn from_extension(path: &str) -> Option<Format> {
        let ext = std::path::Path::new(path)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

impl Choice for Format {
    const PARAM: Param = Param::Format;
    const ALL: &'static [Self] = &[Format::Csv, Format::Json, Format::Markdown];
    fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "markdown",
        }
    }
}

choice_str!(Format);
