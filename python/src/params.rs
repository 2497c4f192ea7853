//! Keyword arguments (the library's parameter names, values as text) into the library's
//! settings, starting from its defaults, which are the command line's.

use std::collections::BTreeMap;

use pyo3::prelude::*;

use pathcredit::choice::Choice;
use pathcredit::csv_input::{ColumnMap, ReadOptions};
use pathcredit::decide::{BudgetParams, ResponseKind};
use pathcredit::grouping::{ChannelGrouping, GroupingKind};
use pathcredit::journeys::{
    ConversionWindow, EventNames, EventsPreset, JourneyLevel, JourneyParams, PathReadOptions,
    PathTransform, PathsPreset, SharedDevices, TouchLevel, TransformKind,
};
use pathcredit::models::logistic::{CreditMethod, SolverChoice};
use pathcredit::models::markov::StateConvention;
use pathcredit::models::self_controlled::{
    IntentAdjustment, TimeOfDay, parse_calendar_choice, parse_lag_choice, parse_pre_choice,
    parse_smoothing,
};
use pathcredit::models::shapley::NegativePolicy;
use pathcredit::models::{
    DecayRank, LogisticParams, MarkovOrder, MarkovParams, ModelSettings, PositionWeights,
    ShapleyGame, ShapleyParams, TwoTouch,
};
use pathcredit::param::Param;
use pathcredit::time::{parse_days, parse_duration, parse_timestamp};
use pathcredit::{Error, Level};

use crate::errors::native;

/// Keyword arguments not yet used.
pub struct Kwargs(BTreeMap<String, String>);

impl Kwargs {
    pub fn new(map: BTreeMap<String, String>) -> Self {
        Kwargs(map)
    }

    /// The value of `name`, used up.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }

    /// The value of `name`, left for its user.
    pub fn peek(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Fails on a keyword nobody used (a typo would otherwise be silent).
    pub fn finish(self, what: &str) -> PyResult<()> {
        if let Some(name) = self.0.keys().next() {
            let hint = nearest_param(name)
                .map(|p| format!("; did you mean '{p}'?"))
                .unwrap_or_default();
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "{what}() got an unexpected keyword argument '{name}'{hint}"
            )));
        }
        Ok(())
    }
}

/// The library parameter nearest to a misspelt keyword: the fewest single-character
/// edits (Levenshtein distance), at most a third of the keyword's length.
fn nearest_param(name: &str) -> Option<&'static str> {
    let limit = (name.chars().count() / 3).max(1);
    Param::ALL
        .iter()
        .map(|p| (edit_distance(name, p.name()), p.name()))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, n)| n)
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The library parameter of a keyword (for messages), when it has one.
fn param_named(name: &str) -> Option<Param> {
    Param::ALL.iter().copied().find(|p| p.name() == name)
}

fn invalid(name: &str, message: impl Into<String>) -> PyErr {
    match param_named(name) {
        Some(p) => native(Error::param(p, message)),
        None => {
            pyo3::exceptions::PyValueError::new_err(format!("invalid {name}: {}", message.into()))
        }
    }
}

fn number<T: std::str::FromStr>(name: &str, text: &str, what: &str) -> PyResult<T> {
    text.trim()
        .parse()
        .map_err(|_| invalid(name, format!("`{text}`: expected {what}")))
}

/// A number of a keyword argument.
pub fn parse_number<T: std::str::FromStr>(name: &str, text: &str) -> PyResult<T> {
    number(name, text, "a number")
}

pub fn flag(name: &str, text: &str) -> PyResult<bool> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid(name, format!("`{text}`: expected True or False"))),
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn choice<T: Choice>(text: &str) -> PyResult<T> {
    T::parse_choice(text).map_err(native)
}

fn duration(name: &str, text: &str) -> PyResult<i64> {
    parse_duration(text).ok_or_else(|| {
        invalid(
            name,
            format!("`{text}`: expected {}", pathcredit::time::DURATION_EXPECTED),
        )
    })
}

fn days(name: &str, text: &str) -> PyResult<Option<i64>> {
    parse_days(text).ok_or_else(|| {
        invalid(
            name,
            format!("`{text}`: expected {}", pathcredit::time::DAYS_EXPECTED),
        )
    })
}

