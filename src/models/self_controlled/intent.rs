//! Exposure that follows intent: a hazard already raised before a channel's exposures.
//!
//! With pre-exposure bins in the model, `1 + β_pre` (the bin nearest the exposure, 1–3
//! days before it by default) is the hazard in the days before an exposure relative to
//! the person's baseline. Exposure that is random in time, or aimed at a trait that does
//! not change (conditioned away with the person's own baseline), leaves it at 1. Exposure
//! that follows the person's *current* intent (in-market people, people searching right
//! now) raises it: the hazard was already up when the exposure came, and the post-exposure
//! bins read some of that intent as the channel's effect (Whitaker, Hocine & Farrington
//! 2009, *Stat Methods Med Res* 18:7, on exposures that depend on the event process;
//! Farrington, Whitaker & Ghebremichael 2018, ch. 6, pre-exposure risk periods).
//!
//! Per channel: the ratio with its 95% interval (from the observed information of the
//! fit), the credit with each post-exposure bin reduced by the pre-exposure level at the
//! mirrored lag (the *adjusted* credit, which assumes that intent stays about as high
//! after an exposure as it was before it), and the share of the channel's credit at risk
//! (`1 − adjusted / raw`). A channel whose ratio is at least [`MIN_RATIO`], its interval
//! above 1, and whose credit at risk is at least [`AT_RISK`] is flagged, and the model
//! warns naming it.

use serde::Serialize;

use crate::models::self_controlled::FittedSelfControlled;

/// The share of a channel's credit at risk from which a raised pre-exposure hazard is
/// warned about.
pub const AT_RISK: f64 = 0.10;

/// The pre-exposure hazard ratio a channel's estimate must reach (its interval's lower
/// end above 1 as well) to be flagged. A raised hazard of a few percent is what model
/// misfit puts into the pre-exposure bins on worlds where exposure is random (measured:
/// 1.04–1.18 on an independently simulated random-exposure world with repeated
/// conversions, 1.07–1.14 on our simulator's, significant with 100,000–200,000
/// people); channels shown to people in market reached 1.37–2.06.
pub const MIN_RATIO: f64 = 1.25;

/// Normal quantile of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// One channel's pre-exposure hazard and what it puts at risk.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PreExposure {
    /// The channel.
    pub channel: String,
    /// Hazard in the pre-exposure bin nearest the exposure, relative to baseline.
    pub ratio: f64,
    /// 95% interval of the ratio (`None` where the information is singular or the
    /// coefficient is on its bound).
    pub ratio_lo: Option<f64>,
    /// Upper end.
    pub ratio_hi: Option<f64>,
    /// The channel's credit, post-exposure bins whole.
    pub credit_raw: f64,
    /// The channel's credit with each post-exposure bin less the mirrored pre-exposure
    /// level.
    pub credit_adjusted: f64,
    /// `1 − adjusted / raw` (0 without credit).
    pub share_at_risk: f64,
    /// Whether exposure follows intent here: the ratio at least [`MIN_RATIO`], its
    /// interval above 1, and at least [`AT_RISK`] of the credit at risk, in logs that
    /// cover the time before conversions (never in logs cut at the conversion:
    /// [`crate::models::self_controlled::LogCoverage`]).
    pub flagged: bool,
}

