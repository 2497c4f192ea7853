//! Shapley-value attribution: well-defined games, solved exactly or sampled with
//! error bars, and the ordered variant.
//!
//! The games ([`ShapleyGame`], see `games.rs` for formulas):
//!
//! * `rate` (default): `v(S)` = conversion rate of the journeys whose channels all lie
//!   in `S` (0 when there are none). It uses non-converting journeys, so a channel that
//!   is everywhere but converts no better than average earns little. Use it when you
//!   have non-converting journeys (journey files, or path summaries with `total_null`).
//!   Credit: `φ_i / Σ_j φ_j × total conversions`, where `Σ φ = v(N) − v(∅)` is the
//!   overall conversion rate; the value credit is the same game with value in place of
//!   conversions, normalised to the total value. A negative `φ` (a channel whose
//!   presence lowers the rate) is reported raw in the details; the credit follows
//!   [`NegativePolicy`] (default: clipped to 0 and the rest renormalised, with a note).
//! * `simplified` (Zhao, Mahboobi & Bagheri 2018, "Shapley value methods for
//!   attribution modeling in online advertising", arXiv:1804.05327): `v(S)` =
//!   conversions of journeys whose channel set lies in `S`. Its Shapley value has the
//!   closed form `Σ_{T ∋ i} c(T) / |T|` (each conversion split equally over its
//!   journey's distinct channels, i.e. `linear_unique`), computed as such at any
//!   channel count. It ignores non-conversions; use it to reproduce tools that compute
//!   this game.
//!
//! The ordered variant (`shapley_ordered`, Zhao et al. 2018): the simplified share
//! `c / |T|` of channel `i` in a journey is split equally over the positions where `i`
//! occurs, giving credit per channel per touch position; summed over positions it
//! equals the simplified value.
//!
//! Exact solves run automatically up to 25 channels (`shapley_exact_max`); beyond,
//! or with `shapley_samples`, permutation sampling (see `engine.rs`) reports
//! standard errors and Hoeffding half-widths, written to the credit's interval columns.

pub mod engine;
pub(crate) mod games;
mod ordered;

use serde::Serialize;

use crate::channel::Dictionary;
use crate::choice::{Choice, choice_str};
use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::PathTable;
use crate::models::Attribution;
use crate::models::logistic::LogisticParams;
use crate::param::Param;

pub use engine::{
    EXACT_HARD_LIMIT, Game, HOEFFDING_DELTA, SampleSums, Sampled, exact, sampled, sampled_until,
    shapley_from_table, zeta,
};

use games::{ChannelSets, Numerator, PooledGame};
pub use ordered::{OrderedShapley, PositionCredit};

/// Which game the Shapley value is computed for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShapleyGame {
    /// Conversion rate of journeys whose channels lie in the coalition (default).
    #[default]
    Rate,
    /// Conversions of journeys whose channels lie in the coalition (Zhao et al. 2018).
    Simplified,
    /// The fitted logistic model's conversion probability for a journey touching exactly
    /// the coalition's channels.
    Model,
}

impl Choice for ShapleyGame {
    const PARAM: Param = Param::ShapleyGame;
    const ALL: &'static [Self] = &[
        ShapleyGame::Rate,
        ShapleyGame::Simplified,
        ShapleyGame::Model,
    ];
    fn name(self) -> &'static str {
        match self {
            ShapleyGame::Rate => "rate",
            ShapleyGame::Simplified => "simplified",
            ShapleyGame::Model => "model",
        }
    }
}

choice_str!(ShapleyGame);

/// What credit does with negative Shapley values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NegativePolicy {
    /// Negative φ become 0; the positive ones are renormalised to the total (default).
    #[default]
    Clip,
    /// Credit keeps the sign of φ (channels may get negative credit).
    Keep,
}

impl Choice for NegativePolicy {
    const PARAM: Param = Param::ShapleyNegative;
    const ALL: &'static [Self] = &[NegativePolicy::Clip, NegativePolicy::Keep];
    fn name(self) -> &'static str {
        match self {
            NegativePolicy::Clip => "clip",
            NegativePolicy::Keep => "keep",
        }
    }
}

choice_str!(NegativePolicy);

/// Shapley parameters. `ShapleyParams::default().game(ShapleyGame::Rate).fit(&paths)?`.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapleyParams {
    game: ShapleyGame,
    model: LogisticParams,
    exact_max: usize,
    samples: Option<usize>,
    seed: u64,
    negative: NegativePolicy,
    memory_limit: Option<u64>,
}

