//! Stage: the exact Markov model (chain build, solve, every removal) on synthetic path
//! summaries with 10 and 30 channels, orders 1 and 3: 100k distinct paths under `cargo
//! bench`, 1M with `PATHCREDIT_BENCH_LARGE=1`.

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::models::MarkovParams;

mod common;

fn markov(c: &mut Criterion) {
    let mut group = c.benchmark_group("markov");
    common::configure(&mut group);
    let rows = common::size(1_000_000, 100_000, 2_000);
    for channels in [10, 30] {
        let table = common::synthetic_paths(rows, channels);
        for order in [1, 3] {
            group.bench_function(
                format!("order_{order}/{rows}_paths_{channels}_channels"),
                |b| {
                    b.iter(|| {
                        MarkovParams::default()
                            .order(order)
                            .fit(&table)
                            .unwrap()
                            .credit()
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, markov);
criterion_main!(benches);
