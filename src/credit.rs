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
    /// Snowplow's revenue-weighted conversion count, when asked for (see
    /// [`weighted_count`](crate::models::weighted_count)); not additive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted_conversions: Option<f64>,
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
    /// Fails when any figure is not a finite number (an input whose totals are too
    /// large for the model's arithmetic), so an overflow is never written as `inf`,
    /// `null` or a share of 0.
    pub fn check_finite(&self) -> crate::error::Result<()> {
        let totals = [self.total_conversions, self.total_value];
        let bad = self.channels.iter().find(|c| {
            ![c.conversions, c.value, c.share]
                .iter()
                .all(|x| x.is_finite())
                || c.conversions_lo.is_some_and(|x| !x.is_finite())
                || c.conversions_hi.is_some_and(|x| !x.is_finite())
        });
        if let Some(c) = bad {
            return Err(crate::error::Error::model(
                &self.model,
                format!(
                    "the credit of `{}` is not a finite number (conversions {}, value {}): the \
                     input's totals ({} conversions, value {}) are too large for the model's \
                     arithmetic; rescale the counts or the value column (e.g. to thousands)",
                    c.channel, c.conversions, c.value, totals[0], totals[1]
                ),
            ));
        }
        if !totals.iter().all(|x| x.is_finite()) {
            return Err(crate::error::Error::model(
                &self.model,
                format!(
                    "the input's totals are not finite ({} conversions, value {}); rescale the \
                     counts or the value column",
                    totals[0], totals[1]
                ),
            ));
        }
        Ok(())
    }

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
                weighted_conversions: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credit_that_overflowed_is_an_error_naming_model_and_channel() {
        let mut names = Dictionary::default();
        let (a, b) = (names.intern("a"), names.intern("b"));
        let mut conversions = vec![0.0; 2];
        conversions[a as usize] = 1.0;
        conversions[b as usize] = f64::INFINITY;
        let credit = Credit::from_ids("linear", &names, &conversions, &[0.0; 2], 2.0, 0.0);
        let err = credit.check_finite().unwrap_err().to_string();
        assert!(err.starts_with("linear: the credit of `b`"), "{err}");
        let fine = Credit::from_ids("linear", &names, &[1.0, 1.0], &[0.0; 2], 2.0, 0.0);
        assert!(fine.check_finite().is_ok());
    }
}
