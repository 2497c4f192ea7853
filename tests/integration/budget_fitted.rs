//! `budget --response fitted` end to end: simulate a spend-response world (weekly
//! spend buying exposures on saturating reach curves, the true curves written by the
//! simulator) → attribute with `self_controlled` → a plan from the fitted curves, scored
//! under the simulator's true curves → `evaluate`'s regret in the truth, equal to the
//! test's own scoring of the same plan.

use std::collections::BTreeMap;

use crate::common::pathcredit;

/// The true value per week of each channel at a spend, linear between the grid points
/// of the simulator's `curves.csv`.
fn true_value(curves: &str) -> impl Fn(&str, f64) -> f64 + use<> {
    let mut grid: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for line in curves.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        grid.entry(f[0].to_string())
            .or_default()
            .push((f[1].parse().unwrap(), f[4].parse().unwrap()));
    }
    move |channel: &str, x: f64| {
        let pts = &grid[channel];
        let i = pts
            .windows(2)
            .position(|w| x <= w[1].0)
            .unwrap_or(pts.len() - 2);
        let ((x0, y0), (x1, y1)) = (pts[i], pts[i + 1]);
        y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    }
}

#[test]
fn a_fitted_plan_beats_todays_spend_in_the_truth_and_writes_its_curves() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pathcredit()
        .args(["simulate", "--quiet", "--users", "30000", "--channels", "5"])
        .args(["--scenario", "spend_response", "--seed", "3", "--out-dir"])
        .arg(d)
        .assert()
        .success();
    pathcredit()
        .args([
            "attribute",
            "--quiet",
            "--censor-days",
            "0",
            "--model",
            "self_controlled",
        ])
        .arg("--events")
        .arg(d.join("events.csv"))
        .arg("--out")
        .arg(d.join("credit.csv"))
        .assert()
        .success();
    let run = pathcredit()
        .args([
            "budget",
            "--response",
            "fitted",
            "--model",
            "self_controlled",
        ])
        .args(["--max-shift", "0.3", "--draws", "50", "--credit"])
        .arg(d.join("credit.csv"))
        .arg("--events")
        .arg(d.join("events.csv"))
        .arg("--spend")
        .arg(d.join("spend.csv"))
        .arg("--curves")
        .arg(d.join("fitted_curves.csv"))
        .arg("--out")
        .arg(d.join("plan.csv"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("plan from fitted response curves (26 periods of 7 day(s), 50 draws"),
        "{stderr}"
    );
    let plan = std::fs::read_to_string(d.join("plan.csv")).unwrap();
    let header: Vec<&str> = plan.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let true_curves = std::fs::read_to_string(d.join("curves.csv")).unwrap();
    let truth = true_value(&true_curves);
    let (mut today, mut planned, mut moved) = (0.0, 0.0, 0.0);
    for line in plan.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (s, x): (f64, f64) = (
            f[col("current_spend")].parse().unwrap(),
            f[col("recommended_spend")].parse().unwrap(),
        );
        today += truth(f[0], s);
        planned += truth(f[0], x);
        moved += (x - s).abs();
        let p: f64 = f[col("prob_rise")].parse().unwrap();
        assert!((0.0..=1.0).contains(&p), "{line}");
        assert!(
            f[col("spend_p10")].parse::<f64>().unwrap() <= x + 1e-6,
            "{line}"
        );
    }
    assert!(moved > 0.0, "{plan}");
    assert!(
        planned > today,
        "true value {planned} under the plan, {today} today\n{plan}"
    );
    let curves = std::fs::read_to_string(d.join("fitted_curves.csv")).unwrap();
    assert!(
        curves.starts_with("channel,spend,value,value_p10,value_p90,in_fitted_range\n"),
        "{curves}"
    );
    assert_eq!(curves.lines().count(), 1 + 5 * 41);

    // The true optimum at ±30%, today's total: the greedy of benches/budget/score.py
    // (20,000 steps of the total over concave curves, exact to a step's slope change).
    let mut bounds: Vec<(String, f64, f64)> = Vec::new();
    for line in plan.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let s: f64 = f[col("current_spend")].parse().unwrap();
        bounds.push((f[0].to_string(), 0.7 * s, 1.3 * s));
    }
    let total: f64 = bounds.iter().map(|b| (b.1 + b.2) / 2.0).sum();
    let mut x: Vec<f64> = bounds.iter().map(|b| b.1).collect();
    let step = total / 20_000.0;
    let mut left = total - x.iter().sum::<f64>();
    while left > 1e-9 {
        let best = (0..x.len())
            .filter(|&i| x[i] + step <= bounds[i].2 + 1e-9)
            .max_by(|&i, &j| {
                let gain = |k: usize| truth(&bounds[k].0, x[k] + step) - truth(&bounds[k].0, x[k]);
                gain(i).total_cmp(&gain(j))
            })
            .unwrap();
        let d = step.min(left);
        x[best] += d;
        left -= d;
    }
    let optimum: f64 = bounds.iter().zip(&x).map(|(b, &v)| truth(&b.0, v)).sum();
    let expected = (optimum - planned) / (optimum - today);
    // `evaluate --response fitted` at ±30% with `extra` flags: the scores table and its
    // (gain_left_fitted, gain_left_assumed).
    let evaluate = |extra: &[&std::ffi::OsStr]| -> (String, f64, f64) {
        let out = pathcredit()
            .args(["evaluate", "--response", "fitted", "--max-shift", "0.3"])
            .args(["--draws", "50", "--truth"])
            .arg(d.join("truth.csv"))
            .arg("--credit")
            .arg(d.join("credit.csv"))
            .arg("--spend")
            .arg(d.join("spend.csv"))
            .arg("--true-curves")
            .arg(d.join("curves.csv"))
            .arg("--events")
            .arg(d.join("events.csv"))
            .args(extra)
            .args(["--out", "-"])
            .assert()
            .success();
        let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let header: Vec<&str> = table.lines().next().unwrap().split(',').collect();
        let row: Vec<&str> = table.lines().nth(1).unwrap().split(',').collect();
        let cell = |name: &str| -> f64 {
            row[header.iter().position(|h| *h == name).unwrap()]
                .parse()
                .unwrap()
        };
        let (fitted, assumed) = (cell("gain_left_fitted"), cell("gain_left_assumed"));
        (table, fitted, assumed)
    };
    let (table, fitted, assumed) = evaluate(&[]);
    assert!(
        (fitted - expected).abs() < 2e-3,
        "evaluate says the fitted plan leaves {fitted}, the test's own scoring {expected}\n{table}"
    );
    assert!((0.0..1.0).contains(&fitted), "{table}");
    assert!(assumed >= 0.0, "{table}");

    // Details doubting every channel both ways (no alternative reading) hold every
    // channel at today's spend: both plans leave exactly all of the gain; with
    // --move-at-risk the plans are those without details.
    let risks: Vec<String> = bounds
        .iter()
        .flat_map(|b| {
            ["low", "high"].map(|d| {
                format!(
                    r#"{{"channel": "{}", "direction": "{d}", "reason": "test"}}"#,
                    b.0
                )
            })
        })
        .collect();
    let details = d.join("details.json");
    std::fs::write(
        &details,
        format!(
            r#"{{"self_controlled": {{"credit_risks": [{}]}}}}"#,
            risks.join(",")
        ),
    )
    .unwrap();
    let with_details = ["--details".as_ref(), details.as_os_str()];
    let (_, held_fitted, held_assumed) = evaluate(&with_details);
    assert!((held_fitted - 1.0).abs() < 1e-9, "{held_fitted}");
    assert!((held_assumed - 1.0).abs() < 1e-9, "{held_assumed}");
    let (_, moved_fitted, moved_assumed) =
        evaluate(&[with_details[0], with_details[1], "--move-at-risk".as_ref()]);
    assert_eq!(moved_fitted, fitted);
    assert_eq!(moved_assumed, assumed);
}

