//! The report as Markdown: every table of the document, plain text, no charts.

use std::io::Write;

use crate::error::{Error, Result};
use crate::report::document::Document;
use crate::report::numbers::{fixed, percent};
use crate::report::tables::{self, Figure, Table};

fn escape(cell: &str) -> String {
    cell.replace('|', "\\|")
}

/// Writes a table with its title as a level-3 heading.
fn table(out: &mut String, t: &Table) {
    out.push_str(&format!("### {}\n\n", t.title));
    out.push_str(&format!(
        "| {} |\n|{}|\n",
        t.header
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | "),
        t.header
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { "---" } else { "---:" })
            .collect::<Vec<_>>()
            .join("|")
    ));
    for row in &t.rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    out.push('\n');
}

/// The report's text, shared by the Markdown file and the HTML page's notes.
pub fn render_markdown(doc: &Document, out: &mut dyn Write) -> Result<()> {
    let mut s = String::from("# Attribution report\n\n");
    for input in &doc.inputs {
        s.push_str(&format!("* Input: {}\n", input.describe()));
    }
    s.push_str(&format!(
        "* {} conversions, {} non-converting journeys; models: {}\n\n",
        fixed(doc.paths.conversions, 2),
        fixed(doc.paths.non_conversions, 2),
        doc.comparison.models.join(", ")
    ));
    if let Some(build) = &doc.build {
        s.push_str("## Journey build\n\n");
        for line in build.describe().lines() {
            s.push_str(&format!("* {line}\n"));
        }
        s.push('\n');
    }
    s.push_str(&format!(
        "## Credit by model\n\nSorted by {} credit. Intervals in brackets are 95% bootstrap or sampling intervals.\n\n",
        doc.comparison.sorted_by
    ));
    table(&mut s, &tables::credit_table(doc, Figure::Conversions));
    table(&mut s, &tables::credit_table(doc, Figure::Share));
    table(&mut s, &tables::credit_table(doc, Figure::Value));
    if let Some(t) = tables::difference_table(doc) {
        table(&mut s, &t);
    }
    if let Some(roi) = &doc.roi {
        s.push_str("## Return on spend\n\nEvery figure is attributed under the model named in its column.\n\n");
        for roas in [false, true] {
            if let Some(t) = tables::roi_table(doc, roas) {
                table(&mut s, &t);
            }
        }
        if !roi.spend_without_credit.is_empty() {
            s.push_str(&format!(
                "Spend without credit under any model: {}.\n\n",
                roi.spend_without_credit.join(", ")
            ));
        }
        if !roi.credit_without_spend.is_empty() {
            s.push_str(&format!(
                "Credit without spend: {}.\n\n",
                roi.credit_without_spend.join(", ")
            ));
        }
    }
    if let Some(plan) = &doc.budget {
        let response = match plan.response {
            crate::decide::Response::Diminishing { elasticity } => {
                format!("diminishing returns, value ∝ spend^{elasticity}")
            }
            crate::decide::Response::Linear => "linear response".to_string(),
        };
        s.push_str(&format!(
            "## Budget\n\nModel {}; {response}; each channel moves by at most {} of its spend; total spend {} kept exactly. Expected attributed {}: {} → {}.\n\n",
            plan.model,
            percent(plan.max_shift),
            fixed(plan.total_spend, 2),
            plan.objective,
            fixed(plan.value_before, 2),
            fixed(plan.value_after, 2)
        ));
        if let Some(t) = tables::plan_table(doc) {
            table(&mut s, &t);
        }
        for note in &plan.notes {
            s.push_str(&format!("> {note}\n\n"));
        }
    }
    s.push_str("## Paths\n\n");
    table(&mut s, &tables::facts_table(doc));
    table(&mut s, &tables::top_paths_table(doc));
    for time in [false, true] {
        if let Some(t) = tables::distribution_table(doc, time) {
            table(&mut s, &t);
        }
    }
    if let Some(m) = &doc.markov {
        s.push_str(&format!(
            "## Markov chain\n\nOrder {}, {} states shown{} (transition probabilities in the HTML report and in markov_transitions.csv).\n\n",
            m.order,
            m.rows.len() - 1,
            if m.states_omitted > 0 {
                format!(", {} less visited states omitted", m.states_omitted)
            } else {
                String::new()
            }
        ));
    }
    let notes: Vec<String> = doc
        .credits
        .iter()
        .flat_map(|c| c.notes.iter().map(move |n| format!("{}: {n}", c.model)))
        .collect();
    if !notes.is_empty() {
        s.push_str("## Notes\n\n");
        for n in notes {
            s.push_str(&format!("* {n}\n"));
        }
        s.push('\n');
    }
    out.write_all(s.trim_end().as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .map_err(Error::Write)
}
