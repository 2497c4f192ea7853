//! Seeded synthetic raw event logs: `events.csv` and `identities.csv`.
//!
//! [`EventSynth`] draws people who browse on one to three devices (cookies), of whom a
//! share log in (an identity edge per device to their user id). Each person starts at
//! a uniform time in the period and gets `1 + Geometric` touches (fewer if the period
//! ends first), in bursts (a third of follow-up touches
//! come minutes after the previous one, in the same session) and otherwise days apart.
//! After each touch the person converts with a small probability that depends on the
//! touch's channel; conversions are logged under the user id when the person logs in,
//! else under the device. Touches carry a campaign and a content; events have no
//! session id, so sessions are cut by the inactivity gap (the costly path).
//!
//! Rows are written in a shuffled order (shuffled within blocks of people, so memory
//! stays bounded), which is what "events need not be sorted" has to handle.

use std::io::Write;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::param::Param;
use crate::time::{DAY, MINUTE, Millis, days_from_civil, format_timestamp};

const NAMED_CHANNELS: [&str; 10] = [
    "paid_search",
    "organic_search",
    "email",
    "display",
    "paid_social",
    "direct",
    "referral",
    "affiliate",
    "video",
    "push",
];

/// People per shuffled block.
const BLOCK: usize = 20_000;

/// Parameters of a synthetic event log.
#[derive(Clone, Debug, PartialEq)]
pub struct EventSynth {
    /// People (default 10,000); about 8.5 events each with the defaults.
    pub persons: usize,
    /// Channels (default 10; the first ten have real names, then `c11`, `c12`, …).
    pub channels: usize,
    /// Mean touches per person (default 8).
    pub mean_touches: f64,
    /// Days the log spans, from 2026-01-01 (default 120).
    pub days: u32,
    /// Share of people who log in (default 0.6).
    pub login_rate: f64,
    /// Seed (default 1).
    pub seed: u64,
}

impl Default for EventSynth {
    fn default() -> Self {
        Self {
            persons: 10_000,
            channels: 10,
            mean_touches: 8.0,
            days: 120,
            login_rate: 0.6,
            seed: 1,
        }
    }
}

/// What a generator run wrote.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EventSynthCounts {
    /// Event rows.
    pub events: u64,
    /// Touch rows.
    pub touches: u64,
    /// Conversion rows.
    pub conversions: u64,
    /// Identity edges.
    pub identity_edges: u64,
}

