//! Channels from UTM parameters, click ids and referrers: a channel grouping.
//!
//! Raw web events rarely carry a `channel`; they carry `utm_source`, `utm_medium`,
//! `utm_campaign`, a `referrer` and click ids (`gclid`, `msclkid`, `fbclid`). With a
//! [`ChannelGrouping`] the journey builder (and the generated SQL, from the same rules:
//! `src/sql/channels.rs`) gives every touch a channel from them:
//!
//! 1. **Fields** ([`Field`]), each trimmed and lower-cased by [`fold()`] (GA4's definitions
//!    are not case sensitive; every engine folds alike), empty = absent. The referrer's host is the text between an optional
//!    `scheme://` and the first `/`, `:`, `?` or `#`. A referrer is *internal* when its
//!    `referrer_medium` is `internal` or its host is the host of the event's own page
//!    (`page_url`): then the referrer, its host, medium and source are all absent (a
//!    click from one page of the site to the next is no traffic source).
//! 2. **Source and medium**, GA4's traffic-source dimensions: the UTM values when either
//!    is present (a missing one is `(not set)`); else a click id — `gclid` is
//!    `google / cpc` and `msclkid` `bing / cpc` (the ad platforms' auto-tagging),
//!    `fbclid` `facebook / referral` (Facebook adds it to organic links too), a
//!    `click_id` of any network is its network's name ([`click_source`]) `/ cpc`; else a
//!    `referrer_medium` (a referrer parser's, Snowplow's `refr_medium`) gives the medium
//!    ([`REFERRER_MEDIA`]: `search` → `organic`, `social` → `social`, `email` →
//!    `email`, `paid` → `cpc`, else `referral`) with the `referrer_source` (or the host)
//!    as the source; else the referrer's host `/ referral`; else `(direct) / (none)`.
//!    Explicit tags win over click ids, as they do in Snowplow's and dbt-ga4's models
//!    when both are present. An event with any of these (a UTM value, a click id, an
//!    external referrer or referrer medium) *carries a traffic source*
//!    ([`Values::has_traffic_source`]): under an events export preset, exactly those
//!    events are touches.
//! 3. **Source category** (search, social, video, shopping) of the source: the first of
//!    the source, the source without a leading `www.`, `m.`, `l.`, `lm.`, `mobile.` or
//!    `amp.`, and that name's first label (`google.co.uk` → `google`) that is on one of
//!    the lists of [`ga4::SOURCE_CATEGORIES`].
//! 4. **Rules**: the user's rules in file order ([`rules_file`]), the first that matches
//!    gives the channel (source `rule`); else GA4's default channel group
//!    ([`ga4::default_groups`], source `default`) unless turned off; else
//!    [`UNCLASSIFIED`] (source `unclassified`).
//!
//! A test on an absent field never matches. Patterns are matched against the
//! lower-cased values: `exact` equality, `prefix` a starting substring, `list` one of
//! `|`-separated values, `regex` a match anywhere in the value (anchor it with `^…$`)
//! in the syntax Rust's `regex`, RE2 (DuckDB) and Java (Spark) share: no look-around,
//! no back-references (refused when the rules are read).
//!
//! Source: Google, "\[GA4\] Default channel group",
//! <https://support.google.com/analytics/answer/9756891>.

pub mod fold;
pub mod ga4;
pub mod rules_file;

pub use fold::fold;

use std::collections::BTreeMap;

use regex::Regex;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::param::Param;

/// The channel of a touch no rule classifies (GA4's name for it).
pub const UNCLASSIFIED: &str = "Unassigned";

/// The columns of the events table a grouping reads (all optional), with the channel.
pub const INPUT_COLUMNS: [&str; 12] = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
    "gclid",
    "msclkid",
    "fbclid",
    "click_id",
    "click_network",
    "referrer_medium",
    "referrer_source",
    "page_url",
];

