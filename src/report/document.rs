//! The decision report: everything `pathcredit report` shows, as one serialisable
//! document that the Markdown and HTML renderers (and notebooks, via JSON) read.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::credit::Credit;
use crate::csv_input::ReadReport;
use crate::decide::fitted_plan::fitted_plan_within;
use crate::decide::roi::roi;
use crate::decide::{
    BudgetParams, Comparison, FittedPlan, FittedPlanParams, PathFacts, Plan, RoiTable, Spend,
    SpendSeries, default_plan_credit,
};
use crate::error::{Error, Result};
use crate::journeys::BuildSummary;
use crate::models::MarkovDetails;
use crate::models::ModelName;
use crate::param::Param;
use crate::report::SCHEMA_VERSION;
use crate::report::recommend;
use crate::report::summary::{Evidence, Summary};
use crate::run::matched::MatchedEvidence;
use crate::run::{Loaded, RunResult};

/// How many Markov states the heatmap shows (the most visited ones).
pub const HEATMAP_STATES: usize = 20;

/// The Markov transition matrix, restricted to the most visited states.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Heatmap {
    /// The chain's order.
    pub order: usize,
    /// From-states (rows): `(start)` and transient states.
    pub rows: Vec<String>,
    /// To-states (columns): transient states, `(conversion)`, `(null)`.
    pub cols: Vec<String>,
    /// `probability[row][col]`.
    pub probability: Vec<Vec<f64>>,
    /// States left out of the picture (their transitions are in the CSV).
    pub states_omitted: usize,
}

impl Heatmap {
    /// The heatmap of a fitted chain.
    pub fn new(details: &MarkovDetails) -> Heatmap {
        let mut traffic: BTreeMap<&str, f64> = BTreeMap::new();
        for t in &details.transitions {
            *traffic.entry(t.from.as_str()).or_insert(0.0) += t.count;
        }
        let mut states: Vec<(&str, f64)> = traffic
            .iter()
            .filter(|(s, _)| **s != "(start)")
            .map(|(s, c)| (*s, *c))
            .collect();
        states.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let omitted = states.len().saturating_sub(HEATMAP_STATES);
        let mut kept: Vec<String> = states
            .iter()
            .take(HEATMAP_STATES)
            .map(|(s, _)| s.to_string())
            .collect();
        kept.sort();
        let rows: Vec<String> = std::iter::once("(start)".to_string())
            .chain(kept.iter().cloned())
            .collect();
        let cols: Vec<String> = kept
            .iter()
            .cloned()
            .chain(["(conversion)".to_string(), "(null)".to_string()])
            .collect();
        let mut probability = vec![vec![0.0; cols.len()]; rows.len()];
        let index = |states: &[String]| -> BTreeMap<String, usize> {
            states.iter().cloned().zip(0..).collect()
        };
        let (row_of, col_of) = (index(&rows), index(&cols));
        for t in &details.transitions {
            if let (Some(&r), Some(&c)) = (row_of.get(&t.from), col_of.get(&t.to)) {
                probability[r][c] = t.probability;
            }
        }
        Heatmap {
            order: details.order,
            rows,
            cols,
            probability,
            states_omitted: omitted,
        }
    }
}

/// What a report's plan from measured response is made from: the spend series (spend
/// per channel and period) and the plan's settings. The exposures are the events' own,
/// counted when the journeys were built (`keep_exposures`).
#[derive(Clone, Copy, Debug)]
pub struct FittedInputs<'a> {
    /// Spend per channel and period.
    pub series: &'a SpendSeries,
    /// Draws, bounds, today's periods, a new total or a target return.
    pub params: &'a FittedPlanParams,
}

/// Everything in a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Document {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// `channel`, `campaign` or `content`.
    pub dimension: String,
    /// What was read.
    pub inputs: Vec<ReadReport>,
    /// The journey build, when the input was raw events.
    pub build: Option<BuildSummary>,
    /// Every model's credit.
    pub credits: Vec<Credit>,
    /// Models side by side.
    pub comparison: Comparison,
    /// Path facts.
    pub paths: PathFacts,
    /// Return on spend (with a spend file).
    pub roi: Option<RoiTable>,
    /// The budget plan under an assumed response (with a spend file).
    pub budget: Option<Plan>,
    /// The budget plan from measured response (`response` `fitted`: each channel's
    /// exposures per period fitted against its spend per period, valued by the plan
    /// model's credit per exposure), with its curves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fitted_budget: Option<FittedPlan>,
    /// The Markov transition heatmap (when Markov ran).
    pub markov: Option<Heatmap>,
    /// The first screen: per channel, last touch against the recommended model and the
    /// budget change, which model to trust and why.
    pub summary: Summary,
    /// The worlds simulated to match the input and every model's distance to their
    /// truth, when they were run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<MatchedEvidence>,
}

