//! Issue 31, security items 4–6: names from the data are hostile. Markdown outputs
//! hold no raw HTML, link or extra column; nothing shown to a person holds a terminal
//! escape; spreadsheets opening the report's tables read no formula, and data outputs
//! keep the bytes and warn.

use crate::common::{pathcredit, write_file};

const HEADER: &str = "path,total_conversions,total_conversion_value,total_null\n";
const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "<img src=x onerror=alert(1)>";
const LINK: &str = "[win](javascript:alert(1))";
const FORMULA: &str = "=HYPERLINK(\"http://x\";\"y\")";
const TITLE: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J";

const JOURNEY_HEADER: &str = "journey_id,converted,conversion_value,touch_time,channel\n";

/// A journeys file whose channels are the hostile names (quoted for CSV).
fn hostile_journeys(dir: &std::path::Path) -> std::path::PathBuf {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let journeys: [(&[&str], u32, u32); 5] = [
        (&[SCRIPT, "a|b & c"], 1, 30),
        (&[IMG, LINK], 1, 20),
        (&[FORMULA, TITLE], 1, 40),
        (&["two\nlines", "@SUM(A1)"], 0, 0),
        (&["plain", "-cmd"], 1, 20),
    ];
    let mut text = JOURNEY_HEADER.to_string();
    for (j, (channels, converted, value)) in journeys.iter().enumerate() {
        for (k, ch) in channels.iter().enumerate() {
            text += &format!(
                "j{j},{converted},{value},2026-01-0{}T00:00:00Z,{}\n",
                k + 1,
                q(ch)
            );
        }
    }
    write_file(dir, "journeys.csv", text)
}

fn has_raw_html(text: &str) -> bool {
    text.contains("<script") || text.contains("<img")
}

#[test]
fn markdown_tables_escape_every_cell() {
    let dir = tempfile::tempdir().unwrap();
    let journeys = hostile_journeys(dir.path());
    let out = pathcredit()
        .args([
            "attribute",
            "--model",
            "linear",
            "--format",
            "markdown",
            "--journeys",
        ])
        .arg(&journeys)
        .assert()
        .success();
    let md = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!has_raw_html(&md), "{md}");
    assert!(md.contains("&lt;script>alert(1)&lt;/script>"), "{md}");
    assert!(md.contains("a\\|b &amp; c"), "{md}");
    assert!(md.contains("\\[win\\](javascript:alert(1))"), "{md}");
    assert!(md.contains("two\\u{a}lines"), "{md}");
    // Every row has the header's number of unescaped column separators.
    for line in md.lines() {
        let bars = line.replace("\\|", "").matches('|').count();
        assert_eq!(bars, 6, "{line}");
    }
}

#[test]
fn report_markdown_html_and_tables_hold_no_injection() {
    let dir = tempfile::tempdir().unwrap();
    let journeys = hostile_journeys(dir.path());
    let md = dir.path().join("report.md");
    let html = dir.path().join("report.html");
    let tables = dir.path().join("tables");
    let run = pathcredit()
        .args(["report", "--model", "linear,last_touch", "--journeys"])
        .arg(&journeys)
        .arg("--markdown")
        .arg(&md)
        .arg("--html")
        .arg(&html)
        .arg("--out-dir")
        .arg(&tables)
        .assert()
        .success();
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(!has_raw_html(&md), "{md}");
    let html = std::fs::read_to_string(&html).unwrap();
    // The page's one script is its own (sortable tables); no name became a tag.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains('\u{1b}'));
    assert!(!md.contains('\u{1b}'));
    // Human-facing tables: formulas quoted (OWASP), numbers untouched.
    let credit = std::fs::read_to_string(tables.join("credit.csv")).unwrap();
    assert!(credit.contains("'=HYPERLINK"), "{credit}");
    assert!(credit.contains("'-cmd"), "{credit}");
    assert!(credit.contains("'@SUM(A1)"), "{credit}");
    for line in credit.lines().skip(1) {
        for cell in line.split(',') {
            assert!(
                !cell.starts_with(['=', '+', '@']),
                "a formula cell in the report's table: {line}"
            );
        }
    }
    // The JSON keeps the names exactly.
    let json = std::fs::read_to_string(tables.join("report.json")).unwrap();
    assert!(json.contains("=HYPERLINK"));
    assert!(!json.contains("'=HYPERLINK"));
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn data_outputs_keep_the_bytes_and_warn_naming_the_channel() {
    let dir = tempfile::tempdir().unwrap();
    let journeys = hostile_journeys(dir.path());
    let run = pathcredit()
        .args(["attribute", "--model", "linear", "--journeys"])
        .arg(&journeys)
        .assert()
        .success();
    let stdout = run.get_output().stdout.clone();
    let csv = String::from_utf8(stdout).unwrap();
    // Not a terminal: the bytes go out exactly, escape included.
    assert!(
        csv.contains("\"=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\""),
        "{csv}"
    );
    assert!(csv.contains(TITLE), "{csv}");
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("warning: channel"), "{stderr}");
    assert!(stderr.contains("`-cmd`"), "{stderr}");
    assert!(stderr.contains("`=HYPERLINK"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn messages_show_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // A bad value holding a terminal escape: the error names it escaped.
    let paths = write_file(
        dir.path(),
        "paths.csv",
        format!("{HEADER}a,1{TITLE},10,2\n"),
    );
    let run = pathcredit()
        .args(["attribute", "--paths"])
        .arg(&paths)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr}"
    );
    assert!(stderr.contains("\\u{1b}]0;owned\\u{7}"), "{stderr}");
    // A file name and a flag value with escapes, echoed in errors.
    let run = pathcredit()
        .args(["attribute", "--paths", &format!("missing{TITLE}.csv")])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    let run = pathcredit()
        .args([
            "attribute",
            "--paths",
            "p.csv",
            "--model",
            &format!("x{TITLE}"),
        ])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    // Names differing only by an invisible character print differently.
    let paths = write_file(
        dir.path(),
        "zw.csv",
        format!("{HEADER}paid\u{200b}search,1,10,2\npaidsearch,-1,0,0\n"),
    );
    let run = pathcredit()
        .args(["attribute", "--paths"])
        .arg(&paths)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(!stderr.contains('\u{200b}'), "{stderr}");
}
