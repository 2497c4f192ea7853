//! One whole attribution run: validate every setting, read or build the input, run the
//! models, put bootstrap intervals on their credit.
//!
//! This is the library's entry point for a run; the command line and the Python
//! package are thin shells over it.
//!
//! ```
//! use pathcredit::run::{RunSpec, Source};
//! use pathcredit::models::ModelName;
//! use pathcredit::PathReadOptions;
//!
//! let csv = "path,total_conversions,total_conversion_value,total_null\n\
//!            search > email,3,300,5\n\
//!            display > search > email,1,80,9\n";
//! let spec = RunSpec::new(Source::paths_csv(csv.as_bytes(), "paths.csv", PathReadOptions::default()))
//!     .models([ModelName::LastTouch, ModelName::Markov])
//!     .bootstrap(50, 7);
//! let result = pathcredit::run(spec)?;
//! let last = result.credit(ModelName::LastTouch).unwrap();
//! assert_eq!(last.get("email").unwrap().conversions, 4.0);
//! let markov = result.credit(ModelName::Markov).unwrap();
//! assert!((markov.conversions_sum() - 4.0).abs() < 1e-9);
//! assert!(markov.get("search").unwrap().conversions_lo.is_some());
//! # Ok::<(), pathcredit::Error>(())
//! ```

pub mod matched;
mod source;
pub mod unused;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::credit::Credit;
use crate::csv_input::ReadReport;
use crate::error::{Error, Result};
use crate::evaluate::bootstrap;
use crate::journeys::{
    BuildSummary, BuiltJourneys, Journeys, PathTable, TransitionCounts, build_validated,
};
use crate::models::calibrate::calibrate;
use crate::models::self_controlled::resolve_lift_tests;
use crate::models::{self, Input, LeftOut, ModelName, ModelRun, ModelSettings};
use crate::param::Param;

pub use source::Source;

/// Everything a run needs. Built with [`RunSpec::new`] and its setters; checked whole
/// by [`RunSpec::validate`] before any input is read.
pub struct RunSpec<'a> {
    /// The data.
    pub source: Source<'a>,
    /// The models to run; `None` runs every model the input supports
    /// ([`models::default_models`]).
    pub models: Option<Vec<ModelName>>,
    /// The settings of every model.
    pub settings: ModelSettings,
    /// Bootstrap replicates (0: none; else at least 2).
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Keep each model's details.
    pub with_details: bool,
}

impl<'a> RunSpec<'a> {
    /// A run of the default models with default settings on `source`.
    pub fn new(source: Source<'a>) -> Self {
        Self {
            source,
            models: None,
            settings: ModelSettings::default(),
            bootstrap: 0,
            seed: 42,
            with_details: false,
        }
    }

    /// Runs these models (instead of the default set).
    pub fn models(mut self, models: impl IntoIterator<Item = ModelName>) -> Self {
        self.models = Some(models.into_iter().collect());
        self
    }

    /// Uses these model settings.
    pub fn settings(mut self, settings: ModelSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Puts percentile intervals from `replicates` seeded bootstrap replicates on credit.
    pub fn bootstrap(mut self, replicates: usize, seed: u64) -> Self {
        self.bootstrap = replicates;
        self.seed = seed;
        self
    }

    /// Keeps every model's details.
    pub fn with_details(mut self, yes: bool) -> Self {
        self.with_details = yes;
        self
    }

    /// Also counts every touch per channel and day when journeys are built from events
    /// ([`JourneyParams::keep_exposures`](crate::journeys::JourneyParams::keep_exposures), for a plan from fitted response); no effect
    /// on other sources.
    pub fn keep_exposures(mut self) -> Self {
        if let Source::Events { params, .. } = &mut self.source {
            params.keep_exposures = true;
        }
        self
    }

    /// Checks every setting, and that the named models can run on this kind of input.
    pub fn validate(&self) -> Result<()> {
        self.settings.validate()?;
        if let Some(models) = &self.models {
            if models.is_empty() {
                return Err(Error::param(Param::Models, "name at least one model"));
            }
            self.settings.check_models(models, self.source.kind())?;
        }
        if self.bootstrap == 1 {
            return Err(Error::param(
                Param::Bootstrap,
                "needs at least 2 replicates (0 for none)",
            ));
        }
        self.source.validate()
    }
}

/// The data a run read or built.
pub enum Loaded {
    /// A path summary.
    Paths(PathTable),
    /// Journeys read from a file or given in memory.
    Journeys(Journeys),
    /// Journeys built from events, with the build summary.
    Built(Arc<BuiltJourneys>),
    /// Order-k transition counts (and an empty path table for the views that need one).
    Transitions(Box<TransitionCounts>, PathTable),
    /// Journeys per set of distinct channels, as a path table of channel sets.
    Coalitions(PathTable),
}

impl Loaded {
    /// The models' view of the data.
    pub fn as_input(&self) -> Input<'_> {
        match self {
            Loaded::Paths(p) | Loaded::Coalitions(p) | Loaded::Transitions(_, p) => Input::Paths(p),
            Loaded::Journeys(j) => Input::Journeys(j),
            Loaded::Built(b) => match &b.timelines {
                Some(logs) => Input::Logs(&b.journeys, logs),
                None => Input::Journeys(&b.journeys),
            },
        }
    }

