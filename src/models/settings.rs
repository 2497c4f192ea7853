//! The parameters of every model the registry runs, and the kinds of input a run sees.

use crate::error::{Error, Result};
use crate::journeys::{ConversionWindow, Journeys, Level, PathTable, PathTransform, Timelines};
use crate::models::self_controlled::{LiftTest, SelfControlledParams};
use crate::models::{
    DecayRank, LastNonDirect, LogisticParams, MarkovParams, ModelName, PositionWeights,
    ShapleyParams, StepDecay, TimeDecay, TwoTouch,
};
use crate::param::Param;
use crate::time::{DAY, Millis};

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
    /// How `position_based` and `custom` split a two-touch path (default: renormalise
    /// first and last; `split_middle` is DP6's and ianchute's rule).
    pub two_touch: TwoTouch,
    /// What `position_decay` ranks (default: touches, DP6's rule).
    pub position_decay: DecayRank,
    /// Half-life of `time_decay` (default 7 days).
    pub half_life: Millis,
    /// Factor per step of `time_decay_steps` (DP6's `decay_over_time`; default 0.5).
    pub step_decay: f64,
    /// Step length of `time_decay_steps` (DP6's `frequency`; default 168 hours).
    pub step_every: Millis,
    /// Puts Snowplow's revenue-weighted conversion count on every model's credit
    /// (`weighted_conversions`; default off).
    pub revenue_weighted: bool,
    /// Keep only the journeys ending in this window (Snowplow's conversion reporting
    /// window; journeys only; default: all).
    pub conversion_window: Option<ConversionWindow>,
    /// Transform applied to the path table that path models see (default: none).
    /// Journey models (time decay, stage models) see the journeys as they are.
    pub path_transform: PathTransform,
    /// Parameters of `markov` (default: order 1, ChannelAttribution's states).
    pub markov: MarkovParams,
    /// Parameters of `shapley` (default: the rate game, exact up to 25 channels).
    pub shapley: ShapleyParams,
    /// Parameters of `logistic` (and of the model behind the `model` Shapley game).
    pub logistic: LogisticParams,
    /// Parameters of `self_controlled` (default: daily steps, lag bins up to 29 days,
    /// no controls, the direct channels and organic search left out).
    pub self_controlled: SelfControlledParams,
    /// Lift tests: they pull `self_controlled` towards them, and every other additive
    /// model gets a `calibrated_<model>` copy (see [`calibrate`](crate::models::calibrate)).
    pub lift_tests: Vec<LiftTest>,
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self {
            level: Level::Channel,
            direct_channels: vec!["direct".to_string()],
            position_weights: PositionWeights::default(),
            custom_weights: None,
            two_touch: TwoTouch::default(),
            position_decay: DecayRank::default(),
            half_life: 7 * DAY,
            revenue_weighted: false,
            conversion_window: None,
            step_decay: 0.5,
            step_every: 7 * DAY,
            // The transform knows the direct channels (for `drop_direct_unless_only`).
            path_transform: PathTransform {
                direct_channels: vec!["direct".to_string()],
                ..PathTransform::default()
            },
            markov: MarkovParams::default(),
            shapley: ShapleyParams::default(),
            logistic: LogisticParams::default(),
            self_controlled: SelfControlledParams::default(),
            lift_tests: Vec::new(),
        }
    }
}

impl ModelSettings {
    /// The memory limit the front end set (`memory_limit`, kept on the Markov and
    /// Shapley params alike); `None`: the memory available on this machine.
    pub fn memory_limit(&self) -> Option<u64> {
        self.markov.memory_limit_bytes()
    }

    /// Checks every parameter (call before reading a large input).
    pub fn validate(&self) -> Result<()> {
        LastNonDirect::default()
            .direct_channels(self.direct_channels.clone())
            .validate()?;
        self.position_weights.validate(Param::PositionWeights)?;
        if let Some(w) = &self.custom_weights {
            w.validate(Param::CustomWeights)?;
        }
        self.path_transform.validate()?;
        if let Some(w) = &self.conversion_window {
            w.validate()?;
        }
        self.markov.validate()?;
        self.shapley.validate()?;
        self.logistic.validate()?;
        self.self_controlled
            .clone()
            .lift_tests(self.lift_tests.clone())
            .validate()?;
        StepDecay::default()
            .decay(self.step_decay)
            .every(self.step_every)
            .validate()?;
        TimeDecay::default().half_life(self.half_life).validate()
    }

    /// Checks that `models` can run with these settings on this kind of input.
    pub fn check_models(&self, models: &[ModelName], input: InputKind) -> Result<()> {
        for &m in models {
            if m == ModelName::Custom && self.custom_weights.is_none() {
                return Err(Error::param(
                    Param::CustomWeights,
                    "the `custom` model needs its weights FIRST,MIDDLE,LAST",
                ));
            }
            if m.needs_journeys() && input == InputKind::Paths {
                return Err(Error::unsupported(
                    m.as_str(),
                    "needs journeys with touch times and milestones (journeys or events as \
                     input); a path summary has neither",
                ));
            }
        }
        if input == InputKind::Paths && self.conversion_window.is_some() {
            return Err(Error::param(
                Param::ConversionWindow,
                "a path summary has no conversion times; the conversion window needs journeys or \
                 events as input",
            ));
        }
        if input == InputKind::Paths && self.level != Level::Channel {
            return Err(Error::param(
                Param::Level,
                "a path summary holds channels only; campaign or content credit needs journeys or events as input",
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
    /// Journeys with the whole logs of converting units (built from events), which the
    /// self-controlled model needs.
    Logs(&'a Journeys, &'a Timelines),
}

impl<'a> Input<'a> {
    /// The kind of input.
    pub fn kind(&self) -> InputKind {
        match self {
            Input::Paths(_) => InputKind::Paths,
            Input::Journeys(_) | Input::Logs(..) => InputKind::Journeys,
        }
    }

    /// The journeys, when the input has them.
    pub fn journeys(&self) -> Option<&'a Journeys> {
        match *self {
            Input::Paths(_) => None,
            Input::Journeys(j) | Input::Logs(j, _) => Some(j),
        }
    }

    /// The whole logs, when the input has them.
    pub fn logs(&self) -> Option<&'a Timelines> {
        match *self {
            Input::Logs(_, l) => Some(l),
            _ => None,
        }
    }
}
