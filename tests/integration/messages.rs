//! Messages (issue 31, item 18): a message names a flag the command has, quotes a
//! bounded excerpt of what it read, and says the real cause, once. Each test asserts
//! the whole of stderr, so a second, contradicting message fails it too.

use crate::common::{pathcredit, repo_root, write_file};

/// The sample's channels, every one of them.
const EVERY_CHANNEL: &str =
    "affiliate,direct,display,email,organic_search,paid_search,paid_social,video";

/// Runs the binary with `args`; asserts exit status 1 and returns stderr.
fn fails(args: &[&str]) -> String {
    let output = pathcredit().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    stderr
}

/// Runs the binary with `args`; asserts a usage error (exit status 2) and returns
/// stderr.
fn usage_error(args: &[&str]) -> String {
    let output = pathcredit().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

/// `sql` has no `--markov-order`: the order of the transitions it counts is its
/// `--transitions K`, and that is the flag its message names.
#[test]
fn sql_names_its_own_flag_for_the_markov_order() {
    let stderr = fails(&["sql", "--dialect", "duckdb", "--transitions", "9"]);
    assert_eq!(
        stderr,
        "error: invalid --transitions: 9: expected an order 1 to 4\n"
    );
}

/// A negative number after a flag is the flag's value, refused by the flag's own
/// check, not "unexpected argument '-1'".
#[test]
fn negative_values_after_a_flag_are_values_the_flag_refuses() {
    let paths = "data/sample/paths.csv";
    assert_eq!(
        fails(&["attribute", "--paths", paths, "--lookback-days", "-1"]),
        "error: invalid --lookback-days: must not be negative; expected a number of days of \
         0 or more, or `none` (no limit)\n"
    );
    assert_eq!(
        usage_error(&["attribute", "--paths", paths, "--seed", "-3"]),
        "error: invalid value '-3' for '--seed <N>': must not be negative; expected a whole \
         number of 0 or more\n\nFor more information, try '--help'.\n"
    );
    assert_eq!(
        usage_error(&["attribute", "--paths", paths, "--half-life", "-7d"]),
        "error: invalid value '-7d' for '--half-life <DURATION>': must not be negative; \
         expected a number with a unit: ms, s, m (minutes), h, d or w, e.g. 30m, 7d, 1.5d\n\n\
         For more information, try '--help'.\n"
    );
    assert_eq!(
        usage_error(&["simulate", "--out-dir", "unused", "--days", "-5"]),
        "error: invalid value '-5' for '--days <DAYS>': must not be negative; expected a \
         whole number of 0 or more\n\nFor more information, try '--help'.\n"
    );
}

/// A remapping is suggested only where a flag remaps that file's columns, and by the
/// column's role: the coalitions file reads its `channels` header as the `path` role
/// (and `--col path=HEADER` then works); no flag remaps the identities file's columns.
#[test]
fn a_remapping_is_suggested_only_where_it_works() {
    let dir = tempfile::tempdir().unwrap();
    let coalitions = write_file(dir.path(), "co.csv", "chans,total_conversions\na,1\n");
    let coalitions = coalitions.to_str().unwrap();
    assert_eq!(
        fails(&[
            "attribute",
            "--coalitions",
            coalitions,
            "--model",
            "shapley"
        ]),
        format!(
            "error: {coalitions}: missing required column `channels` (for `path`); the header \
             has: chans, total_conversions (remap a differently named column with --col \
             path=HEADER)\n"
        )
    );
    pathcredit()
        .args([
            "attribute",
            "--coalitions",
            coalitions,
            "--model",
            "shapley",
            "-q",
        ])
        .args(["--col", "path=chans"])
        .assert()
        .success();

    let identities = write_file(dir.path(), "ids.csv", "anon,user_id\na,b\n");
    let identities = identities.to_str().unwrap();
    let out = dir.path().join("paths.csv");
    let events = repo_root().join("data/sample/events.csv");
    assert_eq!(
        fails(&[
            "journeys",
            "--events",
            events.to_str().unwrap(),
            "--identities",
            identities,
            "--paths-out",
            out.to_str().unwrap(),
        ]),
        format!(
            "error: {identities}: missing required column `anonymous_id`; the header has: \
             anon, user_id\n"
        )
    );
}

/// A 20 MB header is quoted as a bounded excerpt, with its length.
#[test]
fn a_huge_header_is_cut_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let name = "h".repeat(20_000_000);
    let file = write_file(
        dir.path(),
        "wide.csv",
        format!("{name},total_conversions\na,1\n"),
    );
    let file = file.to_str().unwrap();
    assert_eq!(
        fails(&["attribute", "--paths", file]),
        format!(
            "error: {file}: missing required column `path`; the header has: {}… (cut: the \
             name is 20000000 bytes long), total_conversions (remap a differently named \
             column with --col path=HEADER)\n",
            "h".repeat(60)
        )
    );
}

