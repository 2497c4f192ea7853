//! Spend over time: the spend file read as a series, one value per key and period.
//!
//! The file is the spend file of [`read_spend`](super::read_spend) with its `period`
//! column required: `channel,period,spend` (optionally `campaign`), where `period` is the
//! date a period starts, `YYYY-MM-DD`. The periods of a file are one step apart — a day
//! or a week — and the step is inferred: the least gap between the file's distinct
//! periods, which must be 1 or 7 days, with every period on the grid of that step from
//! the first. Every key has exactly one value per period in the series' span (the first
//! to the last period of the file); a key without a row in a period is an error, not a
//! silent zero: a period without spend is written as a row of 0.
//!
//! With a `campaign` column and the `channel` dimension, the rows of a channel's
//! campaigns in one period add up (one row per channel, campaign and period); with the
//! `campaign` dimension each campaign is a key of its own.
//!
//! Errors name the file, line and column and say what was expected. A bad date, a bad
//! spend, an empty key and a duplicate row are errors of their row, which
//! [`ReadOptions::skip_bad_rows`] skips and counts (the first of duplicate rows is kept);
//! a bad step, a period off the grid and a gap are errors of the file, never skipped
//! (a skipped row that leaves a gap makes the gap an error).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records, Row};
use crate::decide::spend::MAX_SPEND;
use crate::error::{Error, Location, Result};
use crate::time::{DAY, Millis, parse_timestamp};

/// What a period looks like, for messages.
pub const PERIOD_EXPECTED: &str = "the date the period starts as YYYY-MM-DD (e.g. 2026-01-05)";

/// Spend per key (channel or campaign) and period: a time series on a grid of days or
/// weeks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpendSeries {
    /// The key column: `channel` or `campaign`.
    pub dimension: String,
    /// Days from one period to the next: 1 (days) or 7 (weeks).
    pub step_days: u32,
    /// The start of each period (midnight UTC, epoch milliseconds), ascending, `step_days`
    /// apart, from the file's first period to its last.
    pub periods: Vec<Millis>,
    /// Spend per key, one value per period (aligned with `periods`), sorted by key.
    pub by_key: BTreeMap<String, Vec<f64>>,
    /// What was read and skipped.
    pub report: ReadReport,
    /// Where each period first appears in the input (its `period` field), with the
    /// row's place in the input, for the located errors of later checks.
    #[serde(skip)]
    first_rows: Vec<Option<(u64, Location)>>,
}

impl SpendSeries {
    /// A series built in memory: `values` per key, one per period from `first_period`
    /// (midnight UTC) on, `step_days` (1 or 7) apart. An error when the step is neither,
    /// the first period is not a midnight, or the keys' value counts differ.
    pub fn new(
        dimension: &str,
        step_days: u32,
        first_period: Millis,
        by_key: BTreeMap<String, Vec<f64>>,
    ) -> Result<Self> {
        let param = |message: String| Error::param(crate::param::Param::Period, message);
        if step_days != 1 && step_days != 7 {
            return Err(param(format!(
                "a step of {step_days} days; expected 1 (days) or 7 (weeks)"
            )));
        }
        if first_period.rem_euclid(DAY) != 0 {
            return Err(param(
                "the first period must start at midnight UTC (a date)".into(),
            ));
        }
        let len = by_key.values().next().map_or(0, Vec::len);
        if by_key.values().any(|v| v.len() != len) {
            return Err(param(
                "every key needs one value per period; the keys' value counts differ".into(),
            ));
        }
        let step = i64::from(step_days) * DAY;
        Ok(Self {
            dimension: dimension.to_string(),
            step_days,
            periods: (0..len as i64).map(|i| first_period + i * step).collect(),
            by_key,
            report: ReadReport::new("<memory>"),
            first_rows: vec![None; len],
        })
    }

    /// The number of periods.
    pub fn len(&self) -> usize {
        self.periods.len()
    }

