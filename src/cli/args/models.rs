//! Which models run, with their parameters.

use clap::Args;

use pathcredit::journeys::PathTransform;
use pathcredit::models::{MarkovParams, ModelName, ModelSettings, PositionWeights};
use pathcredit::time::{DURATION_EXPECTED, parse_duration};
use pathcredit::{Error, Level};

/// Which models run, with their parameters.
#[derive(Debug, Args)]
#[command(next_help_heading = "Models")]
pub struct ModelArgs {
    /// Models to run, comma separated (default: every model the input supports).
    /// first_touch, last_touch, last_non_direct, linear, linear_unique, position_based,
    /// custom, time_decay, w_shaped, full_path, influenced, markov.
    #[arg(long = "model", value_name = "LIST", value_delimiter = ',')]
    pub models: Vec<String>,

    /// Credit per channel, campaign or content (campaign/content need journeys or
    /// events with those columns; touches without one are "(not set)"). For account
    /// journeys see --journey-level.
    #[arg(long, value_name = "LEVEL", default_value = "channel", value_parser = ["channel", "campaign", "content"])]
    pub level: String,

    /// Half-life of time_decay: a number with a unit (ms, s, m, h, d, w), e.g. 7d, 36h.
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    pub half_life: String,

    /// First,middle,last weights of position_based (normalised to sum to 1).
    #[arg(long, value_name = "F,M,L", default_value = "0.4,0.2,0.4")]
    pub position_weights: String,

    /// First,middle,last weights of the `custom` model (enables it).
    #[arg(long, value_name = "F,M,L")]
    pub custom_weights: Option<String>,

    /// Order of the markov chain: 1 to 4, or `auto` (fit 1..4 on a seeded split and
    /// keep the best held-out log-loss).
    #[arg(long, value_name = "K|auto", default_value = "1")]
    pub markov_order: String,

    /// Markov states of order k: `windows` (k consecutive touches; ChannelAttribution's
    /// convention) or `padded` (last k touches, padded with start).
    #[arg(long, value_name = "KIND", default_value = "windows", value_parser = ["windows", "padded"])]
    pub markov_states: String,

    /// Share of journeys held out to choose the order with --markov-order auto.
    #[arg(long, value_name = "SHARE", default_value_t = 0.2)]
    pub markov_holdout: f64,

    /// Seed of every random choice (held-out splits, sampling); fixed by default, so
    /// runs are reproducible.
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub seed: u64,

    /// Write the markov model's details as JSON: states, transition matrix,
    /// P(conversion), removal effects, order selection.
    #[arg(long, value_name = "FILE")]
    pub markov_details: Option<std::path::PathBuf>,

    /// Write the markov transition matrix as CSV: from,to,count,probability.
    #[arg(long, value_name = "FILE")]
    pub markov_transitions: Option<std::path::PathBuf>,
}

impl ModelArgs {
    /// The validated settings.
    pub fn settings(
        &self,
        direct_channels: Vec<String>,
        path_transform: PathTransform,
    ) -> Result<ModelSettings, Error> {
        let half_life = parse_duration(&self.half_life).ok_or_else(|| {
            Error::param(
                "--half-life",
                format!("`{}`: expected {DURATION_EXPECTED}", self.half_life),
            )
        })?;
        let settings = ModelSettings {
            level: self
                .level
                .parse::<Level>()
                .map_err(|m| Error::param("--level", m))?,
            direct_channels,
            position_weights: PositionWeights::parse(&self.position_weights, "--position-weights")?,
            custom_weights: self
                .custom_weights
                .as_deref()
                .map(|w| PositionWeights::parse(w, "--custom-weights"))
                .transpose()?,
            half_life,
            path_transform,
            markov: MarkovParams::default()
                .order_choice(self.markov_order.parse()?)
                .states(self.markov_states.parse()?)
                .holdout(self.markov_holdout)
                .seed(self.seed),
        };
        settings.validate()?;
        Ok(settings)
    }

    /// The models named with `--model`, or `None` for the default set.
    pub fn model_names(&self) -> Result<Option<Vec<ModelName>>, Error> {
        if self.models.is_empty() {
            return Ok(None);
        }
        let names = self
            .models
            .iter()
            .filter(|m| !m.trim().is_empty())
            .map(|m| m.parse())
            .collect::<Result<Vec<ModelName>, Error>>()?;
        Ok(Some(names))
    }
}
