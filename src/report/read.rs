//! Reading a long-format credit CSV back (`pathcredit attribute`'s output, or the same
//! columns from elsewhere): `model,channel,conversions[,value][,share]
//! [,conversions_lo,conversions_hi]`. The second column may be headed `campaign` or
//! `content` (the dimension of a `level` run).

use std::collections::BTreeMap;
use std::io::Read;

use crate::credit::{ChannelCredit, Credit};
use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records};
use crate::error::Result;

/// Reads every model's credit, sorted by model, channels sorted by name. `influenced`
/// is marked non-additive.
pub fn read_credits<R: Read>(input: R, name: &str) -> Result<Vec<Credit>> {
    read_credits_records(Records::csv(input), name)
}

/// [`read_credits`] from records of either kind (a CSV stream or a table).
pub fn read_credits_records(input: Records<'_>, name: &str) -> Result<Vec<Credit>> {
    let opts = ReadOptions::default();
    let mut src = CsvSource::open(input, name, &["model", "channel", "conversions"])?;
    let model = src.required("model", &opts.columns)?;
    let mut found = None;
    for d in ["channel", "campaign", "content"] {
        if let Some(c) = src.optional(d, &opts.columns)? {
            found = Some((d, c));
            break;
        }
    }
    let (dimension, channel) = match found {
        Some(found) => found,
        None => ("channel", src.required("channel", &opts.columns)?),
    };
    let conversions = src.required("conversions", &opts.columns)?;
    let value = src.optional("value", &opts.columns)?;
    let (lo, hi) = (
        src.optional("conversions_lo", &opts.columns)?,
        src.optional("conversions_hi", &opts.columns)?,
    );
    let mut report = ReadReport::new(name);
    // Model → channel → (where its row is, credit).
    let mut by_model: BTreeMap<String, BTreeMap<String, (String, ChannelCredit)>> = BTreeMap::new();
    while let Some(row) = src.next_row()? {
        report.rows_read += 1;
        let m = row.non_empty(model, "a model name")?.to_string();
        let c = row.non_empty(channel, "a name")?.to_string();
        let number = |col: usize| -> Result<f64> {
            let text = row.str(col)?;
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| row.error(col, format!("`{text}` is not a number")))
        };
        let optional = |col: Option<usize>| -> Result<Option<f64>> {
            match col {
                Some(col) if !row.str(col)?.is_empty() => number(col).map(Some),
                _ => Ok(None),
            }
        };
        let at = row.position();
        let seen = by_model.entry(m.clone()).or_default();
        if let Some((first, _)) = seen.get(&c) {
            return Err(row.error(
                channel,
                format!("model `{m}` credits `{c}` twice (first at {first}); expected one row per model and channel"),
            ));
        }
        let entry = ChannelCredit {
            channel: c.clone(),
            conversions: number(conversions)?,
            value: optional(value)?.unwrap_or(0.0),
            share: 0.0,
            conversions_lo: optional(lo)?,
            conversions_hi: optional(hi)?,
            weighted_conversions: None,
        };
        seen.insert(c, (at, entry));
    }
    report.check_usable()?;
    Ok(by_model
        .into_iter()
        .map(|(model, channels)| {
            let channels: BTreeMap<String, ChannelCredit> =
                channels.into_iter().map(|(k, (_, c))| (k, c)).collect();
            let total: f64 = channels.values().map(|c| c.conversions).sum();
            let total_value: f64 = channels.values().map(|c| c.value).sum();
            let additive = model != "influenced";
            Credit {
                additive,
                dimension: dimension.to_string(),
                total_conversions: total,
                total_value,
                channels: channels
                    .into_values()
                    .map(|mut c| {
                        c.share = if total > 0.0 {
                            c.conversions / total
                        } else {
                            0.0
                        };
                        c
                    })
                    .collect(),
                notes: Vec::new(),
                model,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_attribute_writes() {
        let text = "model,campaign,conversions,value,share,conversions_lo,conversions_hi\n\
                    markov,b,3,30,0.75,2,4\nmarkov,a,1,10,0.25,,\nlast_touch,a,4,40,1,,\n";
        let credits = read_credits(text.as_bytes(), "c.csv").unwrap();
        assert_eq!(credits.len(), 2);
        assert_eq!(credits[1].model, "markov");
        assert_eq!(credits[1].dimension, "campaign");
        assert_eq!(credits[1].get("b").unwrap().conversions_hi, Some(4.0));
        assert_eq!(credits[1].get("a").unwrap().share, 0.25);
        assert_eq!(credits[1].total_value, 40.0);
    }

    #[test]
    fn a_channel_credited_twice_by_one_model_is_an_error_not_an_overwrite() {
        let text = "model,channel,conversions\nm,a,1\nm,b,2\nm,a,3\n";
        let err = read_credits(text.as_bytes(), "c.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 4") && err.contains("first at line 2"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_number_names_line_and_column() {
        let err = read_credits("model,channel,conversions\nm,a,x\n".as_bytes(), "c.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2") && err.contains("conversions"),
            "{err}"
        );
    }
}
