//! `budget --response fitted --credit-series`, the weaker aggregate route, end to end:
//! simulate a spend-response world, build the credit-by-period table a user without
//! logs would have (last-touch conversions and value per channel and week, dated by the
//! conversion, as a warehouse query would give), and plan from it and the spend series
//! alone.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::pathcredit;

/// The last-touch credit of `events.csv` per channel and period of `spend.csv`
/// (`channel,period,conversions,value`): each conversion goes to the channel of its
/// person's last touch before it, in the week the conversion falls in; every channel in
/// the events gets a row in every week, 0 written out. Person keys are the logged
/// `user_id`s (no identity stitching, as a plain warehouse query would do).
fn last_touch_by_week(dir: &Path) -> String {
    let spend = std::fs::read_to_string(dir.join("spend.csv")).unwrap();
    let mut weeks: Vec<String> = spend
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect();
    weeks.sort();
    weeks.dedup();
    let day = |date: &str| pathcredit::time::parse_timestamp(&date[..10]).unwrap() / 86_400_000;
    let first = day(&weeks[0]);
    let events = std::fs::read_to_string(dir.join("events.csv")).unwrap();
    let mut by_user: BTreeMap<&str, Vec<(&str, &str, &str, &str)>> = BTreeMap::new();
    for line in events.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        by_user
            .entry(f[1])
            .or_default()
            .push((f[0], f[2], f[3], f[5]));
    }
    let mut credit: BTreeMap<(String, usize), (f64, f64)> = BTreeMap::new();
    let mut channels: Vec<String> = Vec::new();
    for rows in by_user.values_mut() {
        rows.sort();
        let mut last: Option<&str> = None;
        for &(time, event, channel, value) in rows.iter() {
            match event {
                "touch" => {
                    last = Some(channel);
                    channels.push(channel.to_string());
                }
                "conversion" => {
                    let week = (day(time) - first).div_euclid(7);
                    if let (Some(c), 0..) = (last, week)
                        && (week as usize) < weeks.len()
                    {
                        let cell = credit.entry((c.to_string(), week as usize)).or_default();
                        cell.0 += 1.0;
                        cell.1 += value.parse::<f64>().unwrap_or(0.0);
                    }
                }
                _ => {}
            }
        }
    }
    channels.sort();
    channels.dedup();
    let mut out = "channel,period,conversions,value\n".to_string();
    for c in &channels {
        for (w, week) in weeks.iter().enumerate() {
            let (n, v) = credit.get(&(c.clone(), w)).copied().unwrap_or_default();
            out.push_str(&format!("{c},{week},{n},{v:.2}\n"));
        }
    }
    out
}

#[test]
fn an_aggregate_plan_runs_keeps_the_total_and_says_it_is_weaker() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pathcredit()
        .args(["simulate", "--quiet", "--users", "3000", "--channels", "3"])
        .args(["--scenario", "spend_response", "--seed", "5", "--out-dir"])
        .arg(d)
        .assert()
        .success();
    let table = last_touch_by_week(d);
    std::fs::write(d.join("credit_series.csv"), &table).unwrap();
    let run = |out: &str| {
        pathcredit()
            .args(["budget", "--response", "fitted", "--draws", "20"])
            .args(["--max-shift", "0.3", "--spend"])
            .arg(d.join("spend.csv"))
            .arg("--credit-series")
            .arg(d.join("credit_series.csv"))
            .arg("--out")
            .arg(d.join(out))
            .assert()
            .success()
    };
    let done = run("plan.csv");
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(
        stderr.contains("plan from AGGREGATE response curves (the weaker route: 26 periods of 7 day(s), 20 draws"),
        "{stderr}"
    );
    assert!(
        stderr.contains("WEAKER ROUTE (aggregates only)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("without spend, left out of the plan: direct, organic_search"),
        "{stderr}"
    );
    let plan = std::fs::read_to_string(d.join("plan.csv")).unwrap();
    let header: Vec<&str> = plan.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (mut today, mut planned) = (0.0, 0.0);
    for line in plan.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[col("route")], "aggregate", "{line}");
        assert_eq!(f[col("value_per_exposure")], "", "{line}");
        today += f[col("current_spend")].parse::<f64>().unwrap();
        planned += f[col("recommended_spend")].parse::<f64>().unwrap();
    }
    assert_eq!(plan.lines().count(), 4, "{plan}");
    // The total is kept (to the six decimals written).
    assert!((today - planned).abs() < 1e-5, "{today} {planned}\n{plan}");
    run("plan.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("plan.json")).unwrap()).unwrap();
    assert_eq!(json["route"], "aggregate");
    assert_eq!(json["model"], "unknown (credit series)");
    assert_eq!(json["objective"], "attributed_value");
    assert!(
        json["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("WEAKER ROUTE"),
        "{json}"
    );
}

/// Every combination that mixes the routes is a named error, and a bad credit series is
/// located.
#[test]
fn the_aggregate_route_names_what_does_not_belong_and_locates_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spend = crate::common::write_file(
        d,
        "spend.csv",
        "channel,period,spend\na,2026-01-05,10\na,2026-01-12,20\n",
    );
    let series = crate::common::write_file(
        d,
        "cs.csv",
        "channel,period,conversions\na,2026-01-05,1\na,2026-01-19,2\n",
    );
    let fail = |extra: &[&str]| -> String {
        let out = pathcredit()
            .args(["budget", "--spend"])
            .arg(&spend)
            .arg("--credit-series")
            .arg(&series)
            .args(extra)
            .arg("--out")
            .arg(d.join("plan.csv"))
            .assert()
            .failure();
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    for (extra, expected) in [
        (
            &["--response", "fitted", "--events", "e.csv"][..],
            "--events and --credit-series are two routes, give one",
        ),
        (
            &["--response", "fitted", "--model", "markov"][..],
            "--credit and --model belong to the log route (--events)",
        ),
        (
            &[][..],
            "--events, --credit-series and --curves belong to --response fitted",
        ),
        (
            &["--response", "fitted"][..],
            "cs.csv: line 3, column 2 (period): `2026-01-19` is not a period of the spend \
             series",
        ),
    ] {
        let stderr = fail(extra);
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    assert!(!d.join("plan.csv").exists());
}
