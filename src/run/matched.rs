//! Evidence about *this* input for choosing a model: worlds simulated to match it
//! ([`crate::simulate::matched`]), every model that ran on the input run on each of them
//! with the same settings, and each scored against the world's known truth.
//!
//! The worlds copy the input's channels, how often each reaches a person a day, its
//! conversion rate, study span and number of people (at most [`MAX_UNITS`] a world, so
//! a large input costs seconds, not minutes; a sample of 1,000 people is simulated at
//! 1,000, so that the distances carry the noise of a sample that small). One world per
//! mechanism of [`MECHANISMS`]; effects are drawn, not copied (nobody knows the input's).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::evaluate::truth::{TruthRow, score};
use crate::journeys::JourneyParams;
use crate::models::ModelName;
use crate::run::{Loaded, RunResult, RunSpec, Source, run_observed};
use crate::simulate::matched::{MECHANISMS, MatchProfile, simulate};

/// The most people a matched world has.
pub const MAX_UNITS: usize = 20_000;

/// One matched world and how far each model's shares were from its truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MatchedWorld {
    /// The mechanism it was drawn under.
    pub mechanism: String,
    /// People simulated.
    pub units: usize,
    /// Its conversions.
    pub conversions: f64,
    /// Per model, the total-variation distance of its channel shares to the truth.
    pub distances: BTreeMap<String, f64>,
}

/// What the matched worlds say.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MatchedEvidence {
    /// What the worlds copied from the input.
    pub profile: MatchProfile,
    /// The worlds.
    pub worlds: Vec<MatchedWorld>,
    /// Per model, its mean distance over the worlds.
    pub mean: BTreeMap<String, f64>,
    /// Per model, the worlds where it was the closest data-driven model.
    pub wins: BTreeMap<String, usize>,
}

impl MatchedEvidence {
    /// The per-world distance differences `a − b` (worlds where both were scored).
    pub fn differences(&self, a: &str, b: &str) -> Vec<f64> {
        self.worlds
            .iter()
            .filter_map(|w| Some(w.distances.get(a)? - w.distances.get(b)?))
            .collect()
    }
}

/// The models of `result` scored on worlds matched to its input, built into journeys
/// with `params` (the input's own journey settings) and fitted with the input's model
/// settings (without lift tests, which belong to the input; without the self-controlled
/// model's intervals, which the distances do not use). `direct` names the direct
/// channels. `None` when the input holds no journeys to match (a path summary,
/// aggregates) or nothing to attribute.
pub fn matched_evidence(
    result: &RunResult,
    params: &JourneyParams,
    direct: &[String],
    seed: u64,
) -> Result<Option<MatchedEvidence>> {
    let profile = match &result.data {
        Loaded::Built(b) => MatchProfile::of_journeys(
            &b.journeys,
            Some(b.summary.identities.persons),
            Some(b.summary.events.touches),
            direct,
        ),
        Loaded::Journeys(j) => MatchProfile::of_journeys(j, None, None, direct),
        _ => None,
    };
    let Some(profile) = profile else {
        return Ok(None);
    };
    let models: Vec<ModelName> = result.runs.iter().map(|r| r.model).collect();
    let mut settings = result.settings.clone();
    settings.lift_tests.clear();
    settings.self_controlled = settings.self_controlled.clone().intervals(false);
    let units = (profile.units as usize).clamp(1, MAX_UNITS);
    let mut worlds = Vec::new();
    let total = MECHANISMS.len() as u64;
    crate::progress::tick("matched worlds scored", 0, total);
    for (i, (mechanism, _)) in MECHANISMS.iter().enumerate() {
        crate::progress::tick("matched worlds scored", i as u64, total);
        let world_seed = seed.wrapping_add(1 + i as u64);
        let (events, identities, summary) = simulate(&profile, mechanism, units, world_seed)?;
        let source = Source::events(
            events.as_slice(),
            format!("matched world ({mechanism})"),
            Some((
                Box::new(identities.as_slice()),
                "its identities".to_string(),
            )),
            params.clone(),
        );
        let spec = RunSpec::new(source)
            .settings(settings.clone())
            .models(models.iter().copied());
        // A model that cannot fit a small world (too few conversions) is left out of it.
        let Ok(run) = run_observed(spec, |_, _, _| Ok(())) else {
            continue;
        };
        let truth: Vec<TruthRow> = summary
            .truth
            .iter()
            .map(|t| TruthRow {
                channel: t.channel.clone(),
                role: t.role.clone(),
                share: t.shapley_share,
            })
            .collect();
        let credit: BTreeMap<String, BTreeMap<String, f64>> = run
            .credits()
            .into_iter()
            .filter(|c| c.additive)
            .map(|c| {
                let by: BTreeMap<String, f64> = c
                    .channels
                    .iter()
                    .map(|r| (r.channel.clone(), r.conversions))
                    .collect();
                (c.model, by)
            })
            .collect();
        worlds.push(MatchedWorld {
            mechanism: mechanism.to_string(),
            units,
            conversions: summary.conversions,
            distances: score(&truth, &credit)
                .into_iter()
                .map(|s| (s.model, s.total_variation))
                .collect(),
        });
    }
    crate::progress::tick("matched worlds scored", total, total);
    if worlds.is_empty() {
        return Ok(None);
    }
    let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut wins: BTreeMap<String, usize> = BTreeMap::new();
    for w in &worlds {
        for (m, d) in &w.distances {
            let e = sums.entry(m.clone()).or_default();
            e.0 += d;
            e.1 += 1;
        }
        let best = w
            .distances
            .iter()
            .filter(|(m, _)| ModelName::lookup(m).is_some_and(|n| n.data_driven()))
            .min_by(|a, b| a.1.total_cmp(b.1).then(a.0.cmp(b.0)));
        if let Some((m, _)) = best {
            *wins.entry(m.clone()).or_default() += 1;
        }
    }
    // Models missing from a world (left out there) are not averaged over fewer worlds.
    let mean = sums
        .into_iter()
        .filter(|(_, (_, n))| *n == worlds.len())
        .map(|(m, (s, n))| (m, s / n as f64))
        .collect();
    Ok(Some(MatchedEvidence {
        profile,
        worlds,
        mean,
        wins,
    }))
}
