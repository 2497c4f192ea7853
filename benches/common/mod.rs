//! Shared by the benches: problem sizes in three tiers, and measurement times.
//!
//! * under `cargo test --benches` / `--all-targets` each bench runs once on tiny data;
//! * `cargo bench` measures default sizes, chosen so the whole suite takes a few minutes;
//! * `PATHCREDIT_BENCH_LARGE=1 cargo bench` measures the sizes the README quotes
//!   (1M paths, 1M events, 200,000 simulated people), which takes 20 minutes or more.

use std::time::Duration;

/// True when criterion runs for measurement (`cargo bench`), false under `cargo test
/// --benches` / `cargo test --all-targets`, where each bench runs once on small data.
#[allow(dead_code)]
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// True when `PATHCREDIT_BENCH_LARGE` is set to anything but empty or `0`.
#[allow(dead_code)]
pub fn large() -> bool {
    std::env::var("PATHCREDIT_BENCH_LARGE").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `large` with `PATHCREDIT_BENCH_LARGE`, `default` under `cargo bench`, `test` under
/// `cargo test`.
#[allow(dead_code)]
pub fn size(large: usize, default: usize, test: usize) -> usize {
    match (measuring(), self::large()) {
        (false, _) => test,
        (true, false) => default,
        (true, true) => large,
    }
}

/// Ten samples per bench; at default sizes a 1 s warm-up and 3 s of measurement (criterion
/// stretches that when ten samples need longer), at large sizes criterion's 3 s and 5 s.
#[allow(dead_code)]
pub fn configure<M: criterion::measurement::Measurement>(
    group: &mut criterion::BenchmarkGroup<'_, M>,
) {
    group.sample_size(10);
    if !large() {
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));
    }
}

/// A synthetic path summary of `paths` distinct paths over `channels` channels, the
/// generator's other settings at their defaults (`generate-paths --seed 1`).
#[allow(dead_code)]
pub fn synthetic_paths(paths: usize, channels: usize) -> pathcredit::PathTable {
    pathcredit::bench_data::PathSynth {
        paths,
        channels,
        ..pathcredit::bench_data::PathSynth::default()
    }
    .generate()
    .unwrap()
}
