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