fn timestamp(name: &str, text: &str) -> PyResult<i64> {
    parse_timestamp(text).ok_or_else(|| {
        invalid(
            name,
            format!(
                "`{text}`: expected {}",
                pathcredit::time::TIMESTAMP_EXPECTED
            ),
        )
    })
}

/// Column remapping from `NAME=HEADER` pairs (comma-separated).
pub fn columns(kw: &mut Kwargs) -> PyResult<ColumnMap> {
    match kw.take("columns") {
        Some(text) => ColumnMap::parse_pairs(list(&text)).map_err(native),
        None => Ok(ColumnMap::new()),
    }
}

/// How a path summary is read: `path_separator`, `paths_preset` (its columns under
/// the user's `columns`), `path_type`, `unmatched_channel`, `per_journey`.
pub fn path_options(kw: &mut Kwargs, read: &ReadOptions) -> PyResult<PathReadOptions> {
    let preset = match kw.take("paths_preset") {
        Some(t) => Some(choice::<PathsPreset>(&t)?),
        None => None,
    };
    let mut columns = preset.map(PathsPreset::columns).unwrap_or_default();
    columns.extend(read.columns.clone());
    Ok(PathReadOptions {
        read: read.clone().columns(columns),
        separator: kw.take("path_separator").unwrap_or_else(|| ">".to_string()),
        per_journey: match kw.take("per_journey") {
            Some(t) => flag("per_journey", &t)?,
            None => preset.is_some_and(PathsPreset::per_journey),
        },
        path_type: kw.take("path_type"),
        unmatched_channel: match kw.take("unmatched_channel") {
            Some(t) => flag("unmatched_channel", &t)?,
            None => false,
        },
    })
}

/// The direct channels (`direct_channels`, default `direct`).
pub fn direct_channels(kw: &mut Kwargs) -> Vec<String> {
    kw.take("direct_channels")
        .map_or_else(|| vec!["direct".to_string()], |t| list(&t))
}

/// How journeys are built.
pub fn journey_params(kw: &mut Kwargs, direct: &[String]) -> PyResult<JourneyParams> {
    let mut p = JourneyParams {
        direct_channels: direct.to_vec(),
        ..JourneyParams::default()
    };
    if let Some(t) = kw.take("journey_level") {
        p.level = choice::<JourneyLevel>(&t)?;
    }
    if let Some(t) = kw.take("lookback_days") {
        p.lookback = days("lookback_days", &t)?;
    }
    if let Some(t) = kw.take("lookback_steps") {
        p.lookback_steps = Some(number("lookback_steps", &t, "a whole number")?);
    }
    if let Some(t) = kw.take("censor_days") {
        p.censor = Some(days("censor_days", &t)?);
    }
    if let Some(t) = kw.take("data_end") {
        p.data_end = Some(timestamp("data_end", &t)?);
    }
    if let Some(t) = kw.take("session_gap") {
        p.session_gap = duration("session_gap", &t)?;
    }
    if let Some(t) = kw.take("touch_level") {
        p.touch_level = choice::<TouchLevel>(&t)?;
    }
    if let Some(t) = kw.take("unattributed_channel") {
        p.unattributed_channel = Some(t.trim().to_string());
    }
    let defaults = EventNames::default();
    p.event_names = EventNames {
        touch: kw.take("touch_event").map_or(defaults.touch, |t| list(&t)),
        conversion: kw.take("conversion_event").map(|t| list(&t)),
        lead_created: kw.take("lead_event").unwrap_or(defaults.lead_created),
        opportunity_created: kw
            .take("opportunity_event")
            .unwrap_or(defaults.opportunity_created),
        closed_won: kw.take("closed_won_event").unwrap_or(defaults.closed_won),
    };
    if let Some(t) = kw.take("shared_devices") {
        p.shared_devices = choice::<SharedDevices>(&t)?;
    }
    if let Some(t) = kw.take("skip_bad_rows") {
        p.read.skip_bad_rows = flag("skip_bad_rows", &t)?;
    }
    p.read.columns = columns(kw)?;
    p.channel_grouping = channel_grouping(kw)?;
    // An export preset: its columns under `columns`, its conversions and GA4's grouping
    // where those are not set.
    if let Some(t) = kw.take("events_preset") {
        p = p.with_events_preset(choice::<EventsPreset>(&t)?);
    }
    Ok(p)
}

