//! Markov removal effect: known answers (hand-derived; the numbers are those of issue 4,
//! each re-derived in the comment) and properties, including a seeded Monte Carlo walk
//! estimator that must converge to the exact solve.

use std::collections::HashMap;

use pathcredit::PathTable;
use pathcredit::models::markov::StateConvention;
use pathcredit::models::{FittedMarkov, MarkovParams};
use pathcredit::prec::{SUM_REL_TOL, close};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Known answers agree to this (the solver's proven error bound is 1e-12).
const TOL: f64 = 1e-10;

fn table(rows: &[(&str, f64, f64)]) -> PathTable {
    let mut b = PathTable::builder();
    for (path, conv, nulls) in rows {
        let steps: Vec<&str> = path.split(" > ").collect();
        b.push(&steps, *conv, 0.0, *nulls);
    }
    b.finish()
}

fn fit(rows: &[(&str, f64, f64)], params: MarkovParams) -> FittedMarkov {
    params.fit(&table(rows)).unwrap()
}

fn effect(m: &FittedMarkov, channel: &str) -> (f64, f64, f64) {
    let e = m
        .removal_effects()
        .into_iter()
        .find(|e| e.channel == channel)
        .unwrap();
    (e.removal_effect, e.share, e.conversions)
}

fn assert_close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < TOL, "{what}: {a} vs {b}");
}

#[test]
fn three_channels() {
    // C1>C2>C3 (1 conv), C1 (1 null), C2>C3 (1 null). start→C1 2/3, start→C2 1/3;
    // C1→C2 1/2, C1→null 1/2; C2→C3 1; C3→conv 1/2. P = 2/3·1/2·1/2 + 1/3·1/2 = 1/3.
    // Without C1: 1/3·1/2 = 1/6 (RE 1/2); without C2 or C3: 0 (RE 1). Shares 0.2/0.4/0.4.
    let m = fit(
        &[
            ("C1 > C2 > C3", 1.0, 0.0),
            ("C1", 0.0, 1.0),
            ("C2 > C3", 0.0, 1.0),
        ],
        MarkovParams::default(),
    );
    assert_close(m.p_conversion(), 1.0 / 3.0, "P");
    for (ch, re, share) in [("C1", 0.5, 0.2), ("C2", 1.0, 0.4), ("C3", 1.0, 0.4)] {
        let (r, s, _) = effect(&m, ch);
        assert_close(r, re, ch);
        assert_close(s, share, ch);
    }
}

#[test]
fn google_and_mailing() {
    // google (2 conv + 1 null, merged), mailing (1), google>mailing (1): 5 journeys, 4
    // conversions, P = 0.8. Without google: only `mailing` converts, 1/5 → RE 3/4;
    // without mailing: google converts 2 of its 4 starts → 2/5 → RE 1/2. Credit
    // 3/4 ÷ 5/4 × 4 = 2.4 and 1.6.
    let m = fit(
        &[
            ("google", 2.0, 0.0),
            ("mailing", 1.0, 0.0),
            ("google > mailing", 1.0, 0.0),
            ("google", 0.0, 1.0),
        ],
        MarkovParams::default(),
    );
    assert_close(m.p_conversion(), 0.8, "P");
    let (re_g, _, c_g) = effect(&m, "google");
    let (re_m, _, c_m) = effect(&m, "mailing");
    assert_close(re_g, 0.75, "RE google");
    assert_close(re_m, 0.5, "RE mailing");
    assert_close(c_g, 2.4, "credit google");
    assert_close(c_m, 1.6, "credit mailing");
}

#[test]
fn a_then_b_or_c() {
    // a>b (3 conv, 1 null), a>c (1, 1): P = 4/6. RE a = 1; without b: 1/6 left → RE 3/4;
    // without c: 3/6 → RE 1/4. Credit 4 × (1, 3/4, 1/4) / 2 = 2, 1.5, 0.5.
    let m = fit(
        &[("a > b", 3.0, 1.0), ("a > c", 1.0, 1.0)],
        MarkovParams::default(),
    );
    for (ch, credit) in [("a", 2.0), ("b", 1.5), ("c", 0.5)] {
        assert_close(effect(&m, ch).2, credit, ch);
    }
}

#[test]
fn a_loop_is_solved_not_shortcut() {
    // A>B>A (1 conv), B (1 null), A>B (1 null). x_A = 2/3 x_B + 1/3, x_B = 1/3 x_A →
    // x_A = 3/7, x_B = 1/7, P = 2/3·3/7 + 1/3·1/7 = 1/3. Without A: 0 (RE 1); without
    // B: 2/3·1/3 = 2/9 (RE 1/3). Shares 3/4, 1/4. Summing the probabilities of the
    // observed converting paths instead would give 1/2, 1/2.
    let m = fit(
        &[
            ("A > B > A", 1.0, 0.0),
            ("B", 0.0, 1.0),
            ("A > B", 0.0, 1.0),
        ],
        MarkovParams::default(),
    );
    assert_close(m.p_conversion(), 1.0 / 3.0, "P");
    assert_close(effect(&m, "A").1, 0.75, "share A");
    assert_close(effect(&m, "B").1, 0.25, "share B");
    assert!(
        (effect(&m, "A").1 - 0.5).abs() > 0.1,
        "not the path-probability shortcut"
    );
}

