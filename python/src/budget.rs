//! Budget plans: from one model's credit and today's spend, from fitted response curves
//! (the log route), and from a credit-by-period table (the aggregate route).

use super::*;

/// A budget plan from one model's credit and the current spend (`model`: default the
/// library's choice, the first data-driven model with additive credit).
#[pyfunction]
#[pyo3(signature = (credit, credit_name, model, spend, spend_name, kwargs))]
pub(crate) fn budget<'py>(
    py: Python<'py>,
    credit: &Bound<'py, PyAny>,
    credit_name: &str,
    model: Option<String>,
    spend: &Bound<'py, PyAny>,
    spend_name: &str,
    kwargs: BTreeMap<String, String>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut kw = Kwargs::new(kwargs);
    let period = kw.take("period");
    let params = params::budget_params(&mut kw)?;
    kw.finish("budget")?;
    let credit = Input::take(credit, credit_name)?;
    let spend = Input::take(spend, spend_name)?;
    let plan = py.detach(|| -> pathcredit::Result<_> {
        let credits = read_credits_records(credit.records()?, credit_name)?;
        let chosen = match &model {
            Some(model) => credits.iter().find(|c| &c.model == model).ok_or_else(|| {
                let names: Vec<&str> = credits.iter().map(|c| c.model.as_str()).collect();
                pathcredit::Error::param(
                    pathcredit::param::Param::BudgetModel,
                    format!(
                        "`{model}` is not in {credit_name} (it has {})",
                        names.join(", ")
                    ),
                )
            })?,
            None => pathcredit::decide::default_plan_credit(&credits).ok_or_else(|| {
                pathcredit::Error::param(
                    pathcredit::param::Param::BudgetModel,
                    "no model with additive credit: a budget plan needs one",
                )
            })?,
        };
        let spend = read_spend_records(
            spend.records()?,
            spend_name,
            &chosen.dimension,
            period.as_deref(),
            &ReadOptions::default(),
        )?;
        let plan = Plan::new(chosen, &spend, &params)?;
        let csv = render(|w| write_rows(&plan.rows, w))?;
        let json = serde_json::to_string(&plan).map_err(|e| pathcredit::Error::Write(e.into()))?;
        Ok((csv, json))
    });
    let (csv, json) = lib(plan)?;
    let out = PyDict::new(py);
    out.set_item("plan_csv", PyBytes::new(py, &csv))?;
    out.set_item("plan_json", json)?;
    Ok(out)
}

/// A spend plan from response curves fitted to the events and a spend series, valued
/// by one model's credit (`budget(response="fitted")`).
#[pyfunction]
#[pyo3(signature = (credit, credit_name, model, spend, spend_name, events, events_name, kwargs))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn budget_fitted<'py>(
    py: Python<'py>,
    credit: &Bound<'py, PyAny>,
    credit_name: &str,
    model: String,
    spend: &Bound<'py, PyAny>,
    spend_name: &str,
    events: &Bound<'py, PyAny>,
    events_name: &str,
    kwargs: BTreeMap<String, String>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut kw = Kwargs::new(kwargs);
    let params = params::fitted_plan_params(&mut kw)?;
    kw.finish("budget")?;
    let credit = Input::take(credit, credit_name)?;
    let spend = Input::take(spend, spend_name)?;
    let events = Input::take(events, events_name)?;
    let out = py.detach(|| -> pathcredit::Result<_> {
        let credits = read_credits_records(credit.records()?, credit_name)?;
        let chosen = credits.iter().find(|c| c.model == model).ok_or_else(|| {
            let names: Vec<&str> = credits.iter().map(|c| c.model.as_str()).collect();
            pathcredit::Error::param(
                pathcredit::param::Param::BudgetModel,
                format!(
                    "`{model}` is not in {credit_name} (it has {})",
                    names.join(", ")
                ),
            )
        })?;
        let plan = pathcredit::decide::fitted_plan::fitted_plan_from(
            chosen,
            spend.records()?,
            spend_name,
            events.records()?,
            events_name,
            None,
            &params,
        )?;
        fitted_plan_outputs(&plan)
    });
    fitted_plan_dict(py, lib(out)?)
}

/// A spend plan from response curves fitted to a credit series (attributed conversions
/// per channel and period) and a spend series alone: the weaker aggregate route
/// (`budget(response="fitted", credit_series=...)`).
#[pyfunction]
#[pyo3(signature = (spend, spend_name, credit_series, credit_series_name, kwargs))]
pub(crate) fn budget_aggregate<'py>(
    py: Python<'py>,
    spend: &Bound<'py, PyAny>,
    spend_name: &str,
    credit_series: &Bound<'py, PyAny>,
    credit_series_name: &str,
    kwargs: BTreeMap<String, String>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut kw = Kwargs::new(kwargs);
    let params = params::fitted_plan_params(&mut kw)?;
    kw.finish("budget")?;
    let spend = Input::take(spend, spend_name)?;
    let series = Input::take(credit_series, credit_series_name)?;
    let out = py.detach(|| {
        let plan = pathcredit::decide::fitted_plan::aggregate_plan_from(
            spend.records()?,
            spend_name,
            series.records()?,
            credit_series_name,
            &params,
        )?;
        fitted_plan_outputs(&plan)
    });
    fitted_plan_dict(py, lib(out)?)
}

/// A fitted plan's outputs: the plan's rows and curves as CSV, the plan as JSON.
pub(crate) fn fitted_plan_outputs(
    plan: &pathcredit::decide::FittedPlan,
) -> pathcredit::Result<(Vec<u8>, Vec<u8>, String)> {
    let csv = render(|w| write_rows(&plan.rows, w))?;
    let curves = render(|w| pathcredit::decide::fitted_curves::write_curves(plan, w))?;
    let json = serde_json::to_string(plan).map_err(|e| pathcredit::Error::Write(e.into()))?;
    Ok((csv, curves, json))
}

/// The dictionary `budget_fitted` and `budget_aggregate` return.
pub(crate) fn fitted_plan_dict<'py>(
    py: Python<'py>,
    (csv, curves, json): (Vec<u8>, Vec<u8>, String),
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("plan_csv", PyBytes::new(py, &csv))?;
    out.set_item("curves_csv", PyBytes::new(py, &curves))?;
    out.set_item("plan_json", json)?;
    Ok(out)
}
