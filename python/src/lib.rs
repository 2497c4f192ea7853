//! `pathcredit._pathcredit`: the native half of the Python package.
//!
//! Every function maps its arguments to the library's settings (see `params.rs`), takes
//! its inputs (a CSV path, CSV bytes, or an Arrow C stream: see `inputs.rs`), releases
//! the interpreter, and calls the same library entry points as the command line
//! ([`pathcredit::run()`], [`pathcredit::journeys::build_journeys_from`], the report's
//! [`Document::for_run`], …). Results come back in the command line's output formats
//! (CSV and JSON text), which the Python layer turns into DataFrames and dicts, so they
//! are identical to the command line's byte for byte.

mod arrow;
mod budget;
mod errors;
mod evaluate;
mod inputs;
mod journeys;
mod params;
mod progress;
mod signature;

use std::collections::BTreeMap;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use pathcredit::choice::Choice;
use pathcredit::csv_input::ReadOptions;
use pathcredit::decide::{
    Plan, crosscheck_run, read_report_records, read_spend_records, read_spend_series,
};
use pathcredit::evaluate::details::read_holdout;
use pathcredit::evaluate::table;
use pathcredit::evaluate::truth::read_scores_records;
use pathcredit::evaluate::truth::{self, TruthColumn, read_truth_records};
use pathcredit::journeys::{
    BuiltJourneys, BuiltPaths, FromRecords, PathReadOptions, build_journeys_from, build_paths_from,
};
use pathcredit::models::self_controlled::read_lift_tests_records;
use pathcredit::models::{MarkovDetails, ModelName};
use pathcredit::param::Param;
use pathcredit::report::rows::write_rows;
use pathcredit::report::{
    CreditReport, Document, FittedInputs, Format, read_credits_records, render_html,
    render_markdown, report_tables,
};
use pathcredit::run::{Loaded, RunResult, RunSpec, Source, unused};
use pathcredit::simulate::{
    HazardForm, Scenario, SimParams, TruthWork, write_curves, write_experiments, write_truth,
};

use errors::{NativeError, native};
use inputs::Input;
use params::Kwargs;

use journeys::{NativeJourneys, NativePaths};

/// Runs `f` (a library call) and turns its error into a Python exception.
fn lib<T>(result: pathcredit::Result<T>) -> PyResult<T> {
    result.map_err(native)
}

/// Renders into bytes.
fn render(
    f: impl FnOnce(&mut dyn std::io::Write) -> pathcredit::Result<()>,
) -> pathcredit::Result<Vec<u8>> {
    let mut out = Vec::new();
    f(&mut out)?;
    Ok(out)
}

/// The data of a run: built journeys, or an input of a named kind.
enum Data {
    Built(Arc<BuiltJourneys>),
    Input { kind: String, input: Input },
}

/// Takes the run's data from Python (`kind`: paths, journeys, events or built).
fn take_data(data: &Bound<'_, PyAny>, kind: &str, name: &str) -> PyResult<Data> {
    if kind == "built" {
        let holder = data.cast::<NativeJourneys>()?;
        return Ok(Data::Built(Arc::clone(&holder.get().built)));
    }
    Ok(Data::Input {
        kind: kind.to_string(),
        input: Input::take(data, name)?,
    })
}

/// Everything a run takes besides its data.
struct RunArgs {
    models: Option<Vec<ModelName>>,
    settings: pathcredit::models::ModelSettings,
    journey_params: pathcredit::journeys::JourneyParams,
    paths: PathReadOptions,
    bootstrap: usize,
    seed: u64,
    details: bool,
}

fn run_args(
    kw: &mut Kwargs,
    models: Option<Vec<String>>,
    bootstrap: usize,
    details: bool,
) -> PyResult<RunArgs> {
    let models = match models {
        Some(names) => Some(
            names
                .iter()
                .map(|n| ModelName::parse_choice(n))
                .collect::<pathcredit::Result<Vec<_>>>()
                .map_err(native)?,
        ),
        None => None,
    };
    let seed = params::seed_of(kw)?;
    let direct = params::direct_channels(kw);
    let settings = params::model_settings(kw, &direct)?;
    let journey_params = params::journey_params(kw, &direct)?;
    let paths = params::path_options(kw, &journey_params.read)?;
    Ok(RunArgs {
        models,
        settings,
        journey_params,
        paths,
        bootstrap,
        seed,
        details,
    })
}

