//! Issue 32: peers' conventions on the peer-shaped files in data/peers, with
//! hand-derived answers from each peer's published definition.

use crate::common::{pathcredit, repo_root};

fn credit_rows(args: &[&str]) -> Vec<(String, String, f64, f64)> {
    let out = pathcredit().args(args).arg("-q").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[1].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

/// DP6 MAM `attribution_time_decay(decay_over_time=0.5, frequency=24)`: a touch `t`
/// hours before the conversion weighs `0.5^floor(t/24)`, normalised per journey. On
/// data/peers/dp6_events.csv (the journeys of dp6_journeys.csv with their
/// `time_till_conv` as timestamps):
/// j1 $120, ages 72/24/0 h → steps 3/1/0 → 1/8, 1/2, 1 over 13/8 → FB 1/13, GS 4/13, D 8/13;
/// j3 $80, ages 30/0 → 1/2, 1 → EM 1/3, GS 2/3; j5 $40 → D 1;
/// j6 $200, ages 200/96/12/0 → steps 8/4/0/0 → 1/256, 1/16, 1, 1 over 529/256 →
/// EM 1/529, FB 16/529, GS 256/529, D 256/529.
#[test]
fn dp6_step_time_decay_known_answer() {
    let events = repo_root().join("data/peers/dp6_events.csv");
    let rows = credit_rows(&[
        "attribute",
        "--events",
        events.to_str().unwrap(),
        "--model",
        "time_decay_steps",
        "--step-decay",
        "0.5",
        "--step-every",
        "24h",
    ]);
    let expect = [
        (
            "Direct",
            8.0 / 13.0 + 1.0 + 256.0 / 529.0,
            120.0 * 8.0 / 13.0 + 40.0 + 200.0 * 256.0 / 529.0,
        ),
        (
            "Email Marketing",
            1.0 / 3.0 + 1.0 / 529.0,
            80.0 / 3.0 + 200.0 / 529.0,
        ),
        (
            "Facebook",
            1.0 / 13.0 + 16.0 / 529.0,
            120.0 / 13.0 + 200.0 * 16.0 / 529.0,
        ),
        (
            "Google Search",
            4.0 / 13.0 + 2.0 / 3.0 + 256.0 / 529.0,
            120.0 * 4.0 / 13.0 + 160.0 / 3.0 + 200.0 * 256.0 / 529.0,
        ),
    ];
    assert_eq!(rows.len(), expect.len(), "{rows:?}");
    for ((model, channel, conv, value), (c, ec, ev)) in rows.iter().zip(expect) {
        assert_eq!((model.as_str(), channel.as_str()), ("time_decay_steps", c));
        assert!((conv - ec).abs() < 1e-6, "{channel}: {conv} vs {ec}");
        assert!((value - ev).abs() < 1e-6, "{channel}: {value} vs {ev}");
    }
}

/// Step-wise time decay needs timestamps: a path summary is refused, naming the model.
#[test]
fn step_time_decay_refuses_a_path_summary() {
    let paths = repo_root().join("data/peers/dp6_journeys.csv");
    let out = pathcredit()
        .args([
            "attribute",
            "--paths",
            paths.to_str().unwrap(),
            "--paths-preset",
            "dp6",
        ])
        .args(["--model", "time_decay_steps", "-q"])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("time_decay_steps") && err.contains("path summary"),
        "{err}"
    );
}

/// Bad step parameters are located at their flags.
#[test]
fn step_time_decay_rejects_bad_factors() {
    let events = repo_root().join("data/peers/dp6_events.csv");
    let out = pathcredit()
        .args(["attribute", "--events", events.to_str().unwrap()])
        .args(["--model", "time_decay_steps", "--step-decay", "1.5", "-q"])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("--step-decay") && err.contains("(0, 1]"),
        "{err}"
    );
}

/// Snowplow's overview (dbt-snowplow-attribution `attribution_overview`):
/// `attributed_conversions = attributed_revenue / sum_cv_total_revenue × in_n_conversion_paths`.
/// Linear on data/peers/dp6_events.csv, all four conversions: Direct gets $40 (j1) +
/// $40 (j5) + $50 (j6) = $130 of the $360 of the 3 conversions it is in → 130/360 × 3;
/// Email Marketing $40 (j3) + $50 (j6) of $280 in 2 → 90/280 × 2.
#[test]
fn snowplow_revenue_weighted_count_known_answer() {
    let events = repo_root().join("data/peers/dp6_events.csv");
    let out = pathcredit()
        .args(["attribute", "--events", events.to_str().unwrap()])
        .args(["--model", "linear", "--revenue-weighted", "-q"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "model,channel,conversions,value,share,weighted_conversions"
    );
    let weighted = |channel: &str| -> f64 {
        text.lines()
            .find(|l| l.split(',').nth(1) == Some(channel))
            .and_then(|l| l.split(',').nth(5))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!((weighted("Direct") - 130.0 / 360.0 * 3.0).abs() < 1e-6);
    assert!((weighted("Email Marketing") - 90.0 / 280.0 * 2.0).abs() < 1e-6);
}

/// Snowplow's reporting window: `conversion_window_days` back from the latest
/// conversion (here 30 days before 2026-06-09 12:00: j5 and j6 convert in it, and j7's
/// null ends after it), or explicit dates, start inclusive, end exclusive.
#[test]
fn snowplow_conversion_window_keeps_the_journeys_ending_in_it() {
    let events = repo_root().join("data/peers/dp6_events.csv");
    let events = events.to_str().unwrap();
    let total = |window: &str| -> f64 {
        credit_rows(&[
            "attribute",
            "--events",
            events,
            "--model",
            "last_touch",
            "--conversion-window",
            window,
        ])
        .iter()
        .map(|r| r.3)
        .sum()
    };
    assert!((total("30") - 240.0).abs() < 1e-9);
    // [2026-03-01T12:00, 2026-04-10T12:00): j1 only (j3 converts at the end, excluded).
    assert!((total("2026-03-01T12:00:00Z..2026-04-10T12:00:00Z") - 120.0).abs() < 1e-9);
    let paths = repo_root().join("data/peers/dp6_journeys.csv");
    let out = pathcredit()
        .args([
            "attribute",
            "--paths",
            paths.to_str().unwrap(),
            "--paths-preset",
            "dp6",
        ])
        .args(["--model", "linear", "--conversion-window", "30", "-q"])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("--conversion-window") && err.contains("path summary"),
        "{err}"
    );
    let out = pathcredit()
        .args([
            "attribute",
            "--events",
            events,
            "--conversion-window",
            "2026-05-01..2026-04-01",
        ])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--conversion-window"), "{err}");
}
