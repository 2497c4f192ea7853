//! Features of a journey (or of a path), with documented names.
//!
//! For `C` channels, in this order:
//!
//! | name | value |
//! |---|---|
//! | `count:CH` | `ln(1 + touches of CH)` |
//! | `present:CH` | 1 if the journey touched CH |
//! | `first:CH` | 1 if CH is the first touch |
//! | `last:CH` | 1 if CH is the last touch |
//! | `length` | `ln(1 + touches)` |
//! | `recency:CH:B` | 1 if the most recent touch of CH was B before the journey's end (its conversion, or its last touch when it did not convert); B ∈ `0-1d`, `1-7d`, `7-30d`, `30d+` (journeys with times only) |
//! | `pair:A&B` | 1 if both A and B were touched (`logistic_interactions`) |
//!
//! A journey restricted to a channel subset `S` keeps its touches of channels in `S`,
//! in order, with their times; its features are recomputed from those touches.

use serde::Serialize;

use crate::channel::ChannelId;
use crate::time::{DAY, Millis};

/// Recency bucket upper bounds in days; the last bucket is open.
const RECENCY_BOUNDS: [i64; 3] = [1, 7, 30];
/// Recency bucket names, in order.
pub const RECENCY_BUCKETS: [&str; 4] = ["0-1d", "1-7d", "7-30d", "30d+"];

/// Which features the model uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FeatureSpec {
    /// Channels (players).
    pub channels: usize,
    /// Whether recency features exist (journeys with times).
    pub recency: bool,
    /// Whether pairwise presence interactions exist.
    pub interactions: bool,
}

/// One touch as the featurizer sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TouchLite {
    /// Channel id.
    pub channel: ChannelId,
    /// Time before the journey's end (ms); 0 when times are unknown.
    pub age: Millis,
}

fn bucket(age: Millis) -> usize {
    let days = age / DAY;
    RECENCY_BOUNDS
        .iter()
        .position(|&b| days < b)
        .unwrap_or(RECENCY_BOUNDS.len())
}

impl FeatureSpec {
    /// Number of features.
    pub fn len(&self) -> usize {
        let c = self.channels;
        4 * c
            + 1
            + if self.recency {
                c * RECENCY_BUCKETS.len()
            } else {
                0
            }
            + if self.interactions {
                c * c.saturating_sub(1) / 2
            } else {
                0
            }
    }

    /// True when there are no features (no channels).
    pub fn is_empty(&self) -> bool {
        self.channels == 0
    }

    fn pair_index(&self, a: usize, b: usize) -> usize {
        // Index of (a, b), a < b, in the row-major upper triangle.
        let c = self.channels;
        let base = 4 * c
            + 1
            + if self.recency {
                c * RECENCY_BUCKETS.len()
            } else {
                0
            };
        base + a * (2 * c - a - 1) / 2 + (b - a - 1)
    }

    /// Feature names, in index order.
    pub fn names(&self, channel_name: impl Fn(usize) -> String) -> Vec<String> {
        let c = self.channels;
        let mut names = Vec::with_capacity(self.len());
        for prefix in ["count", "present", "first", "last"] {
            names.extend((0..c).map(|i| format!("{prefix}:{}", channel_name(i))));
        }
        names.push("length".to_string());
        if self.recency {
            for i in 0..c {
                names.extend(
                    RECENCY_BUCKETS
                        .iter()
                        .map(|b| format!("recency:{}:{b}", channel_name(i))),
                );
            }
        }
        if self.interactions {
            for a in 0..c {
                for b in a + 1..c {
                    names.push(format!("pair:{}&{}", channel_name(a), channel_name(b)));
                }
            }
        }
        names
    }

