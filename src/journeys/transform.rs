//! Path transforms for path summaries, composable and applied in a fixed order:
//!
//! 1. `drop_channel NAME` (repeatable): remove every touch of those channels;
//! 2. `drop_direct_unless_only`: remove direct touches, unless the path is made only of
//!    direct touches (then it stays as it is);
//! 3. `transform KIND`:
//!    * `none`: the path as it is;
//!    * `exposure`: collapse consecutive repeats (`a > a > b > a` → `a > b > a`);
//!    * `first`: keep the first occurrence of each channel (`a > b > a > c` → `a > b > c`);
//!    * `unique`: the set of channels in first-seen order, which as a sequence equals
//!      `first` (named for users of tools that call it so; note that Google's
//!      Fractribution uses `unique` for the identity, our `none`);
//!    * `frequency`: like `first`, each channel named with its count
//!      (`a > b > a` → `a(2) > b(1)`), after Fractribution's frequency transform;
//! 4. `max_steps N`: keep the last N touches.
//!
//! Paths that become empty (every touch dropped) leave the table; their counts are
//! returned so the caller reports them. Dropping every channel of the input (so no
//! path is left at all) is refused: every number a model would give is then 0, and
//! the models' own notes would name symptoms instead of the cause.

use serde::Serialize;

use crate::channel::ChannelId;
use crate::choice::{Choice, choice_str};
use crate::error::{Error, Result};
use crate::journeys::path_table::{PathRowTotals, PathTable};
use crate::param::Param;

/// The sequence transform of step 3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransformKind {
    /// The path as it is.
    #[default]
    None,
    /// Collapse consecutive repeats.
    Exposure,
    /// First occurrence of each channel.
    First,
    /// The channel set in first-seen order (equals `first` as a sequence).
    Unique,
    /// First occurrences, named `channel(count)`.
    Frequency,
}

impl Choice for TransformKind {
    const PARAM: Param = Param::Transform;
    const ALL: &'static [Self] = &[
        TransformKind::None,
        TransformKind::Exposure,
        TransformKind::First,
        TransformKind::Unique,
        TransformKind::Frequency,
    ];
    fn name(self) -> &'static str {
        match self {
            TransformKind::None => "none",
            TransformKind::Exposure => "exposure",
            TransformKind::First => "first",
            TransformKind::Unique => "unique",
            TransformKind::Frequency => "frequency",
        }
    }
}

choice_str!(TransformKind);

/// A composable path transform (see the module docs for the order of steps).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PathTransform {
    /// The sequence transform.
    pub kind: TransformKind,
    /// Keep the last N touches.
    pub max_steps: Option<usize>,
    /// Channels removed from every path.
    pub drop_channels: Vec<String>,
    /// Remove direct touches unless a path has nothing else.
    pub drop_direct_unless_only: bool,
    /// The direct channel names (default `direct`).
    pub direct_channels: Vec<String>,
}

impl PathTransform {
    /// True when the transform changes nothing.
    pub fn is_identity(&self) -> bool {
        self.kind == TransformKind::None
            && self.max_steps.is_none()
            && self.drop_channels.is_empty()
            && !self.drop_direct_unless_only
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.max_steps == Some(0) {
            return Err(Error::param(Param::MaxSteps, "must be at least 1"));
        }
        Ok(())
    }

