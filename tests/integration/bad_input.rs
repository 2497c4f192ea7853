//! Bad input: every error names the file, line and column and says what was expected;
//! with --skip-bad-rows the row is skipped and counted instead; a failed run writes
//! no output file.

use crate::common::{pathcredit, write_file};

const HEADER: &str = "path,total_conversions,total_conversion_value,total_null\n";

/// Runs `attribute --paths FILE` on `content` and returns stderr; asserts failure.
fn paths_error(content: &[u8], extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "paths.csv", content);
    let out = dir.path().join("credit.csv");
    let assert = pathcredit()
        .arg("attribute")
        .arg("--paths")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .failure();
    assert!(!out.exists(), "a failed run must not leave an output file");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("paths.csv"),
        "the message names the file: {stderr}"
    );
    stderr
}

#[test]
fn missing_column_lists_the_columns_found() {
    let err = paths_error(b"path,conversions,total_null\na,1,0\n", &[]);
    assert!(
        err.contains("missing required column `total_conversions`"),
        "{err}"
    );
    assert!(err.contains("path, conversions, total_null"), "{err}");
}

#[test]
fn non_numeric_count_names_line_and_column() {
    let err = paths_error(
        format!("{HEADER}a,1,10,0\nb > c,three,0,1\n").as_bytes(),
        &[],
    );
    assert!(
        err.contains("line 3, column 2 (total_conversions)"),
        "{err}"
    );
    assert!(err.contains("`three` is not a number"), "{err}");
}

#[test]
fn negative_count_names_line_and_column() {
    let err = paths_error(format!("{HEADER}a,1,10,-2\n").as_bytes(), &[]);
    assert!(err.contains("line 2, column 4 (total_null)"), "{err}");
    assert!(err.contains("negative"), "{err}");
}

#[test]
fn empty_path_names_line_and_column() {
    let err = paths_error(format!("{HEADER}a,1,10,0\n,1,10,0\n").as_bytes(), &[]);
    assert!(err.contains("line 3, column 1 (path)"), "{err}");
    assert!(err.contains("empty path"), "{err}");
}

#[test]
fn empty_channel_inside_a_path_names_the_step() {
    let err = paths_error(format!("{HEADER}a >  > b,1,10,0\n").as_bytes(), &[]);
    assert!(err.contains("line 2, column 1 (path)"), "{err}");
    assert!(err.contains("empty channel name at step 2"), "{err}");
}

#[test]
fn empty_file_says_what_header_is_expected() {
    let err = paths_error(b"", &[]);
    assert!(err.contains("the file is empty"), "{err}");
    assert!(err.contains("path,total_conversions"), "{err}");
}

#[test]
fn header_only_file_is_an_error() {
    let err = paths_error(HEADER.as_bytes(), &[]);
    assert!(err.contains("no data rows"), "{err}");
}

#[test]
fn non_utf8_byte_names_line_and_column() {
    let mut content = HEADER.as_bytes().to_vec();
    content.extend_from_slice(b"a,1,10,0\nsearch > e\xffmail,1,10,0\n");
    let err = paths_error(&content, &[]);
    assert!(err.contains("line 3, column 1 (path)"), "{err}");
    assert!(err.contains("not valid UTF-8"), "{err}");
}

#[test]
fn short_row_names_the_missing_column() {
    let err = paths_error(format!("{HEADER}a,1\n").as_bytes(), &[]);
    assert!(
        err.contains("line 2, column 3 (total_conversion_value)"),
        "{err}"
    );
}

#[test]
fn skip_bad_rows_skips_counts_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "paths.csv",
        format!("{HEADER}a,1,10,0\nb,x,0,0\n,1,0,0\nb > a,1,5,2\nc,-1,0,0\n"),
    );
    let assert = pathcredit()
        .args([
            "attribute",
            "--skip-bad-rows",
            "--model",
            "linear",
            "--format",
            "json",
            "--paths",
        ])
        .arg(&file)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("5 rows read, 3 skipped"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let input = &doc["inputs"][0];
    assert_eq!(input["rows_read"], 5);
    assert_eq!(input["rows_skipped"], 3);
    assert_eq!(input["skipped_by_reason"]["bad total_conversions"], 2);
    assert_eq!(input["skipped_by_reason"]["bad path"], 1);
    assert_eq!(doc["credits"][0]["total_conversions"], 2.0);
}

#[test]
fn all_rows_bad_is_an_error_even_when_skipping() {
    let err = paths_error(
        format!("{HEADER}a,x,0,0\n").as_bytes(),
        &["--skip-bad-rows"],
    );
    assert!(err.contains("all 1 data rows were bad"), "{err}");
}

#[test]
fn unknown_column_remap_is_an_error_before_reading() {
    let assert = pathcredit()
        .args([
            "attribute",
            "--paths",
            "does-not-exist.csv",
            "--col",
            "pth=transformed_path",
        ])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("`pth` is not a column"), "{err}");
}

const JOURNEY_HEADER: &str = "journey_id,user_id,converted,conversion_value,conversion_time,touch_time,channel,campaign,content,milestone\n";

fn journeys_error(body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "journeys.csv",
        format!("{JOURNEY_HEADER}{body}"),
    );
    let assert = pathcredit()
        .args(["attribute", "--journeys"])
        .arg(&file)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("journeys.csv"), "{stderr}");
    stderr
}

#[test]
fn journeys_bad_timestamp() {
    let err = journeys_error("j1,u1,1,10,2026-01-10T00:00:00Z,last tuesday,email,,,\n");
    assert!(err.contains("line 2, column 6 (touch_time)"), "{err}");
    assert!(err.contains("RFC 3339"), "{err}");
}

#[test]
fn journeys_bad_milestone() {
    let err = journeys_error("j1,u1,1,10,2026-01-10T00:00:00Z,2026-01-09,email,,,signed\n");
    assert!(err.contains("line 2, column 10 (milestone)"), "{err}");
    assert!(err.contains("lead_created"), "{err}");
}

#[test]
fn journeys_bad_converted_flag() {
    let err = journeys_error("j1,u1,yes,10,2026-01-10T00:00:00Z,2026-01-09,email,,,\n");
    assert!(err.contains("line 2, column 3 (converted)"), "{err}");
}

#[test]
fn journeys_converting_without_conversion_time() {
    let err = journeys_error("j1,u1,1,10,,2026-01-09,email,,,\n");
    assert!(err.contains("line 2, column 5 (conversion_time)"), "{err}");
}

#[test]
fn journeys_touch_without_channel() {
    let err = journeys_error("j1,u1,0,,,2026-01-09,,,,\n");
    assert!(err.contains("line 2, column 7 (channel)"), "{err}");
}
