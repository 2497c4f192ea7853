//! Step 2 of the SQL: identity stitching into persons (label propagation with pointer
//! jumping, a convergence check, the smallest user-side id as the person key).

use super::Writer;
use crate::journeys::SharedDevices;

impl Writer<'_> {
    /// Step 2: identity stitching into persons.
    pub(super) fn identities(&mut self) {
        let spec = self.spec;
        // The edges: the identities table's, and under an export preset (or a
        // `stitch_id` column named by the column map) each events row's own from its
        // user id to its stitch id. The identities table's columns are its own under a
        // preset (whose map names the export's columns).
        let mut sources = Vec::new();
        if let Some(table) = &spec.identities_table {
            let c = &spec.params.identities_read().columns;
            sources.push(format!(
                "SELECT {} AS a, {} AS u FROM {}",
                self.text(&self.col("anonymous_id", c)),
                self.text(&self.col("user_id", c)),
                self.d.table(table)
            ));
        }
        if spec.has_stitch_id() {
            sources.push(format!(
                "SELECT id AS a, stitch AS u FROM {}",
                self.t("events")
            ));
        }
        if sources.is_empty() {
            self.step(
                "2. Persons: without identity edges, every id is its own person.",
                "person_of",
                format!("SELECT DISTINCT id, id AS person FROM {}", self.t("events")),
            );
            return;
        }
        self.step(
            "2. Identity edges (the identities table's, and the events' user id → stitch id):\n\
             distinct, trimmed; a self-edge links nothing.",
            "edges_all",
            format!(
                "SELECT DISTINCT a, u FROM (\n  {}) e\nWHERE a <> u AND a <> '' AND u <> ''",
                sources.join("\n  UNION ALL ")
            ),
        );
        let used = match spec.params.shared_devices {
            SharedDevices::Separate => format!(
                "SELECT a, u FROM {all} WHERE a NOT IN (\n  SELECT a FROM {all} GROUP BY a HAVING count(DISTINCT u) > 1)",
                all = self.t("edges_all")
            ),
            SharedDevices::Merge => format!("SELECT a, u FROM {}", self.t("edges_all")),
        };
        self.step(
            "Edges followed: an anonymous id linked to several user ids (a shared device) is\n\
             kept apart under shared_devices = separate.",
            "edges",
            used,
        );
        self.step(
            "Both directions of every edge.",
            "neighbours",
            format!(
                "SELECT a AS x, u AS y FROM {e} UNION ALL SELECT u AS x, a AS y FROM {e}",
                e = self.t("edges")
            ),
        );
        self.step(
            "Every id, labelled with itself.",
            "label_0",
            format!(
                "SELECT id AS v, id AS lab FROM (SELECT id FROM {ev} UNION SELECT a FROM {e} UNION SELECT u FROM {e}) ids",
                ev = self.t("events"),
                e = self.t("edges")
            ),
        );
        let rounds = spec.stitch_rounds;
        for r in 1..=rounds {
            let prev = self.t(&format!("label_{}", r - 1));
            let query = format!(
                "WITH m AS (\n  SELECT l.v, least(l.lab, coalesce(nb.lab, l.lab)) AS lab FROM {prev} l\n  \
                 LEFT JOIN (SELECT n.x AS v, min(l2.lab) AS lab FROM {nb} n JOIN {prev} l2 ON n.y = l2.v GROUP BY n.x) nb\n  \
                 ON nb.v = l.v)\nSELECT m1.v, m2.lab FROM m m1 JOIN m m2 ON m2.v = m1.lab",
                nb = self.t("neighbours"),
            );
            self.step(
                &format!(
                    "Round {r} of {rounds}: each id takes the smallest label among itself and its\n\
                     neighbours, then the label of that label (pointer jumping)."
                ),
                &format!("label_{r}"),
                query,
            );
        }
        let last = self.t(&format!("label_{rounds}"));
        let check = format!(
            "SELECT {raise} AS failed FROM (\n  SELECT count(*) AS n FROM {e} e JOIN {last} la ON la.v = e.a JOIN {last} lu ON lu.v = e.u\n  WHERE la.lab <> lu.lab) unconverged\nWHERE n > 0",
            raise = self.d.raise(&format!(
                "pathcredit: identity stitching did not converge in {rounds} rounds; generate the SQL with more stitch rounds"
            )),
            e = self.t("edges"),
        );
        self.out.push(
            "Convergence check: fails the run if an edge still joins two labels.",
            vec![check],
        );
        self.step(
            "Persons: the key of each component is its smallest user-side id (byte order).",
            "person_of",
            format!(
                "SELECT l.v AS id, coalesce(k.key, l.lab) AS person FROM {last} l\n\
                 LEFT JOIN (SELECT l2.lab, min(e.u) AS key FROM {e} e JOIN {last} l2 ON l2.v = e.u GROUP BY l2.lab) k\n\
                 ON k.lab = l.lab",
                e = self.t("edges"),
            ),
        );
    }
}
