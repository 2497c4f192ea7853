//! Splitting each conversion over its touches by per-touch weights.
//!
//! Every rule-based model is a weighting of touches: given a path (or a journey), it
//! returns one weight per touch, summing to 1, and a channel's credit is
//! `Σ_paths Σ_touches of that channel  conversions × weight` (value likewise). The two
//! helpers here do that summation once for path tables and once for journeys.

use crate::channel::ChannelId;
use crate::credit::Credit;
use crate::error::Result;
use crate::journeys::{Journey, Journeys, PathTable};

/// Splits every row's conversions and value over its touches by `weights`, which
/// writes one weight per touch (summing to 1) into its buffer.
pub(crate) fn credit_by_touch_weights<F>(model: &str, paths: &PathTable, mut weights: F) -> Credit
where
    F: FnMut(&[ChannelId], &mut Vec<f64>),
{
    let n = paths.channels().len();
    let (mut conversions, mut value) = (vec![0.0; n], vec![0.0; n]);
    let mut w = Vec::new();
    for row in paths.rows() {
        if row.conversions == 0.0 && row.value == 0.0 {
            continue;
        }
        w.clear();
        weights(row.path, &mut w);
        debug_assert_eq!(w.len(), row.path.len());
        for (&c, &wi) in row.path.iter().zip(&w) {
            conversions[c as usize] += row.conversions * wi;
            value[c as usize] += row.value * wi;
        }
    }
    Credit::from_ids(
        model,
        paths.channels(),
        &conversions,
        &value,
        paths.total_conversions(),
        paths.total_value(),
    )
}

/// Splits every converting journey's conversion (1) and value over its touches by
/// `weights`, which writes one weight per touch (summing to 1) or fails.
pub(crate) fn credit_journeys_by_touch_weights<F>(
    model: &str,
    journeys: &Journeys,
    mut weights: F,
) -> Result<Credit>
where
    F: FnMut(&Journey<'_>, &mut Vec<f64>) -> Result<()>,
{
    let n = journeys.channels().len();
    let (mut conversions, mut value) = (vec![0.0; n], vec![0.0; n]);
    let mut w = Vec::new();
    for j in journeys.iter().filter(|j| j.info.converted) {
        w.clear();
        weights(&j, &mut w)?;
        debug_assert_eq!(w.len(), j.touches.len());
        for (t, &wi) in j.touches.iter().zip(&w) {
            conversions[t.channel as usize] += wi;
            value[t.channel as usize] += j.info.value * wi;
        }
    }
    Ok(Credit::from_ids(
        model,
        journeys.channels(),
        &conversions,
        &value,
        journeys.total_conversions(),
        journeys.total_value(),
    ))
}