    /// The non-zero features of the touches for which `keep(channel)` holds, as
    /// `(index, value)` pairs, using `scratch` (length `channels`) for counts.
    pub fn sparse(
        &self,
        touches: &[TouchLite],
        keep: impl Fn(ChannelId) -> bool,
        scratch: &mut Vec<(u32, Millis)>,
        out: &mut Vec<(usize, f64)>,
    ) {
        let c = self.channels;
        out.clear();
        scratch.clear();
        scratch.resize(c, (0, Millis::MAX));
        let (mut first, mut last, mut n) = (None, None, 0u32);
        for t in touches.iter().filter(|t| keep(t.channel)) {
            let s = &mut scratch[t.channel as usize];
            s.0 += 1;
            s.1 = s.1.min(t.age);
            first.get_or_insert(t.channel);
            last = Some(t.channel);
            n += 1;
        }
        let mut present = Vec::new();
        for (ch, &(count, age)) in scratch.iter().enumerate() {
            if count == 0 {
                continue;
            }
            present.push(ch);
            out.push((ch, f64::from(count).ln_1p()));
            out.push((c + ch, 1.0));
            if self.recency {
                out.push((4 * c + 1 + ch * RECENCY_BUCKETS.len() + bucket(age), 1.0));
            }
        }
        if let (Some(f), Some(l)) = (first, last) {
            out.push((2 * c + f as usize, 1.0));
            out.push((3 * c + l as usize, 1.0));
        }
        out.push((4 * c, f64::from(n).ln_1p()));
        if self.interactions {
            for (i, &a) in present.iter().enumerate() {
                for &b in &present[i + 1..] {
                    out.push((self.pair_index(a, b), 1.0));
                }
            }
        }
    }

    /// The features of a *prototype* journey touching each channel of `members` once,
    /// in no particular order: `first:`/`last:` take their expectation over orders
    /// (`1/|S|` each), recency is absent. This is the coalition of the model game.
    pub fn prototype(&self, members: &[bool], out: &mut Vec<(usize, f64)>) {
        let c = self.channels;
        out.clear();
        let present: Vec<usize> = (0..c).filter(|&i| members[i]).collect();
        let k = present.len() as f64;
        for &ch in &present {
            out.push((ch, 1f64.ln_1p()));
            out.push((c + ch, 1.0));
            out.push((2 * c + ch, 1.0 / k));
            out.push((3 * c + ch, 1.0 / k));
        }
        out.push((4 * c, k.ln_1p()));
        if self.interactions {
            for (i, &a) in present.iter().enumerate() {
                for &b in &present[i + 1..] {
                    out.push((self.pair_index(a, b), 1.0));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_indices_agree() {
        let spec = FeatureSpec {
            channels: 3,
            recency: true,
            interactions: true,
        };
        let names = spec.names(|i| ["a", "b", "c"][i].to_string());
        assert_eq!(names.len(), spec.len());
        assert_eq!(names[spec.pair_index(0, 2)], "pair:a&c");
        assert_eq!(names[spec.pair_index(1, 2)], "pair:b&c");
        let touches = [
            TouchLite {
                channel: 2,
                age: 10 * DAY,
            },
            TouchLite {
                channel: 0,
                age: 3 * DAY,
            },
            TouchLite { channel: 2, age: 0 },
        ];
        let mut out = Vec::new();
        spec.sparse(&touches, |_| true, &mut Vec::new(), &mut out);
        let get = |out: &[(usize, f64)], name: &str| {
            out.iter().find(|(i, _)| names[*i] == name).map(|p| p.1)
        };
        assert_eq!(get(&out, "count:c"), Some(2f64.ln_1p()));
        assert_eq!(get(&out, "first:c"), Some(1.0));
        assert_eq!(get(&out, "last:c"), Some(1.0));
        assert_eq!(get(&out, "recency:c:0-1d"), Some(1.0));
        assert_eq!(get(&out, "recency:a:1-7d"), Some(1.0));
        assert_eq!(get(&out, "length"), Some(3f64.ln_1p()));
        assert_eq!(get(&out, "pair:a&c"), Some(1.0));
        // Restricted to channel a only.
        spec.sparse(&touches, |ch| ch == 0, &mut Vec::new(), &mut out);
        assert_eq!(get(&out, "first:a"), Some(1.0));
        assert_eq!(get(&out, "count:c"), None);
        assert_eq!(get(&out, "length"), Some(1f64.ln_1p()));
    }
}
