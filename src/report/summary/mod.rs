//! The report's first screen: one row per channel in the words marketing teams use
//! (last touch, the recommended data-driven model, influenced, the budget change, a
//! one-sentence reading), which model to trust and why, and what would change that.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::decide::Comparison;
use crate::decide::budget::Plan;
use crate::models::ModelName;
use crate::models::self_controlled::BASELINE;
use crate::param::Param;
use crate::report::numbers::fixed;
use crate::report::recommend::Choice;

/// The most models the main chart shows.
pub const CHART_MODELS: usize = 5;

/// A relative difference of a channel's conversions below which two models agree.
const MATERIAL: f64 = 0.2;

/// One channel of the summary table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryRow {
    /// The channel.
    pub channel: String,
    /// Conversions under last touch (when it ran).
    pub last_touch: Option<f64>,
    /// Conversions under the recommended model.
    pub recommended: Option<f64>,
    /// Conversions the channel touched (influenced), when that ran.
    pub influenced: Option<f64>,
    /// The plan's change of spend, in currency (with a spend file).
    pub budget_change: Option<f64>,
    /// The same as a fraction of the current spend.
    pub budget_change_pct: Option<f64>,
    /// One plain sentence.
    pub reading: String,
}

/// The summary of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The model the report recommends (the budget plan's; else the data-driven model
    /// closest to the truth on a scored simulation; else the registry's first
    /// data-driven model that ran), if any model ran.
    pub recommended: Option<String>,
    /// Why, in plain sentences.
    pub why: Vec<String>,
    /// What would change the recommendation.
    pub what_would_change: Vec<String>,
    /// One row per channel, most credited first under the recommended model.
    pub rows: Vec<SummaryRow>,
    /// The models the main chart shows: the recommended one, last touch, and at most
    /// three others.
    pub chart_models: Vec<String>,
    /// Each model's warnings, in plain words, to show next to its bars.
    pub warnings: BTreeMap<String, Vec<String>>,
    /// The period the spend (and so the budget change) is for, when one was chosen.
    pub budget_period: Option<String>,
}

/// What a model does, in a sentence a marketer can check against their intuition.
fn plain_description(model: &str) -> &'static str {
    match model {
        "self_controlled" => {
            "it compares each converting person with themselves at other times, so who was \
 targeted on a lasting trait cancels out"
        }
        "markov" => {
            "it credits each channel by how much conversion would fall without it, learning \
 from journeys that converted and journeys that did not"
        }
        "shapley" => {
            "it shares each conversion fairly among the channels whose journeys convert more \
 often, learning from journeys that converted and journeys that did not"
        }
        "logistic" => {
            "it credits what predicts conversion; when channels are aimed at people likely to \
 convert anyway, it credits the aiming as well as the channel"
        }
        _ => "it is a fixed rule, not estimated from the data",
    }
}

/// The data-driven model among `models` whose shares were closest to the truth of a
/// scored simulation (`accuracy`: model → total variation), ties to the registry's order.
pub fn most_accurate<'a>(
    models: impl IntoIterator<Item = &'a str>,
    accuracy: &BTreeMap<String, f64>,
) -> Option<&'a str> {
    models
        .into_iter()
        .filter(|m| ModelName::lookup(m).is_some_and(|n| n.data_driven()))
        .filter_map(|m| Some((m, *accuracy.get(m)?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(m, _)| m)
}

/// What the summary is built from besides the comparison.
#[derive(Clone, Copy, Debug, Default)]
pub struct Evidence<'a> {
    /// The budget plan, with a spend file.
    pub plan: Option<&'a Plan>,
    /// Each model's notes (warnings start with `WARNING: `).
    pub notes: Option<&'a BTreeMap<String, Vec<String>>>,
    /// Each model's held-out AUC, where known.
    pub fits: Option<&'a BTreeMap<String, f64>>,
    /// Each model's total variation from the truth of a scored simulation (the scores
    /// `pathcredit evaluate` writes), when one was given.
    pub accuracy: Option<&'a BTreeMap<String, f64>>,
    /// The period of the spend, when the spend file has several.
    pub period: Option<&'a str>,
    /// The recommendation chosen from the evidence ([`crate::report::recommend`]).
    pub choice: Option<&'a Choice>,
}