/// Runs the models on the data (the interpreter released).
fn run_models(
    py: Python<'_>,
    data: Data,
    name: &str,
    identities: Option<(Input, String)>,
    args: RunArgs,
    lift_tests: Option<(Input, String)>,
) -> PyResult<RunResult> {
    let result = py.detach(move || -> pathcredit::Result<RunResult> {
        let mut settings = args.settings;
        if let Some((input, name)) = &lift_tests {
            settings.lift_tests =
                read_lift_tests_records(input.records()?, name, &ReadOptions::default())?;
        }
        let source = match &data {
            Data::Built(b) => Source::Built(Arc::clone(b)),
            Data::Input { kind, input } => match kind.as_str() {
                "paths" => Source::paths_records(input.records()?, name, args.paths.clone()),
                "journeys" => Source::journeys_records(
                    input.records()?,
                    name,
                    args.journey_params.read.clone(),
                ),
                _ => {
                    let ids = match &identities {
                        Some((i, n)) => Some((i.records()?, n.clone())),
                        None => None,
                    };
                    Source::events_records(input.records()?, name, ids, args.journey_params.clone())
                }
            },
        };
        let mut spec = RunSpec::new(source)
            .settings(settings)
            .bootstrap(args.bootstrap, args.seed)
            .with_details(args.details);
        spec.models = args.models;
        pathcredit::run(spec)
    });
    result.map_err(native)
}

/// The credit of a run, as the command line writes it (CSV), with its details (JSON),
/// notes and what was read.
fn run_output<'py>(
    py: Python<'py>,
    result: &RunResult,
    warnings: Vec<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let report = CreditReport {
        dimension: result.settings.level.as_str().to_string(),
        credits: result.credits(),
        inputs: result.inputs.clone(),
    };
    let csv = lib(render(|w| Format::Csv.renderer().render(&report, w)))?;
    let details = lib(result.details_json())?;
    let out = PyDict::new(py);
    out.set_item("credit_csv", PyBytes::new(py, &csv))?;
    out.set_item(
        "details_json",
        serde_json::to_string(&details).map_err(|e| native(pathcredit::Error::Write(e.into())))?,
    )?;
    let notes: Vec<(String, String)> = result
        .notes()
        .map(|(m, n)| (m.to_string(), n.to_string()))
        .chain(warnings.into_iter().map(|w| ("pathcredit".to_string(), w)))
        .collect();
    out.set_item("notes", notes)?;
    out.set_item(
        "inputs_json",
        serde_json::to_string(&result.inputs)
            .map_err(|e| native(pathcredit::Error::Write(e.into())))?,
    )?;
    Ok(out)
}

/// Attributes conversions to channels: every model asked for (or the default set).
#[pyfunction]
#[pyo3(signature = (data, kind, name, identities, identities_name, models, bootstrap, details, lift_tests, lift_tests_name, kwargs))]
#[allow(clippy::too_many_arguments)]
fn attribute<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    kind: &str,
    name: &str,
    identities: Option<&Bound<'py, PyAny>>,
    identities_name: &str,
    models: Option<Vec<String>>,
    bootstrap: usize,
    details: bool,
    lift_tests: Option<&Bound<'py, PyAny>>,
    lift_tests_name: &str,
    kwargs: BTreeMap<String, String>,
) -> PyResult<Bound<'py, PyDict>> {
    let given: Vec<Param> = Param::ALL
        .iter()
        .copied()
        .filter(|p| kwargs.contains_key(p.name()))
        .collect();
    let identities_given = identities.is_some();
    let mut kw = Kwargs::new(kwargs);
    let args = run_args(&mut kw, models, bootstrap, details)?;
    kw.finish("attribute")?;
    let identities = identities
        .map(|i| {
            Ok::<_, PyErr>((
                Input::take(i, identities_name)?,
                identities_name.to_string(),
            ))
        })
        .transpose()?;
    let lift = lift_tests
        .map(|l| {
            Ok::<_, PyErr>((
                Input::take(l, lift_tests_name)?,
                lift_tests_name.to_string(),
            ))
        })
        .transpose()?;
    let data = take_data(data, kind, name)?;
    let result = run_models(py, data, name, identities, args, lift)?;
    // Keywords the run did not use, and names that would mislead a reader (formula-like,
    // or alike but for invisible characters), each a warning among the notes.
    let ran: Vec<ModelName> = result.runs.iter().map(|r| r.model).collect();
    let mut warnings = unused::unused_settings(&given, &ran, &result.data);
    if identities_given && !matches!(result.data, Loaded::Built(_)) {
        warnings.push(unused::identities_unused("`identities`", &result.data));
    }
    let names = result.runs.iter().flat_map(|r| r.credit.channels.iter());
    warnings.extend(pathcredit::text::name_warnings(
        result.settings.level.as_str(),
        names.map(|c| c.channel.as_str()),
    ));
    run_output(py, &result, warnings)
}

