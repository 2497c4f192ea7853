//! Shapley engine and games: known answers (issue 5; each re-derived below) and the
//! axioms as properties, against brute-force enumeration.

use pathcredit::PathTable;
use pathcredit::models::shapley::{Game, exact, sampled, shapley_from_table};
use pathcredit::models::{Attribution, LinearUnique, OrderedShapley, ShapleyGame, ShapleyParams};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A game given by its value table (bit i of the index = player i).
struct Table(usize, Vec<f64>, Option<f64>);

impl Game for Table {
    fn players(&self) -> usize {
        self.0
    }
    fn value(&self, members: &[bool]) -> f64 {
        let mask = members
            .iter()
            .enumerate()
            .fold(0usize, |m, (i, &b)| m | (usize::from(b) << i));
        self.1[mask]
    }
    fn marginal_range(&self) -> Option<f64> {
        self.2
    }
}

/// Shapley values by enumerating every permutation (independent of the engine).
fn by_permutations(n: usize, v: &[f64]) -> Vec<f64> {
    fn permute(
        prefix: &mut Vec<usize>,
        left: &mut Vec<usize>,
        v: &[f64],
        phi: &mut [f64],
        count: &mut f64,
    ) {
        if left.is_empty() {
            *count += 1.0;
            let mut mask = 0;
            for &p in prefix.iter() {
                phi[p] += v[mask | 1 << p] - v[mask];
                mask |= 1 << p;
            }
            return;
        }
        for k in 0..left.len() {
            let p = left.remove(k);
            prefix.push(p);
            permute(prefix, left, v, phi, count);
            prefix.pop();
            left.insert(k, p);
        }
    }
    let mut phi = vec![0.0; n];
    let mut count = 0.0;
    permute(
        &mut Vec::new(),
        &mut (0..n).collect(),
        v,
        &mut phi,
        &mut count,
    );
    phi.iter().map(|x| x / count).collect()
}

/// Shapley values by the subset formula with explicit factorials.
fn by_subsets(n: usize, v: &[f64]) -> Vec<f64> {
    let fact = |k: usize| (1..=k).map(|x| x as f64).product::<f64>();
    (0..n)
        .map(|i| {
            (0..1usize << n)
                .filter(|m| m >> i & 1 == 0)
                .map(|m| {
                    let s = m.count_ones() as usize;
                    fact(s) * fact(n - s - 1) / fact(n) * (v[m | 1 << i] - v[m])
                })
                .sum()
        })
        .collect()
}

fn assert_all_close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < tol, "{a:?} vs {b:?}");
    }
}

#[test]
fn glove_game() {
    // Players 1, 2 hold right gloves, player 3 a left glove; v = 1 for a coalition
    // with a pair: φ = 1/6, 1/6, 2/3 (the textbook glove game).
    let v: Vec<f64> = (0..8usize)
        .map(|m| f64::from(u8::from(m & 4 != 0 && m & 3 != 0)))
        .collect();
    assert_all_close(
        &exact(&Table(3, v, None)).unwrap(),
        &[1.0 / 6.0, 1.0 / 6.0, 2.0 / 3.0],
        1e-12,
    );
}

#[test]
fn owner_and_three_workers() {
    // An owner and three workers each adding 10 when the owner is present:
    // owner 15, each worker 5.
    let v: Vec<f64> = (0..16usize)
        .map(|m| {
            if m & 1 != 0 {
                10.0 * (m >> 1).count_ones() as f64
            } else {
                0.0
            }
        })
        .collect();
    assert_all_close(
        &exact(&Table(4, v, None)).unwrap(),
        &[15.0, 5.0, 5.0, 5.0],
        1e-12,
    );
}

fn paths(rows: &[(&str, f64, f64)]) -> PathTable {
    crate::common::path_table(rows, 2.0)
}

