//! Return on spend per channel and model.
//!
//! For channel `c` under model `m`, with spend `s_c` and attributed conversions `n_c`
//! and value `v_c`:
//!
//! * `cpa = s_c / n_c` (cost per attributed acquisition; none when `n_c = 0` or the
//!   channel has no spend);
//! * `roas = v_c / s_c` (attributed value per unit of spend; none when `s_c = 0`);
//! * `conversions_per_1k = 1000 · n_c / s_c`.
//!
//! These are *attributed* averages: they say how credit and spend line up under a
//! model, not what the next unit of spend would return (that needs an experiment).
//! Non-additive models (`influenced`) are left out: their credit double-counts.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::credit::Credit;
use crate::decide::spend::Spend;

/// One channel under one model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoiRow {
    /// The model the figures come from.
    pub model: String,
    /// The channel (or campaign).
    pub channel: String,
    /// Spend (0 when the spend file has none for the channel).
    pub spend: f64,
    /// Attributed conversions.
    pub conversions: f64,
    /// Attributed value.
    pub value: f64,
    /// Cost per attributed conversion.
    pub cpa: Option<f64>,
    /// Attributed value per unit of spend.
    pub roas: Option<f64>,
    /// Attributed conversions per 1,000 units of spend.
    pub conversions_per_1k: Option<f64>,
}

/// ROI of every additive model, with the channels that do not join.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RoiTable {
    /// Rows sorted by model, then channel.
    pub rows: Vec<RoiRow>,
    /// Channels with spend that no model credits.
    pub spend_without_credit: Vec<String>,
    /// Channels with credit (under some model) and no spend.
    pub credit_without_spend: Vec<String>,
}

impl RoiTable {
    /// The channels that do not join, with a label each (only non-empty lists).
    pub fn unmatched(&self) -> Vec<(&'static str, &[String])> {
        [
            (
                "Spend without credit under any model",
                &self.spend_without_credit,
            ),
            ("Credit without spend", &self.credit_without_spend),
        ]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(label, list)| (label, list.as_slice()))
        .collect()
    }
}

/// Joins every additive model's credit with spend; every channel of either side is
/// listed (spend or credit missing shows as 0 and an absent ratio).
pub fn roi(credits: &[Credit], spend: &Spend) -> RoiTable {
    let mut credited: BTreeSet<&str> = BTreeSet::new();
    let mut rows = Vec::new();
    for credit in credits.iter().filter(|c| c.additive) {
        let mut channels: BTreeSet<&str> = spend.by_key.keys().map(String::as_str).collect();
        for c in &credit.channels {
            if c.conversions > 0.0 || c.value > 0.0 {
                credited.insert(&c.channel);
            }
            channels.insert(&c.channel);
        }
        for channel in channels {
            let s = spend.by_key.get(channel).copied().unwrap_or(0.0);
            let (n, v) = credit
                .get(channel)
                .map_or((0.0, 0.0), |c| (c.conversions, c.value));
            rows.push(RoiRow {
                model: credit.model.clone(),
                channel: channel.to_string(),
                spend: s,
                conversions: n,
                value: v,
                cpa: (n > 0.0 && s > 0.0).then(|| s / n),
                roas: (s > 0.0).then(|| v / s),
                conversions_per_1k: (s > 0.0).then(|| 1000.0 * n / s),
            });
        }
    }
    rows.sort_by(|a, b| a.model.cmp(&b.model).then(a.channel.cmp(&b.channel)));
    RoiTable {
        rows,
        spend_without_credit: spend
            .by_key
            .keys()
            .filter(|k| !credited.contains(k.as_str()))
            .cloned()
            .collect(),
        credit_without_spend: credited
            .iter()
            .filter(|c| !spend.by_key.contains_key(**c))
            .map(|c| c.to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::ChannelCredit;

    fn credit(model: &str, rows: &[(&str, f64, f64)]) -> Credit {
        let mut rows = rows.to_vec();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        Credit {
            model: model.into(),
            dimension: "channel".into(),
            additive: true,
            total_conversions: rows.iter().map(|r| r.1).sum(),
            total_value: rows.iter().map(|r| r.2).sum(),
            channels: rows
                .iter()
                .map(|&(c, n, v)| ChannelCredit {
                    channel: c.into(),
                    conversions: n,
                    value: v,
                    share: 0.0,
                    conversions_lo: None,
                    conversions_hi: None,
                    weighted_conversions: None,
                })
                .collect(),
            notes: vec![],
        }
    }

    /// Hand-computed: search spends 500 for 20 conversions worth 2,000 → CPA 25,
    /// ROAS 4, 40 conversions per 1,000; display spends 300 and earns nothing → no CPA,
    /// ROAS 0; email is credited without spend; tv has spend and no credit anywhere.
    #[test]
    fn cpa_and_roas_by_hand() {
        let spend = Spend {
            period: None,
            dimension: "channel".into(),
            by_key: [("search", 500.0), ("display", 300.0), ("tv", 100.0)]
                .map(|(k, v)| (k.to_string(), v))
                .into(),
            report: Default::default(),
        };
        let credits = [credit(
            "last_touch",
            &[
                ("search", 20.0, 2000.0),
                ("display", 0.0, 0.0),
                ("email", 5.0, 250.0),
            ],
        )];
        let table = roi(&credits, &spend);
        let get = |ch: &str| table.rows.iter().find(|r| r.channel == ch).unwrap();
        assert_eq!(get("search").cpa, Some(25.0));
        assert_eq!(get("search").roas, Some(4.0));
        assert_eq!(get("search").conversions_per_1k, Some(40.0));
        assert_eq!(get("display").cpa, None);
        assert_eq!(get("display").roas, Some(0.0));
        assert_eq!(get("email").roas, None);
        assert_eq!(get("email").cpa, None, "no spend, no cost per conversion");
        assert_eq!(
            table.rows.len(),
            4,
            "every channel of either side is listed"
        );
        assert_eq!(table.spend_without_credit, vec!["display", "tv"]);
        assert_eq!(table.credit_without_spend, vec!["email"]);
    }
}
