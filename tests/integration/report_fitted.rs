//! `report --response fitted` end to end: simulate a small spend-response world, write
//! the report in every format, and check that its plan is the plan of
//! `budget --response fitted` for the same model and flags (credit from `attribute`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::pathcredit;

/// A CSV's rows keyed by their first field, each a map from column to field.
fn rows(csv: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let row = header
                .iter()
                .zip(&fields)
                .map(|(h, f)| (h.to_string(), f.to_string()))
                .collect();
            (fields[0].to_string(), row)
        })
        .collect()
}

/// Two fields agree: equal text, or numbers within 1e-6 relative (the command line's
/// credit file holds six decimals, the report's credit every digit).
fn agree(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}

/// The rows of the Markdown table under `title`, as cells.
fn markdown_table(md: &str, title: &str) -> Vec<Vec<String>> {
    let at = md
        .find(title)
        .unwrap_or_else(|| panic!("no {title} in\n{md}"));
    md[at..]
        .lines()
        .skip(4)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

fn simulate(dir: &Path) {
    pathcredit()
        .args(["simulate", "--quiet", "--scenario", "spend_response"])
        .args([
            "--users",
            "3000",
            "--channels",
            "3",
            "--seed",
            "5",
            "--out-dir",
        ])
        .arg(dir)
        .assert()
        .success();
}

#[test]
fn the_report_shows_the_fitted_plan_of_budget_with_its_charts_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    simulate(d);
    let flags = ["--max-shift", "0.3", "--draws", "40"];
    pathcredit()
        .args([
            "report",
            "--quiet",
            "--matched",
            "off",
            "--response",
            "fitted",
        ])
        .args(["--budget-model", "markov"])
        .args(flags)
        .arg("--events")
        .arg(d.join("events.csv"))
        .arg("--identities")
        .arg(d.join("identities.csv"))
        .arg("--spend")
        .arg(d.join("spend.csv"))
        .arg("--html")
        .arg(d.join("report.html"))
        .arg("--markdown")
        .arg(d.join("report.md"))
        .arg("--out-dir")
        .arg(d.join("report"))
        .assert()
        .success();
    pathcredit()
        .args(["attribute", "--quiet", "--model", "markov", "--events"])
        .arg(d.join("events.csv"))
        .arg("--identities")
        .arg(d.join("identities.csv"))
        .arg("--out")
        .arg(d.join("credit.csv"))
        .assert()
        .success();
    pathcredit()
        .args([
            "budget",
            "--quiet",
            "--response",
            "fitted",
            "--model",
            "markov",
        ])
        .args(flags)
        .arg("--credit")
        .arg(d.join("credit.csv"))
        .arg("--events")
        .arg(d.join("events.csv"))
        .arg("--spend")
        .arg(d.join("spend.csv"))
        .arg("--curves")
        .arg(d.join("curves_budget.csv"))
        .arg("--out")
        .arg(d.join("plan.csv"))
        .assert()
        .success();
    let read = |name: &str| std::fs::read_to_string(d.join(name)).unwrap();

    // The plan's table and curves, as files: those of `budget`.
    let (ours, theirs) = (read("report/fitted_budget.csv"), read("plan.csv"));
    assert_eq!(ours.lines().next(), theirs.lines().next());
    let (ours, theirs) = (rows(&ours), rows(&theirs));
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        ["display", "paid_search", "paid_social"]
    );
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (channel, row) in &ours {
        for (column, field) in row {
            let other = &theirs[channel][column];
            assert!(
                agree(field, other),
                "{channel} {column}: {field} vs {other}"
            );
        }
    }
    let (curves, budget_curves) = (read("report/fitted_curves.csv"), read("curves_budget.csv"));
    assert_eq!(curves.lines().count(), budget_curves.lines().count());
    for (a, b) in curves.lines().zip(budget_curves.lines()) {
        for (x, y) in a.split(',').zip(b.split(',')) {
            assert!(agree(x, y), "{a} vs {b}");
        }
    }

    // The Markdown table: the same plan, to the cent.
    let md = read("report.md");
    let table = markdown_table(
        &md,
        "### Budget plan from fitted response, valued by markov",
    );
    assert_eq!(table.len(), 4, "three channels and the total\n{md}");
    for cells in &table[..3] {
        let plan = &theirs[&cells[0]];
        for (cell, column) in
            cells[1..4]
                .iter()
                .zip(["current_spend", "recommended_spend", "change"])
        {
            let want: f64 = plan[column].parse().unwrap();
            let got: f64 = cell.trim_start_matches('+').parse().unwrap();
            assert!(
                (got - want).abs() <= 0.0051,
                "{} {column}: {cell} vs {want}",
                cells[0]
            );
        }
        let p10: f64 = plan["spend_p10"].parse().unwrap();
        let p90: f64 = plan["spend_p90"].parse().unwrap();
        assert_eq!(cells[5], format!("{p10:.2}–{p90:.2}"), "{}", cells[0]);
        let rise: f64 = plan["prob_rise"].parse().unwrap();
        assert_eq!(cells[6], format!("{:.1}%", 100.0 * rise), "{}", cells[0]);
        let outside = if plan["outside_range"] == "true" {
            "yes"
        } else {
            "no"
        };
        assert_eq!(cells[8], outside, "{}", cells[0]);
    }
    let caveat = "Each channel's response is its exposures per period fitted against its spend";
    for text in [&md, &read("report.html")] {
        assert!(text.contains("Budget from measured response"));
        assert!(text.contains("This plan comes from measured response"));
        assert!(text.contains(caveat));
        assert!(text.contains("Budget under an assumed response"));
        assert!(text.contains("An assumption, not a measurement"));
    }

    // The HTML page: one chart per channel, each with its band and both points.
    let html = read("report.html");
    assert_eq!(html.matches("aria-label=\"Fitted response of ").count(), 3);
    for class in ["band", "observed", "today", "recommended"] {
        assert_eq!(
            html.matches(&format!("class=\"{class}\"")).count(),
            3,
            "{class}"
        );
    }

    // report.json carries the plan.
    let json: serde_json::Value = serde_json::from_str(&read("report/report.json")).unwrap();
    let plan = &json["fitted_budget"];
    assert_eq!(plan["model"], "markov");
    assert_eq!(plan["draws"], 40);
    assert_eq!(plan["rows"].as_array().unwrap().len(), 3);
    assert_eq!(json["budget"]["model"], "markov");
}

