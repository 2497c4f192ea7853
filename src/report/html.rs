//! The report as one self-contained HTML page: inline CSS, inline SVG charts drawn
//! in Rust, and a few lines of inline script (sortable tables). Nothing is fetched
//! from the network, so the page opens anywhere, offline, and prints.

use std::io::Write;

use crate::decide::FittedPlan;
use crate::error::{Error, Result};
use crate::report::credit_chart::{CHART_CHANNELS, credit_chart};
use crate::report::document::Document;
use crate::report::fitted_chart::fitted_charts;
use crate::report::fitted_tables::{
    ASSUMED_BESIDE_FITTED, fitted_plan_table, fitted_summary, held_channels, period_word,
};
use crate::report::numbers::count;
use crate::report::svg::{self, Series, escape};
use crate::report::tables::{self, Table};

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;\
margin:0 auto;max-width:1000px;padding:24px}h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;\
border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:20px 0 6px}\
table{border-collapse:collapse;margin:6px 0 14px;font-variant-numeric:tabular-nums;max-width:100%}\
th,td{padding:3px 6px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}\
th{white-space:normal;vertical-align:bottom;min-width:3.5em}\
th:first-child,td:first-child{text-align:left}td.text,th.text{text-align:left;white-space:normal}\
th{background:#f6f6f6;cursor:pointer;user-select:none}tr:hover td{background:#fafafa}\
.caveat{background:#fff8e1;border-left:4px solid #f0b400;padding:8px 12px;margin:10px 0}\
.warn{color:#8a5a00}.lead{font-size:15px}.muted{color:#666}figure{margin:10px 0 18px}\
figcaption{color:#555;font-size:13px}ul{padding-left:20px}svg{max-width:100%;height:auto}\
details{margin:8px 0}summary{cursor:pointer;color:#444}\
@media print{body{max-width:none;padding:0;font-size:11px}table{font-size:10px}h2{break-after:avoid}\
figure,tr{break-inside:avoid}th{cursor:auto}details>*{display:block}}";

/// Sorts a table by the clicked column (numbers numerically), then marks the page
/// ready; the browser test checks the mark to know the script ran without error.
const SCRIPT: &str = "document.querySelectorAll('table.sortable').forEach(function(t){\
t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){\
var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.dataset.asc!=='1';\
rows.sort(function(x,y){var p=x.cells[i].textContent,q=y.cells[i].textContent,\
u=parseFloat(p.replace(/[^0-9.+-]/g,'')),v=parseFloat(q.replace(/[^0-9.+-]/g,''));\
var c=(isNaN(u)||isNaN(v))?p.localeCompare(q):u-v;return asc?c:-c;});\
rows.forEach(function(r){b.appendChild(r);});th.dataset.asc=asc?'1':'0';});});});\
var wide=0;document.querySelectorAll('table').forEach(function(t){\
if(t.scrollWidth>document.body.clientWidth+1){wide++;t.setAttribute('data-overflows',String(t.scrollWidth));}});\
document.body.setAttribute('data-wide-tables',String(wide));\
document.body.setAttribute('data-ready','1');";

/// A table; columns named in `text` are left-aligned and wrap.
fn table_with(out: &mut String, t: &Table, text: &[&str], heading: bool) {
    if heading {
        out.push_str(&format!("<h3>{}</h3>\n", escape(&t.title)));
    }
    out.push_str("<table class=\"sortable\"><thead><tr>");
    let wraps: Vec<bool> = t
        .header
        .iter()
        .map(|h| text.contains(&h.as_str()))
        .collect();
    for (h, w) in t.header.iter().zip(&wraps) {
        let class = if *w { " class=\"text\"" } else { "" };
        // Headers wrap between words; snake_case names read as words.
        out.push_str(&format!("<th{class}>{}</th>", escape(&h.replace('_', " "))));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (c, w) in row
            .iter()
            .zip(wraps.iter().chain(std::iter::repeat(&false)))
        {
            let class = if *w { " class=\"text\"" } else { "" };
            out.push_str(&format!("<td{class}>{}</td>", cell(c)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// A table cell; a figure with its interval (`30.8 [25.1, 36.0]`) puts the interval on
/// a second, smaller line so interval columns stay narrow enough to print.
fn cell(text: &str) -> String {
    match text.split_once(" [") {
        Some((value, interval))
            if interval.ends_with(']') && value.trim_end_matches('%').parse::<f64>().is_ok() =>
        {
            format!(
                "{}<br><small class=\"muted\">[{}</small>",
                escape(value),
                escape(interval)
            )
        }
        _ => escape(text),
    }
}

/// A sentence of the summary, escaped, with `backquoted` words set as code.
fn prose(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

fn table(out: &mut String, t: &Table) {
    table_with(out, t, &["path"], true);
}

fn figure(out: &mut String, svg: String, caption: &str) {
    out.push_str(&format!(
        "<figure>{svg}<figcaption>{}</figcaption></figure>\n",
        escape(caption)
    ));
}

/// The first screen: the summary table, which model to trust and why, and what would
/// change that.
fn summary(s: &mut String, doc: &Document) {
    let sum = &doc.summary;
    s.push_str("<h2>Summary</h2>\n");
    if let Some(first) = sum.why.first() {
        s.push_str(&format!("<p class=\"lead\">{}</p>\n", prose(first)));
    }
    table_with(s, &tables::summary_table(doc), &["Reading"], false);
    if sum.why.len() > 1 {
        s.push_str("<h3>Why this model</h3>\n<ul>");
        for w in &sum.why[1..] {
            s.push_str(&format!("<li>{}</li>", prose(w)));
        }
        s.push_str("</ul>\n");
    }
    if !sum.what_would_change.is_empty() {
        s.push_str("<h3>What would change the recommendation</h3>\n<ul>");
        for w in &sum.what_would_change {
            s.push_str(&format!("<li>{}</li>", prose(w)));
        }
        s.push_str("</ul>\n");
    }
}

/// The plan from measured response: where it comes from, its caveat and notes, the
/// table, the channels it could not fit (with why, no chart), and one small chart per
/// fitted channel.
fn fitted_section(s: &mut String, doc: &Document, plan: &FittedPlan) {
    s.push_str(&format!(
        "<h2>Budget from measured response</h2>\n<p>{}</p>\n",
        prose(&fitted_summary(plan))
    ));
    for note in &plan.notes {
        s.push_str(&format!("<p class=\"caveat\">{}</p>\n", prose(note)));
    }
    table(s, &fitted_plan_table(plan, &doc.dimension));
    let held = held_channels(plan);
    if !held.is_empty() {
        s.push_str("<p>Not fitted, so kept at today's spend (no chart):</p>\n<ul>");
        for (channel, why) in &held {
            s.push_str(&format!("<li>{}: {}</li>", escape(channel), escape(why)));
        }
        s.push_str("</ul>\n");
    }
    let charts = fitted_charts(plan);
    if !charts.is_empty() {
        let period = period_word(plan.step_days);
        s.push_str("<figure><div style=\"display:flex;flex-wrap:wrap;gap:6px 14px\">");
        for chart in charts {
            s.push_str(&chart.svg);
        }
        s.push_str(&format!(
            "</div><figcaption>{}</figcaption></figure>\n",
            escape(&format!(
                "Each fitted channel's {} per {period} against its spend per {period}, each \
                 on its own scale: the fitted curve and its 80% band over the bootstrap draws, \
                 the spend range it was fitted on (shaded), today (●) and the recommended \
                 spend (◆, with its 80% interval)",
                plan.objective
            ))
        ));
    }
}

/// Renders the page.
pub fn render_html(doc: &Document, out: &mut dyn Write) -> Result<()> {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Attribution report</title><style>{STYLE}</style></head><body>\n\
         <h1>Attribution report</h1>\n<p class=\"muted\">{} conversions, {} non-converting journeys, {} models. Generated by pathcredit from {}.</p>\n",
        count(doc.paths.conversions),
        count(doc.paths.non_conversions),
        doc.comparison.models.len(),
        escape(
            &doc.inputs
                .iter()
                .map(|i| i.file.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    if let Some(build) = &doc.build {
        s.push_str("<details><summary>How the journeys were built (counts of every event used and left out)</summary>\n<ul>");
        for line in build.describe().lines() {
            s.push_str(&format!("<li>{}</li>", escape(line)));
        }
        s.push_str("</ul></details>\n");
    }
    summary(&mut s, doc);
    s.push_str(&format!(
        "<h2>Credit by model</h2>\n<p>The recommended model, last touch and up to three others; \
         channels sorted by {} credit. Bars across a bar's end are 95% intervals, where computed. \
         Every model is in the table below the chart.</p>\n",
        escape(
            doc.summary
                .recommended
                .as_deref()
                .unwrap_or("the first model's")
        )
    ));
    let chart = credit_chart(doc, CHART_CHANNELS);
    let caption = chart.caption(doc.summary.recommended.as_deref());
    figure(&mut s, chart.svg, &caption);
    let warnings: Vec<String> = doc
        .summary
        .warnings
        .iter()
        .flat_map(|(m, ws)| {
            ws.iter()
                .map(move |w| format!("<li>⚠ {}: {}</li>", escape(m), escape(w)))
        })
        .collect();
    if !warnings.is_empty() {
        s.push_str(&format!(
            "<div class=\"caveat\">Read the marked models' bars with care:<ul>{}</ul></div>\n",
            warnings.concat()
        ));
    }
    table(&mut s, &tables::chart_credit_table(doc));
    if let Some(t) = tables::difference_table(doc) {
        table(&mut s, &t);
    }
    let every = tables::every_model_table(doc);
    s.push_str(&format!(
        "<details><summary>{} ({} rows: every model, every channel)</summary>\n",
        escape(&every.title),
        every.rows.len()
    ));
    table_with(&mut s, &every, &[], false);
    s.push_str("</details>\n");
    if let Some(roi) = &doc.roi {
        s.push_str("<h2>Return on spend</h2>\n<p>Every figure is attributed under the model named in its column.</p>\n");
        for t in tables::roi_tables(doc) {
            table(&mut s, &t);
        }
        for (what, list) in roi.unmatched() {
            s.push_str(&format!("<p>{what}: {}.</p>\n", escape(&list.join(", "))));
        }
    }
    if let Some(plan) = &doc.fitted_budget {
        fitted_section(&mut s, doc, plan);
    }
    if let Some(plan) = &doc.budget {
        if doc.fitted_budget.is_some() {
            s.push_str(&format!(
                "<h2>Budget under an assumed response</h2>\n<p class=\"caveat\">{}</p>\n",
                escape(ASSUMED_BESIDE_FITTED)
            ));
        } else {
            s.push_str("<h2>Budget</h2>\n");
        }
        s.push_str(&format!(
            "<p>{}</p>\n",
            escape(&tables::budget_summary(plan))
        ));
        let chart = crate::report::budget_chart::budget_chart(&plan.rows);
        let caption = chart.caption();
        figure(&mut s, chart.svg, &caption);
        if let Some(t) = tables::plan_table(doc) {
            table(&mut s, &t);
        }
        for note in &plan.notes {
            s.push_str(&format!("<p class=\"caveat\">{}</p>\n", escape(note)));
        }
    }
    s.push_str("<h2>Paths</h2>\n");
    table(&mut s, &tables::facts_table(doc));
    let lengths = &doc.paths.lengths;
    let labels: Vec<String> = lengths.iter().map(|b| b.label.clone()).collect();
    figure(
        &mut s,
        svg::grouped_bars(
            "Conversion rate by journey length",
            &labels,
            &[Series {
                name: "conversion rate",
                values: lengths
                    .iter()
                    .map(|b| {
                        let n = b.conversions + b.non_conversions;
                        if n > 0.0 { b.conversions / n } else { 0.0 }
                    })
                    .collect(),
                errors: None,
            }],
            true,
        ),
        "Share of journeys that converted, by number of touches (counts in the table below)",
    );
    if let Some(bins) = &doc.paths.time_to_conversion {
        let labels: Vec<String> = bins.iter().map(|b| b.label.clone()).collect();
        figure(
            &mut s,
            svg::grouped_bars(
                "Time to conversion",
                &labels,
                &[Series {
                    name: "conversions",
                    values: bins.iter().map(|b| b.conversions).collect(),
                    errors: None,
                }],
                false,
            ),
            "Conversions by days from first touch to conversion",
        );
    }
    table(&mut s, &tables::top_paths_table(doc));
    for time in [false, true] {
        if let Some(t) = tables::distribution_table(doc, time) {
            table(&mut s, &t);
        }
    }
    if let Some(m) = &doc.markov {
        s.push_str(&format!(
            "<h2>Markov chain</h2>\n<p>Transition probabilities of the order-{} chain{}.</p>\n",
            m.order,
            if m.states_omitted > 0 {
                format!(
                    " ({} most visited states; {} omitted)",
                    m.rows.len() - 1,
                    m.states_omitted
                )
            } else {
                String::new()
            }
        ));
        figure(
            &mut s,
            svg::heatmap("Markov transitions", &m.rows, &m.cols, &m.probability),
            "From state (rows) to state (columns)",
        );
    }
    let notes = doc.model_notes();
    if !notes.is_empty() {
        s.push_str("<h2>Technical notes</h2>\n<details><summary>What each model did and assumed (for analysts)</summary>\n<ul>");
        for n in notes {
            s.push_str(&format!("<li>{}</li>", escape(&n)));
        }
        s.push_str("</ul></details>\n");
    }
    s.push_str(&format!("<script>{SCRIPT}</script>\n</body></html>\n"));
    out.write_all(s.as_bytes()).map_err(Error::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_go_on_a_second_line() {
        assert_eq!(
            cell("30.8 [25.1, 36.0]"),
            "30.8<br><small class=\"muted\">[25.1, 36.0]</small>"
        );
        assert_eq!(cell("a > [b]"), "a &gt; [b]");
    }

    #[test]
    fn prose_escapes_and_sets_backquoted_words_as_code() {
        assert_eq!(
            prose("give it as `lift_tests` <now>"),
            "give it as <code>lift_tests</code> &lt;now&gt;"
        );
    }
}