    /// Applies the transform; returns the new table and the totals of the rows whose
    /// paths became empty.
    pub fn apply(&self, table: &PathTable) -> Result<(PathTable, PathRowTotals)> {
        self.validate()?;
        // The identity keeps every non-empty path as it is, and a table is canonical
        // already: nothing to rebuild.
        if self.is_identity() && table.rows().all(|row| !row.path.is_empty()) {
            return Ok((table.clone(), PathRowTotals::default()));
        }
        let channels = table.channels();
        let flags = |names: &[String]| {
            let mut f = vec![false; channels.len()];
            for n in names {
                if let Some(id) = channels.id(n) {
                    f[id as usize] = true;
                }
            }
            f
        };
        let dropped = flags(&self.drop_channels);
        let direct = flags(&self.direct_channels);
        let mut counts = vec![0u32; channels.len()];
        let mut steps: Vec<(ChannelId, u32)> = Vec::new();
        let mut builder = PathTable::builder();
        let mut names: Vec<String> = Vec::new();
        let mut emptied = PathRowTotals::default();
        let mut had_touches = false;
        for row in table.rows() {
            had_touches |= !row.path.is_empty();
            steps.clear();
            steps.extend(
                row.path
                    .iter()
                    .filter(|&&c| !dropped[c as usize])
                    .map(|&c| (c, 1)),
            );
            if self.drop_direct_unless_only && steps.iter().any(|&(c, _)| !direct[c as usize]) {
                steps.retain(|&(c, _)| !direct[c as usize]);
            }
            match self.kind {
                TransformKind::None => {}
                TransformKind::Exposure => steps.dedup_by_key(|s| s.0),
                TransformKind::First | TransformKind::Unique | TransformKind::Frequency => {
                    for &(c, _) in steps.iter() {
                        counts[c as usize] += 1;
                    }
                    steps.retain_mut(|s| {
                        let n = std::mem::take(&mut counts[s.0 as usize]);
                        s.1 = n;
                        n > 0
                    });
                }
            }
            if let Some(n) = self.max_steps
                && steps.len() > n
            {
                steps.drain(..steps.len() - n);
            }
            if steps.is_empty() {
                emptied.rows += 1;
                emptied.conversions += row.conversions;
                emptied.value += row.value;
                emptied.nulls += row.nulls;
                continue;
            }
            names.clear();
            names.extend(steps.iter().map(|&(c, n)| match self.kind {
                TransformKind::Frequency => format!("{}({n})", channels.name(c)),
                _ => channels.name(c).to_string(),
            }));
            builder.push(&names, row.conversions, row.value, row.nulls);
        }
        let out = builder.finish();
        if out.is_empty() && had_touches {
            return Err(self.dropped_everything(table, &emptied));
        }
        Ok((out, emptied))
    }

    /// The error of a transform that emptied every path of `table`: only dropping
    /// channels can (direct touches stay on a path made only of them, and the other
    /// steps keep at least one touch), so it names the dropped channels.
    fn dropped_everything(&self, table: &PathTable, emptied: &PathRowTotals) -> Error {
        let channels = table.channels();
        let named: Vec<&str> = self
            .drop_channels
            .iter()
            .filter(|n| channels.id(n).is_some())
            .map(String::as_str)
            .collect();
        let shown = if named.len() > MAX_NAMED {
            format!(
                "{}, … ({} channels)",
                named[..MAX_NAMED].join(", "),
                named.len()
            )
        } else {
            named.join(", ")
        };
        Error::param(
            Param::DropChannel,
            format!(
                "it drops every channel of the input ({shown}), so every path is empty and \
                 nothing is left to attribute ({} paths with {} conversions and {} nulls); \
                 drop fewer channels",
                emptied.rows, emptied.conversions, emptied.nulls
            ),
        )
    }
}

