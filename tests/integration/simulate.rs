//! The simulator's truth, determinism, bootstrap intervals, and simulate → evaluate.

use pathcredit::bench_data::PathSynth;
use pathcredit::evaluate::bootstrap::{apply_intervals, bootstrap};
use pathcredit::models::{self, Input, ModelName, ModelSettings};
use pathcredit::simulate::{Scenario, SimParams, SimSummary, TruthWork};

use crate::common::pathcredit;

fn simulate(scenario: &str, units: usize, seed: u64) -> (SimSummary, Vec<u8>, Vec<u8>, Vec<u8>) {
    let params = SimParams {
        units,
        scenario: Scenario::preset(scenario, 8).unwrap(),
        seed,
        truth: TruthWork::default(),
    };
    let (mut e, mut i, mut s) = (Vec::new(), Vec::new(), Vec::new());
    let summary = params.run(&mut e, &mut i, &mut s).unwrap();
    (summary, e, i, s)
}

#[test]
fn placebo_channels_have_exactly_zero_true_effect() {
    // Common random numbers couple the worlds exactly: a channel that changes nothing
    // has Δ = 0 and Shapley value 0 with no simulation noise at all.
    let (summary, ..) = simulate("placebo", 20_000, 3);
    let placebos: Vec<_> = summary
        .truth
        .iter()
        .filter(|t| t.role == "placebo")
        .collect();
    assert_eq!(placebos.len(), 2);
    for t in placebos {
        assert_eq!(t.incremental_conversions, 0.0, "{}", t.channel);
        assert!(
            t.shapley_conversions.abs() < 1e-9,
            "{}: {}",
            t.channel,
            t.shapley_conversions
        );
    }
    assert!(
        summary
            .truth
            .iter()
            .filter(|t| t.role != "placebo")
            .all(|t| t.incremental_conversions > 0.0)
    );
}

#[test]
fn shapley_truth_sums_to_all_minus_none() {
    // Efficiency: Σ φ = v(all) − v(none), per unit and so in total.
    for scenario in ["direct", "upstream", "targeting", "b2b"] {
        let (summary, ..) = simulate(scenario, 5_000, 11);
        let sum: f64 = summary.truth.iter().map(|t| t.shapley_conversions).sum();
        let expected = summary.conversions - summary.conversions_without_paid;
        assert!(
            (sum - expected).abs() < 1e-6,
            "{scenario}: {sum} vs {expected}"
        );
    }
}

#[test]
fn same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let a = simulate("targeting", 3_000, 5);
    let b = simulate("targeting", 3_000, 5);
    assert_eq!((a.1.clone(), a.2.clone(), a.3.clone()), (b.1, b.2, b.3));
    assert_eq!(a.0, b.0);
    let c = simulate("targeting", 3_000, 6);
    assert_ne!(a.1, c.1);
}

#[test]
fn bootstrap_intervals_contain_the_estimate_and_shrink_as_data_grow() {
    let settings = ModelSettings::default();
    let models = [ModelName::Linear, ModelName::Markov];
    let width = |rows: usize| {
        let t = PathSynth {
            paths: rows,
            channels: 5,
            ..PathSynth::default()
        }
        .generate()
        .unwrap();
        let mut credits = models::attribute(&models, &settings, &Input::Paths(&t)).unwrap();
        let replicates = bootstrap(&models, &settings, &Input::Paths(&t), 60, 9).unwrap();
        apply_intervals(&mut credits, &replicates, 60);
        let mut relative = 0.0;
        for c in &credits {
            for r in &c.channels {
                let (lo, hi) = (r.conversions_lo.unwrap(), r.conversions_hi.unwrap());
                assert!(
                    lo <= r.conversions && r.conversions <= hi,
                    "{}: {lo} ≤ {} ≤ {hi}",
                    c.model,
                    r.conversions
                );
                relative += (hi - lo) / c.total_conversions;
            }
        }
        relative
    };
    let (small, large) = (width(500), width(20_000));
    assert!(large < small / 2.0, "intervals shrink: {small} → {large}");
}

#[test]
fn simulate_attribute_evaluate_end_to_end_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path().join("sim");
    pathcredit()
        .args([
            "simulate",
            "--quiet",
            "--users",
            "3000",
            "--channels",
            "6",
            "--scenario",
            "placebo",
            "--seed",
            "7",
            "--out-dir",
        ])
        .arg(&sim)
        .assert()
        .success();
    for f in ["events.csv", "identities.csv", "spend.csv", "truth.csv"] {
        assert!(sim.join(f).exists(), "{f}");
    }
    pathcredit()
        .args([
            "attribute",
            "--quiet",
            "--censor-days",
            "0",
            "--model",
            "last_touch,linear,markov",
            "--bootstrap",
            "10",
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
    let credit = std::fs::read_to_string(sim.join("credit.csv")).unwrap();
    assert!(
        credit.starts_with("model,channel,conversions,value,share,conversions_lo,conversions_hi\n")
    );
    let out = pathcredit()
        .args(["evaluate", "--format", "json", "--truth"])
        .arg(sim.join("truth.csv"))
        .arg("--credit")
        .arg(sim.join("credit.csv"))
        .arg("--details")
        .arg(sim.join("details.json"))
        .arg("--spend")
        .arg(sim.join("spend.csv"))
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let scores = doc["scores"].as_array().unwrap();
    assert_eq!(scores.len(), 3);
    let markov = scores.iter().find(|s| s["model"] == "markov").unwrap();
    assert!(markov["holdout_auc"].as_f64().unwrap() > 0.5);
    for s in scores {
        let tv = s["total_variation"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&tv));
        let regret = s["decision_regret"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&regret), "{s}");
    }
}

#[test]
fn evaluate_hand_made_truth_and_credit() {
    // Truth 0.5 / 0.3 / 0.2 with c a placebo; credit 30 / 50 / 20 (plus an organic
    // channel outside the truth) → TV 0.2, Spearman 0.5, max error 0.2, placebo 0.2.
    let dir = tempfile::tempdir().unwrap();
    let truth = dir.path().join("truth.csv");
    let credit = dir.path().join("credit.csv");
    std::fs::write(
        &truth,
        "channel,role,incremental_share,shapley_share\na,direct,0.5,0.5\nb,direct,0.3,0.3\nc,placebo,0,0.2\n",
    )
    .unwrap();
    std::fs::write(
        &credit,
        "model,channel,conversions,value,share\nm,a,30,0,0\nm,b,50,0,0\nm,c,20,0,0\nm,organic_search,99,0,0\n",
    )
    .unwrap();
    let out = pathcredit()
        .arg("evaluate")
        .arg("--truth")
        .arg(&truth)
        .arg("--credit")
        .arg(&credit)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8(out.get_output().stdout.clone()).unwrap(),
        "model,total_variation,spearman,max_abs_share_error,placebo_share,holdout_auc,holdout_log_loss,decision_regret,gain_left_assumed,gain_left_fitted\n\
         m,0.2000,0.5000,0.2000,0.2000,,,,,\n"
    );
}
