//! [`PathTable`]: distinct channel sequences with their conversions, value and nulls.
//!
//! The aggregate every order-only model consumes. A table is *canonical*: channel ids
//! follow the sorted channel names, rows are sorted by path, and duplicate paths are
//! merged (their counts added in a fixed order). Two tables built from the same rows in
//! any order are therefore identical, bit for bit, and [`PathTable::merge`] of two shards
//! equals the table of the whole (the table is a sufficient statistic for order-only
//! models).

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::channel::{ChannelId, Dictionary};

/// One row of a [`PathTable`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathRow<'a> {
    /// The channel ids of the path, first touch first.
    pub path: &'a [ChannelId],
    /// Conversions of journeys with this path (may be fractional).
    pub conversions: f64,
    /// Total conversion value of those conversions.
    pub value: f64,
    /// Journeys with this path that did not convert.
    pub nulls: f64,
}

/// Distinct paths with counts. Build one with [`PathTable::builder`], read one with
/// [`PathTable::read_csv`](crate::PathTable::read_csv), or aggregate journeys with
/// [`Journeys::path_table`](crate::Journeys::path_table).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PathTable {
    channels: Dictionary,
    offsets: Vec<usize>,
    steps: Vec<ChannelId>,
    conversions: Vec<f64>,
    value: Vec<f64>,
    nulls: Vec<f64>,
}

impl PathTable {
    /// A builder that accepts rows in any order.
    pub fn builder() -> PathTableBuilder {
        PathTableBuilder::default()
    }

    /// The channel dictionary (sorted by name).
    pub fn channels(&self) -> &Dictionary {
        &self.channels
    }

    /// Number of distinct paths.
    pub fn len(&self) -> usize {
        self.conversions.len()
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.conversions.is_empty()
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> PathRow<'_> {
        PathRow {
            path: &self.steps[self.offsets[i]..self.offsets[i + 1]],
            conversions: self.conversions[i],
            value: self.value[i],
            nulls: self.nulls[i],
        }
    }

    /// All rows, sorted by path.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = PathRow<'_>> + '_ {
        (0..self.len()).map(move |i| self.row(i))
    }

    /// Sum of conversions over all rows.
    pub fn total_conversions(&self) -> f64 {
        self.conversions.iter().sum()
    }

    /// Sum of conversion value over all rows.
    pub fn total_value(&self) -> f64 {
        self.value.iter().sum()
    }

    /// Sum of non-conversions over all rows.
    pub fn total_nulls(&self) -> f64 {
        self.nulls.iter().sum()
    }

    /// Total number of touches (path steps) over distinct paths.
    pub fn total_steps(&self) -> usize {
        self.steps.len()
    }

    /// The longest path's length.
    pub fn max_path_len(&self) -> usize {
        self.offsets
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0)
    }

    /// The path of row `i` as channel names joined by `" > "`.
    pub fn path_string(&self, i: usize) -> String {
        let names: Vec<&str> = self
            .row(i)
            .path
            .iter()
            .map(|&c| self.channels.name(c))
            .collect();
        names.join(" > ")
    }

    /// The table of both inputs' rows (adding counts of paths present in both).
    pub fn merge(&self, other: &PathTable) -> PathTable {
        let mut builder = PathTable::builder();
        builder.extend_from(self);
        builder.extend_from(other);
        builder.finish()
    }

    /// A new table whose paths are `transform(path)`; rows whose new paths coincide
    /// are merged, and channels that no longer appear leave the dictionary. A row whose
    /// new path is empty is left out and its counts are returned as `(conversions,
    /// value, nulls)` so the caller can report them.
    pub fn map_paths<F>(&self, mut transform: F) -> (PathTable, PathRowTotals)
    where
        F: FnMut(&[ChannelId], &mut Vec<ChannelId>),
    {
        let mut builder = PathTable::builder();
        builder.channels = self.channels.clone();
        let mut dropped = PathRowTotals::default();
        let mut buf = Vec::new();
        for row in self.rows() {
            buf.clear();
            transform(row.path, &mut buf);
            if buf.is_empty() {
                dropped.add(&row);
            } else {
                builder.push_ids(&buf, row.conversions, row.value, row.nulls);
            }
        }
        (builder.finish(), dropped)
    }

    /// Every row's counts multiplied by `factor` (e.g. 2 to double, for tests of
    /// scale invariance).
    pub fn scaled(&self, factor: f64) -> PathTable {
        let mut t = self.clone();
        for v in t
            .conversions
            .iter_mut()
            .chain(t.value.iter_mut())
            .chain(t.nulls.iter_mut())
        {
            *v *= factor;
        }
        t
    }
}

/// Summed counts of some path rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct PathRowTotals {
    /// Rows.
    pub rows: u64,
    /// Conversions.
    pub conversions: f64,
    /// Conversion value.
    pub value: f64,
    /// Non-conversions.
    pub nulls: f64,
}

impl PathRowTotals {
    fn add(&mut self, row: &PathRow<'_>) {
        self.rows += 1;
        self.conversions += row.conversions;
        self.value += row.value;
        self.nulls += row.nulls;
    }
}

