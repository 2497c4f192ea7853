//! The simulator's known answers: truth sums, determinism, scenarios, the spend world.

use super::*;

/// The truth skips the worlds of a unit that never converts with every channel
/// active; that rests on the hazard only falling as channels are removed. Checked on
/// every scenario: such a unit converts in none of its worlds.
#[test]
fn a_unit_that_never_converts_converts_in_no_world() {
    for (name, _) in SCENARIOS {
        let scenario = Scenario::preset(name, 5).unwrap();
        assert!(scenario.effects_non_negative(), "{name}");
        let engine = Engine::new(&scenario, 11, days_from_civil(2026, 1, 1) * DAY, 400);
        let all = (1u64 << 5) - 1;
        let mut checked = 0;
        for unit in 0..400u64 {
            let draws = engine.prepare(unit);
            if engine.run(&draws, all, None) > 0 || draws.reach == 0 {
                continue;
            }
            for sub in 0..all {
                assert_eq!(
                    engine.run(&draws, sub & draws.reach, None),
                    0,
                    "{name} unit {unit}"
                );
            }
            checked += 1;
        }
        assert!(checked > 100, "{name}: {checked}");
    }
}

/// The response truth's shortcut: with the channels' hazard terms separate, the
/// expected conversions of the world without channel `c` come from the observed
/// life's daily hazards and `c`'s parts of them (`Σ_d e^(−H_d) (e^(A_dc) − 1)`), as
/// living that world gives them: checked on the spend world and on variants that
/// change how terms arise (next-day onset, effects of a fixed size, flat carryover,
/// a retargeting channel).
#[test]
fn the_response_shortcut_equals_living_each_world() {
    let base = Scenario::preset("spend_response", 5).unwrap();
    let mut next_day = base.clone();
    next_day.onset = Onset::NextDay;
    let mut absolute = base.clone();
    absolute.scale = EffectScale::Absolute;
    let mut flat = base.clone();
    flat.channels[1].flat_days = 20;
    flat.channels[1].lift /= 6.0;
    flat.channels[4].retarget = 0.5;
    for scenario in [base, next_day, absolute, flat] {
        let engine = Engine::new(&scenario, 5, days_from_civil(2026, 1, 1) * DAY, 1000);
        assert!(engine.channels_separate());
        let all = (1u64 << 5) - 1;
        let mut checked = 0;
        for unit in 0..300u64 {
            let draws = engine.prepare(unit);
            let mut probe = world::Probe {
                channels: true,
                ..world::Probe::default()
            };
            let conv = engine.run_probed(&draws, all, None, &mut probe);
            assert_eq!(conv, engine.run(&draws, all, None));
            let expected = probe.expected();
            assert!((expected - engine.expected(&draws, all)).abs() < crate::prec::EXACT_TOL);
            for c in 0..5 {
                let shortcut: f64 = probe
                    .hazard
                    .iter()
                    .zip(probe.by_channel.chunks(5))
                    .map(|(h, parts)| (-h).exp() * parts[c].exp_m1())
                    .sum();
                let lived = expected - engine.expected(&draws, all & !(1 << c));
                assert!(
                    (shortcut - lived).abs() < crate::prec::EXACT_TOL,
                    "{unit} {c}"
                );
                checked += usize::from(lived > 0.0);
            }
        }
        assert!(checked > 100, "{checked}");
    }
}

/// A spend plan needs whole periods and conversions that change nothing.
#[test]
fn a_spend_plan_is_validated() {
    let params = |days: u32, satiation: f64| {
        let mut scenario = Scenario::preset("spend_response", 3).unwrap();
        scenario.days = days;
        scenario.satiation = satiation;
        SimParams {
            units: 10,
            scenario,
            seed: 1,
            truth: TruthWork::default(),
        }
        .validate()
        .map_err(|e| e.to_string())
    };
    assert!(params(182, 1.0).is_ok());
    assert_eq!(
        params(180, 1.0).unwrap_err(),
        "invalid days: 180: the scenario spends by periods of 7 days; expected a multiple \
         of 7"
    );
    assert!(params(182, 0.5).unwrap_err().contains("satiation 1"));
}

/// The quick count equals the conversions of the written simulation.
#[test]
fn the_quick_count_equals_the_simulation() {
    let params = SimParams {
        units: 300,
        scenario: Scenario::preset("in_market", 4).unwrap(),
        seed: 3,
        truth: TruthWork::default(),
    };
    let summary = params
        .run(
            &mut std::io::sink(),
            &mut std::io::sink(),
            &mut std::io::sink(),
        )
        .unwrap();
    assert_eq!(params.conversions().unwrap(), summary.conversions);
}

/// A sampled split (every unit by 16 random orders of its channels) is an unbiased
/// estimate of the exact one: over 3,000 people its shares are within 0.02 (total
/// variation) of the exact shares, and the incremental conversions, exact either
/// way, are equal.
#[test]
fn a_sampled_truth_is_close_to_the_exact_one() {
    let run = |truth| {
        SimParams {
            units: 3000,
            scenario: Scenario::preset("direct", 8).unwrap(),
            seed: 5,
            truth,
        }
        .run(
            &mut std::io::sink(),
            &mut std::io::sink(),
            &mut std::io::sink(),
        )
        .unwrap()
    };
    let exact = run(TruthWork::default());
    let sampled = run(TruthWork {
        exact_reach: 0,
        permutations: 16,
    });
    let tv: f64 = exact
        .truth
        .iter()
        .zip(&sampled.truth)
        .map(|(a, b)| (a.shapley_share - b.shapley_share).abs())
        .sum::<f64>()
        / 2.0;
    assert!(tv > 0.0 && tv < 0.02, "{tv}");
    for (a, b) in exact.truth.iter().zip(&sampled.truth) {
        assert!((a.incremental_conversions - b.incremental_conversions).abs() < 1e-9);
    }
}

/// Hand-derived: the expected summed weight `Σ_(j≤N) ρ^(j−1)` of `N ~ Binomial(7, 0.1)`
/// exposures with `ρ = 0.5`, summed over the binomial's terms, equals the closed form
/// `(1 − (1 − p(1 − ρ))^D)/(1 − ρ)`; with `ρ = 1` it is `D p`. And the
/// `spend_frequency` preset decays per channel while `spend_response` does not.
#[test]
fn frequency_weights_have_their_closed_form() {
    let curve = |rho: f64| ReachCurve {
        max_rate: 0.1,
        saturation: 1.0,
        base_spend: 1.0,
        dark_share: 0.0,
        frequency_decay: rho,
    };
    let (p, d, rho) = (0.1f64, 7u32, 0.5f64);
    let mut brute = 0.0;
    for n in 0..=d {
        let choose = (1..=n).fold(1.0, |c, k| c * f64::from(d - n + k) / f64::from(k));
        let prob = choose * p.powi(n as i32) * (1.0 - p).powi((d - n) as i32);
        brute += prob * (0..n).map(|j| rho.powi(j as i32)).sum::<f64>();
    }
    assert!((curve(rho).weighted_per_person(p, 7.0) - brute).abs() < 1e-12);
    assert!((curve(1.0).weighted_per_person(p, 7.0) - 0.7).abs() < 1e-12);
    let decays = |name: &str| -> Vec<f64> {
        Scenario::preset(name, 4)
            .unwrap()
            .spend
            .unwrap()
            .channels
            .iter()
            .map(|c| c.frequency_decay)
            .collect()
    };
    assert_eq!(decays("spend_frequency"), [0.3, 1.0, 0.5, 0.7]);
    assert_eq!(decays("spend_response"), [1.0; 4]);
}
