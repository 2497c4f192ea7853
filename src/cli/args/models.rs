//! Which models run, with their parameters; bootstrap intervals; model details outputs.

use std::path::PathBuf;

use clap::Args;

use pathcredit::Level;
use pathcredit::csv_input::open_file;
use pathcredit::journeys::{ConversionWindow, PathTransform};
use pathcredit::models::logistic::{CreditMethod, SolverChoice};
use pathcredit::models::markov::StateConvention;
use pathcredit::models::self_controlled::{
    CalendarChoice, IntentAdjustment, LagChoice, PreChoice, SelfControlledParams, Smoothing,
    TimeOfDay, read_lift_tests,
};
use pathcredit::models::shapley::NegativePolicy;
use pathcredit::models::{
    DecayRank, LogisticParams, MarkovOrder, MarkovParams, ModelName, ModelSettings,
    PositionWeights, ShapleyGame, ShapleyParams, TwoTouch,
};
use pathcredit::param::Param;
use pathcredit::time::Millis;

use crate::cli::args::values::{self, conversion_window, duration, timestamp, weights, whole};
use crate::cli::flags::choice;

/// Which models run, with their parameters.
#[derive(Debug, Args)]
#[command(next_help_heading = "Models")]
pub struct ModelArgs {
    /// Models to run, comma separated (default: every model the input supports; see the
    /// list above).
    #[arg(long = "model", value_name = "LIST", value_delimiter = ',', value_parser = choice::<ModelName>())]
    pub models: Vec<ModelName>,

    /// Credit per channel, campaign or content (campaign/content need journeys or
    /// events with those columns; touches without one are "(not set)"). For account
    /// journeys see --journey-level.
    #[arg(long, value_name = "LEVEL", default_value = "channel", value_parser = choice::<Level>())]
    pub level: Level,

    /// Half-life of time_decay: a number with a unit (ms, s, m, h, d, w), e.g. 7d, 36h.
    #[arg(long, value_name = "DURATION", default_value = "7d", value_parser = duration, allow_hyphen_values = true)]
    pub half_life: Millis,

    /// Add a `weighted_conversions` column: Snowplow's revenue-weighted conversion count
    /// (attributed value / revenue of the conversions containing the channel × their
    /// number; not additive).
    #[arg(long)]
    pub revenue_weighted: bool,

    /// Report only the journeys ending in a window (Snowplow's conversion reporting
    /// window): START..END (timestamps or dates, END exclusive) or a number of days
    /// back from the latest conversion. A journey ends at its conversion, or at its
    /// last touch when it did not convert. Journeys or events only.
    #[arg(long, value_name = "START..END|DAYS", value_parser = conversion_window)]
    pub conversion_window: Option<ConversionWindow>,

