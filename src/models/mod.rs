//! Attribution models: one trait for path-table models, one for journey models, and
//! the registry that runs a list of models by name.
//!
//! | name | kind | input |
//! |---|---|---|
//! | `first_touch`, `last_touch`, `last_non_direct` | single touch | paths |
//! | `linear`, `linear_unique` | equal split | paths |
//! | `position_based`, `custom` | first/middle/last weights | paths |
//! | `influenced` | non-additive count | paths |
//! | `time_decay` | exponential decay on real time | journeys |
//! | `w_shaped`, `full_path` | stage milestones | journeys |
//! | `markov` | exact removal effect of an order-k chain | paths |
//! | `shapley`, `shapley_ordered` | Shapley value of a game on channel sets | paths |
//! | `logistic` | a fitted conversion model's predictions, split per journey | paths or journeys |
//!
//! "paths" models run on a [`PathTable`] and on journeys (through their path table);
//! "journeys" models need per-touch times or milestones and fail clearly on a path table.

pub mod logistic;
pub mod markov;
pub mod rules;
pub mod shapley;
pub mod stages;
pub mod time_decay;
pub(crate) mod touch_weights;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::{Journeys, Level, PathTable, PathTransform};
use crate::time::{DAY, Millis};

pub use logistic::{FittedLogistic, LogisticDetails, LogisticParams};
pub use markov::{FittedMarkov, MarkovDetails, MarkovOrder, MarkovParams};
pub use rules::{
    FirstTouch, Influenced, LastNonDirect, LastTouch, Linear, LinearUnique, PositionBased,
    PositionWeights,
};
pub use shapley::{
    FittedShapley, OrderedShapley, PositionCredit, ShapleyDetails, ShapleyGame, ShapleyParams,
};
pub use stages::StageModel;
pub use time_decay::TimeDecay;

/// A model that needs only the order of touches: it runs on a path summary.
pub trait Attribution {
    /// Credit of every channel of `paths`.
    fn attribute(&self, paths: &PathTable) -> Result<Credit>;
}

/// A model that needs per-touch data (times, milestones): it runs on journeys.
pub trait JourneyAttribution {
    /// Credit of every channel of `journeys`.
    fn attribute_journeys(&self, journeys: &Journeys) -> Result<Credit>;
}

/// The models the registry knows, by their `--model` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ModelName {
    /// [`FirstTouch`].
    FirstTouch,
    /// [`LastTouch`].
    LastTouch,
    /// [`LastNonDirect`].
    LastNonDirect,
    /// [`Linear`].
    Linear,
    /// [`LinearUnique`].
    LinearUnique,
    /// [`PositionBased`] with the position weights.
    PositionBased,
    /// [`PositionBased`] with the custom weights.
    Custom,
    /// [`TimeDecay`].
    TimeDecay,
    /// [`StageModel::w_shaped`].
    WShaped,
    /// [`StageModel::full_path`].
    FullPath,
    /// [`Influenced`].
    Influenced,
    /// [`MarkovParams`].
    Markov,
    /// [`ShapleyParams`].
    Shapley,
    /// [`OrderedShapley`].
    ShapleyOrdered,
    /// [`LogisticParams`].
    Logistic,
}

impl ModelName {
    /// Every model, in the order `--help` lists them.
    pub const ALL: [ModelName; 15] = [
        ModelName::FirstTouch,
        ModelName::LastTouch,
        ModelName::LastNonDirect,
        ModelName::Linear,
        ModelName::LinearUnique,
        ModelName::PositionBased,
        ModelName::Custom,
        ModelName::TimeDecay,
        ModelName::WShaped,
        ModelName::FullPath,
        ModelName::Influenced,
        ModelName::Markov,
        ModelName::Shapley,
        ModelName::ShapleyOrdered,
        ModelName::Logistic,
    ];