/// Value tables an exact solve holds at its peak (numerator, denominator, result).
const EXACT_PEAK_TABLES: u64 = 3;

/// Antithetic samples of the model game beyond the exact limit, unless given.
pub const MODEL_GAME_SAMPLES: usize = 5_000;

/// Without `shapley_samples`, sampling runs in rounds of this many samples ...
pub const SAMPLE_ROUND: usize = 1_000;
/// ... until every channel's standard error is at most this share of the total
/// conversions ...
pub const TARGET_SE: f64 = 0.0025;
/// ... or this many samples were drawn.
pub const MAX_AUTO_SAMPLES: usize = 50_000;

impl Default for ShapleyParams {
    /// The rate game, exact up to 25 channels, else sampled until every standard error
    /// is at most 0.25% of total conversions (at most 50,000 antithetic samples),
    /// seed 42, negative φ clipped.
    fn default() -> Self {
        Self {
            game: ShapleyGame::Rate,
            model: LogisticParams::default(),
            exact_max: 25,
            samples: None,
            seed: 42,
            negative: NegativePolicy::Clip,
            memory_limit: None,
        }
    }
}

impl ShapleyParams {
    /// Sets the game (default `rate`).
    pub fn game(mut self, game: ShapleyGame) -> Self {
        self.game = game;
        self
    }

    /// The game set.
    pub fn game_of(&self) -> ShapleyGame {
        self.game
    }

    /// The logistic model behind the `model` game (default: its defaults).
    pub fn model_params(mut self, params: LogisticParams) -> Self {
        self.model = params;
        self
    }

    /// Solve exactly up to this many channels (default 25; at most 30).
    pub fn exact_max(mut self, n: usize) -> Self {
        self.exact_max = n;
        self
    }

    /// The most memory an exact solve may take (default: the memory available on
    /// this machine); an exact solve needing more is refused before it allocates.
    pub fn memory_limit(mut self, bytes: Option<u64>) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Fails when an exact solve over `n` channels needs more memory than allowed.
    fn check_exact_memory(&self, n: usize) -> Result<()> {
        let need = EXACT_PEAK_TABLES * 8 * (1u64 << n);
        crate::memory::check(
            "shapley",
            &format!("an exact solve over {n} channels (2^{n} coalitions)"),
            need,
            self.memory_limit,
            "sample instead (`shapley_samples`), or lower `shapley_exact_max` so that \
             exact solves stop below this channel count",
        )
    }

    /// Sample this many antithetic permutation pairs, even when exact is possible.
    pub fn samples(mut self, samples: Option<usize>) -> Self {
        self.samples = samples;
        self
    }

    /// Sets the sampling seed (default 42).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the negative-value policy (default clip).
    pub fn negative(mut self, policy: NegativePolicy) -> Self {
        self.negative = policy;
        self
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.exact_max > EXACT_HARD_LIMIT {
            return Err(Error::param(
                Param::ShapleyExactMax,
                format!("at most {EXACT_HARD_LIMIT} (2^n coalitions × 8 bytes per table)"),
            ));
        }
        if self.samples.is_some_and(|s| s < 2) {
            return Err(Error::param(Param::ShapleySamples, "needs at least 2"));
        }
        Ok(())
    }

