//! Stage: the simulator with its exact per-person truth (events and identities written to
//! a sink): 200,000 people with 8 paid channels under `targeting` and `b2b` when measuring.

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::simulate::{Scenario, SimParams};

mod common;

fn simulate(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    let units = common::size(200_000, 500);
    for preset in ["targeting", "b2b"] {
        let params = SimParams {
            units,
            scenario: Scenario::preset(preset, 8).unwrap(),
            seed: 7,
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