/// A report whose conversions are all 0 is refused for that reason, instead of a
/// difference shown as a share of nothing ("12600.0% of the report's conversions").
#[test]
fn a_report_with_zero_conversions_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let report = write_file(dir.path(), "zero.csv", "channel,conversions\nemail,0\n");
    let report = report.to_str().unwrap();
    let stderr = fails(&[
        "validate",
        "--paths",
        "data/sample/paths.csv",
        "--report",
        report,
        "--model",
        "last_touch",
        "-q",
    ]);
    assert_eq!(
        stderr,
        format!(
            "error: {report}, column 2 (conversions): every row has 0 conversions, so the \
             report's total is 0 and a difference cannot be a share of it; expected a report \
             with conversions (is this the right column?)\n"
        )
    );
}

/// Dropping every channel is one error naming it, not an empty credit with
/// "P(conversion) = 0" beside "every path converts"; on a path summary, on events, and
/// in `journeys`, and before any output is written.
#[test]
fn dropping_every_channel_is_one_error_naming_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("credit.csv");
    let out = out.to_str().unwrap();
    let stderr = fails(&[
        "attribute",
        "--paths",
        "data/sample/paths.csv",
        "--drop-channel",
        EVERY_CHANNEL,
        "--out",
        out,
    ]);
    assert_eq!(
        stderr,
        "pathcredit: data/sample/paths.csv: 650 rows read\n\
         error: invalid --drop-channel: it drops every channel of the input (affiliate, \
         direct, display, email, organic_search, paid_search, paid_social, video), so every \
         path is empty and nothing is left to attribute (650 paths with 118 conversions and \
         1119 nulls); drop fewer channels\n"
    );
    let expected = "error: invalid --drop-channel: it drops every channel of the input \
         (affiliate, direct, display, email, organic_search, paid_search, paid_social, \
         video), so every path is empty and nothing is left to attribute (216 paths with 59 \
         conversions and 697 nulls); drop fewer channels\n";
    let events = "data/sample/events.csv";
    let drop = ["--drop-channel", EVERY_CHANNEL, "-q"];
    let mut args = vec!["attribute", "--events", events, "--out", out];
    args.extend(drop);
    assert_eq!(fails(&args), expected);
    let mut args = vec!["journeys", "--events", events, "--paths-out", out];
    args.extend(drop);
    assert_eq!(fails(&args), expected);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// `report` and `validate` refuse the aggregates only `attribute` reads, so their help
/// does not list them (it used to list them marked "(attribute only)").
#[test]
fn help_lists_only_the_inputs_a_command_reads() {
    for command in ["report", "validate"] {
        let output = pathcredit().args([command, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{command}: {help}");
        assert!(help.contains("--paths"), "{command}: {help}");
        for absent in ["--transitions", "--coalitions", "attribute only"] {
            assert!(
                !help.contains(absent),
                "{command} --help lists {absent}: {help}"
            );
        }
    }
    let output = pathcredit().args(["attribute", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains("--transitions") && help.contains("--coalitions"),
        "{help}"
    );
    assert!(!help.contains("attribute only"), "{help}");
}
