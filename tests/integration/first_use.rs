//! What a new user hit (issue 31, "Small things"): the budget CSV's precision, chart
//! colours per model, lift tests only where spend can be held back, the order
//! `--markov-order auto` chose, and `--events` in the top-level help.

use std::path::Path;

use crate::common::{pathcredit, write_file};

const PATHS: &str = "data/sample/paths.csv";

/// stdout of a successful run of `args`.
fn stdout_of(args: &[&str]) -> String {
    let output = pathcredit().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Every float of the budget CSV has the six decimals of every other CSV output.
#[test]
fn the_budget_csv_has_fixed_precision() {
    let dir = tempfile::tempdir().unwrap();
    let credit = stdout_of(&["attribute", "--paths", PATHS, "--model", "linear", "-q"]);
    let credit = write_file(dir.path(), "credit.csv", credit);
    let plan = stdout_of(&[
        "budget",
        "--credit",
        credit.to_str().unwrap(),
        "--spend",
        "data/sample/spend.csv",
        "--model",
        "linear",
        "-q",
    ]);
    let mut lines = plan.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[..3],
        ["channel", "current_spend", "recommended_spend"]
    );
    let mut floats = 0;
    for line in lines {
        for (name, cell) in header.iter().zip(line.split(',')).skip(1) {
            if cell.parse::<f64>().is_ok() {
                let decimals = cell.split_once('.').map_or(0, |(_, d)| d.len());
                assert_eq!(decimals, 6, "{name} = {cell} in {line}");
                floats += 1;
            }
        }
    }
    assert!(floats >= 6 * 8, "{plan}");
}

/// The legend entries of an HTML report's first chart: (colour, series name).
fn legend(html: &str) -> Vec<(String, String)> {
    let chart = html.split("<svg").nth(1).unwrap();
    chart
        .split(r#"width="10" height="10" fill=""#)
        .skip(1)
        .map(|rest| {
            let colour = rest[..7].to_string();
            let name = rest.split(r##"fill="#333">"##).nth(1).unwrap();
            let name = name.split(['<', ' ']).next().unwrap().to_string();
            (colour, name)
        })
        .collect()
}

/// A model has one colour in every report, whatever is drawn beside it and in what
/// order (it used to take the colour of its position: a model indigo in one report,
/// light blue in another).
#[test]
fn chart_colours_follow_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let report = |name: &str, models: &str| -> Vec<(String, String)> {
        let out = dir.path().join(name);
        let args = [
            "report", "--paths", PATHS, "--model", models, "-q", "--html",
        ];
        pathcredit().args(args).arg(&out).assert().success();
        legend(&std::fs::read_to_string(out).unwrap())
    };
    // The recommended model is drawn first: markov beside shapley, shapley beside
    // last_touch.
    let first = report("a.html", "shapley,markov");
    let second = report("b.html", "shapley,last_touch,linear");
    let colour = |legend: &[(String, String)], model: &str| {
        let found = legend.iter().find(|(_, n)| n == model);
        found
            .unwrap_or_else(|| panic!("{model} not in {legend:?}"))
            .0
            .clone()
    };
    assert_eq!(colour(&first, "shapley"), colour(&second, "shapley"));
    assert_ne!(
        first.iter().position(|(_, n)| n == "shapley"),
        second.iter().position(|(_, n)| n == "shapley"),
        "the test needs markov at different positions: {first:?} {second:?}"
    );
    let mut colours: Vec<&str> = second.iter().map(|(c, _)| c.as_str()).collect();
    colours.sort_unstable();
    colours.dedup();
    assert_eq!(colours.len(), second.len(), "{second:?}");
}

/// The lift tests a report suggests, from its report.json.
fn suggested_lift_tests(dir: &Path, spend: &Path) -> Vec<String> {
    let out = dir.join("out");
    pathcredit()
        .args([
            "report",
            "--paths",
            PATHS,
            "--response",
            "diminishing",
            "-q",
        ])
        .arg("--spend")
        .arg(spend)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    json["summary"]["what_would_change"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains("lift test"))
        .map(str::to_string)
        .collect()
}

/// With a plan, a lift test is suggested only on a channel that has spend to hold
/// back: organic_search (where the models differ most on the sample) has none, in the
/// spend file at 0 or not in it at all.
#[test]
fn no_lift_test_on_a_channel_without_spend() {
    let dir = tempfile::tempdir().unwrap();
    let spend = std::fs::read_to_string("data/sample/spend.csv").unwrap();
    let with_zero = write_file(
        dir.path(),
        "spend.csv",
        format!("{spend}organic_search,0\ndirect,0\n"),
    );
    for file in [Path::new("data/sample/spend.csv"), &with_zero] {
        let tests = suggested_lift_tests(dir.path(), file);
        assert_eq!(
            tests,
            [
                "A holdout experiment (a lift test) on affiliate, where markov and last touch \
              differ most, would settle which is right; give its result as --lift-tests."
            ],
            "{}",
            file.display()
        );
    }
}

/// `--markov-order auto` says which order it chose and why: each order's held-out
/// log-loss, and the orders it could not score.
#[test]
fn markov_order_auto_says_what_it_chose_and_why() {
    let run = |extra: &[&str]| {
        let args = ["attribute", "--paths", PATHS, "--model", "markov"];
        let output = pathcredit()
            .args(args)
            .args(["--markov-order", "auto"])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success());
        let stderr = String::from_utf8(output.stderr).unwrap();
        stderr
            .lines()
            .find(|l| l.contains("chose"))
            .unwrap_or_else(|| panic!("no choice in {stderr}"))
            .to_string()
    };
    assert_eq!(
        run(&[]),
        "pathcredit: markov: --markov-order auto chose order 1, the lowest held-out log-loss \
         on 237 held-out journeys (order 1: 0.3329, order 2: 0.3662, order 3: 0.3624, order \
         4: 0.3579; ties go to the lower order)"
    );
    assert_eq!(
        run(&["--markov-max-states", "30"]),
        "pathcredit: markov: --markov-order auto chose order 1, the lowest held-out log-loss \
         on 237 held-out journeys (order 1: 0.3329; ties go to the lower order); orders 2 to \
         4 were not scored: their chains would pass --markov-max-states"
    );
}

/// The top-level help names every input, raw events first, with an example.
#[test]
fn top_level_help_mentions_events() {
    let help = stdout_of(&["--help"]);
    assert!(
        help.contains("pathcredit reads raw events (--events:"),
        "{help}"
    );
    assert!(help.contains("--identities"), "{help}");
    assert!(
        help.contains("pathcredit attribute --events data/sample/events.csv"),
        "{help}"
    );
    let short = stdout_of(&["-h"]);
    assert!(short.contains("raw events"), "{short}");
}
