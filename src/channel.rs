//! Interned names: channels (and campaigns, contents) as dense integer ids.
//!
//! Models work on `u32` ids; names appear only at the edges (reading and writing).
//! Every table the library hands out has its dictionary in *sorted* order
//! ([`Dictionary::into_sorted`]), so ids, iteration and output do not depend on the
//! order in which rows were read.

use rustc_hash::FxHashMap;

/// Dense id of a channel (or of a campaign or content, in their own dictionaries).
pub type ChannelId = u32;

/// A two-way map between names and dense ids `0..len`.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    names: Vec<Box<str>>,
    index: FxHashMap<Box<str>, ChannelId>,
}

impl PartialEq for Dictionary {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
    }
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
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = ChannelId::try_from(self.names.len()).expect("more than 2^32 distinct names");
        let boxed: Box<str> = name.into();
        self.names.push(boxed.clone());
        self.index.insert(boxed, id);
        id
    }

    /// The id of `name`, if it is known.
    pub fn id(&self, name: &str) -> Option<ChannelId> {
        self.index.get(name).copied()
    }

    /// The name of `id`. Panics if `id` is not from this dictionary.
    pub fn name(&self, id: ChannelId) -> &str {
        &self.names[id as usize]
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when no name has been interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Names in id order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.names.iter().map(|n| &**n)
    }

    /// True when ids follow the names' sorted (byte-wise) order.
    pub fn is_sorted(&self) -> bool {
        self.names.windows(2).all(|w| w[0] < w[1])
    }

    /// The same names re-numbered in sorted order, and the map `old id → new id`.
    pub fn into_sorted(self) -> (Dictionary, Vec<ChannelId>) {
        self.sorted_subset(&vec![true; self.names.len()])
    }

    /// The names whose `used` flag is set, re-numbered in sorted order, and the map
    /// `old id → new id` ([`ChannelId::MAX`] for names left out).
    pub fn sorted_subset(&self, used: &[bool]) -> (Dictionary, Vec<ChannelId>) {
        let mut order: Vec<ChannelId> = (0..self.names.len() as ChannelId)
            .filter(|&id| used[id as usize])
            .collect();
        order.sort_unstable_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut remap = vec![ChannelId::MAX; self.names.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as ChannelId;
        }
        let sorted = Dictionary::from_names(order.iter().map(|&old| &*self.names[old as usize]));
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
}
