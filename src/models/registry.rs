//! The model registry: one entry per model says what it is and how it runs.
//!
//! Everything that lists models reads this table: the command line's model names
//! and help, the default model set, the comparison and report (which models are
//! data-driven, which one a budget plan follows), and evaluation (which models have a
//! held-out fit, and where it sits in their details JSON).
//!
//! # Adding a model
//!
//! 1. Write the model in its own file under `src/models/` (params → fitted, with a doc
//!    comment that states its formula and cites its source), implementing
//!    [`Attribution`] (paths) or [`JourneyAttribution`] (journeys).
//! 2. Add one line to the `registry!` list below (`Variant => ENTRY,`) and its
//!    [`ModelInfo`] constant next to the others: name, summary, input, flags, and a
//!    `run` function that fits it from a [`ModelContext`].
//! 3. If it has parameters, add them to [`ModelSettings`] (with `validate`) and, in the
//!    CLI, to `src/cli/args/models.rs` (with their [`Param`] flag
//!    in `src/cli/flags.rs`).
//!
//! Nothing else lists models: `ModelName::ALL`, parsing, help and the default set all
//! derive from the table.

use std::sync::Arc;

use crate::choice::{Choice, choice_str};
use crate::credit::Credit;
use crate::error::Result;
use crate::journeys::{Journeys, Level, PathTable, Timelines};
use crate::models::details::{Details, OrderedDetails};
use crate::models::self_controlled::DEFAULT_IGNORED;
use crate::models::{
    Attribution, FirstTouch, Fractribution, Influenced, JourneyAttribution, LastNonDirect,
    LastTouch, Linear, LinearUnique, ModelSettings, OrderedShapley, PositionBased, PositionDecay,
    StageModel, StepDecay, TimeDecay,
};
#[allow(unused_imports)] // for docs
use crate::models::{LogisticParams, MarkovParams, ShapleyParams};
use crate::param::Param;

/// When a model runs in the default set (no models named).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultUse {
    /// On every input it supports.
    Always,
    /// When its settings are given (`custom` with custom weights).
    WhenConfigured,
    /// On journeys whose touches carry stage milestones.
    WithMilestones,
    /// On journeys built from events, with the whole logs of converting units.
    WithLogs,
    /// Only when named: a peer's convention, kept to reproduce that peer's numbers.
    WhenNamed,
}

/// What the registry knows of one model.
#[derive(Clone, Copy, Debug)]
pub struct ModelInfo {
    /// The name models are selected and reported by (the `models` setting, `Credit::model`).
    pub name: &'static str,
    /// A one-line description for help.
    pub summary: &'static str,
    /// True when the model needs journeys (times or milestones), not just paths.
    pub needs_journeys: bool,
    /// True when the model is fitted to the data rather than a fixed rule.
    pub data_driven: bool,
    /// True when the model predicts conversion and reports a held-out fit.
    pub predicts_conversion: bool,
    /// Where its held-out fit (`auc`, `log_loss`) sits in its details JSON, as a JSON
    /// pointer.
    pub holdout_pointer: Option<&'static str>,
    /// Rank of a data-driven model in comparisons: the lowest-ranked one that ran
    /// sorts the channels (Markov, then Shapley, then logistic).
    pub compare_rank: Option<u8>,
    /// Rank among the models a budget plan follows by default (lower first; a model
    /// without one is followed only as a fallback, when no ranked model ran).
    pub budget_rank: Option<u8>,
    /// When it runs in the default set.
    pub default_use: DefaultUse,
    /// Fits the model and returns its credit (and details when asked).
    pub run: fn(&ModelContext<'_>) -> Result<Fit>,
}

/// What a model's `run` sees.
#[derive(Clone, Copy, Debug)]
pub struct ModelContext<'a> {
    /// The settings of every model.
    pub settings: &'a ModelSettings,
    /// The path table (after the path transforms).
    pub paths: &'a PathTable,
    /// The journeys, when the input has them (at the credited level).
    pub journeys: Option<&'a Journeys>,
    /// The whole logs of converting units, when the input has them (or they were
    /// gathered from the journeys for the self-controlled model).
    pub logs: Option<&'a Timelines>,
    /// True when `logs` were gathered from journeys rather than built from events.
    pub logs_from_journeys: bool,
    /// Whether details are wanted.
    pub with_details: bool,
}