    /// The `--model` name.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelName::FirstTouch => "first_touch",
            ModelName::LastTouch => "last_touch",
            ModelName::LastNonDirect => "last_non_direct",
            ModelName::Linear => "linear",
            ModelName::LinearUnique => "linear_unique",
            ModelName::PositionBased => "position_based",
            ModelName::Custom => "custom",
            ModelName::TimeDecay => "time_decay",
            ModelName::WShaped => "w_shaped",
            ModelName::FullPath => "full_path",
            ModelName::Influenced => "influenced",
            ModelName::Markov => "markov",
            ModelName::Shapley => "shapley",
            ModelName::ShapleyOrdered => "shapley_ordered",
            ModelName::Logistic => "logistic",
        }
    }

    /// True when the model needs journeys (times or milestones), not just paths.
    pub fn needs_journeys(self) -> bool {
        matches!(
            self,
            ModelName::TimeDecay | ModelName::WShaped | ModelName::FullPath
        )
    }

    /// A one-line description for `--help`.
    pub fn summary(self) -> &'static str {
        match self {
            ModelName::FirstTouch => "all credit to the first touch",
            ModelName::LastTouch => "all credit to the last touch",
            ModelName::LastNonDirect => "all credit to the last touch that is not direct",
            ModelName::Linear => "equal credit per touch",
            ModelName::LinearUnique => "equal credit per distinct channel",
            ModelName::PositionBased => "U-shaped: first/middle/last weights (40/20/40)",
            ModelName::Custom => "first/middle/last weights from --custom-weights",
            ModelName::TimeDecay => "2^(-age/half-life) on real times (journeys only)",
            ModelName::WShaped => "30/30/30 first, lead, opportunity; 10 rest (journeys only)",
            ModelName::FullPath => "22.5 x 4 incl. closed won; 10 rest (journeys only)",
            ModelName::Influenced => "full conversion to every channel on the path (non-additive)",
            ModelName::Markov => "exact removal effect of an order-k Markov chain (--markov-order)",
            ModelName::Shapley => {
                "Shapley value of a game on channel sets (--shapley-game rate|simplified)"
            }
            ModelName::ShapleyOrdered => "simplified Shapley value split over touch positions",
            ModelName::Logistic => {
                "fitted logistic conversion model, credit split per journey by Shapley"
            }
        }
    }
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModelName {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        ModelName::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = ModelName::ALL.iter().map(|m| m.as_str()).collect();
                Error::param(
                    "--model",
                    format!("unknown model `{s}`; known models: {}", names.join(", ")),
                )
            })
    }
}

/// Parameters of every model the registry runs, with documented defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSettings {
    /// The dimension to credit (journeys only; default channel).
    pub level: Level,
    /// Channel names treated as direct by `last_non_direct` (default `["direct"]`).
    pub direct_channels: Vec<String>,
    /// Weights of `position_based` (default 0.4/0.2/0.4).
    pub position_weights: PositionWeights,
    /// Weights of `custom` (no default: `custom` runs only when they are given).
    pub custom_weights: Option<PositionWeights>,
    /// Half-life of `time_decay` (default 7 days).
    pub half_life: Millis,
    /// Transform applied to the path table that path models see (default: none).
    /// Journey models (time decay, stage models) see the journeys as they are.
    pub path_transform: PathTransform,
    /// Parameters of `markov` (default: order 1, ChannelAttribution's states).
    pub markov: MarkovParams,
    /// Parameters of `shapley` (default: the rate game, exact up to 25 channels).
    pub shapley: ShapleyParams,
    /// Parameters of `logistic` (and of the model behind `--shapley-game model`).
    pub logistic: LogisticParams,
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self {
            level: Level::Channel,
            direct_channels: vec!["direct".to_string()],
            position_weights: PositionWeights::default(),
            custom_weights: None,
            half_life: 7 * DAY,
            path_transform: PathTransform::default(),
            markov: MarkovParams::default(),
            shapley: ShapleyParams::default(),
            logistic: LogisticParams::default(),
        }
    }
}