    /// The journeys, when the data have them.
    pub fn journeys(&self) -> Option<&Journeys> {
        match self {
            Loaded::Paths(_) | Loaded::Coalitions(_) | Loaded::Transitions(..) => None,
            Loaded::Journeys(j) => Some(j),
            Loaded::Built(b) => Some(&b.journeys),
        }
    }

    /// The path summary (built from the journeys when the data are journeys).
    pub fn path_table(&self) -> PathTable {
        match self {
            Loaded::Paths(p) | Loaded::Coalitions(p) | Loaded::Transitions(_, p) => p.clone(),
            other => other
                .journeys()
                .map(Journeys::path_table)
                .unwrap_or_default(),
        }
    }

    /// The journey-build summary, when journeys were built from events.
    pub fn build_summary(&self) -> Option<&BuildSummary> {
        match self {
            Loaded::Built(b) => Some(&b.summary),
            _ => None,
        }
    }
}

/// What a run produced.
pub struct RunResult {
    /// The data as read or built.
    pub data: Loaded,
    /// What was read from each input file.
    pub inputs: Vec<ReadReport>,
    /// The model settings that ran.
    pub settings: ModelSettings,
    /// Every model's result, sorted by model name, with intervals when bootstrapped.
    pub runs: Vec<ModelRun>,
    /// With lift tests: each additive model's calibrated copy (`calibrated_<model>`).
    pub calibrated: Vec<Credit>,
    /// Models of the default set that could not fit this input, with why (a model
    /// named in the spec that cannot fit is an error instead).
    pub left_out: Vec<LeftOut>,
}

impl RunResult {
    /// Every model's credit (and the calibrated copies), sorted by model name.
    pub fn credits(&self) -> Vec<Credit> {
        let mut all: Vec<Credit> = self.runs.iter().map(|r| r.credit.clone()).collect();
        all.extend(self.calibrated.iter().cloned());
        all.sort_by(|a, b| a.model.cmp(&b.model));
        all
    }

    /// One model's credit, when it ran.
    pub fn credit(&self, model: ModelName) -> Option<&Credit> {
        self.runs
            .iter()
            .find(|r| r.model == model)
            .map(|r| &r.credit)
    }

    /// One model's result, when it ran.
    pub fn model_run(&self, model: ModelName) -> Option<&ModelRun> {
        self.runs.iter().find(|r| r.model == model)
    }

    /// Every model's details as JSON, keyed by model name (models without details are
    /// left out).
    pub fn details_json(&self) -> Result<BTreeMap<String, serde_json::Value>> {
        let mut all = BTreeMap::new();
        for run in &self.runs {
            if let Some(d) = &run.details {
                all.insert(run.model.as_str().to_string(), d.to_json()?);
            }
        }
        Ok(all)
    }

    /// Every note of every model, as `(model, note)`, then those of the calibrated
    /// copies, then every model of the default set left out, with why.
    pub fn notes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.runs
            .iter()
            .map(|r| &r.credit)
            .chain(&self.calibrated)
            .flat_map(|c| c.notes.iter().map(move |n| (c.model.as_str(), n.as_str())))
            .chain(
                self.left_out
                    .iter()
                    .map(|l| (l.model.as_str(), l.reason.as_str())),
            )
    }
}