/// The decision report: Markdown, HTML, every table as CSV, and the document as JSON.
#[pyfunction]
#[pyo3(signature = (data, kind, name, identities, identities_name, models, bootstrap, spend, spend_name, budget_model, accuracy, accuracy_name, kwargs))]
#[allow(clippy::too_many_arguments)]
fn report<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    kind: &str,
    name: &str,
    identities: Option<&Bound<'py, PyAny>>,
    identities_name: &str,
    models: Option<Vec<String>>,
    bootstrap: usize,
    spend: Option<&Bound<'py, PyAny>>,
    spend_name: &str,
    budget_model: Option<String>,
    accuracy: Option<&Bound<'py, PyAny>>,
    accuracy_name: &str,
    kwargs: BTreeMap<String, String>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut kw = Kwargs::new(kwargs);
    let period = kw.take("period");
    let matched_when = kw.take("matched").unwrap_or_else(|| "auto".to_string());
    if !matches!(matched_when.as_str(), "auto" | "off") {
        return Err(native(pathcredit::Error::param(
            pathcredit::param::Param::Accuracy,
            format!("matched=`{matched_when}`: expected auto or off"),
        )));
    }
    // A plan from measured response: its settings, the model run's seed, and the
    // exposures counted when the events are built.
    let fitted = kw.peek("response").map(str::trim) == Some("fitted");
    if fitted {
        kw.take("response");
    }
    let mut args = run_args(&mut kw, models, bootstrap, true)?;
    let budget = params::budget_params(&mut kw)?;
    let fitted_params = if fitted {
        if spend.is_none() || period.is_some() {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "report(response=\"fitted\") needs spend= as a series (channel,period,spend) \
                 and uses every period (no period=), as `pathcredit report --response fitted`",
            ));
        }
        args.journey_params.keep_exposures = true;
        let mut p = params::fitted_plan_settings(&mut kw, budget.clone())?;
        p.seed = args.seed;
        Some(p)
    } else {
        None
    };
    kw.finish("report")?;
    let journey_params = args.journey_params.clone();
    let direct = args.settings.direct_channels.clone();
    let seed = args.seed;
    let budget_model = budget_model
        .map(|m| ModelName::parse_choice(&m))
        .transpose()
        .map_err(native)?;
    let identities = identities
        .map(|i| {
            Ok::<_, PyErr>((
                Input::take(i, identities_name)?,
                identities_name.to_string(),
            ))
        })
        .transpose()?;
    let spend = spend.map(|s| Input::take(s, spend_name)).transpose()?;
    let accuracy = accuracy
        .map(|a| Input::take(a, accuracy_name))
        .transpose()?
        .map(|input| read_scores_records(input.records()?, accuracy_name))
        .transpose()
        .map_err(native)?;
    let skip = args.journey_params.read.skip_bad_rows;
    let data = take_data(data, kind, name)?;
    let result = run_models(py, data, name, identities, args, None)?;
    let rendered = py.detach(|| -> pathcredit::Result<_> {
        let dimension = result.settings.level.as_str().to_string();
        let series = match (&spend, &fitted_params) {
            (Some(input), Some(_)) => Some(read_spend_series(
                input.records()?,
                spend_name,
                &dimension,
                &ReadOptions::default().skip_bad_rows(skip),
            )?),
            _ => None,
        };
        let spend = match &spend {
            Some(input) => Some(read_spend_records(
                input.records()?,
                spend_name,
                &dimension,
                period.as_deref(),
                &ReadOptions::default().skip_bad_rows(skip),
            )?),
            None => None,
        };
        let matched = if accuracy.is_none() && matched_when == "auto" {
            pathcredit::run::matched::matched_evidence(&result, &journey_params, &direct, seed)?
        } else {
            None
        };
        let doc = Document::for_run(
            &result,
            spend.as_ref(),
            &budget,
            budget_model,
            accuracy.as_ref(),
            matched.as_ref(),
            series
                .as_ref()
                .zip(fitted_params.as_ref())
                .map(|(series, params)| FittedInputs { series, params }),
        )?;
        let markdown = render(|w| render_markdown(&doc, w))?;
        let html = render(|w| render_html(&doc, w))?;
        let markov = result
            .model_run(ModelName::Markov)
            .and_then(|r| r.details_as::<MarkovDetails>());
        let tables = report_tables(&doc, &result.inputs, result.credits(), markov)?;
        Ok((markdown, html, tables))
    });
    let (markdown, html, tables) = lib(rendered)?;
    let out = PyDict::new(py);
    out.set_item("markdown", PyBytes::new(py, &markdown))?;
    out.set_item("html", PyBytes::new(py, &html))?;
    let files = PyDict::new(py);
    for (file, bytes) in tables {
        files.set_item(file, PyBytes::new(py, &bytes))?;
    }
    out.set_item("tables", files)?;
    let notes: Vec<(String, String)> = result
        .notes()
        .map(|(m, n)| (m.to_string(), n.to_string()))
        .collect();
    out.set_item("notes", notes)?;
    Ok(out)
}

