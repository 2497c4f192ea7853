//! Stage: reading a path summary CSV into a canonical PathTable (100k and 10k rows under
//! `cargo bench`, 1M and 100k with `PATHCREDIT_BENCH_LARGE=1`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pathcredit::bench_data::PathSynth;
use pathcredit::{PathReadOptions, PathTable};

mod common;

fn read_path_summary(c: &mut Criterion) {
    let mut group = c.benchmark_group("path_table");
    common::configure(&mut group);
    for (rows, channels) in [
        (common::size(1_000_000, 100_000, 2_000), 10),
        (common::size(100_000, 10_000, 2_000), 30),
    ] {
        let table = PathSynth {
            paths: rows,
            channels,
            ..PathSynth::default()
        }
        .generate()
        .unwrap();
        let mut csv = Vec::new();
        table.write_csv(&mut csv).unwrap();
        group.throughput(Throughput::Bytes(csv.len() as u64));
        group.bench_function(format!("read_csv/{rows}_paths_{channels}_channels"), |b| {
            b.iter(|| {
                PathTable::read_csv(csv.as_slice(), "bench.csv", &PathReadOptions::default())
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, read_path_summary);
criterion_main!(benches);