/// Collects rows in any order; [`PathTableBuilder::finish`] makes the canonical table.
#[derive(Clone, Debug, Default)]
pub struct PathTableBuilder {
    channels: Dictionary,
    offsets: Vec<usize>,
    steps: Vec<ChannelId>,
    conversions: Vec<f64>,
    value: Vec<f64>,
    nulls: Vec<f64>,
}

impl PathTableBuilder {
    /// Adds a row given by channel names.
    pub fn push<S: AsRef<str>>(&mut self, path: &[S], conversions: f64, value: f64, nulls: f64) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        for name in path {
            let id = self.channels.intern(name.as_ref());
            self.steps.push(id);
        }
        self.end_row(conversions, value, nulls);
    }

    /// The builder's dictionary, to intern names before [`PathTableBuilder::push_ids`].
    pub fn channels_mut(&mut self) -> &mut Dictionary {
        &mut self.channels
    }

    /// Adds a row given by ids of this builder's dictionary.
    pub fn push_ids(&mut self, path: &[ChannelId], conversions: f64, value: f64, nulls: f64) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        debug_assert!(path.iter().all(|&c| (c as usize) < self.channels.len()));
        self.steps.extend_from_slice(path);
        self.end_row(conversions, value, nulls);
    }

    fn end_row(&mut self, conversions: f64, value: f64, nulls: f64) {
        self.offsets.push(self.steps.len());
        self.conversions.push(conversions);
        self.value.push(value);
        self.nulls.push(nulls);
    }

    /// Adds every row of a table (re-interning its channels).
    pub fn extend_from(&mut self, table: &PathTable) {
        let ids: Vec<ChannelId> = table
            .channels
            .names()
            .map(|n| self.channels.intern(n))
            .collect();
        let mut buf = Vec::new();
        for row in table.rows() {
            buf.clear();
            buf.extend(row.path.iter().map(|&c| ids[c as usize]));
            self.push_ids(&buf, row.conversions, row.value, row.nulls);
        }
    }

    /// Rows added so far (before merging duplicates).
    pub fn len(&self) -> usize {
        self.conversions.len()
    }

    /// True when no row was added.
    pub fn is_empty(&self) -> bool {
        self.conversions.is_empty()
    }

    /// The canonical table: channels sorted by name (unused ones dropped), rows sorted
    /// by path, duplicate paths merged.
    pub fn finish(self) -> PathTable {
        let rows = self.conversions.len();
        if rows == 0 {
            return PathTable::default();
        }
        // Keep only channels that occur, numbered in name order.
        let mut used = vec![false; self.channels.len()];
        for &c in &self.steps {
            used[c as usize] = true;
        }
        let (channels, remap) = self.channels.sorted_subset(&used);
        let mut steps = self.steps;
        if remap.iter().enumerate().any(|(c, &to)| to as usize != c) {
            for c in &mut steps {
                *c = remap[*c as usize];
            }
        }
        let path = |i: usize| &steps[self.offsets[i]..self.offsets[i + 1]];
        // Rows already distinct and in path order (a summary written sorted, as
        // pathcredit writes them) are the canonical table as they stand: one pass over
        // neighbours tells, and nothing is grouped, sorted or copied.
        if (1..rows).all(|i| path(i - 1) < path(i)) {
            return PathTable {
                channels,
                offsets: self.offsets,
                steps,
                conversions: self.conversions,
                value: self.value,
                nulls: self.nulls,
            };
        }
        let counts = |i: usize| (self.conversions[i], self.value[i], self.nulls[i]);

        // Duplicates are merged in a fixed order whatever the order of the rows: each
        // path's rows sorted by (conversions, value, nulls) and added in that order.
        // Rows are grouped by path (millions of journeys share a few hundred thousand
        // paths), then only the distinct paths are sorted.
        let prefix = PrefixKey::new(channels.len());
        let mut merged = merge_equal_paths(rows, &path, &counts, &prefix);
        merged.par_sort_unstable_by(|a, b| a.key.cmp(&b.key).then_with(|| a.path.cmp(b.path)));

        let mut table = PathTable {
            channels,
            offsets: Vec::with_capacity(merged.len() + 1),
            conversions: Vec::with_capacity(merged.len()),
            value: Vec::with_capacity(merged.len()),
            nulls: Vec::with_capacity(merged.len()),
            ..PathTable::default()
        };
        table.offsets.push(0);
        for m in merged {
            let MergedPath { path, sums, .. } = m;
            table.steps.extend_from_slice(path);
            table.offsets.push(table.steps.len());
            table.conversions.push(sums.0);
            table.value.push(sums.1);
            table.nulls.push(sums.2);
        }
        table
    }
}

/// A path's first steps packed into one integer whose order is the order of paths:
/// each step is `id + 1` in `bits` bits, first step highest, and steps past the end
/// are 0, so a path sorts before its extensions as it does as a slice. Two paths with
/// different keys compare as their keys do; equal keys need the paths compared.
struct PrefixKey {
    bits: u32,
    steps: usize,
}

