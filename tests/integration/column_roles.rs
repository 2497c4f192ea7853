//! Two columns never read one header (issue 31, hardening item 2): `--col A=H` where H
//! is the header another column reads (by default, by a preset or by its own
//! remapping) is refused for every reader the flag remaps, naming both columns and the
//! header, before a row is read and without writing anything.

use crate::common::{pathcredit, repo_root, write_file};

/// Runs `args` in `dir` and returns stderr; asserts exit status 1 and no output.
fn refused(dir: &std::path::Path, args: &[&str]) -> String {
    let out = pathcredit().current_dir(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    stderr
}

fn message(flag: &str, file: &str, first: &str, second: &str, header: &str) -> String {
    format!(
        "error: invalid {flag}: {file}: the columns `{first}` and `{second}` would both be read \
         from the header `{header}`; map each to a header of its own\n"
    )
}

#[test]
fn two_columns_on_one_header_are_refused_for_every_remapped_reader() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = repo_root().join("data/sample");
    for name in ["paths.csv", "events.csv", "journeys.csv"] {
        std::fs::copy(sample.join(name), d.join(name)).unwrap();
    }
    write_file(d, "identities.csv", "anonymous_id,user_id\na1,u1\n");
    write_file(
        d,
        "coalitions.csv",
        "channels,total_conversions,total_conversion_value,total_null\na + b,1,10,2\n",
    );
    write_file(d, "report.csv", "channel,conversions\nemail,1\n");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["attribute", "--paths", "paths.csv"]
                .into_iter()
                .chain(["--col", "total_null=total_conversions"])
                .collect(),
            message(
                "--col",
                "paths.csv",
                "total_null",
                "total_conversions",
                "total_conversions",
            ),
        ),
        (
            // The spelling --col-NAME=HEADER, and a role remapped onto a header that
            // another role reads under the preset.
            vec!["attribute", "--paths", "paths.csv"]
                .into_iter()
                .chain(["--paths-preset", "fractribution", "--col-path=revenue"])
                .collect(),
            message(
                "--col",
                "paths.csv",
                "path",
                "total_conversion_value",
                "revenue",
            ),
        ),
        (
            vec!["attribute", "--coalitions", "coalitions.csv"]
                .into_iter()
                .chain(["--col", "total_null=channels"])
                .collect(),
            message("--col", "coalitions.csv", "path", "total_null", "channels"),
        ),
        (
            vec!["attribute", "--journeys", "journeys.csv"]
                .into_iter()
                .chain(["--col", "campaign=channel"])
                .collect(),
            message("--col", "journeys.csv", "campaign", "channel", "channel"),
        ),
        (
            vec!["journeys", "--events", "events.csv", "--paths-out", "p.csv"]
                .into_iter()
                .chain(["--col", "account_id=user_id"])
                .collect(),
            message("--col", "events.csv", "account_id", "user_id", "user_id"),
        ),
        (
            // Two remappings onto one header.
            vec!["journeys", "--events", "events.csv", "--paths-out", "p.csv"]
                .into_iter()
                .chain(["--col", "timestamp=t", "--col", "session_id=t"])
                .collect(),
            message("--col", "events.csv", "timestamp", "session_id", "t"),
        ),
        (
            vec!["journeys", "--events", "events.csv", "--paths-out", "p.csv"]
                .into_iter()
                .chain(["--identities", "identities.csv"])
                .chain(["--col", "anonymous_id=user_id"])
                .collect(),
            // The events file reads no anonymous_id: the identities file is refused.
            message(
                "--col",
                "identities.csv",
                "anonymous_id",
                "user_id",
                "user_id",
            ),
        ),
        (
            vec!["validate", "--paths", "paths.csv", "--report", "report.csv"]
                .into_iter()
                .chain(["--model", "last_touch", "--report-col", "value=conversions"])
                .collect(),
            message(
                "--col / --report-col",
                "report.csv",
                "value",
                "conversions",
                "conversions",
            ),
        ),
    ];
    for (args, want) in cases {
        let stderr = refused(d, &args);
        assert_eq!(stderr, want, "{args:?}");
        assert!(!d.join("p.csv").exists(), "{args:?}: nothing written");
    }
    // A remapping that swaps two headers gives each column a header of its own (on a
    // summary whose every row has both conversions and nulls, so either reading is
    // valid: a value on a row without conversions is refused, issue 31 item 3).
    write_file(
        d,
        "swapped.csv",
        "path,total_conversions,total_conversion_value,total_null
a > b,2,20,3
b,1,5,4
",
    );
    pathcredit()
        .current_dir(d)
        .args([
            "attribute",
            "--paths",
            "swapped.csv",
            "--model",
            "linear",
            "-q",
        ])
        .args(["--col", "total_null=total_conversions"])
        .args(["--col", "total_conversions=total_null"])
        .assert()
        .success();
}
