//! Bootstrap intervals on credit.
//!
//! Each replicate resamples the data and refits every model:
//!
//! * a path summary by the Poisson bootstrap (Hanley & MacGibbon 2006): each row's
//!   conversions and non-conversions are redrawn as Poisson counts with their observed
//!   means, the value following the conversions — the aggregate form of resampling
//!   journeys with replacement;
//! * journeys by giving each journey a Poisson(1) number of copies.
//!
//! Replicate `r` draws from ChaCha8 stream `r` of the seed, and replicates run in
//! parallel, so intervals do not depend on the thread count. The interval of a
//! channel's conversions is the 2.5th to 97.5th percentile over replicates (percentile
//! bootstrap; Efron & Tibshirani 1993, ch. 13).

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::credit::{ChannelCredit, Credit};
use crate::error::{Error, Result};
use crate::journeys::{JourneyInfo, Journeys, PathTable, Timeline, Timelines};
use crate::models::{self, Input, ModelName, ModelSettings};
use crate::param::Param;

/// A channel with fewer attributed conversions than this gets a stability warning.
pub const MIN_STABLE_CONVERSIONS: f64 = 10.0;

/// A Poisson draw with mean `lambda` (Knuth's product method up to 30, a rounded normal
/// approximation beyond).
pub(crate) fn poisson(lambda: f64, rng: &mut ChaCha8Rng) -> f64 {
    if lambda <= 0.0 {
        return 0.0;
    }
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0u32, 1.0);
        loop {
            p *= rng.r#gen::<f64>();
            if p <= limit {
                return f64::from(k);
            }
            k += 1;
        }
    }
    let (u1, u2): (f64, f64) = (rng.r#gen::<f64>().max(f64::MIN_POSITIVE), rng.r#gen());
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    (lambda + lambda.sqrt() * z).round().max(0.0)
}

fn resample_paths(paths: &PathTable, rng: &mut ChaCha8Rng) -> PathTable {
    let mut b = PathTable::builder();
    for name in paths.channels().names() {
        b.channels_mut().intern(name);
    }
    for row in paths.rows() {
        let c = poisson(row.conversions, rng);
        let n = poisson(row.nulls, rng);
        if c + n > 0.0 {
            let value = if row.conversions > 0.0 {
                row.value * c / row.conversions
            } else {
                0.0
            };
            b.push_ids(row.path, c, value, n);
        }
    }
    b.finish()
}

fn resample_journeys(journeys: &Journeys, rng: &mut ChaCha8Rng) -> Journeys {
    let mut b = Journeys::builder();
    b.set_dictionaries(
        journeys.channels().clone(),
        journeys
            .has_campaign()
            .then(|| journeys.campaigns().clone()),
        journeys.has_content().then(|| journeys.contents().clone()),
    );
    for j in journeys.iter() {
        for copy in 0..poisson(1.0, rng) as u32 {
            b.push(
                JourneyInfo {
                    id: format!("{}#{copy}", j.info.id),
                    ..j.info.clone()
                },
                j.touches,
            );
        }
    }
    b.finish()
}

/// Whole logs with each unit drawn a Poisson(1) number of times.
fn resample_logs(logs: &Timelines, rng: &mut ChaCha8Rng) -> Timelines {
    let mut out = Timelines::new(logs.channels.clone(), logs.data_start, logs.data_end);
    out.units_without_conversion = logs.units_without_conversion;
    for t in &logs.units {
        for copy in 0..poisson(1.0, rng) as u32 {
            out.units.push(Timeline {
                unit: format!("{}#{copy}", t.unit),
                ..t.clone()
            });
        }
    }
    out
}

/// Per model, per channel: the conversions of every successful replicate.
pub type Replicates = BTreeMap<String, BTreeMap<String, Vec<f64>>>;

/// Bytes `replicates` replicates of `credits` hold at the end: each replicate's credits
/// (`size_of::<Credit>()` each, plus per channel row `size_of::<ChannelCredit>()`, the
/// name's bytes and its sample, an `f64`) and one `Vec` per replicate.
pub fn memory_bytes(credits: &[Credit], replicates: usize) -> u64 {
    let per_replicate: u64 = credits
        .iter()
        .map(|c| {
            let rows: u64 = c
                .channels
                .iter()
                .map(|r| (size_of::<ChannelCredit>() + r.channel.len() + 8) as u64)
                .sum();
            size_of::<Credit>() as u64 + rows
        })
        .sum::<u64>()
        + size_of::<Vec<Credit>>() as u64;
    per_replicate.saturating_mul(replicates as u64)
}

