//! The hash index behind a [`Dictionary`](crate::channel::Dictionary): which id holds a
//! name.
//!
//! An open-addressing table with linear probing, each slot eight bytes: the top 32 bits
//! of the name's 64-bit hash (its *tag*) and the id. A name's home slot is the top
//! `bits` bits of its tag, so the slots are in tag order and growing the table moves
//! every slot to a place it can compute from the slot alone, walking old and new
//! tables front to back (no name is read or hashed again). A lookup compares names only
//! where the tags are equal.
//!
//! A table of millions of names is far larger than the cache, so each lookup waits on
//! memory: for the slot, then for where the candidate's name starts, then for its
//! bytes. [`NameIndex::home`] lets a caller that knows the names to come ask for those
//! lines early ([`prefetch`]), so the waits of several lookups overlap.

/// Marks a vacant slot (never an id: a dictionary holds fewer than `u32::MAX` names).
const VACANT: u32 = u32::MAX;

/// The fewest slots a table that holds anything has.
const MIN_BITS: u32 = 4;

#[derive(Clone, Copy, Debug)]
struct Slot {
    tag: u32,
    id: u32,
}

const EMPTY: Slot = Slot { tag: 0, id: VACANT };

/// Ids by name hash; the names themselves live with the caller, which says through a
/// closure whether an id holds the name looked for.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameIndex {
    slots: Vec<Slot>,
    /// `slots.len() == 1 << bits` (no slots at all while empty).
    bits: u32,
    len: usize,
}

/// The tag of a 64-bit hash: its top 32 bits.
fn tag_of(hash: u64) -> u32 {
    (hash >> 32) as u32
}

impl NameIndex {
    /// Home slot of a tag.
    fn home_of(&self, tag: u32) -> usize {
        (tag >> (32 - self.bits)) as usize
    }

    /// The id of the name hashed to `hash` for which `is(id)` holds, or the vacant slot
    /// where such a name goes.
    fn probe(&self, hash: u64, mut is: impl FnMut(u32) -> bool) -> Result<u32, usize> {
        if self.slots.is_empty() {
            return Err(0);
        }
        let tag = tag_of(hash);
        let mask = self.slots.len() - 1;
        let mut at = self.home_of(tag);
        loop {
            let slot = self.slots[at];
            if slot.id == VACANT {
                return Err(at);
            }
            if slot.tag == tag && is(slot.id) {
                return Ok(slot.id);
            }
            at = (at + 1) & mask;
        }
    }

    /// The id of the name hashed to `hash` for which `is(id)` holds.
    pub fn find(&self, hash: u64, is: impl FnMut(u32) -> bool) -> Option<u32> {
        self.probe(hash, is).ok()
    }

    /// The id of the name hashed to `hash` for which `is(id)` holds, or `id`, added as
    /// that name's (the caller stores the name under `id`).
    pub fn find_or_insert(&mut self, hash: u64, is: impl FnMut(u32) -> bool, id: u32) -> u32 {
        assert_ne!(id, VACANT, "more than 2^32 - 1 distinct names");
        self.reserve(1);
        match self.probe(hash, is) {
            Ok(found) => found,
            Err(at) => {
                self.slots[at] = Slot {
                    tag: tag_of(hash),
                    id,
                };
                self.len += 1;
                id
            }
        }
    }

    /// Makes room for `additional` more names without growing in between: at most three
    /// slots in four are ever filled, which keeps probe runs short.
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        let needed = self.len + additional;
        if needed * 4 > self.slots.len() * 3 {
            self.grow_for(needed);
        }
    }

    #[cold]
    fn grow_for(&mut self, needed: usize) {
        let mut bits = self.bits.max(MIN_BITS);
        while needed * 4 > (1usize << bits) * 3 {
            bits += 1;
        }
        self.grow_to(bits);
    }

    /// Moves every slot into a table of `1 << bits` slots. Slots are in home order (a
    /// run that wraps past the end excepted), so the new table fills front to back.
    fn grow_to(&mut self, bits: u32) {
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; 1 << bits]);
        self.bits = bits;
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.id != VACANT) {
            let mut at = self.home_of(slot.tag);
            while self.slots[at].id != VACANT {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }

    /// Asks for the home slot of `hash` to be brought into the cache.
    pub fn prefetch_home(&self, hash: u64) {
        if !self.slots.is_empty() {
            prefetch(&self.slots[self.home_of(tag_of(hash))]);
        }
    }

    /// The id in the home slot of `hash`, if its tag is `hash`'s: the name a lookup of
    /// `hash` most likely compares with (for [`prefetch`]ing that name).
    pub fn home(&self, hash: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = self.slots[self.home_of(tag_of(hash))];
        (slot.id != VACANT && slot.tag == tag_of(hash)).then_some(slot.id)
    }
}

/// Asks the processor to bring the cache line holding `value` closer; a hint only (it
/// changes no result, and on processors other than x86-64 it does nothing).
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch instruction reads nothing into the program and never faults,
    // whatever the address; `value` is a live reference besides. `sse` is part of every
    // x86-64 target, so the instruction exists.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names as numbers, with chosen hashes: lookups find what was inserted, whatever
    /// the collisions, across growth and wrap-around.
    fn check(hashes: &[u64]) {
        let mut index = NameIndex::default();
        for (id, &h) in hashes.iter().enumerate() {
            let id = id as u32;
            assert_eq!(index.find_or_insert(h, |_| false, id), id);
        }
        for (id, &h) in hashes.iter().enumerate() {
            let id = id as u32;
            assert_eq!(index.find(h, |i| i == id), Some(id));
            assert_eq!(index.find_or_insert(h, |i| i == id, 999_999), id);
        }
        assert_eq!(index.len, hashes.len());
        assert!(index.len * 4 <= index.slots.len() * 3);
    }

    #[test]
    fn colliding_hashes_and_wrapping_runs_are_found() {
        // All in the last home slot: the run wraps to the front of the table.
        check(&vec![u64::MAX; 100]);
        // Equal tags, different low bits; then one home, different tags.
        check(
            &(0..100)
                .map(|i| 0xdead_beef_0000_0000 | i)
                .collect::<Vec<_>>(),
        );
        check(&(0..100u64).map(|i| i << 32).collect::<Vec<_>>());
        // Spread hashes, grown many times.
        check(
            &(0..50_000u64)
                .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                .collect::<Vec<_>>(),
        );
    }

    #[test]
    fn reserve_grows_once_for_what_it_was_told() {
        let mut index = NameIndex::default();
        index.reserve(1000);
        let slots = index.slots.len();
        assert!(slots * 3 >= 1000 * 4);
        for id in 0..1000u32 {
            index.find_or_insert(
                u64::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                |_| false,
                id,
            );
        }
        assert_eq!(index.slots.len(), slots);
        assert_eq!(index.home(0), Some(0));
    }
}
