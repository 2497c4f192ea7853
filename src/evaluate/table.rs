//! Writing the evaluation table as CSV, Markdown or JSON.

use std::io::Write;

use crate::error::{Error, Result};
use crate::evaluate::truth::Score;

/// Column names of the evaluation table.
pub const SCORE_COLUMNS: [&str; 10] = [
    "model",
    "total_variation",
    "spearman",
    "max_abs_share_error",
    "placebo_share",
    "holdout_auc",
    "holdout_log_loss",
    "decision_regret",
    "gain_left_assumed",
    "gain_left_fitted",
];

/// Four decimals, never `-0.0000`.
fn four(v: f64) -> String {
    crate::report::numbers::fixed(v, 4)
}

fn cell(x: Option<f64>) -> String {
    x.map_or(String::new(), four)
}

fn cells(s: &Score) -> [String; 10] {
    [
        s.model.clone(),
        four(s.total_variation),
        cell(s.spearman),
        four(s.max_abs_share_error),
        four(s.placebo_share),
        cell(s.holdout_auc),
        cell(s.holdout_log_loss),
        cell(s.decision_regret),
        cell(s.gain_left_assumed),
        cell(s.gain_left_fitted),
    ]
}

/// CSV with [`SCORE_COLUMNS`].
pub fn write_csv(scores: &[Score], out: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
    w.write_record(SCORE_COLUMNS).map_err(err)?;
    for s in scores {
        w.write_record(cells(s)).map_err(err)?;
    }
    w.flush().map_err(Error::Write)
}

/// A Markdown table with [`SCORE_COLUMNS`].
pub fn write_markdown(scores: &[Score], out: &mut dyn Write) -> Result<()> {
    let err = Error::Write;
    writeln!(out, "| {} |", SCORE_COLUMNS.join(" | ")).map_err(err)?;
    writeln!(out, "|{}", "---|".repeat(SCORE_COLUMNS.len())).map_err(err)?;
    for s in scores {
        let row: Vec<String> = cells(s)
            .iter()
            .map(|c| crate::text::markdown_cell(c))
            .collect();
        writeln!(out, "| {} |", row.join(" | ")).map_err(err)?;
    }
    Ok(())
}

/// JSON: `{ "schema_version": 1, "scores": [...] }`.
pub fn write_json(scores: &[Score], truth_column: &str, out: &mut dyn Write) -> Result<()> {
    let doc =
        serde_json::json!({ "schema_version": 1, "truth_column": truth_column, "scores": scores });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| Error::Write(e.into()))?;
    out.write_all(b"\n").map_err(Error::Write)
}
