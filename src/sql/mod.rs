//! SQL that builds, inside an engine (DuckDB, Spark), the path summary that
//! `pathcredit journeys` builds from the same parameters, row for row.
//!
//! The pattern of Google's Fractribution and Snowplow's attribution package: the engine
//! reduces billions of events to a small, mergeable aggregate (the path summary, and on
//! request order-k transition counts and channel-set counts); pathcredit fits the models
//! on it exactly, on one machine. What is new here is that the SQL is generated from the
//! same [`JourneyParams`] and [`PathTransform`] the Rust builder uses, with the same
//! semantics, step by step (see the comments the SQL carries):
//!
//! 1. **Events**: trimmed ids and names; kinds by the configured event names (touch 0,
//!    milestone 1, conversion 2, others ignored but counted in the end of the data);
//!    every timestamp form the events file allows, and optional columns optional
//!    (`events.rs`). Under an export preset ([`crate::journeys::EventsPreset`]) an
//!    event of no configured name is a touch when it carries a traffic source
//!    (`channels.rs`), GA4's time is microseconds, and each row's `stitch_id` (the
//!    export's `user_id`) is an identity edge from its user id.
//! 2. **Identities**: self-edges ignored; under `shared_devices = separate` an anonymous
//!    id linked to two or more user ids keeps its own events and links nothing;
//!    connected components by minimum-label propagation with pointer jumping, unrolled
//!    into `stitch_rounds` materialised rounds and followed by a check that fails the
//!    run if an edge still joins two labels (never a silent wrong stitch); the person key
//!    is the component's smallest user-side id (byte order), as in the builder.
//! 3. **Timelines**: events ordered by time, kind (touch, milestone, conversion),
//!    channel; a touch at a conversion's instant belongs to it.
//! 4. **Sessions** (touch level `session`): a session id, or runs of touches with no gap
//!    longer than the session gap, never across a conversion; the session is one touch at
//!    its first event's time, with the channel of its first non-direct touch.
//! 5. **Units**: persons, or accounts (the account on a person's latest event; persons
//!    without one are left out).
//! 6. **Journeys**: each conversion closes the unit's touches since the previous one
//!    inside `conversion − lookback ≤ touch` (the last `lookback_steps`); an empty window
//!    is unattributable or goes to the unattributed channel; the touches after the last
//!    conversion, inside the lookback before the last of them, are a non-converting
//!    journey unless censored (`data_end − last ≤ censor`, a horizon of 0 censors
//!    nothing).
//! 7. **Transforms**: dropped channels, direct touches dropped unless alone, the sequence
//!    transform (`exposure`, `first`, `unique`, `frequency`), the last `max_steps`;
//!    journeys left empty are left out.
//! 8. **Outputs**: `<prefix>path_summary` (`path, total_conversions,
//!    total_conversion_value, total_null`), and on request `<prefix>transitions`
//!    (`from_state, to_state, count, value`: order-k windows as the Markov model forms
//!    them, `(start)`, `(conversion)`, `(null)`) and `<prefix>coalitions` (`channels`,
//!    the journey's distinct channels sorted and joined by ` + `, with the same totals).
//!
//! Where the Rust builder breaks a tie on a field the path summary does not hold (two
//! events of one person at the same millisecond on the same channel with different
//! accounts), the SQL may break it otherwise; no path differs for it.

mod aggregates;
mod channels;
mod dialect;
mod events;
mod identities;
mod transforms;

pub use dialect::Dialect;
pub use events::TimestampKind;

use crate::choice::Choice;
use crate::csv_input::ColumnMap;
use crate::error::{Error, Result};
use crate::journeys::{JourneyLevel, JourneyParams, PathTransform, TouchLevel};
use crate::param::Param;

/// Everything the generated SQL depends on.
#[derive(Clone, Debug)]
pub struct SqlSpec {
    /// The engine.
    pub dialect: Dialect,
    /// The events table (`schema.table` allowed).
    pub events_table: String,
    /// The identity edges table, if any.
    pub identities_table: Option<String>,
    /// How the events table holds time (default [`TimestampKind::Auto`]: every form
    /// `pathcredit journeys` reads, row by row).
    pub timestamps: TimestampKind,
    /// How journeys are built (its column remapping names the tables' columns).
    pub params: JourneyParams,
    /// The path transform of the path summary.
    pub transform: PathTransform,
    /// Prefix of every table the SQL creates (default `pc_`).
    pub prefix: String,
    /// Rounds of label propagation for identity stitching (default 16: chains of
    /// devices tens of thousands long; the check says when more are needed).
    pub stitch_rounds: usize,
    /// Also count order-k transitions (`<prefix>transitions`).
    pub transitions_order: Option<usize>,
    /// Also count journeys per channel set (`<prefix>coalitions`).
    pub coalitions: bool,
    /// Read conversion values from the `value` column when the events table has one
    /// (default true; false: every value is 0). A table without the column reads as 0
    /// either way: the SQL never names a missing optional column.
    pub has_value: bool,
    /// Read session ids from the `session_id` column when the events table has one
    /// (default true, as `pathcredit journeys`; false: sessions are cut by the
    /// inactivity gap alone).
    pub has_session_id: bool,
}

