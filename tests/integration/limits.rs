//! Hardening (issue 31): what a flag, an environment variable or an input can make a run
//! take is bounded before it is taken (threads, memory, line length), and refused with
//! the number when it is too much.

use std::time::{Duration, Instant};

use crate::common::pathcredit;

/// Issue 31, item 4: `RAYON_NUM_THREADS=100000` would start a hundred thousand threads
/// (before: the sample's 0.05 s run took over 120 s; 2,000 threads took 13 s); the
/// global pool is bounded by the cores, so the run is as fast as without it and writes
/// the same bytes. A smaller request is honoured (one thread gives the same bytes too).
#[test]
fn a_huge_thread_request_is_bounded_by_the_cores() {
    let run = |threads: Option<&str>| {
        let mut cmd = pathcredit();
        cmd.args(["attribute", "--paths", "data/sample/paths.csv", "-q"]);
        if let Some(t) = threads {
            cmd.env("RAYON_NUM_THREADS", t);
        }
        let start = Instant::now();
        let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        (out.stdout, start.elapsed())
    };
    let (plain, _) = run(None);
    let (huge, took) = run(Some("100000"));
    assert_eq!(huge, plain);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(run(Some("1")).0, plain);
}

/// Issue 31, item 5: an input with no line break (`/dev/zero`) was read whole looking for
/// the header's end (4 GB before failing); every reader bounds a line at 64 MiB and
/// fails fast naming it, and so does `merge` telling the kind of a shard.
#[test]
fn an_input_without_line_breaks_fails_fast_naming_the_line() {
    for args in [
        &["attribute", "--paths", "/dev/zero"][..],
        &["attribute", "--transitions", "/dev/zero"],
        &["attribute", "--events", "/dev/zero"],
        &["merge", "/dev/zero"],
    ] {
        let start = Instant::now();
        let out = pathcredit()
            .args(args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let took = start.elapsed();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(
                "error: /dev/zero: line 1: line 1 is longer than 64.0 MiB (the most one line \
                 may hold); expected CSV rows, each ending in a line break"
            ),
            "{args:?}: {err}"
        );
        assert!(took < Duration::from_secs(10), "{args:?}: took {took:?}");
    }
}
