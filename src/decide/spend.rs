//! The spend file: `channel,spend`, optionally with `campaign` and `period` columns.
//!
//! Rows are summed per key (the channel, or the campaign with `level campaign`);
//! `period` rows can be filtered to one period. Spend must be a non-negative number;
//! a bad row is an error naming file, line and column (or skipped and counted with
//! skipping bad rows).

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;

use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records};
use crate::error::{Error, Result};
use crate::param::Param;

/// The largest total spend a plan handles: plans are settled in whole cents held as
/// integers and as `f64`, exact below 2^53 cents (about 9.0e13); beyond this bound a
/// spend file is refused rather than rounded or wrapped.
pub const MAX_SPEND: f64 = 1e13;

/// Spend per channel (or campaign), summed over the file's rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Spend {
    /// The key column: `channel` or `campaign`.
    pub dimension: String,
    /// The period the spend is for (`--period`), when the file has several.
    pub period: Option<String>,
    /// Spend per key, sorted by key.
    pub by_key: BTreeMap<String, f64>,
    /// What was read and skipped.
    pub report: ReadReport,
}

impl Spend {
    /// Total spend.
    pub fn total(&self) -> f64 {
        self.by_key.values().sum()
    }
}

/// Reads a spend file. `dimension` is `channel` or `campaign` (the column that keys the
/// spend); `period`, when given, keeps only rows whose `period` column equals it.
pub fn read_spend<R: Read>(
    input: R,
    name: &str,
    dimension: &str,
    period: Option<&str>,
    opts: &ReadOptions,
) -> Result<Spend> {
    read_spend_records(Records::csv(input), name, dimension, period, opts)
}

/// [`read_spend`] from records of either kind (a CSV stream or a table).
pub fn read_spend_records(
    input: Records<'_>,
    name: &str,
    dimension: &str,
    period: Option<&str>,
    opts: &ReadOptions,
) -> Result<Spend> {
    let mut src = CsvSource::open(input, name, &[dimension, "spend"])?;
    let key = src.required(dimension, &opts.columns)?;
    let amount = src.required("spend", &opts.columns)?;
    let period_col = match period {
        Some(_) => Some(src.required("period", &opts.columns)?),
        None => None,
    };
    let mut report = ReadReport::new(name);
    let mut by_key: BTreeMap<String, f64> = BTreeMap::new();
    let mut total = 0.0;
    while let Some(row) = src.next_row()? {
        report.rows_read += 1;
        let parsed = (|| -> Result<Option<(String, f64)>> {
            if let (Some(col), Some(want)) = (period_col, period)
                && row.str(col)? != want
            {
                return Ok(None);
            }
            let k = row.non_empty(key, "a name")?.to_string();
            let v = row.non_negative(amount, None)?;
            let mut sum = total;
            row.add_to_total(amount, v, &mut sum)?;
            if sum > MAX_SPEND {
                return Err(row.error(
                    amount,
                    format!(
                        "the spend total passes {MAX_SPEND:e} at this row; plans are settled in \
                         whole cents, exact only up to that total: rescale the column, e.g. \
                         to thousands"
                    ),
                ));
            }
            total = sum;
            Ok(Some((k, v)))
        })();
        if let Some(Some((k, v))) = report.keep_or_skip(parsed, opts.skip_bad_rows)? {
            *by_key.entry(k).or_insert(0.0) += v;
        }
    }
    report.check_usable()?;
    if by_key.is_empty() {
        return Err(Error::param(
            Param::Period,
            format!("`{}` matches no row of {name}", period.unwrap_or_default()),
        ));
    }
    Ok(Spend {
        dimension: dimension.to_string(),
        period: period.map(str::to_string),
        by_key,
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_add_up_per_channel_and_periods_filter() {
        let text = "channel,campaign,period,spend\na,x,2026-01,10\na,y,2026-01,5.5\nb,z,2026-02,7\na,x,2026-02,1\n";
        let opts = ReadOptions::default();
        let all = read_spend(text.as_bytes(), "s.csv", "channel", None, &opts).unwrap();
        assert_eq!(all.by_key["a"], 16.5);
        assert_eq!(all.by_key["b"], 7.0);
        let jan = read_spend(text.as_bytes(), "s.csv", "channel", Some("2026-01"), &opts).unwrap();
        assert_eq!(jan.by_key.len(), 1);
        assert_eq!(jan.by_key["a"], 15.5);
        let by_campaign = read_spend(text.as_bytes(), "s.csv", "campaign", None, &opts).unwrap();
        assert_eq!(by_campaign.by_key["x"], 11.0);
    }

    #[test]
    fn a_negative_spend_names_line_and_column_or_is_skipped_on_request() {
        let text = "channel,spend\na,10\nb,-3\n";
        let err = read_spend(
            text.as_bytes(),
            "s.csv",
            "channel",
            None,
            &ReadOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("s.csv") && err.contains("line 3") && err.contains("spend"),
            "{err}"
        );
        let skip = ReadOptions::default().skip_bad_rows(true);
        let spend = read_spend(text.as_bytes(), "s.csv", "channel", None, &skip).unwrap();
        assert_eq!(spend.report.rows_skipped, 1);
        assert_eq!(spend.by_key.len(), 1);
    }

    #[test]
    fn a_missing_column_lists_the_header() {
        let err = read_spend(
            "chan,cost\na,1\n".as_bytes(),
            "s.csv",
            "channel",
            None,
            &ReadOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("channel") && err.contains("chan"), "{err}");
    }
}
