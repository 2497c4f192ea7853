//! Interned names: channels (and campaigns, contents) as dense integer ids.
//!
//! Models work on `u32` ids; names appear only at the edges (reading and writing).
//! Every table the library hands out has its dictionary in *sorted* order
//! ([`Dictionary::into_sorted`]), so ids, iteration and output do not depend on the
//! order in which rows were read.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use rayon::prelude::*;

/// Dense id of a channel (or of a campaign or content, in their own dictionaries).
pub type ChannelId = u32;

/// A two-way map between names and dense ids `0..len`.
///
/// Names live in one string arena (no allocation per name); the index is a hash table
/// of ids, with each id's hash kept alongside so that growing the table never rehashes
/// a string and a lookup compares strings only on a full hash match. The hash is
/// foldhash with a fixed seed, so nothing depends on per-process randomness.
#[derive(Clone, Default)]
pub struct Dictionary {
    bytes: String,
    ends: Vec<usize>,
    hashes: Vec<u64>,
    index: HashTable<ChannelId>,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl PartialEq for Dictionary {
    fn eq(&self, other: &Self) -> bool {
        self.ends.len() == other.ends.len() && self.names().eq(other.names())
    }
}

fn hash_of(name: &str) -> u64 {
    FixedState::with_seed(0x7061_7468_6372_6564).hash_one(name)
}

fn name_at<'a>(bytes: &'a str, ends: &[usize], id: ChannelId) -> &'a str {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &bytes[start..ends[i]]
}

impl Dictionary {
    /// An empty dictionary.
    pub fn new() -> Self {
        Self::default()
    }

    /// A dictionary of the given names, in the given order (duplicates are merged).
    pub fn from_names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut dict = Self::new();
        for name in names {
            dict.intern(name.as_ref());
        }
        dict
    }

    /// The id of `name`, adding it if it is new.
    pub fn intern(&mut self, name: &str) -> ChannelId {
        let h = hash_of(name);
        let Dictionary {
            bytes,
            ends,
            hashes,
            index,
        } = self;
        if let Some(&id) = index.find(h, |&id| {
            hashes[id as usize] == h && name_at(bytes, ends, id) == name
        }) {
            return id;
        }
        let id = ChannelId::try_from(ends.len()).expect("more than 2^32 distinct names");
        bytes.push_str(name);
        ends.push(bytes.len());
        hashes.push(h);
        index.insert_unique(h, id, |&id| hashes[id as usize]);
        id
    }

    /// The id of `name`, if it is known.
    pub fn id(&self, name: &str) -> Option<ChannelId> {
        let h = hash_of(name);
        self.index
            .find(h, |&id| {
                self.hashes[id as usize] == h && self.name(id) == name
            })
            .copied()
    }

    /// The name of `id`. Panics if `id` is not from this dictionary.
    pub fn name(&self, id: ChannelId) -> &str {
        name_at(&self.bytes, &self.ends, id)
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when no name has been interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Names in id order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.ends.len() as ChannelId).map(move |id| self.name(id))
    }

    /// True when ids follow the names' sorted (byte-wise) order.
    pub fn is_sorted(&self) -> bool {
        (1..self.ends.len() as ChannelId).all(|id| self.name(id - 1) < self.name(id))
    }

    /// The same names re-numbered in sorted order, and the map `old id → new id`.
    pub fn into_sorted(self) -> (Dictionary, Vec<ChannelId>) {
        self.sorted_subset(&vec![true; self.len()])
    }

    /// The ids of the names whose `used` flag is set, in byte order of their names.
    ///
    /// Names are compared by their first 16 bytes as one big-endian integer (zero-padded:
    /// where two prefixes differ, so do the names, in the same order), and in full only
    /// when those are equal, so a sort of millions of user ids reads the arena rarely;
    /// the sort runs on every core.
    pub fn ids_in_name_order(&self, used: &[bool]) -> Vec<ChannelId> {
        let prefix = |name: &str| {
            let mut buf = [0u8; 16];
            let n = name.len().min(16);
            buf[..n].copy_from_slice(&name.as_bytes()[..n]);
            u128::from_be_bytes(buf)
        };
        let mut keyed: Vec<(u128, ChannelId)> = (0..self.len() as ChannelId)
            .filter(|&id| used[id as usize])
            .map(|id| (prefix(self.name(id)), id))
            .collect();
        keyed.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| self.name(a.1).cmp(self.name(b.1)))
        });
        keyed.into_iter().map(|(_, id)| id).collect()
    }

    /// The names whose `used` flag is set, re-numbered in sorted order, and the map
    /// `old id → new id` ([`ChannelId::MAX`] for names left out).
    pub fn sorted_subset(&self, used: &[bool]) -> (Dictionary, Vec<ChannelId>) {
        let order = self.ids_in_name_order(used);
        let mut remap = vec![ChannelId::MAX; self.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as ChannelId;
        }
        let mut sorted = Dictionary::new();
        sorted.ends.reserve(order.len());
        sorted.hashes.reserve(order.len());
        sorted
            .index
            .reserve(order.len(), |&id| sorted.hashes[id as usize]);
        for &old in &order {
            let name = self.name(old);
            let id = sorted.ends.len() as ChannelId;
            sorted.bytes.push_str(name);
            sorted.ends.push(sorted.bytes.len());
            let h = self.hashes[old as usize];
            sorted.hashes.push(h);
            let hashes = &sorted.hashes;
            sorted.index.insert_unique(h, id, |&id| hashes[id as usize]);
        }
        (sorted, remap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_idempotent_and_dense() {
        let mut d = Dictionary::new();
        assert_eq!(d.intern("b"), 0);
        assert_eq!(d.intern("a"), 1);
        assert_eq!(d.intern("b"), 0);
        assert_eq!(d.len(), 2);
        assert_eq!(d.name(1), "a");
        assert_eq!(d.id("zzz"), None);
    }

    #[test]
    fn sorting_renumbers_and_maps_old_ids() {
        let d = Dictionary::from_names(["search", "email", "display"]);
        let (sorted, remap) = d.into_sorted();
        assert_eq!(
            sorted.names().collect::<Vec<_>>(),
            ["display", "email", "search"]
        );
        assert_eq!(remap, vec![2, 1, 0]);
        assert!(sorted.is_sorted());
    }

    /// The prefix-keyed sort gives the byte order of the names: names sharing 16 bytes,
    /// a name that is a prefix of another, NUL bytes, non-ASCII, and the empty name.
    #[test]
    fn ids_in_name_order_is_the_byte_order_of_names() {
        let names = [
            "user0000000000000002",
            "user0000000000000001",
            "user000000000000000",
            "user0000000000000",
            "b",
            "",
            "a\0",
            "a",
            "ab",
            "é",
            "user0000000000000001x",
            "z",
        ];
        let d = Dictionary::from_names(names);
        let got: Vec<&str> = d
            .ids_in_name_order(&vec![true; d.len()])
            .into_iter()
            .map(|id| d.name(id))
            .collect();
        let mut want = names.to_vec();
        want.sort_unstable();
        assert_eq!(got, want);
        let used: Vec<bool> = (0..d.len()).map(|i| i % 2 == 0).collect();
        let subset: Vec<&str> = d
            .ids_in_name_order(&used)
            .into_iter()
            .map(|id| d.name(id))
            .collect();
        let mut want: Vec<&str> = names.iter().step_by(2).copied().collect();
        want.sort_unstable();
        assert_eq!(subset, want);
    }
}