    /// Factor per step of time_decay_steps (DP6's decay_over_time): a touch k steps
    /// before its conversion weighs decay^k.
    #[arg(
        long,
        value_name = "FACTOR",
        default_value = "0.5",
        allow_hyphen_values = true
    )]
    pub step_decay: f64,

    /// Step length of time_decay_steps (DP6's frequency, in hours there): a duration
    /// with a unit, e.g. 168h, 7d.
    #[arg(long, value_name = "DURATION", default_value = "168h", value_parser = duration, allow_hyphen_values = true)]
    pub step_every: Millis,

    /// First,middle,last weights of position_based (normalised to sum to 1).
    #[arg(long, value_name = "F,M,L", default_value = "0.4,0.2,0.4", value_parser = weights(Param::PositionWeights), allow_hyphen_values = true)]
    pub position_weights: PositionWeights,

    /// First,middle,last weights of the `custom` model (enables it).
    #[arg(long, value_name = "F,M,L", value_parser = weights(Param::CustomWeights), allow_hyphen_values = true)]
    pub custom_weights: Option<PositionWeights>,

    /// How position_based and custom split a path of two touches: `renormalise`
    /// (first and last weights scaled to sum to 1) or `split_middle` (first and last
    /// each take half the middle weight, as DP6 and ianchute do).
    #[arg(long, value_name = "RULE", default_value = "renormalise", value_parser = choice::<TwoTouch>())]
    pub two_touch: TwoTouch,

    /// What position_decay ranks: `touches` (touch i of n gets i/(1+…+n); DP6),
    /// `first_seen` or `last_seen` (distinct channels by first or last touch; eeghor/mta's
    /// time_decay left or right).
    #[arg(long, value_name = "RANK", default_value = "touches", value_parser = choice::<DecayRank>())]
    pub position_decay: DecayRank,

    /// Order of the markov chain: 1 to 4, or `auto` (fit 1..4 on a seeded split and
    /// keep the best held-out log-loss).
    #[arg(long, value_name = "K|auto", default_value = "1")]
    pub markov_order: MarkovOrder,

    /// Markov states of order k: `windows` (k consecutive touches; ChannelAttribution's
    /// convention) or `padded` (last k touches, padded with start).
    #[arg(long, value_name = "KIND", default_value = "windows", value_parser = choice::<StateConvention>())]
    pub markov_states: StateConvention,

    /// Share of journeys held out to choose the order with --markov-order auto.
    #[arg(long, value_name = "SHARE", default_value_t = 0.2)]
    pub markov_holdout: f64,

    /// The most states a markov chain may have: above it the fit is refused up front
    /// with the count (a higher order on many channels makes millions of states, each
    /// costing memory and work in every channel's removal).
    #[arg(long, value_name = "N", default_value_t = pathcredit::models::markov::DEFAULT_MAX_STATES, value_parser = whole::<usize>)]
    pub markov_max_states: usize,

    /// The most work the markov model's removal solves may take, in transition visits
    /// (2e10: about a minute of one core). A channel whose state lies in a large cyclic
    /// part of the chain costs a solve of that part, so thousands of such channels (order
    /// 1 on campaign ids) cost the square of their number: above the bound the fit is
    /// refused up front with the estimate.
    #[arg(long, value_name = "N", default_value_t = pathcredit::models::markov::DEFAULT_MAX_WORK)]
    pub markov_max_work: f64,

    /// Seed of every random choice (held-out splits, sampling, bootstrap); fixed by
    /// default, so runs are reproducible.
    #[arg(long, value_name = "N", default_value_t = 42, value_parser = whole::<u64>)]
    pub seed: u64,

    /// Game of the shapley model: `rate` (conversion rate of journeys whose channels lie
    /// in the coalition; uses non-converting journeys) or `simplified` (their
    /// conversions; Zhao et al. 2018, equal to linear_unique).
    /// `model` is the logistic model's probability for a journey touching exactly the
    /// coalition's channels.
    #[arg(long, value_name = "GAME", default_value = "rate", value_parser = choice::<ShapleyGame>())]
    pub shapley_game: ShapleyGame,

    /// Estimate the Shapley value from this many antithetic permutation pairs (with
    /// standard errors and Hoeffding intervals) instead of solving exactly.
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub shapley_samples: Option<usize>,

    /// Solve exactly up to this many channels (memory 2^n × 24 bytes at the peak:
    /// 805 MB at 25); beyond, sample. An exact solve that needs more memory than
    /// --memory-limit (default: what the machine has available) is refused up front.
    #[arg(long, value_name = "N", default_value_t = 25, value_parser = whole::<usize>)]
    pub shapley_exact_max: usize,

    /// The most memory a large exact solve (Shapley's coalition tables, a Markov
    /// chain) may take, e.g. 8G; default: the memory available on this machine.
    #[arg(long, value_name = "SIZE", value_parser = values::size, allow_hyphen_values = true)]
    pub memory_limit: Option<u64>,

    /// Negative Shapley values in the credit: `clip` to 0 and renormalise the rest, or
    /// `keep` (negative credit). Raw values are always in --shapley-details.
    #[arg(long, value_name = "POLICY", default_value = "clip", value_parser = choice::<NegativePolicy>())]
    pub shapley_negative: NegativePolicy,

    /// L2 strength of the logistic model's final fit (default: chosen by
    /// cross-validation on log-loss).
    #[arg(long, value_name = "ALPHA")]
    pub logistic_alpha: Option<f64>,

    /// Cross-validation folds for the logistic L2 strength.
    #[arg(long, value_name = "K", default_value_t = 5, value_parser = whole::<usize>)]
    pub logistic_folds: usize,

    /// Add pairwise channel-presence interactions to the logistic features.
    #[arg(long)]
    pub logistic_interactions: bool,

    /// How the logistic model's predictions become credit: `shapley` (the Shapley value
    /// of p(journey restricted to S) − p(no channel) over each journey's channels) or
    /// `removal` (the drop-one difference).
    #[arg(long, value_name = "METHOD", default_value = "shapley", value_parser = choice::<CreditMethod>())]
    pub logistic_credit: CreditMethod,

    /// Refit the logistic model on this many seeded subsamples (Shao & Li 2011) and
    /// report the spread of coefficients and credit (interval columns with 2 or more).
    #[arg(long, value_name = "B", default_value_t = 0, value_parser = whole::<usize>)]
    pub logistic_bags: usize,

    /// Share of rows each bag sees.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub logistic_bag_rows: f64,

    /// Share of features each bag sees.
    #[arg(long, value_name = "SHARE", default_value_t = 1.0)]
    pub logistic_bag_features: f64,

    /// Optimiser of the logistic model: `newton` (an exact weighted fit on aggregated
    /// rows) or `linfa` (linfa-logistic on one row per journey; a case-control sample
    /// beyond 100,000 rows). Both minimise the same loss; newton is ~80x faster.
    #[arg(long, value_name = "SOLVER", default_value = "newton", value_parser = choice::<SolverChoice>())]
    pub logistic_solver: SolverChoice,

    /// Share of journeys held out for the logistic model's diagnostics.
    #[arg(long, value_name = "SHARE", default_value_t = 0.2)]
    pub logistic_holdout: f64,

    /// The most work the logistic fits may take, in floating-point operations (1e12:
    /// about ten minutes of one core). Newton's method solves a dense system of the
    /// features (4 a channel) at every step, so the work grows with their cube: above
    /// the bound the fit is refused up front with the estimate, and the default model
    /// set leaves logistic out.
    #[arg(long, value_name = "N", default_value_t = pathcredit::models::logistic::DEFAULT_MAX_WORK)]
    pub logistic_max_work: f64,

    /// Step of the self_controlled model's timelines (a duration, e.g. 1d, 12h).
    #[arg(long, value_name = "DURATION", default_value = "1d", value_parser = duration, allow_hyphen_values = true)]
    pub hazard_step: Millis,

    /// Lag bins of the self_controlled model: `auto` (bins out to min(90 days, half the
    /// study span), pooled by a smoothness penalty chosen by held-out likelihood), or
    /// comma-separated steps and inclusive ranges such as 0,1-2,3-5,6-9,10-14,15-20,21-29.
    #[arg(long, value_name = "BINS", default_value = "auto", value_parser = values::lag_choice)]
    pub hazard_lags: LagChoice,

    /// Pre-exposure bins of the self_controlled model, in steps before an exposure:
    /// `auto` (1-3, 4-10, 11-28 days), `none`, or ranges such as 1-3,4-10. A hazard
    /// already raised before a channel's exposures marks exposure that follows intent.
    #[arg(long, value_name = "BINS", default_value = "auto", value_parser = values::pre_choice)]
    pub hazard_pre: PreChoice,

    /// Strength of the smoothness penalty over the self_controlled model's lag bins:
    /// `auto` (chosen by 3-fold held-out likelihood) or a number (0: none).
    #[arg(long, value_name = "LAMBDA", default_value = "auto", value_parser = values::smoothing)]
    pub hazard_smoothing: Smoothing,

    /// How pre-exposure hazard enters self_controlled credit: `auto` (adjusted for the
    /// channels the model warns follow intent, whole for the others), `raw` (credited
    /// whole; the pre-exposure bins only warn) or `adjusted` (every channel's
    /// post-exposure bins credited only for their rise over the pre-exposure level).
    #[arg(long, value_name = "HOW", default_value = "auto", value_parser = choice::<IntentAdjustment>())]
    pub hazard_adjust: IntentAdjustment,

    /// Channels the self_controlled model uses as time-varying controls, not credited:
    /// visits people make themselves (organic search, direct), which behaviour-triggered
    /// channels (retargeting) follow; `auto`: every channel it leaves out (the direct
    /// channels, organic_search, --hazard-ignore) as a control; `none`: no control
    /// [default: `auto` when exposure to some channel follows people's own visits, else
    /// none].
    #[arg(long, value_name = "CHANNELS", value_delimiter = ',')]
    pub hazard_controls: Vec<String>,

    /// Channels the self_controlled model leaves out entirely [default: the direct
    /// channels and organic_search: visits people make themselves, not exposures].
    #[arg(long, value_name = "CHANNELS", value_delimiter = ',')]
    pub hazard_ignore: Vec<String>,

    /// Give the self_controlled model a day-of-week baseline b_t (conversions more
    /// likely on some weekdays, whatever the exposure).
    #[arg(long)]
    pub hazard_weekday: bool,

    /// A calendar baseline of the self_controlled model, one level per calendar period
    /// (season, promotions, holidays: everybody converts more in some weeks, and
    /// exposure bunched in them can read as its effect): `warn` (tested on 14-day
    /// periods, longer past 13 periods, by a likelihood-ratio test at 1%; a WARNING names
    /// the channels whose share falls by a fifth or more with it; the credit is the fit's
    /// without it), `auto` (tested, and fitted where the test rejects a constant
    /// baseline), `none`, or a period in days such as 7 (always fitted).
    #[arg(long, value_name = "DAYS", default_value = "warn", value_parser = values::calendar_choice)]
    pub hazard_calendar: CalendarChoice,

    /// How much of its own day a touch is exposure for in the self_controlled model:
    /// `clock` (the share of the day's clock time after it) or `conversions` (the share
    /// of the day's conversions, by their time of day over the whole data, that come
    /// after it: purchases that cluster in the evening are mostly after a morning touch).
    #[arg(long, value_name = "HOW", default_value = "clock", value_parser = choice::<TimeOfDay>())]
    pub hazard_time_of_day: TimeOfDay,

    /// Start of the self_controlled model's study period [default: the earliest event
    /// in the data].
    #[arg(long, value_name = "TIMESTAMP", value_parser = timestamp)]
    pub study_start: Option<Millis>,

    /// End of the study period [default: the end of the data].
    #[arg(long, value_name = "TIMESTAMP", value_parser = timestamp)]
    pub study_end: Option<Millis>,

    /// Lift tests (channel,incremental_conversions,se, e.g. the simulator's
    /// experiments.csv; or channel,lift,se with relative lifts): each tested channel's self_controlled credit is pulled towards
    /// the experiment with weight 1/se², and every other additive model gets a
    /// calibrated_<model> copy.
    #[arg(long, value_name = "FILE")]
    pub lift_tests: Option<std::path::PathBuf>,
}

