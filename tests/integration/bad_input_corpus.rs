//! The bad-input corpus (`tests/bad_input/`, written by its `generate.py`): one small
//! file per class of bad input and per reader where the class applies, each run through
//! the binary. Every one must fail with exit status 1 (no panic), name the file, carry
//! the expected text (line and column where the class has them), and leave nothing in
//! the output directory.

use std::path::{Path, PathBuf};

use crate::common::{pathcredit, repo_root, write_file};

/// The command that reads a corpus file with `reader`, writing into `out`; `good` holds
/// valid companions for the commands that read two files.
fn command(reader: &str, file: &Path, good: &Path, out: &Path) -> Vec<std::ffi::OsString> {
    let sample = |name: &str| repo_root().join("data/sample").join(name);
    let f = file.as_os_str().to_owned();
    let o = |name: &str| out.join(name).into_os_string();
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    let mut push = |items: &[&std::ffi::OsStr]| args.extend(items.iter().map(|s| s.to_os_string()));
    match reader {
        "paths" => push(&[
            "attribute".as_ref(),
            "--paths".as_ref(),
            &f,
            "--model".as_ref(),
            "linear".as_ref(),
            "--out".as_ref(),
            &o("credit.csv"),
        ]),
        "events" => push(&[
            "journeys".as_ref(),
            "--events".as_ref(),
            &f,
            "--paths-out".as_ref(),
            &o("paths.csv"),
            "--journeys-out".as_ref(),
            &o("journeys.csv"),
        ]),
        "identities" => push(&[
            "journeys".as_ref(),
            "--events".as_ref(),
            sample("events.csv").as_os_str(),
            "--identities".as_ref(),
            &f,
            "--paths-out".as_ref(),
            &o("paths.csv"),
        ]),
        "journeys" => push(&[
            "attribute".as_ref(),
            "--journeys".as_ref(),
            &f,
            "--model".as_ref(),
            "linear".as_ref(),
            "--out".as_ref(),
            &o("credit.csv"),
        ]),
        "spend" => push(&[
            "budget".as_ref(),
            "--credit".as_ref(),
            good.join("credit.csv").as_os_str(),
            "--spend".as_ref(),
            &f,
            "--model".as_ref(),
            "linear".as_ref(),
            "--out".as_ref(),
            &o("plan.csv"),
        ]),
        "credit" => push(&[
            "budget".as_ref(),
            "--credit".as_ref(),
            &f,
            "--spend".as_ref(),
            good.join("spend.csv").as_os_str(),
            "--model".as_ref(),
            "linear".as_ref(),
            "--out".as_ref(),
            &o("plan.csv"),
        ]),
        "report" => push(&[
            "validate".as_ref(),
            "--paths".as_ref(),
            sample("paths.csv").as_os_str(),
            "--report".as_ref(),
            &f,
            "--model".as_ref(),
            "last_touch".as_ref(),
            "--out".as_ref(),
            &o("check.csv"),
        ]),
        "truth" => push(&[
            "evaluate".as_ref(),
            "--truth".as_ref(),
            &f,
            "--credit".as_ref(),
            good.join("credit.csv").as_os_str(),
            "--out".as_ref(),
            &o("scores.csv"),
        ]),
        "lift" => push(&[
            "attribute".as_ref(),
            "--events".as_ref(),
            sample("events.csv").as_os_str(),
            "--model".as_ref(),
            "self_controlled".as_ref(),
            "--lift-tests".as_ref(),
            &f,
            "--out".as_ref(),
            &o("credit.csv"),
        ]),
        "transitions" => push(&[
            "attribute".as_ref(),
            "--transitions".as_ref(),
            &f,
            "--model".as_ref(),
            "markov".as_ref(),
            "--out".as_ref(),
            &o("credit.csv"),
        ]),
        "coalitions" => push(&[
            "attribute".as_ref(),
            "--coalitions".as_ref(),
            &f,
            "--model".as_ref(),
            "shapley".as_ref(),
            "--out".as_ref(),
            &o("credit.csv"),
        ]),
        other => panic!("no command for reader `{other}`"),
    }
    args
}

#[test]
fn every_file_of_the_corpus_is_a_located_error_leaving_nothing_behind() {
    let corpus = repo_root().join("tests/bad_input");
    let manifest = std::fs::read_to_string(corpus.join("expected.tsv")).unwrap();
    let good = tempfile::tempdir().unwrap();
    write_file(
        good.path(),
        "credit.csv",
        "model,channel,conversions,value,share\nlinear,a,1,10,0.5\nlinear,b,1,10,0.5\n",
    );
    write_file(good.path(), "spend.csv", "channel,spend\na,10\nb,20\n");
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.split('\t');
        let name = parts.next().unwrap();
        let expected: Vec<&str> = parts.collect();
        let reader = name.trim_end_matches(".csv").rsplit('.').next().unwrap();
        let file: PathBuf = corpus.join(name);
        let out = tempfile::tempdir().unwrap();
        let output = pathcredit()
            .args(command(reader, &file, good.path(), out.path()))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let left: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
        let mut problems = Vec::new();
        if output.status.code() != Some(1) {
            problems.push(format!("exit status {:?}", output.status.code()));
        }
        if stderr.contains("panicked") {
            problems.push("panicked".to_string());
        }
        if !stderr.contains(name) {
            problems.push("the message does not name the file".to_string());
        }
        for part in &expected {
            if !stderr.contains(part) {
                problems.push(format!("missing `{part}`"));
            }
        }
        if !left.is_empty() {
            problems.push(format!("{} files left in the output directory", left.len()));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{name}: {}\n    stderr: {}",
                problems.join("; "),
                stderr.trim()
            ));
        }
        checked += 1;
    }
    assert!(checked >= 100, "the corpus has {checked} files");
    assert!(
        failures.is_empty(),
        "{} of {checked} corpus files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