#[test]
fn repeats_with_and_without_collapsing() {
    // A>A>B (2, 1), B>B (1, 2), A (0, 1): x_B = 1/2 (self-loops only rescale), x_A =
    // 3/4 x_B = 3/8, P = 4/7·3/8 + 3/7·1/2 = 3/7. Without A: 3/14 (RE 1/2); without
    // B: 0 (RE 1). Credit 3 × (1/2, 1) / (3/2) = 1, 2. The same on pre-collapsed paths.
    let raw = fit(
        &[
            ("A > A > B", 2.0, 1.0),
            ("B > B", 1.0, 2.0),
            ("A", 0.0, 1.0),
        ],
        MarkovParams::default(),
    );
    let collapsed = fit(
        &[("A > B", 2.0, 1.0), ("B", 1.0, 2.0), ("A", 0.0, 1.0)],
        MarkovParams::default(),
    );
    for m in [&raw, &collapsed] {
        assert_close(m.p_conversion(), 3.0 / 7.0, "P");
        assert_close(effect(m, "A").0, 0.5, "RE A");
        assert_close(effect(m, "B").0, 1.0, "RE B");
        assert_close(effect(m, "A").2, 1.0, "credit A");
        assert_close(effect(m, "B").2, 2.0, "credit B");
    }
}

#[test]
fn first_order_versus_start_padded_second_order() {
    // Issue 4: order 1 credit A 23/19, B 24/19, C 48/19; padded order 2 credit A 25/21,
    // B 10/7, C 50/21.
    let rows = [
        ("A > B > C", 2.0, 1.0),
        ("B > C", 1.0, 2.0),
        ("A > C", 1.0, 1.0),
        ("C", 1.0, 3.0),
        ("A > B", 0.0, 2.0),
    ];
    let m1 = fit(&rows, MarkovParams::default());
    for (ch, credit) in [("A", 23.0 / 19.0), ("B", 24.0 / 19.0), ("C", 48.0 / 19.0)] {
        assert_close(effect(&m1, ch).2, credit, ch);
    }
    let m2 = fit(
        &rows,
        MarkovParams::default()
            .order(2)
            .states(StateConvention::Padded),
    );
    for (ch, credit) in [("A", 25.0 / 21.0), ("B", 10.0 / 7.0), ("C", 50.0 / 21.0)] {
        assert_close(effect(&m2, ch).2, credit, ch);
    }
}

#[test]
fn channel_only_on_non_converting_paths_has_zero_effect_and_no_nulls_warns() {
    let m = fit(
        &[("a > b", 2.0, 1.0), ("z", 0.0, 5.0)],
        MarkovParams::default(),
    );
    assert_eq!(effect(&m, "z").0, 0.0);
    let all_convert = fit(
        &[("a > b", 2.0, 0.0), ("a", 1.0, 0.0)],
        MarkovParams::default(),
    );
    assert!(
        all_convert
            .credit()
            .notes
            .iter()
            .any(|n| n.contains("no non-converting paths"))
    );
}