impl ModelSettings {
    /// Checks every parameter (call before reading a large input).
    pub fn validate(&self) -> Result<()> {
        LastNonDirect::default()
            .direct_channels(self.direct_channels.clone())
            .validate()?;
        self.position_weights.validate("--position-weights")?;
        if let Some(w) = &self.custom_weights {
            w.validate("--custom-weights")?;
        }
        self.path_transform.validate()?;
        self.markov.validate()?;
        self.shapley.validate()?;
        self.logistic.validate()?;
        TimeDecay::default().half_life(self.half_life).validate()
    }

    /// Checks that `models` can run with these settings on this kind of input.
    pub fn check_models(&self, models: &[ModelName], input: InputKind) -> Result<()> {
        for &m in models {
            if m == ModelName::Custom && self.custom_weights.is_none() {
                return Err(Error::param(
                    "--model",
                    "`custom` needs --custom-weights FIRST,MIDDLE,LAST",
                ));
            }
            if m.needs_journeys() && input == InputKind::Paths {
                return Err(Error::unsupported(
                    m.as_str(),
                    "needs journeys with touch times and milestones (--journeys or --events); \
                     a path summary has neither",
                ));
            }
        }
        if input == InputKind::Paths && self.level != Level::Channel {
            return Err(Error::param(
                "--level",
                "a path summary holds channels only; campaign or content credit needs --journeys or --events",
            ));
        }
        Ok(())
    }
}

/// The kind of input a run attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A path summary.
    Paths,
    /// Journeys (per touch).
    Journeys,
}

/// What a run attributes.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    /// A path summary.
    Paths(&'a PathTable),
    /// Journeys (per touch).
    Journeys(&'a Journeys),
}

impl Input<'_> {
    /// The kind of input.
    pub fn kind(&self) -> InputKind {
        match self {
            Input::Paths(_) => InputKind::Paths,
            Input::Journeys(_) => InputKind::Journeys,
        }
    }
}

/// The models that run when none are named: every model the input supports
/// (`custom` only when its weights are given; `w_shaped` and `full_path` only when
/// some touch carries a stage milestone).
pub fn default_models(input: &Input<'_>, settings: &ModelSettings) -> Vec<ModelName> {
    ModelName::ALL
        .into_iter()
        .filter(|m| match m {
            ModelName::Custom => settings.custom_weights.is_some(),
            ModelName::WShaped | ModelName::FullPath => {
                matches!(input, Input::Journeys(j) if j.has_milestones())
            }
            m if m.needs_journeys() => input.kind() == InputKind::Journeys,
            _ => true,
        })
        .collect()
}

/// What some models report beyond credit.
#[derive(Clone, Debug)]
pub enum ModelDetails {
    /// The Markov chain, its solve and every removal.
    Markov(Box<MarkovDetails>),
    /// Raw Shapley values, method, uncertainty.
    Shapley(Box<ShapleyDetails>),
    /// Ordered Shapley credit per channel and touch position.
    ShapleyOrdered {
        /// Per channel and position.
        positions: Vec<PositionCredit>,
    },
    /// The fitted model (its `details()` and `write_features()`).
    Logistic(Box<FittedLogistic>),
}

/// One model's result: its credit, and its details when they were asked for.
#[derive(Clone, Debug)]
pub struct ModelRun {
    /// The credit.
    pub credit: Credit,
    /// Details (only with `with_details` and for models that have them).
    pub details: Option<ModelDetails>,
}

/// Runs `models` on `input`; the credits come back sorted by model name.
pub fn attribute(
    models: &[ModelName],
    settings: &ModelSettings,
    input: &Input<'_>,
) -> Result<Vec<Credit>> {
    Ok(run(models, settings, input, false)?
        .into_iter()
        .map(|r| r.credit)
        .collect())
}

