//! Markdown tables of records: the credit of `attribute`, a budget plan, a cross-check.
//!
//! Numbers keep the fixed [`OUTPUT_DECIMALS`](crate::prec::OUTPUT_DECIMALS) of CSV
//! output, so a Markdown table is as byte-stable as its CSV.

use std::io::Write;

use serde::Serialize;

use crate::decide::CrossCheck;
use crate::error::{Error, Result};
use crate::prec::fixed;
use crate::report::numbers::{fixed as fixed_to, percent};
use crate::report::rows::write_rows;
use crate::report::{CreditReport, Renderer};
use crate::text::{markdown_cell, markdown_prose};

/// Writes records as a Markdown table: the columns and values of their CSV
/// ([`write_rows`]), in field order, floats with its fixed decimals.
pub fn write_rows_markdown<T: Serialize>(rows: &[T], out: &mut dyn Write) -> Result<()> {
    let mut csv_bytes = Vec::new();
    write_rows(rows, &mut csv_bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_bytes.as_slice());
    let mut text = String::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::Write(std::io::Error::other(e)))?;
        let cells: Vec<String> = record.iter().map(markdown_cell).collect();
        text += &format!("| {} |\n", cells.join(" | "));
        if i == 0 {
            text += &format!("|{}\n", "---|".repeat(cells.len()));
        }
    }
    out.write_all(text.as_bytes()).map_err(Error::Write)
}

/// Renders credit as a Markdown table, one row per model and channel.
#[derive(Clone, Copy, Debug, Default)]
pub struct MarkdownRenderer;

impl Renderer for MarkdownRenderer {
    fn render(&self, report: &CreditReport, out: &mut dyn Write) -> Result<()> {
        let intervals = report.credits.iter().any(|c| c.has_intervals());
        let mut text = format!(
            "| model | {} | conversions | value | share |",
            markdown_cell(&report.dimension)
        );
        text += if intervals {
            " conversions_lo | conversions_hi |\n|---|---|---:|---:|---:|---:|---:|\n"
        } else {
            "\n|---|---|---:|---:|---:|\n"
        };
        let mut credits: Vec<_> = report.credits.iter().collect();
        credits.sort_by(|a, b| a.model.cmp(&b.model));
        for credit in credits {
            for row in &credit.channels {
                text += &format!(
                    "| {} | {} | {} | {} | {} |",
                    markdown_cell(&credit.model),
                    markdown_cell(&row.channel),
                    fixed(row.conversions),
                    fixed(row.value),
                    fixed(row.share)
                );
                if intervals {
                    text += &format!(
                        " {} | {} |",
                        row.conversions_lo.map(fixed).unwrap_or_default(),
                        row.conversions_hi.map(fixed).unwrap_or_default()
                    );
                }
                text.push('\n');
            }
        }
        out.write_all(text.as_bytes()).map_err(Error::Write)
    }
}

/// Writes a cross-check of another tool's report (the `validate` subcommand) as
/// Markdown: the verdict, the per-channel table, causes to check and our other models.
pub fn write_crosscheck_markdown(v: &CrossCheck, out: &mut dyn Write) -> Result<()> {
    let mut s = format!(
        "# Validation of {}\n\n{}: total difference {} ({} here, {} in the report).\n\n",
        markdown_cell(&v.model),
        if v.reproduced {
            "Reproduced within 1%"
        } else {
            "Not reproduced"
        },
        percent(v.total_abs_difference),
        fixed_to(v.ours_total, 2),
        fixed_to(v.theirs_total, 2)
    );
    s += "| channel | report | pathcredit | difference | difference % |\n|---|---:|---:|---:|---:|\n";
    for r in &v.rows {
        s += &format!(
            "| {} | {} | {} | {} | {} |\n",
            markdown_cell(&r.channel),
            fixed_to(r.theirs, 2),
            fixed_to(r.ours, 2),
            fixed_to(r.difference, 2),
            r.difference_pct.map_or_else(|| "–".into(), percent)
        );
    }
    if !v.causes.is_empty() {
        s += "\nCauses to check:\n\n";
        for c in &v.causes {
            s += &format!("* {}\n", markdown_prose(c));
        }
    }
    if !v.alternatives.is_empty() {
        s += "\nOur other rule-based models against the report:\n\n";
        for a in &v.alternatives {
            s += &format!(
                "* {}: {}\n",
                markdown_cell(&a.model),
                percent(a.total_abs_difference)
            );
        }
    }
    out.write_all(s.as_bytes()).map_err(Error::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        zeta: &'static str,
        alpha: Option<f64>,
    }

    #[test]
    fn rows_keep_field_order_and_escape_pipes() {
        let rows = [
            Row {
                zeta: "a|b",
                alpha: Some(1.5),
            },
            Row {
                zeta: "c",
                alpha: None,
            },
        ];
        let mut out = Vec::new();
        write_rows_markdown(&rows, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "| zeta | alpha |\n|---|---|\n| a\\|b | 1.500000 |\n| c |  |\n"
        );
    }
}