    /// Computes the Shapley value of the game on `paths`.
    pub fn fit(&self, paths: &PathTable) -> Result<FittedShapley> {
        self.validate()?;
        let sets = ChannelSets::from_paths(paths);
        let n = sets.players;
        let (method, phi, phi_value, uncertainty) = match self.game {
            ShapleyGame::Simplified => {
                let (c, v) = simplified_closed_form(&sets);
                (Method::ClosedForm, c, v, None)
            }
            ShapleyGame::Model => {
                // The model game has no value counterpart: value credit follows each
                // channel's share of the conversion game.
                let game = self.model.fit_paths(paths)?.game();
                if self.samples.is_none() && n <= self.exact_max {
                    self.check_exact_memory(n)?;
                    let phi = exact(&game)?;
                    (Method::Exact, phi.clone(), phi, None)
                } else {
                    let s = sampled(&game, self.samples.unwrap_or(MODEL_GAME_SAMPLES), self.seed)?;
                    let samples = s.samples;
                    (
                        Method::Sampled { samples },
                        s.phi.clone(),
                        s.phi.clone(),
                        Some((s.clone(), s)),
                    )
                }
            }
            ShapleyGame::Rate => {
                let conv = PooledGame {
                    sets: &sets,
                    numerator: Numerator::Conversions,
                    rate: true,
                };
                let value = PooledGame {
                    sets: &sets,
                    numerator: Numerator::Value,
                    rate: true,
                };
                if self.samples.is_none() && n <= self.exact_max {
                    self.check_exact_memory(n)?;
                    (Method::Exact, exact(&conv)?, exact(&value)?, None)
                } else {
                    let c = match self.samples {
                        Some(samples) => sampled(&conv, samples, self.seed)?,
                        None => {
                            // Until every channel's standard error, in credit units, is at
                            // most TARGET_SE of the total conversions.
                            let total: f64 = sets.conversions.iter().sum();
                            let phi_sum = {
                                let all = vec![true; n];
                                conv.value(&all) - conv.value(&vec![false; n])
                            };
                            sampled_until(&conv, SAMPLE_ROUND, MAX_AUTO_SAMPLES, self.seed, |s| {
                                phi_sum <= 0.0
                                    || s.standard_error
                                        .iter()
                                        .all(|se| se / phi_sum * total <= TARGET_SE * total)
                            })?
                        }
                    };
                    let samples = c.samples;
                    let v = sampled(&value, samples, self.seed)?;
                    (
                        Method::Sampled { samples },
                        c.phi.clone(),
                        v.phi.clone(),
                        Some((c, v)),
                    )
                }
            }
        };
        Ok(FittedShapley {
            game: self.game,
            method,
            negative: self.negative,
            channels: paths.channels().clone(),
            total_conversions: paths.total_conversions(),
            total_value: paths.total_value(),
            total_nulls: paths.total_nulls(),
            phi,
            phi_value,
            seed: uncertainty.as_ref().map(|_| self.seed),
            uncertainty,
        })
    }
}

/// `Σ_{T ∋ i} c(T) / |T|` (and value), the simplified game's Shapley value.
fn simplified_closed_form(sets: &ChannelSets) -> (Vec<f64>, Vec<f64>) {
    let mut c = vec![0.0; sets.players];
    let mut v = vec![0.0; sets.players];
    for k in 0..sets.len() {
        let members = sets.members(k);
        let share = 1.0 / members.len() as f64;
        for &p in members {
            c[p as usize] += sets.conversions[k] * share;
            v[p as usize] += sets.value[k] * share;
        }
    }
    (c, v)
}

/// How the values were computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Method {
    /// A closed form (the simplified game).
    ClosedForm,
    /// An exact solve over all coalitions.
    Exact,
    /// Permutation sampling.
    Sampled {
        /// Antithetic samples.
        samples: usize,
    },
}

/// A computed Shapley value with everything needed for credit and details.
#[derive(Clone, Debug)]
pub struct FittedShapley {
    game: ShapleyGame,
    method: Method,
    negative: NegativePolicy,
    channels: Dictionary,
    total_conversions: f64,
    total_value: f64,
    total_nulls: f64,
    phi: Vec<f64>,
    phi_value: Vec<f64>,
    uncertainty: Option<(Sampled, Sampled)>,
    seed: Option<u64>,
}

/// One channel's Shapley values and credit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShapleyChannel {
    /// The channel.
    pub channel: String,
    /// Raw Shapley value of the conversion game.
    pub phi: f64,
    /// Raw Shapley value of the value game.
    pub phi_value: f64,
    /// Standard error of `phi` (sampled solves).
    pub standard_error: Option<f64>,
    /// Hoeffding half-width of `phi` at 95% (sampled solves).
    pub hoeffding_half_width: Option<f64>,
    /// Attributed conversions.
    pub conversions: f64,
    /// Attributed value.
    pub value: f64,
    /// Whether a negative `phi` was clipped to 0 in the credit.
    pub clipped: bool,
}

/// The Shapley details for the `shapley` model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShapleyDetails {
    /// The game.
    pub game: ShapleyGame,
    /// How it was computed.
    pub method: Method,
    /// The negative-value policy applied to credit.
    pub negative_policy: NegativePolicy,
    /// Sampling seed (sampled solves).
    pub seed: Option<u64>,
    /// `Σ φ` (= v(N) − v(∅) by efficiency).
    pub phi_sum: f64,
    /// Observed totals.
    pub total_conversions: f64,
    /// Observed total value.
    pub total_value: f64,
    /// Observed non-conversions.
    pub total_nulls: f64,
    /// Per channel, sorted by channel.
    pub channels: Vec<ShapleyChannel>,
    /// Remarks.
    pub notes: Vec<String>,
}