/// Runs `spec`: validate, load or build, run the models, bootstrap.
pub fn run(spec: RunSpec<'_>) -> Result<RunResult> {
    run_observed(spec, |_, _, _| Ok(()))
}

/// [`run`], calling `loaded` with the data, what was read and the models about to run,
/// once the data are read or built and before any model is fitted (the command line
/// prints the build summary there, and checks that requested details have a model).
/// An error from `loaded` stops the run.
pub fn run_observed(
    spec: RunSpec<'_>,
    loaded: impl FnOnce(&Loaded, &[ReadReport], &[ModelName]) -> Result<()>,
) -> Result<RunResult> {
    crate::threads::bound_global_pool();
    spec.validate()?;
    let RunSpec {
        source,
        models: requested,
        settings,
        bootstrap: replicates,
        seed,
        with_details,
    } = spec;
    let wants_logs = requested
        .as_ref()
        .is_none_or(|m| m.contains(&ModelName::SelfControlled));
    // The path models' lookback window, for the self-controlled model's check of
    // credit beyond it.
    let lookback = match &source {
        Source::Events { params, .. } => params.lookback,
        _ => None,
    };
    let (data, inputs) = load(source, wants_logs)?;
    if let Loaded::Transitions(counts, _) = &data {
        let runs = run_transitions(
            counts,
            requested.as_deref(),
            &settings,
            replicates,
            with_details,
        )?;
        loaded(&data, &inputs, &[ModelName::Markov])?;
        return Ok(RunResult {
            data,
            inputs,
            settings,
            runs,
            calibrated: Vec::new(),
            left_out: Vec::new(),
        });
    }
    let requested = match &data {
        Loaded::Coalitions(_) => {
            if replicates > 0 {
                return Err(Error::param(
                    Param::Bootstrap,
                    "the bootstrap resamples journeys: give the path summary, not coalitions",
                ));
            }
            Some(coalition_models(requested, &settings)?)
        }
        _ => requested,
    };
    let mut settings = settings;
    settings.lift_tests = resolve_lift_tests(&settings.lift_tests, &data.as_input());
    settings.self_controlled = settings.self_controlled.clone().other_lookback(lookback);
    let input = data.as_input();
    let named = requested.is_some();
    let models = requested.unwrap_or_else(|| models::default_models(&input, &settings));
    loaded(&data, &inputs, &models)?;
    let (mut runs, left_out) = if named {
        (
            models::run(&models, &settings, &input, with_details)?,
            Vec::new(),
        )
    } else {
        models::run_default(&models, &settings, &input, with_details)?
    };
    // The bootstrap refits what ran.
    let models: Vec<ModelName> = runs.iter().map(|r| r.model).collect();
    if replicates > 0 {
        let ran: Vec<Credit> = runs.iter().map(|r| r.credit.clone()).collect();
        bootstrap::check_memory(&ran, replicates, settings.memory_limit())?;
        let draws = bootstrap::bootstrap(&models, &settings, &input, replicates, seed)?;
        let mut credits: Vec<Credit> = runs.iter().map(|r| r.credit.clone()).collect();
        bootstrap::apply_intervals(&mut credits, &draws, replicates);
        for (run, credit) in runs.iter_mut().zip(credits) {
            run.credit = credit;
        }
    }
    let calibrated = if settings.lift_tests.is_empty() {
        Vec::new()
    } else {
        runs.iter()
            .filter(|r| r.model != ModelName::SelfControlled)
            .filter_map(|r| calibrate(&r.credit, &settings.lift_tests))
            .collect()
    };
    Ok(RunResult {
        data,
        inputs,
        settings,
        runs,
        calibrated,
        left_out,
    })
}

