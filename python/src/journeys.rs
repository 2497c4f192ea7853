//! Journeys and path summaries built from events and held by Python between calls.

use super::*;

/// Journeys built from events, held by Python between calls (shared with the runs
/// that use them, never copied).
#[pyclass(module = "pathcredit._pathcredit", name = "NativeJourneys", frozen)]
pub(crate) struct NativeJourneys {
    pub(crate) built: Arc<BuiltJourneys>,
}

impl NativeJourneys {
    fn get(&self) -> PyResult<&BuiltJourneys> {
        Ok(&self.built)
    }
}

#[pymethods]
impl NativeJourneys {
    /// The build summary as JSON (every count `pathcredit journeys` prints).
    fn summary_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.get()?.summary)
            .map_err(|e| native(pathcredit::Error::Write(e.into())))
    }

    /// The journeys file (one row per touch), as CSV.
    fn journeys_csv<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let built = self.get()?;
        let bytes = py.detach(|| render(|w| built.journeys.write_csv(w)));
        Ok(PyBytes::new(py, &lib(bytes)?))
    }

    /// The path summary, as CSV (channels joined by ` {separator} `).
    fn paths_csv<'py>(&self, py: Python<'py>, separator: &str) -> PyResult<Bound<'py, PyBytes>> {
        let built = self.get()?;
        let bytes = py.detach(|| {
            render(|w| {
                built
                    .journeys
                    .path_table()
                    .write_csv_separated(w, separator)
            })
        });
        Ok(PyBytes::new(py, &lib(bytes)?))
    }

    /// The resolved identities (`id,person_id,resolution`), as CSV.
    fn identities_csv<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let built = self.get()?;
        let bytes = py.detach(|| render(|w| built.write_identities(w)));
        Ok(PyBytes::new(py, &lib(bytes)?))
    }

    /// The number of journeys.
    fn __len__(&self) -> PyResult<usize> {
        Ok(self.get()?.journeys.len())
    }

    /// True when the whole logs of converting units were kept (for `self_controlled`).
    fn has_logs(&self) -> PyResult<bool> {
        Ok(self.get()?.timelines.is_some())
    }
}

/// Builds journeys from events (and identities).
#[pyfunction]
#[pyo3(signature = (events, events_name, identities, identities_name, kwargs, keep_logs))]
pub(crate) fn build_journeys(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    events_name: &str,
    identities: Option<&Bound<'_, PyAny>>,
    identities_name: &str,
    kwargs: BTreeMap<String, String>,
    keep_logs: bool,
) -> PyResult<NativeJourneys> {
    let mut kw = Kwargs::new(kwargs);
    let direct = params::direct_channels(&mut kw);
    let mut journey_params = params::journey_params(&mut kw, &direct)?;
    journey_params.keep_timelines = keep_logs;
    kw.finish("build_journeys")?;
    let events = (events, events_name);
    let identities = identities.map(|i| (i, identities_name));
    let built = build_from(py, events, identities, &journey_params, build_journeys_from)?;
    Ok(NativeJourneys {
        built: Arc::new(built),
    })
}

/// Events (and identities) taken from Python, with their names.
type Named<'a, 'py> = (&'a Bound<'py, PyAny>, &'a str);

/// Runs `build` (a library `_from` entry point) on events and identities taken from
/// Python, with the interpreter released.
pub(crate) fn build_from<T: Send>(
    py: Python<'_>,
    (events, events_name): Named<'_, '_>,
    identities: Option<Named<'_, '_>>,
    params: &pathcredit::journeys::JourneyParams,
    build: FromRecords<T>,
) -> PyResult<T> {
    let events = Input::take(events, events_name)?;
    let identities = identities
        .map(|(i, name)| Ok::<_, PyErr>((Input::take(i, name)?, name)))
        .transpose()?;
    let built = py.detach(|| {
        let ids = match &identities {
            Some((i, name)) => Some((i.records()?, *name)),
            None => None,
        };
        build(events.records()?, events_name, ids, params)
    });
    lib(built)
}

/// A path summary built from events without building the journeys, held by Python.
#[pyclass(module = "pathcredit._pathcredit", name = "NativePaths", frozen)]
pub(crate) struct NativePaths {
    pub(crate) built: BuiltPaths,
}

#[pymethods]
impl NativePaths {
    /// The build summary as JSON (the counts `pathcredit journeys` prints).
    fn summary_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.built.summary)
            .map_err(|e| native(pathcredit::Error::Write(e.into())))
    }

    /// The path summary, as CSV (channels joined by ` {separator} `).
    fn paths_csv<'py>(&self, py: Python<'py>, separator: &str) -> PyResult<Bound<'py, PyBytes>> {
        let paths = &self.built.paths;
        let bytes = py.detach(|| render(|w| paths.write_csv_separated(w, separator)));
        Ok(PyBytes::new(py, &lib(bytes)?))
    }

    /// The resolved identities (`id,person_id,resolution`), as CSV.
    fn identities_csv<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let built = &self.built;
        let bytes = py.detach(|| render(|w| built.write_identities(w)));
        Ok(PyBytes::new(py, &lib(bytes)?))
    }

    /// The number of distinct paths.
    fn __len__(&self) -> usize {
        self.built.paths.len()
    }
}

/// Builds the path summary of the journeys `build_journeys` would build, without
/// building them.
#[pyfunction]
#[pyo3(signature = (events, events_name, identities, identities_name, kwargs))]
pub(crate) fn build_paths(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
    events_name: &str,
    identities: Option<&Bound<'_, PyAny>>,
    identities_name: &str,
    kwargs: BTreeMap<String, String>,
) -> PyResult<NativePaths> {
    let mut kw = Kwargs::new(kwargs);
    let direct = params::direct_channels(&mut kw);
    let journey_params = params::journey_params(&mut kw, &direct)?;
    kw.finish("build_paths")?;
    let events = (events, events_name);
    let identities = identities.map(|i| (i, identities_name));
    let built = build_from(py, events, identities, &journey_params, build_paths_from)?;
    Ok(NativePaths { built })
}
