//! Every model side by side, per channel.
//!
//! For each channel: each model's conversions, value, share and interval (when
//! computed); the `influenced` count; and for each data-driven model its difference
//! from last touch, in conversions and in percentage points of share. Channels are
//! sorted by the first data-driven model's credit (Markov, then Shapley, then logistic),
//! or by last touch when no data-driven model ran.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::credit::Credit;
use crate::models::ModelName;

/// Whether the model a credit names is data-driven (fitted to the data rather than a
/// fixed rule), by the model registry. Unknown names (credit read from other tools)
/// are not.
pub fn data_driven(model: &str) -> bool {
    ModelName::lookup(model).is_some_and(|m| m.data_driven())
}

/// The registry's comparison rank of a data-driven model.
fn compare_rank(model: &str) -> Option<u8> {
    ModelName::lookup(model).and_then(|m| m.info().compare_rank)
}

/// One model's credit for one channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// Attributed conversions.
    pub conversions: f64,
    /// Attributed value.
    pub value: f64,
    /// Share of the model's conversions.
    pub share: f64,
    /// Interval on conversions, when computed.
    pub conversions_lo: Option<f64>,
    /// Interval on conversions, when computed.
    pub conversions_hi: Option<f64>,
    /// Difference from last touch in conversions (data-driven models).
    pub diff_vs_last_touch: Option<f64>,
    /// Difference from last touch in percentage points of share (data-driven models).
    pub diff_pp_vs_last_touch: Option<f64>,
}

/// One channel across models.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompareRow {
    /// The channel (or campaign, content).
    pub channel: String,
    /// Model → credit.
    pub models: BTreeMap<String, Cell>,
    /// Conversions of journeys the channel touched (`influenced`), when computed.
    pub influenced: Option<f64>,
}

/// The side-by-side table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// `channel`, `campaign` or `content`.
    pub dimension: String,
    /// Additive models, in display order (rule-based by name, then data-driven).
    pub models: Vec<String>,
    /// The model channels are sorted by.
    pub sorted_by: String,
    /// Rows, most credited first under `sorted_by`.
    pub rows: Vec<CompareRow>,
}

impl Comparison {
    /// Builds the table from every model's credit.
    pub fn new(dimension: &str, credits: &[Credit]) -> Comparison {
        let additive: Vec<&Credit> = credits.iter().filter(|c| c.additive).collect();
        let mut models: Vec<String> = additive.iter().map(|c| c.model.clone()).collect();
        models.sort_by_key(|m| (data_driven(m), compare_rank(m), m.clone()));
        let sorted_by = models
            .iter()
            .filter(|m| compare_rank(m).is_some())
            .min_by_key(|m| compare_rank(m))
            .cloned()
            .or_else(|| models.iter().find(|m| *m == "last_touch").cloned())
            .or_else(|| models.first().cloned())
            .unwrap_or_default();
        let last = additive.iter().find(|c| c.model == "last_touch");
        let influenced = credits.iter().find(|c| c.model == "influenced");
        let channels: BTreeSet<&str> = credits
            .iter()
            .flat_map(|c| c.channels.iter().map(|ch| ch.channel.as_str()))
            .collect();
        let mut rows: Vec<CompareRow> = channels
            .into_iter()
            .map(|channel| {
                let models = additive
                    .iter()
                    .map(|credit| {
                        let c = credit.get(channel);
                        let (n, v, s) =
                            c.map_or((0.0, 0.0, 0.0), |c| (c.conversions, c.value, c.share));
                        let reference = last.filter(|_| data_driven(&credit.model)).map(|l| {
                            l.get(channel)
                                .map_or((0.0, 0.0), |c| (c.conversions, c.share))
                        });
                        (
                            credit.model.clone(),
                            Cell {
                                conversions: n,
                                value: v,
                                share: s,
                                conversions_lo: c.and_then(|c| c.conversions_lo),
                                conversions_hi: c.and_then(|c| c.conversions_hi),
                                diff_vs_last_touch: reference.map(|(ln, _)| n - ln),
                                diff_pp_vs_last_touch: reference.map(|(_, ls)| 100.0 * (s - ls)),
                            },
                        )
                    })
                    .collect();
                CompareRow {
                    channel: channel.to_string(),
                    models,
                    influenced: influenced.map(|c| c.get(channel).map_or(0.0, |c| c.conversions)),
                }
            })
            .collect();
        let key = |r: &CompareRow| r.models.get(&sorted_by).map_or(0.0, |c| c.conversions);
        rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.channel.cmp(&b.channel)));
        Comparison {
            dimension: dimension.to_string(),
            models,
            sorted_by,
            rows,
        }
    }

    /// The data-driven models of the table.
    pub fn data_driven_models(&self) -> Vec<&str> {
        self.models
            .iter()
            .map(String::as_str)
            .filter(|m| data_driven(m))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::ChannelCredit;

    fn credit(model: &str, rows: &[(&str, f64)]) -> Credit {
        let total: f64 = rows.iter().map(|r| r.1).sum();
        Credit {
            model: model.into(),
            dimension: "channel".into(),
            additive: model != "influenced",
            total_conversions: total,
            total_value: 0.0,
            channels: rows
                .iter()
                .map(|&(c, n)| ChannelCredit {
                    channel: c.into(),
                    conversions: n,
                    value: 0.0,
                    share: n / total,
                    conversions_lo: None,
                    conversions_hi: None,
                    weighted_conversions: None,
                })
                .collect(),
            notes: vec![],
        }
    }

    #[test]
    fn data_driven_differences_from_last_touch_and_sorting() {
        let credits = [
            credit("last_touch", &[("a", 6.0), ("b", 4.0)]),
            credit("markov", &[("a", 3.0), ("b", 7.0)]),
            credit("influenced", &[("a", 8.0), ("b", 9.0)]),
        ];
        let table = Comparison::new("channel", &credits);
        assert_eq!(table.models, vec!["last_touch", "markov"]);
        assert_eq!(table.sorted_by, "markov");
        assert_eq!(table.rows[0].channel, "b");
        let b = &table.rows[0].models["markov"];
        assert_eq!(b.diff_vs_last_touch, Some(3.0));
        assert!((b.diff_pp_vs_last_touch.unwrap() - 30.0).abs() < 1e-12);
        assert_eq!(table.rows[0].models["last_touch"].diff_vs_last_touch, None);
        assert_eq!(table.rows[0].influenced, Some(9.0));
    }
}
