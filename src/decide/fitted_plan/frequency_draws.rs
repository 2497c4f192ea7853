//! The curve draws of a channel whose exposures are valued by frequency rank: the
//! uncertainty of the ranks' relative values carried into the plan beside that of the
//! curve.
//!
//! The channel's response per period is its effective exposures `F(E_p)`
//! ([`crate::decide::frequency`]), which depend on the relative values `ρ`. Each of `W`
//! draws of `ρ` (from the estimate's normal approximation, [`FrequencyEffect::draws`])
//! gives its own series `F_w(E_p)` and its own value of an effective exposure
//! `u_w = u · s / s_w` (the credit's level kept, `s` the effective share); the curve is
//! refitted to it in the point fit's form (periods resampled as in
//! [`crate::decide::response::bootstrap`]) and scaled by `s / s_w`, and the plan's
//! draws are shared out over the `W` series in turn. So the draws carry both the
//! periods' noise and the ranks' uncertainty.

use crate::decide::frequency::FrequencyEffect;
use crate::decide::response::{Curve, CurveForm, FitParams};
use crate::error::Result;

/// Series of `ρ` drawn (each refitted once with its share of the draws).
pub const VALUE_SERIES: usize = 20;

/// One alternative series of responses and the factor its curves are scaled by.
pub(super) type Alternative = (Vec<f64>, f64);

/// The `W` alternative series of a channel with exposures `exposures` per period.
pub(super) fn alternatives(
    effect: &FrequencyEffect,
    exposures: &[f64],
    seed: u64,
) -> Vec<Alternative> {
    let share = |rel: &[f64; 3]| -> f64 {
        let e: f64 = exposures.iter().sum();
        exposures
            .iter()
            .map(|&x| effect.effective(x, rel))
            .sum::<f64>()
            / e.max(f64::MIN_POSITIVE)
    };
    let s = share(&effect.relative);
    effect
        .draws(VALUE_SERIES, seed)
        .into_iter()
        .map(|rel| {
            let series = exposures
                .iter()
                .map(|&x| effect.effective(x, &rel))
                .collect();
            let sw = share(&rel);
            (series, if sw > 0.0 { s / sw } else { 1.0 })
        })
        .collect()
}

/// `draws` curves refitted over `alternatives` in turn, in the form `form`.
pub(super) fn curve_draws(
    fit: &FitParams,
    form: CurveForm,
    spend: &[f64],
    alternatives: &[Alternative],
    draws: usize,
) -> Result<Vec<Curve>> {
    let w = alternatives.len().max(1);
    let mut out = Vec::with_capacity(draws);
    for (i, (series, factor)) in alternatives.iter().enumerate() {
        let n = draws / w + usize::from(i < draws % w);
        if n == 0 {
            continue;
        }
        let points: Vec<(f64, f64)> = spend.iter().copied().zip(series.iter().copied()).collect();
        let boot = fit
            .clone()
            .form(Some(form))
            .seed(fit.seed.wrapping_add(1 + i as u64))
            .bootstrap(&points, n)?;
        out.extend(boot.draws.iter().map(|c| c.scaled(*factor)));
    }
    Ok(out)
}
