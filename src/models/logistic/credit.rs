//! Turning the fitted conversion model into credit, journey by journey.
//!
//! For a converting journey with distinct channels `K`, let `p̂(S)` be the model's
//! conversion probability for the journey restricted to the channels in `S` (its touches
//! of those channels, in order, with their times) and `f(S) = p̂(S) − p̂(∅)`.
//!
//! * `shapley` (default): the Shapley value of `f` over `K` — exact for up to
//!   [`EXACT_CHANNELS`] distinct channels, else 400 antithetic samples seeded by the
//!   journey — so credit reflects the model's interactions and order features.
//! * `removal`: `p̂(K) − p̂(K ∖ {c})`, the drop-one difference.
//!
//! **Negative contributions** are set to 0 and the journey's positive contributions
//! renormalised to its conversions (and value); a journey whose contributions are all
//! ≤ 0 (the model thinks its channels lowered its chance) is split equally over its
//! channels, and such journeys are counted in a note.

use crate::choice::{Choice, choice_str};
use crate::param::Param;
use rayon::prelude::*;

use crate::models::logistic::design::{Coefficients, probability};
use crate::models::logistic::features::{FeatureSpec, TouchLite};
use crate::models::shapley::{Game, sampled, shapley_from_table};

/// Journeys with up to this many distinct channels get an exact Shapley split.
pub const EXACT_CHANNELS: usize = 12;
/// Antithetic samples for journeys with more distinct channels.
const JOURNEY_SAMPLES: usize = 400;

/// How the model's prediction is split over a journey's channels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditMethod {
    /// The Shapley value of `p̂(S) − p̂(∅)` over the journey's channels.
    #[default]
    Shapley,
    /// The drop-one difference `p̂(K) − p̂(K ∖ {c})`.
    Removal,
}

impl Choice for CreditMethod {
    const PARAM: Param = Param::LogisticCredit;
    const ALL: &'static [Self] = &[CreditMethod::Shapley, CreditMethod::Removal];
    fn name(self) -> &'static str {
        match self {
            CreditMethod::Shapley => "shapley",
            CreditMethod::Removal => "removal",
        }
    }
}

choice_str!(CreditMethod);

/// The journeys (or paths) credit is split over: touches and outcomes per unit.
#[derive(Clone, Debug, Default)]
pub(crate) struct Units {
    offsets: Vec<usize>,
    touches: Vec<TouchLite>,
    pub conversions: Vec<f64>,
    pub value: Vec<f64>,
    pub nulls: Vec<f64>,
}

impl Units {
    pub fn new() -> Self {
        Units {
            offsets: vec![0],
            ..Units::default()
        }
    }

    pub fn push(
        &mut self,
        touches: impl IntoIterator<Item = TouchLite>,
        conversions: f64,
        value: f64,
        nulls: f64,
    ) {
        self.touches.extend(touches);
        self.offsets.push(self.touches.len());
        self.conversions.push(conversions);
        self.value.push(value);
        self.nulls.push(nulls);
    }

    pub fn len(&self) -> usize {
        self.conversions.len()
    }

    pub fn touches(&self, unit: usize) -> &[TouchLite] {
        &self.touches[self.offsets[unit]..self.offsets[unit + 1]]
    }
}

/// One journey as a game over its distinct channels.
struct JourneyGame<'a> {
    spec: &'a FeatureSpec,
    coef: &'a Coefficients,
    touches: &'a [TouchLite],
    channels: &'a [u32],
    baseline: f64,
}

impl JourneyGame<'_> {
    fn p(&self, keep: impl Fn(u32) -> bool) -> f64 {
        let mut row = Vec::new();
        self.spec
            .sparse(self.touches, keep, &mut Vec::new(), &mut row);
        probability(
            self.coef.intercept
                + row
                    .iter()
                    .map(|&(i, v)| self.coef.weights[i] * v)
                    .sum::<f64>(),
        )
    }
}

impl Game for JourneyGame<'_> {
    fn players(&self) -> usize {
        self.channels.len()
    }

    fn value(&self, members: &[bool]) -> f64 {
        self.p(|ch| {
            self.channels
                .iter()
                .zip(members)
                .any(|(&c, &m)| m && c == ch)
        }) - self.baseline
    }

    fn marginal_range(&self) -> Option<f64> {
        Some(2.0)
    }
}

/// Per-channel credit (conversions, value) and the number of journeys whose
/// contributions were all ≤ 0.
pub(crate) struct SplitCredit {
    pub conversions: Vec<f64>,
    pub value: Vec<f64>,
    pub non_positive_journeys: u64,
}

/// Splits every converting unit's conversions and value over its channels.
pub(crate) fn split(
    units: &Units,
    spec: &FeatureSpec,
    coef: &Coefficients,
    method: CreditMethod,
    seed: u64,
) -> SplitCredit {
    let n = spec.channels;
    let baseline = {
        let mut row = Vec::new();
        spec.sparse(&[], |_| true, &mut Vec::new(), &mut row);
        probability(coef.intercept + row.iter().map(|&(i, v)| coef.weights[i] * v).sum::<f64>())
    };
    let converting: Vec<usize> = (0..units.len())
        .filter(|&u| units.conversions[u] > 0.0 || units.value[u] > 0.0)
        .collect();
    const CHUNK: usize = 256;
    let partial: Vec<(Vec<f64>, Vec<f64>, u64)> = converting
        .par_chunks(CHUNK)
        .map(|chunk| {
            let (mut conv, mut value, mut flat) = (vec![0.0; n], vec![0.0; n], 0u64);
            for &u in chunk {
                let touches = units.touches(u);
                let mut channels: Vec<u32> = touches.iter().map(|t| t.channel).collect();
                channels.sort_unstable();
                channels.dedup();
                let game = JourneyGame {
                    spec,
                    coef,
                    touches,
                    channels: &channels,
                    baseline,
                };
                let k = channels.len();
                let mut share: Vec<f64> = match method {
                    CreditMethod::Shapley if k <= EXACT_CHANNELS => {
                        let table: Vec<f64> = (0..1usize << k)
                            .map(|mask| {
                                game.p(|ch| {
                                    channels
                                        .iter()
                                        .position(|&c| c == ch)
                                        .is_some_and(|i| mask >> i & 1 == 1)
                                }) - baseline
                            })
                            .collect();
                        shapley_from_table(&table, k)
                    }
                    CreditMethod::Shapley => sampled(&game, JOURNEY_SAMPLES, seed ^ u as u64)
                        .map(|s| s.phi)
                        .unwrap_or_else(|_| vec![1.0; k]),
                    CreditMethod::Removal => {
                        let all = game.p(|_| true);
                        channels
                            .iter()
                            .map(|&c| all - game.p(|ch| ch != c))
                            .collect()
                    }
                };
                for s in share.iter_mut() {
                    *s = s.max(0.0);
                }
                let total: f64 = share.iter().sum();
                if total <= 0.0 {
                    flat += 1;
                    share = vec![1.0 / k as f64; k];
                } else {
                    share.iter_mut().for_each(|s| *s /= total);
                }
                for (&c, &s) in channels.iter().zip(&share) {
                    conv[c as usize] += units.conversions[u] * s;
                    value[c as usize] += units.value[u] * s;
                }
            }
            (conv, value, flat)
        })
        .collect();
    let mut out = SplitCredit {
        conversions: vec![0.0; n],
        value: vec![0.0; n],
        non_positive_journeys: 0,
    };
    for (c, v, f) in partial {
        for i in 0..n {
            out.conversions[i] += c[i];
            out.value[i] += v[i];
        }
        out.non_positive_journeys += f;
    }
    out
}
