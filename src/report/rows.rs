//! Machine-readable tables of a report (one CSV per table, for `out_dir`,
//! `pathcredit budget` and `validate`): one row per record, floats with the fixed
//! [`OUTPUT_DECIMALS`](crate::prec::OUTPUT_DECIMALS) decimals of every other output, so
//! a table is byte-stable and reads like the credit CSV.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::prec::fixed;
use crate::report::document::Document;

/// Writes records as CSV with a header from their field names (absent values empty),
/// every float field with fixed decimals ([`fixed`]); whole-number and text fields as
/// they are (a channel named `1.5` stays `1.5`).
pub fn write_rows<T: Serialize>(rows: &[T], out: &mut dyn Write) -> Result<()> {
    let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
    let mut w = csv::Writer::from_writer(out);
    let mut header: Option<Vec<String>> = None;
    for row in rows {
        // The record's fields in order (with their names, once), as csv writes them.
        let mut plain = csv::Writer::from_writer(Vec::new());
        plain.serialize(row).map_err(err)?;
        let bytes = plain
            .into_inner()
            .map_err(|e| Error::Write(std::io::Error::other(e.to_string())))?;
        let mut records = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice())
            .into_records();
        let mut next = || -> Result<csv::StringRecord> {
            records
                .next()
                .unwrap_or_else(|| Ok(csv::StringRecord::new()))
                .map_err(err)
        };
        // Each record is written by a writer of its own, after its own header.
        let names = next()?;
        if header.is_none() {
            w.write_record(&names).map_err(err)?;
            header = Some(names.iter().map(str::to_string).collect());
        }
        let cells = next()?;
        // Which fields are floats: the field's type, not its text, decides.
        let types =
            serde_json::to_value(row).map_err(|e| Error::Write(std::io::Error::other(e)))?;
        let names = header.as_deref().unwrap_or_default();
        let shown: Vec<String> = cells
            .iter()
            .zip(names)
            .map(|(cell, name)| match types.get(name) {
                Some(serde_json::Value::Number(n)) if n.is_f64() => {
                    n.as_f64().map_or_else(|| cell.to_string(), fixed)
                }
                _ => cell.to_string(),
            })
            .collect();
        w.write_record(&shown).map_err(err)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        channel: &'static str,
        change: f64,
        share: Option<f64>,
        steps: usize,
    }

    /// Issue 31 (small things): floats have the fixed decimals of every output; text
    /// that looks like a number and whole-number fields are written as they are.
    #[test]
    fn floats_are_fixed_and_text_is_kept() {
        let rows = [
            Row {
                channel: "1.5",
                change: -0.20417983842641377,
                share: None,
                steps: 3,
            },
            Row {
                channel: "email",
                change: 25.0,
                share: Some(-1e-12),
                steps: 0,
            },
        ];
        let mut out = Vec::new();
        write_rows(&rows, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "channel,change,share,steps\n\
             1.5,-0.204180,,3\n\
             email,25.000000,0.000000,0\n"
        );
    }
}