impl ModelArgs {
    /// The settings (checked whole by the run, before any input is read).
    pub fn settings(
        &self,
        direct_channels: Vec<String>,
        path_transform: PathTransform,
    ) -> anyhow::Result<ModelSettings> {
        let lift_tests = match &self.lift_tests {
            Some(path) => read_lift_tests(
                std::io::BufReader::new(open_file(path)?),
                &path.display().to_string(),
                &Default::default(),
            )?,
            None => Vec::new(),
        };
        let trimmed = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        Ok(ModelSettings {
            self_controlled: SelfControlledParams::default()
                .step(self.hazard_step)
                .lag_choice(self.hazard_lags.clone())
                .pre_exposure(self.hazard_pre.clone())
                .smoothing(self.hazard_smoothing)
                .intent_adjustment(self.hazard_adjust)
                .seed(self.seed)
                .controls(trimmed(&self.hazard_controls))
                .ignore(trimmed(&self.hazard_ignore))
                .study(self.study_start, self.study_end)
                .weekday_baseline(self.hazard_weekday)
                .calendar_baseline(self.hazard_calendar)
                .time_of_day(self.hazard_time_of_day),
            lift_tests,
            level: self.level,
            direct_channels,
            position_weights: self.position_weights,
            custom_weights: self.custom_weights,
            two_touch: self.two_touch,
            position_decay: self.position_decay,
            half_life: self.half_life,
            revenue_weighted: self.revenue_weighted,
            conversion_window: self.conversion_window,
            step_decay: self.step_decay,
            step_every: self.step_every,
            path_transform,
            markov: MarkovParams::default()
                .order_choice(self.markov_order)
                .states(self.markov_states)
                .holdout(self.markov_holdout)
                .max_states(self.markov_max_states)
                .max_work(self.markov_max_work)
                .memory_limit(self.memory_limit)
                .seed(self.seed),
            shapley: ShapleyParams::default()
                .game(self.shapley_game)
                .samples(self.shapley_samples)
                .exact_max(self.shapley_exact_max)
                .memory_limit(self.memory_limit)
                .negative(self.shapley_negative)
                .seed(self.seed),
            logistic: LogisticParams::default()
                .alpha(self.logistic_alpha)
                .folds(self.logistic_folds)
                .interactions(self.logistic_interactions)
                .credit(self.logistic_credit)
                .bags(
                    self.logistic_bags,
                    self.logistic_bag_rows,
                    self.logistic_bag_features,
                )
                .holdout(self.logistic_holdout)
                .max_work(self.logistic_max_work)
                .solver(self.logistic_solver)
                .seed(self.seed),
        })
    }

