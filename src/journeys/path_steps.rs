//! A path's text split into channel ids, reusing the steps it shares with the row before.
//!
//! A path summary sorted by path (as pathcredit and `generate-paths` write it) lists
//! paths with long common beginnings one after another: `a > b > c` then `a > b > d`.
//! Every step whose name and following separator lie inside the text both rows begin
//! with is the same step, so its id is copied instead of looked up again. The separator
//! is searched for left to right as `str::split` does, and that search only ever looks at
//! the text up to the end of the separator it finds, so the steps found inside the shared
//! beginning are exactly the row before's.

use crate::channel::{ChannelId, Dictionary};
use crate::csv_input::trim;

/// Splits paths into channel ids, remembering the last path split.
#[derive(Clone, Debug)]
pub(crate) struct PathSteps {
    separator: String,
    /// The last path's text.
    previous: String,
    /// Per step of the last path that a separator follows: the byte just past that
    /// separator.
    ends: Vec<usize>,
    /// The last path's step ids.
    ids: Vec<ChannelId>,
}

impl PathSteps {
    /// A splitter for steps separated by `separator` (already trimmed, not empty).
    pub fn new(separator: &str) -> Self {
        PathSteps {
            separator: separator.to_string(),
            previous: String::new(),
            ends: Vec::new(),
            ids: Vec::new(),
        }
    }

    /// The separator.
    pub fn separator(&self) -> &str {
        &self.separator
    }

    /// Appends the ids of `text`'s steps (names trimmed, interned in `channels`) to
    /// `out`. An empty name is refused with its step number (from 1); what was
    /// appended before it is left for the caller to drop.
    pub fn split(
        &mut self,
        text: &str,
        channels: &mut Dictionary,
        out: &mut Vec<ChannelId>,
    ) -> Result<(), usize> {
        let common = common_prefix(text.as_bytes(), self.previous.as_bytes());
        let reused = self.ends.iter().take_while(|&&end| end <= common).count();
        out.extend_from_slice(&self.ids[..reused]);
        self.ids.truncate(reused);
        self.ends.truncate(reused);
        let mut from = self.ends.last().copied().unwrap_or(0);
        loop {
            let rest = &text[from..];
            let (name, next) = match self.find_separator(rest) {
                Some(at) => (&rest[..at], Some(from + at + self.separator.len())),
                None => (rest, None),
            };
            let name = trim(name);
            if name.is_empty() {
                let step = self.ids.len() + 1;
                self.forget();
                return Err(step);
            }
            let id = channels.intern(name);
            out.push(id);
            self.ids.push(id);
            match next {
                Some(end) => {
                    self.ends.push(end);
                    from = end;
                }
                None => break,
            }
        }
        self.previous.clear();
        self.previous.push_str(text);
        Ok(())
    }

    /// Forgets the last path (its ids belong to a dictionary no longer used, or it was
    /// split only in part).
    pub fn forget(&mut self) {
        self.previous.clear();
        self.ends.clear();
        self.ids.clear();
    }

    /// Where the separator first occurs in `text`.
    fn find_separator(&self, text: &str) -> Option<usize> {
        match self.separator.as_bytes() {
            &[byte] => memchr::memchr(byte, text.as_bytes()),
            _ => text.find(self.separator.as_str()),
        }
    }
}

/// The length of the longest common beginning of two byte strings (compared eight
/// bytes at a time: the first differing byte is the lowest set byte of their xor).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    let mut i = 0;
    while i + 8 <= n {
        let diff = word(a, i) ^ word(b, i);
        if diff != 0 {
            return i + (diff.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The steps as `str::split` and the trim give them, each interned; or the step
    /// number of the first empty name.
    fn split_plainly(
        text: &str,
        separator: &str,
        channels: &mut Dictionary,
    ) -> Result<Vec<u32>, usize> {
        text.split(separator)
            .enumerate()
            .map(|(step, name)| match trim(name) {
                "" => Err(step + 1),
                name => Ok(channels.intern(name)),
            })
            .collect()
    }

    #[test]
    fn shared_beginnings_reuse_steps_and_the_rest_is_split() {
        let mut channels = Dictionary::new();
        let mut steps = PathSteps::new(">");
        let mut out = Vec::new();
        steps.split("a > b > c", &mut channels, &mut out).unwrap();
        steps.split("a > b > cd", &mut channels, &mut out).unwrap();
        // `c` is shared as text but not as a step: `cd` is a new name.
        steps.split("a > bb", &mut channels, &mut out).unwrap();
        assert_eq!(out, [0, 1, 2, 0, 1, 3, 0, 4]);
        let names: Vec<&str> = (0..5).map(|id| channels.name(id)).collect();
        assert_eq!(names, ["a", "b", "c", "cd", "bb"]);
        assert_eq!(
            steps.split("a >  > c", &mut channels, &mut out),
            Err(2),
            "an empty name is refused with its step"
        );
        out.clear();
        steps.split("a > b", &mut channels, &mut out).unwrap();
        assert_eq!(out, [0, 1], "after a refusal nothing stale is reused");
    }

    #[test]
    fn common_prefix_finds_the_first_difference_at_any_place() {
        let a = b"abcdefghijklmnopqrstu";
        for len in 0..=a.len() {
            for at in 0..len {
                let mut b = a[..len].to_vec();
                b[at] ^= 0x20;
                assert_eq!(common_prefix(&a[..len], &b), at);
                assert_eq!(common_prefix(&b, &a[..len]), at);
            }
            assert_eq!(common_prefix(&a[..len], a), len);
            assert_eq!(common_prefix(a, &a[..len]), len);
        }
    }

    proptest! {
        /// Any sequence of paths (sorted or not, names sharing beginnings, separators of
        /// one or more characters, empty names) splits as `str::split` splits each one.
        #[test]
        fn equals_splitting_each_path_on_its_own(
            paths in proptest::collection::vec("[ab> ]{0,12}", 1..12),
            long_separator in any::<bool>(),
        ) {
            let separator = if long_separator { ">>" } else { ">" };
            let mut reused = Dictionary::new();
            let mut plain = Dictionary::new();
            let mut steps = PathSteps::new(separator);
            for text in &paths {
                let mut out = Vec::new();
                let got = steps.split(text, &mut reused, &mut out);
                let expected = split_plainly(text, separator, &mut plain);
                match (got, expected) {
                    (Ok(()), Ok(ids)) => {
                        let names: Vec<&str> = out.iter().map(|&id| reused.name(id)).collect();
                        let expected: Vec<&str> = ids.iter().map(|&id| plain.name(id)).collect();
                        prop_assert_eq!(names, expected);
                    }
                    (got, expected) => prop_assert_eq!(got, expected.map(|_| ()), "{:?}", text),
                }
            }
        }
    }
}
