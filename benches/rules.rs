//! Stage: rule-based models on a path table (100k distinct paths under `cargo bench`, 1M
//! with `PATHCREDIT_BENCH_LARGE=1`).

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::models::{self, Input, ModelName, ModelSettings};

mod common;

fn rule_models(c: &mut Criterion) {
    let mut group = c.benchmark_group("rules");
    common::configure(&mut group);
    let rows = common::size(1_000_000, 100_000, 2_000);
    let table = common::synthetic_paths(rows, 10);
    let path_models: Vec<ModelName> = ModelName::ALL
        .into_iter()
        .filter(|m| !m.needs_journeys() && *m != ModelName::Custom)
        .collect();
    for model in &path_models {
        group.bench_function(format!("{model}/{rows}_paths"), |b| {
            b.iter(|| {
                models::attribute(&[*model], &ModelSettings::default(), &Input::Paths(&table))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, rule_models);
criterion_main!(benches);