/// Simulates journeys with known causal channel effects.
#[pyfunction]
#[pyo3(signature = (kwargs))]
fn simulate<'py>(
    py: Python<'py>,
    kwargs: BTreeMap<String, String>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut kw = Kwargs::new(kwargs);
    let or = |value: Option<String>, default: &str| value.unwrap_or_else(|| default.to_string());
    let users: usize = params::parse_number("users", &or(kw.take("users"), "20000"))?;
    let channels: usize = params::parse_number("channels", &or(kw.take("channels"), "8"))?;
    let scenario_name = or(kw.take("scenario"), "targeting");
    let seed: u64 = params::parse_number("seed", &or(kw.take("seed"), "7"))?;
    let mut scenario = lib(Scenario::preset(&scenario_name, channels))?;
    if let Some(days) = kw.take("days") {
        scenario.days = params::parse_number("days", &days)?;
    }
    if let Some(share) = kw.take("holdout_share") {
        scenario.holdout_share = params::parse_number("holdout_share", &share)?;
    }
    if let Some(form) = kw.take("hazard") {
        scenario.hazard = lib(HazardForm::parse_choice(&form))?;
    }
    let experiments = kw.take("experiments");
    if let Some(names) = &experiments {
        for name in names.split(',').filter(|n| !n.trim().is_empty()) {
            lib(scenario.experiment_on(name))?;
        }
    }
    kw.finish("simulate")?;
    let sim = SimParams {
        units: users,
        scenario,
        seed,
        truth: TruthWork::default(),
    };
    let with_experiments = !sim.scenario.experiments.is_empty();
    let with_curves = sim.scenario.spend.is_some();
    let files = py.detach(|| -> pathcredit::Result<_> {
        sim.validate()?;
        let (mut events, mut identities, mut spend) = (Vec::new(), Vec::new(), Vec::new());
        let summary = sim.run(&mut events, &mut identities, &mut spend)?;
        let truth = render(|w| write_truth(&summary, w))?;
        let experiments = if with_experiments {
            Some(render(|w| write_experiments(&summary, w))?)
        } else {
            None
        };
        let curves = if with_curves {
            Some(render(|w| write_curves(&summary, w))?)
        } else {
            None
        };
        Ok((events, identities, spend, truth, experiments, curves))
    });
    let (events, identities, spend, truth, experiments, curves) = lib(files)?;
    let out = PyDict::new(py);
    out.set_item("events.csv", PyBytes::new(py, &events))?;
    out.set_item("identities.csv", PyBytes::new(py, &identities))?;
    out.set_item("spend.csv", PyBytes::new(py, &spend))?;
    out.set_item("truth.csv", PyBytes::new(py, &truth))?;
    if let Some(e) = experiments {
        out.set_item("experiments.csv", PyBytes::new(py, &e))?;
    }
    if let Some(c) = curves {
        out.set_item("curves.csv", PyBytes::new(py, &c))?;
    }
    Ok(out)
}

