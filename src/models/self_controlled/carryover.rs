//! Where a channel's credit sits in time, and the warnings it calls for: carryover that
//! outlasts the lag horizon, credit beyond another model's lookback window, intervals
//! too wide to rank channels.

use serde::Serialize;

use crate::models::self_controlled::FittedSelfControlled;

/// The share of a channel's credit in its last lag bin from which its carryover is
/// warned to outlast the horizon.
pub const LAST_BIN_SHARE: f64 = 0.15;

/// Channels with less credit than this share of the conversions are not warned about
/// (their lag profile is noise).
const MIN_CREDIT_SHARE: f64 = 0.01;

/// One channel's credit by lag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CreditByLag {
    /// The channel.
    pub channel: String,
    /// Per post-exposure bin (its name, as in `lag_bins`), the credit it holds.
    pub bins: Vec<(String, f64)>,
    /// Share of the channel's credit in its last bin.
    pub last_bin_share: f64,
}

impl FittedSelfControlled {
    /// Per exposure channel, its credit in each post-exposure lag bin.
    pub fn credit_by_lag(&self) -> Vec<CreditByLag> {
        let bins = self.bins();
        let theta = &self.solution.theta;
        let credited = self.credited_coefficients(theta, &self.adjusted);
        let n = self.roles.exposures.len();
        let mut by = vec![vec![0.0; bins]; n];
        for u in &self.design.units {
            for row in &u.conversions {
                let w = 1.0 + theta.iter().zip(&row.v).map(|(a, b)| a * b).sum::<f64>();
                for (b, out) in by.iter_mut().enumerate() {
                    for (l, o) in out.iter_mut().enumerate() {
                        let k = b * bins + l;
                        *o += credited[k] * row.v[k] / w;
                    }
                }
            }
        }
        let post: Vec<usize> = (0..bins).filter(|&l| self.lags[l].0 >= 0).collect();
        by.into_iter()
            .enumerate()
            .map(|(b, credit)| {
                let total: f64 = post.iter().map(|&l| credit[l]).sum();
                let last = post.last().map_or(0.0, |&l| credit[l]);
                CreditByLag {
                    channel: self.roles.exposures[b].1.clone(),
                    bins: post
                        .iter()
                        .map(|&l| {
                            let (lo, hi) = self.lags[l];
                            (super::lags::bin_name(lo, hi), credit[l])
                        })
                        .collect(),
                    last_bin_share: if total > 0.0 { last / total } else { 0.0 },
                }
            })
            .collect()
    }

    /// The share of each channel's credit from lags beyond `steps` (for a lookback
    /// window of that many steps), by bins that lie wholly beyond it.
    pub fn credit_beyond(&self, steps: i64) -> Vec<(String, f64)> {
        self.credit_by_lag()
            .into_iter()
            .map(|c| {
                let total: f64 = c.bins.iter().map(|b| b.1).sum();
                let beyond: f64 = c
                    .bins
                    .iter()
                    .zip(self.lags.iter().filter(|l| l.0 >= 0))
                    .filter(|(_, l)| i64::from(l.0) > steps)
                    .map(|(b, _)| b.1)
                    .sum();
                (c.channel, if total > 0.0 { beyond / total } else { 0.0 })
            })
            .collect()
    }

    /// A warning per channel with a material credit whose last lag bin still holds
    /// [`LAST_BIN_SHARE`] of it.
    pub(crate) fn carryover_warnings(&self) -> Vec<String> {
        let conversions = self.design.conversions() as f64;
        let step_days = self.params.step as f64 / crate::time::DAY as f64;
        let Some(&(lo, hi)) = self.lags.iter().rfind(|l| l.0 >= 0) else {
            return Vec::new();
        };
        self.credit_by_lag()
            .into_iter()
            .filter(|c| {
                let total: f64 = c.bins.iter().map(|b| b.1).sum();
                total >= MIN_CREDIT_SHARE * conversions && c.last_bin_share >= LAST_BIN_SHARE
            })
            .map(|c| {
                format!(
                    "WARNING: `{}` still holds {:.0}% of its credit in its last lag bin ({:.0}–{:.0} \
                     days after exposure): its carryover may outlast the model's horizon, and what \
                     lies beyond it is read as baseline (under-credited); the horizon is half the \
                     study period, at most 90 days (`hazard_lags`)",
                    c.channel,
                    100.0 * c.last_bin_share,
                    f64::from(lo) * step_days,
                    f64::from(hi + 1) * step_days,
                )
            })
            .collect()
    }

    /// A warning naming the channels with at least [`LAST_BIN_SHARE`] of their credit at
    /// lags beyond `lookback`: the path models, which see touches inside the window
    /// only, cannot credit it.
    pub(crate) fn lookback_warning(&self, lookback: crate::time::Millis) -> Option<String> {
        let steps = lookback.div_euclid(self.params.step);
        let conversions = self.design.conversions() as f64;
        let (conv, ..) = self.shares();
        let beyond: Vec<String> = self
            .credit_beyond(steps)
            .into_iter()
            .enumerate()
            .filter(|(b, (_, share))| {
                conv[*b] >= MIN_CREDIT_SHARE * conversions && *share >= LAST_BIN_SHARE
            })
            .map(|(_, (c, share))| format!("`{c}` ({:.0}%)", 100.0 * share))
            .collect();
        if beyond.is_empty() {
            return None;
        }
        Some(format!(
            "WARNING: credit beyond the {:.0}-day lookback window of the path models: {}; those models cannot see it (`lookback_days`)",
            lookback as f64 / crate::time::DAY as f64,
            beyond.join(", ")
        ))
    }

    /// A warning when the intervals are wider than the estimates for half the channels
    /// with credit or more: too few conversions to rank channels.
    pub(crate) fn interval_warning(&self) -> Option<String> {
        let intervals = self.intervals.as_ref()?;
        let (conv, ..) = self.shares();
        let credited: Vec<usize> = (0..conv.len()).filter(|&b| conv[b] > 0.0).collect();
        let wide: Vec<&str> = credited
            .iter()
            .filter(|&&b| intervals[b].1 - intervals[b].0 > conv[b])
            .map(|&b| self.roles.exposures[b].1.as_str())
            .collect();
        if credited.is_empty() || 2 * wide.len() < credited.len() {
            return None;
        }
        Some(format!(
            "WARNING: the 95% intervals are wider than the estimates for {} of {} credited \
             channels ({}): {} conversions of {} people are too few to rank the channels; read \
             the intervals, not the order",
            wide.len(),
            credited.len(),
            wide.iter()
                .take(6)
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", "),
            self.design.conversions(),
            self.design.units.len(),
        ))
    }
}