impl Summary {
    /// The summary of a comparison and the evidence about its models.
    pub fn new(comparison: &Comparison, evidence: Evidence<'_>) -> Summary {
        let empty = BTreeMap::new();
        let empty_notes = BTreeMap::new();
        let plan = evidence.plan;
        let notes = evidence.notes.unwrap_or(&empty_notes);
        let fits = evidence.fits.unwrap_or(&empty);
        let accuracy = evidence.accuracy.unwrap_or(&empty);
        let models = &comparison.models;
        let data_driven: Vec<&String> = models
            .iter()
            .filter(|m| ModelName::lookup(m).is_some_and(|n| n.data_driven()))
            .collect();
        let chosen = evidence.choice;
        // The model the table and charts follow: the recommended one, or when the report
        // abstains the one the evidence puts first.
        let recommended = chosen
            .and_then(|c| c.recommended.clone().or_else(|| c.leading.clone()))
            .or_else(|| plan.map(|p| p.model.clone()).filter(|m| models.contains(m)))
            .or_else(|| {
                most_accurate(data_driven.iter().map(|m| m.as_str()), accuracy).map(str::to_string)
            })
            .or_else(|| {
                data_driven
                    .iter()
                    .min_by_key(|m| ModelName::lookup(m).and_then(|n| n.info().compare_rank))
                    .map(|m| (*m).clone())
            })
            .or_else(|| models.iter().find(|m| *m == "last_touch").cloned())
            .or_else(|| models.first().cloned());
        let has_last = models.iter().any(|m| m == "last_touch");
        let mut chart_models: Vec<String> = recommended.iter().cloned().collect();
        if has_last && recommended.as_deref() != Some("last_touch") {
            chart_models.push("last_touch".into());
        }
        for m in data_driven
            .iter()
            .map(|m| (*m).clone())
            .chain(models.iter().cloned())
        {
            if chart_models.len() >= CHART_MODELS {
                break;
            }
            if !chart_models.contains(&m) {
                chart_models.push(m);
            }
        }
        let warnings: BTreeMap<String, Vec<String>> = chart_models
            .iter()
            .filter_map(|m| {
                let w: Vec<String> = notes
                    .get(m)?
                    .iter()
                    .filter_map(|n| n.strip_prefix("WARNING: ").map(str::to_string))
                    .collect();
                (!w.is_empty()).then(|| (m.clone(), w))
            })
            .collect();

        let rec = recommended.clone().unwrap_or_default();
        let plan_rows: BTreeMap<&str, (f64, Option<f64>)> = plan
            .map(|p| {
                p.rows
                    .iter()
                    .map(|r| (r.channel.as_str(), (r.change, r.change_pct)))
                    .collect()
            })
            .unwrap_or_default();
        // Channels the plan holds because its model's warnings doubt their credit the
        // way it would move them (`crate::decide::at_risk`).
        let held: BTreeSet<&str> = plan
            .map(|p| {
                p.rows
                    .iter()
                    .filter(|r| r.bound == "at_risk")
                    .map(|r| r.channel.as_str())
                    .collect()
            })
            .unwrap_or_default();
        // A lift test holds a channel's spend back: with a plan, only a channel that has
        // spend can take one (direct or organic search cannot be switched off).
        // (A set built once: a lookup per channel stays linear in channels.)
        let with_spend: BTreeSet<&str> = plan
            .map(|p| {
                p.rows
                    .iter()
                    .filter(|r| r.current_spend > 0.0)
                    .map(|r| r.channel.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let spent = |channel: &str| plan.is_none() || with_spend.contains(channel);
        // Each channel's marginal return now and at the recommended spend.
        let marginal: BTreeMap<&str, (Option<f64>, Option<f64>)> = plan
            .map(|p| {
                p.rows
                    .iter()
                    .map(|r| {
                        (
                            r.channel.as_str(),
                            (r.marginal_roas_before, r.marginal_roas_after),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut rows: Vec<SummaryRow> = comparison
            .rows
            .iter()
            .map(|row| {
                let rec_cell = row.models.get(&rec);
                let last_cell = row.models.get("last_touch");
                let budget = plan_rows.get(row.channel.as_str());
                let baseline = row.channel == BASELINE;
                let mut reading = match (rec_cell, last_cell) {
                    _ if baseline => {
                        "conversions no channel explains: they would have happened anyway"
                            .to_string()
                    }
                    (Some(r), Some(l)) if rec != "last_touch" => {
                        let diff = r.conversions - l.conversions;
                        let relative = diff / l.conversions.max(1.0);
                        if r.conversions == 0.0 && l.conversions > 0.0 {
                            format!("last touch credits it; {rec} gives it none")
                        } else if diff >= 1.0 && relative >= MATERIAL {
                            format!(
                                "under-credited by last touch (+{} conversions under {rec})",
                                fixed(diff, 1)
                            )
                        } else if diff <= -1.0 && relative <= -MATERIAL {
                            format!(
                                "over-credited by last touch ({} conversions under {rec})",
                                fixed(diff, 1)
                            )
                        } else {
                            "about the same under both".to_string()
                        }
                    }
                    _ => String::new(),
                };
                if plan.is_some() && !baseline {
                    // What drives the move: the return of the next unit of spend under
                    // the plan's model, now and at the recommended spend.
                    let why_move = |_up: bool| match marginal.get(row.channel.as_str()) {
                        Some((Some(now), Some(then))) => format!(
                            " (the next unit of spend returns {} under {} now, {} at the \
                             recommended spend)",
                            fixed(*now, 2),
                            plan.map_or("", |p| p.model.as_str()),
                            fixed(*then, 2)
                        ),
                        _ => String::new(),
                    };
                    let part = match budget {
                        Some((_, Some(p))) if *p >= 0.01 => {
                            format!("+{}% recommended{}", fixed(100.0 * p, 0), why_move(true))
                        }
                        Some((_, Some(p))) if *p <= -0.01 => {
                            format!("{}% recommended{}", fixed(100.0 * p, 0), why_move(false))
                        }
                        Some(_) if held.contains(row.channel.as_str()) => format!(
                            "keep its spend: {}'s own warnings doubt its credit the way the \
                             plan would move it (credit at risk; a lift test settles it)",
                            plan.map_or("", |p| p.model.as_str())
                        ),
                        Some(_) => "keep its spend".to_string(),
                        None => "no spend data".to_string(),
                    };
                    reading = if reading.is_empty() {
                        part
                    } else {
                        format!("{reading}; {part}")
                    };
                }
                SummaryRow {
                    channel: row.channel.clone(),
                    last_touch: last_cell.map(|c| c.conversions),
                    recommended: rec_cell.map(|c| c.conversions),
                    influenced: row.influenced,
                    budget_change: budget.map(|b| b.0),
                    budget_change_pct: budget.and_then(|b| b.1),
                    reading,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.recommended
                .unwrap_or(0.0)
                .total_cmp(&a.recommended.unwrap_or(0.0))
                .then(a.channel.cmp(&b.channel))
        });

        let mut why = Vec::new();
        let mut what_would_change = Vec::new();
        let abstains = chosen.is_some_and(|c| c.recommended.is_none() && c.leading.is_some());
        if let Some(m) = &recommended {
            let is_data_driven = ModelName::lookup(m).is_some_and(|n| n.data_driven());
            why.push(if abstains {
                format!(
                    "The report recommends no model (reasons below); the table shows {m}, which the evidence puts first: {}.",
                    plain_description(m)
                )
            } else if is_data_driven {
                format!("The report recommends {m}: {}.", plain_description(m))
            } else {
                format!(
                    "No data-driven model ran, so the report shows {m}: {}. Run the report on \
 journeys or raw events to get one.",
                    plain_description(m)
                )
            });
            if let Some(c) = chosen {
                why.extend(c.why.iter().cloned());
                what_would_change.extend(c.what_would_change.iter().cloned());
            }
            if plan.is_some_and(|p| &p.model == m) {
                why.push(format!(
                    "The budget plan below follows its credit{} (another model's with {}); each channel moves towards where the return of the next unit of spend under {m} is highest.",
                    if abstains { ", provisionally" } else { "" },
                    Param::BudgetModel.mention()
                ));
            }
            if let Some(d) = accuracy.get(m).filter(|_| chosen.is_none()) {
                let mut s = format!(
                    "On the simulation you scored, its channel shares were {} from the truth \
 (total variation: 0 is exact, 1 is entirely wrong)",
                    fixed(*d, 3)
                );
                if let Some(l) = accuracy.get("last_touch").filter(|_| m != "last_touch") {
                    s.push_str(&format!("; last touch's were {}", fixed(*l, 3)));
                }
                s.push('.');
                why.push(s);
            }
            if let Some(auc) = fits.get(m) {
                why.push(format!(
                    "On journeys held out from its fit it tells converting from non-converting \
 journeys with an AUC of {} (0.5 is chance, 1 is perfect).",
                    fixed(*auc, 2)
                ));
            }
            let widths: Vec<f64> = comparison
                .rows
                .iter()
                .filter_map(|r| {
                    let c = r.models.get(m)?;
                    let (lo, hi) = (c.conversions_lo?, c.conversions_hi?);
                    (c.conversions > 0.0).then(|| (hi - lo) / 2.0 / c.conversions)
                })
                .collect();
            if widths.is_empty() {
                what_would_change.push(
                    "Intervals were not computed: rerun with bootstrap replicates to see how \
 much of each channel's credit is noise."
                        .to_string(),
                );
            } else {
                let mean = widths.iter().sum::<f64>() / widths.len() as f64;
                why.push(format!(
                    "Its 95% intervals are about ±{}% of each channel's credit.",
                    fixed(100.0 * mean, 0)
                ));
                let inside = comparison
                    .rows
                    .iter()
                    .filter(|r| r.channel != BASELINE)
                    .filter(|r| {
                        matches!(
                            (r.models.get(m), r.models.get("last_touch")),
                            (Some(c), Some(l)) if c.conversions_lo.is_some_and(|lo| l.conversions >= lo)
                                && c.conversions_hi.is_some_and(|hi| l.conversions <= hi)
                        )
                    })
                    .count();
                if has_last && inside > 0 {
                    what_would_change.push(format!(
                        "For {inside} of {} channels, last touch's figure lies inside {m}'s \
 interval: there the two do not disagree beyond noise.",
                        comparison
                            .rows
                            .iter()
                            .filter(|r| r.channel != BASELINE)
                            .count()
                    ));
                }
            }
            for w in warnings.get(m).into_iter().flatten() {
                what_would_change.push(format!("{m} carries a warning: {w}"));
            }
            if let Some(top) = rows
                .iter()
                .filter(|r| {
                    r.channel != BASELINE
                        && r.last_touch.is_some()
                        && r.recommended.is_some()
                        && spent(&r.channel)
                })
                .max_by(|a, b| {
                    let d = |r: &SummaryRow| {
                        (r.recommended.unwrap_or(0.0) - r.last_touch.unwrap_or(0.0)).abs()
                    };
                    d(a).total_cmp(&d(b))
                })
                .filter(|_| has_last && m != "last_touch" && !abstains)
            {
                what_would_change.push(format!(
                    "A holdout experiment (a lift test) on {}, where {m} and last touch differ \
 most, would settle which is right; give its result as `lift_tests`.",
                    top.channel
                ));
            }
            if let (Some(d), Some(best)) = (
                accuracy.get(m),
                most_accurate(models.iter().map(String::as_str), accuracy),
            ) {
                let best_d = accuracy[best];
                if best != m && best_d < *d {
                    what_would_change.push(format!(
                        "On the simulation, {best} came closer to the truth ({} against {}): \
 plan on {best} with {} set to {best} to follow it.",
                        fixed(best_d, 3),
                        fixed(*d, 3),
                        Param::BudgetModel.mention()
                    ));
                }
                if let Some(l) = accuracy.get("last_touch").filter(|l| **l < *d) {
                    what_would_change.push(format!(
                        "On the simulation, last touch came closer to the truth than {m} ({} \
                         against {}): on data like that, trust no model's split over the rule's \
                         without an experiment.",
                        fixed(*l, 3),
                        fixed(*d, 3)
                    ));
                }
            } else if accuracy.is_empty() && chosen.is_none_or(|c| c.why.is_empty()) {
                what_would_change.push(format!(
                    "To see which model is closest to the truth on data like yours, simulate \
                     your channel mix (`pathcredit simulate`), score every model against it \
                     (`pathcredit evaluate`) and give the scores to the report ({}).",
                    Param::Accuracy.mention()
                ));
            }
        }
        // Abstaining, the lift test that would settle between the two leading models: the
        // channel (with spend, when there is a plan) where their credit differs most.
        if let (true, Some(lead), Some(runner)) = (
            abstains,
            recommended.as_deref(),
            chosen.and_then(|c| c.runner.as_deref()),
        ) && let Some(row) = comparison
            .rows
            .iter()
            .filter(|r| r.channel != BASELINE)
            .filter(|r| spent(&r.channel))
            .filter_map(|r| {
                let d = r.models.get(lead)?.conversions - r.models.get(runner)?.conversions;
                Some((r, d.abs()))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
        {
            what_would_change.insert(
                0,
                format!(
                    "A holdout experiment (a lift test) on {}, where {lead} and {runner} differ most ({} conversions), would settle which to trust; give its result as `lift_tests`.",
                    row.0.channel,
                    fixed(row.1, 1)
                ),
            );
        }
        Summary {
            recommended: recommended.filter(|_| !abstains),
            why,
            what_would_change,
            rows,
            chart_models,
            warnings,
            budget_period: evidence.period.map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests;
