//! Stage: Shapley values on synthetic path summaries of 100,000 distinct paths: the
//! exact rate game at 16 and 20 channels, and antithetic samples at 100 channels (500
//! under `cargo bench`, 2,000 with `PATHCREDIT_BENCH_LARGE=1`).
//! (25 channels exact and the adaptive sampler are measured by whole-process runs;
//! see README.)

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::bench_data::PathSynth;
use pathcredit::models::ShapleyParams;

mod common;

fn shapley(c: &mut Criterion) {
    let mut group = c.benchmark_group("shapley");
    common::configure(&mut group);
    let rows = common::size(100_000, 100_000, 1_000);
    for (channels, samples) in [
        (16, None),
        (20, None),
        (100, Some(common::size(2_000, 500, 20))),
    ] {
        let table = PathSynth {
            paths: rows,
            channels,
            max_len: 30,
            ..PathSynth::default()
        }
        .generate()
        .unwrap();
        let method = if samples.is_some() {
            "sampled"
        } else {
            "exact"
        };
        group.bench_function(
            format!("rate_{method}/{rows}_paths_{channels}_channels"),
            |b| {
                b.iter(|| {
                    ShapleyParams::default()
                        .samples(samples)
                        .fit(&table)
                        .unwrap()
                        .credit()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, shapley);
criterion_main!(benches);