/// A seeded Monte Carlo estimate of P (with channel `removed` sending walks to null)
/// from the fitted transition matrix.
fn simulate(m: &FittedMarkov, removed: Option<&str>, walks: usize, seed: u64) -> f64 {
    let mut next: HashMap<String, Vec<(String, f64)>> = HashMap::new();
    for t in m.transition_matrix() {
        next.entry(t.from).or_default().push((t.to, t.probability));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut converted = 0usize;
    for _ in 0..walks {
        let mut state = "(start)".to_string();
        loop {
            let u: f64 = rng.r#gen();
            let mut acc = 0.0;
            let options = &next[&state];
            let to = options
                .iter()
                .find(|(_, p)| {
                    acc += p;
                    u < acc
                })
                .unwrap_or(&options[options.len() - 1])
                .0
                .clone();
            if to == "(conversion)" {
                converted += 1;
                break;
            }
            if to == "(null)" || removed.is_some_and(|c| to.split(" > ").any(|part| part == c)) {
                break;
            }
            state = to;
        }
    }
    converted as f64 / walks as f64
}

#[test]
fn monte_carlo_walks_converge_to_the_exact_solve() {
    let rows = [
        ("A > B > C", 20.0, 10.0),
        ("B > C > B", 10.0, 20.0),
        ("A > C > A > C", 10.0, 10.0),
        ("C", 10.0, 30.0),
        ("A > B", 0.0, 20.0),
        ("B > A > B > A", 5.0, 5.0),
    ];
    for order in [1, 2] {
        let m = fit(&rows, MarkovParams::default().order(order));
        let walks = 200_000;
        for removed in [None, Some("A"), Some("B"), Some("C")] {
            let exact = match removed {
                None => m.p_conversion(),
                Some(c) => m.p_conversion() * (1.0 - effect(&m, c).0),
            };
            let estimate = simulate(&m, removed, walks, 7);
            let se = (exact * (1.0 - exact) / walks as f64).sqrt().max(1e-9);
            assert!(
                (estimate - exact).abs() < 4.0 * se,
                "order {order}, removed {removed:?}: {estimate} vs {exact}"
            );
        }
    }
}

fn rows_strategy() -> impl Strategy<Value = Vec<(Vec<usize>, f64, f64, f64)>> {
    let row = (
        prop::collection::vec(0usize..5, 1..6),
        prop_oneof![Just(0.0), (1u32..20).prop_map(f64::from), 0.1..10.0f64],
        0.0..500.0f64,
        prop_oneof![Just(0.0), (1u32..30).prop_map(f64::from)],
    );
    prop::collection::vec(row, 1..15).prop_filter("conversions and nulls", |rows| {
        rows.iter().any(|r| r.1 > 0.0) && rows.iter().any(|r| r.3 > 0.0)
    })
}

fn build(rows: &[(Vec<usize>, f64, f64, f64)], collapse: bool) -> PathTable {
    const NAMES: [&str; 5] = ["a", "b", "c", "d", "e"];
    let mut b = PathTable::builder();
    for (path, c, v, n) in rows {
        let mut steps: Vec<&str> = path.iter().map(|&i| NAMES[i]).collect();
        if collapse {
            steps.dedup();
        }
        b.push(&steps, *c, if *c > 0.0 { *v } else { 0.0 }, *n);
    }
    b.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn shares_sum_to_one_credit_to_totals_and_effects_in_unit_interval(rows in rows_strategy(), order in 1usize..=3, padded in any::<bool>()) {
        let t = build(&rows, false);
        let states = if padded { StateConvention::Padded } else { StateConvention::Windows };
        let m = MarkovParams::default().order(order).states(states).fit(&t).unwrap();
        let effects = m.removal_effects();
        for e in &effects {
            prop_assert!((0.0..=1.0).contains(&e.removal_effect));
            prop_assert!((0.0..=1.0).contains(&e.value_removal_effect));
        }
        let credit = m.credit();
        prop_assert!(close(credit.conversions_sum(), t.total_conversions(), SUM_REL_TOL));
        prop_assert!(close(credit.value_sum(), t.total_value(), SUM_REL_TOL));
        let shares: f64 = effects.iter().map(|e| e.share).sum();
        prop_assert!(close(shares, 1.0, SUM_REL_TOL));
        // Flow conservation of the fitted chain: P equals the observed conversion rate
        // and E[value] the observed value per journey, for every order and convention.
        let journeys = t.total_conversions() + t.total_nulls();
        prop_assert!((m.p_conversion() - t.total_conversions() / journeys).abs() < 1e-11);
        prop_assert!((m.expected_value() - t.total_value() / journeys).abs() < 1e-9 * t.total_value().max(1.0));
    }

    #[test]
    fn row_order_is_irrelevant(rows in rows_strategy(), order in 1usize..=3) {
        let mut reversed = rows.clone();
        reversed.reverse();
        let a = MarkovParams::default().order(order).fit(&build(&rows, false)).unwrap();
        let b = MarkovParams::default().order(order).fit(&build(&reversed, false)).unwrap();
        prop_assert_eq!(a.credit(), b.credit());
    }

    #[test]
    fn first_order_effects_unchanged_by_collapsing_repeats(rows in rows_strategy()) {
        let raw = MarkovParams::default().fit(&build(&rows, false)).unwrap();
        let collapsed = MarkovParams::default().fit(&build(&rows, true)).unwrap();
        for (x, y) in raw.removal_effects().iter().zip(collapsed.removal_effects()) {
            prop_assert!((x.removal_effect - y.removal_effect).abs() < 1e-10);
            prop_assert!((x.value_removal_effect - y.value_removal_effect).abs() < 1e-10);
        }
    }
}

/// Issue 14, item 18: one path of a million touches solves (it used to fail with "did
/// not reach the tolerance" or a false "expected steps diverge"). Hand-derived: the path
/// `(a > b)^N` converting once and a path `a` ending in null. Order 1: `start → a`
/// (weight 2), `a → b` N/(N+1), `a → null` 1/(N+1), `b → a` (N−1)/N, `b → conversion`
/// 1/N, so `x_b = 1/N + (N−1)/N · N/(N+1) · x_b` gives `x_b = (N+1)/(2N)` and
/// `P = x_a = 1/2` for every N. Order 2: `start → (a,b)` ½ and `start → (a)` ½ (null);
/// `(a,b) ⇄ (b,a)` with conversion 1/N from `(a,b)` only: `x = 1`, `P = 1/2`.
#[test]
fn a_path_of_a_million_touches_is_solved() {
    for (touches, order) in [(1_000_000usize, 1usize), (100_000, 2)] {
        let path: Vec<&str> = (0..touches)
            .map(|i| if i % 2 == 0 { "a" } else { "b" })
            .collect();
        let mut b = PathTable::builder();
        b.push(&path, 1.0, 0.0, 0.0);
        b.push(&["a"], 0.0, 0.0, 1.0);
        let m = MarkovParams::default()
            .order(order)
            .fit(&b.finish())
            .unwrap();
        let bound = m.details().solver_error_bound;
        assert!(bound < 1e-6, "order {order}: error bound {bound}");
        assert!(
            (m.p_conversion() - 0.5).abs() <= bound.max(1e-12),
            "order {order}: P = {} (bound {bound})",
            m.p_conversion()
        );
        let credit: f64 = m.removal_effects().iter().map(|e| e.conversions).sum();
        assert_close(credit, 1.0, "credit sums to the conversions");
    }
}

/// Issue 14, item 21: a chain over the state bound is refused up front, with the count.
#[test]
fn a_chain_over_the_state_bound_is_refused_with_its_count() {
    let t = table(&[("a > b > c > d", 1.0, 0.0), ("d > c > b > a", 0.0, 1.0)]);
    let err = MarkovParams::default()
        .order(2)
        .max_states(4)
        .fit(&t)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("order 2 makes 7 states") && err.contains("`markov_max_states` (4)"),
        "{err}"
    );
    // `auto` stops at the bound: orders 1 (5 states) only.
    let m = MarkovParams::default()
        .order_choice(pathcredit::models::MarkovOrder::Auto)
        .max_states(5)
        .fit(&t)
        .unwrap();
    assert_eq!(m.order_selection().unwrap().len(), 1);
}

