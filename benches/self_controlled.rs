//! Stage: the self-controlled model's fit on the whole logs of converting people
//! (50,000 simulated people, 8 paid channels, `targeting`, when measuring), apart from
//! reading and building.

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::journeys::{JourneyParams, build_journeys};
use pathcredit::models::self_controlled::SelfControlledParams;
use pathcredit::simulate::{Scenario, SimParams, TruthWork};

mod common;

fn self_controlled(c: &mut Criterion) {
    let mut group = c.benchmark_group("self_controlled");
    common::configure(&mut group);
    let units = common::size(50_000, 50_000, 2_000);
    let (mut events, mut identities) = (Vec::new(), Vec::new());
    SimParams {
        units,
        scenario: Scenario::preset("targeting", 8).unwrap(),
        seed: 7,
        truth: TruthWork::default(),
    }
    .run(&mut events, &mut identities, &mut std::io::sink())
    .unwrap();
    let params = JourneyParams {
        censor: Some(None),
        keep_timelines: true,
        ..JourneyParams::default()
    };
    let built = build_journeys(
        &mut events.as_slice(),
        "events.csv",
        Some((&mut identities.as_slice(), "identities.csv")),
        &params,
    )
    .unwrap();
    let logs = built.timelines.expect("kept");
    let model =
        SelfControlledParams::default().ignore(vec!["direct".into(), "organic_search".into()]);
    group.bench_function(format!("fit/{units}_people_8_channels"), |b| {
        b.iter(|| model.fit(&logs).unwrap().credit())
    });
    group.finish();
}

criterion_group!(benches, self_controlled);
criterion_main!(benches);
