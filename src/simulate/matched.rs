//! Worlds simulated to match an input: its channels and how often each reaches a person
//! a day, its people, conversion rate and study span, under the mechanisms that break
//! attribution models (random exposure, targeting on intent, an in-market ramp that
//! channels follow, long carryover). Scoring every model on them says which is closest
//! to the truth *on data like this input* ([`crate::run::matched`]).

use serde::Serialize;

use crate::journeys::Journeys;
use crate::simulate::scenario::{ChannelSpec, Ramp, Scenario};
use crate::simulate::{SimParams, SimSummary, TruthWork};
use crate::time::DAY;

/// What a matched world copies from the input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MatchProfile {
    /// Paid channels and each one's touches per person and day.
    pub channels: Vec<(String, f64)>,
    /// Organic-search visits per person and day (0 when the input has none).
    pub organic_rate: f64,
    /// Direct visits per person and day (0 when the input has none).
    pub direct_rate: f64,
    /// People (or accounts) in the input.
    pub units: u64,
    /// Conversions per person over the study span.
    pub conversions_per_unit: f64,
    /// The study span, in days.
    pub days: u32,
}

/// The visits people make themselves, which the simulator has its own channels for.
const ORGANIC: &str = "organic_search";

impl MatchProfile {
    /// The profile of journeys built from events: touches per channel are counted in
    /// the journeys and scaled by `all_touches / touches in journeys` (touches outside
    /// every lookback window are in no journey); `units` people. `direct` names the
    /// direct channels. `None` without conversions, people or paid channels.
    pub fn of_journeys(
        journeys: &Journeys,
        units: Option<u64>,
        all_touches: Option<u64>,
        direct: &[String],
    ) -> Option<MatchProfile> {
        let channels = journeys.channels();
        let mut counts = vec![0u64; channels.len()];
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        let mut users = std::collections::BTreeSet::new();
        let mut in_journeys = 0u64;
        for j in journeys.iter() {
            users.insert(j.info.user_id.as_str());
            for t in j.touches {
                counts[t.channel as usize] += 1;
                in_journeys += 1;
                first = first.min(t.time);
                last = last.max(t.time);
            }
            if let Some(c) = j.info.conversion_time {
                last = last.max(c);
            }
        }
        let units = units.unwrap_or(users.len() as u64).max(users.len() as u64);
        if units == 0 || in_journeys == 0 {
            return None;
        }
        let days = (((last - first) as f64 / DAY as f64).ceil() as u32).clamp(7, 365);
        let scale = all_touches.map_or(1.0, |a| (a as f64 / in_journeys as f64).max(1.0));
        let rate = |count: u64| (count as f64 * scale / units as f64 / f64::from(days)).min(0.5);
        let mut profile = MatchProfile {
            channels: Vec::new(),
            organic_rate: 0.0,
            direct_rate: 0.0,
            units,
            conversions_per_unit: journeys.total_conversions() / units as f64,
            days,
        };
        for (id, name) in channels.names().enumerate() {
            let r = rate(counts[id]);
            if name == ORGANIC {
                profile.organic_rate = r;
            } else if direct.iter().any(|d| d == name) {
                profile.direct_rate += r;
            } else if counts[id] > 0 {
                profile.channels.push((name.to_string(), r));
            }
        }
        (!profile.channels.is_empty() && profile.conversions_per_unit > 0.0).then_some(profile)
    }
}

/// The mechanisms a matched world is drawn under, and what each tests.
pub const MECHANISMS: [(&str, &str); 4] = [
    ("random", "exposure at random"),
    (
        "targeting",
        "half the channels aimed at people of high intent",
    ),
    (
        "in_market",
        "an in-market ramp of intent that half the channels follow",
    ),
    ("carryover", "half the channels acting flat for 30-60 days"),
];

