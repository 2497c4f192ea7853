//! Scoring credit: against a simulation's truth (`evaluate`) and against another tool's
//! report (`validate`).

use super::*;

/// Scores credit against the truth of a simulation.
#[pyfunction]
#[pyo3(signature = (truth, truth_name, credit, credit_name, details_json, spend, spend_name, truth_column, true_curves, true_curves_name, events, events_name, kwargs))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn evaluate<'py>(
    py: Python<'py>,
    truth: &Bound<'py, PyAny>,
    truth_name: &str,
    credit: &Bound<'py, PyAny>,
    credit_name: &str,
    details_json: Option<String>,
    spend: Option<&Bound<'py, PyAny>>,
    spend_name: &str,
    truth_column: &str,
    true_curves: Option<&Bound<'py, PyAny>>,
    true_curves_name: &str,
    events: Option<&Bound<'py, PyAny>>,
    events_name: &str,
    kwargs: BTreeMap<String, String>,
) -> PyResult<(Bound<'py, PyBytes>, Vec<String>)> {
    let mut kw = Kwargs::new(kwargs);
    let fitted = params::fitted_plan_params(&mut kw)?;
    kw.finish("evaluate")?;
    let params = fitted.budget.clone();
    let column = lib(TruthColumn::parse_choice(truth_column))?;
    let truth_input = Input::take(truth, truth_name)?;
    let credit_input = Input::take(credit, credit_name)?;
    let spend_in = spend.map(|s| Input::take(s, spend_name)).transpose()?;
    let true_curves = true_curves
        .map(|s| Input::take(s, true_curves_name))
        .transpose()?;
    let events = events.map(|s| Input::take(s, events_name)).transpose()?;
    let scores = py.detach(|| -> pathcredit::Result<(Vec<u8>, Vec<String>)> {
        let rows = read_truth_records(truth_input.records()?, truth_name, column)?;
        let credits = read_credits_records(credit_input.records()?, credit_name)?;
        let credit = truth::conversions_by_model(&credits);
        let spend = match &spend_in {
            Some(input) => Some(read_spend_records(
                input.records()?,
                spend_name,
                "channel",
                None,
                &ReadOptions::default(),
            )?),
            None => None,
        };
        let fits = match &details_json {
            Some(text) => Some(read_holdout(text.as_bytes(), "details")?),
            None => None,
        };
        let decision = match (&true_curves, &spend_in) {
            (Some(curves), Some(spend_input)) => {
                let curves = pathcredit::evaluate::true_response::read_true_curves(
                    curves.records()?,
                    true_curves_name,
                )?;
                let (series, exposures) = match &events {
                    Some(events) => {
                        let (series, exposures) =
                            pathcredit::decide::fitted_plan::read_fitted_inputs(
                                spend_input.records()?,
                                spend_name,
                                "channel",
                                events.records()?,
                                events_name,
                                None,
                            )?;
                        (series, Some(exposures))
                    }
                    None => (
                        pathcredit::decide::read_spend_series(
                            spend_input.records()?,
                            spend_name,
                            "channel",
                            &ReadOptions::default(),
                        )?,
                        None,
                    ),
                };
                let truth = pathcredit::evaluate::decision::DecisionTruth::new(
                    curves,
                    series,
                    exposures,
                    fitted.clone(),
                )?;
                // Each model's plans respect the channels its own warnings put at risk.
                Some(match &details_json {
                    Some(text) if !fitted.budget.move_at_risk => {
                        truth.with_at_risk(pathcredit::models::credit_risk::read_credit_risks(
                            text.as_bytes(),
                            "details",
                        )?)
                    }
                    _ => truth,
                })
            }
            _ => None,
        };
        let scores = truth::evaluate(
            &rows,
            truth_name,
            &credit,
            spend.as_ref().map(|s| (s, &params)),
            decision.as_ref().map(|d| (d, credits.as_slice())),
            fits.as_ref(),
        )?;
        let warnings = truth::coverage_warnings(&rows, &credit);
        Ok((render(|w| table::write_csv(&scores, w))?, warnings))
    });
    let (csv, warnings) = lib(scores)?;
    Ok((PyBytes::new(py, &csv), warnings))
}

/// Checks a report of another tool against pathcredit's own credit on the same data.
#[pyfunction]
#[pyo3(signature = (data, kind, name, identities, identities_name, models, report, report_name, report_columns, kwargs))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn validate<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    kind: &str,
    name: &str,
    identities: Option<&Bound<'py, PyAny>>,
    identities_name: &str,
    models: Option<Vec<String>>,
    report: &Bound<'py, PyAny>,
    report_name: &str,
    report_columns: Vec<String>,
    kwargs: BTreeMap<String, String>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut kw = Kwargs::new(kwargs);
    let args = run_args(&mut kw, models, 0, false)?;
    kw.finish("validate")?;
    lib(pathcredit::decide::crosscheck_model(args.models.as_deref()))?;
    let columns = lib(pathcredit::csv_input::ColumnMap::parse_pairs(
        &report_columns,
    ))?;
    lib(columns.check_known("report", &["channel", "conversions", "value"]))?;
    let report_input = Input::take(report, report_name)?;
    let external = py.detach(|| -> pathcredit::Result<_> {
        read_report_records(
            report_input.records()?,
            report_name,
            &ReadOptions::default().columns(columns),
        )
    });
    let external = lib(external)?;
    let identities = identities
        .map(|i| {
            Ok::<_, PyErr>((
                Input::take(i, identities_name)?,
                identities_name.to_string(),
            ))
        })
        .transpose()?;
    let data = take_data(data, kind, name)?;
    let result = run_models(py, data, name, identities, args, None)?;
    let checked = py.detach(|| -> pathcredit::Result<_> {
        let check = crosscheck_run(&result, &external)?;
        let csv = render(|w| write_rows(&check.rows, w))?;
        let json = serde_json::to_string(&check).map_err(|e| pathcredit::Error::Write(e.into()))?;
        Ok((csv, json))
    });
    let (csv, json) = lib(checked)?;
    let out = PyDict::new(py);
    out.set_item("rows_csv", PyBytes::new(py, &csv))?;
    out.set_item("json", json)?;
    Ok(out)
}
