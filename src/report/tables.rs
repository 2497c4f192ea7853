//! The report's tables, built once from a [`Document`] and rendered by both the
//! Markdown and the HTML renderer.

use std::collections::BTreeMap;

use crate::decide::RoiRow;
use crate::report::document::Document;
use crate::report::numbers::{count, credit, fixed, percent, signed};

/// A titled table of text cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Section-local title.
    pub title: String,
    /// Column headers.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".to_string(), |v| fixed(v, decimals))
}

/// Each data-driven model's share minus last touch's, in percentage points.
pub fn difference_table(doc: &Document) -> Option<Table> {
    let c = &doc.comparison;
    let models = c.data_driven_models();
    if models.is_empty() || !c.models.iter().any(|m| m == "last_touch") {
        return None;
    }
    let mut header = vec![c.dimension.clone(), "last touch share".into()];
    header.extend(models.iter().map(|m| format!("{m} (pp)")));
    let rows = c
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.channel.clone(), percent(row.models["last_touch"].share)];
            for m in &models {
                cells.push(
                    row.models[*m]
                        .diff_pp_vs_last_touch
                        .map_or_else(String::new, |d| signed(d, 1)),
                );
            }
            cells
        })
        .collect();
    Some(Table {
        title: "Share under each data-driven model minus last touch (percentage points)".into(),
        header,
        rows,
    })
}

/// The summary table: per channel, last touch, the recommended model, influenced, the
/// budget change and a reading.
pub fn summary_table(doc: &Document) -> Table {
    let s = &doc.summary;
    let has_plan = doc.budget.is_some();
    let has_influenced = s.rows.iter().any(|r| r.influenced.is_some());
    let shown = match (&s.recommended, s.chart_models.first()) {
        (Some(rec), _) => format!("Data-driven ({rec})"),
        (None, Some(first)) => format!("Leading, not recommended ({first})"),
        (None, None) => "Data-driven".to_string(),
    };
    let mut header = vec![capitalised(&doc.dimension), "Last touch".to_string(), shown];
    if has_influenced {
        header.push("Influenced".into());
    }
    if has_plan {
        header.push(match (&s.budget_period, &doc.fitted_budget) {
            (Some(p), _) => format!("Budget change ({p})"),
            (None, Some(_)) => "Budget change (assumed response)".into(),
            (None, None) => "Budget change".into(),
        });
    }
    header.push("Reading".into());
    let rows = s
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                r.channel.clone(),
                r.last_touch.map_or_else(|| "–".into(), count),
                r.recommended.map_or_else(|| "–".into(), credit),
            ];
            if has_influenced {
                cells.push(r.influenced.map_or_else(|| "–".into(), count));
            }
            if has_plan {
                cells.push(r.budget_change.map_or_else(|| "–".into(), |c| signed(c, 0)));
            }
            cells.push(r.reading.clone());
            cells
        })
        .collect();
    Table {
        title: "Summary".into(),
        header,
        rows,
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Conversions per channel under the chart's models (with intervals where computed).
pub fn chart_credit_table(doc: &Document) -> Table {
    let c = &doc.comparison;
    let models = &doc.summary.chart_models;
    let mut header = vec![c.dimension.clone()];
    header.extend(models.iter().cloned());
    let rows = c
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.channel.clone()];
            for m in models {
                cells.push(match row.models.get(m) {
                    Some(cell) => match (cell.conversions_lo, cell.conversions_hi) {
                        (Some(lo), Some(hi)) => format!(
                            "{} [{}–{}]",
                            credit(cell.conversions),
                            credit(lo),
                            credit(hi)
                        ),
                        _ => credit(cell.conversions),
                    },
                    None => "–".into(),
                });
            }
            cells
        })
        .collect();
    Table {
        title: "Attributed conversions".into(),
        header,
        rows,
    }
}

