//! Tests of the path table: building, merging and reading paths.

use super::*;

fn table(rows: &[(&[&str], f64, f64, f64)]) -> PathTable {
    let mut b = PathTable::builder();
    for (path, c, v, n) in rows {
        b.push(path, *c, *v, *n);
    }
    b.finish()
}

#[test]
fn canonical_order_and_duplicates_merged() {
    let t = table(&[
        (&["search", "email"], 1.0, 10.0, 0.0),
        (&["display"], 0.0, 0.0, 2.0),
        (&["search", "email"], 0.5, 5.0, 1.0),
    ]);
    assert_eq!(
        t.channels().names().collect::<Vec<_>>(),
        ["display", "email", "search"]
    );
    assert_eq!(t.len(), 2);
    assert_eq!(t.path_string(0), "display");
    assert_eq!(t.path_string(1), "search > email");
    assert_eq!(t.row(1).conversions, 1.5);
    assert_eq!(t.row(1).value, 15.0);
    assert_eq!(t.row(1).nulls, 1.0);
    assert_eq!(t.total_conversions(), 1.5);
    assert_eq!(t.total_nulls(), 3.0);
    assert_eq!(t.max_path_len(), 2);
}

#[test]
fn row_order_does_not_matter_and_merge_adds_shards() {
    let rows: Vec<(&[&str], f64, f64, f64)> = vec![
        (&["a", "b"], 0.1, 1.0, 0.0),
        (&["b"], 0.2, 2.0, 1.0),
        (&["a", "b"], 0.7, 3.0, 2.0),
        (&["c", "a"], 1.0, 4.0, 0.0),
    ];
    let forward = table(&rows);
    let mut reversed_rows = rows.clone();
    reversed_rows.reverse();
    assert_eq!(forward, table(&reversed_rows));
    let merged = table(&rows[..2]).merge(&table(&rows[2..]));
    assert_eq!(merged, forward);
}

/// Rows already in canonical order come out as the table of the same rows in any
/// order; sorted rows with a repeat, or names first met out of order, still merge.
#[test]
fn rows_already_in_order_equal_rows_in_any_order() {
    let sorted: Vec<(&[&str], f64, f64, f64)> = vec![
        (&["a"], 1.0, 2.0, 0.0),
        (&["a", "b"], 0.5, 1.0, 3.0),
        (&["b"], 0.0, 0.0, 1.0),
        (&["b", "a", "c"], 2.0, 4.0, 0.0),
    ];
    let mut shuffled = sorted.clone();
    shuffled.swap(0, 3);
    assert_eq!(table(&sorted), table(&shuffled));
    let mut repeated = sorted.clone();
    repeated.insert(2, (&["a", "b"], 1.0, 1.0, 1.0));
    let merged = table(&repeated);
    assert_eq!(merged.len(), 4);
    assert_eq!(merged.row(1).conversions, 1.5);
    // `b` is met first, so its id is 0 until `finish` renumbers by name.
    let b_first: Vec<(&[&str], f64, f64, f64)> =
        vec![(&["b"], 1.0, 0.0, 0.0), (&["a"], 1.0, 0.0, 0.0)];
    assert_eq!(table(&b_first).path_string(0), "a");
}

#[test]
fn map_paths_merges_and_reports_emptied_rows() {
    let t = table(&[
        (&["a", "a", "b"], 1.0, 0.0, 0.0),
        (&["a", "b"], 1.0, 0.0, 1.0),
        (&["x"], 2.0, 3.0, 4.0),
    ]);
    let (mapped, dropped) = t.map_paths(|path, out| {
        for &c in path {
            if t.channels().name(c) != "x" && out.last() != Some(&c) {
                out.push(c);
            }
        }
    });
    assert_eq!(mapped.len(), 1);
    assert_eq!(mapped.channels().len(), 2);
    assert_eq!(mapped.row(0).conversions, 2.0);
    assert_eq!(dropped.rows, 1);
    assert_eq!(dropped.conversions, 2.0);
}

