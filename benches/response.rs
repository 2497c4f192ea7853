//! Stage: budget from measured response (issue 30). Fit response curves for 50 channels
//! × 104 weeks, draw 1,000 bootstrap curves per channel, and solve the plan under the
//! point curves and under every draw (fixed total, bounds ±30% of today's spend); the
//! target is ≤ 2 s on 2 cores. A third of the channels are exponential, a third concave
//! Hill curves and a third S-curves (Hill, s > 1), so draws solve by KKT and by the
//! grid alike. Under `cargo test` it runs once on 5 channels and 20 draws.

use criterion::{Criterion, criterion_group, criterion_main};
use pathcredit::decide::response::{
    ChannelDraws, Curve, Target, UncertainPlan, UncertaintyParams, bootstrap_fit,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod common;

/// One channel's weekly spend and exposures, its today's spend and value per exposure.
struct Series {
    points: Vec<(f64, f64)>,
    today: f64,
    value_per_unit: f64,
}

/// `channels` channels of `weeks` weeks from seeded true curves with 5% noise.
fn world(channels: usize, weeks: usize) -> Vec<Series> {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    (0..channels)
        .map(|c| {
            let base = rng.gen_range(50.0..500.0);
            let a = base * rng.gen_range(2.0..10.0);
            let k = base * rng.gen_range(0.5..2.0);
            let truth = match c % 3 {
                0 => Curve::Exponential { a, k },
                1 => Curve::Hill {
                    a,
                    k,
                    s: rng.gen_range(0.6..1.0),
                },
                _ => Curve::Hill {
                    a,
                    k,
                    s: rng.gen_range(1.2..2.5),
                },
            };
            let points = (0..weeks)
                .map(|_| {
                    let x = if rng.gen_bool(0.05) {
                        0.0
                    } else {
                        base * rng.gen_range(0.5..1.5)
                    };
                    let noise = 1.0 + 0.05 * rng.gen_range(-1.7..1.7);
                    (x, truth.value(x) * noise)
                })
                .collect();
            Series {
                points,
                today: base,
                value_per_unit: rng.gen_range(0.5..2.0),
            }
        })
        .collect()
}

/// Fit, bootstrap and plan with uncertainty.
fn run(world: &[Series], draws: usize) -> UncertainPlan {
    let channels: Vec<ChannelDraws> = world
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let boot = bootstrap_fit(&s.points, draws, 42 + i as u64).unwrap();
            ChannelDraws::from_bootstrap(
                format!("ch{i:02}"),
                &boot,
                s.value_per_unit,
                s.today,
                0.7 * s.today,
                1.3 * s.today,
            )
        })
        .collect();
    let total = world.iter().map(|s| s.today).sum();
    UncertaintyParams::default()
        .solve(&channels, Target::Total(total))
        .unwrap()
}

fn response(c: &mut Criterion) {
    let mut group = c.benchmark_group("response");
    common::configure(&mut group);
    let channels = common::size(50, 50, 5);
    let draws = common::size(1_000, 1_000, 20);
    let data = world(channels, 104);
    group.bench_function(
        format!("fit_bootstrap_plan/{channels}_channels_104_weeks_{draws}_draws"),
        |b| b.iter(|| run(&data, draws)),
    );
    group.finish();
}

criterion_group!(benches, response);
criterion_main!(benches);