/// The channel grouping of `channel_grouping` ("ga4" or "rules") and `channel_rules` (a
/// rules file's path; alone, it implies "ga4").
fn channel_grouping(kw: &mut Kwargs) -> PyResult<Option<ChannelGrouping>> {
    let rules = kw.take("channel_rules");
    let kind = match kw.take("channel_grouping") {
        Some(t) => choice::<GroupingKind>(&t)?,
        None if rules.is_some() => GroupingKind::Ga4,
        None => return Ok(None),
    };
    let grouping = match &rules {
        Some(path) => {
            let mut file = std::fs::File::open(path).map_err(|e| {
                native(Error::param(
                    Param::ChannelRules,
                    format!("`{path}`: cannot open it ({e})"),
                ))
            })?;
            ChannelGrouping::new(kind, Some((&mut file, path)))
        }
        None => ChannelGrouping::new(kind, None),
    };
    grouping.map(Some).map_err(native)
}

/// The path transform.
pub fn path_transform(kw: &mut Kwargs, direct: &[String]) -> PyResult<PathTransform> {
    Ok(PathTransform {
        kind: match kw.take("transform") {
            Some(t) => choice::<TransformKind>(&t)?,
            None => TransformKind::default(),
        },
        max_steps: match kw.take("max_steps") {
            Some(t) => Some(number("max_steps", &t, "a whole number")?),
            None => None,
        },
        drop_channels: kw.take("drop_channel").map_or_else(Vec::new, |t| list(&t)),
        drop_direct_unless_only: match kw.take("drop_direct_unless_only") {
            Some(t) => flag("drop_direct_unless_only", &t)?,
            None => false,
        },
        direct_channels: direct.to_vec(),
    })
}