/// The journey build as SQL for an engine (`pathcredit sql`): the script's text and
/// its statements, each whole (the generator knows where each ends).
#[pyfunction]
#[pyo3(signature = (dialect, events_table, identities_table, transitions, coalitions, kwargs))]
fn sql(
    dialect: &str,
    events_table: &str,
    identities_table: Option<String>,
    transitions: Option<usize>,
    coalitions: bool,
    kwargs: BTreeMap<String, String>,
) -> PyResult<(String, Vec<String>)> {
    let mut kw = Kwargs::new(kwargs);
    let dialect = lib(pathcredit::sql::Dialect::parse_choice(dialect))?;
    let mut spec = pathcredit::sql::SqlSpec::new(dialect, events_table);
    spec.identities_table = identities_table;
    spec.transitions_order = transitions;
    spec.coalitions = coalitions;
    if let Some(t) = kw.take("timestamps") {
        spec.timestamps = lib(pathcredit::sql::TimestampKind::parse_choice(&t))?;
    }
    if let Some(t) = kw.take("prefix") {
        spec.prefix = t;
    }
    if let Some(t) = kw.take("stitch_rounds") {
        spec.stitch_rounds = params::parse_number("stitch_rounds", &t)?;
    }
    if let Some(t) = kw.take("has_value") {
        spec.has_value = t == "true";
    }
    if let Some(t) = kw.take("session_id") {
        spec.has_session_id = t == "true";
    }
    let direct = params::direct_channels(&mut kw);
    spec.params = params::journey_params(&mut kw, &direct)?;
    spec.transform = params::path_transform(&mut kw, &direct)?;
    kw.finish("sql")?;
    let script = lib(pathcredit::sql::journeys_script(&spec))?;
    Ok((script.text(), script.statements()))
}

/// The settings keyword arguments resolve to, for tests: every keyword must change them.
#[pyfunction]
fn resolve_settings(kwargs: BTreeMap<String, String>) -> PyResult<String> {
    let mut kw = Kwargs::new(kwargs);
    let period = kw.take("period");
    let budget = params::budget_params(&mut kw)?;
    let args = run_args(&mut kw, None, 0, false)?;
    kw.finish("resolve_settings")?;
    Ok(format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}",
        args.settings, args.journey_params, args.paths, budget, period, args.seed
    ))
}

/// The names of every model, and of the models the default set may run.
#[pyfunction]
fn model_names() -> Vec<(String, String)> {
    ModelName::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), m.info().summary.to_string()))
        .collect()
}

#[pymodule]
fn _pathcredit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Before anything runs in parallel: at most one worker thread per core.
    pathcredit::threads::bound_global_pool();
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add_class::<NativeJourneys>()?;
    m.add_class::<NativePaths>()?;
    m.add_class::<inputs::ArrowTable>()?;
    m.add_function(wrap_pyfunction!(inputs::import_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(journeys::build_journeys, m)?)?;
    m.add_function(wrap_pyfunction!(journeys::build_paths, m)?)?;
    m.add_function(wrap_pyfunction!(attribute, m)?)?;
    m.add_function(wrap_pyfunction!(report, m)?)?;
    m.add_function(wrap_pyfunction!(budget::budget, m)?)?;
    m.add_function(wrap_pyfunction!(budget::budget_fitted, m)?)?;
    m.add_function(wrap_pyfunction!(budget::budget_aggregate, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::validate, m)?)?;
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(sql, m)?)?;
    m.add_function(wrap_pyfunction!(resolve_settings, m)?)?;
    m.add_function(wrap_pyfunction!(model_names, m)?)?;
    m.add_function(wrap_pyfunction!(signature::keywords, m)?)?;
    m.add_function(wrap_pyfunction!(progress::set_progress_sink, m)?)?;
    progress::install();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
