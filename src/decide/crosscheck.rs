//! Checking a rule-based report exported from another tool (an analytics suite, a CRM)
//! against pathcredit's recomputation of the same rule on the user's journeys.
//!
//! Per channel: their conversions, ours, the difference and the relative difference.
//! The report is **reproduced** when the total absolute difference is at most 1% of
//! their conversions. Otherwise the causes worth checking are listed, from the shape
//! of the differences:
//!
//! * totals differ → which conversions are counted: date range, conversion definition,
//!   lookback window and censoring, identity stitching (conversions without a touch);
//! * channels only on one side → channel naming or mapping;
//! * `direct` among the largest differences → direct handling (last non-direct click);
//! * same totals, different split → which touch counts: sessions, lookback steps.
//!
//! The other rule-based models are scored the same way, and the closest one is named:
//! a report that matches `last_non_direct` better than `last_touch` says what its tool does.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use serde::Serialize;

use crate::credit::Credit;
use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records};
use crate::error::{Error, Location, Result};
use crate::models::{self, ModelName};
use crate::param::Param;
use crate::run::RunResult;

/// The relative total difference under which a report counts as reproduced.
pub const REPRODUCED: f64 = 0.01;

/// A per-channel report from another tool.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ExternalReport {
    /// Conversions and value (when the report has a value column) per channel.
    pub channels: BTreeMap<String, (f64, Option<f64>)>,
    /// What was read.
    pub read: ReadReport,
}

/// Reads `channel,conversions[,value]` (columns remappable with the read options), one
/// row per channel: a channel on a second row is a located error naming the first.
pub fn read_report<R: Read>(input: R, name: &str, opts: &ReadOptions) -> Result<ExternalReport> {
    read_report_records(Records::csv(input), name, opts)
}

/// [`read_report`] from records of either kind (a CSV stream or a table).
pub fn read_report_records(
    input: Records<'_>,
    name: &str,
    opts: &ReadOptions,
) -> Result<ExternalReport> {
    let mut src = CsvSource::open(input, name, &["channel", "conversions"])?;
    let ch = src.required("channel", &opts.columns)?;
    let conv = src.required("conversions", &opts.columns)?;
    let value = src.optional("value", &opts.columns)?;
    let mut read = ReadReport::new(name);
    let mut channels: BTreeMap<String, (f64, Option<f64>)> = BTreeMap::new();
    // Where each channel's row is: a report has one row per channel, and a repeated
    // channel (a double export, names that differ only by spaces) is refused, never
    // summed silently.
    let mut first_seen: BTreeMap<String, String> = BTreeMap::new();
    let mut totals = [0.0f64; 2];
    while let Some(row) = src.next_row()? {
        read.rows_read += 1;
        let parsed = (|| -> Result<(String, f64, Option<f64>)> {
            let c = row.non_empty(ch, "a channel name")?.trim().to_string();
            if let Some(first) = first_seen.get(&c) {
                return Err(row.error(
                    ch,
                    format!(
                        "`{c}` appears again (first on {first}); expected one row per channel: \
                         add up its rows (e.g. one per day) before checking the report"
                    ),
                ));
            }
            let n = row.non_negative(conv, None)?;
            let v = match value {
                Some(col) if !row.str(col)?.is_empty() => Some(row.non_negative(col, None)?),
                _ => None,
            };
            let mut sums = totals;
            row.add_to_total(conv, n, &mut sums[0])?;
            if let (Some(col), Some(v)) = (value, v) {
                row.add_to_total(col, v, &mut sums[1])?;
            }
            totals = sums;
            Ok((c, n, v))
        })();
        if let Some((c, n, v)) = read.keep_or_skip(parsed, opts.skip_bad_rows)? {
            first_seen.insert(c.clone(), row.position());
            let entry = channels.entry(c).or_insert((0.0, None));
            entry.0 += n;
            if let Some(v) = v {
                entry.1 = Some(entry.1.unwrap_or(0.0) + v);
            }
        }
    }
    read.check_usable()?;
    if totals[0] <= 0.0 {
        return Err(zero_total(name, src.headers(), conv));
    }
    Ok(ExternalReport { channels, read })
}

