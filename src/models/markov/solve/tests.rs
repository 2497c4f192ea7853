//! The solver against dense references, and how it stores and sums.

use super::kernels::{pairwise_additions, pairwise_products};
use super::*;
use crate::bench_data::PathSynth;
use crate::models::markov::chain::StateConvention;

/// The chain of 3,000 synthetic paths over `channels` channels at order 2: one cyclic
/// component of `channels²` window states (above [`DENSE_MAX`] from 14 channels, so
/// swept) and the single-channel states of one-touch paths.
fn chain(channels: usize) -> Chain {
    let paths = PathSynth {
        paths: 3_000,
        channels,
        ..PathSynth::default()
    }
    .generate()
    .unwrap();
    Chain::build(&paths, 2, StateConvention::Windows, 1_000_000, None).unwrap()
}

/// Reference: `(I − Q) x = r` on the states not removed (chain numbering), by one
/// dense LU of the whole active system (Kemeny & Snell 1960, ch. III), independent
/// of components. Returns `x` and `u` from start.
fn dense_reference(system: &System, removed: &[bool]) -> (f64, f64) {
    let stored = &system.stored;
    let n = stored.len();
    let active: Vec<usize> = (0..n).filter(|&i| !removed[stored[i] as usize]).collect();
    let mut place = vec![usize::MAX; n];
    for (k, &i) in active.iter().enumerate() {
        place[i] = k;
    }
    let k = active.len();
    let mut a = vec![0.0; k * k];
    for (row, &i) in active.iter().enumerate() {
        a[row * k + row] += 1.0;
        let (cols, probs) = system.row(i);
        for (&t, &p) in cols.iter().zip(probs) {
            if place[t as usize] != usize::MAX {
                a[row * k + place[t as usize]] -= p;
            }
        }
    }
    let lu = Lu::factor(a, k).unwrap();
    let mut x: Vec<f64> = active.iter().map(|&i| system.r[i]).collect();
    let mut u: Vec<f64> = active.iter().map(|&i| system.rv[i]).collect();
    lu.solve(&mut x);
    lu.solve(&mut u);
    let start = place[system.start];
    (x[start], u[start])
}

/// The states each channel's removal fixes.
fn removals_of(chain: &Chain, channels: usize) -> Vec<Vec<u32>> {
    (0..channels)
        .map(|c| {
            (1..chain.len())
                .filter(|&s| chain.channels_of(s).any(|x| x as usize == c))
                .map(|s| s as u32)
                .collect()
        })
        .collect()
}

/// Every removal (and the whole chain) gives what a dense solve of its own system gives,
/// within its proven bound, which is within the tolerance: removals of a state on no
/// cycle (`P − n x`), of states in one cyclic component (that component solved again,
/// directly or by sweeps) and of states in several components (the whole chain solved
/// again, eight at a time, the last pass padded).
#[test]
fn every_removal_equals_a_dense_solve_of_its_own_system() {
    // Order 1 over synthetic paths, and 40 more channels on no cycle: each the first
    // touch of some paths, or the last.
    let order_one = |channels: usize| {
        let synth = PathSynth {
            paths: 3_000,
            channels,
            ..PathSynth::default()
        }
        .generate()
        .unwrap();
        let mut b = crate::journeys::PathTable::builder();
        for row in synth.rows() {
            let names: Vec<&str> = row.path.iter().map(|&c| synth.channels().name(c)).collect();
            b.push(&names, row.conversions, row.value, row.nulls);
        }
        for k in 0..40 {
            let (extra, inner) = (
                format!("x{k:02}"),
                synth.channels().name((k % channels) as u32),
            );
            let path = if k % 2 == 0 {
                [extra.as_str(), inner]
            } else {
                [inner, extra.as_str()]
            };
            b.push(&path, (k % 3) as f64, k as f64, 1.0 + (k % 4) as f64);
        }
        let table = b.finish();
        (
            Chain::build(&table, 1, StateConvention::Windows, 1_000_000, None).unwrap(),
            table.channels().len(),
        )
    };
    let cases = [
        (chain(3), 3),
        (chain(15), 15),
        order_one(15),
        order_one(300),
    ];
    for (i, (chain, channels)) in cases.iter().enumerate() {
        let system = System::new(chain, 1e-12).unwrap();
        let structure = system.structure();
        match i {
            1 => assert_eq!(structure.swept_components, 1, "order 2: swept"),
            2 | 3 => {
                let (direct, swept) = if i == 2 { (1, 0) } else { (0, 1) };
                assert_eq!(
                    structure.direct_components, direct,
                    "order 1: {structure:?}"
                );
                assert_eq!(structure.swept_components, swept, "order 1: {structure:?}");
                assert_eq!(structure.acyclic_states, 41, "{structure:?}");
            }
            _ => {}
        }
        let fixed = removals_of(chain, *channels);
        let solved = system.solve_removals(&fixed, f64::INFINITY).unwrap();
        assert_eq!(solved.each.len(), *channels);
        let nothing = vec![false; chain.len()];
        let all = std::iter::once((&solved.full, nothing.clone())).chain(solved.each.iter().zip(
            fixed.iter().map(|states| {
                let mut removed = nothing.clone();
                for &s in states {
                    removed[s as usize] = true;
                }
                removed
            }),
        ));
        for (c, (got, removed)) in all.enumerate() {
            // The large case: every 30th removal of the cyclic part and every third of
            // a state on no cycle (each dense reference is a solve of 341 states).
            if i == 3 && c % if c <= 300 { 30 } else { 3 } != 0 {
                continue;
            }
            let (x, u) = dense_reference(&system, &removed);
            assert!(
                (got.x - x).abs() <= got.error_bound.max(1e-14) * 1.01,
                "case {i}, removal {c}: {} against {x} (bound {})",
                got.x,
                got.error_bound
            );
            assert!(
                (got.u - u).abs() <= 1e-9 * u.max(1.0),
                "case {i}, removal {c}: value {} against {u}",
                got.u
            );
            assert!(
                got.error_bound <= 1e-12,
                "case {i}, removal {c}: bound {}",
                got.error_bound
            );
        }
    }
}