/// The scenario of `mechanism` for `profile`: the input's channels with its exposure
/// rates, effects of different sizes (spread over 0.2–1.2 per exposure, in an order
/// drawn from `seed`, so how often a channel is seen says nothing of how well it works),
/// and a base hazard `base_hazard`.
pub fn scenario(profile: &MatchProfile, mechanism: &str, seed: u64, base_hazard: f64) -> Scenario {
    let n = profile.channels.len();
    // A seeded permutation of effect ranks.
    let mut order: Vec<usize> = (0..n).collect();
    let mut z = seed ^ 0x9E37_79B9_7F4A_7C15;
    for i in (1..n).rev() {
        z = z
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        order.swap(i, (z >> 33) as usize % (i + 1));
    }
    let channels: Vec<ChannelSpec> = profile
        .channels
        .iter()
        .enumerate()
        .map(|(i, (name, rate))| {
            let rank = order[i] as f64 / (n.max(2) - 1) as f64;
            let mut spec = ChannelSpec {
                name: name.clone(),
                exposure_rate: *rate,
                targeting: 0.0,
                lift: 0.2 + rank,
                upstream: 0.0,
                half_life_days: 2.0 + (order[i] % 4) as f64,
                cost: 1.0,
                retarget: 0.0,
                flat_days: 0,
                follow_cap: f64::INFINITY,
            };
            match mechanism {
                "targeting" if i % 2 == 1 => spec.targeting = 2.0,
                "in_market" if i % 2 == 1 => {
                    spec.targeting = 1.0;
                    spec.follow_cap = 9.0;
                }
                "carryover" if i % 2 == 0 => {
                    spec.flat_days = 30 + ((i * 11) % 31) as u32;
                    spec.lift /= 6.0;
                }
                _ => {}
            }
            spec
        })
        .collect();
    let mut scenario = Scenario::preset("direct", 1).expect("a preset");
    scenario.name = format!("matched_{mechanism}");
    scenario.channels = channels;
    scenario.days = profile.days;
    scenario.organic_rate = profile.organic_rate;
    scenario.direct_rate = profile.direct_rate;
    scenario.base_hazard = base_hazard;
    if mechanism == "in_market" {
        scenario.ramp = Some(Ramp {
            share: 0.5,
            max: 12.0,
            days: (10, 30),
        });
    }
    scenario
}

/// A matched world of `mechanism` with `units` people, its base hazard calibrated so
/// that a pilot of the same world converts about as often per person as the input:
/// returns the events, identities and the simulation's summary (with the truth).
pub fn simulate(
    profile: &MatchProfile,
    mechanism: &str,
    units: usize,
    seed: u64,
) -> crate::error::Result<(Vec<u8>, Vec<u8>, SimSummary)> {
    let mut base = 0.001;
    for _ in 0..2 {
        let pilot = SimParams {
            units: units.min(2_000),
            scenario: scenario(profile, mechanism, seed, base),
            seed: seed ^ 0xA5A5,
            truth: TruthWork::SCORING,
        };
        let per_unit = pilot.conversions()? / pilot.units as f64;
        if per_unit <= 0.0 {
            base *= 4.0;
            continue;
        }
        base = (base * profile.conversions_per_unit / per_unit).clamp(1e-6, 0.5);
    }
    // The worlds only score models: a sampled split for units reached by many channels.
    let params = SimParams {
        units,
        scenario: scenario(profile, mechanism, seed, base),
        seed,
        truth: TruthWork::SCORING,
    };
    let (mut events, mut identities) = (Vec::new(), Vec::new());
    let summary = params.run(&mut events, &mut identities, &mut std::io::sink())?;
    Ok((events, identities, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> MatchProfile {
        MatchProfile {
            channels: vec![
                ("search".into(), 0.02),
                ("social".into(), 0.01),
                ("tv".into(), 0.005),
            ],
            organic_rate: 0.02,
            direct_rate: 0.01,
            units: 5000,
            conversions_per_unit: 0.1,
            days: 60,
        }
    }

    #[test]
    fn matched_scenarios_keep_the_channels_and_rates() {
        for (mechanism, _) in MECHANISMS {
            let s = scenario(&profile(), mechanism, 7, 0.001);
            let names: Vec<&str> = s.channels.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["search", "social", "tv"]);
            assert_eq!(s.channels[0].exposure_rate, 0.02);
            assert_eq!(s.days, 60);
        }
        assert_eq!(
            scenario(&profile(), "targeting", 7, 0.001).channels[1].targeting,
            2.0
        );
        assert!(scenario(&profile(), "in_market", 7, 0.001).ramp.is_some());
        assert!(scenario(&profile(), "carryover", 7, 0.001).channels[0].flat_days >= 30);
    }

    /// The calibration brings the world's conversions per person near the input's.
    #[test]
    fn the_base_hazard_is_calibrated_to_the_conversion_rate() {
        let (_, _, summary) = simulate(&profile(), "random", 4000, 3).unwrap();
        let per_unit = summary.conversions / 4000.0;
        assert!((0.07..0.13).contains(&per_unit), "{per_unit}");
    }
}