impl PrefixKey {
    /// The key for paths over `channels` ids.
    fn new(channels: usize) -> Self {
        let bits = (usize::BITS - channels.leading_zeros()).max(1);
        PrefixKey {
            bits,
            steps: (u128::BITS / bits) as usize,
        }
    }

    fn of(&self, path: &[ChannelId]) -> u128 {
        let mut key = 0u128;
        for i in 0..self.steps {
            let step = path.get(i).map_or(0, |&c| u128::from(c) + 1);
            key = (key << self.bits) | step;
        }
        key
    }
}

/// One distinct path: its sort key, its steps, and the counts `(conversions, value, nulls)` of all
/// its rows summed in a fixed order ([`sum_in_order`]).
#[derive(Clone, Copy, Debug)]
struct MergedPath<'a> {
    /// The path's [`PrefixKey`], to sort by.
    key: u128,
    path: &'a [ChannelId],
    sums: (f64, f64, f64),
}

/// Rows per part when [`merge_equal_paths`] splits rows by path hash: a part's hash map
/// and counts stay in cache.
const ROWS_PER_PART: usize = 1 << 15;

/// The distinct paths of `rows` rows, each with its rows' counts summed, in no
/// particular order (the caller sorts them).
///
/// Rows are split by the hash of their path into parts (every row of a path in the same
/// part), and the parts are grouped on every core, each with its own hash map; a part
/// gathers each path's counts with a counting sort by group. The sums do not depend on
/// how rows are split or ordered.
fn merge_equal_paths<'a>(
    rows: usize,
    path: &(impl Fn(usize) -> &'a [ChannelId] + Sync),
    counts: &(impl Fn(usize) -> (f64, f64, f64) + Sync),
    prefix: &PrefixKey,
) -> Vec<MergedPath<'a>> {
    let part_bits = (rows / ROWS_PER_PART).max(1).ilog2() + 1;
    let part_of = |i: usize| (hash_path(path(i)) >> (64 - part_bits)) as usize;
    let parts: Vec<u32> = (0..rows)
        .into_par_iter()
        .map(|i| part_of(i) as u32)
        .collect();
    let starts = bucket_starts(&parts, 1 << part_bits);
    let mut next = starts.clone();
    let mut by_part = vec![0usize; rows];
    for (i, &p) in parts.iter().enumerate() {
        by_part[next[p as usize]] = i;
        next[p as usize] += 1;
    }
    drop(parts);
    let merged: Vec<Vec<MergedPath<'a>>> = starts
        .par_windows(2)
        .map(|w| merge_part(&by_part[w[0]..w[1]], path, counts, prefix))
        .collect();
    merged.concat()
}

/// [`merge_equal_paths`] for the rows `part` (in row order).
fn merge_part<'a>(
    part: &[usize],
    path: &impl Fn(usize) -> &'a [ChannelId],
    counts: &impl Fn(usize) -> (f64, f64, f64),
    prefix: &PrefixKey,
) -> Vec<MergedPath<'a>> {
    let mut group_of_path: FxHashMap<&[ChannelId], u32> =
        FxHashMap::with_capacity_and_hasher(part.len(), Default::default());
    let mut first_row = Vec::new();
    let group: Vec<u32> = part
        .iter()
        .map(|&i| {
            let next = first_row.len() as u32;
            *group_of_path.entry(path(i)).or_insert_with(|| {
                first_row.push(i);
                next
            })
        })
        .collect();
    drop(group_of_path);
    // Each group's counts side by side (a counting sort by group), then summed.
    let starts = bucket_starts(&group, first_row.len());
    let mut next = starts.clone();
    let mut gathered = vec![(0.0, 0.0, 0.0); part.len()];
    for (&i, &g) in part.iter().zip(&group) {
        gathered[next[g as usize]] = counts(i);
        next[g as usize] += 1;
    }
    first_row
        .iter()
        .enumerate()
        .map(|(g, &first_row)| MergedPath {
            key: prefix.of(path(first_row)),
            path: path(first_row),
            sums: sum_in_order(&mut gathered[starts[g]..starts[g + 1]]),
        })
        .collect()
}

/// Where each of `buckets` buckets starts when items are laid out by bucket (a counting
/// sort): bucket `b` holds `starts[b]..starts[b + 1]`.
fn bucket_starts(bucket_of_item: &[u32], buckets: usize) -> Vec<usize> {
    let mut starts = vec![0usize; buckets + 1];
    for &b in bucket_of_item {
        starts[b as usize + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    starts
}

/// The sum of a path's counts in a fixed order: sorted by (conversions, value, nulls),
/// added from the first, so the sum does not depend on the order of the rows.
fn sum_in_order(counts: &mut [(f64, f64, f64)]) -> (f64, f64, f64) {
    counts.sort_unstable_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.total_cmp(&b.2))
    });
    let (mut c, mut v, mut n) = counts[0];
    for &(ci, vi, ni) in &counts[1..] {
        c += ci;
        v += vi;
        n += ni;
    }
    (c, v, n)
}

/// A path's hash (FxHash of its ids), to split rows into parts.
fn hash_path(path: &[ChannelId]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    path.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
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
}