#[test]
fn counting_game_exact_sets() {
    // Exact-set conversions A 10, B 5, C 0, AB 6, AC 3, BC 9, ABC 12. Closed form
    // Σ_{T∋i} c(T)/|T|: A = 10 + 6/2 + 3/2 + 12/3 = 18.5, B = 5 + 3 + 4.5 + 4 = 16.5,
    // C = 0 + 1.5 + 4.5 + 4 = 10; equal to linear over unique channels.
    let t = paths(&[
        ("A", 10.0, 0.0),
        ("B", 5.0, 0.0),
        ("C", 0.0, 1.0),
        ("A > B", 6.0, 0.0),
        ("A > C", 3.0, 0.0),
        ("B > C", 9.0, 0.0),
        ("A > B > C", 12.0, 0.0),
    ]);
    let credit = ShapleyParams::default()
        .game(ShapleyGame::Simplified)
        .attribute(&t)
        .unwrap();
    let unique = LinearUnique.attribute(&t).unwrap();
    for (ch, expect) in [("A", 18.5), ("B", 16.5), ("C", 10.0)] {
        assert!((credit.get(ch).unwrap().conversions - expect).abs() < 1e-12);
        assert!((unique.get(ch).unwrap().conversions - expect).abs() < 1e-12);
    }
    // The engine on the counting game v(S) = Σ_{T⊆S} c(T) agrees with the closed form.
    let exact_sets = [
        (1usize, 10.0),
        (2, 5.0),
        (4, 0.0),
        (3, 6.0),
        (5, 3.0),
        (6, 9.0),
        (7, 12.0),
    ];
    let v: Vec<f64> = (0..8usize)
        .map(|m| {
            exact_sets
                .iter()
                .filter(|(t, _)| t & m == *t)
                .map(|(_, c)| c)
                .sum()
        })
        .collect();
    assert_all_close(
        &exact(&Table(3, v, None)).unwrap(),
        &[18.5, 16.5, 10.0],
        1e-12,
    );
}

#[test]
fn exact_set_conversion_rate_game() {
    // v(S) = the conversion rate of exactly S: A 20/200, B 10/200, C 5/100,
    // AB 30/150, AC 12/80, BC 9/90, ABC 25/100, v(∅) = 0. With weights 1/3, 1/6, 1/3:
    // φ_A = (0.1 + (0.2−0.05)/2 + (0.15−0.05)/2 + (0.25−0.1)) / 3 = 1/8; likewise
    // φ_B = 3/40, φ_C = 1/20. A user-supplied value function, against brute force.
    let mut v = vec![0.0; 8];
    for (mask, c, j) in [
        (1, 20.0, 200.0),
        (2, 10.0, 200.0),
        (4, 5.0, 100.0),
        (3, 30.0, 150.0),
        (5, 12.0, 80.0),
        (6, 9.0, 90.0),
        (7, 25.0, 100.0),
    ] {
        v[mask] = c / j;
    }
    let phi = exact(&Table(3, v.clone(), None)).unwrap();
    assert_all_close(&phi, &[1.0 / 8.0, 3.0 / 40.0, 1.0 / 20.0], 1e-12);
    assert_all_close(&phi, &by_permutations(3, &v), 1e-12);
}

#[test]
fn simplified_game_known_answers() {
    // a (4), a > b (6): a = 4 + 6/2 = 7, b = 3. a > b > c > d (10): 2.5 each.
    let credit = ShapleyParams::default()
        .game(ShapleyGame::Simplified)
        .attribute(&paths(&[("a", 4.0, 0.0), ("a > b", 6.0, 0.0)]))
        .unwrap();
    assert_eq!(credit.get("a").unwrap().conversions, 7.0);
    assert_eq!(credit.get("b").unwrap().conversions, 3.0);
    let credit = ShapleyParams::default()
        .game(ShapleyGame::Simplified)
        .attribute(&paths(&[("a > b > c > d", 10.0, 0.0)]))
        .unwrap();
    for ch in ["a", "b", "c", "d"] {
        assert_eq!(credit.get(ch).unwrap().conversions, 2.5);
    }
}