/// Fails when `replicates` replicates of `credits` need more memory
/// ([`memory_bytes`]) than `limit` (default: what is available), naming the replicates.
pub fn check_memory(credits: &[Credit], replicates: usize, limit: Option<u64>) -> Result<()> {
    let rows: usize = credits.iter().map(|c| c.channels.len()).sum();
    crate::memory::check(
        "bootstrap",
        &format!("{replicates} replicates of {rows} credit rows"),
        memory_bytes(credits, replicates),
        limit,
        "ask for fewer `bootstrap` replicates (200 give stable 95% intervals)",
    )
}

/// Runs `replicates` bootstrap replicates of `models` on `input`.
pub fn bootstrap(
    models: &[ModelName],
    settings: &ModelSettings,
    input: &Input<'_>,
    replicates: usize,
    seed: u64,
) -> Result<Replicates> {
    if replicates < 2 {
        return Err(Error::param(
            Param::Bootstrap,
            "needs at least 2 replicates",
        ));
    }
    let progress = crate::progress::Counter::new("bootstrap replicates", replicates as u64);
    let runs: Vec<Vec<Credit>> = (0..replicates)
        .into_par_iter()
        .map(|r| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xb007);
            rng.set_stream(r as u64);
            let replicate: Vec<Credit> = models
                .iter()
                .filter_map(|&m| {
                    let one = [m];
                    match input {
                        Input::Paths(p) => {
                            let t = resample_paths(p, &mut rng);
                            models::attribute(&one, settings, &Input::Paths(&t)).ok()
                        }
                        Input::Journeys(j) => {
                            let t = resample_journeys(j, &mut rng);
                            models::attribute(&one, settings, &Input::Journeys(&t)).ok()
                        }
                        Input::Logs(j, logs) => {
                            let t = resample_journeys(j, &mut rng);
                            let l = resample_logs(logs, &mut rng);
                            models::attribute(&one, settings, &Input::Logs(&t, &l)).ok()
                        }
                    }
                })
                .flatten()
                .collect();
            progress.inc();
            replicate
        })
        .collect();
    let mut out: Replicates = BTreeMap::new();
    for credits in runs {
        for credit in credits {
            let model = out.entry(credit.model.clone()).or_default();
            for row in credit.channels {
                model.entry(row.channel).or_default().push(row.conversions);
            }
        }
    }
    Ok(out)
}

/// The `q`-quantile of sorted samples, by linear interpolation.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (i, f) = (pos.floor() as usize, pos.fract());
    sorted[i] + f * (sorted[(i + 1).min(sorted.len() - 1)] - sorted[i])
}

/// Writes 95% percentile intervals into the credits' interval columns (a channel absent
/// from some replicates counts 0 there) and notes unstable channels.
pub fn apply_intervals(credits: &mut [Credit], replicates: &Replicates, requested: usize) {
    for credit in credits {
        let Some(by_channel) = replicates.get(&credit.model) else {
            credit
                .notes
                .push("bootstrap: every replicate failed; no interval".to_string());
            continue;
        };
        let done = by_channel.values().map(Vec::len).max().unwrap_or(0);
        let mut few = Vec::new();
        for row in &mut credit.channels {
            let mut samples = by_channel.get(&row.channel).cloned().unwrap_or_default();
            samples.resize(done, 0.0);
            if samples.len() >= 2 {
                samples.sort_by(f64::total_cmp);
                row.conversions_lo = Some(quantile(&samples, 0.025));
                row.conversions_hi = Some(quantile(&samples, 0.975));
            }
            if row.conversions < MIN_STABLE_CONVERSIONS {
                few.push(format!("{} ({:.1})", row.channel, row.conversions));
            }
        }
        credit.notes.push(format!(
            "bootstrap: 95% percentile intervals from {done} of {requested} replicates"
        ));
        if !few.is_empty() {
            credit.notes.push(format!(
                "WARNING: fewer than {MIN_STABLE_CONVERSIONS} attributed conversions, intervals are unstable: {}",
                few.join(", ")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_has_the_right_mean_and_variance() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for lambda in [0.5, 4.0, 100.0] {
            let draws: Vec<f64> = (0..40_000).map(|_| poisson(lambda, &mut rng)).collect();
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / draws.len() as f64;
            assert!(
                (mean - lambda).abs() < 0.05 * lambda.max(1.0),
                "{lambda}: {mean}"
            );
            assert!(
                (var - lambda).abs() < 0.1 * lambda.max(1.0),
                "{lambda}: {var}"
            );
        }
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), 3.0);
        assert!((quantile(&[0.0, 10.0], 0.025) - 0.25).abs() < 1e-12);
    }
}
