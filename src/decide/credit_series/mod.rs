//! Attributed conversions per channel and period: the input of the aggregate route of a
//! fitted budget, for users who have a credit-by-period table but no event logs.
//!
//! The file is `channel,period,conversions[,value]`: per channel and period, the
//! conversions (and their value) some attribution credited to the channel, e.g. a
//! warehouse table or another tool's export grouped by the date of the conversion.
//! `period` is the date the period starts, `YYYY-MM-DD`, and the periods are those of the
//! spend series the plan reallocates (read first, [`read_spend_series`]): the file is
//! read against it.
//!
//! **Rules.**
//!
//! * every `period` is a period of the spend series (a date on its grid, within its
//!   span); any other date is an error of its row;
//! * one row per channel and period: a second row is an error of its row, naming the
//!   first;
//! * a channel with spend has a row in **every** period of the spend series, or none at
//!   all. A missing pair is never read as zero (a table grouped by period drops the
//!   periods without conversions, but an extract cut short drops them too, and the two
//!   cannot be told apart): it is an error of the file, located at the channel's nearest
//!   row, asking for a row of 0. A channel with spend and no row at all keeps today's
//!   spend in the plan, with a warning (its response cannot be fitted);
//! * a channel without spend (an organic channel credited by the table) is left out of
//!   the plan and named in [`CreditSeries::without_spend`]; its rows are still checked;
//! * `conversions` and `value` are finite numbers `≥ 0` (an empty cell is an error).
//!
//! Errors name the file, line and column and say what was expected. A bad value, a
//! period not in the spend series and a duplicate row are errors of their row, which
//! [`ReadOptions::skip_bad_rows`] skips and counts (the first of duplicate rows is
//! kept); a missing pair is an error of the file, never skipped.
//!
//! [`read_spend_series`]: crate::decide::spend_series::read_spend_series

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records};
use crate::decide::spend_series::{SpendSeries, date, nearest, read_period};
use crate::error::{Error, Location, Result};
use crate::time::DAY;

/// Attributed conversions and value per channel and period, aligned with the periods of
/// a spend series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CreditSeries {
    /// Per channel with spend and rows: its credited conversions in each period of the
    /// spend series (aligned with [`SpendSeries::periods`]), sorted by channel.
    pub conversions: BTreeMap<String, Vec<f64>>,
    /// Per channel, its credited value in each period (zeros when the file has no
    /// `value` column).
    pub value: BTreeMap<String, Vec<f64>>,
    /// True when the file has a `value` column.
    pub has_value: bool,
    /// Channels credited in the file without spend in the spend series (left out of the
    /// plan), sorted.
    pub without_spend: Vec<String>,
    /// What was read and skipped.
    pub report: ReadReport,
}

impl CreditSeries {
    /// Total credited value over every channel and period.
    pub fn total_value(&self) -> f64 {
        self.value.values().flatten().sum()
    }
}

/// A row kept: its channel, its period's index in the spend series, its figures and
/// where its period field is.
struct Kept {
    channel: String,
    period: usize,
    conversions: f64,
    value: f64,
    location: Location,
}

/// Reads a credit series `channel,period,conversions[,value]` against the periods of
/// `spend`. See the module docs for the rules and errors.
pub fn read_credit_series(
    input: Records<'_>,
    name: &str,
    spend: &SpendSeries,
    opts: &ReadOptions,
) -> Result<CreditSeries> {
    let mut src = CsvSource::open(input, name, &["channel", "period", "conversions"])?;
    let channel = src.required("channel", &opts.columns)?;
    let period = src.required("period", &opts.columns)?;
    let conversions = src.required("conversions", &opts.columns)?;
    let value = src.optional("value", &opts.columns)?;
    let mut report = ReadReport::new(name);
    let index: BTreeMap<i64, usize> = spend
        .periods
        .iter()
        .enumerate()
        .map(|(i, &p)| (p.div_euclid(DAY), i))
        .collect();
    let grain = if spend.step_days == 7 {
        "weekly"
    } else {
        "daily"
    };
    let span = match (spend.periods.first(), spend.periods.last()) {
        (Some(&a), Some(&b)) => format!("{grain} from {} to {}", date(a), date(b)),
        _ => "no periods".to_string(),
    };
    let spend_name = &spend.report.file;
    let mut seen: BTreeMap<(String, usize), String> = BTreeMap::new();
    let mut kept: Vec<Kept> = Vec::new();
    while let Some(row) = src.next_row()? {
        report.rows_read += 1;
        let parsed = (|| -> Result<Kept> {
            let c = row.non_empty(channel, "a channel name")?.to_string();
            let day = read_period(&row, period)?;
            let Some(&i) = index.get(&day) else {
                return Err(row.error(
                    period,
                    format!(
                        "`{}` is not a period of the spend series {spend_name} ({span}); \
                         expected the date one of its periods starts",
                        row.str(period)?
                    ),
                ));
            };
            if let Some(first) = seen.get(&(c.clone(), i)) {
                return Err(row.error(
                    period,
                    format!(
                        "a second row for `{c}` in the period {} (the first is on {first}); \
                         expected one row per channel and period",
                        date(day * DAY)
                    ),
                ));
            }
            let n = row.non_negative(conversions, None)?;
            let v = match value {
                Some(col) => row.non_negative(col, None)?,
                None => 0.0,
            };
            Ok(Kept {
                channel: c,
                period: i,
                conversions: n,
                value: v,
                location: row.location(period),
            })
        })();
        if let Some(k) = report.keep_or_skip(parsed, opts.skip_bad_rows)? {
            seen.insert((k.channel.clone(), k.period), row.position());
            kept.push(k);
        }
    }
    report.check_usable()?;
    let n = spend.len();
    let mut slots: BTreeMap<String, Vec<Option<usize>>> = BTreeMap::new();
    let mut without_spend: BTreeSet<String> = BTreeSet::new();
    for (r, k) in kept.iter().enumerate() {
        if spend.by_key.contains_key(&k.channel) {
            slots
                .entry(k.channel.clone())
                .or_insert_with(|| vec![None; n])[k.period] = Some(r);
        } else {
            without_spend.insert(k.channel.clone());
        }
    }
    let mut out = CreditSeries {
        conversions: BTreeMap::new(),
        value: BTreeMap::new(),
        has_value: value.is_some(),
        without_spend: without_spend.into_iter().collect(),
        report,
    };
    for (c, rows) in slots {
        if let Some(missing) = rows.iter().position(Option::is_none) {
            let near = nearest(&rows, missing).expect("a channel with a slot has a row");
            return Err(Error::bad_value(
                kept[near].location.clone(),
                format!(
                    "`{c}` has no row for the period {}, one of the periods of the spend series \
                     {spend_name} ({span}); expected a row for every channel with spend in \
                     every period (write 0 for a period without conversions: a missing row \
                     is not read as 0)",
                    spend.period_label(missing)
                ),
            ));
        }
        let rows: Vec<&Kept> = rows.into_iter().flatten().map(|r| &kept[r]).collect();
        out.conversions
            .insert(c.clone(), rows.iter().map(|k| k.conversions).collect());
        out.value.insert(c, rows.iter().map(|k| k.value).collect());
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
