//! Reading what the scoring compares: a simulation's `truth.csv` (which truth column),
//! the scores `evaluate` wrote, and long-format credit as model → channel → conversions.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;

use crate::choice::{Choice, choice_str};
use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records};
use crate::error::Result;
use crate::param::Param;
use crate::report::read_credits;

/// The truth of one channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TruthRow {
    /// The channel.
    pub channel: String,
    /// `direct`, `upstream`, `direct+upstream` or `placebo`.
    pub role: String,
    /// True share (of the chosen truth column).
    pub share: f64,
}

/// Which truth column to score against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TruthColumn {
    /// The Shapley credit of the true game (default: additive like credit).
    #[default]
    Shapley,
    /// Incremental conversions (Δ of removing the channel alone).
    Incremental,
}

impl Choice for TruthColumn {
    const PARAM: Param = Param::TruthColumn;
    const ALL: &'static [Self] = &[TruthColumn::Shapley, TruthColumn::Incremental];
    fn name(self) -> &'static str {
        match self {
            TruthColumn::Shapley => "shapley",
            TruthColumn::Incremental => "incremental",
        }
    }
}

choice_str!(TruthColumn);

/// Reads `truth.csv` (`channel,role,...,incremental_share,...,shapley_share,...`).
pub fn read_truth<R: Read>(input: R, name: &str, column: TruthColumn) -> Result<Vec<TruthRow>> {
    read_truth_records(Records::csv(input), name, column)
}

/// [`read_truth`] from records of either kind (a CSV stream or a table).
pub fn read_truth_records(
    input: Records<'_>,
    name: &str,
    column: TruthColumn,
) -> Result<Vec<TruthRow>> {
    let opts = ReadOptions::default();
    let mut src = CsvSource::open(
        input,
        name,
        &["channel", "role", "shapley_share", "incremental_share"],
    )?;
    let ch = src.required("channel", &opts.columns)?;
    let role = src.optional("role", &opts.columns)?;
    let share = match column {
        TruthColumn::Shapley => src.required("shapley_share", &opts.columns)?,
        TruthColumn::Incremental => src.required("incremental_share", &opts.columns)?,
    };
    let mut report = ReadReport::new(name);
    let mut rows = Vec::new();
    while let Some(row) = src.next_row()? {
        report.rows_read += 1;
        rows.push(TruthRow {
            channel: row.non_empty(ch, "a channel name")?.to_string(),
            role: match role {
                Some(c) => row.str(c)?.to_string(),
                None => String::new(),
            },
            share: row.non_negative(share, None)?,
        });
    }
    report.check_usable()?;
    rows.sort_by(|a, b| a.channel.cmp(&b.channel));
    Ok(rows)
}

/// Reads the scores `evaluate` wrote (`model,total_variation,...`) into model → total
/// variation from the truth: how far each model's shares were from a simulation's.
pub fn read_scores_records(input: Records<'_>, name: &str) -> Result<BTreeMap<String, f64>> {
    let opts = ReadOptions::default();
    let mut src = CsvSource::open(input, name, &["model", "total_variation"])?;
    let model = src.required("model", &opts.columns)?;
    let tv = src.required("total_variation", &opts.columns)?;
    let mut report = ReadReport::new(name);
    let mut scores = BTreeMap::new();
    while let Some(row) = src.next_row()? {
        report.rows_read += 1;
        let m = row.non_empty(model, "a model name")?.to_string();
        let d = row.non_negative(tv, None)?;
        if d > 1.0 {
            return Err(row.error(
                tv,
                format!("`{d}` is above 1; expected a total variation distance in [0, 1]"),
            ));
        }
        if scores.insert(m.clone(), d).is_some() {
            return Err(row.error(
                model,
                format!("model `{m}` appears twice; expected one row per model"),
            ));
        }
    }
    report.check_usable()?;
    Ok(scores)
}

/// Reads a long-format credit CSV (see [`read_credits`]) into model → channel →
/// conversions.
pub fn read_credit<R: Read>(
    input: R,
    name: &str,
) -> Result<BTreeMap<String, BTreeMap<String, f64>>> {
    Ok(conversions_by_model(&read_credits(input, name)?))
}

/// Every model's credit as model → channel → conversions.
pub fn conversions_by_model(
    credits: &[crate::credit::Credit],
) -> BTreeMap<String, BTreeMap<String, f64>> {
    credits
        .iter()
        .map(|credit| {
            let by_channel = credit
                .channels
                .iter()
                .map(|c| (c.channel.clone(), c.conversions))
                .collect();
            (credit.model.clone(), by_channel)
        })
        .collect()
}
