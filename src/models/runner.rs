//! Runs a list of models by name on one input: the default set, the path table the
//! path models share (built and transformed once), and each model's registry entry.

use std::borrow::Cow;
use std::sync::Arc;

use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::journeys::{Journeys, PathTable, Timelines};
use crate::models::details::Details;
use crate::models::registry::{DefaultUse, ModelContext};
use crate::models::{Input, InputKind, ModelName, ModelSettings};

/// The models that run when none are named: every model the input supports
/// (`custom` only when its weights are given; `w_shaped` and `full_path` only when
/// some touch carries a stage milestone).
pub fn default_models(input: &Input<'_>, settings: &ModelSettings) -> Vec<ModelName> {
    ModelName::ALL
        .into_iter()
        .filter(|m| {
            let info = m.info();
            let input_ok = !info.needs_journeys || input.kind() == InputKind::Journeys;
            input_ok
                && match info.default_use {
                    DefaultUse::Always => true,
                    DefaultUse::WhenConfigured => settings.custom_weights.is_some(),
                    DefaultUse::WhenNamed => false,
                    DefaultUse::WithMilestones => {
                        input.journeys().is_some_and(|j| j.has_milestones())
                    }
                    // It credits channels only: at campaign or content level it is
                    // left out of the default set (named, it is a clear error).
                    DefaultUse::WithLogs => {
                        input.logs().is_some() && settings.level == crate::journeys::Level::Channel
                    }
                }
        })
        .collect()
}

/// One model's result: its credit, and its details when they were asked for.
#[derive(Clone, Debug)]
pub struct ModelRun {
    /// The model.
    pub model: ModelName,
    /// The credit.
    pub credit: Credit,
    /// Details (only with `with_details` and for models that have them).
    pub details: Option<Arc<dyn Details>>,
}

impl ModelRun {
    /// The details as the concrete type `T` (e.g. [`MarkovDetails`](crate::models::MarkovDetails)).
    pub fn details_as<T: 'static>(&self) -> Option<&T> {
        self.details.as_deref()?.as_any().downcast_ref::<T>()
    }
}

/// Runs `models` on `input`; the credits come back sorted by model name.
pub fn attribute(
    models: &[ModelName],
    settings: &ModelSettings,
    input: &Input<'_>,
) -> Result<Vec<Credit>> {
    Ok(run(models, settings, input, false)?
        .into_iter()
        .map(|r| r.credit)
        .collect())
}

/// A model of the default set that could not fit this input, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct LeftOut {
    /// The model.
    pub model: ModelName,
    /// Its error: why it cannot fit this input.
    pub reason: String,
}

/// Runs `models` on `input`, with each model's details when `with_details`; sorted by
/// model name.
pub fn run(
    models: &[ModelName],
    settings: &ModelSettings,
    input: &Input<'_>,
    with_details: bool,
) -> Result<Vec<ModelRun>> {
    Ok(run_models(models, settings, input, with_details, false)?.0)
}

/// [`run`] for models nobody named (the default set): a model that cannot fit this
/// input (its error is about the data, not about a setting) is left out and said why,
/// instead of failing the whole run.
pub fn run_default(
    models: &[ModelName],
    settings: &ModelSettings,
    input: &Input<'_>,
    with_details: bool,
) -> Result<(Vec<ModelRun>, Vec<LeftOut>)> {
    run_models(models, settings, input, with_details, true)
}

fn run_models(
    models: &[ModelName],
    settings: &ModelSettings,
    input: &Input<'_>,
    with_details: bool,
    leave_out_unfit: bool,
) -> Result<(Vec<ModelRun>, Vec<LeftOut>)> {
    settings.validate()?;
    settings.check_models(models, input.kind())?;
    let mut models = models.to_vec();
    models.sort_by_key(|m| m.as_str());
    models.dedup();

    let leveled;
    let windowed;
    let mut window_note = None;
    let (paths, journeys): (Cow<'_, PathTable>, Option<&Journeys>) = match input {
        Input::Paths(p) => (Cow::Borrowed(*p), None),
        Input::Journeys(j) | Input::Logs(j, _) => {
            let j = match &settings.conversion_window {
                Some(w) => {
                    let (kept, note) = w.apply(j)?;
                    window_note = Some(note);
                    windowed = kept;
                    &windowed
                }
                None => *j,
            };
            leveled = j.at_level(settings.level)?;
            let needs_paths =
                settings.revenue_weighted || models.iter().any(|m| !m.needs_journeys());
            let paths = if needs_paths {
                leveled.path_table()
            } else {
                PathTable::default()
            };
            (Cow::Owned(paths), Some(&*leveled))
        }
    };

    let mut transform_note = None;
    let paths = if settings.path_transform.is_identity() || paths.is_empty() {
        paths
    } else {
        let (transformed, emptied) = settings.path_transform.apply(&paths)?;
        if emptied.rows > 0 {
            transform_note = Some(format!(
                "path transforms emptied {} paths ({} conversions, {} nulls), left out of path models",
                emptied.rows, emptied.conversions, emptied.nulls
            ));
        }
        Cow::Owned(transformed)
    };

    let derived;
    let logs = match (input.logs(), journeys) {
        (Some(l), _) => Some(l),
        (None, Some(j)) if models.contains(&ModelName::SelfControlled) => {
            derived = Timelines::from_journeys(j);
            Some(&derived)
        }
        _ => None,
    };
    let context = ModelContext {
        settings,
        paths: &paths,
        journeys,
        logs,
        logs_from_journeys: input.logs().is_none(),
        with_details,
    };
    let mut runs = Vec::with_capacity(models.len());
    let mut left_out = Vec::new();
    let total = models.len() as u64;
    for (done, m) in models.into_iter().enumerate() {
        crate::progress::tick("models fitted", done as u64, total);
        let fit = (m.info().run)(&context).and_then(|fit| {
            fit.credit.check_finite()?;
            Ok(fit)
        });
        let fit = match fit {
            Ok(fit) => fit,
            Err(Error::Model { message, .. } | Error::Unsupported { message, .. })
                if leave_out_unfit =>
            {
                left_out.push(LeftOut {
                    model: m,
                    reason: format!(
                        "left out of the default models: it cannot fit this input ({message}); \
                         name the models to run with `models`"
                    ),
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut credit = fit.credit;
        credit.dimension = settings.level.as_str().to_string();
        if let Some(note) = &window_note {
            credit.notes.push(if m == ModelName::SelfControlled {
                "the conversion window does not apply to self_controlled: it reads whole logs"
                    .to_string()
            } else {
                note.clone()
            });
        }
        if settings.revenue_weighted {
            crate::models::weighted_count::add_revenue_weighted(&mut credit, &paths);
        }
        if !settings.path_transform.is_identity() {
            if m.needs_journeys() {
                credit
                    .notes
                    .push("path transforms do not apply to journey models".to_string());
            } else if let Some(note) = &transform_note {
                credit.notes.push(note.clone());
            }
        }
        runs.push(ModelRun {
            model: m,
            credit,
            details: fit.details,
        });
    }
    crate::progress::tick("models fitted", total, total);
    Ok((runs, left_out))
}