/// Every model's credit in long form (one row per channel and model), which fits a page
/// whatever the number of models.
pub fn every_model_table(doc: &Document) -> Table {
    let c = &doc.comparison;
    let mut rows = Vec::new();
    for row in &c.rows {
        for m in &c.models {
            let cell = &row.models[m];
            rows.push(vec![
                row.channel.clone(),
                m.clone(),
                credit(cell.conversions),
                match (cell.conversions_lo, cell.conversions_hi) {
                    (Some(lo), Some(hi)) => format!("{}–{}", credit(lo), credit(hi)),
                    _ => "–".into(),
                },
                percent(cell.share),
                fixed(cell.value, 2),
            ]);
        }
    }
    Table {
        title: "Every model".into(),
        header: [
            c.dimension.as_str(),
            "model",
            "conversions",
            "95% interval",
            "share",
            "value",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

/// CPA or ROAS per channel and model.
pub fn roi_table(doc: &Document, roas: bool) -> Option<Table> {
    let roi = doc.roi.as_ref()?;
    let models = &doc.summary.chart_models;
    // (model, channel) → row, and channel → spend: one pass, then lookups.
    let by_key: BTreeMap<(&str, &str), &RoiRow> = roi
        .rows
        .iter()
        .map(|r| ((r.model.as_str(), r.channel.as_str()), r))
        .collect();
    let spend: BTreeMap<&str, f64> = roi
        .rows
        .iter()
        .map(|r| (r.channel.as_str(), r.spend))
        .collect();
    let mut header = vec![doc.dimension.clone(), "spend".into()];
    header.extend(
        models
            .iter()
            .map(|m| format!("{} {m}", if roas { "ROAS" } else { "CPA" })),
    );
    let rows = spend
        .iter()
        .map(|(ch, spend)| {
            let mut cells = vec![ch.to_string(), fixed(*spend, 2)];
            for m in models {
                cells.push(match by_key.get(&(m.as_str(), *ch)) {
                    Some(r) if roas => opt(r.roas, 2),
                    Some(r) => opt(r.cpa, 2),
                    None => "–".into(),
                });
            }
            cells
        })
        .collect();
    Some(Table {
        title: if roas {
            "ROAS (attributed value per unit of spend), the chart's models"
        } else {
            "CPA (spend per attributed conversion), the chart's models"
        }
        .into(),
        header,
        rows,
    })
}

/// The budget-impact table.
pub fn plan_table(doc: &Document) -> Option<Table> {
    let plan = doc.budget.as_ref()?;
    let header = [
        doc.dimension.as_str(),
        "current_spend",
        "recommended_spend",
        "change",
        "change_pct",
        "value_before",
        "value_after",
        "bound",
    ]
    .map(String::from)
    .to_vec();
    let mut rows: Vec<Vec<String>> = plan
        .rows
        .iter()
        .map(|r| {
            let mut cells = spend_move_cells(
                &r.channel,
                r.current_spend,
                r.recommended_spend,
                r.change,
                r.change_pct,
            );
            cells.extend([
                fixed(r.value_before, 2),
                fixed(r.value_after, 2),
                r.bound.clone(),
            ]);
            cells
        })
        .collect();
    rows.push(vec![
        "total".into(),
        fixed(plan.total_spend, 2),
        fixed(plan.rows.iter().map(|r| r.recommended_spend).sum(), 2),
        signed(0.0, 2),
        "".into(),
        fixed(plan.value_before, 2),
        fixed(plan.value_after, 2),
        "".into(),
    ]);
    Some(Table {
        title: format!("Budget plan from {}", plan.model),
        header,
        rows,
    })
}

/// The first cells of a budget plan's row, shared by the assumed and the fitted plan's
/// tables: channel, today's spend, the recommended spend, the change and the change in
/// percent ("–" where today's spend is 0).
pub(crate) fn spend_move_cells(
    channel: &str,
    current: f64,
    recommended: f64,
    change: f64,
    change_pct: Option<f64>,
) -> Vec<String> {
    vec![
        channel.to_string(),
        fixed(current, 2),
        fixed(recommended, 2),
        signed(change, 2),
        change_pct.map_or_else(|| "–".into(), |p| format!("{}%", signed(100.0 * p, 1))),
    ]
}

/// Path facts as label/value rows.
pub fn facts_table(doc: &Document) -> Table {
    let f = &doc.paths;
    let mut rows = vec![
        vec!["distinct paths".into(), f.distinct_paths.to_string()],
        vec!["conversions".into(), count(f.conversions)],
        vec!["non-converting journeys".into(), count(f.non_conversions)],
        vec![
            "touches per conversion".into(),
            fixed(f.touches_per_conversion, 2),
        ],
        vec![
            "conversions with a single touch".into(),
            percent(f.single_touch_share),
        ],
    ];
    if let Some(d) = f.median_days_to_conversion {
        rows.push(vec![
            "median days from first touch to conversion".into(),
            fixed(d, 1),
        ]);
    }
    Table {
        title: "Path facts".into(),
        header: vec!["fact".into(), "value".into()],
        rows,
    }
}

/// The most converting paths.
pub fn top_paths_table(doc: &Document) -> Table {
    Table {
        title: "Top converting paths".into(),
        header: [
            "path",
            "conversions",
            "value",
            "non_conversions",
            "conversion_rate",
        ]
        .map(String::from)
        .to_vec(),
        rows: doc
            .paths
            .top_paths
            .iter()
            .map(|p| {
                vec![
                    p.path.clone(),
                    count(p.conversions),
                    fixed(p.value, 2),
                    count(p.non_conversions),
                    percent(p.conversion_rate),
                ]
            })
            .collect(),
    }
}

/// Journey lengths, or time to conversion.
pub fn distribution_table(doc: &Document, time: bool) -> Option<Table> {
    let bins = if time {
        doc.paths.time_to_conversion.as_ref()?
    } else {
        &doc.paths.lengths
    };
    let mut header = vec![
        if time {
            "days to conversion"
        } else {
            "touches"
        }
        .to_string(),
        "conversions".into(),
    ];
    if !time {
        header.push("non_conversions".into());
    }
    Some(Table {
        title: if time {
            "Time from first touch to conversion"
        } else {
            "Journey length"
        }
        .into(),
        header,
        rows: bins
            .iter()
            .map(|b| {
                let mut cells = vec![b.label.clone(), count(b.conversions)];
                if !time {
                    cells.push(count(b.non_conversions));
                }
                cells
            })
            .collect(),
    })
}

/// The credit section's tables: the chart's models, differences from last touch, and
/// every model in long form.
pub fn credit_tables(doc: &Document) -> Vec<Table> {
    let mut out = vec![chart_credit_table(doc)];
    out.extend(difference_table(doc));
    out.push(every_model_table(doc));
    out
}

/// The return-on-spend section's tables (CPA, then ROAS).
pub fn roi_tables(doc: &Document) -> Vec<Table> {
    [false, true]
        .into_iter()
        .filter_map(|roas| roi_table(doc, roas))
        .collect()
}

/// The paths section's tables: facts, top paths, lengths, time to conversion.
pub fn path_tables(doc: &Document) -> Vec<Table> {
    let mut out = vec![facts_table(doc), top_paths_table(doc)];
    out.extend(
        [false, true]
            .into_iter()
            .filter_map(|t| distribution_table(doc, t)),
    );
    out
}

/// One sentence stating the plan's model, response, bounds and effect.
pub fn budget_summary(plan: &crate::decide::Plan) -> String {
    let response = match plan.response {
        crate::decide::Response::Diminishing { elasticity } => {
            format!("diminishing returns (value ∝ spend^{elasticity})")
        }
        crate::decide::Response::Linear => "a linear response".to_string(),
    };
    format!(
        "From {} credit, assuming {response}; each channel moves by at most {} of its spend; total spend {} is kept exactly. Expected attributed {}: {} → {}.",
        plan.model,
        percent(plan.max_shift),
        fixed(plan.total_spend, 2),
        plan.objective,
        fixed(plan.value_before, 2),
        fixed(plan.value_after, 2)
    )
}
