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
use crate::report::{CreditReport, Renderer};

/// Writes records as a Markdown table, columns named after their fields (absent
/// values empty).
pub fn write_rows_markdown<T: Serialize>(rows: &[T], out: &mut dyn Write) -> Result<()> {
    let mut header: Vec<String> = Vec::new();
    let mut body = String::new();
    for row in rows {
        let value =
            serde_json::to_value(row).map_err(|e| Error::Write(std::io::Error::other(e)))?;
        let Some(fields) = value.as_object() else {
            continue;
        };
        if header.is_empty() {
            header = fields.keys().cloned().collect();
        }
        let cells: Vec<String> = header
            .iter()
            .map(|k| match &fields[k] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::Number(n) => n.as_f64().map(fixed).unwrap_or_default(),
                serde_json::Value::String(s) => s.replace('|', "\\|"),
                other => other.to_string(),
            })
            .collect();
        body += &format!("| {} |\n", cells.join(" | "));
    }
    let mut text = format!(
        "| {} |\n|{}\n",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    text += &body;
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
            report.dimension
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
                    credit.model,
                    row.channel.replace('|', "\\|"),
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
        v.model,
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
            r.channel,
            fixed_to(r.theirs, 2),
            fixed_to(r.ours, 2),
            fixed_to(r.difference, 2),
            r.difference_pct.map_or_else(|| "–".into(), percent)
        );
    }
    if !v.causes.is_empty() {
        s += "\nCauses to check:\n\n";
        for c in &v.causes {
            s += &format!("* {c}\n");
        }
    }
    if !v.alternatives.is_empty() {
        s += "\nOur other rule-based models against the report:\n\n";
        for a in &v.alternatives {
            s += &format!("* {}: {}\n", a.model, percent(a.total_abs_difference));
        }
    }
    out.write_all(s.as_bytes()).map_err(Error::Write)
}
