//! Identity stitching: `anonymous_id,user_id` edges resolved into one person key.
//!
//! Edges are many-to-many: one person on several devices (several anonymous ids to one
//! user id) and, through chains of edges, several user ids that share a device. The ids
//! are the vertices of a graph; each connected component (union-find with path
//! compression and union by size) is one person.
//!
//! **Person key.** The smallest (byte-wise) `user_id` side of any edge in the
//! component, or, for an id with no edge, the id itself. It depends only on the set of
//! edges, never on their order.
//!
//! **Shared devices** (a documented choice, [`SharedDevices`]): an anonymous id linked
//! to two or more different user ids is, by default, *kept separate*: its edges are
//! ignored, its events stay under its own id, and the two users are not merged into
//! one person. With [`SharedDevices::Merge`] every edge is followed and the users
//! become one person.

use std::io::Write;

use serde::Serialize;

use crate::channel::Dictionary;
use crate::choice::{Choice, choice_str};
use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records};
use crate::error::{Error, Result};
use crate::journeys::intern_pipeline::intern_alongside;
use crate::param::Param;

/// Column names of the identities file (`timestamp` is optional and not used).
pub const IDENTITY_COLUMNS: [&str; 3] = ["anonymous_id", "user_id", "timestamp"];

/// What to do with an anonymous id linked to several user ids.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SharedDevices {
    /// Ignore its edges: the device stays its own person, the users stay apart.
    #[default]
    Separate,
    /// Follow every edge: all users linked through the device become one person.
    Merge,
}

impl Choice for SharedDevices {
    const PARAM: Param = Param::SharedDevices;
    const ALL: &'static [Self] = &[SharedDevices::Separate, SharedDevices::Merge];
    fn name(self) -> &'static str {
        match self {
            SharedDevices::Separate => "separate",
            SharedDevices::Merge => "merge",
        }
    }
}

choice_str!(SharedDevices);

/// Identity edges as pairs of ids interned in the shared id dictionary.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdentityEdges {
    /// `(anonymous, user)` pairs.
    pub edges: Vec<(u32, u32)>,
    /// Rows that link an id to itself: they link nothing and are left out.
    pub self_edges: u64,
    pub report: ReadReport,
}

impl IdentityEdges {
    /// Reads `anonymous_id,user_id` edges; an empty side is an error (or a skipped row).
    pub fn read(
        input: Records<'_>,
        name: &str,
        options: &ReadOptions,
        ids: &mut Dictionary,
    ) -> Result<Self> {
        options
            .columns
            .check_known("identities", &IDENTITY_COLUMNS)?;
        let mut src = CsvSource::open(input, name, &IDENTITY_COLUMNS[..2])?;
        let anon_col = src.required("anonymous_id", &options.columns)?;
        let user_col = src.required("user_id", &options.columns)?;
        let mut out = IdentityEdges {
            report: ReadReport::new(name),
            ..Self::default()
        };
        // Both ids of each kept edge are interned on a second thread while this one
        // parses, in order (anonymous id, then user id), as one thread would.
        let ((), interned) = intern_alongside(ids, |pipe| -> Result<()> {
            while let Some(row) = src.next_row()? {
                out.report.rows_read += 1;
                let pair = (|| {
                    let anon = row.non_empty(
                        anon_col,
                        "an anonymous id (both sides of an identity edge are required)",
                    )?;
                    let user = row.non_empty(
                        user_col,
                        "a user id (both sides of an identity edge are required)",
                    )?;
                    Ok((anon, user))
                })();
                if let Some((anon, user)) = out.report.keep_or_skip(pair, options.skip_bad_rows)? {
                    if anon == user {
                        // A self-edge links nothing; kept, it would make the id look linked
                        // to two users (a "shared device") and cut its real link.
                        out.self_edges += 1;
                        continue;
                    }
                    pipe.push(anon);
                    pipe.push(user);
                }
            }
            Ok(())
        })?;
        out.edges = interned.chunks_exact(2).map(|p| (p[0], p[1])).collect();
        out.report.check_usable()?;
        Ok(out)
    }
}

/// How an id was resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The id is its own person key.
    Own,
    /// The id was stitched to another person key.
    Stitched,
    /// A shared device kept separate (its edges ignored).
    SharedDevice,
}

impl Resolution {
    fn as_str(self) -> &'static str {
        match self {
            Resolution::Own => "own",
            Resolution::Stitched => "stitched",
            Resolution::SharedDevice => "shared_device",
        }
    }
}

