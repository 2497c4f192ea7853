//! GA4's default channel group, as a fact table.
//!
//! Source: Google, "\[GA4\] Default channel group", Analytics Help,
//! <https://support.google.com/analytics/answer/9756891> (the definitions table, read
//! 2026). The channels are tried in the page's order and the first whose conditions
//! hold wins; what none classifies is `Unassigned`. The page's conditions refer to
//! Google's downloadable lists of search, social, video and shopping sites; the lists
//! here ([`SOURCE_CATEGORIES`]) hold the best-known sites of each, by their usual source
//! names and hosts — a subset: add a rule (`source,list,…`) for a site that is missing.
//!
//! | # | channel | conditions (on lower-cased source, medium, campaign) |
//! |---|---|---|
//! | 1 | Direct | source is `(direct)` and medium is `(not set)` or `(none)` |
//! | 2 | Cross-network | campaign contains `cross-network` |
//! | 3 | Paid Shopping | (source is a shopping site or campaign matches `^(.*(([^a-df-z]\|^)shop\|shopping).*)$`) and medium matches `^(.*cp.*\|ppc\|retargeting\|paid.*)$` |
//! | 4 | Paid Search | source is a search site and medium is paid (as in 3) |
//! | 5 | Paid Social | source is a social site and medium is paid |
//! | 6 | Paid Video | source is a video site and medium is paid |
//! | 7 | Display | medium is one of `display`, `banner`, `expandable`, `interstitial`, `cpm` |
//! | 8 | Paid Other | medium is paid |
//! | 9 | Organic Shopping | source is a shopping site or campaign matches the shopping pattern |
//! | 10 | Organic Social | source is a social site or medium is one of `social`, `social-network`, `social-media`, `sm`, `social network`, `social media` |
//! | 11 | Organic Video | source is a video site or medium contains `video` |
//! | 12 | Organic Search | source is a search site or medium is `organic` |
//! | 13 | Referral | medium is one of `referral`, `app`, `link` |
//! | 14 | Email | source or medium is one of `email`, `e-mail`, `e_mail`, `e mail` |
//! | 15 | Affiliates | medium is `affiliate` |
//! | 16 | Audio | medium is `audio` |
//! | 17 | SMS | source or medium is `sms` |
//! | 18 | Mobile Push Notifications | medium ends with `push` or contains `mobile` or `notification`, or source is `firebase` |
//!
//! Edge cases, learned from how dbt-ga4 and Snowplow's unified package classify
//! channels: an event with no source and no medium is Direct (not Unassigned); values
//! are compared lower-cased; a referrer from a search engine is Organic Search and from
//! a social site Organic Social (the source category decides before Referral);
//! auto-tagged ad clicks (`gclid`) count as Google paid search.

use std::sync::OnceLock;

use super::{Cond, Field, Match, Rule};

/// The pattern of a paid medium.
pub const PAID_MEDIUM: &str = "^(.*cp.*|ppc|retargeting|paid.*)$";
/// The pattern of a shopping campaign.
pub const SHOPPING_CAMPAIGN: &str = "^(.*(([^a-df-z]|^)shop|shopping).*)$";

/// Source names (and hosts) per category: `search`, `social`, `video`, `shopping`.
/// Disjoint (tested).
pub const SOURCE_CATEGORIES: [(&str, &[&str]); 4] = [
    (
        "shopping",
        &[
            "amazon",
            "ebay",
            "etsy",
            "walmart",
            "aliexpress",
            "alibaba",
            "shopify",
            "rakuten",
            "mercadolibre",
            "target",
            "bestbuy",
            "zalando",
            "shopping.google.com",
            "shopping.yahoo.com",
            "igshopping",
            "shopzilla",
            "pricegrabber",
        ],
    ),
    (
        "search",
        &[
            "google",
            "bing",
            "yahoo",
            "baidu",
            "duckduckgo",
            "yandex",
            "ecosia",
            "ask",
            "aol",
            "naver",
            "seznam",
            "qwant",
            "startpage",
            "sogou",
            "daum",
            "so.com",
            "search.brave.com",
            "msn",
            "search-results",
            "cse.google.com",
        ],
    ),
    (
        "social",
        &[
            "facebook",
            "fb",
            "instagram",
            "ig",
            "linkedin",
            "lnkd.in",
            "twitter",
            "t.co",
            "x.com",
            "pinterest",
            "reddit",
            "tiktok",
            "snapchat",
            "quora",
            "tumblr",
            "vk",
            "weibo",
            "threads.net",
            "whatsapp",
            "telegram",
            "discord",
            "mastodon",
            "line",
            "wechat",
            "meetup",
            "slack",
        ],
    ),
    (
        "video",
        &[
            "youtube",
            "youtu.be",
            "vimeo",
            "twitch",
            "dailymotion",
            "wistia",
            "youku",
            "bilibili",
            "rumble",
            "iqiyi",
        ],
    ),
];

