//! Silent wrong results (issue 31, item 16): each input that used to give a plausible
//! but wrong number now gives a located error or a warning naming what was ignored.
//! Every test asserts the exact outcome through the binary.

use crate::common::{pathcredit, repo_root, write_file};

/// Runs the binary with `args` and returns (success, stdout, stderr).
fn run(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = pathcredit().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A channel with no spend keeps the value credited to it in the plan's value after:
/// the headline compares like with like. Hand-derived: a (value 400, spend 100) and b
/// (100, 100) move by the 25% bound to 125 and 75 under value ∝ √spend; z earns 50 with
/// no spend. After: 400·√1.25 + 100·√0.75 + 50 = 583.82 (without the fix, z's 50 was
/// dropped: 533.82).
#[test]
fn budget_keeps_the_value_of_a_zero_spend_channel_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let credit = write_file(
        dir.path(),
        "credit.csv",
        "model,channel,conversions,value,share\n\
         linear,a,4,400,0.4\nlinear,b,1,100,0.1\nlinear,z,5,50,0.5\n",
    );
    let spend = write_file(
        dir.path(),
        "spend.csv",
        "channel,spend\na,100\nb,100\nz,0\n",
    );
    let (ok, stdout, stderr) = run(&[
        "budget".as_ref(),
        "--model".as_ref(),
        "linear".as_ref(),
        "--credit".as_ref(),
        credit.as_os_str(),
        "--spend".as_ref(),
        spend.as_os_str(),
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("expected attributed value 550.00 → 583.82"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "WARNING: `z` has no spend, so no response curve: it keeps its floor, and the 50.00 \
             credited to it without spend is kept unchanged"
        ),
        "{stderr}"
    );
    let z = stdout.lines().find(|l| l.starts_with("z,")).unwrap();
    assert_eq!(z.split(',').nth(5), Some("50.000000"), "{z}");
    assert_eq!(z.split(',').nth(6), Some("50.000000"), "{z}");
}

/// A report naming a channel twice is refused at the repeat, naming the first row:
/// `validate` used to add the rows up silently.
#[test]
fn validate_refuses_a_report_that_repeats_a_channel() {
    let dir = tempfile::tempdir().unwrap();
    let report = write_file(
        dir.path(),
        "report.csv",
        "channel,conversions\nemail,3\nsearch,1\nemail ,2\n",
    );
    let (ok, _, stderr) = run(&[
        "validate".as_ref(),
        "--paths".as_ref(),
        repo_root().join("data/sample/paths.csv").as_os_str(),
        "--model".as_ref(),
        "last_touch".as_ref(),
        "--report".as_ref(),
        report.as_os_str(),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!(
            "{}: line 4, column 1 (channel): `email` appears again (first on line 2); expected \
             one row per channel",
            report.display()
        )),
        "{stderr}"
    );
}

/// A truth sharing only some channels with the credit is scored, with a warning that
/// names the missing channel (it is scored as given no credit) and the credited twin
/// whose name differs only in case.
#[test]
fn evaluate_warns_about_a_truth_channel_missing_from_the_credit() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write_file(
        dir.path(),
        "truth.csv",
        "channel,role,shapley_share,incremental_share\nemail,direct,0.6,0.5\nsearch,direct,0.4,0.5\n",
    );
    let credit = write_file(
        dir.path(),
        "credit.csv",
        "model,channel,conversions,value,share\nlinear,email,1,10,0.5\nlinear,Search,1,10,0.5\n",
    );
    let (ok, stdout, stderr) = run(&[
        "evaluate".as_ref(),
        "--truth".as_ref(),
        truth.as_os_str(),
        "--credit".as_ref(),
        credit.as_os_str(),
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("linear"), "{stdout}");
    assert!(
        stderr.contains(
            "WARNING: 1 of the truth's 2 channels `search` (the credit has `Search`) is not in \
             the credit of `linear`: scored as if given no credit"
        ),
        "{stderr}"
    );
}

/// A truth naming none of the credited channels is refused, naming both sides: it used
/// to score every model 0.5 (the distance of an all-zero share from any truth).
#[test]
fn evaluate_refuses_a_truth_sharing_no_channel_with_the_credit() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write_file(
        dir.path(),
        "truth.csv",
        "channel,role,shapley_share,incremental_share\nfoo,direct,0.6,0.5\nbar,placebo,0.4,0.5\n",
    );
    let credit = write_file(
        dir.path(),
        "credit.csv",
        "model,channel,conversions,value,share\nlinear,email,1,10,0.5\nlinear,search,1,10,0.5\n",
    );
    let (ok, stdout, stderr) = run(&[
        "evaluate".as_ref(),
        "--truth".as_ref(),
        truth.as_os_str(),
        "--credit".as_ref(),
        credit.as_os_str(),
    ]);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains(&format!(
            "{}: no channel of the truth (`bar`, `foo`) is credited by `linear` (its channels: \
             `email`, `search`); the scores would compare nothing",
            truth.display()
        )),
        "{stderr}"
    );
    // One shared channel is enough to score.
    let truth = write_file(
        dir.path(),
        "truth2.csv",
        "channel,role,shapley_share,incremental_share\nemail,direct,0.6,0.5\nbar,placebo,0.4,0.5\n",
    );
    let (ok, stdout, stderr) = run(&[
        "evaluate".as_ref(),
        "--truth".as_ref(),
        truth.as_os_str(),
        "--credit".as_ref(),
        credit.as_os_str(),
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("linear,0.4000,"), "{stdout}");
}