impl SqlSpec {
    /// The SQL for `dialect` reading `events_table`, with the builder's defaults.
    pub fn new(dialect: Dialect, events_table: impl Into<String>) -> Self {
        SqlSpec {
            dialect,
            events_table: events_table.into(),
            identities_table: None,
            timestamps: TimestampKind::Auto,
            params: JourneyParams::default(),
            transform: PathTransform::default(),
            prefix: "pc_".to_string(),
            stitch_rounds: 16,
            transitions_order: None,
            coalitions: false,
            has_value: true,
            has_session_id: true,
        }
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        self.params.validate()?;
        self.transform.validate()?;
        if self.stitch_rounds == 0 {
            return Err(Error::param(Param::StitchRounds, "must be at least 1"));
        }
        if !self
            .prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(Error::param(
                Param::OutputPrefix,
                format!("`{}`: letters, digits and `_` only", self.prefix),
            ));
        }
        self.check_names()?;
        if let Some(k) = self.transitions_order
            && !(1..=crate::models::markov::MAX_ORDER).contains(&k)
        {
            return Err(Error::param(
                Param::MarkovOrder,
                format!(
                    "{k}: expected an order 1 to {}",
                    crate::models::markov::MAX_ORDER
                ),
            ));
        }
        Ok(())
    }
}

impl SqlSpec {
    /// True when the events table's `stitch_id` column is read (under an export preset,
    /// or when the column map names it): each row links its user id to it.
    pub fn has_stitch_id(&self) -> bool {
        let p = &self.params;
        p.events_preset.is_some() || p.read.columns.pairs().any(|(name, _)| name == "stitch_id")
    }

    /// Every name the SQL will hold is quoted there; here each is checked free of
    /// control and invisible characters ([`dialect::check_name`]).
    fn check_names(&self) -> Result<()> {
        dialect::check_table(Param::EventsTable, &self.events_table)?;
        if let Some(t) = &self.identities_table {
            dialect::check_table(Param::IdentitiesTable, t)?;
        }
        for (name, header) in self.params.read.columns.pairs() {
            dialect::check_name(Param::Columns, &format!("the column of `{name}`"), header)?;
            if header.starts_with(events::INNER_PREFIX) {
                return Err(Error::param(
                    Param::Columns,
                    format!(
                        "the column of `{name}`, `{header}`: names starting with `{}` are the \
                         SQL's own; rename the column",
                        events::INNER_PREFIX
                    ),
                ));
            }
        }
        let p = &self.params;
        let names = &p.event_names;
        for n in p.conversion_events() {
            dialect::check_name(Param::ConversionEvent, "the event name", &n)?;
        }
        for n in &names.touch {
            dialect::check_name(Param::TouchEvent, "the event name", n)?;
        }
        for n in [
            &names.lead_created,
            &names.opportunity_created,
            &names.closed_won,
        ] {
            dialect::check_name(Param::ConversionEvent, "the milestone name", n)?;
        }
        for n in p
            .direct_channels
            .iter()
            .chain(&self.transform.direct_channels)
        {
            dialect::check_name(Param::DirectChannels, "the channel", n)?;
        }
        for n in &self.transform.drop_channels {
            dialect::check_name(Param::DropChannel, "the channel", n)?;
        }
        if let Some(n) = &p.unattributed_channel {
            dialect::check_name(Param::UnattributedChannel, "the channel", n)?;
        }
        Ok(())
    }
}

/// Writes the SQL of `spec`: statements separated by blank lines, each with a comment
/// saying what it does.
pub fn journeys_sql(spec: &SqlSpec) -> Result<String> {
    Ok(journeys_script(spec)?.text())
}

/// The statements of the SQL of `spec`, in order, each without its final `;` (for
/// engines that run one statement at a time: `spark.sql`, `duckdb.execute`). The
/// generator knows where each ends, so nothing inside a literal or a quoted name can
/// split one in two.
pub fn journeys_statements(spec: &SqlSpec) -> Result<Vec<String>> {
    Ok(journeys_script(spec)?.statements())
}