/// Without --budget-model, the fitted plan follows the model the assumed plan follows;
/// what the fitted response needs is named before any work.
#[test]
fn the_fitted_plan_follows_the_reports_budget_model_and_names_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    simulate(d);
    pathcredit()
        .args([
            "report",
            "--quiet",
            "--matched",
            "off",
            "--response",
            "fitted",
        ])
        .args(["--model", "markov,last_touch", "--draws", "20", "--events"])
        .arg(d.join("events.csv"))
        .arg("--spend")
        .arg(d.join("spend.csv"))
        .arg("--out-dir")
        .arg(d.join("report"))
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report/report.json")).unwrap())
            .unwrap();
    assert_eq!(json["fitted_budget"]["model"], json["budget"]["model"]);
    let refused = |extra: &[&str], expected: &str| {
        let out = pathcredit()
            .args(["report", "--quiet", "--matched", "off", "--events"])
            .arg(d.join("events.csv"))
            .args(extra)
            .arg("--markdown")
            .arg(d.join("refused.md"))
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
        assert!(!d.join("refused.md").exists());
    };
    refused(&["--response", "fitted"], "--response fitted needs --spend");
    let spend = d.join("spend.csv").display().to_string();
    refused(
        &[
            "--response",
            "fitted",
            "--spend",
            &spend,
            "--period",
            "2026-01-01",
        ],
        "--period picks one period",
    );
    refused(
        &["--spend", &spend, "--stay-in-range"],
        "--stay-in-range belongs to --response fitted",
    );
}