    /// True when the series has no period.
    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }

    /// Period `i`'s start as `YYYY-MM-DD`.
    pub fn period_label(&self, i: usize) -> String {
        date(self.periods[i])
    }

    /// The end of period `i` (exclusive): its start plus the step.
    pub fn period_end(&self, i: usize) -> Millis {
        self.periods[i] + i64::from(self.step_days) * DAY
    }

    /// Total spend per key over every period.
    pub fn totals(&self) -> BTreeMap<String, f64> {
        self.by_key
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().sum()))
            .collect()
    }

    /// Refuses periods outside the span of the data the exposures are counted from: a
    /// period is outside when none of its days meets `data_start..=data_end` (epoch
    /// milliseconds, e.g. the first and last event of `name`). A period the data cover
    /// in part (the logs end mid-week) is accepted. The error is located at the first
    /// row (in the input's order) of a period outside.
    pub fn check_within(&self, data_start: Millis, data_end: Millis, name: &str) -> Result<()> {
        let outside = (0..self.len())
            .filter(|&i| self.period_end(i) <= data_start || self.periods[i] > data_end)
            .min_by_key(|&i| self.first_rows[i].as_ref().map_or(u64::MAX, |r| r.0));
        let Some(i) = outside else {
            return Ok(());
        };
        let location = match &self.first_rows[i] {
            Some((_, location)) => location.clone(),
            None => Location::line(&self.report.file, 0, None, None),
        };
        let length = if self.step_days == 7 { "week" } else { "day" };
        Err(Error::bad_value(
            location,
            format!(
                "the period {} (a {length}) lies outside the events of {name} ({} to {}); \
                 expected spend only for periods the events cover",
                self.period_label(i),
                date(data_start),
                date(data_end),
            ),
        ))
    }
}

/// A row kept: its key (and campaign, when it splits the key), period (days since
/// 1970-01-01) and spend, and where its period field is.
struct Kept {
    key: String,
    day: i64,
    spend: f64,
    seq: u64,
    location: Location,
}

/// Reads the spend file as a series: `dimension` (`channel` or `campaign`) keys the
/// spend, `period` (required) is the date each period starts. See the module docs for
/// the rules and errors.
pub fn read_spend_series(
    input: Records<'_>,
    name: &str,
    dimension: &str,
    opts: &ReadOptions,
) -> Result<SpendSeries> {
    let mut src = CsvSource::open(input, name, &[dimension, "period", "spend"])?;
    let key = src.required(dimension, &opts.columns)?;
    let period = src.required("period", &opts.columns)?;
    let amount = src.required("spend", &opts.columns)?;
    let campaign = match dimension {
        "channel" => src.optional("campaign", &opts.columns)?,
        _ => None,
    };
    let mut report = ReadReport::new(name);
    // The first row of each (key, campaign, period), by its position.
    let mut seen: BTreeMap<(String, String, i64), String> = BTreeMap::new();
    let mut kept: Vec<Kept> = Vec::new();
    let mut total = 0.0;
    while let Some(row) = src.next_row()? {
        report.rows_read += 1;
        let seq = report.rows_read;
        let parsed = (|| -> Result<((String, String, i64), f64)> {
            let k = row.non_empty(key, "a name")?.to_string();
            let sub = match campaign {
                Some(col) => row.str(col)?.to_string(),
                None => String::new(),
            };
            let day = read_period(&row, period)?;
            let v = row.non_negative(amount, None)?;
            let id = (k, sub, day);
            if let Some(first) = seen.get(&id) {
                let of = match campaign {
                    Some(_) => format!("`{}` (campaign `{}`)", id.0, id.1),
                    None => format!("`{}`", id.0),
                };
                let per = match campaign {
                    Some(_) => format!("{dimension}, campaign"),
                    None => dimension.to_string(),
                };
                return Err(row.error(
                    period,
                    format!(
                        "a second row for {of} in the period {} (the first is on {first}); \
                         expected one row per {per} and period",
                        date(day * DAY)
                    ),
                ));
            }
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
            Ok((id, v))
        })();
        if let Some((id, spend)) = report.keep_or_skip(parsed, opts.skip_bad_rows)? {
            kept.push(Kept {
                key: id.0.clone(),
                day: id.2,
                spend,
                seq,
                location: row.location(period),
            });
            seen.insert(id, row.position());
        }
    }
    report.check_usable()?;
    series(kept, name, dimension, report)
}

