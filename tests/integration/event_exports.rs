//! Issue 32, part 4: raw event exports read as they are (`--events-preset`). Each
//! preset goes from its fixture (data/exports: a flattened GA4 BigQuery export and
//! Snowplow atomic events, shaped by the vendors' documented schemas, written by hand)
//! to the path summary derived by hand in data/exports/README.md
//! (`expected_paths.csv`), with the same channels for both.

use crate::common::{pathcredit, repo_root};

const PRESETS: [(&str, &str); 2] = [
    ("ga4", "data/exports/ga4_events.csv"),
    ("snowplow", "data/exports/snowplow_events.csv"),
];

fn expected_paths() -> String {
    std::fs::read_to_string(repo_root().join("data/exports/expected_paths.csv")).unwrap()
}

/// The path summary and build summary (JSON) of `journeys` on a preset's fixture.
fn build(preset: &str, events: &str, extra: &[&str]) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let (paths, summary) = (
        dir.path().join("paths.csv"),
        dir.path().join("summary.json"),
    );
    pathcredit()
        .args(["journeys", "--events", events, "--events-preset", preset])
        .args(["--censor-days", "0", "-q", "--paths-out"])
        .arg(&paths)
        .arg("--summary-out")
        .arg(&summary)
        .args(extra)
        .assert()
        .success();
    let summary = std::fs::read_to_string(summary).unwrap();
    (
        std::fs::read_to_string(paths).unwrap(),
        serde_json::from_str(&summary).unwrap(),
    )
}

#[test]
fn each_export_preset_gives_the_hand_derived_path_summary() {
    for (preset, events) in PRESETS {
        let (paths, summary) = build(preset, events, &[]);
        assert_eq!(paths, expected_paths(), "{preset}");
        // Alice's laptop and phone are one person through the login's user_id.
        assert_eq!(summary["identities"]["ids_stitched"], 2, "{preset}");
        assert_eq!(summary["identities"]["persons"], 4, "{preset}");
        // Every event not used is counted: non-touches by name, Carol's purchase as
        // unattributable.
        let events = &summary["events"];
        let ignored: u64 = events["ignored_by_name"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        let read = events["events"].as_u64().unwrap();
        let used = events["touches"].as_u64().unwrap() + events["conversions"].as_u64().unwrap();
        assert_eq!(used + ignored, read, "{preset}: {events}");
        assert_eq!(events["conversions"], 3, "{preset}");
        assert_eq!(
            summary["windows"]["conversions_unattributable"], 1,
            "{preset}: {summary}"
        );
        assert_eq!(summary["settings"]["events_preset"], preset);
    }
}

#[test]
fn without_the_preset_the_export_is_refused_with_a_located_message() {
    let out = pathcredit()
        .args(["journeys", "--events", "data/exports/ga4_events.csv", "-q"])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("ga4_events.csv"), "{err}");
}

#[test]
fn both_presets_give_the_same_credit() {
    let credit = |preset: &str, events: &str| {
        let out = pathcredit()
            .args(["attribute", "--events", events, "--events-preset", preset])
            .args([
                "--censor-days",
                "0",
                "--model",
                "first_touch,linear,markov",
                "-q",
            ])
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let ga4 = credit(PRESETS[0].0, PRESETS[0].1);
    assert_eq!(ga4, credit(PRESETS[1].0, PRESETS[1].1));
    for channel in ["Email", "Organic Search", "Paid Search", "Paid Social"] {
        assert!(ga4.contains(&format!(",{channel},")), "{ga4}");
    }
}

/// A malformed row of an export stops the run with its file, line, column and what
/// was expected.
#[test]
fn a_malformed_export_row_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "ga4",
            "data/exports/ga4_events.csv",
            (5, "1772355720000456", "2026-03-01T09:02:00Z"),
            "line 5, column 2 (event_timestamp): `2026-03-01T09:02:00Z` is not a timestamp; expected integer microseconds",
        ),
        (
            "snowplow",
            "data/exports/snowplow_events.csv",
            (7, "120.00", "120.00 EUR"),
            "line 7, column 25 (tr_total): `120.00 EUR` is not a number",
        ),
    ];
    for (preset, events, (line, from, to), message) in cases {
        let text = std::fs::read_to_string(repo_root().join(events)).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        assert!(
            lines[line - 1].contains(from),
            "{preset}: {}",
            lines[line - 1]
        );
        lines[line - 1] = lines[line - 1].replacen(from, to, 1);
        let bad = dir.path().join(format!("{preset}.csv"));
        std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
        let out = pathcredit()
            .args(["journeys", "--events-preset", preset, "-q", "--events"])
            .arg(&bad)
            .assert()
            .failure();
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains(&format!("{preset}.csv: {message}")), "{err}");
    }
}

/// An identities file keeps its own columns under a preset, and its edges join the
/// export's own: Bob and Dan are one person.
#[test]
fn an_identities_file_adds_to_the_exports_own_stitching() {
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("identities.csv");
    std::fs::write(&ids, "anonymous_id,user_id\n3333.03,bob\n5555.05,bob\n").unwrap();
    let ids = ids.to_str().unwrap();
    let (paths, summary) = build("ga4", "data/exports/ga4_events.csv", &["--identities", ids]);
    assert_eq!(
        paths,
        "path,total_conversions,total_conversion_value,total_null\n\
         Organic Search > Paid Search > Paid Social,1,45.5,0\n\
         Paid Search > Email,1,120,0\n\
         Referral,0,0,1\n"
    );
    assert_eq!(summary["identities"]["persons"], 3);
}

/// Visits without a traffic source are no touches, unless their event is named a
/// touch: then Carol's visit is Direct and her purchase is attributed.
#[test]
fn a_named_session_start_makes_every_visit_a_touch() {
    let (paths, summary) = build(
        "ga4",
        "data/exports/ga4_events.csv",
        &[
            "--touch-event",
            "session_start",
            "--direct-channel",
            "Direct",
        ],
    );
    assert_eq!(
        paths,
        expected_paths().replacen("total_null\n", "total_null\nDirect,1,30,0\n", 1)
    );
    assert_eq!(summary["windows"]["conversions_unattributable"], 0);
}