    /// The models named with `--model`, or `None` for the default set.
    pub fn model_names(&self) -> Option<Vec<ModelName>> {
        (!self.models.is_empty()).then(|| self.models.clone())
    }
}

/// Bootstrap intervals on credit.
#[derive(Debug, Args)]
#[command(next_help_heading = "Models")]
pub struct BootstrapArgs {
    /// Refit every model on this many bootstrap replicates (Poisson resampling of
    /// journeys or path rows, seeded by --seed) and write 95% percentile intervals into
    /// the credit's conversions_lo/conversions_hi columns.
    #[arg(long, value_name = "B", default_value_t = 0, value_parser = whole::<usize>)]
    pub bootstrap: usize,
}

/// Files of model details (`attribute` only).
#[derive(Debug, Args)]
#[command(next_help_heading = "Model details")]
pub struct DetailsArgs {
    /// Write the markov model's details as JSON: states, transition matrix,
    /// P(conversion), removal effects, order selection.
    #[arg(long, value_name = "FILE")]
    pub markov_details: Option<PathBuf>,

    /// Write the markov transition matrix as CSV: from,to,count,probability.
    #[arg(long, value_name = "FILE")]
    pub markov_transitions: Option<PathBuf>,

    /// Write the shapley models' details as JSON: raw values, method, standard errors,
    /// Hoeffding bounds, and the ordered model's credit per touch position.
    #[arg(long, value_name = "FILE")]
    pub shapley_details: Option<PathBuf>,

