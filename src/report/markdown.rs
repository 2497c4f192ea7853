//! The report as Markdown: every table of the document, plain text, no charts.

use std::io::Write;

use crate::error::{Error, Result};
use crate::report::document::Document;
use crate::report::fitted_tables::{
    ASSUMED_BESIDE_FITTED, fitted_plan_table, fitted_summary, held_channels,
};
use crate::report::numbers::count;
use crate::report::tables::{self, Table};
use crate::text::{markdown_cell as escape, markdown_prose as prose};

/// Writes a table with its title as a level-3 heading.
fn table(out: &mut String, t: &Table) {
    table_with(out, t, &["path"]);
}

/// A table whose columns named in `text` are left-aligned.
fn table_with(out: &mut String, t: &Table, text: &[&str]) {
    out.push_str(&format!("### {}\n\n", prose(&t.title)));
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
            .map(|(i, h)| if i == 0 || text.contains(&h.as_str()) {
                "---"
            } else {
                "---:"
            })
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
        s.push_str(&format!("* Input: {}\n", prose(&input.describe())));
    }
    s.push_str(&format!(
        "* {} conversions, {} non-converting journeys; models: {}\n\n",
        count(doc.paths.conversions),
        count(doc.paths.non_conversions),
        escape(&doc.comparison.models.join(", "))
    ));
    let sum = &doc.summary;
    s.push_str("## Summary\n\n");
    if let Some(first) = sum.why.first() {
        s.push_str(&format!("{}\n\n", prose(first)));
    }
    let mut summary_table = tables::summary_table(doc);
    summary_table.title = "Per channel".into();
    table_with(&mut s, &summary_table, &["Reading"]);
    if sum.why.len() > 1 {
        s.push_str("**Why this model**\n\n");
        for w in &sum.why[1..] {
            s.push_str(&format!("* {}\n", prose(w)));
        }
        s.push('\n');
    }
    if !sum.what_would_change.is_empty() {
        s.push_str("**What would change the recommendation**\n\n");
        for w in &sum.what_would_change {
            s.push_str(&format!("* {}\n", prose(w)));
        }
        s.push('\n');
    }
    if let Some(build) = &doc.build {
        s.push_str("## Journey build\n\n");
        for line in build.describe().lines() {
            s.push_str(&format!("* {}\n", prose(line)));
        }
        s.push('\n');
    }
    s.push_str(&format!(
        "## Credit by model\n\nThe recommended model, last touch and up to three others, channels sorted by {} credit; every model in the last table. Intervals are 95% bootstrap or sampling intervals.\n\n",
        escape(sum.recommended.as_deref().unwrap_or("the first model's"))
    ));
    for (model, warnings) in &sum.warnings {
        for w in warnings {
            s.push_str(&format!("> ⚠ {}: {}\n\n", escape(model), prose(w)));
        }
    }
    for t in tables::credit_tables(doc) {
        table(&mut s, &t);
    }
    if let Some(roi) = &doc.roi {
        s.push_str("## Return on spend\n\nEvery figure is attributed under the model named in its column.\n\n");
        for t in tables::roi_tables(doc) {
            table(&mut s, &t);
        }
        for (what, list) in roi.unmatched() {
            s.push_str(&format!(
                "{}: {}.\n\n",
                prose(what),
                list.iter()
                    .map(|n| escape(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if let Some(plan) = &doc.fitted_budget {
        s.push_str(&format!(
            "## Budget from measured response\n\n{} (One chart per channel in the HTML \
             report.)\n\n",
            prose(&fitted_summary(plan))
        ));
        for note in &plan.notes {
            s.push_str(&format!("> {}\n\n", prose(note)));
        }
        table(&mut s, &fitted_plan_table(plan, &doc.dimension));
        let held = held_channels(plan);
        if !held.is_empty() {
            s.push_str("Not fitted, so kept at today's spend:\n\n");
            for (channel, why) in &held {
                s.push_str(&format!("* {}: {}\n", escape(channel), prose(why)));
            }
            s.push('\n');
        }
    }
    if let Some(plan) = &doc.budget {
        if doc.fitted_budget.is_some() {
            s.push_str(&format!(
                "## Budget under an assumed response\n\n> {}\n\n",
                prose(ASSUMED_BESIDE_FITTED)
            ));
        } else {
            s.push_str("## Budget\n\n");
        }
        s.push_str(&format!("{}\n\n", prose(&tables::budget_summary(plan))));
        if let Some(t) = tables::plan_table(doc) {
            table(&mut s, &t);
        }
        for note in &plan.notes {
            s.push_str(&format!("> {}\n\n", prose(note)));
        }
    }
    s.push_str("## Paths\n\n");
    for t in tables::path_tables(doc) {
        table(&mut s, &t);
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
    let notes = doc.model_notes();
    if !notes.is_empty() {
        s.push_str("## Technical notes\n\n");
        for n in notes {
            s.push_str(&format!("* {}\n", prose(&n)));
        }
        s.push('\n');
    }
    out.write_all(s.trim_end().as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .map_err(Error::Write)
}
