//! The fitted curves of a plan from measured response as a table: each channel's value
//! per period on a spend grid, with its 80% band over the bootstrap draws and whether the
//! spend lies in the range the curve saw (`budget --curves`).

use serde::Serialize;

use crate::decide::fitted_plan::FittedPlan;
use crate::error::Result;

/// Points of each channel's curve in [`write_curves`].
pub const CURVE_POINTS: usize = 41;

/// One point of a channel's value curve, with its band over the draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurvePoint {
    /// The channel.
    pub channel: String,
    /// Spend per period.
    pub spend: f64,
    /// Value per period under the fitted curve.
    pub value: f64,
    /// 10th percentile over the curve draws.
    pub value_p10: f64,
    /// 90th percentile over the curve draws.
    pub value_p90: f64,
    /// Whether the spend lies inside the range the curve was fitted on.
    pub in_fitted_range: bool,
}

/// Each fitted channel's value curve on [`CURVE_POINTS`] spends from 0 to twice the
/// larger of today's spend and the fitted range's top, with its 80% band.
pub fn curve_points(plan: &FittedPlan) -> Vec<CurvePoint> {
    let mut out = Vec::new();
    for row in &plan.rows {
        let Some((fitted, v, draws)) = plan.curves.get(&row.channel) else {
            continue;
        };
        let top = 2.0 * row.current_spend.max(fitted.spend_max);
        for i in 0..CURVE_POINTS {
            let x = top * i as f64 / (CURVE_POINTS - 1) as f64;
            let mut values: Vec<f64> = draws.iter().map(|c| v * c.value(x)).collect();
            values.sort_by(f64::total_cmp);
            let pick = |p: f64| {
                if values.is_empty() {
                    return v * fitted.curve.value(x);
                }
                let h = (values.len() - 1) as f64 * p;
                let (lo, f) = (h.floor() as usize, h - h.floor());
                values[lo] + f * (values[(lo + 1).min(values.len() - 1)] - values[lo])
            };
            out.push(CurvePoint {
                channel: row.channel.clone(),
                spend: x,
                value: v * fitted.curve.value(x),
                value_p10: pick(0.1),
                value_p90: pick(0.9),
                in_fitted_range: !fitted.outside_range(x),
            });
        }
    }
    out
}

/// Writes [`curve_points`] as CSV (`channel,spend,value,value_p10,value_p90,
/// in_fitted_range`).
pub fn write_curves(plan: &FittedPlan, out: &mut dyn std::io::Write) -> Result<()> {
    crate::report::rows::write_rows(&curve_points(plan), out)
}
