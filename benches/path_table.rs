//! Stage: reading a path summary CSV into a canonical PathTable (100k and 10k rows under
//! `cargo bench`, 1M and 100k with `PATHCREDIT_BENCH_LARGE=1`), and making the canonical
//! table of rows in no order with repeated paths, as aggregating journeys does (every
//! row of a table split in two, the halves shuffled).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pathcredit::{PathReadOptions, PathTable};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

mod common;

fn read_path_summary(c: &mut Criterion) {
    let mut group = c.benchmark_group("path_table");
    common::configure(&mut group);
    for (rows, channels) in [
        (common::size(1_000_000, 100_000, 2_000), 10),
        (common::size(100_000, 10_000, 2_000), 30),
    ] {
        let table = common::synthetic_paths(rows, channels);
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

fn aggregate_unsorted_rows(c: &mut Criterion) {
    let mut group = c.benchmark_group("path_table");
    common::configure(&mut group);
    let rows = common::size(1_000_000, 100_000, 2_000);
    let table = common::synthetic_paths(rows, 10);
    // Each row twice (its counts halved), in a fixed shuffled order.
    let mut order: Vec<usize> = (0..2 * table.len()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(1));
    let mut builder = PathTable::builder();
    for name in table.channels().names() {
        builder.channels_mut().intern(name);
    }
    for &i in &order {
        let row = table.row(i / 2);
        builder.push_ids(
            row.path,
            row.conversions / 2.0,
            row.value / 2.0,
            row.nulls / 2.0,
        );
    }
    group.throughput(Throughput::Elements(order.len() as u64));
    group.bench_function(format!("finish/{}_rows_unsorted", order.len()), |b| {
        b.iter_batched(
            || builder.clone(),
            |builder| builder.finish(),
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, read_path_summary, aggregate_unsorted_rows);
criterion_main!(benches);