impl ModelContext<'_> {
    fn journeys(&self) -> &Journeys {
        self.journeys
            .expect("models that need journeys are checked by ModelSettings::check_models")
    }
}

/// A model's credit and, when asked for and it has them, its details.
#[derive(Debug)]
pub struct Fit {
    /// The credit.
    pub credit: Credit,
    /// The details.
    pub details: Option<Arc<dyn Details>>,
}

impl From<Credit> for Fit {
    fn from(credit: Credit) -> Self {
        Fit {
            credit,
            details: None,
        }
    }
}

/// Declares [`ModelName`] and its registry entries, in one list.
macro_rules! registry {
    ($($variant:ident => $entry:ident,)*) => {
        /// The models the registry knows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ModelName {
            $(#[doc = concat!("See [`", stringify!($entry), "`].")] $variant,)*
        }

        impl ModelName {
            /// Every model, in the order help lists them.
            pub const ALL: [ModelName; [$(stringify!($variant)),*].len()] =
                [$(ModelName::$variant,)*];

            /// The model's registry entry.
            pub fn info(self) -> &'static ModelInfo {
                match self {
                    $(ModelName::$variant => &$entry,)*
                }
            }
        }
    };
}

registry! {
    FirstTouch => FIRST_TOUCH,
    LastTouch => LAST_TOUCH,
    LastNonDirect => LAST_NON_DIRECT,
    Linear => LINEAR,
    LinearUnique => LINEAR_UNIQUE,
    PositionBased => POSITION_BASED,
    Custom => CUSTOM,
    TimeDecay => TIME_DECAY,
    TimeDecaySteps => TIME_DECAY_STEPS,
    WShaped => W_SHAPED,
    FullPath => FULL_PATH,
    Influenced => INFLUENCED,
    PositionDecay => POSITION_DECAY,
    Fractribution => FRACTRIBUTION,
    Markov => MARKOV,
    Shapley => SHAPLEY,
    ShapleyOrdered => SHAPLEY_ORDERED,
    Logistic => LOGISTIC,
    SelfControlled => SELF_CONTROLLED,
}

impl ModelName {
    /// The model's name.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// True when the model needs journeys (times or milestones), not just paths.
    pub fn needs_journeys(self) -> bool {
        self.info().needs_journeys
    }

    /// A one-line description for help.
    pub fn summary(self) -> &'static str {
        self.info().summary
    }

    /// True when the model is fitted to the data rather than a fixed rule.
    pub fn data_driven(self) -> bool {
        self.info().data_driven
    }

    /// The registry entry of a model by the name its credit carries.
    pub fn lookup(name: &str) -> Option<ModelName> {
        ModelName::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

impl Choice for ModelName {
    const PARAM: Param = Param::Models;
    const ALL: &'static [Self] = &ModelName::ALL;
    fn name(self) -> &'static str {
        self.as_str()
    }
}

choice_str!(ModelName);