impl Document {
    /// Every model's notes, by model.
    pub fn notes_by_model(&self) -> BTreeMap<String, Vec<String>> {
        self.credits
            .iter()
            .map(|c| (c.model.clone(), c.notes.clone()))
            .collect()
    }

    /// Every model's notes, each prefixed with its model.
    pub fn model_notes(&self) -> Vec<String> {
        self.credits
            .iter()
            .flat_map(|c| c.notes.iter().map(move |n| format!("{}: {n}", c.model)))
            .collect()
    }

    /// The document of a whole run: every model's credit side by side, path facts, the
    /// Markov heatmap when Markov ran, the model recommended from the evidence
    /// ([`recommend::choose`]: `accuracy`, the scores of a simulation the user gave, else
    /// `matched`, worlds simulated to match the input), and with `spend`, ROI and the
    /// budget plan of `budget_model` (default: the recommended model, else the one the
    /// evidence puts first, else [`default_plan_credit`]); with `fitted`, the same model's
    /// plan from measured response too ([`fitted_plan_within`], from the exposures the
    /// journey build kept). The one assembly both front ends use.
    pub fn for_run(
        result: &RunResult,
        spend: Option<&Spend>,
        params: &BudgetParams,
        budget_model: Option<ModelName>,
        accuracy: Option<&BTreeMap<String, f64>>,
        matched: Option<&MatchedEvidence>,
        fitted: Option<FittedInputs<'_>>,
    ) -> Result<Document> {
        let dimension = result.settings.level.as_str().to_string();
        let credits = result.credits();
        let all_notes: BTreeMap<String, Vec<String>> = credits
            .iter()
            .map(|c| (c.model.clone(), c.notes.clone()))
            .collect();
        let ran: Vec<String> = credits.iter().map(|c| c.model.clone()).collect();
        let choice = recommend::choose(&recommend::Inputs {
            models: &ran,
            notes: &all_notes,
            accuracy,
            matched,
        });
        let markov = result
            .model_run(ModelName::Markov)
            .and_then(|r| r.details_as::<MarkovDetails>());
        let paths = result.data.path_table();
        let facts = PathFacts::new(&paths, result.data.journeys());
        let roi_table = spend.map(|s| roi(&credits, s));
        let plan_credit = || plan_credit(result, &credits, budget_model, &choice);
        let plan = match spend {
            None => None,
            Some(s) => {
                let credit = plan_credit()?;
                Some(Plan::new(credit, s, &with_risks(params, result, credit))?)
            }
        };
        let fitted_budget = match fitted {
            None => None,
            Some(mut f) => {
                let credit = plan_credit()?;
                let mut fp = f.params.clone();
                fp.budget = with_risks(&fp.budget, result, credit);
                f.params = &fp;
                Some(fitted_for_run(credit, &result.data, f)?)
            }
        };
        let mut doc = Document::new(
            &dimension,
            result.inputs.clone(),
            result.data.build_summary().cloned(),
            credits,
            facts,
            roi_table,
            plan,
            markov,
        );
        let fits: BTreeMap<String, f64> = result
            .runs
            .iter()
            .filter_map(|r| {
                let auc = r.details.as_ref()?.holdout()?.auc?;
                Some((r.model.as_str().to_string(), auc))
            })
            .collect();
        let notes = doc.notes_by_model();
        doc.summary = Summary::new(
            &doc.comparison,
            Evidence {
                plan: doc.budget.as_ref(),
                notes: Some(&notes),
                fits: Some(&fits),
                accuracy,
                period: spend.and_then(|s| s.period.as_deref()),
                choice: Some(&choice),
            },
        );
        doc.matched = matched.cloned();
        doc.fitted_budget = fitted_budget;
        Ok(doc)
    }