/// Where each input sits in [`INPUT_COLUMNS`] (and [`RawFields::inputs`]).
pub(crate) mod at {
    pub const UTM_SOURCE: usize = 0;
    pub const UTM_MEDIUM: usize = 1;
    pub const UTM_CAMPAIGN: usize = 2;
    pub const REFERRER: usize = 3;
    pub const GCLID: usize = 4;
    pub const MSCLKID: usize = 5;
    pub const FBCLID: usize = 6;
    pub const CLICK_ID: usize = 7;
    pub const CLICK_NETWORK: usize = 8;
    pub const REFERRER_MEDIUM: usize = 9;
    pub const REFERRER_SOURCE: usize = 10;
    pub const PAGE_URL: usize = 11;
}

/// A value a rule tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The `utm_source` column.
    UtmSource,
    /// The `utm_medium` column.
    UtmMedium,
    /// The `utm_campaign` column.
    UtmCampaign,
    /// The host of the `referrer` column.
    ReferrerHost,
    /// The `gclid` column.
    Gclid,
    /// The `msclkid` column.
    Msclkid,
    /// The `fbclid` column.
    Fbclid,
    /// The `click_id` column (an ad click id of any network: Snowplow's `mkt_clickid`).
    ClickId,
    /// The `click_network` column (the click id's network: Snowplow's `mkt_network`).
    ClickNetwork,
    /// The `referrer_medium` column (a referrer parser's medium: Snowplow's
    /// `refr_medium`), absent when internal.
    ReferrerMedium,
    /// The `referrer_source` column (Snowplow's `refr_source`), absent when internal.
    ReferrerSource,
    /// The `channel` column, when the events have one.
    Channel,
    /// The derived source (see the module docs).
    Source,
    /// The derived medium.
    Medium,
    /// The source's category: `search`, `social`, `video` or `shopping`.
    SourceCategory,
}

impl Field {
    /// Every field, in the order of [`Field::name`]'s table.
    pub const ALL: [Field; 15] = [
        Field::UtmSource,
        Field::UtmMedium,
        Field::UtmCampaign,
        Field::ReferrerHost,
        Field::Gclid,
        Field::Msclkid,
        Field::Fbclid,
        Field::ClickId,
        Field::ClickNetwork,
        Field::ReferrerMedium,
        Field::ReferrerSource,
        Field::Channel,
        Field::Source,
        Field::Medium,
        Field::SourceCategory,
    ];

    /// The field's name in a rules file.
    pub fn name(self) -> &'static str {
        match self {
            Field::UtmSource => "utm_source",
            Field::UtmMedium => "utm_medium",
            Field::UtmCampaign => "utm_campaign",
            Field::ReferrerHost => "referrer_host",
            Field::Gclid => "gclid",
            Field::Msclkid => "msclkid",
            Field::Fbclid => "fbclid",
            Field::ClickId => "click_id",
            Field::ClickNetwork => "click_network",
            Field::ReferrerMedium => "referrer_medium",
            Field::ReferrerSource => "referrer_source",
            Field::Channel => "channel",
            Field::Source => "source",
            Field::Medium => "medium",
            Field::SourceCategory => "source_category",
        }
    }

    /// The field named `name`.
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// How a rule matches a field's (lower-cased) value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// Equal to the text.
    Exact(String),
    /// Starts with the text.
    Prefix(String),
    /// One of the texts.
    List(Vec<String>),
    /// The pattern matches somewhere in the value.
    Regex(String),
}

impl Match {
    /// The kind's name in a rules file.
    pub fn kind(&self) -> &'static str {
        match self {
            Match::Exact(_) => "exact",
            Match::Prefix(_) => "prefix",
            Match::List(_) => "list",
            Match::Regex(_) => "regex",
        }
    }
}

/// A condition on an event's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// The field is present and matches.
    Test(Field, Match),
    /// Any of the conditions holds.
    Any(Vec<Cond>),
    /// All of the conditions hold.
    All(Vec<Cond>),
}

/// A rule: a condition and the channel it gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// When the rule applies.
    pub when: Cond,
    /// The channel it gives.
    pub channel: String,
}

/// Where a touch's channel came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChannelSource {
    /// A rule of the user's rules file.
    Rule,
    /// GA4's default channel group.
    Default,
    /// No rule matched: [`UNCLASSIFIED`].
    Unclassified,
}

impl ChannelSource {
    /// The source's name (in summaries and the SQL's `channel_source` column).
    pub fn name(self) -> &'static str {
        match self {
            ChannelSource::Rule => "rule",
            ChannelSource::Default => "default",
            ChannelSource::Unclassified => "unclassified",
        }
    }
}