proptest::proptest! {
    /// Keys order paths as slices do wherever they differ, for every key width
    /// (1 to 32 bits a step), paths longer than a key holds included.
    #[test]
    fn prefix_keys_order_paths_as_slices_do(
        channels in 1usize..70_000,
        a in proptest::collection::vec(0u32..70_000, 0..50),
        b in proptest::collection::vec(0u32..70_000, 0..50),
        cut in 0usize..50,
    ) {
        let fit = |p: &[u32]| p.iter().map(|&c| c % channels as u32).collect::<Vec<_>>();
        let (a, mut b) = (fit(&a), fit(&b));
        // Half the time `b` shares `a`'s first steps.
        if cut % 2 == 0 {
            let keep = cut.min(a.len());
            b.splice(0..keep.min(b.len()), a[..keep].iter().copied());
        }
        let key = PrefixKey::new(channels);
        let (ka, kb) = (key.of(&a), key.of(&b));
        if ka != kb {
            proptest::prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
        } else {
            let held = key.steps;
            proptest::prop_assert_eq!(&a[..a.len().min(held)], &b[..b.len().min(held)]);
        }
    }
}

/// Paths sharing more steps than a key holds are still sorted and merged right.
#[test]
fn paths_longer_than_a_key_sort_by_their_later_steps() {
    let long = |last: &'static str| {
        let mut p = vec!["a"; 200];
        p.push(last);
        p
    };
    let (x, y) = (long("b"), long("a"));
    let rows: Vec<(&[&str], f64, f64, f64)> = vec![
        (&x, 1.0, 1.0, 0.0),
        (&y, 0.0, 0.0, 1.0),
        (&x, 1.0, 2.0, 0.0),
        (&y[..200], 0.0, 0.0, 1.0),
    ];
    let t = table(&rows);
    let mut reversed = rows.clone();
    reversed.reverse();
    assert_eq!(t, table(&reversed));
    assert_eq!(t.len(), 3);
    let lens: Vec<usize> = t.rows().map(|r| r.path.len()).collect();
    assert_eq!(lens, [200, 201, 201]);
    assert_eq!(t.row(1).nulls, 1.0);
    assert_eq!((t.row(2).conversions, t.row(2).value), (2.0, 3.0));
}

/// Many rows (so many parts) merge to what a sorted map of each path's counts gives,
/// summed in the stated order, and shuffling the rows changes nothing.
#[test]
fn many_rows_merge_as_a_sorted_map_of_paths_does() {
    use std::collections::BTreeMap;
    let mut state = 1u64;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) % n
    };
    let rows: Vec<(Vec<ChannelId>, (f64, f64, f64))> = (0..150_000)
        .map(|_| {
            let path = (0..1 + next(4)).map(|_| next(6) as ChannelId).collect();
            let converted = next(3) == 0;
            let value = if converted {
                next(100) as f64 / 8.0
            } else {
                0.0
            };
            (path, (f64::from(converted), value, f64::from(!converted)))
        })
        .collect();
    let build = |order: &[usize]| {
        let mut b = PathTable::builder();
        for c in ["a", "b", "c", "d", "e", "f"] {
            b.channels_mut().intern(c);
        }
        for &i in order {
            let (path, (c, v, n)) = &rows[i];
            b.push_ids(path, *c, *v, *n);
        }
        b.finish()
    };
    let forward: Vec<usize> = (0..rows.len()).collect();
    let mut shuffled = forward.clone();
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, next(i as u64 + 1) as usize);
    }
    let table = build(&forward);
    assert_eq!(table, build(&shuffled));

    let mut by_path: BTreeMap<&[ChannelId], Vec<(f64, f64, f64)>> = BTreeMap::new();
    for (path, counts) in &rows {
        by_path.entry(path).or_default().push(*counts);
    }
    assert_eq!(table.len(), by_path.len());
    for (row, (path, mut counts)) in table.rows().zip(by_path) {
        counts.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let sum = counts[1..]
            .iter()
            .fold(counts[0], |s, c| (s.0 + c.0, s.1 + c.1, s.2 + c.2));
        assert_eq!(row.path, path);
        assert_eq!((row.conversions, row.value, row.nulls), sum);
    }
}