/// The error of a report whose conversions (column `conv`) sum to 0: every difference
/// would be a share of nothing, so there is nothing to check.
fn zero_total(name: &str, headers: &[String], conv: usize) -> Error {
    let header = headers.get(conv).cloned();
    Error::bad_value(
        Location::line(name, 0, Some(conv + 1), header),
        "every row has 0 conversions, so the report's total is 0 and a difference cannot be \
         a share of it; expected a report with conversions (is this the right column?)",
    )
}

/// One channel of the check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossCheckRow {
    /// The channel.
    pub channel: String,
    /// Their conversions.
    pub theirs: f64,
    /// Ours.
    pub ours: f64,
    /// `ours − theirs`.
    pub difference: f64,
    /// `difference / theirs` (none when theirs is 0).
    pub difference_pct: Option<f64>,
    /// Their value, when reported.
    pub theirs_value: Option<f64>,
    /// Our value.
    pub ours_value: f64,
}

/// How close another of our models comes to the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alternative {
    /// The model.
    pub model: String,
    /// `Σ |ours − theirs| / Σ theirs`.
    pub total_abs_difference: f64,
}

/// The result of a check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossCheck {
    /// The model recomputed.
    pub model: String,
    /// Rows, largest absolute difference first (ties by channel).
    pub rows: Vec<CrossCheckRow>,
    /// Their total conversions.
    pub theirs_total: f64,
    /// Ours.
    pub ours_total: f64,
    /// `Σ |ours − theirs| / Σ theirs`.
    pub total_abs_difference: f64,
    /// Whether the report is reproduced within 1%.
    pub reproduced: bool,
    /// Channels differing by more than 1% of their total.
    pub differing_channels: Vec<String>,
    /// Causes worth checking, most likely first.
    pub causes: Vec<String>,
    /// Our other rule-based models, closest first.
    pub alternatives: Vec<Alternative>,
}

/// The model a cross-check recomputes: exactly one, and rule-based (a fitted model
/// has no counterpart in another tool's report).
pub fn crosscheck_model(requested: Option<&[ModelName]>) -> Result<ModelName> {
    let model = match requested {
        Some([one]) => *one,
        _ => {
            return Err(Error::param(
                Param::Models,
                "name exactly one rule-based model to check the report against, e.g. last_touch",
            ));
        }
    };
    if model.data_driven() {
        return Err(Error::param(
            Param::Models,
            format!(
                "{model}: a report from another tool is checked against a rule-based model; {model} is fitted to the data"
            ),
        ));
    }
    Ok(model)
}

/// Checks `report` against a run of its one rule-based model
/// ([`crosscheck_model`]): the other rule-based models the input supports are run
/// as alternatives, ranked by closeness.
pub fn crosscheck_run(result: &RunResult, report: &ExternalReport) -> Result<CrossCheck> {
    let ours = result.runs.first().ok_or_else(|| {
        Error::param(
            Param::Models,
            "the run has no model to check the report against",
        )
    })?;
    let input = result.data.as_input();
    let rules: Vec<ModelName> = models::default_models(&input, &result.settings)
        .into_iter()
        .filter(|m| !m.data_driven() && *m != ours.model)
        .collect();
    let alternatives = models::attribute(&rules, &result.settings, &input)?;
    Ok(crosscheck(
        &ours.credit,
        &alternatives,
        report,
        &result.settings.direct_channels,
    ))
}

/// Every channel on either side, sorted.
fn channel_union<'a>(credit: &'a Credit, report: &'a ExternalReport) -> BTreeSet<&'a str> {
    report
        .channels
        .keys()
        .map(String::as_str)
        .chain(credit.channels.iter().map(|c| c.channel.as_str()))
        .collect()
}

fn distance(credit: &Credit, report: &ExternalReport) -> f64 {
    let theirs: f64 = report.channels.values().map(|v| v.0).sum();
    let abs: f64 = channel_union(credit, report)
        .iter()
        .map(|c| {
            let ours = credit.get(c).map_or(0.0, |c| c.conversions);
            let t = report.channels.get(*c).map_or(0.0, |v| v.0);
            (ours - t).abs()
        })
        .sum();
    if theirs > 0.0 { abs / theirs } else { abs }
}

