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

const EVENTS_HEADER: &str = "timestamp,user_id,event,channel,value\n";
const GOOD_EVENTS: &str =
    "2026-01-01T00:00:00Z,u1,touch,email,\n2026-01-02T00:00:00Z,u1,conversion,,10\n";

/// Runs `journeys --events FILE [--identities IDS]` and returns stderr; asserts failure
/// and that the message names `file_name`.
fn events_error(events: &[u8], identities: Option<&str>, file_name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let ev = write_file(dir.path(), "events.csv", events);
    let out = dir.path().join("journeys.csv");
    let mut cmd = pathcredit();
    cmd.args(["journeys", "--events"])
        .arg(&ev)
        .arg("--journeys-out")
        .arg(&out);
    if let Some(ids) = identities {
        cmd.arg("--identities")
            .arg(write_file(dir.path(), "identities.csv", ids));
    }
    let assert = cmd.assert().failure();
    assert!(!out.exists(), "a failed run must not leave an output file");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(file_name),
        "the message names {file_name}: {stderr}"
    );
    stderr
}

#[test]
fn events_unparseable_timestamp() {
    let err = events_error(
        format!("{EVENTS_HEADER}{GOOD_EVENTS}next friday,u2,touch,email,\n").as_bytes(),
        None,
        "events.csv",
    );
    assert!(err.contains("line 4, column 1 (timestamp)"), "{err}");
    assert!(err.contains("`next friday` is not a timestamp"), "{err}");
}

#[test]
fn events_missing_required_column_lists_what_was_found() {
    let err = events_error(
        b"time,user_id,event,channel\n2026-01-01,u1,touch,email\n",
        None,
        "events.csv",
    );
    assert!(err.contains("missing required column `timestamp`"), "{err}");
    assert!(err.contains("time, user_id, event, channel"), "{err}");
}

#[test]
fn events_touch_without_channel() {
    let err = events_error(
        format!("{EVENTS_HEADER}{GOOD_EVENTS}2026-01-03,u2,touch,,\n").as_bytes(),
        None,
        "events.csv",
    );
    assert!(err.contains("line 4, column 4 (channel)"), "{err}");
}

#[test]
fn events_negative_or_non_numeric_value() {
    let err = events_error(
        format!("{EVENTS_HEADER}2026-01-03,u2,conversion,,-5\n").as_bytes(),
        None,
        "events.csv",
    );
    assert!(
        err.contains("line 2, column 5 (value)") && err.contains("negative"),
        "{err}"
    );
    let err = events_error(
        format!("{EVENTS_HEADER}2026-01-03,u2,conversion,,$5\n").as_bytes(),
        None,
        "events.csv",
    );
    assert!(
        err.contains("line 2, column 5 (value)") && err.contains("not a number"),
        "{err}"
    );
}

#[test]
fn identity_edge_with_an_empty_side() {
    let err = events_error(
        format!("{EVENTS_HEADER}{GOOD_EVENTS}").as_bytes(),
        Some("anonymous_id,user_id\nc1,u1\nc2,\n"),
        "identities.csv",
    );
    assert!(err.contains("line 3, column 2 (user_id)"), "{err}");
}

#[test]
fn events_empty_file_and_header_only() {
    let err = events_error(b"", None, "events.csv");
    assert!(
        err.contains("the file is empty") && err.contains("timestamp,user_id,event"),
        "{err}"
    );
    let err = events_error(EVENTS_HEADER.as_bytes(), None, "events.csv");
    assert!(err.contains("no data rows"), "{err}");
}

#[test]
fn events_non_utf8_byte() {
    let mut content = format!("{EVENTS_HEADER}{GOOD_EVENTS}").into_bytes();
    content.extend_from_slice(b"2026-01-03,u\xfe2,touch,email,\n");
    let err = events_error(&content, None, "events.csv");
    assert!(
        err.contains("line 4, column 2 (user_id)") && err.contains("not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn events_skip_bad_rows_counts_every_skipped_row_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let ev = write_file(
        dir.path(),
        "events.csv",
        format!(
            "{EVENTS_HEADER}{GOOD_EVENTS}soon,u2,touch,email,\n2026-01-03,u2,touch,,\n\
             2026-01-03,u2,conversion,,-1\n2026-01-04,u3,touch,search,\n"
        ),
    );
    let summary = dir.path().join("summary.json");
    let assert = pathcredit()
        .args([
            "journeys",
            "--skip-bad-rows",
            "--censor-days",
            "none",
            "--events",
        ])
        .arg(&ev)
        .arg("--summary-out")
        .arg(&summary)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("6 rows read, 3 skipped"), "{stderr}");
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(summary).unwrap()).unwrap();
    let file = &s["events_file"];
    assert_eq!(file["rows_skipped"], 3);
    assert_eq!(file["skipped_by_reason"]["bad timestamp"], 1);
    assert_eq!(file["skipped_by_reason"]["bad channel"], 1);
    assert_eq!(file["skipped_by_reason"]["bad value"], 1);
    assert_eq!(s["events"]["touches"], 2);
}

