//! The report of many channels (issue 31, item 11): the HTML page's credit chart draws
//! the channels with the most credit and sums the rest into one bar, and says so; its
//! tables and the files of `--out-dir` keep every channel. (Speed is measured by the
//! `decide` bench, not here.)

use crate::common::{pathcredit, write_file};

/// A path summary of `n` channels `ch000`…: one two-touch path per channel, the first
/// touch converting `n - i` times (so last touch ranks `ch000` first).
fn many_channels(n: usize) -> String {
    let mut s = String::from("path,total_conversions,total_conversion_value,total_null\n");
    for i in 0..n {
        s.push_str(&format!("x > ch{i:03},{},{}.5,1\n", n - i, n - i));
    }
    s
}

#[test]
fn the_html_report_of_many_channels_says_what_its_chart_summed() {
    let dir = tempfile::tempdir().unwrap();
    let paths = write_file(dir.path(), "paths.csv", many_channels(300));
    let html = dir.path().join("r.html");
    let out_dir = dir.path().join("out");
    pathcredit()
        .arg("report")
        .arg("--paths")
        .arg(&paths)
        .args(["--model", "last_touch", "--matched", "off", "-q", "--html"])
        .arg(&html)
        .arg("--out-dir")
        .arg(&out_dir)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    // 300 channels and `x`, which last touch never credits: 40 drawn, 261 summed.
    assert!(
        page.contains(
            "the 40 channels with the most last_touch credit; the other 261 are summed in the last bar"
        ),
        "the caption names the cap"
    );
    assert!(page.contains(">(261 other channels)</text>"));
    assert!(page.contains(">ch039</text>") && !page.contains(">ch040</text>"));
    // The tables keep every channel, on the page and in --out-dir.
    assert!(page.contains("<td>ch299</td>"));
    let credit = std::fs::read_to_string(out_dir.join("credit.csv")).unwrap();
    assert_eq!(
        credit
            .lines()
            .filter(|l| l.starts_with("last_touch,"))
            .count(),
        301
    );
}
