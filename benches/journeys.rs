//! Stage: building journeys and the path summary from raw events (100k events under
//! `cargo bench`, 1M with `PATHCREDIT_BENCH_LARGE=1`; a small log under `cargo test`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pathcredit::bench_data::EventSynth;
use pathcredit::journeys::{JourneyParams, build_journeys};

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

criterion_group!(benches, build_from_events);
criterion_main!(benches);