/// A rule-based path model with no settings.
const fn rule(
    name: &'static str,
    summary: &'static str,
    run: fn(&ModelContext<'_>) -> Result<Fit>,
) -> ModelInfo {
    ModelInfo {
        name,
        summary,
        needs_journeys: false,
        data_driven: false,
        predicts_conversion: false,
        holdout_pointer: None,
        compare_rank: None,
        budget_rank: None,
        default_use: DefaultUse::Always,
        run,
    }
}

/// [`FirstTouch`].
pub const FIRST_TOUCH: ModelInfo = rule("first_touch", "all credit to the first touch", |c| {
    Ok(FirstTouch.attribute(c.paths)?.into())
});

/// [`LastTouch`].
pub const LAST_TOUCH: ModelInfo = ModelInfo {
    budget_rank: Some(4),
    ..rule("last_touch", "all credit to the last touch", |c| {
        Ok(LastTouch.attribute(c.paths)?.into())
    })
};

/// [`LastNonDirect`].
pub const LAST_NON_DIRECT: ModelInfo = rule(
    "last_non_direct",
    "all credit to the last touch that is not direct",
    |c| {
        Ok(LastNonDirect::default()
            .direct_channels(c.settings.direct_channels.clone())
            .attribute(c.paths)?
            .into())
    },
);

/// [`Linear`].
pub const LINEAR: ModelInfo = rule("linear", "equal credit per touch", |c| {
    Ok(Linear.attribute(c.paths)?.into())
});

/// [`LinearUnique`].
pub const LINEAR_UNIQUE: ModelInfo =
    rule("linear_unique", "equal credit per distinct channel", |c| {
        Ok(LinearUnique.attribute(c.paths)?.into())
    });

/// [`PositionBased`] with the position weights.
pub const POSITION_BASED: ModelInfo = rule(
    "position_based",
    "U-shaped: first/middle/last weights (40/20/40)",
    |c| {
        Ok(PositionBased::default()
            .weights(c.settings.position_weights)
            .two_touch(c.settings.two_touch)
            .attribute(c.paths)?
            .into())
    },
);

/// [`PositionBased`] with the custom weights.
pub const CUSTOM: ModelInfo = ModelInfo {
    default_use: DefaultUse::WhenConfigured,
    ..rule(
        "custom",
        "first/middle/last weights from `custom_weights`",
        |c| {
            let w = c
                .settings
                .custom_weights
                .expect("checked by ModelSettings::check_models");
            Ok(PositionBased::custom(w)
                .two_touch(c.settings.two_touch)
                .attribute(c.paths)?
                .into())
        },
    )
};

/// [`TimeDecay`].
pub const TIME_DECAY: ModelInfo = ModelInfo {
    needs_journeys: true,
    ..rule(
        "time_decay",
        "2^(-age/half-life) on real times (journeys only)",
        |c| {
            Ok(TimeDecay::default()
                .half_life(c.settings.half_life)
                .attribute_journeys(c.journeys())?
                .into())
        },
    )
};

/// [`StepDecay`]: DP6's step-wise time decay, run only when named.
pub const TIME_DECAY_STEPS: ModelInfo = ModelInfo {
    needs_journeys: true,
    default_use: DefaultUse::WhenNamed,
    ..rule(
        crate::models::step_decay::NAME,
        "DP6: decay^floor(age/step) on real times (journeys only)",
        |c| {
            Ok(StepDecay::default()
                .decay(c.settings.step_decay)
                .every(c.settings.step_every)
                .attribute_journeys(c.journeys())?
                .into())
        },
    )
};

/// [`StageModel::w_shaped`].
pub const W_SHAPED: ModelInfo = ModelInfo {
    needs_journeys: true,
    default_use: DefaultUse::WithMilestones,
    ..rule(
        "w_shaped",
        "30/30/30 first, lead, opportunity; 10 rest (journeys only)",
        |c| {
            Ok(StageModel::w_shaped()
                .attribute_journeys(c.journeys())?
                .into())
        },
    )
};

/// [`StageModel::full_path`].
pub const FULL_PATH: ModelInfo = ModelInfo {
    needs_journeys: true,
    default_use: DefaultUse::WithMilestones,
    ..rule(
        "full_path",
        "22.5 x 4 incl. closed won; 10 rest (journeys only)",
        |c| {
            Ok(StageModel::full_path()
                .attribute_journeys(c.journeys())?
                .into())
        },
    )
};

/// [`Influenced`].
pub const INFLUENCED: ModelInfo = rule(
    "influenced",
    "full conversion to every channel on the path (non-additive)",
    |c| Ok(Influenced.attribute(c.paths)?.into()),
);

/// [`PositionDecay`].
pub const POSITION_DECAY: ModelInfo = ModelInfo {
    default_use: DefaultUse::WhenNamed,
    ..rule(
        "position_decay",
        "linear decay by position, no timestamps (`position_decay` touches|first_seen|last_seen)",
        |c| {
            Ok(PositionDecay::default()
                .rank(c.settings.position_decay)
                .attribute(c.paths)?
                .into())
        },
    )
};

/// [`Fractribution`].
pub const FRACTRIBUTION: ModelInfo = ModelInfo {
    default_use: DefaultUse::WhenNamed,
    ..rule(
        "fractribution",
        "Fractribution's default: per-path leave-one-out share (not a Shapley value)",
        |c| Ok(Fractribution.attribute(c.paths)?.into()),
    )
};

/// [`MarkovParams`].
pub const MARKOV: ModelInfo = ModelInfo {
    data_driven: true,
    predicts_conversion: true,
    holdout_pointer: Some("/holdout_fit"),
    compare_rank: Some(1),
    budget_rank: Some(1),
    ..rule(
        "markov",
        "exact removal effect of an order-k Markov chain (`markov_order`)",
        |c| {
            let markov = &c.settings.markov;
            let fitted = markov.fit(c.paths)?;
            let details = if c.with_details {
                let mut d = fitted.details();
                d.holdout_fit = Some(markov.holdout_fit(c.paths, fitted.order())?);
                Some(Arc::new(d) as Arc<dyn Details>)
            } else {
                None
            };
            Ok(Fit {
                credit: fitted.credit(),
                details,
            })
        },
    )
};

/// [`ShapleyParams`].
pub const SHAPLEY: ModelInfo = ModelInfo {
    data_driven: true,
    compare_rank: Some(2),
    budget_rank: Some(2),
    ..rule(
        "shapley",
        "Shapley value of a game on channel sets (`shapley_game` rate|simplified)",
        |c| {
            let fitted = c
                .settings
                .shapley
                .clone()
                .model_params(
                    c.settings
                        .logistic
                        .clone()
                        .memory_limit(c.settings.memory_limit()),
                )
                .fit(c.paths)?;
            let details = c
                .with_details
                .then(|| Arc::new(fitted.details()) as Arc<dyn Details>);
            Ok(Fit {
                credit: fitted.credit(),
                details,
            })
        },
    )
};

/// [`OrderedShapley`].
pub const SHAPLEY_ORDERED: ModelInfo = ModelInfo {
    data_driven: true,
    compare_rank: Some(4),
    ..rule(
        "shapley_ordered",
        "simplified Shapley value split over touch positions",
        |c| {
            let details = c.with_details.then(|| {
                Arc::new(OrderedDetails {
                    positions: OrderedShapley.positions(c.paths),
                }) as Arc<dyn Details>
            });
            Ok(Fit {
                credit: OrderedShapley.attribute(c.paths)?,
                details,
            })
        },
    )
};

/// [`LogisticParams`].
pub const LOGISTIC: ModelInfo = ModelInfo {
    data_driven: true,
    predicts_conversion: true,
    holdout_pointer: Some("/diagnostics"),
    compare_rank: Some(3),
    budget_rank: Some(3),
    ..rule(
        "logistic",
        "fitted logistic conversion model, credit split per journey by Shapley",
        |c| {
            let logistic = &c
                .settings
                .logistic
                .clone()
                .memory_limit(c.settings.memory_limit());
            let fitted = match c.journeys {
                Some(j) => logistic.fit_journeys(j)?,
                None => logistic.fit_paths(c.paths)?,
            };
            let credit = fitted.credit();
            let details = c.with_details.then(|| Arc::new(fitted) as Arc<dyn Details>);
            Ok(Fit { credit, details })
        },
    )
};

/// [`SelfControlledParams`](crate::models::self_controlled::SelfControlledParams).
pub const SELF_CONTROLLED: ModelInfo = ModelInfo {
    needs_journeys: true,
    data_driven: true,
    compare_rank: Some(0),
    budget_rank: Some(0),
    default_use: DefaultUse::WithLogs,
    ..rule(
        "self_controlled",
        "each unit its own control: conditional hazard on lagged exposures (events or whole logs)",
        |c| {
            if c.settings.level != Level::Channel {
                return Err(crate::error::Error::unsupported(
                    "self_controlled",
                    "credits channels only (a `level` of campaign or content is not supported)",
                ));
            }
            let logs = c
                .logs
                .expect("journeys are checked by ModelSettings::check_models");
            let mut params = c
                .settings
                .self_controlled
                .clone()
                .lift_tests(c.settings.lift_tests.clone());
            if params.ignored_channels().is_empty() {
                // Visits people make themselves are behaviour, not exposure.
                let mut ignore = c.settings.direct_channels.clone();
                ignore.extend(DEFAULT_IGNORED.iter().map(|s| s.to_string()));
                params = params.ignore(ignore);
            }
            let fitted = params.fit(logs)?;
            let mut credit = fitted.credit();
            if c.logs_from_journeys {
                credit.notes.push(
                    "whole logs gathered from the journeys: complete only if they were built with no \
                     lookback window (`lookback_days` none), at event level, without censoring"
                        .to_string(),
                );
            }
            let details = c
                .with_details
                .then(|| Arc::new(fitted.details()) as Arc<dyn Details>);
            Ok(Fit { credit, details })
        },
    )
};

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