#[test]
fn rate_game_exact_and_sampled_agree_and_sampled_credit_has_intervals() {
    let t = paths(&[
        ("a > b", 30.0, 70.0),
        ("b", 5.0, 95.0),
        ("a", 20.0, 80.0),
        ("c > a", 10.0, 10.0),
        ("c", 1.0, 99.0),
        ("b > c > a", 8.0, 12.0),
    ]);
    let exact_fit = ShapleyParams::default().fit(&t).unwrap();
    let sampled_fit = ShapleyParams::default()
        .samples(Some(4000))
        .seed(7)
        .fit(&t)
        .unwrap();
    let exact_credit = exact_fit.credit();
    let sampled_credit = sampled_fit.credit();
    for (e, s) in exact_credit.channels.iter().zip(&sampled_credit.channels) {
        let (lo, hi) = (s.conversions_lo.unwrap(), s.conversions_hi.unwrap());
        assert!(
            lo <= e.conversions && e.conversions <= hi,
            "{e:?} outside [{lo}, {hi}]"
        );
        assert!(e.conversions_lo.is_none());
    }
}

#[test]
fn ordered_shapley_splits_over_positions_and_sums_to_simplified() {
    // a > b > a (6 conversions): 2 distinct channels → a gets 3, split 1.5 at
    // positions 1 and 3; b gets 3 at position 2.
    let t = paths(&[("a > b > a", 6.0, 1.0), ("b", 2.0, 0.0)]);
    let positions = OrderedShapley.positions(&t);
    let get = |ch: &str, pos: usize| {
        positions
            .iter()
            .find(|p| p.channel == ch && p.position == pos)
            .map_or(0.0, |p| p.conversions)
    };
    assert_eq!(get("a", 1), 1.5);
    assert_eq!(get("a", 3), 1.5);
    assert_eq!(get("b", 2), 3.0);
    assert_eq!(get("b", 1), 2.0);
}

/// A random game on `n` players with values in [0, 1] (v(∅) random too).
fn random_game(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..1usize << n).map(|_| rng.r#gen::<f64>()).collect()
}

