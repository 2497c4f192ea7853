//! Machine-readable tables of a report (one CSV per table, for `out_dir` and
//! `pathcredit budget`): numbers at full precision, one row per record.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::report::document::Document;

/// Writes records as CSV with a header from their field names (absent values empty).
pub fn write_rows<T: Serialize>(rows: &[T], out: &mut dyn Write) -> Result<()> {
    let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
    let mut w = csv::Writer::from_writer(out);
    for row in rows {
        w.serialize(row).map_err(err)?;
    }
    w.flush().map_err(Error::Write)
}

/// One model and channel of the comparison, long format.
#[derive(Serialize)]
pub struct ComparisonRow<'a> {
    channel: &'a str,
    model: &'a str,
    conversions: f64,
    value: f64,
    share: f64,
    conversions_lo: Option<f64>,
    conversions_hi: Option<f64>,
    influenced: Option<f64>,
    diff_vs_last_touch: Option<f64>,
    diff_pp_vs_last_touch: Option<f64>,
}

/// The comparison in long format, channels in the table's order.
pub fn comparison_rows(doc: &Document) -> Vec<ComparisonRow<'_>> {
    let c = &doc.comparison;
    c.rows
        .iter()
        .flat_map(|row| {
            c.models.iter().map(move |m| {
                let cell = &row.models[m];
                ComparisonRow {
                    channel: &row.channel,
                    model: m,
                    conversions: cell.conversions,
                    value: cell.value,
                    share: cell.share,
                    conversions_lo: cell.conversions_lo,
                    conversions_hi: cell.conversions_hi,
                    influenced: row.influenced,
                    diff_vs_last_touch: cell.diff_vs_last_touch,
                    diff_pp_vs_last_touch: cell.diff_pp_vs_last_touch,
                }
            })
        })
        .collect()
}
