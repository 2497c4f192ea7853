//! The channel grouping ([`crate::grouping`]) as SQL: the same fields, derivations and
//! ordered rules as the Rust builder, generated from the same rule data, so both give
//! every touch the same channel (tested on DuckDB on `data/channels/cases.csv`).
//!
//! Every rule's pattern and channel reaches the SQL as a literal ([`Dialect::literal`]:
//! quotes and, for Spark, backslashes escaped); field columns as quoted identifiers.

use crate::grouping::{self, ChannelGrouping, ChannelSource, Cond, Field, INPUT_COLUMNS, Match};

use super::{Dialect, Writer};

/// The name of a field's column inside the events step.
fn column(field: Field) -> String {
    format!("f_{}", field.name())
}

/// The SQL condition of `cond` (NULL, taken as false, where a field is absent: the
/// conditions are built of AND and OR only, so an absent field never makes one true).
fn condition(d: Dialect, cond: &Cond) -> String {
    match cond {
        Cond::Any(cs) => format!(
            "({})",
            cs.iter()
                .map(|c| condition(d, c))
                .collect::<Vec<_>>()
                .join(" OR ")
        ),
        Cond::All(cs) => format!(
            "({})",
            cs.iter()
                .map(|c| condition(d, c))
                .collect::<Vec<_>>()
                .join(" AND ")
        ),
        Cond::Test(field, m) => {
            let col = column(*field);
            match m {
                Match::Exact(t) => format!("{col} = {}", d.literal(t)),
                Match::Prefix(t) => {
                    format!("left({col}, {}) = {}", t.chars().count(), d.literal(t))
                }
                Match::List(ts) => format!(
                    "{col} IN ({})",
                    ts.iter()
                        .map(|t| d.literal(t))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Match::Regex(p) => d.regex_matches(&col, p),
            }
        }
    }
}

impl Writer<'_> {
    /// The inner select's items reading the grouping's input columns (lower-cased,
    /// trimmed, empty as NULL), each with its name (`in_…`).
    pub(super) fn grouping_inputs(&self) -> Vec<(String, String)> {
        let c = &self.spec.params.read.columns;
        let clean = |col: &str| {
            let text = format!("CAST({} AS STRING)", self.col(col, c));
            format!("nullif({}, '')", self.d.fold(&text))
        };
        let mut items: Vec<(String, String)> = INPUT_COLUMNS
            .iter()
            .map(|name| (clean(name), format!("in_{name}")))
            .collect();
        items.push((clean("channel"), "in_channel".to_string()));
        items
    }

    /// `rows` (with the columns of [`Self::grouping_inputs`], renamed `in_…`) with the
    /// channel of the grouping as `channel` and its source as `csrc`.
    pub(super) fn grouped(&self, grouping: &ChannelGrouping, rows: &str) -> String {
        let d = self.d;
        let lit = |t: &str| d.literal(t);
        let fields = [
            (Field::UtmSource, "in_utm_source"),
            (Field::UtmMedium, "in_utm_medium"),
            (Field::UtmCampaign, "in_utm_campaign"),
            (Field::Gclid, "in_gclid"),
            (Field::Msclkid, "in_msclkid"),
            (Field::Fbclid, "in_fbclid"),
            (Field::ClickId, "in_click_id"),
            (Field::ClickNetwork, "in_click_network"),
            (Field::Channel, "in_channel"),
        ]
        .iter()
        .map(|(f, c)| format!("{c} AS {}", column(*f)))
        .collect::<Vec<_>>()
        .join(", ");
        let host_of = |col: &str| {
            format!(
                "nullif(regexp_extract(coalesce({col}, ''), {}, 1), '')",
                lit(grouping::HOST_PATTERN)
            )
        };
        let (host, page) = (host_of("in_referrer"), host_of("in_page_url"));
        // An internal referrer (its medium says so, or it is the page's own host) is no
        // referrer: its host, medium and source are all NULL.
        let internal = format!(
            "(coalesce(in_referrer_medium, '') = 'internal' OR coalesce({host} = {page}, false))"
        );
        let unless_internal = |e: &str| format!("CASE WHEN {internal} THEN NULL ELSE {e} END");
        let referrer = format!(
            "{} AS f_referrer_host, {} AS f_referrer_medium, {} AS f_referrer_source",
            unless_internal(&host),
            unless_internal("in_referrer_medium"),
            unless_internal("in_referrer_source"),
        );
        let utm = "f_utm_source IS NOT NULL OR f_utm_medium IS NOT NULL";
        let source = format!(
            "CASE WHEN {utm} THEN coalesce(f_utm_source, '(not set)')\n    \
             WHEN f_gclid IS NOT NULL THEN 'google' WHEN f_msclkid IS NOT NULL THEN 'bing'\n    \
             WHEN f_fbclid IS NOT NULL THEN 'facebook'\n    \
             WHEN f_click_id IS NOT NULL THEN CASE WHEN f_click_network = 'microsoft' THEN 'bing' ELSE coalesce(f_click_network, '(not set)') END\n    \
             WHEN f_referrer_medium IS NOT NULL THEN coalesce(f_referrer_source, f_referrer_host, '(not set)')\n    \
             WHEN f_referrer_host IS NOT NULL THEN f_referrer_host ELSE '(direct)' END"
        );
        let media: String = grouping::REFERRER_MEDIA
            .iter()
            .map(|(from, to)| format!(" WHEN {} THEN {}", lit(from), lit(to)))
            .collect();
        let medium = format!(
            "CASE WHEN {utm} THEN coalesce(f_utm_medium, '(not set)')\n    \
             WHEN f_gclid IS NOT NULL OR f_msclkid IS NOT NULL THEN 'cpc'\n    \
             WHEN f_fbclid IS NOT NULL THEN 'referral' WHEN f_click_id IS NOT NULL THEN 'cpc'\n    \
             WHEN f_referrer_medium IS NOT NULL THEN CASE f_referrer_medium{media} ELSE 'referral' END\n    \
             WHEN f_referrer_host IS NOT NULL THEN 'referral' ELSE '(none)' END"
        );
        // The event's name: under an export preset an event of no configured name that
        // carries a traffic source is a touch (by the first touch name).
        let event = match self.spec.params.events_preset {
            None => "event".to_string(),
            Some(_) => {
                let p = &self.spec.params;
                let names = &p.event_names;
                let mut configured = p.conversion_events();
                configured.extend(names.touch.iter().cloned());
                configured.extend([
                    names.lead_created.clone(),
                    names.opportunity_created.clone(),
                    names.closed_won.clone(),
                ]);
                let traffic = "f_utm_source IS NOT NULL OR f_utm_medium IS NOT NULL OR f_utm_campaign IS NOT NULL \
                     OR f_referrer_host IS NOT NULL OR f_gclid IS NOT NULL OR f_msclkid IS NOT NULL \
                     OR f_fbclid IS NOT NULL OR f_click_id IS NOT NULL OR f_referrer_medium IS NOT NULL";
                format!(
                    "CASE WHEN event IN ({}) THEN event WHEN {traffic} THEN {} ELSE event END",
                    self.list(&configured),
                    lit(names.touch.first().map_or("touch", |t| t.trim())),
                )
            }
        };
        let stripped = format!(
            "regexp_replace(f_source, {}, '')",
            lit(grouping::ga4::STRIPPED_PREFIX)
        );
        let mut category = Vec::new();
        for candidate in ["f_source", "pc_stripped", "pc_label"] {
            for (name, names) in grouping::ga4::SOURCE_CATEGORIES {
                let list: Vec<String> = names.iter().map(|n| lit(n)).collect();
                category.push(format!(
                    "WHEN {candidate} IN ({}) THEN {}",
                    list.join(", "),
                    lit(name)
                ));
            }
        }
        let ordered = grouping.ordered();
        let mut pick = Vec::new();
        let mut names = Vec::new();
        for (i, (rule, _)) in ordered.iter().enumerate() {
            pick.push(format!("WHEN {} THEN {i}", condition(d, &rule.when)));
            names.push(format!("WHEN {i} THEN {}", lit(&rule.channel)));
        }
        let rules = ordered
            .iter()
            .filter(|(_, s)| *s == ChannelSource::Rule)
            .count();
        let all = ordered.len();
        // The first rule that holds, by its number (`all`: none), then its channel and
        // where it came from.
        format!(
            "SELECT id, ts_in, {event} AS event, event AS ev_raw, {channel} AS channel,\n  \
             value, sid, account, stitch,\n  \
             CASE WHEN pick < {rules} THEN {rule} WHEN pick < {all} THEN {default} ELSE {none} END AS csrc FROM (\n\
             SELECT *, {pick} AS pick FROM (\n\
             SELECT *, CASE\n    {category}\n    END AS f_source_category FROM (\n\
             SELECT *, {stripped} AS pc_stripped, split_part({stripped}, '.', 1) AS pc_label FROM (\n\
             SELECT *, {source} AS f_source,\n  {medium} AS f_medium FROM (\n\
             SELECT *, {fields}, {referrer} FROM ({rows}) g0) g1) g2) g3) g4) g5",
            channel = if names.is_empty() {
                lit(grouping::UNCLASSIFIED)
            } else {
                format!(
                    "CASE pick\n    {}\n    ELSE {} END",
                    names.join("\n    "),
                    lit(grouping::UNCLASSIFIED)
                )
            },
            rule = lit(ChannelSource::Rule.name()),
            default = lit(ChannelSource::Default.name()),
            none = lit(ChannelSource::Unclassified.name()),
            pick = if pick.is_empty() {
                all.to_string()
            } else {
                format!("CASE\n    {}\n    ELSE {all} END", pick.join("\n    "))
            },
            category = category.join("\n    "),
        )
    }
}