#[test]
fn sampling_lands_within_its_hoeffding_bound_in_at_least_95_percent_of_trials() {
    let n = 6;
    let v = random_game(n, 11);
    let exact_phi = shapley_from_table(&v, n);
    let game = Table(n, v, Some(2.0));
    let (mut inside, mut total) = (0, 0);
    for trial in 0..100u64 {
        let s = sampled(&game, 200, 1000 + trial).unwrap();
        let h = s.hoeffding.as_ref().unwrap();
        for i in 0..n {
            total += 1;
            if (s.phi[i] - exact_phi[i]).abs() <= h[i] {
                inside += 1;
            }
        }
    }
    assert!(inside as f64 >= 0.95 * total as f64, "{inside} of {total}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn exact_transform_equals_brute_force(n in 1usize..=10, seed in any::<u64>()) {
        let v = random_game(n, seed);
        let phi = shapley_from_table(&v, n);
        let brute = if n <= 6 { by_permutations(n, &v) } else { by_subsets(n, &v) };
        for (a, b) in phi.iter().zip(&brute) {
            prop_assert!((a - b).abs() < 1e-10, "{phi:?} vs {brute:?}");
        }
    }

    #[test]
    fn axioms(n in 2usize..=8, seed in any::<u64>()) {
        let v = random_game(n, seed);
        let phi = shapley_from_table(&v, n);
        // Efficiency.
        let full = (1usize << n) - 1;
        prop_assert!((phi.iter().sum::<f64>() - (v[full] - v[0])).abs() < 1e-10);
        // Null player: make player 0 add nothing anywhere.
        let mut null = v.clone();
        for m in (0..1usize << n).filter(|m| m & 1 == 1) {
            null[m] = null[m ^ 1];
        }
        prop_assert!(shapley_from_table(&null, n)[0].abs() < 1e-12);
        // Symmetry: make players 0 and 1 interchangeable.
        let mut sym = v.clone();
        for m in 0..1usize << n {
            if m & 1 == 1 && m & 2 == 0 {
                sym[m] = sym[m ^ 3];
            }
        }
        let s = shapley_from_table(&sym, n);
        prop_assert!((s[0] - s[1]).abs() < 1e-10);
        // Linearity: φ(v + 2w) = φ(v) + 2 φ(w).
        let w = random_game(n, seed ^ 0x5eed);
        let sum: Vec<f64> = v.iter().zip(&w).map(|(a, b)| a + 2.0 * b).collect();
        let (pv, pw, ps) = (shapley_from_table(&v, n), shapley_from_table(&w, n), shapley_from_table(&sum, n));
        for i in 0..n {
            prop_assert!((ps[i] - pv[i] - 2.0 * pw[i]).abs() < 1e-10);
        }
    }

    #[test]
    fn ordered_summed_over_positions_equals_simplified(
        rows in prop::collection::vec((prop::collection::vec(0usize..5, 1..7), 0u32..20, 0u32..5), 1..20)
    ) {
        let names = ["a", "b", "c", "d", "e"];
        let mut b = PathTable::builder();
        for (p, c, n) in &rows {
            let steps: Vec<&str> = p.iter().map(|&i| names[i]).collect();
            b.push(&steps, f64::from(*c), f64::from(*c) * 3.0, f64::from(*n));
        }
        let t = b.finish();
        prop_assume!(t.total_conversions() > 0.0);
        let ordered = OrderedShapley.attribute(&t).unwrap();
        let simplified = ShapleyParams::default().game(ShapleyGame::Simplified).attribute(&t).unwrap();
        for (o, s) in ordered.channels.iter().zip(&simplified.channels) {
            prop_assert!((o.conversions - s.conversions).abs() < 1e-9);
            prop_assert!((o.value - s.value).abs() < 1e-9);
        }
    }

    #[test]
    fn rate_credit_sums_to_totals_and_relabelling_permutes_it(
        rows in prop::collection::vec((prop::collection::vec(0usize..4, 1..5), 1u32..20, 1u32..30), 1..15),
        keep in any::<bool>(),
    ) {
        let names = ["a", "b", "c", "d"];
        let relabel = ["d", "c", "b", "a"];
        let build = |labels: &[&str; 4]| {
            let mut b = PathTable::builder();
            for (p, c, n) in &rows {
                let steps: Vec<&str> = p.iter().map(|&i| labels[i]).collect();
                b.push(&steps, f64::from(*c), f64::from(*c) * 5.0, f64::from(*n));
            }
            b.finish()
        };
        let policy = if keep { "keep" } else { "clip" };
        let params = ShapleyParams::default().negative(policy.parse().unwrap());
        let t = build(&names);
        let credit = params.attribute(&t).unwrap();
        prop_assert!((credit.conversions_sum() - t.total_conversions()).abs() < 1e-9 * t.total_conversions());
        prop_assert!((credit.value_sum() - t.total_value()).abs() < 1e-9 * t.total_value());
        let permuted = params.attribute(&build(&relabel)).unwrap();
        for (i, name) in names.iter().enumerate() {
            if let (Some(x), Some(y)) = (credit.get(name), permuted.get(relabel[i])) {
                prop_assert!((x.conversions - y.conversions).abs() < 1e-9);
            }
        }
    }
}

/// Issue 14, item 20: an exact solve that needs more memory than allowed is refused
/// before it allocates, saying what it needs and to sample instead.
#[test]
fn an_exact_solve_beyond_the_memory_limit_is_refused_up_front() {
    let mut b = PathTable::builder();
    let names: Vec<String> = (0..20).map(|i| format!("c{i:02}")).collect();
    for name in &names {
        b.push(&[name.as_str()], 1.0, 0.0, 1.0);
    }
    let paths = b.finish();
    // 2^20 coalitions × 3 tables × 8 bytes = 24 MiB.
    let err = ShapleyParams::default()
        .memory_limit(Some(16 << 20))
        .fit(&paths)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("an exact solve over 20 channels (2^20 coalitions) needs about 24.0 MiB")
            && err.contains("`shapley_samples`"),
        "{err}"
    );
    assert!(
        ShapleyParams::default()
            .memory_limit(Some(32 << 20))
            .fit(&paths)
            .is_ok()
    );
}