#[test]
fn the_fitted_response_names_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let credit = dir.path().join("credit.csv");
    let sample = crate::common::repo_root().join("data/sample");
    pathcredit()
        .args(["attribute", "--quiet", "--model", "markov", "--paths"])
        .arg(sample.join("paths.csv"))
        .arg("--out")
        .arg(&credit)
        .assert()
        .success();
    let out = pathcredit()
        .args([
            "budget",
            "--response",
            "fitted",
            "--model",
            "markov",
            "--credit",
        ])
        .arg(&credit)
        .arg("--spend")
        .arg(sample.join("spend.csv"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--response fitted needs --events"),
        "{stderr}"
    );
    let out = pathcredit()
        .args(["evaluate", "--response", "fitted", "--truth"])
        .arg(sample.join("truth.csv"))
        .arg("--credit")
        .arg(&credit)
        .arg("--spend")
        .arg(sample.join("spend.csv"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("give --true-curves"), "{stderr}");
    let out = pathcredit()
        .args(["evaluate", "--truth"])
        .arg(sample.join("truth.csv"))
        .arg("--credit")
        .arg(&credit)
        .arg("--true-curves")
        .arg(sample.join("spend.csv"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("give --spend"), "{stderr}");
    let out = pathcredit()
        .args(["report", "--response", "fitted", "--paths"])
        .arg(sample.join("paths.csv"))
        .arg("--markdown")
        .arg(dir.path().join("r.md"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--response fitted needs --events"),
        "{stderr}"
    );
}