/// Counts of the identity resolution.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IdentityStats {
    /// Edges read.
    pub edges: u64,
    /// Ids mapped to a person key other than themselves.
    pub ids_stitched: u64,
    /// Anonymous ids linked to two or more user ids.
    pub shared_devices: u64,
    /// Rows linking an id to itself, ignored.
    pub self_edges: u64,
    /// Policy applied to shared devices.
    pub shared_device_policy: SharedDevices,
    /// Distinct persons among all ids.
    pub persons: u64,
}

/// The resolved mapping from ids to persons.
#[derive(Clone, Debug)]
pub(crate) struct Persons {
    /// Person index of every id of the id dictionary.
    pub person_of: Vec<u32>,
    /// Each person's key, as an id of the id dictionary (index = person index).
    pub key: Vec<u32>,
    pub resolution: Vec<Resolution>,
    pub stats: IdentityStats,
}

/// How persons are numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PersonOrder {
    /// In the byte order of their keys' names (journeys and timelines come out in it).
    ByKeyName,
    /// In the order of their keys' ids: no sort of names, for builds whose output does
    /// not depend on the numbering (a path summary).
    ByKeyId,
}

struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        let mut root = x;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        while self.parent[x as usize] != root {
            let next = self.parent[x as usize];
            self.parent[x as usize] = root;
            x = next;
        }
        root
    }

    fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }
}

impl Persons {
    /// Resolves every id of `ids` into a person (see the module docs).
    pub fn resolve(
        ids: &Dictionary,
        edges: &[(u32, u32)],
        policy: SharedDevices,
        numbering: PersonOrder,
    ) -> Persons {
        let n = ids.len();
        // Shared devices: anonymous ids with two or more distinct user ids.
        let mut first_user = vec![u32::MAX; n];
        let mut shared = vec![false; n];
        for &(anon, user) in edges {
            let slot = &mut first_user[anon as usize];
            if *slot == u32::MAX {
                *slot = user;
            } else if *slot != user {
                shared[anon as usize] = true;
            }
        }
        let mut uf = UnionFind::new(n);
        let mut is_user = vec![false; n];
        for &(anon, user) in edges {
            if policy == SharedDevices::Separate && shared[anon as usize] {
                continue;
            }
            uf.union(anon, user);
            is_user[user as usize] = true;
        }
        // Key of each component: its smallest user-side id, else its only id.
        let mut best = vec![u32::MAX; n];
        for id in 0..n as u32 {
            let root = uf.find(id) as usize;
            let candidate_is_user = is_user[id as usize];
            let current = best[root];
            let better = if current == u32::MAX {
                true
            } else {
                let current_is_user = is_user[current as usize];
                match (candidate_is_user, current_is_user) {
                    (true, false) => true,
                    (false, true) => false,
                    _ => ids.name(id) < ids.name(current),
                }
            };
            if better {
                best[root] = id;
            }
        }
        let mut key_used = vec![false; n];
        for id in 0..n as u32 {
            let root = uf.find(id) as usize;
            key_used[best[root] as usize] = true;
        }
        let key = match numbering {
            PersonOrder::ByKeyName => ids.ids_in_name_order(&key_used),
            PersonOrder::ByKeyId => (0..n as u32).filter(|&id| key_used[id as usize]).collect(),
        };
        let mut remap = vec![u32::MAX; n];
        for (person, &id) in key.iter().enumerate() {
            remap[id as usize] = person as u32;
        }
        let mut person_of = vec![0u32; n];
        let mut resolution = vec![Resolution::Own; n];
        let mut stats = IdentityStats {
            edges: edges.len() as u64,
            self_edges: 0,
            shared_device_policy: policy,
            persons: key.len() as u64,
            ..IdentityStats::default()
        };
        for id in 0..n as u32 {
            let key = best[uf.find(id) as usize];
            person_of[id as usize] = remap[key as usize];
            if shared[id as usize] {
                stats.shared_devices += 1;
            }
            resolution[id as usize] = if key != id {
                stats.ids_stitched += 1;
                Resolution::Stitched
            } else if shared[id as usize] && policy == SharedDevices::Separate {
                Resolution::SharedDevice
            } else {
                Resolution::Own
            };
        }
        Persons {
            person_of,
            key,
            resolution,
            stats,
        }
    }