impl EventSynth {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.persons == 0 {
            return Err(Error::param(Param::Persons, "must be at least 1"));
        }
        if self.channels == 0 || self.channels > 999 {
            return Err(Error::param(Param::Channels, "must be between 1 and 999"));
        }
        if self.mean_touches.is_nan() || self.mean_touches < 1.0 {
            return Err(Error::param(Param::MeanTouches, "must be at least 1"));
        }
        if self.days == 0 {
            return Err(Error::param(Param::Days, "must be at least 1"));
        }
        if !(0.0..=1.0).contains(&self.login_rate) {
            return Err(Error::param(Param::LoginRate, "must be between 0 and 1"));
        }
        Ok(())
    }

    fn channel_names(&self) -> Vec<String> {
        (0..self.channels)
            .map(|i| {
                NAMED_CHANNELS
                    .get(i)
                    .map_or_else(|| format!("c{:02}", i + 1), |n| n.to_string())
            })
            .collect()
    }

    /// Writes `events` (`timestamp,user_id,event,channel,campaign,content,value`) and
    /// `identities` (`anonymous_id,user_id`).
    pub fn write<E: Write, I: Write>(&self, events: E, identities: I) -> Result<EventSynthCounts> {
        self.validate()?;
        let names = self.channel_names();
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let popularity: Vec<f64> = (0..self.channels)
            .map(|r| 1.0 / ((r + 1) as f64).powf(0.5))
            .collect();
        let total: f64 = popularity.iter().sum();
        let cumulative: Vec<f64> = popularity
            .iter()
            .scan(0.0, |acc, p| {
                *acc += p / total;
                Some(*acc)
            })
            .collect();
        let hazard: Vec<f64> = (0..self.channels)
            .map(|i| 0.01 + 0.05 * ((i * 7) % self.channels.max(1)) as f64 / self.channels as f64)
            .collect();
        let start = days_from_civil(2026, 1, 1) * DAY;
        let span = Millis::from(self.days) * DAY;
        let p_more = 1.0 - 1.0 / self.mean_touches;

        let err = |e: std::io::Error| Error::Write(e);
        let mut ev = std::io::BufWriter::with_capacity(1 << 20, events);
        let mut ids = std::io::BufWriter::with_capacity(1 << 20, identities);
        writeln!(ev, "timestamp,user_id,event,channel,campaign,content,value").map_err(err)?;
        writeln!(ids, "anonymous_id,user_id").map_err(err)?;
        let mut counts = EventSynthCounts::default();
        let mut block: Vec<String> = Vec::new();
        let mut devices: Vec<String> = Vec::new();
        for person in 0..self.persons {
            devices.clear();
            let n_devices = 1 + usize::from(rng.gen_bool(0.4)) + usize::from(rng.gen_bool(0.15));
            for _ in 0..n_devices {
                devices.push(format!("{:012x}", rng.r#gen::<u64>() & 0xffff_ffff_ffff));
            }
            let user = rng
                .gen_bool(self.login_rate)
                .then(|| format!("user{person:08}"));
            if let Some(user) = &user {
                for d in &devices {
                    writeln!(ids, "{d},{user}").map_err(err)?;
                    counts.identity_edges += 1;
                }
            }
            let mut t = start + rng.gen_range(0..span);
            loop {
                let u: f64 = rng.r#gen();
                let c = cumulative
                    .partition_point(|&x| x < u)
                    .min(self.channels - 1);
                let device = &devices[rng.gen_range(0..devices.len())];
                let campaign = rng.gen_range(0..5);
                let content = rng.gen_range(0..3);
                block.push(format!(
                    "{},{device},touch,{},{}_c{campaign},v{content},",
                    format_timestamp(t - t % 1000),
                    names[c],
                    names[c]
                ));
                counts.touches += 1;
                if rng.gen_bool(hazard[c]) {
                    let at = t + (rng.r#gen::<f64>() * 120.0 * MINUTE as f64) as Millis;
                    let who = user.as_deref().unwrap_or(device);
                    let value = rng.gen_range(20.0..400.0f64);
                    block.push(format!(
                        "{},{who},conversion,,,,{value:.2}",
                        format_timestamp(at - at % 1000)
                    ));
                    counts.conversions += 1;
                }
                if rng.r#gen::<f64>() >= p_more || t >= start + span {
                    break;
                }
                t += if rng.gen_bool(0.33) {
                    rng.gen_range(MINUTE..20 * MINUTE)
                } else {
                    (rng.r#gen::<f64>().max(1e-12).ln().abs() * 5.0 * DAY as f64) as Millis
                };
            }
            if (person + 1) % BLOCK == 0 || person + 1 == self.persons {
                block.shuffle(&mut rng);
                for row in block.drain(..) {
                    ev.write_all(row.as_bytes()).map_err(err)?;
                    ev.write_all(b"\n").map_err(err)?;
                }
            }
        }
        counts.events = counts.touches + counts.conversions;
        ev.flush().map_err(err)?;
        ids.flush().map_err(err)?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_readable_by_the_builder() {
        let synth = EventSynth {
            persons: 300,
            ..EventSynth::default()
        };
        let (mut a_ev, mut a_ids, mut b_ev, mut b_ids) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let counts = synth.write(&mut a_ev, &mut a_ids).unwrap();
        synth.write(&mut b_ev, &mut b_ids).unwrap();
        assert_eq!(a_ev, b_ev);
        assert_eq!(a_ids, b_ids);
        assert!(counts.touches >= 300 && counts.conversions > 0);
        let built = crate::journeys::build_journeys(
            &mut a_ev.as_slice(),
            "events.csv",
            Some((&mut a_ids.as_slice(), "identities.csv")),
            &crate::journeys::JourneyParams::default(),
        )
        .unwrap();
        assert_eq!(built.summary.events.touches, counts.touches);
        assert_eq!(built.summary.events.conversions, counts.conversions);
        assert!(built.journeys.total_conversions() > 0.0);
    }
}