/// How many touches took their channel from each source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChannelSourceCounts {
    /// Touches a rule of the rules file classified.
    pub rule: u64,
    /// Touches GA4's default channel group classified.
    pub default: u64,
    /// Touches no rule classified.
    pub unclassified: u64,
}

impl ChannelSourceCounts {
    /// Counts one touch.
    pub fn add(&mut self, source: ChannelSource) {
        match source {
            ChannelSource::Rule => self.rule += 1,
            ChannelSource::Default => self.default += 1,
            ChannelSource::Unclassified => self.unclassified += 1,
        }
    }

    /// Adds another count.
    pub fn merge(&mut self, other: &ChannelSourceCounts) {
        self.rule += other.rule;
        self.default += other.default;
        self.unclassified += other.unclassified;
    }
}

/// Which rules a channel grouping applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupingKind {
    /// The user's rules (if any), then GA4's default channel group.
    Ga4,
    /// The user's rules alone: what they leave is [`UNCLASSIFIED`].
    Rules,
}

impl crate::choice::Choice for GroupingKind {
    const PARAM: Param = Param::ChannelGrouping;
    const ALL: &'static [Self] = &[GroupingKind::Ga4, GroupingKind::Rules];
    fn name(self) -> &'static str {
        match self {
            GroupingKind::Ga4 => "ga4",
            GroupingKind::Rules => "rules",
        }
    }
}

crate::choice::choice_str!(GroupingKind);

impl ChannelGrouping {
    /// The grouping of `kind` with the rules of `rules` (a rules file's content and
    /// name, [`rules_file`]). `rules` without GA4's defaults needs a rules file.
    pub fn new(kind: GroupingKind, rules: Option<(&mut dyn std::io::Read, &str)>) -> Result<Self> {
        let rules = match rules {
            Some((input, name)) => rules_file::read_rules(input, name)?,
            None if kind == GroupingKind::Rules => {
                return Err(Error::param(
                    Param::ChannelGrouping,
                    "`rules` needs a `channel_rules` file; expected ga4, or a rules file",
                ));
            }
            None => Vec::new(),
        };
        Ok(ChannelGrouping {
            rules,
            ga4_defaults: kind == GroupingKind::Ga4,
        })
    }
}

/// A channel grouping: the user's rules, then (unless off) GA4's default channel group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelGrouping {
    /// The user's rules, in order (first match wins).
    pub rules: Vec<Rule>,
    /// Apply GA4's default channel group after the rules (default true).
    pub ga4_defaults: bool,
}

impl ChannelGrouping {
    /// GA4's default channel group alone.
    pub fn ga4() -> Self {
        ChannelGrouping {
            rules: Vec::new(),
            ga4_defaults: true,
        }
    }

    /// Every rule in the order they are tried, each with its source.
    pub fn ordered(&self) -> Vec<(&Rule, ChannelSource)> {
        let mut all: Vec<(&Rule, ChannelSource)> = self
            .rules
            .iter()
            .map(|r| (r, ChannelSource::Rule))
            .collect();
        if self.ga4_defaults {
            all.extend(
                ga4::default_groups()
                    .iter()
                    .map(|r| (r, ChannelSource::Default)),
            );
        }
        all
    }

    /// Checks the rules: regular expressions compile, channels are non-empty.
    pub fn validate(&self) -> Result<()> {
        self.classifier().map(|_| ())
    }

    /// The grouping, compiled.
    pub fn classifier(&self) -> Result<Classifier> {
        let mut regexes = BTreeMap::new();
        for (rule, _) in self.ordered() {
            if rule.channel.trim().is_empty() {
                return Err(Error::param(
                    Param::ChannelRules,
                    "a rule with an empty channel",
                ));
            }
            collect_regexes(&rule.when, &mut regexes)?;
        }
        Ok(Classifier {
            grouping: self.clone(),
            regexes,
        })
    }
}

fn collect_regexes(cond: &Cond, into: &mut BTreeMap<String, Regex>) -> Result<()> {
    match cond {
        Cond::Test(_, Match::Regex(p)) => {
            if !into.contains_key(p) {
                into.insert(p.clone(), compile(p)?);
            }
        }
        Cond::Test(..) => {}
        Cond::Any(cs) | Cond::All(cs) => {
            for c in cs {
                collect_regexes(c, into)?;
            }
        }
    }
    Ok(())
}