    /// Write the logistic model as JSON: features, coefficients (with bagged intervals),
    /// regularisation, convergence, held-out AUC and log-loss, calibration by decile.
    #[arg(long, value_name = "FILE")]
    pub logistic_details: Option<PathBuf>,

    /// Write the logistic model's feature matrix as CSV (one row per journey or path,
    /// with its conversions, non-conversions and pathcredit's prediction), e.g. to fit
    /// it with another tool.
    #[arg(long, value_name = "FILE")]
    pub logistic_features_out: Option<PathBuf>,

    /// Write every model's details (markov chain and held-out fit, shapley values,
    /// logistic model and diagnostics) as one JSON object keyed by model.
    #[arg(long, value_name = "FILE")]
    pub details: Option<PathBuf>,
}

impl DetailsArgs {
    /// Adds the details files asked for to the run's outputs.
    pub fn files<'a>(
        &'a self,
        files: crate::cli::output::RunFiles<'a>,
    ) -> crate::cli::output::RunFiles<'a> {
        files
            .output("--markov-details", self.markov_details.as_deref())
            .output("--markov-transitions", self.markov_transitions.as_deref())
            .output("--shapley-details", self.shapley_details.as_deref())
            .output("--logistic-details", self.logistic_details.as_deref())
            .output(
                "--logistic-features-out",
                self.logistic_features_out.as_deref(),
            )
            .output("--details", self.details.as_deref())
    }

    /// True when any details file is asked for.
    pub fn any(&self) -> bool {
        self.markov_details.is_some()
            || self.markov_transitions.is_some()
            || self.shapley_details.is_some()
            || self.logistic_details.is_some()
            || self.logistic_features_out.is_some()
            || self.details.is_some()
    }

    /// Refuses details files whose model is not running.
    pub fn check(&self, models: &[ModelName]) -> anyhow::Result<()> {
        let has = |m: ModelName| models.contains(&m);
        if (self.markov_details.is_some() || self.markov_transitions.is_some())
            && !has(ModelName::Markov)
        {
            anyhow::bail!(
                "--markov-details and --markov-transitions need the markov model (--model markov)"
            );
        }
        if self.shapley_details.is_some()
            && !has(ModelName::Shapley)
            && !has(ModelName::ShapleyOrdered)
        {
            anyhow::bail!(
                "--shapley-details needs the shapley or shapley_ordered model (--model shapley)"
            );
        }
        if (self.logistic_details.is_some() || self.logistic_features_out.is_some())
            && !has(ModelName::Logistic)
        {
            anyhow::bail!(
                "--logistic-details and --logistic-features-out need the logistic model (--model logistic)"
            );
        }
        Ok(())
    }
}
