//! Step 1 of the SQL: reading the events table as `pathcredit journeys` reads an events
//! file — every timestamp form it accepts, and every optional column optional.
//!
//! * **Time** ([`TimestampKind::Auto`], the default): per row, the value's text (a
//!   typed timestamp or date is cast to text first) is read by the rules of
//!   [`crate::time::parse_timestamp`]: an integer (optionally negative) is epoch seconds
//!   below 10^11, milliseconds from there, refused from 10^14 (microseconds or
//!   nanoseconds); anything else must be RFC 3339 / ISO 8601 (`2026-01-18T10:00:00Z`,
//!   `2026-01-18 10:00:00.25+02:00`, `+0200`, `+02`, `2026-01-18T10:00`, `2026-01-18`,
//!   `t`/`z` in either case, `,` as the decimal mark, a leap second `:60` folded into the
//!   next second, no offset read as UTC, digits past the millisecond truncated). A value
//!   that is none of these fails the run with a message naming it, as the CLI refuses
//!   the file. `timestamp` (a typed column, cast by the engine), `epoch` (integers)
//!   and `epoch_micros` (integer microseconds, floored exactly to the millisecond: the
//!   default under `events_preset = ga4`) skip the per-row test.
//! * **Optional columns** (`channel`, `value`, `session_id`, `account_id`, and the
//!   fields a channel grouping reads): the table is read inside a `LATERAL` subquery
//!   next to a one-row table that holds a `NULL` under each optional column's name. A
//!   column the events table has resolves to it (the inner scope comes first); a column
//!   it lacks resolves to the `NULL`. So the SQL never names a missing column, and one
//!   script reads a table with or without each of them (DuckDB and Spark resolve names
//!   this way; both are tested on every combination).

use crate::choice::{Choice, choice_str};
use crate::param::Param;
use crate::time::{MICROS_EXPECTED, TIMESTAMP_EXPECTED};

use super::Writer;
use crate::grouping::INPUT_COLUMNS;
use crate::journeys::JourneyLevel;

/// How the events table holds time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimestampKind {
    /// Every form `pathcredit journeys` reads, decided row by row: typed timestamps
    /// and dates, integer epochs (seconds below 10^11, milliseconds from there) as
    /// numbers or text, RFC 3339 / ISO 8601 text.
    #[default]
    Auto,
    /// A timestamp type (or text the engine casts to one), read as UTC.
    Timestamp,
    /// Integer epochs: seconds below 10^11, milliseconds from there (the CSV rule).
    Epoch,
    /// Integer microseconds since the epoch (GA4's `event_timestamp`), floored to the
    /// millisecond; the default under `events_preset = ga4`.
    EpochMicros,
}

impl Choice for TimestampKind {
    const PARAM: Param = Param::TimestampKind;
    const ALL: &'static [Self] = &[
        TimestampKind::Auto,
        TimestampKind::Timestamp,
        TimestampKind::Epoch,
        TimestampKind::EpochMicros,
    ];
    fn name(self) -> &'static str {
        match self {
            TimestampKind::Auto => "auto",
            TimestampKind::Timestamp => "timestamp",
            TimestampKind::Epoch => "epoch",
            TimestampKind::EpochMicros => "epoch_micros",
        }
    }
}

choice_str!(TimestampKind);

/// The prefix of the names the events step gives its columns inside the lateral
/// subquery; no column of the events table may start with it.
pub(super) const INNER_PREFIX: &str = "pc:";

/// An integer epoch: digits, optionally negative.
const EPOCH_PATTERN: &str = "^-?[0-9]+$";

/// The ISO 8601 forms [`crate::time::parse_timestamp`] reads, after upper-casing and
/// `,` → `.`: a date, optionally a time `HH:MM[:SS[.fraction]]` after `T` or a space,
/// optionally an offset `Z`, `±HH`, `±HHMM` or `±HH:MM` after the time.
const ISO_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$";

/// A leap second: the seconds field is `60`.
const LEAP_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:60";

