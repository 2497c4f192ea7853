//! Stage: the simulator with its exact per-person truth (events and identities written to
//! a sink), 8 paid channels: `targeting` with 20,000 people under `cargo bench` (200,000 with
//! `PATHCREDIT_BENCH_LARGE=1`), `b2b` with a tenth as many accounts.

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::simulate::{Scenario, SimParams, TruthWork};

mod common;

fn simulate(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulate");
    common::configure(&mut group);
    // A b2b unit is an account of 1-5 contacts over a longer cycle: about 20 times the
    // work of a targeting person, so it runs at a tenth of the size.
    for (preset, units) in [
        ("targeting", common::size(200_000, 20_000, 500)),
        ("b2b", common::size(20_000, 2_000, 100)),
    ] {
        let params = SimParams {
            units,
            scenario: Scenario::preset(preset, 8).unwrap(),
            seed: 7,
            truth: TruthWork::default(),
        };
        group.bench_function(format!("{preset}/{units}_units_8_channels"), |b| {
            b.iter(|| {
                params
                    .run(
                        &mut std::io::sink(),
                        &mut std::io::sink(),
                        &mut std::io::sink(),
                    )
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, simulate);
criterion_main!(benches);