/// The SQL of `spec` as commented steps of statements.
pub fn journeys_script(spec: &SqlSpec) -> Result<Script> {
    spec.validate()?;
    Ok(Writer::new(spec).write())
}

/// Generated SQL: steps, each a comment and the statements it runs.
#[derive(Clone, Debug, Default)]
pub struct Script {
    steps: Vec<Step>,
}

#[derive(Clone, Debug)]
struct Step {
    /// Comment lines, each without its `-- `; never a name from the input.
    comment: Vec<String>,
    /// Statements without their final `;`.
    statements: Vec<String>,
}

impl Script {
    fn push(&mut self, comment: &str, statements: Vec<String>) {
        self.steps.push(Step {
            comment: comment.lines().map(str::to_string).collect(),
            statements,
        });
    }

    /// The script as text: steps separated by blank lines, each comment line `-- `, each
    /// statement ended by `;`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            let mut lines: Vec<String> = step.comment.iter().map(|l| format!("-- {l}")).collect();
            lines.extend(step.statements.iter().map(|s| format!("{s};")));
            out.push_str(&lines.join("\n"));
        }
        out.push('\n');
        out
    }

    /// Every statement, in order, without its final `;`.
    pub fn statements(&self) -> Vec<String> {
        self.steps
            .iter()
            .flat_map(|s| s.statements.iter().cloned())
            .collect()
    }
}

struct Writer<'a> {
    spec: &'a SqlSpec,
    d: Dialect,
    out: Script,
    /// The table of transformed journey touches (for transitions and coalitions).
    journey_source: String,
}

impl<'a> Writer<'a> {
    fn new(spec: &'a SqlSpec) -> Self {
        Writer {
            spec,
            d: spec.dialect,
            out: Script::default(),
            journey_source: String::new(),
        }
    }

    fn t(&self, name: &str) -> String {
        format!("{}{name}", self.spec.prefix)
    }

    fn col(&self, default: &str, columns: &ColumnMap) -> String {
        self.d.identifier(columns.header(default))
    }

    fn lit(&self, text: &str) -> String {
        self.d.literal(text)
    }

