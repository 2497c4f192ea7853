//! `budget --details`: a channel whose credit the model's own warnings doubt in a known
//! direction is not moved that way (`crate::decide::at_risk`); `--move-at-risk` moves it
//! on the credit as it is; a details file that is not one is a located error.

use crate::common::pathcredit;
use crate::decide::sample_credit;

/// `(channel, current, recommended, bound)` of a plan's CSV, and its stderr.
fn plan(credit: &std::path::Path, extra: &[&str]) -> (Vec<(String, f64, f64, String)>, String) {
    let out = pathcredit()
        .args([
            "budget",
            "--spend",
            "data/sample/spend.csv",
            "--model",
            "markov",
        ])
        .args(["--max-shift", "0.5", "--credit"])
        .arg(credit)
        .args(extra)
        .assert()
        .success();
    let rows = String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[9].to_string(),
            )
        })
        .collect();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    (rows, stderr)
}

#[test]
fn a_channel_whose_credit_may_be_too_low_is_not_cut_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let credit = sample_credit(dir.path());
    let (free, _) = plan(&credit, &[]);
    let (cut, today, _, _) = free
        .iter()
        .find(|r| r.2 < r.1 - 0.01)
        .expect("the sample's plan cuts some channel")
        .clone();
    let details = dir.path().join("details.json");
    std::fs::write(
        &details,
        format!(
            r#"{{"markov": {{"credit_risks": [{{"channel": "{cut}", "direction": "low",
                "reason": "steady exposure"}}]}}}}"#
        ),
    )
    .unwrap();
    let (held, stderr) = plan(&credit, &["--details", details.to_str().unwrap()]);
    let row = held.iter().find(|r| r.0 == cut).unwrap();
    assert_eq!((row.2, row.3.as_str()), (today, "at_risk"), "{held:?}");
    assert!(
        stderr.contains(&format!(
            "`{cut}` held at today's spend (credit may be too low: steady exposure"
        )) && stderr.contains("--move-at-risk moves them"),
        "{stderr}"
    );
    let total = |p: &[(String, f64, f64, String)]| p.iter().map(|r| r.2).sum::<f64>();
    assert!((total(&held) - total(&free)).abs() < 0.01);
    let (moved, _) = plan(
        &credit,
        &["--details", details.to_str().unwrap(), "--move-at-risk"],
    );
    assert_eq!(moved, free);
    // A risk of another model changes nothing.
    std::fs::write(&details, r#"{"shapley": {"credit_risks": []}}"#).unwrap();
    assert_eq!(
        plan(&credit, &["--details", details.to_str().unwrap()]).0,
        free
    );
}

#[test]
fn a_details_file_that_is_not_one_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let credit = sample_credit(dir.path());
    let details = dir.path().join("details.json");
    std::fs::write(
        &details,
        r#"{"markov": {"credit_risks": [{"channel": 3}]}}"#,
    )
    .unwrap();
    let out = pathcredit()
        .args([
            "budget",
            "--spend",
            "data/sample/spend.csv",
            "--model",
            "markov",
            "--credit",
        ])
        .arg(&credit)
        .arg("--details")
        .arg(&details)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("details.json") && stderr.contains("credit_risks"),
        "{stderr}"
    );
}