/// `--data-end` before every event is refused with the events' span: every journey
/// used to be judged against an end the data never reached.
#[test]
fn data_end_before_every_event_is_refused() {
    let events = repo_root().join("data/sample/events.csv");
    // The sample's timestamps are RFC 3339 in UTC with milliseconds, as messages print them.
    let text = std::fs::read_to_string(&events).unwrap();
    let times: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let (first, last) = (times.iter().min().unwrap(), times.iter().max().unwrap());
    let (ok, _, stderr) = run(&[
        "attribute".as_ref(),
        "--events".as_ref(),
        events.as_os_str(),
        "--model".as_ref(),
        "linear".as_ref(),
        "--data-end".as_ref(),
        "2000-01-01".as_ref(),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!(
            "error: invalid --data-end: 2000-01-01T00:00:00Z is before every event of {} (the \
             first at {first}, the last at {last}); it is the end of the data, at or \
             after the last event",
            events.display()
        )),
        "{stderr}"
    );
}

/// A lift test measuring more incremental conversions than the data holds scales the
/// whole calibrated credit back to the model's: the run now says so and names the test.
#[test]
fn lift_tests_above_the_observed_conversions_are_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let lift = write_file(
        dir.path(),
        "lift.csv",
        "channel,incremental_conversions,se\nemail,1000000,1\n",
    );
    let (ok, _, stderr) = run(&[
        "attribute".as_ref(),
        "--paths".as_ref(),
        repo_root().join("data/sample/paths.csv").as_os_str(),
        "--model".as_ref(),
        "last_touch".as_ref(),
        "--lift-tests".as_ref(),
        lift.as_os_str(),
    ]);
    assert!(ok, "{stderr}");
    let (conversions, _, _) = crate::common::sample_path_totals();
    assert!(
        stderr.contains(&format!(
            "pathcredit: calibrated_last_touch: WARNING: the lift tests and the credit scaled by \
             them add up to {:.2} conversions, more than the {conversions} observed",
            1_000_000.0 + (conversions - 14.0) * 1_000_000.0 / 14.0
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "more incremental conversions than all {conversions} observed: `email` (1000000)"
        )),
        "{stderr}"
    );
}

