//! [`Credit`]: the one output type of every model.
//!
//! Per model and per channel (or campaign, or content): attributed conversions,
//! attributed value, the share of conversions, and optionally an interval on the
//! conversions. The comparison, report, budget and evaluation code only ever see a
//! `Credit`, never the model that made it.

use serde::Serialize;

use crate::channel::Dictionary;

/// Credit of one channel under one model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelCredit {
    /// The channel (or campaign, or content) name.
    pub channel: String,
    /// Attributed conversions.
    pub conversions: f64,
    /// Attributed conversion value.
    pub value: f64,
    /// `conversions / total conversions` (0 when there are no conversions).
    pub share: f64,
    /// Lower end of an interval on `conversions`, when one was computed.
    pub conversions_lo: Option<f64>,
    /// Upper end of an interval on `conversions`, when one was computed.
    pub conversions_hi: Option<f64>,
}

/// One model's credit over every channel of the input, sorted by channel name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Credit {
    /// The model's name, as in the `models` setting.
    pub model: String,
    /// What `channel` means in the rows: `channel`, `campaign` or `content`.
    pub dimension: String,
    /// True when credit adds up to the total conversions (false for `influenced`).
    pub additive: bool,
    /// Observed total conversions of the input.
    pub total_conversions: f64,
    /// Observed total conversion value of the input.
    pub total_value: f64,
    /// Per-channel credit, sorted by channel name.
    pub channels: Vec<ChannelCredit>,
    /// Remarks a user should read next to the numbers (warnings, conventions applied).
    pub notes: Vec<String>,
}

impl Credit {
    /// Builds a credit from per-id vectors over a (sorted) dictionary. Shares are
    /// `conversions / total_conversions`.
    pub fn from_ids(
        model: &str,
        channels: &Dictionary,
        conversions: &[f64],
        value: &[f64],
        total_conversions: f64,
        total_value: f64,
    ) -> Credit {
        assert_eq!(conversions.len(), channels.len());
        assert_eq!(value.len(), channels.len());
        let mut rows: Vec<ChannelCredit> = channels
            .names()
            .zip(conversions.iter().zip(value))
            .map(|(name, (&c, &v))| ChannelCredit {
                channel: name.to_string(),
                conversions: c,
                value: v,
                share: if total_conversions > 0.0 {
                    c / total_conversions
                } else {
                    0.0
                },
                conversions_lo: None,
                conversions_hi: None,
            })
            .collect();
        rows.sort_by(|a, b| a.channel.cmp(&b.channel));
        Credit {
            model: model.to_string(),
            dimension: "channel".to_string(),
            additive: true,
            total_conversions,
            total_value,
            channels: rows,
            notes: Vec::new(),
        }
    }

    /// Marks the credit as non-additive (channels may share a conversion).
    pub fn non_additive(mut self) -> Self {
        self.additive = false;
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The credit of a channel by name.
    pub fn get(&self, channel: &str) -> Option<&ChannelCredit> {
        self.channels
            .binary_search_by(|c| c.channel.as_str().cmp(channel))
            .ok()
            .map(|i| &self.channels[i])
    }

    /// Sum of attributed conversions over channels.
    pub fn conversions_sum(&self) -> f64 {
        self.channels.iter().map(|c| c.conversions).sum()
    }

    /// Sum of attributed value over channels.
    pub fn value_sum(&self) -> f64 {
        self.channels.iter().map(|c| c.value).sum()
    }

    /// True when any channel has an interval.
    pub fn has_intervals(&self) -> bool {
        self.channels.iter().any(|c| c.conversions_lo.is_some())
    }
}
