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

/// Removals solved eight at a time (the last pass padded), with the whole chain as
/// one more removal, give what a dense solve of each removal's own system gives,
/// within their proven bounds, and what solving each removal alone gives.
#[test]
fn removals_solved_together_equal_each_removal_solved_densely() {
    for channels in [3, 15] {
        let chain = chain(channels);
        let system = System::new(&chain, 1e-12).unwrap();
        if channels == 15 {
            assert_eq!(
                system.structure().swept_components,
                1,
                "the cyclic part is swept"
            );
        }
        let removed_by = |c: usize| -> Vec<bool> {
            (0..chain.len())
                .map(|s| s != 0 && chain.channels_of(s).any(|x| x as usize == c))
                .collect()
        };
        let together = system
            .solve_removals(channels + 1, |s, c| c < channels && removed_by(c)[s])
            .unwrap();
        assert_eq!(together.len(), channels + 1);
        for (c, got) in together.iter().enumerate() {
            let removed = if c < channels {
                removed_by(c)
            } else {
                vec![false; chain.len()]
            };
            let (x, u) = dense_reference(&system, &removed);
            assert!(
                (got.x - x).abs() <= got.error_bound.max(1e-13) * 1.01,
                "removal {c}: {} against {x} (bound {})",
                got.x,
                got.error_bound
            );
            assert!((got.u - u).abs() <= 1e-9 * u.max(1.0), "removal {c}: value");
            assert!(
                got.error_bound <= 1e-12,
                "removal {c}: bound {}",
                got.error_bound
            );
            let alone = system.solve_removals(1, |s, _| removed[s]).unwrap();
            assert!((alone[0].x - got.x).abs() <= 2e-12, "removal {c}: alone");
        }
    }
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