/// Channels whose names differ only by a zero-width space print alike: a warning names
/// both, escaped.
#[test]
fn names_differing_only_by_invisible_characters_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let paths = write_file(
        dir.path(),
        "paths.csv",
        "path,total_conversions,total_conversion_value,total_null\n\
         email > search,3,30,2\nemail\u{200b} > search,2,20,1\nsearch,1,10,4\n",
    );
    let (ok, stdout, stderr) = run(&[
        "attribute".as_ref(),
        "--paths".as_ref(),
        paths.as_os_str(),
        "--model".as_ref(),
        "linear".as_ref(),
    ]);
    assert!(ok, "{stderr}");
    // The data output keeps the bytes.
    assert!(stdout.contains("linear,email\u{200b},"), "{stdout}");
    assert!(
        stderr.contains(
            "pathcredit: warning: channel names that differ only by invisible characters \
             (shown as \\u{…}) are counted apart but print alike: `email` and `email\\u{200b}`"
        ),
        "{stderr}"
    );
}

/// Flags no part of the run uses are named with why: a model's flag when that model did
/// not run, journey-building flags and `--identities` when the input is not events.
#[test]
fn flags_no_chosen_model_uses_are_warned_about() {
    let sample = |name: &str| repo_root().join("data/sample").join(name);
    let (ok, _, stderr) = run(&[
        "attribute".as_ref(),
        "--paths".as_ref(),
        sample("paths.csv").as_os_str(),
        "--model".as_ref(),
        "last_touch".as_ref(),
        "--half-life".as_ref(),
        "3d".as_ref(),
        "--identities".as_ref(),
        sample("identities.csv").as_os_str(),
        "--lookback-days".as_ref(),
        "7".as_ref(),
    ]);
    assert!(ok, "{stderr}");
    for expected in [
        "pathcredit: WARNING: --half-life is not used: it sets time_decay, which did not run \
         (models run: last_touch)",
        "pathcredit: WARNING: --lookback-days is not used: it sets how journeys are built from \
         events, and the input is a path summary",
        "pathcredit: WARNING: --identities is not used: identity edges stitch events into \
         persons, and the input is a path summary",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    // Used flags (and flags at their defaults) are not named.
    let (ok, _, stderr) = run(&[
        "attribute".as_ref(),
        "--paths".as_ref(),
        sample("paths.csv").as_os_str(),
        "--model".as_ref(),
        "markov".as_ref(),
        "--markov-order".as_ref(),
        "2".as_ref(),
        "--half-life".as_ref(),
        "7d".as_ref(),
    ]);
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("not used:"), "{stderr}");
}

/// `--quiet` drops what was read and the progress, and keeps every warning: a script that
/// silences the chatter still hears that an effect cannot be identified or a flag was
/// not used.
#[test]
fn quiet_keeps_the_warnings() {
    let sample = |name: &str| repo_root().join("data/sample").join(name);
    let args = |quiet: bool| {
        let mut a: Vec<std::ffi::OsString> = vec!["attribute".into()];
        if quiet {
            a.push("--quiet".into());
        }
        for x in [
            "--events",
            "",
            "--model",
            "self_controlled,last_touch",
            "--half-life",
            "3d",
        ] {
            a.push(if x.is_empty() {
                sample("events.csv").into()
            } else {
                x.into()
            });
        }
        a
    };
    let loud = args(false);
    let (ok, _, all) = run(&loud.iter().map(|a| a.as_os_str()).collect::<Vec<_>>());
    assert!(ok, "{all}");
    let quiet = args(true);
    let (ok, _, kept) = run(&quiet.iter().map(|a| a.as_os_str()).collect::<Vec<_>>());
    assert!(ok, "{kept}");
    let warnings: Vec<&str> = all.lines().filter(|l| l.contains("WARNING")).collect();
    assert!(warnings.len() >= 2, "{all}");
    assert_eq!(kept.lines().collect::<Vec<_>>(), warnings, "{kept}");
    assert!(
        all.contains("rows read") && !kept.contains("rows read"),
        "{kept}"
    );
}