/// A row with more fields than the header (an unquoted thousands separator) shifts the
/// columns: an error at the first extra column, never a silent read of the wrong values.
#[test]
fn rows_wider_than_the_header_are_errors() {
    let stderr = paths_error(format!("{HEADER}a > b,1,000,10,2\n").as_bytes(), &[]);
    assert!(stderr.contains("line 2, column 5"), "{stderr}");
    assert!(
        stderr.contains("the row has 5 fields; the header has 4"),
        "{stderr}"
    );
    assert!(stderr.contains("thousands separator"), "{stderr}");
}

#[test]
fn wide_rows_are_skipped_and_counted_with_skip_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let paths = crate::common::write_file(
        dir.path(),
        "paths.csv",
        "path,total_conversions\na > b,1,000\nb,2\n",
    );
    let out = crate::common::pathcredit()
        .args([
            "attribute",
            "--model",
            "last_touch",
            "--skip-bad-rows",
            "--paths",
        ])
        .arg(&paths)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stderr.contains("2 rows read, 1 skipped"), "{stderr}");
    assert!(stdout.contains("last_touch,b,2.000000"), "{stdout}");
}

/// A header that names a column twice is an error naming both columns, never a silent
/// choice of the first.
#[test]
fn duplicated_header_names_are_errors() {
    let stderr = paths_error(
        b"path,total_conversions,total_conversions\na > b,1,2\n",
        &[],
    );
    assert!(
        stderr.contains("line 1, column 3 (total_conversions)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("names `total_conversions` twice (columns 2 and 3)"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().unwrap();
    let events = write_file(
        dir.path(),
        "events.csv",
        "timestamp,user_id,event,channel,user_id\n2026-01-01T00:00:00Z,a,touch,email,b\n",
    );
    let out = pathcredit()
        .args(["journeys", "--events"])
        .arg(&events)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("names `user_id` twice (columns 2 and 5)"),
        "{stderr}"
    );
}

/// A NUL byte inside a field is an error, not an id or channel name written raw.
#[test]
fn nul_bytes_in_fields_are_errors() {
    let stderr = paths_error(format!("{HEADER}a > b\0c,1,2,3\n").as_bytes(), &[]);
    assert!(stderr.contains("line 2, column 1 (path)"), "{stderr}");
    assert!(
        stderr.contains("contains a NUL byte (at byte 6 of the field)"),
        "{stderr}"
    );
}

/// Epoch microseconds are refused with the location, not read as milliseconds (which
/// put the event in the year 57975 and moved the end of the data).
#[test]
fn epoch_microseconds_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let events = write_file(
        dir.path(),
        "events.csv",
        "timestamp,user_id,event,channel\n1767348000000000,u1,touch,email\n",
    );
    let out = pathcredit()
        .args(["journeys", "--events"])
        .arg(&events)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("line 2, column 1 (timestamp)"), "{stderr}");
    assert!(
        stderr.contains("microseconds and nanoseconds are refused"),
        "{stderr}"
    );
}

/// Issue 14, item 7: finite values whose sum overflows are a located error, never `inf`
/// in the CSV, `null` in JSON or shares of 0.
#[test]
fn sums_that_overflow_are_located_errors() {
    let stderr = paths_error(
        format!("{HEADER}a > b,1,1e308,1\nb,1,1e308,2\n").as_bytes(),
        &["--model", "linear"],
    );
    assert!(
        stderr.contains("line 3, column 3 (total_conversion_value)")
            && stderr.contains("total overflows"),
        "{stderr}"
    );
    let stderr = paths_error(
        format!("{HEADER}a,1e308,0,0\nb,1e308,0,0\n").as_bytes(),
        &["--model", "linear", "--format", "json"],
    );
    assert!(
        stderr.contains("line 3, column 2 (total_conversions)"),
        "{stderr}"
    );
}

