//! Seeded synthetic path summaries.
//!
//! [`PathSynth`] draws a [`PathTable`] with an exact number of distinct paths over
//! `c01..cNN` channels: channel popularity falls off as `1/(rank+1)^0.6`, path lengths
//! are `1 + Geometric(1/mean_extra)` capped at `max_len`, each path is taken by
//! `1 + Geometric` journeys, and each journey converts with probability
//! `1 − Π_touches (1 − e_c)` with per-channel effects `e_c` spread over `[0.005, 0.08]`.
//! The numbers have realistic shape (many short paths, a long tail, conversion rates of
//! a few percent) but no causal meaning; use the simulator for ground truth.
//!
//! The stream is ChaCha8 from a seed, so a seed gives the same table on every machine.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashSet;

use crate::channel::ChannelId;
use crate::error::{Error, Result};
use crate::journeys::PathTable;
use crate::param::Param;

/// Parameters of a synthetic path summary.
#[derive(Clone, Debug, PartialEq)]
pub struct PathSynth {
    /// Distinct paths to draw (default 10,000).
    pub paths: usize,
    /// Number of channels (default 10).
    pub channels: usize,
    /// Mean path length (default 4).
    pub mean_len: f64,
    /// Longest path (default 20).
    pub max_len: usize,
    /// Mean journeys per distinct path (default 3).
    pub mean_journeys: f64,
    /// Seed of the random stream (default 1).
    pub seed: u64,
}

impl Default for PathSynth {
    fn default() -> Self {
        Self {
            paths: 10_000,
            channels: 10,
            mean_len: 4.0,
            max_len: 20,
            mean_journeys: 3.0,
            seed: 1,
        }
    }
}

impl PathSynth {
    /// Checks the parameters, including that enough distinct paths exist.
    pub fn validate(&self) -> Result<()> {
        if self.channels == 0 || self.channels > 999 {
            return Err(Error::param(Param::Channels, "must be between 1 and 999"));
        }
        if self.max_len == 0
            || self.mean_len.is_nan()
            || self.mean_len < 1.0
            || self.mean_len > self.max_len as f64
        {
            return Err(Error::param(
                Param::MeanLen,
                "needs 1 ≤ mean length ≤ max length",
            ));
        }
        if self.mean_journeys.is_nan() || self.mean_journeys < 1.0 {
            return Err(Error::param(Param::MeanJourneys, "must be at least 1"));
        }
        let possible: f64 = (1..=self.max_len)
            .map(|k| (self.channels as f64).powi(k as i32))
            .sum();
        if (self.paths as f64) > possible / 4.0 {
            return Err(Error::param(
                Param::Rows,
                format!(
                    "{} distinct paths is too many for {} channels and length ≤ {} (at most {possible:.0} exist)",
                    self.paths, self.channels, self.max_len
                ),
            ));
        }
        Ok(())
    }

    /// Draws the table.
    pub fn generate(&self) -> Result<PathTable> {
        self.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let popularity: Vec<f64> = (0..self.channels)
            .map(|r| 1.0 / ((r + 1) as f64).powf(0.6))
            .collect();
        let total: f64 = popularity.iter().sum();
        let mut cumulative = Vec::with_capacity(self.channels);
        let mut acc = 0.0;
        for p in &popularity {
            acc += p / total;
            cumulative.push(acc);
        }
        let effects: Vec<f64> = (0..self.channels)
            .map(|i| {
                0.005 + 0.075 * ((i * 7919) % self.channels) as f64 / self.channels.max(2) as f64
            })
            .collect();
        let p_more = 1.0 - 1.0 / self.mean_len;
        let p_more_journeys = 1.0 - 1.0 / self.mean_journeys;

        let mut builder = PathTable::builder();
        for c in 0..self.channels {
            builder.channels_mut().intern(&format!("c{:02}", c + 1));
        }
        let mut seen: FxHashSet<Vec<ChannelId>> = FxHashSet::default();
        let mut path = Vec::new();
        while seen.len() < self.paths {
            path.clear();
            loop {
                let u: f64 = rng.r#gen();
                let c = cumulative
                    .partition_point(|&x| x < u)
                    .min(self.channels - 1);
                path.push(c as ChannelId);
                if path.len() >= self.max_len || rng.r#gen::<f64>() >= p_more {
                    break;
                }
            }
            if !seen.insert(path.clone()) {
                continue;
            }
            let p_convert = 1.0
                - path
                    .iter()
                    .map(|&c| 1.0 - effects[c as usize])
                    .product::<f64>();
            let mut journeys = 1u32;
            while rng.r#gen::<f64>() < p_more_journeys {
                journeys += 1;
            }
            let conversions = (0..journeys)
                .filter(|_| rng.r#gen::<f64>() < p_convert)
                .count() as f64;
            let value = if conversions > 0.0 {
                (conversions * rng.gen_range(50.0..150.0) * 100.0).round() / 100.0
            } else {
                0.0
            };
            builder.push_ids(&path, conversions, value, journeys as f64 - conversions);
        }
        Ok(builder.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_distinct_count_and_deterministic() {
        let synth = PathSynth {
            paths: 500,
            channels: 6,
            ..PathSynth::default()
        };
        let a = synth.generate().unwrap();
        assert_eq!(a.len(), 500);
        assert_eq!(a.channels().len(), 6);
        assert!(a.total_conversions() > 0.0 && a.total_nulls() > 0.0);
        assert_eq!(a, synth.generate().unwrap());
        let other = PathSynth { seed: 2, ..synth }.generate().unwrap();
        assert_ne!(a, other);
    }

    #[test]
    fn refuses_impossible_requests() {
        let synth = PathSynth {
            paths: 1000,
            channels: 2,
            max_len: 3,
            mean_len: 2.0,
            ..PathSynth::default()
        };
        assert!(synth.generate().is_err());
    }
}
