//! Tests of the chain's states and transition counts.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn table(rows: &[(&[&str], f64, f64)]) -> PathTable {
    let mut b = PathTable::builder();
    for (p, c, n) in rows {
        b.push(p, *c, 0.0, *n);
    }
    b.finish()
}

fn state_names(paths: &PathTable, order: usize, conv: StateConvention) -> Vec<String> {
    let chain = Chain::build(paths, order, conv, usize::MAX, None).unwrap();
    (0..chain.len())
        .map(|s| chain.name(s, paths.channels()))
        .collect()
}

#[test]
fn windows_convention_collapses_repeated_windows_and_keeps_short_paths_whole() {
    let t = table(&[(&["a", "a", "a", "b"], 1.0, 0.0), (&["c"], 0.0, 1.0)]);
    // a>a>a>b: windows (a,a) (a,a) (a,b) → collapsed (a,a) (a,b); c is one state.
    assert_eq!(
        state_names(&t, 2, StateConvention::Windows),
        ["(start)", "a > a", "a > b", "c"]
    );
    let chain = Chain::build(&t, 2, StateConvention::Windows, usize::MAX, None).unwrap();
    assert_eq!(chain.conv[2], 1.0);
    assert_eq!(chain.null[3], 1.0);
}

#[test]
fn padded_convention_pads_with_start() {
    let t = table(&[(&["a", "b", "c"], 1.0, 0.0)]);
    assert_eq!(
        state_names(&t, 2, StateConvention::Padded),
        ["(start)", "(start) > a", "a > b", "b > c"]
    );
}

#[test]
fn counts_weight_every_transition_by_conversions_plus_nulls() {
    let t = table(&[(&["a", "b"], 3.0, 1.0), (&["a", "c"], 1.0, 1.0)]);
    let chain = Chain::build(&t, 1, StateConvention::Windows, usize::MAX, None).unwrap();
    // states: start, a, b, c. start → a: 4 + 2.
    assert_eq!(&chain.col[chain.row_ptr[0]..chain.row_ptr[1]], &[1]);
    assert_eq!(chain.count[chain.row_ptr[0]], 6.0);
    assert_eq!(chain.out[1], 6.0);
    assert_eq!((chain.conv[2], chain.null[2]), (3.0, 1.0));
}

/// Each state's absorbing weights and transitions, by state key, bit for bit.
fn by_key(chain: &Chain) -> BTreeMap<u64, (Vec<u64>, BTreeMap<u64, u64>)> {
    (0..chain.len())
        .map(|s| {
            let moves = (chain.row_ptr[s]..chain.row_ptr[s + 1])
                .map(|k| (chain.keys[chain.col[k] as usize], chain.count[k].to_bits()))
                .collect();
            let absorbed = [chain.conv[s], chain.null[s], chain.value[s]];
            (chain.keys[s], (absorbed.map(f64::to_bits).to_vec(), moves))
        })
        .collect()
}

proptest! {
    /// At order 1 a padded state is a window state: the first-order build (a state
    /// per channel, counted as rows are read) gives the chain the general build
    /// gives (states interned as met), bit for bit by state, once the states the
    /// general build never met are left out (each state's total outgoing weight to
    /// rounding: it adds the transitions in state order); fractional and zero
    /// weights, repeats.
    #[test]
    fn first_order_build_equals_the_general_build(
        rows in prop::collection::vec(
            (prop::collection::vec(0usize..5, 1..7), 0u32..4, 0u32..3, 0u32..9),
            1..40,
        ),
    ) {
        let names = ["a", "b", "c", "d", "e"];
        let mut b = PathTable::builder();
        for (path, conv, nulls, value) in &rows {
            let path: Vec<&str> = path.iter().map(|&c| names[c]).collect();
            b.push(&path, f64::from(*conv) / 3.0, f64::from(*value) / 7.0, f64::from(*nulls));
        }
        let t = b.finish();
        let first = Chain::build(&t, 1, StateConvention::Windows, usize::MAX, None);
        let general = Chain::build(&t, 1, StateConvention::Padded, usize::MAX, None);
        let (first, general) = match (first, general) {
            (Ok(f), Ok(g)) => (f, g),
            (f, g) => {
                prop_assert_eq!(f.err().map(|e| e.to_string()), g.err().map(|e| e.to_string()));
                return Ok(());
            }
        };
        prop_assert_eq!(first.weightless_rows, general.weightless_rows);
        let mut want = by_key(&first);
        // States the general build never met: every weight zero, no transition.
        want.retain(|key, (absorbed, moves)| {
            general.keys.contains(key) || !(absorbed.iter().all(|&w| w == 0) && moves.is_empty())
        });
        prop_assert_eq!(want, by_key(&general));
        // A state's total adds its transitions in state order, which differs.
        for (s, &key) in general.keys.iter().enumerate() {
            let f = first.keys.iter().position(|&k| k == key).unwrap();
            let (a, b) = (first.out[f], general.out[s]);
            prop_assert!((a - b).abs() <= 1e-12 * a.abs(), "{} {}", a, b);
        }
    }
}

/// Past the dense array's size (2,100 channels: 4.4M cells) the first-order build
/// sorts its steps by state, and still gives the general build's chain, bit for bit
/// by state; before, it would have asked for an array of every pair of channels.
#[test]
fn first_order_build_past_the_dense_size_equals_the_general_build() {
    let names: Vec<String> = (0..2100).map(|c| format!("c{c:04}")).collect();
    let mut b = PathTable::builder();
    for k in 0..3000usize {
        let path: Vec<&str> = (0..1 + k % 4)
            .map(|j| names[(k + j * 13) % 2100].as_str())
            .collect();
        b.push(&path, (k % 3) as f64 / 3.0, (k % 5) as f64, (k % 2) as f64);
    }
    let t = b.finish();
    assert!((t.channels().len() + 1).pow(2) > DENSE_CELLS);
    let first = Chain::build(&t, 1, StateConvention::Windows, usize::MAX, None).unwrap();
    let general = Chain::build(&t, 1, StateConvention::Padded, usize::MAX, None).unwrap();
    let mut want = by_key(&first);
    want.retain(|key, (absorbed, moves)| {
        general.keys.contains(key) || !(absorbed.iter().all(|&w| w == 0) && moves.is_empty())
    });
    assert_eq!(want, by_key(&general));
}
