//! Step 7 of the SQL: the path transforms, in the builder's order.

use super::Writer;
use crate::choice::Choice;
use crate::journeys::TransformKind;

impl Writer<'_> {
    /// Step 7: the path transform.
    pub(super) fn transformed(&mut self) {
        let t = &self.spec.transform;
        let mut source = self.t("journeys");
        let mut steps = Vec::new();
        if !t.drop_channels.is_empty() {
            steps.push((
                "Dropped channels.".to_string(),
                format!(
                    "SELECT * FROM {source} WHERE channel NOT IN ({})",
                    self.list(&t.drop_channels)
                ),
            ));
        }
        if t.drop_direct_unless_only {
            let direct = self.list(&t.direct_channels);
            steps.push((
                "Direct touches dropped, unless a journey has nothing else.".to_string(),
                format!(
                    "SELECT * FROM (SELECT *, max(CASE WHEN channel IN ({direct}) THEN 0 ELSE 1 END) OVER (PARTITION BY unit, j) AS other FROM {{src}}) x\n\
                     WHERE other = 0 OR channel NOT IN ({direct})"
                ),
            ));
        }
        match t.kind {
            TransformKind::None => {}
            TransformKind::Exposure => steps.push((
                "Transform exposure: consecutive repeats collapsed.".to_string(),
                "SELECT * FROM (SELECT *, lag(channel) OVER (PARTITION BY unit, j ORDER BY pos) AS prev FROM {src}) x\n\
                 WHERE prev IS NULL OR prev <> channel"
                    .to_string(),
            )),
            TransformKind::First | TransformKind::Unique | TransformKind::Frequency => {
                let name = if t.kind == TransformKind::Frequency {
                    "concat(channel, '(', CAST(n AS STRING), ')')"
                } else {
                    "channel"
                };
                steps.push((
                    format!(
                        "Transform {}: the first occurrence of each channel{}.",
                        t.kind.name(),
                        if t.kind == TransformKind::Frequency {
                            ", named with its count"
                        } else {
                            ""
                        }
                    ),
                    format!(
                        "SELECT unit, j, converted, value, ts, {name} AS channel, pos FROM (\n  SELECT *, row_number() OVER (PARTITION BY unit, j, channel ORDER BY pos) AS k,\n    \
                         count(*) OVER (PARTITION BY unit, j, channel) AS n FROM {{src}}) x\nWHERE k = 1"
                    ),
                ));
            }
        }
        if let Some(n) = t.max_steps {
            steps.push((
                format!("The last {n} touches (max_steps)."),
                format!(
                    "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY unit, j ORDER BY pos DESC) AS back2 FROM {{src}}) x\nWHERE back2 <= {n}"
                ),
            ));
        }
        let n = steps.len();
        for (i, (comment, query)) in steps.into_iter().enumerate() {
            let name = format!("transformed_{}", i + 1);
            let query = query.replace("{src}", &source).replace("{source}", &source);
            let comment = if i == 0 {
                format!("7. Path transforms ({n} steps). {comment}")
            } else {
                comment
            };
            self.step(
                &comment,
                &name,
                format!("SELECT unit, j, converted, value, ts, channel, pos FROM ({query}) s"),
            );
            source = self.t(&name);
        }
        self.step(
            if n == 0 {
                "7. Path transforms: none. Each journey's path."
            } else {
                "Each journey's path (journeys left empty are gone)."
            },
            "paths",
            format!(
                "SELECT unit, j, max(converted) AS converted, max(value) AS value, {path} AS path, count(*) AS touches\n\
                 FROM {source} GROUP BY unit, j",
                path = self.d.ordered_join("channel", "pos", " > "),
            ),
        );
        self.journey_source = source;
    }
}