/// The most dropped channels an error names one by one.
const MAX_NAMED: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    fn one(path: &[&str]) -> PathTable {
        let mut b = PathTable::builder();
        b.push(path, 1.0, 10.0, 2.0);
        b.finish()
    }

    fn apply(t: &PathTransform, path: &[&str]) -> String {
        let (out, _) = t.apply(&one(path)).unwrap();
        if out.is_empty() {
            String::new()
        } else {
            out.path_string(0)
        }
    }

    fn kind(kind: TransformKind) -> PathTransform {
        PathTransform {
            kind,
            direct_channels: vec!["direct".into()],
            ..PathTransform::default()
        }
    }

    const PATH: [&str; 8] = ["D", "A", "B", "B", "C", "D", "C", "C"];

    #[test]
    fn each_sequence_transform() {
        assert_eq!(
            apply(&kind(TransformKind::None), &PATH),
            "D > A > B > B > C > D > C > C"
        );
        assert_eq!(
            apply(&kind(TransformKind::Exposure), &PATH),
            "D > A > B > C > D > C"
        );
        assert_eq!(apply(&kind(TransformKind::First), &PATH), "D > A > B > C");
        assert_eq!(apply(&kind(TransformKind::Unique), &PATH), "D > A > B > C");
        assert_eq!(
            apply(&kind(TransformKind::Frequency), &PATH),
            "D(2) > A(1) > B(2) > C(3)"
        );
    }

    #[test]
    fn max_steps_keeps_the_last_touches_after_the_transform() {
        let t = PathTransform {
            max_steps: Some(2),
            ..kind(TransformKind::Exposure)
        };
        assert_eq!(apply(&t, &PATH), "D > C");
    }

    #[test]
    fn drop_channel_and_direct_unless_only() {
        let t = PathTransform {
            drop_channels: vec!["B".into()],
            drop_direct_unless_only: true,
            ..kind(TransformKind::None)
        };
        assert_eq!(apply(&t, &["direct", "B", "A", "direct"]), "A");
        assert_eq!(apply(&t, &["direct", "direct"]), "direct > direct");
        let mut b = PathTable::builder();
        b.push(&["B", "B"], 1.0, 10.0, 2.0);
        b.push(&["A"], 0.0, 0.0, 1.0);
        let (out, emptied) = t.apply(&b.finish()).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(emptied.rows, 1);
        assert_eq!(emptied.conversions, 1.0);
        assert_eq!(emptied.nulls, 2.0);
    }

    /// Issue 31, item 18: dropping every channel is one error naming the cause, not an
    /// empty table whose models then say P(conversion) = 0 and "every path converts".
    #[test]
    fn dropping_every_channel_is_refused_naming_the_channels() {
        let t = PathTransform {
            drop_channels: vec!["B".into(), "A".into(), "Z".into()],
            ..kind(TransformKind::None)
        };
        let mut b = PathTable::builder();
        b.push(&["B", "A"], 1.0, 10.0, 2.0);
        b.push(&["A"], 0.0, 0.0, 1.0);
        let err = t.apply(&b.finish()).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid drop_channel: it drops every channel of the input (B, A), so every path \
             is empty and nothing is left to attribute (2 paths with 1 conversions and 3 \
             nulls); drop fewer channels"
        );
        // A table with no touches to begin with is not the transform's doing.
        let (out, _) = t.apply(&PathTable::default()).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn transformed_rows_merge() {
        let mut b = PathTable::builder();
        b.push(&["a", "a", "b"], 1.0, 1.0, 0.0);
        b.push(&["a", "b", "b"], 2.0, 2.0, 1.0);
        let (out, _) = kind(TransformKind::Exposure).apply(&b.finish()).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out.row(0).conversions, 3.0);
    }

    /// The identity returns the table as it is, and still leaves out empty paths
    /// (reported as emptied), as every other transform does.
    #[test]
    fn the_identity_keeps_the_table_and_drops_empty_paths() {
        let mut b = PathTable::builder();
        b.push(&["b", "a"], 1.0, 3.0, 0.0);
        b.push(&["a"], 0.0, 0.0, 2.0);
        let table = b.finish();
        let identity = kind(TransformKind::None);
        let (out, emptied) = identity.apply(&table).unwrap();
        assert_eq!(out, table);
        assert_eq!(emptied, PathRowTotals::default());
        let mut b = PathTable::builder();
        b.extend_from(&table);
        b.push::<&str>(&[], 1.0, 5.0, 1.0);
        let (out, emptied) = identity.apply(&b.finish()).unwrap();
        assert_eq!(out, table);
        assert_eq!(
            (emptied.rows, emptied.conversions, emptied.nulls),
            (1, 1.0, 1.0)
        );
    }
}