impl Writer<'_> {
    /// Epoch milliseconds of an integer epoch expression `n` by the CSV rule; `NULL`
    /// from 10^14 on.
    fn epoch_rule(n: &str) -> String {
        format!(
            "CASE WHEN abs({n}) >= 100000000000000 THEN NULL \
             WHEN abs({n}) >= 100000000000 THEN {n} ELSE {n} * 1000 END"
        )
    }

    /// Epoch milliseconds of `t`, the normalised text of a timestamp (see the module
    /// docs), or `NULL` if it is not one.
    fn auto_millis(&self, t: &str) -> String {
        let d = self.d;
        let int = format!("TRY_CAST({t} AS BIGINT)");
        // The leap second's `60` becomes `59`, and a second is added after the cast.
        let leap = d.regex_matches(t, LEAP_PATTERN);
        let text = format!(
            "CASE WHEN {leap} THEN concat(substr({t}, 1, 17), '59', substr({t}, 20)) ELSE {t} END"
        );
        let micros = d.epoch_micros(&format!("TRY_CAST({text} AS {})", d.timestamp_type()));
        format!(
            "CASE WHEN {epoch} THEN {rule}\n      \
             WHEN {iso} THEN CAST(floor({micros} / 1000) AS BIGINT) + CASE WHEN {leap} THEN 1000 ELSE 0 END END",
            epoch = d.regex_matches(t, EPOCH_PATTERN),
            rule = Self::epoch_rule(&int),
            iso = d.regex_matches(t, ISO_PATTERN),
        )
    }

    /// Step 1: the events, typed and classified.
    pub(super) fn events(&mut self) {
        let spec = self.spec;
        let p = &spec.params;
        let c = &p.read.columns;
        let d = self.d;
        let ts_col = self.col("timestamp", c);
        // The columns the SQL reads only when the table has them, each with its
        // stand-in NULL in the one-row table of defaults.
        let mut optional: Vec<&str> = vec!["channel"];
        if spec.has_value {
            optional.push("value");
        }
        if spec.has_session_id {
            optional.push("session_id");
        }
        if p.level == JourneyLevel::Account {
            optional.push("account_id");
        }
        if spec.has_stitch_id() {
            optional.push("stitch_id");
        }
        let grouping = p.channel_grouping.as_ref();
        if grouping.is_some() || p.events_preset.is_some() {
            optional.extend(INPUT_COLUMNS);
        }
        let defaults = optional
            .iter()
            .map(|name| format!("CAST(NULL AS STRING) AS {}", self.col(name, c)))
            .collect::<Vec<_>>()
            .join(", ");
        // An export preset says how its table holds time unless the spec says otherwise.
        let timestamps = match (spec.timestamps, p.events_preset) {
            (TimestampKind::Auto, Some(preset)) if preset.micros() => TimestampKind::EpochMicros,
            (kind, _) => kind,
        };
        // A value that is no timestamp fails the run naming it and its row (a table
        // has no line numbers: the row's user id and its own event name, `ev_raw`, as
        // the table holds it before an export preset names its touches).
        let refuse = |expected: &str| {
            d.raise_expr(&format!(
                "concat({}, coalesce(CAST(ts_in AS STRING), ''), {}, id, {}, ev_raw, {})",
                self.lit("pathcredit: the events' timestamp `"),
                self.lit("` (user `"),
                self.lit("`, event `"),
                self.lit(&format!("`) is not a timestamp; expected {expected}")),
            ))
        };
        let (ts_in, ts) = match timestamps {
            TimestampKind::Auto => (
                format!("replace(upper(trim(CAST({ts_col} AS STRING))), ',', '.')"),
                format!(
                    "coalesce({},\n      {})",
                    self.auto_millis("ts_in"),
                    refuse(TIMESTAMP_EXPECTED)
                ),
            ),
            TimestampKind::Timestamp => (ts_col.clone(), d.epoch_millis("ts_in")),
            TimestampKind::Epoch => (ts_col.clone(), Self::epoch_rule("CAST(ts_in AS BIGINT)")),
            // Floored exactly: the Euclidean remainder is taken off before dividing.
            TimestampKind::EpochMicros => (
                format!("trim(CAST({ts_col} AS STRING))"),
                format!(
                    "coalesce(CAST(({m} - (({m} % 1000) + 1000) % 1000) / 1000 AS BIGINT),\n      {})",
                    refuse(MICROS_EXPECTED),
                    m = "TRY_CAST(ts_in AS BIGINT)",
                ),
            ),
        };
        let conversions = p.conversion_events();
        let names = &p.event_names;
        let value = if spec.has_value {
            format!(
                "coalesce(CAST(nullif(trim(CAST({} AS STRING)), '') AS DOUBLE), 0)",
                self.col("value", c)
            )
        } else {
            "CAST(0 AS DOUBLE)".to_string()
        };
        let session = if spec.has_session_id {
            self.text(&self.col("session_id", c))
        } else {
            "''".to_string()
        };
        let account = if p.level == JourneyLevel::Account {
            self.text(&self.col("account_id", c))
        } else {
            "''".to_string()
        };
        let stitch = if spec.has_stitch_id() {
            self.text(&self.col("stitch_id", c))
        } else {
            "''".to_string()
        };
        let lead = self.lit(&names.lead_created);
        let opportunity = self.lit(&names.opportunity_created);
        let won = self.lit(&names.closed_won);
        let milestone_bits = format!(
            "CASE WHEN event = {lead} THEN 4 WHEN event = {opportunity} THEN 8 WHEN event = {won} THEN 12 ELSE 0 END"
        );
        let touch = self.list(&names.touch);
        // The inner names are prefixed `pc:` (a name no events column may have, see
        // `check_names`): an alias equal to a missing column's name would be taken for
        // it (DuckDB resolves a select list's own aliases before the outer scope).
        let alias = |name: &str| d.identifier(&format!("{INNER_PREFIX}{name}"));
        let inputs = match grouping.is_some() || p.events_preset.is_some() {
            true => self.grouping_inputs(),
            false => Vec::new(),
        };
        let renamed = [
            "id", "ts_in", "event", "channel", "value", "sid", "account", "stitch",
        ]
        .iter()
        .map(|n| n.to_string())
        .chain(inputs.iter().map(|(_, a)| {
            a.trim_matches(['"', '`'])
                .trim_start_matches(INNER_PREFIX)
                .to_string()
        }))
        .map(|n| format!("raw.{} AS {n}", alias(&n)))
        .collect::<Vec<_>>()
        .join(", ");
        let input_items: String = inputs
            .iter()
            .map(|(expr, name)| format!(",\n        {expr} AS {}", alias(name)))
            .collect();
        let no_channel = d.raise_expr(&format!(
            "concat({}, id, {})",
            self.lit("pathcredit: a touch event of user `"),
            self.lit("` has no channel; expected a channel on every touch"),
        ));
        let read = format!(
            "SELECT {renamed} FROM (SELECT {defaults}) pc_optional\n    CROSS JOIN LATERAL (\n      \
             SELECT {id} AS {a_id}, {ts_in} AS {a_ts}, {ev} AS {a_ev}, {channel} AS {a_ch},\n        \
             {value} AS {a_v}, {session} AS {a_s}, {account} AS {a_acc}, {stitch} AS {a_st}{input_items}\n      FROM {table}) raw",
            a_id = alias("id"),
            a_ts = alias("ts_in"),
            a_ev = alias("event"),
            a_ch = alias("channel"),
            a_v = alias("value"),
            a_s = alias("sid"),
            a_acc = alias("account"),
            a_st = alias("stitch"),
            id = self.text(&self.col("user_id", c)),
            ev = self.text(&self.col("event", c)),
            channel = self.text(&self.col("channel", c)),
            table = d.table(&spec.events_table),
        );
        // Under a channel grouping the channel is the grouping's, with its source.
        let rows = match grouping {
            Some(g) => self.grouped(g, &read),
            None => format!(
                "SELECT id, ts_in, event, event AS ev_raw, channel, value, sid, account, stitch, '' AS csrc FROM ({read}) r"
            ),
        };
        let query = format!(
            "SELECT id, ts, event,\n  \
             CASE WHEN channel = '' AND event IN ({touch}) THEN {no_channel} ELSE channel END AS channel,\n  \
             value, sid, account, stitch, csrc,\n  \
             CASE WHEN event IN ({conv}) THEN 2 WHEN event IN ({touch}) THEN 0 \
             WHEN ({milestone_bits}) > 0 THEN 1 ELSE -1 END AS rnk,\n  \
             (CASE WHEN event IN ({touch}) THEN 1 ELSE 0 END) + \
             (CASE WHEN event IN ({conv}) THEN 2 ELSE 0 END) + ({milestone_bits}) AS kbits\n\
             FROM (\n  SELECT id, {ts} AS ts, event, channel, value, sid, account, stitch, csrc FROM (\n    \
             {rows}) typed) timed",
            conv = self.list(&conversions),
        );
        self.step(
            "1. Events: ids and names trimmed, time in epoch milliseconds (every form the\n\
             events file allows), kind rank (touch 0, milestone 1, conversion 2; -1 for names\n\
             that are none of them). Optional columns are read next to a row of NULLs named\n\
             like them: a column the table lacks reads as that NULL.",
            "events",
            query,
        );
        if grouping.is_some() {
            self.step(
                "Where the touches' channels came from (the build summary's counts): a rule of\n\
                 the rules file, GA4's default channel group, or none (unclassified).",
                "channel_sources",
                format!(
                    "SELECT csrc AS source, count(*) AS touches FROM {} WHERE rnk = 0 GROUP BY csrc",
                    self.t("events")
                ),
            );
        }
        let end = match p.data_end {
            Some(t) => format!("SELECT CAST({t} AS BIGINT) AS t"),
            None => format!("SELECT max(ts) AS t FROM {}", self.t("events")),
        };
        self.step(
            "The end of the data: the latest event of any name (or the data_end setting).",
            "data_end",
            end,
        );
    }
}
