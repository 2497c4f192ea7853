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
mod tests;
