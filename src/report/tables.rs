//! The report's tables, built once from a [`Document`] and rendered by both the
//! Markdown and the HTML renderer.

use std::collections::BTreeMap;

use crate::decide::RoiRow;
use crate::report::document::Document;
use crate::report::numbers::{fixed, percent, signed};

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

/// Which figure a credit table shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Conversions, with the interval when computed.
    Conversions,
    /// Share of the model's conversions.
    Share,
    /// Attributed value.
    Value,
}

/// Channels × models for one figure (plus `influenced` with conversions).
pub fn credit_table(doc: &Document, figure: Figure) -> Table {
    let c = &doc.comparison;
    let mut header = vec![c.dimension.clone()];
    header.extend(c.models.iter().cloned());
    let with_influenced =
        figure == Figure::Conversions && c.rows.iter().any(|r| r.influenced.is_some());
    if with_influenced {
        header.push("influenced".into());
    }
    let rows = c
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.channel.clone()];
            for m in &c.models {
                let cell = &row.models[m];
                cells.push(match figure {
                    Figure::Conversions => match (cell.conversions_lo, cell.conversions_hi) {
                        (Some(lo), Some(hi)) => format!(
                            "{} [{}, {}]",
                            fixed(cell.conversions, 2),
                            fixed(lo, 2),
                            fixed(hi, 2)
                        ),
                        _ => fixed(cell.conversions, 2),
                    },
                    Figure::Share => percent(cell.share),
                    Figure::Value => fixed(cell.value, 2),
                });
            }
            if with_influenced {
                cells.push(opt(row.influenced, 2));
            }
            cells
        })
        .collect();
    Table {
        title: match figure {
            Figure::Conversions => "Attributed conversions",
            Figure::Share => "Share of conversions",
            Figure::Value => "Attributed value",
        }
        .into(),
        header,
        rows,
    }
}

/// Each data-driven model's difference from last touch.
pub fn difference_table(doc: &Document) -> Option<Table> {
    let c = &doc.comparison;
    let models = c.data_driven_models();
    if models.is_empty() || !c.models.iter().any(|m| m == "last_touch") {
        return None;
    }
    let mut header = vec![c.dimension.clone(), "last_touch".into()];
    for m in &models {
        header.push(format!("{m} − last_touch"));
        header.push(format!("{m} − last_touch (pp)"));
    }
    let rows = c
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                row.channel.clone(),
                fixed(row.models["last_touch"].conversions, 2),
            ];
            for m in &models {
                let cell = &row.models[*m];
                cells.push(
                    cell.diff_vs_last_touch
                        .map_or_else(String::new, |d| signed(d, 2)),
                );
                cells.push(
                    cell.diff_pp_vs_last_touch
                        .map_or_else(String::new, |d| signed(d, 1)),
                );
            }
            cells
        })
        .collect();
    Some(Table {
        title: "Data-driven credit against last touch".into(),
        header,
        rows,
    })
}

/// CPA or ROAS per channel and model.
pub fn roi_table(doc: &Document, roas: bool) -> Option<Table> {
    let roi = doc.roi.as_ref()?;
    let models = &doc.comparison.models;
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
            "ROAS (attributed value per unit of spend)"
        } else {
            "CPA (spend per attributed conversion)"
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
            vec![
                r.channel.clone(),
                fixed(r.current_spend, 2),
                fixed(r.recommended_spend, 2),
                signed(r.change, 2),
                r.change_pct
                    .map_or_else(|| "–".into(), |p| format!("{}%", signed(100.0 * p, 1))),
                fixed(r.value_before, 2),
                fixed(r.value_after, 2),
                r.bound.clone(),
            ]
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

/// Path facts as label/value rows.
pub fn facts_table(doc: &Document) -> Table {
    let f = &doc.paths;
    let mut rows = vec![
        vec!["distinct paths".into(), f.distinct_paths.to_string()],
        vec!["conversions".into(), fixed(f.conversions, 2)],
        vec![
            "non-converting journeys".into(),
            fixed(f.non_conversions, 2),
        ],
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
                    fixed(p.conversions, 2),
                    fixed(p.value, 2),
                    fixed(p.non_conversions, 2),
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
                let mut cells = vec![b.label.clone(), fixed(b.conversions, 2)];
                if !time {
                    cells.push(fixed(b.non_conversions, 2));
                }
                cells
            })
            .collect(),
    })
}

/// The credit section's tables: conversions, share, value, and differences from last touch.
pub fn credit_tables(doc: &Document) -> Vec<Table> {
    let mut out: Vec<Table> = [Figure::Conversions, Figure::Share, Figure::Value]
        .into_iter()
        .map(|f| credit_table(doc, f))
        .collect();
    out.extend(difference_table(doc));
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