/// Every model's parameters.
pub fn model_settings(kw: &mut Kwargs, direct: &[String]) -> PyResult<ModelSettings> {
    let mut s = ModelSettings {
        direct_channels: direct.to_vec(),
        ..ModelSettings::default()
    };
    if let Some(t) = kw.take("level") {
        s.level = choice::<Level>(&t)?;
    }
    if let Some(t) = kw.take("position_weights") {
        s.position_weights = PositionWeights::parse(&t, Param::PositionWeights).map_err(native)?;
    }
    if let Some(t) = kw.take("custom_weights") {
        s.custom_weights = Some(PositionWeights::parse(&t, Param::CustomWeights).map_err(native)?);
    }
    if let Some(t) = kw.take("two_touch") {
        s.two_touch = choice::<TwoTouch>(&t)?;
    }
    if let Some(t) = kw.take("position_decay") {
        s.position_decay = choice::<DecayRank>(&t)?;
    }
    if let Some(t) = kw.take("half_life") {
        s.half_life = duration("half_life", &t)?;
    }
    if let Some(t) = kw.take("conversion_window") {
        s.conversion_window = Some(ConversionWindow::parse(&t).map_err(native)?);
    }
    if let Some(t) = kw.take("revenue_weighted") {
        s.revenue_weighted = flag("revenue_weighted", &t)?;
    }
    if let Some(t) = kw.take("step_decay") {
        s.step_decay = parse_number("step_decay", &t)?;
    }
    if let Some(t) = kw.take("step_every") {
        s.step_every = duration("step_every", &t)?;
    }
    s.path_transform = path_transform(kw, direct)?;
    let seed: u64 = match kw.take("seed") {
        Some(t) => number("seed", &t, "a whole number")?,
        None => 42,
    };
    let memory_limit = match kw.take("memory_limit") {
        Some(t) => Some(pathcredit::memory::parse_size(&t).map_err(native)?),
        None => None,
    };
    let mut markov = MarkovParams::default()
        .seed(seed)
        .memory_limit(memory_limit);
    if let Some(t) = kw.take("markov_order") {
        markov = markov.order_choice(t.parse::<MarkovOrder>().map_err(native)?);
    }
    if let Some(t) = kw.take("markov_states") {
        markov = markov.states(choice::<StateConvention>(&t)?);
    }
    if let Some(t) = kw.take("markov_holdout") {
        markov = markov.holdout(number("markov_holdout", &t, "a share")?);
    }
    if let Some(t) = kw.take("markov_max_states") {
        markov = markov.max_states(number("markov_max_states", &t, "a whole number")?);
    }
    if let Some(t) = kw.take("markov_max_work") {
        markov = markov.max_work(number("markov_max_work", &t, "a number")?);
    }
    s.markov = markov;

    let mut logistic = LogisticParams::default().seed(seed);
    if let Some(t) = kw.take("logistic_alpha") {
        logistic = logistic.alpha(Some(number("logistic_alpha", &t, "a number")?));
    }
    if let Some(t) = kw.take("logistic_folds") {
        logistic = logistic.folds(number("logistic_folds", &t, "a whole number")?);
    }
    if let Some(t) = kw.take("logistic_interactions") {
        logistic = logistic.interactions(flag("logistic_interactions", &t)?);
    }
    if let Some(t) = kw.take("logistic_credit") {
        logistic = logistic.credit(choice::<CreditMethod>(&t)?);
    }
    let bags: usize = match kw.take("logistic_bags") {
        Some(t) => number("logistic_bags", &t, "a whole number")?,
        None => 0,
    };
    let bag_rows: f64 = match kw.take("logistic_bag_rows") {
        Some(t) => number("logistic_bag_rows", &t, "a share")?,
        None => 0.5,
    };
    let bag_features: f64 = match kw.take("logistic_bag_features") {
        Some(t) => number("logistic_bag_features", &t, "a share")?,
        None => 1.0,
    };
    logistic = logistic.bags(bags, bag_rows, bag_features);
    if let Some(t) = kw.take("logistic_holdout") {
        logistic = logistic.holdout(number("logistic_holdout", &t, "a share")?);
    }
    if let Some(t) = kw.take("logistic_max_work") {
        logistic = logistic.max_work(number("logistic_max_work", &t, "a number")?);
    }
    if let Some(t) = kw.take("logistic_solver") {
        logistic = logistic.solver(choice::<SolverChoice>(&t)?);
    }
    s.logistic = logistic;

    let mut shapley = ShapleyParams::default()
        .seed(seed)
        .memory_limit(memory_limit);
    if let Some(t) = kw.take("shapley_game") {
        shapley = shapley.game(choice::<ShapleyGame>(&t)?);
    }
    if let Some(t) = kw.take("shapley_samples") {
        shapley = shapley.samples(Some(number("shapley_samples", &t, "a whole number")?));
    }
    if let Some(t) = kw.take("shapley_exact_max") {
        shapley = shapley.exact_max(number("shapley_exact_max", &t, "a whole number")?);
    }
    if let Some(t) = kw.take("shapley_negative") {
        shapley = shapley.negative(choice::<NegativePolicy>(&t)?);
    }
    s.shapley = shapley;

    let mut sc = s.self_controlled.clone().seed(seed);
    if let Some(t) = kw.take("hazard_step") {
        sc = sc.step(duration("hazard_step", &t)?);
    }
    if let Some(t) = kw.take("hazard_lags") {
        sc = sc.lag_choice(parse_lag_choice(&t).map_err(native)?);
    }
    if let Some(t) = kw.take("hazard_pre") {
        sc = sc.pre_exposure(parse_pre_choice(&t).map_err(native)?);
    }
    if let Some(t) = kw.take("hazard_smoothing") {
        sc = sc.smoothing(parse_smoothing(&t).map_err(native)?);
    }
    if let Some(t) = kw.take("hazard_adjust") {
        sc = sc.intent_adjustment(choice::<IntentAdjustment>(&t)?);
    }
    if let Some(t) = kw.take("hazard_controls") {
        sc = sc.controls(list(&t));
    }
    if let Some(t) = kw.take("hazard_ignore") {
        sc = sc.ignore(list(&t));
    }
    if let Some(t) = kw.take("hazard_weekday") {
        sc = sc.weekday_baseline(flag("hazard_weekday", &t)?);
    }
    if let Some(t) = kw.take("hazard_calendar") {
        sc = sc.calendar_baseline(parse_calendar_choice(&t).map_err(native)?);
    }
    if let Some(t) = kw.take("hazard_time_of_day") {
        sc = sc.time_of_day(choice::<TimeOfDay>(&t)?);
    }
    let start = match kw.take("study_start") {
        Some(t) => Some(timestamp("study_start", &t)?),
        None => None,
    };
    let end = match kw.take("study_end") {
        Some(t) => Some(timestamp("study_end", &t)?),
        None => None,
    };
    s.self_controlled = sc.study(start, end);
    Ok(s)
}