    /// The name of `person`'s key (`ids` is the dictionary the persons were resolved
    /// from).
    pub fn key_name<'a>(&self, ids: &'a Dictionary, person: u32) -> &'a str {
        ids.name(self.key[person as usize])
    }

    /// Writes `id,person_id,resolution` for every id, sorted by id, so a run can be
    /// audited and reproduced.
    pub fn write_csv<W: Write>(&self, ids: &Dictionary, out: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
        w.write_record(["id", "person_id", "resolution"])
            .map_err(err)?;
        let order = ids.ids_in_name_order(&vec![true; ids.len()]);
        for id in order {
            w.write_record([
                ids.name(id),
                self.key_name(ids, self.person_of[id as usize]),
                self.resolution[id as usize].as_str(),
            ])
            .map_err(err)?;
        }
        w.flush().map_err(Error::Write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(
        edges: &[(&str, &str)],
        extra: &[&str],
        policy: SharedDevices,
    ) -> (Dictionary, Persons) {
        let mut ids = Dictionary::new();
        for e in extra {
            ids.intern(e);
        }
        let pairs: Vec<(u32, u32)> = edges
            .iter()
            .map(|(a, u)| (ids.intern(a), ids.intern(u)))
            .collect();
        let persons = Persons::resolve(&ids, &pairs, policy, PersonOrder::ByKeyName);
        let by_id = Persons::resolve(&ids, &pairs, policy, PersonOrder::ByKeyId);
        // Numbered either way, every id has the same key.
        for id in 0..ids.len() as u32 {
            assert_eq!(
                by_id.key_name(&ids, by_id.person_of[id as usize]),
                persons.key_name(&ids, persons.person_of[id as usize])
            );
        }
        assert_eq!(by_id.resolution, persons.resolution);
        assert_eq!(by_id.stats, persons.stats);
        (ids, persons)
    }

    fn key<'a>(ids: &'a Dictionary, p: &Persons, id: &str) -> &'a str {
        p.key_name(ids, p.person_of[ids.id(id).unwrap() as usize])
    }

    #[test]
    fn two_devices_that_log_in_become_one_person() {
        let (ids, p) = resolve(
            &[("cookie_a", "alice"), ("phone_b", "alice")],
            &["lonely"],
            SharedDevices::Separate,
        );
        assert_eq!(key(&ids, &p, "cookie_a"), "alice");
        assert_eq!(key(&ids, &p, "phone_b"), "alice");
        assert_eq!(key(&ids, &p, "lonely"), "lonely");
        assert_eq!(p.stats.ids_stitched, 2);
        assert_eq!(p.stats.persons, 2);
    }

    #[test]
    fn key_does_not_depend_on_edge_order() {
        let edges = [
            ("d1", "zed"),
            ("d1", "amy"),
            ("d2", "amy"),
            ("d3", "bob"),
            ("d2", "bob"),
        ];
        let (ids1, p1) = resolve(&edges, &[], SharedDevices::Merge);
        let mut reversed = edges;
        reversed.reverse();
        let (ids2, p2) = resolve(&reversed, &[], SharedDevices::Merge);
        for id in ["d1", "d2", "d3", "zed", "amy", "bob"] {
            assert_eq!(key(&ids1, &p1, id), "amy");
            assert_eq!(key(&ids2, &p2, id), "amy");
        }
    }

    #[test]
    fn shared_device_is_kept_separate_by_default() {
        let edges = [("tablet", "amy"), ("tablet", "bob"), ("phone", "bob")];
        let (ids, p) = resolve(&edges, &[], SharedDevices::Separate);
        assert_eq!(key(&ids, &p, "tablet"), "tablet");
        assert_eq!(key(&ids, &p, "amy"), "amy");
        assert_eq!(key(&ids, &p, "phone"), "bob");
        assert_eq!(p.stats.shared_devices, 1);
        let (ids, p) = resolve(&edges, &[], SharedDevices::Merge);
        assert_eq!(key(&ids, &p, "tablet"), "amy");
        assert_eq!(key(&ids, &p, "bob"), "amy");
    }

    #[test]
    fn empty_side_of_an_edge_is_an_error() {
        let mut ids = Dictionary::new();
        let err = IdentityEdges::read(
            Records::csv("anonymous_id,user_id\nc1,u1\n,u2\n".as_bytes()),
            "ids.csv",
            &ReadOptions::default(),
            &mut ids,
        )
        .unwrap_err();
        let loc = err.location().unwrap();
        assert_eq!((loc.line, loc.column), (3, Some(1)));
    }
}
