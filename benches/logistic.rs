//! Stage: the logistic model (features, cross-validation, diagnostic and final fits,
//! per-journey Shapley credit) on journeys from the event generator (20,000 people under
//! `cargo bench`, 100,000 with `PATHCREDIT_BENCH_LARGE=1`).

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::bench_data::EventSynth;
use pathcredit::journeys::{JourneyParams, build_journeys};
use pathcredit::models::LogisticParams;

mod common;

fn logistic(c: &mut Criterion) {
    let synth = EventSynth {
        persons: common::size(100_000, 20_000, 400),
        channels: 30,
        ..EventSynth::default()
    };
    let (mut events, mut identities) = (Vec::new(), Vec::new());
    synth.write(&mut events, &mut identities).unwrap();
    let journeys = build_journeys(
        &mut events.as_slice(),
        "events.csv",
        Some((&mut identities.as_slice(), "identities.csv")),
        &JourneyParams::default(),
    )
    .unwrap()
    .journeys;
    let mut group = c.benchmark_group("logistic");
    common::configure(&mut group);
    group.bench_function(
        format!("fit_and_credit/{}_journeys_30_channels", journeys.len()),
        |b| {
            b.iter(|| {
                LogisticParams::default()
                    .fit_journeys(&journeys)
                    .unwrap()
                    .credit()
            })
        },
    );
    group.finish();
}

criterion_group!(benches, logistic);
criterion_main!(benches);