/// Issue 31, item 9: at order 1 the removal of a channel whose state lies on no cycle
/// needs no solve of its own: a walk visits such a state at most once, so
/// `P₋c = P − n_c x_c` (`n_c` its expected visits from the start, `x_c` its conversion
/// probability), and the removals cost the whole chain's solve and one solve of its
/// expected visits, linear in the transitions. Before, every removal was a solve of the
/// whole chain, eight at a time: 60,000 such channels ran past 120 s (release); now a
/// fraction of a second. Known answer: a channel alone on its paths has removal effect
/// `conversions of its paths / all conversions`. The two channels of a cycle (`a ⇄ b`) are
/// still solved on that cycle; by hand (moves weighted by conversions plus nulls): `a`
/// goes to `b`, conversion, null with weights 4, 4, 3 and `b` always to `a`, so
/// `x_a = x_b = 4/7` and the 7 journeys into the cycle convert 4 times; without `a` none
/// do (effect `4 / total`), without `b` the 4 journeys starting at `a` convert `4 · 4/11`
/// times (effect `(4 − 16/11) / total`). Credit sums to the conversions.
#[test]
fn sixty_thousand_channels_on_no_cycle_are_removed_in_linear_time() {
    let conversions = |k: usize| 1.0 + (k % 3) as f64;
    let names: Vec<String> = (0..60_000).map(|k| format!("c{k:05}")).collect();
    let mut b = PathTable::builder();
    for (k, name) in names.iter().enumerate() {
        b.push(&[name.as_str()], conversions(k), 0.0, 2.0);
    }
    b.push(&["a", "b", "a"], 3.0, 0.0, 1.0);
    b.push(&["b", "a"], 1.0, 0.0, 2.0);
    let table = b.finish();
    let total: f64 = (0..60_000).map(conversions).sum::<f64>() + 4.0;
    let started = std::time::Instant::now();
    let m = MarkovParams::default().fit(&table).unwrap();
    let took = started.elapsed();
    let effects: HashMap<String, f64> = m
        .removal_effects()
        .into_iter()
        .map(|e| (e.channel, e.removal_effect))
        .collect();
    for (k, name) in names.iter().enumerate().step_by(997) {
        assert_close(effects[name], conversions(k) / total, name);
    }
    assert_close(effects["a"], 4.0 / total, "a");
    assert_close(effects["b"], (4.0 - 16.0 / 11.0) / total, "b");
    let credited: f64 = m.credit().channels.iter().map(|c| c.conversions).sum();
    assert!(close(credited, total, SUM_REL_TOL), "{credited} vs {total}");
    assert!(took.as_secs_f64() < 30.0, "took {took:?}");
}
