//! Golden files of the CLI's outputs on the bundled sample data. `UPDATE_GOLDEN=1
//! cargo test` rewrites them; review the diff before committing.

use crate::common::{
    assert_golden, pathcredit, sample_journey_count, sample_path_totals, write_file,
};

fn stdout_of(args: &[&str]) -> String {
    let out = pathcredit().args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn paths_every_default_model_csv() {
    let out = stdout_of(&["attribute", "--paths", "data/sample/paths.csv"]);
    assert_golden("attribute_paths_default.csv", &out);
}

#[test]
fn journeys_every_default_model_csv() {
    let out = stdout_of(&["attribute", "--journeys", "data/sample/journeys.csv"]);
    assert_golden("attribute_journeys_default.csv", &out);
}

#[test]
fn journeys_time_decay_and_w_shaped_json() {
    let out = stdout_of(&[
        "attribute",
        "--journeys",
        "data/sample/journeys.csv",
        "--model",
        "time_decay,w_shaped",
        "--half-life",
        "7d",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_golden("attribute_journeys_time_decay_w_shaped.json", &out);
}

#[test]
fn journeys_at_campaign_level() {
    let out = stdout_of(&[
        "attribute",
        "--journeys",
        "data/sample/journeys.csv",
        "--level",
        "campaign",
        "--model",
        "linear,last_touch",
    ]);
    assert!(out.starts_with("model,campaign,conversions,value,share\n"));
    assert_golden("attribute_journeys_campaign.csv", &out);
}

#[test]
fn journeys_and_their_path_summary_agree_on_order_only_models() {
    // The sample path summary is the aggregate of the sample journeys, so every
    // order-only model must give the same credit on both.
    let models =
        "first_touch,last_touch,last_non_direct,linear,linear_unique,position_based,influenced";
    let from_paths = stdout_of(&[
        "attribute",
        "--paths",
        "data/sample/paths.csv",
        "--model",
        models,
    ]);
    let from_journeys = stdout_of(&[
        "attribute",
        "--journeys",
        "data/sample/journeys.csv",
        "--model",
        models,
    ]);
    assert_eq!(from_paths, from_journeys);
}

#[test]
fn fractribution_columns_by_preset_and_by_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "fractribution.csv",
        "transformed_path,conversions,non_conversions,revenue\n\
         Paid Search > Email,3,10,300.5\nEmail,1,4,80\nPaid Search > Email,1,0,20\n",
    );
    let file = file.to_str().unwrap();
    let preset = stdout_of(&[
        "attribute",
        "--paths",
        file,
        "--paths-preset",
        "fractribution",
        "--model",
        "linear",
    ]);
    let flags = stdout_of(&[
        "attribute",
        "--paths",
        file,
        "--col-path=transformed_path",
        "--col",
        "total_conversions=conversions",
        "--col-total_null",
        "non_conversions",
        "--col",
        "total_conversion_value=revenue",
        "--model",
        "linear",
    ]);
    assert_eq!(preset, flags);
    assert_eq!(
        preset,
        "model,channel,conversions,value,share\n\
         linear,Email,3.000000,240.250000,0.600000\n\
         linear,Paid Search,2.000000,160.250000,0.400000\n"
    );
}

#[test]
fn output_file_format_follows_extension_and_is_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    for out in [&a, &b] {
        pathcredit()
            .args([
                "attribute",
                "--journeys",
                "data/sample/journeys.csv",
                "--out",
            ])
            .arg(out)
            .assert()
            .success();
    }
    let a = std::fs::read(a).unwrap();
    assert!(a.starts_with(b"{\n  \"schema_version\": 1"));
    assert_eq!(a, std::fs::read(b).unwrap());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn custom_weights_enable_the_custom_model() {
    let out = stdout_of(&[
        "attribute",
        "--paths",
        "data/sample/paths.csv",
        "--custom-weights",
        "0.3,0.4,0.3",
        "--model",
        "custom,position_based",
    ]);
    assert!(out.lines().any(|l| l.starts_with("custom,")));
    let err = pathcredit()
        .args([
            "attribute",
            "--paths",
            "data/sample/paths.csv",
            "--model",
            "custom",
        ])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&err.get_output().stderr).into_owned();
    assert!(stderr.contains("--custom-weights"), "{stderr}");
}

#[test]
fn journey_models_on_a_path_summary_are_a_clear_error() {
    let err = pathcredit()
        .args([
            "attribute",
            "--paths",
            "data/sample/paths.csv",
            "--model",
            "time_decay",
        ])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&err.get_output().stderr).into_owned();
    assert!(
        stderr.contains("time_decay") && stderr.contains("journeys"),
        "{stderr}"
    );
}

#[test]
fn markov_order_two_with_details_and_transitions() {
    let dir = tempfile::tempdir().unwrap();
    let (details, transitions) = (
        dir.path().join("markov.json"),
        dir.path().join("transitions.csv"),
    );
    let out = pathcredit()
        .args([
            "attribute",
            "--paths",
            "data/sample/paths.csv",
            "--model",
            "markov",
            "--markov-order",
            "2",
        ])
        .arg("--markov-details")
        .arg(&details)
        .arg("--markov-transitions")
        .arg(&transitions)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_golden("attribute_paths_markov_order2.csv", &stdout);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&details).unwrap()).unwrap();
    assert_eq!(doc["order"], 2);
    // The fitted chain conserves flow: P(conversion) is the observed conversion rate.
    let (conversions, nulls, channels) = sample_path_totals();
    let rate = conversions / (conversions + nulls);
    assert!((doc["p_conversion"].as_f64().unwrap() - rate).abs() < 1e-12);
    assert!(doc["solver_error_bound"].as_f64().unwrap() <= 1e-12);
    assert_eq!(doc["removal_effects"].as_array().unwrap().len(), channels);
    let csv = std::fs::read_to_string(&transitions).unwrap();
    assert!(
        csv.starts_with("from,to,count,probability\n(start),"),
        "{}",
        &csv[..80]
    );
    assert_eq!(
        csv.lines().count() - 1,
        doc["transitions"].as_array().unwrap().len()
    );
}