/// Compiles a rule's pattern (RE2 syntax: Rust's `regex` refuses look-around and
/// back-references, which RE2 refuses too).
pub fn compile(pattern: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| {
        Error::param(
            Param::ChannelRules,
            format!("`{pattern}` is not a regular expression ({e})"),
        )
    })
}

/// An event's raw grouping fields, as read (untrimmed; `None` for a missing column).
#[derive(Clone, Debug, Default)]
pub struct RawFields<'a> {
    /// The inputs, in the order of [`INPUT_COLUMNS`].
    pub inputs: [Option<&'a str>; 12],
    /// The `channel` column.
    pub channel: Option<&'a str>,
}

/// A compiled [`ChannelGrouping`].
#[derive(Clone, Debug)]
pub struct Classifier {
    grouping: ChannelGrouping,
    regexes: BTreeMap<String, Regex>,
}

/// The derived values of one event, by [`Field`].
pub struct Values {
    map: BTreeMap<Field, String>,
    touch: bool,
}

/// GA4's value of a missing source or medium.
const NOT_SET: &str = "(not set)";

/// The source of an ad click id by its (lower-cased) network: Snowplow's campaign
/// attribution enrichment names `gclid` `Google`, `msclkid` `Microsoft` and `dclid`
/// `DoubleClick`. `microsoft` is Bing's ads (`bing`, as `msclkid` is); any other
/// network is its own name; none is `(not set)`. The medium is always `cpc`.
pub fn click_source(network: Option<&str>) -> &str {
    match network {
        Some("microsoft") => "bing",
        Some(n) => n,
        None => NOT_SET,
    }
}

/// The medium of a referrer parser's (lower-cased) medium, as GA4's rules read it:
/// `search` → `organic`, `social` → `social`, `email` → `email`, `paid` → `cpc`,
/// anything else (`unknown`) → `referral`. Source: Snowplow referer-parser's media
/// (<https://github.com/snowplow-referer-parser/referer-parser>).
pub const REFERRER_MEDIA: [(&str, &str); 4] = [
    ("search", "organic"),
    ("social", "social"),
    ("email", "email"),
    ("paid", "cpc"),
];

fn referrer_medium(medium: &str) -> &'static str {
    REFERRER_MEDIA
        .iter()
        .find(|(m, _)| *m == medium)
        .map_or("referral", |(_, to)| to)
}