    /// Assembles a document.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        dimension: &str,
        inputs: Vec<ReadReport>,
        build: Option<BuildSummary>,
        credits: Vec<Credit>,
        paths: PathFacts,
        roi: Option<RoiTable>,
        budget: Option<Plan>,
        markov: Option<&MarkovDetails>,
    ) -> Document {
        let comparison = Comparison::new(dimension, &credits);
        let notes: BTreeMap<String, Vec<String>> = credits
            .iter()
            .map(|c| (c.model.clone(), c.notes.clone()))
            .collect();
        let summary = Summary::new(
            &comparison,
            Evidence {
                plan: budget.as_ref(),
                notes: Some(&notes),
                ..Evidence::default()
            },
        );
        Document {
            schema_version: SCHEMA_VERSION,
            dimension: dimension.to_string(),
            inputs,
            build,
            comparison,
            credits,
            paths,
            roi,
            budget,
            fitted_budget: None,
            markov: markov.map(Heatmap::new),
            summary,
            matched: None,
        }
    }
}

/// The credit a report's budget plans follow: `budget_model` (it must have run), else
/// the recommended model, else the one the evidence puts first (when additive), else
/// [`default_plan_credit`].
fn plan_credit<'c>(
    result: &'c RunResult,
    credits: &'c [Credit],
    budget_model: Option<ModelName>,
    choice: &recommend::Choice,
) -> Result<&'c Credit> {
    match budget_model {
        Some(model) => result.credit(model).ok_or_else(|| {
            Error::param(
                Param::BudgetModel,
                format!("`{model}` did not run; name it in `models` too"),
            )
        }),
        None => choice
            .recommended
            .as_ref()
            .or(choice.leading.as_ref())
            .and_then(|best| credits.iter().find(|c| &c.model == best && c.additive))
            .or_else(|| default_plan_credit(credits))
            .ok_or_else(|| {
                Error::param(
                    Param::BudgetModel,
                    "no model with additive credit ran: a budget plan needs one",
                )
            }),
    }
}

/// `params` with the channels whose credit `credit`'s model warns about
/// ([`BudgetParams::at_risk`]), read from its run's details, unless the caller gave
/// its own.
fn with_risks(params: &BudgetParams, result: &RunResult, credit: &Credit) -> BudgetParams {
    let mut params = params.clone();
    if params.at_risk.is_empty() {
        params.at_risk = ModelName::lookup(&credit.model)
            .and_then(|m| result.model_run(m))
            .and_then(|r| r.details_as::<crate::models::self_controlled::SelfControlledDetails>())
            .map(|d| d.credit_risks.clone())
            .unwrap_or_default();
    }
    params
}

/// The plan from measured response of `credit`, from the exposures counted when `data`
/// were built from events: an error when the data are not events built with their
/// exposures kept, or the credit is not per channel (exposures are counted per channel).
fn fitted_for_run(credit: &Credit, data: &Loaded, f: FittedInputs<'_>) -> Result<FittedPlan> {
    let Loaded::Built(built) = data else {
        return Err(Error::param(
            Param::Response,
            "`fitted` curves count each channel's exposures in the events: give events, \
             not a path summary or journeys",
        ));
    };
    let exposures = built.exposures.as_ref().ok_or_else(|| {
        Error::param(
            Param::Response,
            "`fitted` curves count each channel's exposures in the events, and these \
             journeys were built without counting them: give the events themselves",
        )
    })?;
    let events = &built.summary.events_file.file;
    fitted_plan_within(credit, f.series, exposures, events, f.params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::PathTable;
    use crate::models::MarkovParams;

    /// Paths a (1 conversion) and a > b (1 null): from start, a always; from a, b half
    /// the time and conversion half; from b, null always.
    #[test]
    fn heatmap_places_each_transition_probability() {
        let mut b = PathTable::builder();
        b.push(&["a"], 1.0, 1.0, 0.0);
        b.push(&["a", "b"], 0.0, 0.0, 1.0);
        let details = MarkovParams::default().fit(&b.finish()).unwrap().details();
        let h = Heatmap::new(&details);
        assert_eq!(h.rows, ["(start)", "a", "b"]);
        assert_eq!(h.cols, ["a", "b", "(conversion)", "(null)"]);
        assert_eq!(h.probability[0], [1.0, 0.0, 0.0, 0.0]);
        assert_eq!(h.probability[1], [0.0, 0.5, 0.5, 0.0]);
        assert_eq!(h.probability[2], [0.0, 0.0, 0.0, 1.0]);
        assert_eq!(h.states_omitted, 0);
    }
}