/// Issue 31, item 3: one solve of a large cyclic part per channel in it costs the square
/// of the channels; above `markov_max_work` the fit is refused with the estimate before
/// any removal is solved.
#[test]
fn removals_past_the_work_bound_are_refused_with_the_estimate() {
    let table = PathSynth {
        paths: 3_000,
        channels: 300,
        ..PathSynth::default()
    }
    .generate()
    .unwrap();
    let chain = Chain::build(&table, 1, StateConvention::Windows, 1_000_000, None).unwrap();
    let system = System::new(&chain, 1e-12).unwrap();
    let fixed = removals_of(&chain, 300);
    let err = system
        .solve_removals(&fixed, 1e5)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with("markov: removing each of the ")
            && err.contains("channels whose states lie in a cyclic part of ")
            && err.contains("more than `markov_max_work` (1.0e5)"),
        "{err}"
    );
    assert!(system.solve_removals(&fixed, 1e9).is_ok());
}

/// A long row is summed in halves: each product goes through about `log2` of the
/// row's length additions, and the sums are what summing term by term gives, within
/// that many roundings.
#[test]
fn long_rows_are_summed_pairwise() {
    assert_eq!(pairwise_additions(1), 0);
    assert_eq!(pairwise_additions(16), 15);
    assert_eq!(pairwise_additions(17), 1 + 8);
    assert_eq!(pairwise_additions(32), 16);
    assert_eq!(pairwise_additions(27_000), 11 + 13);
    let n = 27_000;
    let cols: Vec<u32> = (0..n as u32).rev().collect();
    let probs: Vec<f64> = (0..n).map(|i| 1.0 / (n as f64 + i as f64)).collect();
    let v: Vec<[f64; 2]> = (0..n)
        .map(|i| [(i as f64).sin(), -(i as f64).cos()])
        .collect();
    let (qv, size) = pairwise_products(&cols, &probs, &v);
    for j in 0..2 {
        let (mut sum, mut abs) = (0.0f64, 0.0f64);
        for (&t, &p) in cols.iter().zip(&probs) {
            sum += p * v[t as usize][j];
            abs += (p * v[t as usize][j]).abs();
        }
        let margin = (n + 26) as f64 * ROUNDOFF * abs;
        assert!((qv[j] - sum).abs() <= margin, "side {j}");
        assert!((size[j] - abs).abs() <= margin, "side {j}");
    }
}

/// A swept component is stored in window order, so a window's successors lie side by
/// side; the start state is found where it is stored.
#[test]
fn swept_states_are_stored_in_window_order() {
    let chain = chain(15);
    let system = System::new(&chain, 1e-12).unwrap();
    let stored: Vec<usize> = system.stored.iter().map(|&s| s as usize).collect();
    let swept = system
        .components
        .iter()
        .find(|c| c.method == Method::Sweeps)
        .unwrap();
    let windows: Vec<Vec<u32>> = stored[swept.start..swept.end]
        .iter()
        .map(|&s| chain.channels_of(s).collect())
        .collect();
    assert!(windows.windows(2).all(|w| w[0] < w[1]), "lexicographic");
    assert_eq!(stored[system.start], 0);
    // Every swept state's successors inside the component are windows starting with
    // its suffix, and every place between the first and the last of them holds such
    // a window: they are read as one run.
    for i in swept.start..swept.end {
        let suffix = &windows[i - swept.start][1..];
        let (cols, _) = system.row(i);
        let inside: Vec<usize> = cols
            .iter()
            .map(|&t| t as usize)
            .filter(|t| (swept.start..swept.end).contains(t))
            .collect();
        if let (Some(&first), Some(&last)) = (inside.first(), inside.last()) {
            for t in first..=last {
                assert_eq!(&windows[t - swept.start][..suffix.len()], suffix);
            }
        }
    }
}