#[test]
fn markov_order_auto_reports_the_selection_table() {
    let dir = tempfile::tempdir().unwrap();
    let details = dir.path().join("markov.json");
    pathcredit()
        .args([
            "attribute",
            "--paths",
            "data/sample/paths.csv",
            "--model",
            "markov",
            "--markov-order",
            "auto",
        ])
        .arg("--markov-details")
        .arg(&details)
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&details).unwrap()).unwrap();
    let table = doc["order_selection"].as_array().unwrap();
    assert_eq!(table.len(), 4);
    let chosen: Vec<_> = table.iter().filter(|r| r["chosen"] == true).collect();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0]["order"], doc["order"]);
    let best = table
        .iter()
        .map(|r| r["log_loss"].as_f64().unwrap())
        .fold(f64::INFINITY, f64::min);
    assert_eq!(chosen[0]["log_loss"].as_f64().unwrap(), best);
}

#[test]
fn markov_details_without_the_markov_model_is_an_error() {
    let err = pathcredit()
        .args([
            "attribute",
            "--paths",
            "data/sample/paths.csv",
            "--model",
            "linear",
            "--markov-details",
            "x.json",
        ])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&err.get_output().stderr).into_owned();
    assert!(stderr.contains("--model markov"), "{stderr}");
}

#[test]
fn shapley_rate_and_ordered_with_details() {
    let dir = tempfile::tempdir().unwrap();
    let details = dir.path().join("shapley.json");
    let out = pathcredit()
        .args([
            "attribute",
            "--paths",
            "data/sample/paths.csv",
            "--model",
            "shapley,shapley_ordered",
            "--shapley-details",
        ])
        .arg(&details)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_golden("attribute_paths_shapley.csv", &stdout);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&details).unwrap()).unwrap();
    assert_eq!(doc["shapley"]["game"], "rate");
    assert_eq!(doc["shapley"]["method"]["method"], "exact");
    // Efficiency: raw values sum to v(N) − v(∅), the overall conversion rate.
    let (conversions, nulls, _) = sample_path_totals();
    let rate = conversions / (conversions + nulls);
    assert!((doc["shapley"]["phi_sum"].as_f64().unwrap() - rate).abs() < 1e-12);
    assert!(
        !doc["shapley_ordered"]["positions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn shapley_sampled_writes_intervals_and_is_reproducible() {
    let run = || {
        let out = pathcredit()
            .args([
                "attribute",
                "--paths",
                "data/sample/paths.csv",
                "--model",
                "shapley",
                "--shapley-samples",
                "3000",
                "--seed",
                "7",
            ])
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let first = run();
    assert!(
        first.starts_with("model,channel,conversions,value,share,conversions_lo,conversions_hi\n")
    );
    assert_eq!(first, run());
    let exact = stdout_of(&[
        "attribute",
        "--paths",
        "data/sample/paths.csv",
        "--model",
        "shapley",
    ]);
    for (s, e) in first.lines().skip(1).zip(exact.lines().skip(1)) {
        let s: Vec<f64> = s.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
        let e: f64 = e.split(',').nth(2).unwrap().parse().unwrap();
        assert!(
            s[3] <= e && e <= s[4],
            "exact {e} outside the Hoeffding interval [{}, {}]",
            s[3],
            s[4]
        );
    }
}

#[test]
fn logistic_details_and_features_out() {
    let dir = tempfile::tempdir().unwrap();
    let (details, features) = (
        dir.path().join("model.json"),
        dir.path().join("features.csv"),
    );
    let out = pathcredit()
        .args([
            "attribute",
            "--journeys",
            "data/sample/journeys.csv",
            "--model",
            "logistic",
            "--logistic-bags",
            "4",
        ])
        .arg("--logistic-details")
        .arg(&details)
        .arg("--logistic-features-out")
        .arg(&features)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.starts_with("model,channel,conversions,value,share,conversions_lo,conversions_hi\n")
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&details).unwrap()).unwrap();
    for key in [
        "coefficients",
        "alpha",
        "cross_validation",
        "converged",
        "diagnostics",
        "bags",
    ] {
        assert!(doc.get(key).is_some(), "model.json has {key}");
    }
    for key in [
        "auc",
        "log_loss",
        "calibration",
        "events_per_feature",
        "sparsity_warning",
    ] {
        assert!(
            doc["diagnostics"].get(key).is_some(),
            "diagnostics have {key}"
        );
    }
    assert_eq!(doc["coefficients"][0]["feature"], "(intercept)");
    assert!(doc["coefficients"][1]["lo"].is_number());
    let csv = std::fs::read_to_string(&features).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("conversions,non_conversions,p_pathcredit,count:affiliate,"),
        "{header}"
    );
    assert_eq!(
        csv.lines().count() - 1,
        sample_journey_count(),
        "one row per journey"
    );
}

#[test]
fn shapley_model_game_uses_the_logistic_model() {
    let out = pathcredit()
        .args([
            "attribute",
            "--paths",
            "data/sample/paths.csv",
            "--model",
            "shapley",
            "--shapley-game",
            "model",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let total: f64 = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse::<f64>().unwrap())
        .sum();
    let (conversions, _, _) = sample_path_totals();
    assert!(
        (total - conversions).abs() < 1e-5,
        "credit sums to the conversions: {total} vs {conversions}"
    );
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("model game"), "{stderr}");
}
