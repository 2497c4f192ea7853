//! The report's tables as files (`report --out-dir`, Python's `report(out_dir=…)`):
//! one CSV per table for people who open them in a spreadsheet, and the whole document
//! as JSON for programs. A plan from fitted response adds its table
//! (`fitted_budget.csv`, as `budget --response fitted` writes it) and its curves on a
//! spend grid (`fitted_curves.csv`, as `budget --curves` writes them).
//!
//! The CSV tables quote every name a spreadsheet would read as a formula
//! ([`csv_for_spreadsheets`]); `report.json` keeps every name exactly.

use crate::credit::Credit;
use crate::csv_input::ReadReport;
use crate::decide::fitted_curves::write_curves;
use crate::error::{Error, Result};
use crate::models::MarkovDetails;
use crate::report::rows::{comparison_rows, write_rows};
use crate::report::{CreditReport, Document, Format};
use crate::text::csv_for_spreadsheets;

/// The name of every file [`report_tables`] may write, so a front end can check the
/// directory's files against the run's inputs before anything is computed.
pub const REPORT_FILES: [&str; 11] = [
    "credit.csv",
    "comparison.csv",
    "top_paths.csv",
    "path_lengths.csv",
    "time_to_conversion.csv",
    "roi.csv",
    "budget.csv",
    "fitted_budget.csv",
    "fitted_curves.csv",
    "markov_transitions.csv",
    "report.json",
];

/// Every file of the report's output directory, by file name (one of
/// [`REPORT_FILES`]), rendered.
pub fn report_tables(
    doc: &Document,
    inputs: &[ReadReport],
    credits: Vec<Credit>,
    markov: Option<&MarkovDetails>,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let credit = CreditReport {
        dimension: doc.dimension.clone(),
        inputs: inputs.to_vec(),
        credits,
    };
    let mut tables = vec![
        (
            "credit.csv",
            table(|w| Format::Csv.renderer().render(&credit, w))?,
        ),
        (
            "comparison.csv",
            table(|w| write_rows(&comparison_rows(doc), w))?,
        ),
        (
            "top_paths.csv",
            table(|w| write_rows(&doc.paths.top_paths, w))?,
        ),
        (
            "path_lengths.csv",
            table(|w| write_rows(&doc.paths.lengths, w))?,
        ),
    ];
    if let Some(bins) = &doc.paths.time_to_conversion {
        tables.push(("time_to_conversion.csv", table(|w| write_rows(bins, w))?));
    }
    if let Some(roi) = &doc.roi {
        tables.push(("roi.csv", table(|w| write_rows(&roi.rows, w))?));
    }
    if let Some(plan) = &doc.budget {
        tables.push(("budget.csv", table(|w| write_rows(&plan.rows, w))?));
    }
    if let Some(plan) = &doc.fitted_budget {
        tables.push(("fitted_budget.csv", table(|w| write_rows(&plan.rows, w))?));
        tables.push(("fitted_curves.csv", table(|w| write_curves(plan, w))?));
    }
    if let Some(m) = markov {
        tables.push((
            "markov_transitions.csv",
            table(|w| m.write_transitions_csv(w))?,
        ));
    }
    let mut json = serde_json::to_vec_pretty(doc).map_err(|e| Error::Write(e.into()))?;
    json.push(b'\n');
    tables.push(("report.json", json));
    debug_assert!(tables.iter().all(|(name, _)| REPORT_FILES.contains(name)));
    Ok(tables)
}

/// One table rendered for spreadsheets.
fn table(render: impl FnOnce(&mut dyn std::io::Write) -> Result<()>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    csv_for_spreadsheets(&mut out, render)?;
    Ok(out)
}