/// Checks `report` against our `credit` of the same model; `alternatives` are other
/// models of ours to rank by closeness; `direct` names the direct channels.
pub fn crosscheck(
    credit: &Credit,
    alternatives: &[Credit],
    report: &ExternalReport,
    direct: &[String],
) -> CrossCheck {
    let theirs_total: f64 = report.channels.values().map(|v| v.0).sum();
    let mut rows: Vec<CrossCheckRow> = channel_union(credit, report)
        .into_iter()
        .map(|c| {
            let ours = credit.get(c);
            let (t, tv) = report.channels.get(c).copied().unwrap_or((0.0, None));
            let o = ours.map_or(0.0, |c| c.conversions);
            CrossCheckRow {
                channel: c.to_string(),
                theirs: t,
                ours: o,
                difference: o - t,
                difference_pct: (t > 0.0).then(|| (o - t) / t),
                theirs_value: tv,
                ours_value: ours.map_or(0.0, |c| c.value),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.difference
            .abs()
            .total_cmp(&a.difference.abs())
            .then(a.channel.cmp(&b.channel))
    });
    let ours_total = credit.conversions_sum();
    let total_abs_difference = distance(credit, report);
    let reproduced = total_abs_difference <= REPRODUCED;
    let threshold = REPRODUCED * theirs_total.max(1e-12);
    let differing_channels: Vec<String> = rows
        .iter()
        .filter(|r| r.difference.abs() > threshold)
        .map(|r| r.channel.clone())
        .collect();

    let mut causes = Vec::new();
    if !reproduced {
        let total_gap = if theirs_total > 0.0 {
            (ours_total - theirs_total) / theirs_total
        } else {
            0.0
        };
        if total_gap.abs() > REPRODUCED {
            causes.push(format!(
                "Total conversions differ by {:+.1}% ({ours_total:.2} here, {theirs_total:.2} in the report): check the date range and conversion definition, the lookback window (`lookback_days`) and censoring (`censor_days`), and identity stitching (the identities file): conversions with no touch in the window are not attributed here.",
                100.0 * total_gap
            ));
        }
        let only_theirs: Vec<&str> = rows
            .iter()
            .filter(|r| r.ours == 0.0 && r.theirs > 0.0)
            .map(|r| r.channel.as_str())
            .collect();
        let only_ours: Vec<&str> = rows
            .iter()
            .filter(|r| r.theirs == 0.0 && r.ours > 0.0)
            .map(|r| r.channel.as_str())
            .collect();
        if !only_theirs.is_empty() || !only_ours.is_empty() {
            causes.push(format!(
                "Channels on one side only (report: {}; here: {}): check channel naming and mapping (case, spaces, grouping rules).",
                if only_theirs.is_empty() { "none".into() } else { only_theirs.join(", ") },
                if only_ours.is_empty() { "none".into() } else { only_ours.join(", ") },
            ));
        }
        let top: Vec<&str> = rows.iter().take(2).map(|r| r.channel.as_str()).collect();
        if top.iter().any(|c| direct.iter().any(|d| d == c)) {
            causes.push(
                "Direct is among the largest differences: check direct handling (many tools report last non-direct click; compare with the last_non_direct model) and session cutting (`session_gap`, `touch_level`).".into(),
            );
        }
        if total_gap.abs() <= REPRODUCED {
            causes.push(
                "Totals agree but the split differs: check which touch counts — sessions (`session_gap`, `touch_level`), the lookback window (`lookback_days`, `lookback_steps`) and the rule's own definition.".into(),
            );
        }
    }
    let mut alternatives: Vec<Alternative> = alternatives
        .iter()
        .filter(|c| c.additive && c.model != credit.model)
        .map(|c| Alternative {
            model: c.model.clone(),
            total_abs_difference: distance(c, report),
        })
        .collect();
    alternatives.sort_by(|a, b| {
        a.total_abs_difference
            .total_cmp(&b.total_abs_difference)
            .then(a.model.cmp(&b.model))
    });
    if !reproduced
        && let Some(best) = alternatives.first()
        && best.total_abs_difference < total_abs_difference
    {
        causes.push(format!(
            "Our {} comes closer to the report ({:.1}% total difference against {:.1}%): the report may use that rule.",
            best.model,
            100.0 * best.total_abs_difference,
            100.0 * total_abs_difference
        ));
    }
    CrossCheck {
        model: credit.model.clone(),
        rows,
        theirs_total,
        ours_total,
        total_abs_difference,
        reproduced,
        differing_channels,
        causes,
        alternatives,
    }
}
