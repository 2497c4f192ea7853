//! Stage: building journeys and the path summary from raw events (100k events under
//! `cargo bench`, 1M with `PATHCREDIT_BENCH_LARGE=1`; a small log under `cargo test`),
//! and interning the events' user ids (1M rows under `cargo bench`, 10M large).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pathcredit::bench_data::EventSynth;
use pathcredit::channel::Dictionary;
use pathcredit::journeys::{JourneyParams, build_journeys};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod common;

fn build_from_events(c: &mut Criterion) {
    let synth = EventSynth {
        persons: common::size(146_000, 14_600, 500),
        ..EventSynth::default()
    };
    let (mut events, mut identities) = (Vec::new(), Vec::new());
    let counts = synth.write(&mut events, &mut identities).unwrap();
    let mut group = c.benchmark_group("journeys");
    common::configure(&mut group);
    group.throughput(Throughput::Elements(counts.events));
    group.bench_function(
        format!("build_and_path_table/{}_events", counts.events),
        |b| {
            b.iter(|| {
                let built = build_journeys(
                    &mut events.as_slice(),
                    "events.csv",
                    Some((&mut identities.as_slice(), "identities.csv")),
                    &JourneyParams::default(),
                )
                .unwrap();
                built.journeys.path_table()
            })
        },
    );
    group.finish();
}

/// User ids as the journeys bench's events carry them: 12 hex digits, about 4.5 rows per
/// id, rows in no order. Interning them one by one against [`Dictionary::intern_many`],
/// which asks for each lookup's memory ahead of time; both give the same ids.
fn intern_user_ids(c: &mut Criterion) {
    let rows = common::size(10_000_000, 1_000_000, 2_000);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let ids: Vec<String> = (0..rows * 2 / 9)
        .map(|_| format!("{:012x}", rng.r#gen::<u64>() >> 16))
        .collect();
    let mut order: Vec<usize> = (0..rows).map(|i| i % ids.len()).collect();
    order.shuffle(&mut rng);
    // Side by side in row order, as the reader hands them over (12 bytes each).
    let arena: String = order.iter().map(|&i| ids[i].as_str()).collect();
    let names: Vec<&str> = (0..rows).map(|i| &arena[12 * i..12 * (i + 1)]).collect();
    let mut group = c.benchmark_group("user_ids");
    common::configure(&mut group);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function(format!("intern_one_by_one/{rows}_rows"), |b| {
        b.iter(|| {
            let mut dict = Dictionary::new();
            let ids: Vec<u32> = names.iter().map(|n| dict.intern(n)).collect();
            (dict.len(), ids)
        })
    });
    group.bench_function(format!("intern_many/{rows}_rows"), |b| {
        b.iter(|| {
            let mut dict = Dictionary::new();
            let mut ids = Vec::new();
            dict.intern_many(names.iter().copied(), &mut ids);
            (dict.len(), ids)
        })
    });
    group.finish();
}

criterion_group!(benches, build_from_events, intern_user_ids);
criterion_main!(benches);