    fn list(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.lit(n.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn text(&self, expr: &str) -> String {
        format!("coalesce(trim(CAST({expr} AS STRING)), '')")
    }

    fn step(&mut self, comment: &str, name: &str, query: String) {
        let statements = self.d.materialise(&self.t(name), &query);
        self.out.push(comment, statements);
    }

    fn write(mut self) -> Script {
        let spec = self.spec;
        let p = &spec.params;
        // Names from the user appear in comments only quoted, as in the statements
        // (validated free of control characters, so none can end a comment line).
        let header = format!(
            "pathcredit {}: the path summary of `pathcredit journeys`, as {} SQL.\n\
             Built from: journey level {}, touch level {}, lookback {}, lookback steps {}, \
             censoring {}, session gap {} ms, shared devices {}, transform {}.\n\
             Reads {}{}; writes {}.",
            env!("CARGO_PKG_VERSION"),
            self.d.name(),
            p.level.name(),
            p.touch_level.name(),
            p.lookback.map_or("none".to_string(), |l| format!("{l} ms")),
            p.lookback_steps
                .map_or("all".to_string(), |s| s.to_string()),
            p.censor_horizon()
                .map_or("none".to_string(), |c| format!("{c} ms")),
            p.session_gap,
            p.shared_devices.name(),
            spec.transform.kind.name(),
            self.d.table(&spec.events_table),
            spec.identities_table
                .as_deref()
                .map_or(String::new(), |i| format!(" and {}", self.d.table(i))),
            self.t("path_summary"),
        );
        self.out.push(
            &header,
            vec![self.d.preamble().trim_end_matches(';').to_string()],
        );
        self.events();
        self.identities();
        self.timelines();
        self.items();
        self.units();
        self.journeys();
        self.transformed();
        self.summary();
        if let Some(k) = spec.transitions_order {
            self.transitions(k);
        }
        if spec.coalitions {
            self.coalitions();
        }
        let last = format!("SELECT * FROM {} ORDER BY path", self.t("path_summary"));
        self.out
            .push("The path summary, in pathcredit's order.", vec![last]);
        self.out
    }

    /// Step 3: each person's classified events with their segment.
    fn timelines(&mut self) {
        self.step(
            "3. Timelines: each event of a known kind with its person and its segment (the\n\
             number of the person's conversions before it: touches at a conversion's instant\n\
             come first and belong to it).",
            "timeline",
            format!(
                "SELECT p.person, e.ts, e.rnk, e.kbits, e.channel, e.value, e.sid, e.account,\n  \
                 coalesce(sum(CASE WHEN e.rnk = 2 THEN 1 ELSE 0 END) OVER (PARTITION BY p.person\n    \
                 ORDER BY e.ts, e.rnk, e.channel, e.kbits, e.value ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS seg\n\
                 FROM {ev} e JOIN {po} p ON p.id = e.id\nWHERE e.rnk >= 0",
                ev = self.t("events"),
                po = self.t("person_of"),
            ),
        );
    }

    /// Step 4: touch items (sessions or touch events).
    fn items(&mut self) {
        let spec = self.spec;
        let p = &spec.params;
        let direct = self.list(&p.direct_channels);
        let query = match p.touch_level {
            TouchLevel::Event => format!(
                "SELECT person, ts, channel FROM {} WHERE rnk = 0",
                self.t("timeline")
            ),
            TouchLevel::Session => format!(
                "WITH unl AS (\n  SELECT person, seg, ts, channel,\n    \
                 CASE WHEN ts - lag(ts) OVER (PARTITION BY person, seg ORDER BY ts, channel) > {gap} THEN 1 ELSE 0 END AS new_run\n  \
                 FROM {tl} WHERE rnk = 0 AND sid = ''),\n\
                 runs AS (\n  SELECT person, seg, ts, channel, concat('g', CAST(sum(new_run) OVER (PARTITION BY person, seg ORDER BY ts, channel\n    \
                 ROWS UNBOUNDED PRECEDING) AS STRING)) AS skey FROM unl\n  \
                 UNION ALL\n  SELECT person, seg, ts, channel, concat('s', sid) AS skey FROM {tl} WHERE rnk = 0 AND sid <> ''),\n\
                 ranked AS (\n  SELECT person, seg, skey, ts, channel,\n    \
                 min(ts) OVER (PARTITION BY person, seg, skey) AS start_ts,\n    \
                 row_number() OVER (PARTITION BY person, seg, skey ORDER BY CASE WHEN channel IN ({direct}) THEN 1 ELSE 0 END, ts, channel) AS pick\n  \
                 FROM runs)\n\
                 SELECT person, start_ts AS ts, channel FROM ranked WHERE pick = 1",
                gap = p.session_gap,
                tl = self.t("timeline"),
            ),
        };
        self.step(
            match p.touch_level {
                TouchLevel::Event => {
                    "4. Touches: every touch event is a touch (touch level event)."
                }
                TouchLevel::Session => {
                    "4. Sessions: a session id, or a run of touches with no gap longer than the\n\
                     session gap, never across a conversion; one touch at the session's first\n\
                     event, with the channel of its first non-direct touch (else its first)."
                }
            },
            "items",
            query,
        );
    }

    /// Step 5: units (persons or accounts) with their items and conversions, segmented.
    fn units(&mut self) {
        let spec = self.spec;
        let (unit_items, unit_convs) = match spec.params.level {
            JourneyLevel::Person => (
                format!(
                    "SELECT person AS unit, ts, channel FROM {}",
                    self.t("items")
                ),
                format!(
                    "SELECT person AS unit, ts, kbits, value FROM {} WHERE rnk = 2",
                    self.t("timeline")
                ),
            ),
            JourneyLevel::Account => {
                self.step(
                    "5. Accounts: the account on each person's latest event that has one.",
                    "account_of",
                    format!(
                        "SELECT person, account FROM (\n  SELECT person, account, row_number() OVER (PARTITION BY person\n    \
                         ORDER BY ts DESC, rnk DESC, channel DESC, kbits DESC, account DESC) AS r\n  \
                         FROM {} WHERE account <> '') latest WHERE r = 1",
                        self.t("timeline")
                    ),
                );
                (
                    format!(
                        "SELECT a.account AS unit, i.ts, i.channel FROM {} i JOIN {} a ON a.person = i.person",
                        self.t("items"),
                        self.t("account_of")
                    ),
                    format!(
                        "SELECT a.account AS unit, t.ts, t.kbits, t.value FROM {} t JOIN {} a ON a.person = t.person WHERE t.rnk = 2",
                        self.t("timeline"),
                        self.t("account_of")
                    ),
                )
            }
        };
        self.step(
            "The units' conversions, numbered in timeline order (time, kind, value).",
            "conversions",
            format!(
                "SELECT unit, ts, value, row_number() OVER (PARTITION BY unit ORDER BY ts, kbits, value) - 1 AS seg FROM ({unit_convs}) c"
            ),
        );
        self.step(
            "The units' touches, each with the number of the unit's conversions before it.",
            "unit_items",
            format!(
                "WITH i AS ({unit_items}),\nboth_kinds AS (\n  \
                 SELECT unit, ts, 0 AS rnk, channel, 0 AS is_conv FROM i\n  UNION ALL\n  \
                 SELECT unit, ts, 2 AS rnk, '' AS channel, 1 AS is_conv FROM {conv})\n\
                 SELECT unit, ts, channel, seg FROM (\n  SELECT unit, ts, rnk, channel,\n    \
                 coalesce(sum(is_conv) OVER (PARTITION BY unit ORDER BY ts, rnk, channel ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS seg\n  \
                 FROM both_kinds) s\nWHERE rnk = 0",
                conv = self.t("conversions"),
            ),
        );
    }

    /// Step 6: journeys (windows, steps, unattributed conversions, censoring).
    fn journeys(&mut self) {
        let spec = self.spec;
        let p = &spec.params;
        let window = |item: &str, end: &str| match p.lookback {
            Some(l) => format!("{item} >= {end} - {l}"),
            None => "1 = 1".to_string(),
        };
        let unattributed = match &p.unattributed_channel {
            Some(ch) => format!(
                "\nUNION ALL\n-- Conversions with no touch in their window, credited to the unattributed channel.\n\
                 SELECT c.unit, c.seg AS j, 1 AS converted, c.value, c.ts, {} AS channel FROM {conv} c\n\
                 WHERE NOT EXISTS (SELECT 1 FROM {items} i WHERE i.unit = c.unit AND i.seg = c.seg AND {})",
                self.lit(ch.trim()),
                window("i.ts", "c.ts"),
                conv = self.t("conversions"),
                items = self.t("unit_items"),
            ),
            None => String::new(),
        };
        let censor = match p.censor_horizon() {
            Some(c) if c > 0 => format!("AND d.t - o.last_ts > {c}"),
            _ => String::new(),
        };
        let query = format!(
            "WITH counts AS (SELECT unit, count(*) AS n FROM {conv} GROUP BY unit),\n\
             open_items AS (\n  SELECT i.unit, i.ts, i.channel FROM {items} i LEFT JOIN counts n ON n.unit = i.unit\n  \
             WHERE i.seg = coalesce(n.n, 0)),\n\
             open_last AS (SELECT unit, max(ts) AS last_ts FROM open_items GROUP BY unit)\n\
             SELECT c.unit, c.seg AS j, 1 AS converted, c.value, i.ts, i.channel\n\
             FROM {conv} c JOIN {items} i ON i.unit = c.unit AND i.seg = c.seg AND {conv_window}{unattributed}\n\
             UNION ALL\n\
             SELECT o.unit, -1 AS j, 0 AS converted, CAST(0 AS DOUBLE) AS value, i.ts, i.channel\n\
             FROM open_last o JOIN open_items i ON i.unit = o.unit AND {open_window} CROSS JOIN {end} d\n\
             WHERE 1 = 1 {censor}",
            conv = self.t("conversions"),
            items = self.t("unit_items"),
            end = self.t("data_end"),
            conv_window = window("i.ts", "c.ts"),
            open_window = window("i.ts", "o.last_ts"),
        );
        self.step(
            "6. Journeys: each conversion closes the unit's touches since the previous one\n\
             inside its lookback window (j = the conversion's number); the touches after the\n\
             last conversion, inside the lookback before the last of them, form a\n\
             non-converting journey (j = -1) unless it is censored.",
            "journey_touches",
            query,
        );
        let steps = match p.lookback_steps {
            Some(n) => format!("WHERE back <= {n}"),
            None => String::new(),
        };
        self.step(
            "Positions within each journey (time, then channel), and the last lookback steps.",
            "journeys",
            format!(
                "SELECT unit, j, converted, value, ts, channel, row_number() OVER (PARTITION BY unit, j ORDER BY ts, channel) AS pos\n\
                 FROM (SELECT *, row_number() OVER (PARTITION BY unit, j ORDER BY ts DESC, channel DESC) AS back FROM {}) w\n{steps}",
                self.t("journey_touches")
            ),
        );
    }

    /// Step 8: the path summary.
    fn summary(&mut self) {
        self.step(
            "8. The path summary: conversions, value and non-conversions per path.",
            "path_summary",
            format!(
                "SELECT path, sum(converted) AS total_conversions, sum(value) AS total_conversion_value,\n  \
                 sum(1 - converted) AS total_null\nFROM {} GROUP BY path",
                self.t("paths")
            ),
        );
    }
}

#[cfg(test)]
mod tests;