impl FittedSelfControlled {
    /// Per exposure channel, its pre-exposure hazard (empty without pre-exposure bins).
    pub(crate) fn pre_exposure(&self) -> Vec<PreExposure> {
        let bins = self.bins();
        let Some(near) = self.lags.iter().position(|&(_, hi)| hi == -1) else {
            return Vec::new();
        };
        let theta = &self.solution.theta;
        let (free, cov) = self.covariance();
        let n = self.roles.exposures.len();
        let raw = self.shares_with(theta, &vec![false; n]).0;
        let adjusted = self.shares_with(theta, &vec![true; n]).0;
        (0..n)
            .map(|b| {
                let k = b * bins + near;
                let se = cov
                    .as_ref()
                    .and_then(|c| self.theta_variance(k, &free, c))
                    .filter(|v| *v > 0.0)
                    .map(f64::sqrt);
                let share_at_risk = if raw[b] > 0.0 {
                    (1.0 - adjusted[b] / raw[b]).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let lo = se.map(|s| (1.0 + theta[k] - Z95 * s).max(0.0));
                PreExposure {
                    channel: self.roles.exposures[b].1.clone(),
                    ratio: 1.0 + theta[k],
                    ratio_lo: lo,
                    ratio_hi: se.map(|s| 1.0 + theta[k] + Z95 * s),
                    credit_raw: raw[b],
                    credit_adjusted: adjusted[b],
                    share_at_risk,
                    flagged: !self.coverage.truncated && raised(lo, 1.0 + theta[k], share_at_risk),
                }
            })
            .collect()
    }

    /// The exposure channels whose checks against behaviour are raised, flagged or not:
    /// the pre-exposure hazard, exposure after visits, exposure around conversions.
    pub(crate) fn raised_checks(&self) -> Vec<String> {
        self.roles
            .exposures
            .iter()
            .enumerate()
            .filter(|&(b, _)| {
                self.pre_exposure
                    .get(b)
                    .is_some_and(|p| raised(p.ratio_lo, p.ratio, p.share_at_risk))
                    || self
                        .shifts
                        .get(b)
                        .is_some_and(|s| s.flagged || s.follows_state)
            })
            .map(|(_, (_, name))| format!("`{name}`"))
            .collect()
    }
}

/// Whether a pre-exposure hazard is raised: the ratio at least [`MIN_RATIO`], its
/// interval's lower end above 1, and at least [`AT_RISK`] of the credit at risk.
fn raised(lo: Option<f64>, ratio: f64, share_at_risk: f64) -> bool {
    lo.is_some_and(|l| l > 1.0) && ratio >= MIN_RATIO && share_at_risk >= AT_RISK
}

/// The warning for a flagged channel.
pub fn warning(p: &PreExposure) -> String {
    format!(
        "WARNING: exposure to `{}` follows intent: the hazard in the days before its exposures \
         is already {:.2}x the person's baseline ({}), so {:.0}% of its credit ({:.1} of {:.1} \
         conversions) may be intent rather than effect; the adjusted estimate credits only the \
         rise over the pre-exposure level (`hazard_adjust` adjusted)",
        p.channel,
        p.ratio,
        match (p.ratio_lo, p.ratio_hi) {
            (Some(lo), Some(hi)) => format!("95% interval {lo:.2}–{hi:.2}"),
            _ => "interval not available".to_string(),
        },
        100.0 * p.share_at_risk,
        p.credit_raw - p.credit_adjusted,
        p.credit_raw,
    )
}

/// The warning for a channel whose exposure rises after conversions as well as before
/// them ([`crate::models::self_controlled::ExposureShift::follows_state`]), with its
/// credit `credit`.
pub fn state_warning(shift: &crate::models::self_controlled::ExposureShift, credit: f64) -> String {
    format!(
        "WARNING: exposure to `{}` rises around conversions on both sides ({:.1}x its usual rate \
         in the {} days after a conversion, {:.1}x before): it follows people's current state \
         (in market) or reacts to the conversion, which this model cannot tell from an effect; \
         about {:.0}% of its credit ({:.1} conversions) is at risk; a lift test on it would \
         settle it",
        shift.channel,
        shift.after_ratio.unwrap_or(f64::NAN),
        crate::models::self_controlled::diagnostics::WINDOW,
        if shift.rate_elsewhere > 0.0 {
            shift.rate_before / shift.rate_elsewhere
        } else {
            f64::NAN
        },
        100.0 * shift.share_at_risk,
        shift.share_at_risk * credit,
    )
}