/// The exact Markov model on order-k transition counts: the only model they support.
fn run_transitions(
    counts: &TransitionCounts,
    requested: Option<&[ModelName]>,
    settings: &ModelSettings,
    replicates: usize,
    with_details: bool,
) -> Result<Vec<ModelRun>> {
    if let Some(m) = requested
        && m != [ModelName::Markov]
    {
        return Err(Error::param(
            Param::Models,
            "transition counts feed the markov model only; name `markov`, or give the path \
             summary for the other models",
        ));
    }
    if replicates > 0 {
        return Err(Error::param(
            Param::Bootstrap,
            "the bootstrap resamples journeys: give the path summary, not transition counts",
        ));
    }
    let fitted = settings.markov.fit_transitions(counts)?;
    let mut credit = fitted.credit();
    credit.dimension = settings.level.as_str().to_string();
    credit.notes.push(format!(
        "fitted on order-{} transition counts (the order is the counts' own)",
        fitted.order()
    ));
    credit.check_finite()?;
    let details = with_details
        .then(|| std::sync::Arc::new(fitted.details()) as std::sync::Arc<dyn models::Details>);
    Ok(vec![ModelRun {
        model: ModelName::Markov,
        credit,
        details,
    }])
}

/// The models a coalitions table supports (they see only which channels a journey
/// touched): the named ones, checked, or all of them.
fn coalition_models(
    requested: Option<Vec<ModelName>>,
    settings: &ModelSettings,
) -> Result<Vec<ModelName>> {
    use crate::models::ShapleyGame;
    let set_based = [
        ModelName::Shapley,
        ModelName::LinearUnique,
        ModelName::Influenced,
    ];
    let models = requested.unwrap_or_else(|| set_based.to_vec());
    if let Some(m) = models.iter().find(|m| !set_based.contains(m)) {
        return Err(Error::param(
            Param::Models,
            format!(
                "`{m}` needs the order of touches, and coalitions hold channel sets only; \
                 coalitions feed {}; give the path summary for the others",
                set_based.map(|m| format!("`{m}`")).join(", ")
            ),
        ));
    }
    if models.contains(&ModelName::Shapley) && settings.shapley.game_of() == ShapleyGame::Model {
        return Err(Error::param(
            Param::ShapleyGame,
            "the `model` game fits the logistic model on paths; coalitions support `rate` and `simplified`",
        ));
    }
    Ok(models)
}

/// Reads or builds the data of a validated source.
fn load(source: Source<'_>, wants_logs: bool) -> Result<(Loaded, Vec<ReadReport>)> {
    Ok(match source {
        Source::Paths(p) => (Loaded::Paths(p), Vec::new()),
        Source::Journeys(j) => (Loaded::Journeys(j), Vec::new()),
        Source::TransitionsRecords { records, name } => {
            let (counts, report) = TransitionCounts::read_records(records, &name)?;
            (
                Loaded::Transitions(Box::new(counts), PathTable::default()),
                vec![report],
            )
        }
        Source::CoalitionsRecords {
            records,
            name,
            options,
        } => {
            let options = crate::journeys::aggregates::coalition_options(options);
            let (sets, report) = PathTable::read_records(records, &name, &options)?;
            (Loaded::Coalitions(sets), vec![report])
        }
        Source::Built(b) => {
            let reports = std::iter::once(b.summary.events_file.clone())
                .chain(b.summary.identities_file.clone())
                .collect();
            (Loaded::Built(b), reports)
        }
        Source::PathsRecords {
            records,
            name,
            options,
        } => {
            let (paths, report) = PathTable::read_records(records, &name, &options)?;
            (Loaded::Paths(paths), vec![report])
        }
        Source::JourneysRecords {
            records,
            name,
            options,
        } => {
            let (journeys, report) = Journeys::read_records(records, &name, &options)?;
            (Loaded::Journeys(journeys), vec![report])
        }
        Source::Events {
            events,
            events_name,
            identities,
            mut params,
        } => {
            params.keep_timelines |= wants_logs;
            let built = match identities {
                Some((records, name)) => {
                    build_validated(events, &events_name, Some((records, &name)), &params)?
                }
                None => build_validated(events, &events_name, None, &params)?,
            };
            let reports = std::iter::once(built.summary.events_file.clone())
                .chain(built.summary.identities_file.clone())
                .collect();
            (Loaded::Built(Arc::new(built)), reports)
        }
    })
}

#[cfg(test)]
mod tests;