/// Scales raw values to `total` under the policy; returns scaled values and the clip flags.
fn normalise(phi: &[f64], total: f64, policy: NegativePolicy) -> (Vec<f64>, Vec<bool>, f64) {
    let clipped: Vec<bool> = phi
        .iter()
        .map(|&p| policy == NegativePolicy::Clip && p < 0.0)
        .collect();
    let kept: Vec<f64> = phi
        .iter()
        .zip(&clipped)
        .map(|(&p, &c)| if c { 0.0 } else { p })
        .collect();
    let sum: f64 = kept.iter().sum();
    let scale = if sum != 0.0 { total / sum } else { 0.0 };
    (kept.iter().map(|p| p * scale).collect(), clipped, scale)
}

impl FittedShapley {
    /// Raw Shapley values of the conversion game, by channel id.
    pub fn phi(&self) -> &[f64] {
        &self.phi
    }

    /// Per-channel values, credit and uncertainty.
    pub fn channels(&self) -> Vec<ShapleyChannel> {
        let (conv, clipped, _) = normalise(&self.phi, self.total_conversions, self.negative);
        let (value, _, _) = normalise(&self.phi_value, self.total_value, self.negative);
        self.channels
            .names()
            .enumerate()
            .map(|(i, name)| ShapleyChannel {
                channel: name.to_string(),
                phi: self.phi[i],
                phi_value: self.phi_value[i],
                standard_error: self.uncertainty.as_ref().map(|(c, _)| c.standard_error[i]),
                hoeffding_half_width: self
                    .uncertainty
                    .as_ref()
                    .and_then(|(c, _)| c.hoeffding.as_ref().map(|h| h[i])),
                conversions: conv[i],
                value: value[i],
                clipped: clipped[i],
            })
            .collect()
    }

    fn notes(&self) -> Vec<String> {
        let game = match self.game {
            ShapleyGame::Rate => {
                "rate game (conversion rate of journeys whose channels lie in the coalition)"
            }
            ShapleyGame::Simplified => {
                "simplified game (conversions of journeys whose channels lie in the coalition)"
            }
            ShapleyGame::Model => {
                "model game (the logistic model's conversion probability for a journey touching exactly the coalition)"
            }
        };
        let method = match self.method {
            Method::ClosedForm => "closed form".to_string(),
            Method::Exact => format!("exact over {} coalitions", 1u64 << self.channels.len()),
            Method::Sampled { samples } => format!(
                "sampled: {samples} antithetic permutation pairs; intervals are Hoeffding {:.0}% bounds",
                100.0 * (1.0 - HOEFFDING_DELTA)
            ),
        };
        let mut notes = vec![format!("Shapley value of the {game}, {method}")];
        if self.game == ShapleyGame::Rate && self.total_nulls <= 0.0 {
            notes.push(
                "WARNING: no non-converting journeys: every rate is 1 and the rate game gives no information"
                    .to_string(),
            );
        }
        let clipped: Vec<String> = self
            .channels()
            .into_iter()
            .filter(|c| c.clipped)
            .map(|c| format!("{} ({:.3e})", c.channel, c.phi))
            .collect();
        if !clipped.is_empty() {
            notes.push(format!(
                "negative Shapley values clipped to 0 and the rest renormalised: {}",
                clipped.join(", ")
            ));
        }
        notes
    }

    /// The credit, with Hoeffding intervals on conversions for sampled solves.
    pub fn credit(&self) -> Credit {
        let channels = self.channels();
        let conv: Vec<f64> = channels.iter().map(|c| c.conversions).collect();
        let value: Vec<f64> = channels.iter().map(|c| c.value).collect();
        let mut credit = Credit::from_ids(
            "shapley",
            &self.channels,
            &conv,
            &value,
            self.total_conversions,
            self.total_value,
        );
        let (_, _, scale) = normalise(&self.phi, self.total_conversions, self.negative);
        for (row, c) in credit.channels.iter_mut().zip(&channels) {
            if let Some(h) = c.hoeffding_half_width {
                row.conversions_lo = Some(row.conversions - h * scale);
                row.conversions_hi = Some(row.conversions + h * scale);
            }
        }
        credit.notes = self.notes();
        credit
    }

    /// The Shapley details.
    pub fn details(&self) -> ShapleyDetails {
        ShapleyDetails {
            game: self.game,
            method: self.method,
            negative_policy: self.negative,
            seed: self.seed,
            phi_sum: self.phi.iter().sum(),
            total_conversions: self.total_conversions,
            total_value: self.total_value,
            total_nulls: self.total_nulls,
            channels: self.channels(),
            notes: self.notes(),
        }
    }
}

impl Attribution for ShapleyParams {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        Ok(self.fit(paths)?.credit())
    }
}