/// Leading host labels stripped before a source is looked up on the lists.
pub const STRIPPED_PREFIX: &str = "^(www|m|l|lm|mobile|amp)[.]";

/// The category of a (lower-cased) source: the first of the source itself, the source
/// without a [`STRIPPED_PREFIX`], and that name's first label, found on a list.
pub fn source_category(source: &str) -> Option<&'static str> {
    static PREFIX: OnceLock<regex::Regex> = OnceLock::new();
    let prefix = PREFIX.get_or_init(|| regex::Regex::new(STRIPPED_PREFIX).expect("valid"));
    let stripped = prefix.replace(source, "").into_owned();
    let label = stripped.split('.').next().unwrap_or("").to_string();
    [source.to_string(), stripped, label]
        .iter()
        .find_map(|candidate| {
            SOURCE_CATEGORIES
                .iter()
                .find(|(_, names)| names.contains(&candidate.as_str()))
                .map(|(category, _)| *category)
        })
}

fn test(field: Field, m: Match) -> Cond {
    Cond::Test(field, m)
}

fn list(field: Field, values: &[&str]) -> Cond {
    test(
        field,
        Match::List(values.iter().map(|v| v.to_string()).collect()),
    )
}

fn exact(field: Field, value: &str) -> Cond {
    test(field, Match::Exact(value.to_string()))
}

fn regex(field: Field, pattern: &str) -> Cond {
    test(field, Match::Regex(pattern.to_string()))
}

fn category(name: &str) -> Cond {
    exact(Field::SourceCategory, name)
}

/// GA4's default channel group as ordered rules (the table of the module docs).
pub fn default_groups() -> &'static [Rule] {
    static GROUPS: OnceLock<Vec<Rule>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        use Field::{Medium, Source, UtmCampaign};
        let paid = || regex(Medium, PAID_MEDIUM);
        let shop_campaign = || regex(UtmCampaign, SHOPPING_CAMPAIGN);
        let email = ["email", "e-mail", "e_mail", "e mail"];
        let rule = |channel: &str, when: Cond| Rule {
            when,
            channel: channel.to_string(),
        };
        vec![
            rule(
                "Direct",
                Cond::All(vec![
                    exact(Source, "(direct)"),
                    list(Medium, &["(not set)", "(none)"]),
                ]),
            ),
            rule("Cross-network", regex(UtmCampaign, "cross-network")),
            rule(
                "Paid Shopping",
                Cond::All(vec![
                    Cond::Any(vec![category("shopping"), shop_campaign()]),
                    paid(),
                ]),
            ),
            rule("Paid Search", Cond::All(vec![category("search"), paid()])),
            rule("Paid Social", Cond::All(vec![category("social"), paid()])),
            rule("Paid Video", Cond::All(vec![category("video"), paid()])),
            rule(
                "Display",
                list(
                    Medium,
                    &["display", "banner", "expandable", "interstitial", "cpm"],
                ),
            ),
            rule("Paid Other", paid()),
            rule(
                "Organic Shopping",
                Cond::Any(vec![category("shopping"), shop_campaign()]),
            ),
            rule(
                "Organic Social",
                Cond::Any(vec![
                    category("social"),
                    list(
                        Medium,
                        &[
                            "social",
                            "social-network",
                            "social-media",
                            "sm",
                            "social network",
                            "social media",
                        ],
                    ),
                ]),
            ),
            rule(
                "Organic Video",
                Cond::Any(vec![category("video"), regex(Medium, "video")]),
            ),
            rule(
                "Organic Search",
                Cond::Any(vec![category("search"), exact(Medium, "organic")]),
            ),
            rule("Referral", list(Medium, &["referral", "app", "link"])),
            rule(
                "Email",
                Cond::Any(vec![list(Source, &email), list(Medium, &email)]),
            ),
            rule("Affiliates", exact(Medium, "affiliate")),
            rule("Audio", exact(Medium, "audio")),
            rule(
                "SMS",
                Cond::Any(vec![exact(Source, "sms"), exact(Medium, "sms")]),
            ),
            rule(
                "Mobile Push Notifications",
                Cond::Any(vec![
                    regex(Medium, "push$"),
                    regex(Medium, "mobile|notification"),
                    exact(Source, "firebase"),
                ]),
            ),
        ]
    })
}
