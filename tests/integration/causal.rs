//! The self-controlled model end to end: simulate (with experiments) → attribute →
//! evaluate through the binary, the retargeting diagnostic, and what it refuses.

use crate::common::{pathcredit, repo_root};

fn simulate(dir: &std::path::Path, scenario: &str, users: &str) {
    pathcredit()
        .args([
            "simulate",
            "--quiet",
            "--users",
            users,
            "--channels",
            "8",
            "--scenario",
            scenario,
        ])
        .args([
            "--seed",
            "7",
            "--experiments",
            "paid_search,email",
            "--out-dir",
        ])
        .arg(dir)
        .assert()
        .success();
}

#[test]
fn simulate_attribute_evaluate_with_self_controlled_and_lift_tests() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path();
    simulate(sim, "targeting", "4000");
    let experiments = std::fs::read_to_string(sim.join("experiments.csv")).unwrap();
    assert!(
        experiments.starts_with("channel,incremental_conversions,se,treated_units,holdout_units\n"),
        "{experiments}"
    );
    assert_eq!(experiments.lines().count(), 3);
    pathcredit()
        .args(["attribute", "--quiet", "--censor-days", "0"])
        .args(["--model", "self_controlled,last_touch,markov", "--events"])
        .arg(sim.join("events.csv"))
        .arg("--identities")
        .arg(sim.join("identities.csv"))
        .arg("--lift-tests")
        .arg(sim.join("experiments.csv"))
        .arg("--details")
        .arg(sim.join("details.json"))
        .arg("--out")
        .arg(sim.join("credit.csv"))
        .assert()
        .success();
    let credit = std::fs::read_to_string(sim.join("credit.csv")).unwrap();
    for expected in [
        "self_controlled,(baseline),",
        "self_controlled,paid_search,",
        "calibrated_last_touch,paid_search,",
        "calibrated_markov,(baseline),",
    ] {
        assert!(credit.contains(expected), "{expected} missing:\n{credit}");
    }
    // Credit including (baseline) sums to the conversions the simulation wrote.
    let events = std::fs::read_to_string(sim.join("events.csv")).unwrap();
    let conversions = events
        .lines()
        .filter(|l| l.contains(",conversion,"))
        .count() as f64;
    let sum: f64 = credit
        .lines()
        .filter(|l| l.starts_with("self_controlled,"))
        .map(|l| l.split(',').nth(2).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((sum - conversions).abs() < 1e-4, "{sum} vs {conversions}");
    let details: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sim.join("details.json")).unwrap()).unwrap();
    let sc = &details["self_controlled"];
    assert_eq!(sc["lift_tests"].as_array().unwrap().len(), 2);
    assert!(sc["converged"].as_bool().unwrap());
    // Lag bins chosen from the data: out to half the 60 simulated days.
    let bins = sc["lag_bins"].as_array().unwrap();
    assert_eq!(bins.last().unwrap().as_str(), Some("26-29"), "{bins:?}");
    assert_eq!(sc["coefficients"].as_array().unwrap().len(), 8 * bins.len());

    let out = pathcredit()
        .args(["evaluate", "--format", "csv", "--truth"])
        .arg(sim.join("truth.csv"))
        .arg("--credit")
        .arg(sim.join("credit.csv"))
        .assert()
        .success();
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(table.contains("\nself_controlled,"), "{table}");
    assert!(table.contains("\ncalibrated_markov,"), "{table}");
}