/// The seed (for the bootstrap), as `model_settings` read it.
pub fn seed_of(kw: &Kwargs) -> PyResult<u64> {
    match kw.0.get("seed") {
        Some(t) => number("seed", t, "a whole number"),
        None => Ok(42),
    }
}

/// The budget plan's parameters.
/// The settings of a plan from fitted response curves (`budget(response="fitted")`).
pub fn fitted_plan_params(kw: &mut Kwargs) -> PyResult<pathcredit::decide::FittedPlanParams> {
    let budget = budget_params(kw)?;
    fitted_plan_settings(kw, budget)
}

/// The settings of a fitted plan besides its bounds (`budget`): draws, seed, today's
/// periods, range, adstock, a new total or a target return.
pub fn fitted_plan_settings(
    kw: &mut Kwargs,
    budget: BudgetParams,
) -> PyResult<pathcredit::decide::FittedPlanParams> {
    let mut p = pathcredit::decide::FittedPlanParams {
        budget,
        ..Default::default()
    };
    if let Some(t) = kw.take("draws") {
        p.draws = number("draws", &t, "a whole number")?;
    }
    if let Some(t) = kw.take("seed") {
        p.seed = number("seed", &t, "a whole number")?;
    }
    if let Some(t) = kw.take("current_periods") {
        p.current_periods = Some(number("current_periods", &t, "a whole number")?);
    }
    if let Some(t) = kw.take("stay_in_range") {
        p.stay_in_range = flag("stay_in_range", &t)?;
    }
    if let Some(t) = kw.take("adstock") {
        p.adstock = flag("adstock", &t)?;
    }
    if let Some(t) = kw.take("total") {
        p.total = Some(number("total", &t, "an amount")?);
    }
    if let Some(t) = kw.take("target_mroas") {
        p.target_mroas = Some(number("target_mroas", &t, "a number")?);
    }
    if let Some(t) = kw.take("frequency") {
        p.frequency = flag("frequency", &t)?;
    }
    Ok(p)
}

/// The budget settings (an assumed response).
pub fn budget_params(kw: &mut Kwargs) -> PyResult<BudgetParams> {
    let mut p = BudgetParams::default();
    if let Some(t) = kw.take("max_shift") {
        p.max_shift = number("max_shift", &t, "a share")?;
    }
    let elasticity: f64 = match kw.take("elasticity") {
        Some(t) => number("elasticity", &t, "a number")?,
        None => 0.5,
    };
    let kind = match kw.take("response") {
        Some(t) => choice::<ResponseKind>(&t)?,
        None => ResponseKind::Diminishing,
    };
    p.response = kind.with_elasticity(elasticity).map_err(native)?;
    if let Some(t) = kw.take("floor") {
        p.floors = BudgetParams::parse_amounts(Param::Floor, &list(&t)).map_err(native)?;
    }
    if let Some(t) = kw.take("cap") {
        p.caps = BudgetParams::parse_amounts(Param::Cap, &list(&t)).map_err(native)?;
    }
    if let Some(t) = kw.take("move_at_risk") {
        p.move_at_risk = flag("move_at_risk", &t)?;
    }
    // The plan's model's credit risks, which `budget()` reads from the credit's details.
    if let Some(t) = kw.take("credit_risks") {
        p.at_risk = serde_json::from_str(&t).map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!(
                "credit_risks: not a list of credit risks: {e}"
            ))
        })?;
    }
    p.validate().map_err(native)?;
    Ok(p)
}