/// The series of the rows kept: the step, the grid, and a value for every key and
/// period.
fn series(kept: Vec<Kept>, name: &str, dimension: &str, report: ReadReport) -> Result<SpendSeries> {
    // The first row of each distinct period.
    let mut days: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, row) in kept.iter().enumerate() {
        days.entry(row.day).or_insert(i);
    }
    let first_of = |day: i64| &kept[days[&day]];
    let distinct: Vec<i64> = days.keys().copied().collect();
    let [first, .., last] = distinct[..] else {
        let only = first_of(distinct[0]);
        return Err(Error::bad_value(
            only.location.clone(),
            format!(
                "every row of {name} is for the period {}; expected a series: periods a day \
                 or a week apart",
                date(only.day * DAY)
            ),
        ));
    };
    let (at, step) = distinct
        .windows(2)
        .map(|w| (w[1], w[1] - w[0]))
        .min_by_key(|&(_, gap)| gap)
        .expect("two periods or more");
    if step != 1 && step != 7 {
        return Err(Error::bad_value(
            first_of(at).location.clone(),
            format!(
                "the periods {} and {} are {step} days apart, the least gap between the \
                 periods of {name}; expected periods a day or a week (7 days) apart",
                date((at - step) * DAY),
                date(at * DAY)
            ),
        ));
    }
    if let Some(off) = kept.iter().find(|r| (r.day - first) % step != 0) {
        return Err(Error::bad_value(
            off.location.clone(),
            format!(
                "`{}` is not on the weekly grid of the periods of {name} (every 7 days from \
                 {}); expected period start dates 7 days apart",
                date(off.day * DAY),
                date(first * DAY)
            ),
        ));
    }
    let len = ((last - first) / step + 1) as usize;
    let index = |day: i64| ((day - first) / step) as usize;
    let mut values: BTreeMap<String, Vec<Option<(f64, usize)>>> = BTreeMap::new();
    for (i, row) in kept.iter().enumerate() {
        let slot = &mut values
            .entry(row.key.clone())
            .or_insert_with(|| vec![None; len])[index(row.day)];
        match slot {
            Some((sum, _)) => *sum += row.spend,
            None => *slot = Some((row.spend, i)),
        }
    }
    let grain = if step == 7 { "weekly" } else { "daily" };
    let mut by_key = BTreeMap::new();
    for (key, slots) in values {
        if let Some(missing) = slots.iter().position(Option::is_none) {
            // Located at the key's first row after the gap, or its last before it.
            let near = nearest(&slots, missing).expect("a key has a row");
            return Err(Error::bad_value(
                kept[near.1].location.clone(),
                format!(
                    "`{key}` has no row for the period {}, inside the periods of {name} \
                     ({grain} from {} to {}); expected a row for every {dimension} in every \
                     period (write 0 for a period without spend)",
                    date((first + missing as i64 * step) * DAY),
                    date(first * DAY),
                    date(last * DAY)
                ),
            ));
        }
        by_key.insert(key, slots.into_iter().flatten().map(|s| s.0).collect());
    }
    let first_rows = (0..len as i64)
        .map(|i| {
            days.get(&(first + i * step)).map(|&r| {
                let row = &kept[r];
                (row.seq, row.location.clone())
            })
        })
        .collect();
    Ok(SpendSeries {
        dimension: dimension.to_string(),
        step_days: step as u32,
        periods: (0..len as i64).map(|i| (first + i * step) * DAY).collect(),
        by_key,
        report,
        first_rows,
    })
}

/// The days since 1970-01-01 of a row's period (field `col`, the date the period
/// starts), or an error located at the field.
pub(crate) fn read_period(row: &Row<'_>, col: usize) -> Result<i64> {
    let text = row.non_empty(col, PERIOD_EXPECTED)?;
    parse_date(text).ok_or_else(|| {
        row.error(
            col,
            format!("`{text}` is not a date; expected {PERIOD_EXPECTED}"),
        )
    })
}

/// The slot nearest a gap at `missing`: the first filled one after it, else the last
/// before it (where a gap's error is located).
pub(crate) fn nearest<T: Copy>(slots: &[Option<T>], missing: usize) -> Option<T> {
    slots[missing..]
        .iter()
        .flatten()
        .next()
        .or_else(|| slots[..missing].iter().flatten().last())
        .copied()
}

/// Days since 1970-01-01 of a period's date: `YYYY-MM-DD`, or the midnight timestamp a
/// table's date cell reads as (`YYYY-MM-DDT00:00:00Z`).
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    let date = text.strip_suffix("T00:00:00Z").unwrap_or(text);
    let b = date.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    parse_timestamp(date).map(|ms| ms.div_euclid(DAY))
}

/// `YYYY-MM-DD` of the day a time falls on (UTC).
pub(crate) fn date(t: Millis) -> String {
    crate::time::format_date(t)
}

#[cfg(test)]
mod tests;