#[test]
fn the_diagnostic_flags_exposure_that_follows_visits() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path();
    simulate(sim, "retargeting", "3000");
    let out = pathcredit()
        .args([
            "attribute",
            "--censor-days",
            "0",
            "--model",
            "self_controlled",
            "--events",
        ])
        .arg(sim.join("events.csv"))
        .arg("--identities")
        .arg(sim.join("identities.csv"))
        .arg("--details")
        .arg(sim.join("details.json"))
        .arg("--out")
        .arg(sim.join("credit.csv"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    // `partner` is the retargeting placebo; `push` is retargeted too (and works).
    assert!(
        stderr.contains("WARNING: exposure to `partner` follows people's own visits"),
        "{stderr}"
    );
    // By default the visits they follow become controls, and the run says so.
    assert!(
        stderr.contains(
            "controls chosen from the data: exposure to `partner`, `push` follows people's own \
             visits, so the channels left out (`direct`, `organic_search`) are time-varying \
             controls of this fit (--hazard-controls: `none` leaves them out)"
        ),
        "{stderr}"
    );
    let with = |controls: &str, out: &str| {
        let run = pathcredit()
            .args([
                "attribute",
                "--censor-days",
                "0",
                "--model",
                "self_controlled",
            ])
            .arg("--hazard-controls")
            .arg(controls)
            .arg("--events")
            .arg(sim.join("events.csv"))
            .arg("--identities")
            .arg(sim.join("identities.csv"))
            .arg("--out")
            .arg(sim.join(out))
            .assert()
            .success();
        String::from_utf8_lossy(&run.get_output().stderr).into_owned()
    };
    with("auto", "auto.csv");
    assert_eq!(
        std::fs::read(sim.join("credit.csv")).unwrap(),
        std::fs::read(sim.join("auto.csv")).unwrap()
    );
    let none = with("none", "none.csv");
    assert!(!none.contains("controls chosen"), "{none}");
    assert!(
        none.contains("add the visits it follows to --hazard-controls"),
        "{none}"
    );
    let details: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sim.join("details.json")).unwrap()).unwrap();
    let flagged: Vec<&str> = details["self_controlled"]["exposure_shifts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["flagged"].as_bool().unwrap())
        .map(|s| s["channel"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["partner", "push"]);
}

/// Where no exposure follows visits (random exposure), the default uses no control:
/// the credit equals `--hazard-controls none`'s, byte for byte.
#[test]
fn without_retargeting_the_default_uses_no_control() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path();
    simulate(sim, "direct", "3000");
    let run = |extra: &[&str], out: &str| {
        let run = pathcredit()
            .args([
                "attribute",
                "--censor-days",
                "0",
                "--model",
                "self_controlled",
            ])
            .args(extra)
            .arg("--events")
            .arg(sim.join("events.csv"))
            .arg("--identities")
            .arg(sim.join("identities.csv"))
            .arg("--out")
            .arg(sim.join(out))
            .assert()
            .success();
        String::from_utf8_lossy(&run.get_output().stderr).into_owned()
    };
    let default = run(&[], "default.csv");
    assert!(!default.contains("controls chosen"), "{default}");
    run(&["--hazard-controls", "none"], "none.csv");
    assert_eq!(
        std::fs::read(sim.join("default.csv")).unwrap(),
        std::fs::read(sim.join("none.csv")).unwrap()
    );
}

#[test]
fn a_path_summary_is_refused_with_the_reason() {
    let out = pathcredit()
        .args(["attribute", "--model", "self_controlled", "--paths"])
        .arg(repo_root().join("data/sample/paths.csv"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("self_controlled: needs journeys"),
        "{stderr}"
    );
}

#[test]
fn bad_lift_tests_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let lift = crate::common::write_file(
        dir.path(),
        "lift.csv",
        "channel,incremental_conversions,se\nemail,ten,3\n",
    );
    let out = pathcredit()
        .args(["attribute", "--model", "self_controlled", "--events"])
        .arg(repo_root().join("data/sample/events.csv"))
        .arg("--lift-tests")
        .arg(&lift)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("lift.csv: line 2, column 2"), "{stderr}");
}

#[test]
fn the_default_set_at_campaign_level_leaves_it_out() {
    let out = pathcredit()
        .args([
            "attribute",
            "--quiet",
            "--censor-days",
            "0",
            "--level",
            "campaign",
            "--events",
        ])
        .arg(repo_root().join("data/sample/events.csv"))
        .assert()
        .success();
    let credit = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(!credit.contains("self_controlled"), "{credit}");
    assert!(credit.contains("\nlast_touch,"), "{credit}");
}