impl Values {
    /// The values of `raw` (see the module docs).
    pub fn derive(raw: &RawFields<'_>) -> Values {
        let clean = |v: Option<&str>| v.map(fold).filter(|s| !s.is_empty());
        let mut m = BTreeMap::new();
        let inputs: Vec<Option<String>> = raw.inputs.iter().map(|v| clean(*v)).collect();
        let host = inputs[at::REFERRER].as_deref().and_then(referrer_host);
        let page = inputs[at::PAGE_URL].as_deref().and_then(referrer_host);
        // An internal referrer (the parser says so, or the page's own host) is no
        // referrer: a click from one page of the site to the next.
        let internal = inputs[at::REFERRER_MEDIUM].as_deref() == Some("internal")
            || (host.is_some() && host == page);
        let unless_internal = |v: Option<String>| if internal { None } else { v };
        let host = unless_internal(host);
        let refr_medium = unless_internal(inputs[at::REFERRER_MEDIUM].clone());
        let refr_source = unless_internal(inputs[at::REFERRER_SOURCE].clone());
        let fields = [
            (Field::UtmSource, inputs[at::UTM_SOURCE].clone()),
            (Field::UtmMedium, inputs[at::UTM_MEDIUM].clone()),
            (Field::UtmCampaign, inputs[at::UTM_CAMPAIGN].clone()),
            (Field::ReferrerHost, host.clone()),
            (Field::Gclid, inputs[at::GCLID].clone()),
            (Field::Msclkid, inputs[at::MSCLKID].clone()),
            (Field::Fbclid, inputs[at::FBCLID].clone()),
            (Field::ClickId, inputs[at::CLICK_ID].clone()),
            (Field::ClickNetwork, inputs[at::CLICK_NETWORK].clone()),
            (Field::ReferrerMedium, refr_medium.clone()),
            (Field::ReferrerSource, refr_source.clone()),
            (Field::Channel, clean(raw.channel)),
        ];
        let touch = fields[..8].iter().any(|(_, v)| v.is_some()) || refr_medium.is_some();
        for (f, v) in fields {
            if let Some(v) = v {
                m.insert(f, v);
            }
        }
        let (utm_source, utm_medium) = (&inputs[at::UTM_SOURCE], &inputs[at::UTM_MEDIUM]);
        let (source, medium) = if utm_source.is_some() || utm_medium.is_some() {
            let or_not_set = |v: &Option<String>| v.clone().unwrap_or_else(|| NOT_SET.into());
            (or_not_set(utm_source), or_not_set(utm_medium))
        } else if inputs[at::GCLID].is_some() {
            ("google".into(), "cpc".into())
        } else if inputs[at::MSCLKID].is_some() {
            ("bing".into(), "cpc".into())
        } else if inputs[at::FBCLID].is_some() {
            ("facebook".into(), "referral".into())
        } else if inputs[at::CLICK_ID].is_some() {
            let network = inputs[at::CLICK_NETWORK].as_deref();
            (click_source(network).to_string(), "cpc".into())
        } else if let Some(rm) = &refr_medium {
            let source = refr_source.or(host).unwrap_or_else(|| NOT_SET.into());
            (source, referrer_medium(rm).to_string())
        } else if let Some(h) = host {
            (h, "referral".into())
        } else {
            ("(direct)".into(), "(none)".into())
        };
        if let Some(c) = ga4::source_category(&source) {
            m.insert(Field::SourceCategory, c.to_string());
        }
        m.insert(Field::Source, source);
        m.insert(Field::Medium, medium);
        Values { map: m, touch }
    }

    /// True when the event carries traffic-source data: a UTM value, a click id, an
    /// external referrer or a referrer medium (what makes an event of an export
    /// preset a touch, [`crate::journeys::EventsPreset`]).
    pub fn has_traffic_source(&self) -> bool {
        self.touch
    }

    /// The value of `field`, if present.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.map.get(&field).map(String::as_str)
    }
}

/// The pattern whose first group is a referrer's host (applied to the lower-cased
/// referrer, here and in the SQL alike).
pub const HOST_PATTERN: &str = "^(?:[a-z][a-z0-9+.-]*://)?([^/:?#]+)";

/// The host of a (lower-cased) referrer: the text after an optional `scheme://` up to
/// the first `/`, `:`, `?` or `#` ([`HOST_PATTERN`]); `None` if empty.
pub fn referrer_host(referrer: &str) -> Option<String> {
    static HOST: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = HOST.get_or_init(|| Regex::new(HOST_PATTERN).expect("a valid pattern"));
    re.captures(referrer)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .filter(|h| !h.is_empty())
}

impl Classifier {
    /// The channel of an event with these fields, and where it came from.
    pub fn classify(&self, raw: &RawFields<'_>) -> (String, ChannelSource) {
        self.classify_values(&Values::derive(raw))
    }

    /// The channel of an event with these derived values, and where it came from.
    pub fn classify_values(&self, values: &Values) -> (String, ChannelSource) {
        for (rule, source) in self.grouping.ordered() {
            if self.holds(&rule.when, values) {
                return (rule.channel.clone(), source);
            }
        }
        (UNCLASSIFIED.to_string(), ChannelSource::Unclassified)
    }

    fn holds(&self, cond: &Cond, values: &Values) -> bool {
        match cond {
            Cond::Any(cs) => cs.iter().any(|c| self.holds(c, values)),
            Cond::All(cs) => cs.iter().all(|c| self.holds(c, values)),
            Cond::Test(field, m) => {
                let Some(v) = values.get(*field) else {
                    return false;
                };
                match m {
                    Match::Exact(t) => v == t,
                    Match::Prefix(t) => v.starts_with(t.as_str()),
                    Match::List(ts) => ts.iter().any(|t| t == v),
                    Match::Regex(p) => self.regexes[p].is_match(v),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
