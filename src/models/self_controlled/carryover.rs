//! Where a channel's credit sits in time, and the warnings it calls for: carryover that
//! outlasts the lag horizon, credit beyond another model's lookback window, intervals
//! too wide to rank channels.
//!
//! **Carryover past the horizon.** Lags are measured out to a horizon `H` of half the
//! study span (at most 90 days): beyond it too few people are seen long enough after an
//! exposure. An effect that lasts longer raises the hazard of steps the model reads as
//! unexposed, so it is taken for baseline and the channel is under-credited, and the
//! fitted profile cannot show it (its last bins are pooled towards 0 by the smoothness
//! penalty). What the profile does show is how its effect is spread over the horizon:
//! its mean lag `m = Σ_l β_l Σ_{t∈l} (t + ½) / Σ_l β_l |l|`. Read as a geometric
//! (exponential) decay `β(t) ∝ e^{−kt}`, the carryover form of media-mix models (Jin et
//! al. 2017, *Bayesian Methods for Media Mix Modeling with Carryover and Shape
//! Effects*, Google), truncated at `H`, the mean lag is `m/H = 1/x − 1/(eˣ − 1)` with
//! `x = kH`, and the share of the whole effect beyond the horizon is `e^{−x}`. A profile
//! whose mean lag reaches `H/2` is not decaying at all (share 1). The assumption is the
//! decay's form; a flat effect that ends just past `H` has less beyond it than this says,
//! one that lasts months more.

use serde::Serialize;

use crate::models::self_controlled::FittedSelfControlled;

/// The share of a channel's effect (extrapolated beyond the horizon, or at lags beyond
/// another model's lookback window) from which it is warned about.
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
    /// The mean lag of its effect over the horizon, in days (0 without an effect).
    pub mean_lag_days: f64,
    /// The share of its whole effect that lies beyond the horizon when the profile is
    /// read as an exponential decay ([`share_beyond_horizon`]).
    pub beyond_horizon: f64,
}

/// The share `e^{−x}` of an exponential decay's effect beyond a horizon `H`, from the
/// mean lag `m` of its part within `[0, H)`: `x` solves `m/H = 1/x − 1/(eˣ − 1)` (a
/// decreasing function of `x`, from ½ as `x → 0`), by bisection. A mean lag of `H/2`
/// or more (flat or rising) gives 1; 0 gives 0.
pub fn share_beyond_horizon(mean_lag: f64, horizon: f64) -> f64 {
    if mean_lag.is_nan() || horizon.is_nan() || mean_lag <= 0.0 || horizon <= 0.0 {
        return 0.0;
    }
    let target = mean_lag / horizon;
    if target >= 0.5 {
        return 1.0;
    }
    let ratio = |x: f64| 1.0 / x - 1.0 / x.exp_m1();
    let (mut lo, mut hi) = (1e-9_f64, 700.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if ratio(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (-0.5 * (lo + hi)).exp()
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
        let step_days = self.params.step as f64 / crate::time::DAY as f64;
        let horizon = post
            .last()
            .map_or(0.0, |&l| f64::from(self.lags[l].1) + 1.0);
        by.into_iter()
            .enumerate()
            .map(|(b, credit)| {
                let total: f64 = post.iter().map(|&l| credit[l]).sum();
                let last = post.last().map_or(0.0, |&l| credit[l]);
                // The effect's mean lag over the horizon, from the credited profile.
                let (mut area, mut moment) = (0.0, 0.0);
                for &l in &post {
                    let (lo, hi) = self.lags[l];
                    let width = f64::from(hi - lo + 1);
                    let beta = credited[b * bins + l].max(0.0);
                    area += beta * width;
                    moment += beta * width * (f64::from(lo) + f64::from(hi) + 1.0) / 2.0;
                }
                let mean_lag = if area > 0.0 { moment / area } else { 0.0 };
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
                    mean_lag_days: mean_lag * step_days,
                    beyond_horizon: share_beyond_horizon(mean_lag, horizon),
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

    /// A warning per channel with a material credit whose effect, read as a decay
    /// over its lag profile, leaves at least [`LAST_BIN_SHARE`] of itself beyond the
    /// horizon ([`share_beyond_horizon`]).
    /// `(channel, share beyond the horizon, warning)`.
    pub(crate) fn carryover_warnings(&self) -> Vec<(String, f64, String)> {
        let conversions = self.design.conversions() as f64;
        let step_days = self.params.step as f64 / crate::time::DAY as f64;
        let Some(&(_, hi)) = self.lags.iter().rfind(|l| l.0 >= 0) else {
            return Vec::new();
        };
        let horizon_days = f64::from(hi + 1) * step_days;
        self.credit_by_lag()
            .into_iter()
            .filter(|c| {
                let total: f64 = c.bins.iter().map(|b| b.1).sum();
                total >= MIN_CREDIT_SHARE * conversions && c.beyond_horizon >= LAST_BIN_SHARE
            })
            .map(|c| {
                let beyond = if c.beyond_horizon >= 1.0 {
                    "its effect does not decay within the horizon, so how long it lasts \
                     cannot be read from these data"
                        .to_string()
                } else {
                    format!(
                        "read as a decay, about {:.0}% of its effect lies beyond the horizon",
                        100.0 * c.beyond_horizon
                    )
                };
                let warning = format!(
                    "WARNING: `{}`'s effect is spread far over its lags (mean lag {:.0} of a \
                     {:.0}-day horizon): {beyond}, where the model reads it as baseline, so \
                     its credit may be too low; lags beyond half the study period cannot be \
                     measured (`hazard_lags`), a longer study or a lift test can",
                    c.channel, c.mean_lag_days, horizon_days,
                );
                (c.channel, c.beyond_horizon, warning)
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

#[cfg(test)]
mod tests {
    use super::share_beyond_horizon;

    /// Hand-derived: with `x = kH = 1`, the mean lag of `e^{−kt}` on `[0, H)` is
    /// `H (1 − 1/(e − 1)) = 0.418023 H` and `e^{−1} = 0.367879` of the effect lies
    /// beyond `H`; with `x = 3`, `H (1/3 − 1/(e³ − 1)) = 0.280938 H` and `e^{−3}`.
    #[test]
    fn the_share_beyond_the_horizon_inverts_the_truncated_mean_lag() {
        let h = 45.0;
        let at = |x: f64| h * (1.0 / x - 1.0 / x.exp_m1());
        assert!((at(1.0) / h - 0.418_023).abs() < 1e-6);
        assert!((share_beyond_horizon(at(1.0), h) - (-1.0_f64).exp()).abs() < 1e-9);
        assert!((share_beyond_horizon(at(3.0), h) - (-3.0_f64).exp()).abs() < 1e-9);
        assert!((at(3.0) / h - 0.280_938).abs() < 1e-6);
        // Flat or rising: all of it may lie beyond; no effect: none.
        assert_eq!(share_beyond_horizon(22.5, h), 1.0);
        assert_eq!(share_beyond_horizon(30.0, h), 1.0);
        assert_eq!(share_beyond_horizon(0.0, h), 0.0);
        assert_eq!(share_beyond_horizon(f64::NAN, h), 0.0);
        // Short effects leave nothing measurable beyond.
        assert!(share_beyond_horizon(2.0, h) < 1e-9);
    }
}