/// Issue 14, item 7: a spend total beyond what whole cents hold exactly is refused at
/// its row (1e17 used to wrap to a negative total and blame the floor and cap).
#[test]
fn spend_beyond_exact_cents_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let credit = write_file(
        dir.path(),
        "credit.csv",
        "model,channel,conversions,value,share\nlinear,a,1,0,1\n",
    );
    let spend = write_file(dir.path(), "spend.csv", "channel,spend\na,1e17\n");
    let out = pathcredit()
        .args(["budget", "--model", "linear", "--credit"])
        .arg(&credit)
        .arg("--spend")
        .arg(&spend)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("spend.csv: line 2, column 2 (spend)") && stderr.contains("1e13"),
        "{stderr}"
    );
    assert!(!stderr.contains("floor"), "{stderr}");
}

/// Huge (finite) counts do not make the logistic model loop once per journey: it
/// samples as it does for large data, and its credit stays finite.
#[test]
fn huge_counts_are_fitted_not_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let paths = write_file(
        dir.path(),
        "paths.csv",
        format!("{HEADER}a > b,1e300,1,1e300\nb,1e300,1,2e300\na,1,0,3\n"),
    );
    let out = pathcredit()
        .args(["attribute", "--model", "logistic", "--paths"])
        .arg(&paths)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        !stdout.contains("inf") && !stdout.contains("NaN"),
        "{stdout}"
    );
}

/// Issue 14, item 13: errors name the physical line, in LF, CRLF and CR-only files and
/// after blank lines.
#[test]
fn line_numbers_are_physical_lines() {
    for (content, line) in [
        (format!("{HEADER}a,1,0,0\nb,x,0,0\n"), 3),
        (
            format!("{HEADER}a,1,0,0\nb,x,0,0\n").replace('\n', "\r\n"),
            3,
        ),
        (format!("{HEADER}a,1,0,0\nb,x,0,0\n").replace('\n', "\r"), 3),
        (format!("{HEADER}\na,1,0,0\n\n\r\nb,x,0,0\n"), 6),
    ] {
        let stderr = paths_error(content.as_bytes(), &[]);
        assert!(
            stderr.contains(&format!("line {line}, column 2")),
            "{content:?}: {stderr}"
        );
    }
}

/// Issue 14, item 14: a huge bad value is cut in the message, with its length.
#[test]
fn a_huge_bad_value_is_cut_in_the_message() {
    let huge = "9".repeat(1_000_000) + "x";
    let stderr = paths_error(format!("{HEADER}a,{huge},0,0\n").as_bytes(), &[]);
    assert!(stderr.len() < 1_000, "{} bytes", stderr.len());
    assert!(
        stderr.contains("(cut: the value is 1000001 bytes long)"),
        "{stderr}"
    );
}

/// Issue 14, item 15: an unterminated quote is named as such, with the line it opened on.
#[test]
fn an_unterminated_quote_is_named_with_where_it_opened() {
    let stderr = paths_error(
        format!("{HEADER}a,1,0,0\n\"b,1,0,0\nc,1,0,0\n").as_bytes(),
        &[],
    );
    assert!(
        stderr.contains("line 3")
            && stderr
                .contains("an unterminated quote: the quoted value in column 1 opens on line 3"),
        "{stderr}"
    );
}

/// Issue 14, item 16: the remapping hint names a flag the command has, for the file it
/// applies to, and no flag where none remaps the file.
#[test]
fn missing_column_hints_name_a_flag_of_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let journeys = crate::common::repo_root().join("data/sample/journeys.csv");
    let spend = write_file(dir.path(), "spend.csv", "chan,spend\na,1\n");
    let report = write_file(dir.path(), "report.csv", "chan,conversions\na,1\n");
    let paths = write_file(dir.path(), "paths.csv", "p,total_conversions\na,1\n");
    let run = |args: &[&std::ffi::OsStr]| -> String {
        let out = pathcredit().args(args).assert().failure();
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let stderr = run(&[
        "report".as_ref(),
        "--journeys".as_ref(),
        journeys.as_os_str(),
        "--spend".as_ref(),
        spend.as_os_str(),
        "--markdown".as_ref(),
        dir.path().join("r.md").as_os_str(),
    ]);
    assert!(
        stderr.contains("spend.csv: missing required column `channel`"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("--col"),
        "no flag remaps the spend file: {stderr}"
    );
    let stderr = run(&[
        "validate".as_ref(),
        "--journeys".as_ref(),
        journeys.as_os_str(),
        "--report".as_ref(),
        report.as_os_str(),
        "--model".as_ref(),
        "last_touch".as_ref(),
    ]);
    assert!(stderr.contains("--report-col channel=HEADER"), "{stderr}");
    let stderr = run(&["attribute".as_ref(), "--paths".as_ref(), paths.as_os_str()]);
    assert!(stderr.contains("--col path=HEADER"), "{stderr}");
}
