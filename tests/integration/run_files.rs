//! The files of one run are checked together before anything is read (issue 31,
//! hardening items 1 and 4): an output naming an input of the same run (however
//! spelled: `./`, absolute, a hard link), two outputs naming one file, and two inputs
//! read from standard input are refused with both flags and paths named, the input
//! untouched and nothing written.

use std::path::Path;

use crate::common::{pathcredit, repo_root};

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `args` in `dir` and returns stderr; asserts exit status 1.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = pathcredit()
        .current_dir(dir)
        .args(args)
        .write_stdin("")
        // A run that waits on standard input forever fails here instead of hanging.
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    stderr
}

/// A directory holding copies of the sample path summary and events.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sample = repo_root().join("data/sample");
    for name in ["paths.csv", "events.csv", "journeys.csv"] {
        std::fs::copy(sample.join(name), dir.path().join(name)).unwrap();
    }
    dir
}

const REPLACE: &str =
    "writing it would replace what the run reads; write the output to another file";

#[test]
fn an_output_naming_an_input_is_refused_before_anything_is_read() {
    let dir = workspace();
    let d = dir.path();
    let paths = std::fs::read(d.join("paths.csv")).unwrap();
    std::fs::hard_link(d.join("paths.csv"), d.join("linked.csv")).unwrap();
    let absolute = d.join("paths.csv").display().to_string();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["attribute", "--paths", "paths.csv", "--out", "paths.csv"],
            format!("--out paths.csv names the input --paths paths.csv: {REPLACE}"),
        ),
        (
            vec!["attribute", "--paths", "paths.csv", "--out", "./paths.csv"],
            format!("--out ./paths.csv names the input --paths paths.csv: {REPLACE}"),
        ),
        (
            vec!["attribute", "--paths", "paths.csv", "--out", &absolute],
            format!("--out {absolute} names the input --paths paths.csv: {REPLACE}"),
        ),
        (
            vec!["attribute", "--paths", "paths.csv", "--model", "markov"]
                .into_iter()
                .chain(["--markov-details", "linked.csv"])
                .collect(),
            format!("--markov-details linked.csv names the input --paths paths.csv: {REPLACE}"),
        ),
        (
            vec![
                "journeys",
                "--events",
                "events.csv",
                "--paths-out",
                "events.csv",
            ],
            format!("--paths-out events.csv names the input --events events.csv: {REPLACE}"),
        ),
        (
            vec!["report", "--paths", "paths.csv", "--html", "paths.csv"],
            format!("--html paths.csv names the input --paths paths.csv: {REPLACE}"),
        ),
        (
            vec!["merge", "paths.csv", "linked.csv", "--out", "linked.csv"],
            format!("--out linked.csv names the input shard paths.csv: {REPLACE}"),
        ),
        (
            vec![
                "validate",
                "--journeys",
                "journeys.csv",
                "--report",
                "paths.csv",
            ]
            .into_iter()
            .chain(["--model", "last_touch", "--out", "paths.csv"])
            .collect(),
            format!("--out paths.csv names the input --report paths.csv: {REPLACE}"),
        ),
        (
            vec!["budget", "--credit", "paths.csv", "--model", "linear"]
                .into_iter()
                .chain(["--spend", "events.csv", "--out", "events.csv"])
                .collect(),
            format!("--out events.csv names the input --spend events.csv: {REPLACE}"),
        ),
        (
            vec!["evaluate", "--truth", "paths.csv", "--credit", "events.csv"]
                .into_iter()
                .chain(["--out", "./events.csv"])
                .collect(),
            format!("--out ./events.csv names the input --credit events.csv: {REPLACE}"),
        ),
    ];
    for (args, want) in cases {
        let stderr = refused(d, &args);
        assert_eq!(stderr, format!("error: {want}\n"), "{args:?}");
        assert_eq!(
            entries(d),
            ["events.csv", "journeys.csv", "linked.csv", "paths.csv"],
            "{args:?}: nothing written"
        );
        assert_eq!(std::fs::read(d.join("paths.csv")).unwrap(), paths);
    }
    // An input named as a file of the report's output directory.
    std::fs::create_dir(d.join("report")).unwrap();
    std::fs::copy(d.join("paths.csv"), d.join("report/credit.csv")).unwrap();
    let stderr = refused(
        d,
        &[
            "report",
            "--paths",
            "report/credit.csv",
            "--out-dir",
            "report",
        ],
    );
    assert_eq!(
        stderr,
        format!(
            "error: --out-dir report (its credit.csv) names the input --paths \
             report/credit.csv: {REPLACE}\n"
        )
    );
    assert_eq!(entries(&d.join("report")), ["credit.csv"]);
}

#[test]
fn two_outputs_naming_one_file_are_refused_up_front() {
    let dir = workspace();
    let d = dir.path();
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "journeys",
                "--events",
                "events.csv",
                "--journeys-out",
                "x.csv",
            ],
            "--paths-out",
        ),
        (
            &[
                "report",
                "--journeys",
                "journeys.csv",
                "--markdown",
                "x.csv",
            ],
            "--html",
        ),
        (
            &["attribute", "--paths", "paths.csv", "--details", "x.csv"],
            "--out",
        ),
        (
            &[
                "attribute",
                "--events",
                "events.csv",
                "--summary-out",
                "x.csv",
            ],
            "--details",
        ),
    ];
    for (args, second) in cases {
        for spelling in ["x.csv", "./x.csv"] {
            let mut all = args.to_vec();
            all.extend([second, spelling]);
            let stderr = refused(d, &all);
            let first = args[args.len() - 2];
            assert_eq!(
                stderr,
                format!(
                    "error: {first} x.csv and {second} {spelling} name the same file; give each \
                     output its own file\n"
                ),
                "{all:?}"
            );
            assert_eq!(
                entries(d),
                ["events.csv", "journeys.csv", "paths.csv"],
                "{all:?}: nothing written"
            );
        }
    }
    let stderr = refused(
        d,
        &[
            "report",
            "--paths",
            "paths.csv",
            "--markdown",
            "out/credit.csv",
        ]
        .into_iter()
        .chain(["--out-dir", "out"])
        .collect::<Vec<_>>(),
    );
    assert_eq!(
        stderr,
        "error: --markdown out/credit.csv and --out-dir out (its credit.csv) name the same \
         file; give each output its own file\n"
    );
    assert_eq!(entries(d), ["events.csv", "journeys.csv", "paths.csv"]);
}

#[test]
fn two_inputs_on_standard_input_are_refused() {
    let dir = workspace();
    let want = "error: --events - and --identities - both read standard input; only one input \
                can come from it: give the other as a file\n";
    for command in ["journeys", "attribute"] {
        let stderr = refused(
            dir.path(),
            &[command, "--events", "-", "--identities", "-", "-q"],
        );
        assert_eq!(stderr, want, "{command}");
    }
    // One input on standard input is read as before.
    let events = std::fs::read(dir.path().join("events.csv")).unwrap();
    pathcredit()
        .current_dir(dir.path())
        .args(["journeys", "--events", "-", "--paths-out", "p.csv", "-q"])
        .write_stdin(events)
        .assert()
        .success();
    assert!(dir.path().join("p.csv").is_file());
}
