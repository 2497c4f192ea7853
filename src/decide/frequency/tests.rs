//! Known answers of the frequency effects: conversions drawn inside the test from a known
//! value per exposure by rank are split back within their intervals; a channel whose
//! every exposure is worth the same keeps one value, and says so.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

/// `persons` people over 26 weeks from day 0. Each week a person is exposed to each
/// channel on each of 7 days with probability `rate`; the week's conversions are a
/// Bernoulli draw with probability `q_i + Σ_c (v₁ 1(n ≥ 1) + v₂ 1(n ≥ 2) + v₃ (n − 2)⁺)`,
/// `q_i` the person's own propensity (0.005–0.035, fixed: what the fixed effects absorb).
fn world(persons: u32, channels: &[(&str, f64, [f64; 3])], seed: u64) -> PersonDays {
    weekly_world(persons, channels, seed, &[1.0; 26])
}

/// [`world`] with each week's daily rates scaled by `factors[week]` (spend that varies).
pub(crate) fn weekly_world(
    persons: u32,
    channels: &[(&str, f64, [f64; 3])],
    seed: u64,
    factors: &[f64; 26],
) -> PersonDays {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = PersonDays {
        persons: persons as usize,
        ..PersonDays::default()
    };
    for i in 0..persons {
        let q: f64 = rng.gen_range(0.005..0.035);
        for week in 0..26i64 {
            let mut p = q;
            for (name, rate, v) in channels {
                let mut n = 0;
                for day in 0..7 {
                    if rng.gen_bool(rate * factors[week as usize]) {
                        n += 1;
                        out.touches
                            .entry(name.to_string())
                            .or_default()
                            .push((i, week * 7 + day));
                    }
                }
                p += v[0] * f64::from(u8::from(n >= 1))
                    + v[1] * f64::from(u8::from(n >= 2))
                    + v[2] * f64::from((n - 2).max(0));
            }
            if rng.gen_bool(p.min(1.0)) {
                out.conversions.push((i, week * 7 + 3));
            }
        }
    }
    out
}

/// Channel `a`: a 2nd exposure in a week worth 0.4 of the 1st, a 3rd+ 0.2 (v = 0.03,
/// 0.012, 0.006); channel `b`: every exposure worth 0.02. The estimate recovers `a`'s
/// ratios within their 95% intervals and shows the effect; `b`'s test does not reject
/// and it keeps one value, with a note that says so.
#[test]
fn a_known_frequency_decay_is_recovered_and_a_constant_is_kept() {
    let persons = world(
        20_000,
        &[
            ("a", 0.12, [0.03, 0.012, 0.006]),
            ("b", 0.10, [0.02, 0.02, 0.02]),
        ],
        7,
    );
    let channels = ["a".to_string(), "b".to_string()];
    let effects = frequency_effects(&persons, &channels, 0, 7, 26);
    let a = &effects["a"];
    assert_eq!(a.groups, 3, "{a:?}");
    assert!(a.shown, "{a:?}");
    for (g, truth) in [(1, 0.4), (2, 0.2)] {
        let (r, s) = (a.relative[g], a.relative_se[g]);
        assert!(
            (r - truth).abs() <= value::Z_975 * s,
            "rank {g}: {r} ± {s} against {truth}: {a:?}"
        );
        assert!(s < 0.15, "{a:?}");
    }
    assert!(a.p_value.unwrap() < 1e-4, "{a:?}");
    assert!(a.summary().starts_with("2nd 0."), "{}", a.summary());
    let b = &effects["b"];
    assert!(!b.shown, "{b:?}");
    assert_eq!(b.relative, [1.0; 3]);
    assert_eq!(b.summary(), "none shown");
    assert!(
        b.note()
            .contains("no frequency effect distinguishable from constant"),
        "{}",
        b.note()
    );
    // The reach model of a binomial week (7 days at 0.12) is near Poisson: R₁ within 1%.
    let m = a.reach.unwrap();
    let e = 20_000.0 * 7.0 * 0.12;
    let r1 = 20_000.0 * (1.0 - 0.88f64.powi(7));
    assert!((m.reach(e) / r1 - 1.0).abs() < 0.01, "{m:?}");
    // Effective exposures: a period with E exposures is worth R₁ + 0.4 R₂ + 0.2 (E − R₁ − R₂)
    // first exposures under the estimate, fewer than E.
    assert!(a.effective(e, &a.relative) < 0.8 * e);
    assert_eq!(b.effective(e, &b.relative), e);
}

/// With repeats too rare to value apart, the channel keeps one value and says why.
#[test]
fn too_few_repeats_keep_one_value() {
    let persons = world(2_000, &[("a", 0.005, [0.03, 0.0, 0.0])], 3);
    let effects = frequency_effects(&persons, &["a".to_string()], 0, 7, 26);
    let a = &effects["a"];
    assert_eq!(a.groups, 1);
    assert!(!a.shown);
    assert!(a.why.contains("too few repeated exposures"), "{}", a.why);
}

/// Holm's adjustment, worked by hand: p = (0.01, 0.04, 0.03, 0.005) sorted is 0.005,
/// 0.01, 0.03, 0.04; times 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04; running maximum 0.02,
/// 0.03, 0.06, 0.06. A channel without a test stays without one.
#[test]
fn holm_adjusts_as_worked_by_hand() {
    let p = [Some(0.01), Some(0.04), None, Some(0.03), Some(0.005)];
    let got = holm(&p);
    let want = [Some(0.03), Some(0.06), None, Some(0.06), Some(0.02)];
    for (g, w) in got.iter().zip(want) {
        match (g, w) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{got:?}"),
            (None, None) => {}
            _ => panic!("{got:?}"),
        }
    }
    // One test: no adjustment; values capped at 1.
    assert_eq!(holm(&[Some(0.2)]), vec![Some(0.2)]);
    assert_eq!(holm(&[Some(0.6), Some(0.7)]), vec![Some(1.0), Some(1.0)]);
}

/// Properties: an adjusted p-value is never below its own, and reordering the channels
/// reorders the adjusted values alike.
#[test]
fn holm_is_conservative_and_order_free() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for _ in 0..200 {
        let n = rng.gen_range(1..8);
        let p: Vec<Option<f64>> = (0..n)
            .map(|_| rng.gen_bool(0.8).then(|| rng.gen_range(0.0..1.0)))
            .collect();
        let a = holm(&p);
        for (raw, adj) in p.iter().zip(&a) {
            assert_eq!(raw.is_some(), adj.is_some());
            if let (Some(r), Some(j)) = (raw, adj) {
                assert!(j >= r && *j <= 1.0);
            }
        }
        let reversed: Vec<Option<f64>> = p.iter().rev().copied().collect();
        let b: Vec<Option<f64>> = holm(&reversed).into_iter().rev().collect();
        assert_eq!(a, b);
    }
}