/// Runs `models` on `input`, with each model's details when `with_details`; sorted by
/// model name.
pub fn run(
    models: &[ModelName],
    settings: &ModelSettings,
    input: &Input<'_>,
    with_details: bool,
) -> Result<Vec<ModelRun>> {
    settings.validate()?;
    settings.check_models(models, input.kind())?;
    let mut models = models.to_vec();
    models.sort_by_key(|m| m.as_str());
    models.dedup();

    let leveled;
    let (paths, journeys): (Cow<'_, PathTable>, Option<&Journeys>) = match input {
        Input::Paths(p) => (Cow::Borrowed(*p), None),
        Input::Journeys(j) => {
            leveled = j.at_level(settings.level)?;
            let needs_paths = models.iter().any(|m| !m.needs_journeys());
            let paths = if needs_paths {
                leveled.path_table()
            } else {
                PathTable::default()
            };
            (Cow::Owned(paths), Some(&*leveled))
        }
    };

    let mut transform_note = None;
    let paths = if settings.path_transform.is_identity() || paths.is_empty() {
        paths
    } else {
        let (transformed, emptied) = settings.path_transform.apply(&paths)?;
        if emptied.rows > 0 {
            transform_note = Some(format!(
                "path transforms emptied {} paths ({} conversions, {} nulls), left out of path models",
                emptied.rows, emptied.conversions, emptied.nulls
            ));
        }
        Cow::Owned(transformed)
    };

    let mut runs = Vec::with_capacity(models.len());
    for m in models {
        let mut details = None;
        let mut credit = match m {
            ModelName::FirstTouch => FirstTouch.attribute(&paths)?,
            ModelName::LastTouch => LastTouch.attribute(&paths)?,
            ModelName::LastNonDirect => LastNonDirect::default()
                .direct_channels(settings.direct_channels.clone())
                .attribute(&paths)?,
            ModelName::Linear => Linear.attribute(&paths)?,
            ModelName::LinearUnique => LinearUnique.attribute(&paths)?,
            ModelName::PositionBased => PositionBased::default()
                .weights(settings.position_weights)
                .attribute(&paths)?,
            ModelName::Custom => {
                let w = settings.custom_weights.expect("checked by check_models");
                PositionBased::custom(w).attribute(&paths)?
            }
            ModelName::Influenced => Influenced.attribute(&paths)?,
            ModelName::TimeDecay => TimeDecay::default()
                .half_life(settings.half_life)
                .attribute_journeys(journeys.expect("checked by check_models"))?,
            ModelName::WShaped => {
                StageModel::w_shaped().attribute_journeys(journeys.expect("checked"))?
            }
            ModelName::FullPath => {
                StageModel::full_path().attribute_journeys(journeys.expect("checked"))?
            }
            ModelName::Markov => {
                let fitted = settings.markov.fit(&paths)?;
                if with_details {
                    let mut d = fitted.details();
                    d.holdout_fit = Some(settings.markov.holdout_fit(&paths, fitted.order())?);
                    details = Some(ModelDetails::Markov(Box::new(d)));
                }
                fitted.credit()
            }
            ModelName::Shapley => {
                let fitted = settings
                    .shapley
                    .clone()
                    .model_params(settings.logistic.clone())
                    .fit(&paths)?;
                if with_details {
                    details = Some(ModelDetails::Shapley(Box::new(fitted.details())));
                }
                fitted.credit()
            }
            ModelName::ShapleyOrdered => {
                if with_details {
                    details = Some(ModelDetails::ShapleyOrdered {
                        positions: OrderedShapley.positions(&paths),
                    });
                }
                OrderedShapley.attribute(&paths)?
            }
            ModelName::Logistic => {
                let fitted = match journeys {
                    Some(j) => settings.logistic.fit_journeys(j)?,
                    None => settings.logistic.fit_paths(&paths)?,
                };
                let credit = fitted.credit();
                if with_details {
                    details = Some(ModelDetails::Logistic(Box::new(fitted)));
                }
                credit
            }
        };
        credit.dimension = settings.level.as_str().to_string();
        if !settings.path_transform.is_identity() {
            if m.needs_journeys() {
                credit
                    .notes
                    .push("path transforms do not apply to journey models".to_string());
            } else if let Some(note) = &transform_note {
                credit.notes.push(note.clone());
            }
        }
        runs.push(ModelRun { credit, details });
    }
    Ok(runs)
}
