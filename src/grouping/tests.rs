//! The grouping on the table of cases (`data/channels/cases.csv`: every default rule,
//! the derivations of source and medium — Snowplow's click ids and referrer media, the
//! internal referrer — and the rules file's precedence), with the expected channels
//! written by hand from GA4's definitions.

use super::*;

const CASES: &str = include_str!("../../data/channels/cases.csv");
const RULES: &str = include_str!("../../data/channels/rules.csv");

fn cases() -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(CASES.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn classify(c: &Classifier, row: &[String]) -> (String, ChannelSource) {
    let mut raw = RawFields {
        channel: opt(&row[8]),
        ..RawFields::default()
    };
    for (i, v) in row[1..8].iter().enumerate() {
        raw.inputs[i] = opt(v);
    }
    // The fields added after the expected channels (click ids, referrer parser, page).
    for (i, v) in row[11..16].iter().enumerate() {
        raw.inputs[7 + i] = opt(v);
    }
    c.classify(&raw)
}

#[test]
fn every_case_gets_its_ga4_channel() {
    let c = ChannelGrouping::ga4().classifier().unwrap();
    for row in cases() {
        let (channel, source) = classify(&c, &row);
        assert_eq!(channel, row[9], "{}", row[0]);
        let expected = if channel == UNCLASSIFIED {
            ChannelSource::Unclassified
        } else {
            ChannelSource::Default
        };
        assert_eq!(source, expected, "{}", row[0]);
    }
}

#[test]
fn every_default_rule_is_covered_by_a_case() {
    let expected: Vec<String> = cases().into_iter().map(|r| r[9].clone()).collect();
    for rule in ga4::default_groups() {
        assert!(expected.contains(&rule.channel), "{}", rule.channel);
    }
    assert!(expected.iter().any(|c| c == UNCLASSIFIED));
}

#[test]
fn rules_come_first_in_file_order() {
    let rules = rules_file::read_rules(RULES.as_bytes(), "rules.csv").unwrap();
    assert_eq!(rules.len(), 7);
    let grouping = ChannelGrouping {
        rules,
        ga4_defaults: true,
    };
    let c = grouping.classifier().unwrap();
    for row in cases() {
        let (channel, source) = classify(&c, &row);
        assert_eq!(channel, row[10], "{}", row[0]);
        if row[9] != row[10] {
            assert_eq!(source, ChannelSource::Rule, "{}", row[0]);
        }
    }
    // Without the defaults, what no rule matches is unclassified.
    let alone = ChannelGrouping {
        ga4_defaults: false,
        ..grouping
    }
    .classifier()
    .unwrap();
    let direct = cases()
        .into_iter()
        .find(|r| r[0] == "direct_tagged")
        .unwrap();
    assert_eq!(
        classify(&alone, &direct),
        (UNCLASSIFIED.to_string(), ChannelSource::Unclassified)
    );
}

#[test]
fn source_categories_are_disjoint_and_read_hosts() {
    let mut seen = std::collections::BTreeSet::new();
    for (_, names) in ga4::SOURCE_CATEGORIES {
        for n in names {
            assert!(seen.insert(*n), "{n} is on two lists");
        }
    }
    assert_eq!(ga4::source_category("www.google.co.uk"), Some("search"));
    assert_eq!(ga4::source_category("lm.facebook.com"), Some("social"));
    assert_eq!(
        ga4::source_category("shopping.google.com"),
        Some("shopping")
    );
    assert_eq!(ga4::source_category("t.co"), Some("social"));
    assert_eq!(ga4::source_category("blog.example.org"), None);
    assert_eq!(
        referrer_host("https://a.b:80/x?y#z").as_deref(),
        Some("a.b")
    );
    assert_eq!(referrer_host("a.b/x").as_deref(), Some("a.b"));
}

#[test]
fn bad_rules_are_located() {
    let err = |text: &str| {
        rules_file::read_rules(text.as_bytes(), "r.csv")
            .unwrap_err()
            .to_string()
    };
    let e = err("field,match,pattern,channel\nutm_source,exact,a,A\nutm_sorce,exact,b,B\n");
    assert!(
        e.contains("r.csv") && e.contains("line 3") && e.contains("expected one of"),
        "{e}"
    );
    let e = err("field,match,pattern,channel\nutm_source,glob,a*,A\n");
    assert!(
        e.contains("line 2") && e.contains("expected exact, prefix, list or regex"),
        "{e}"
    );
    let e = err("field,match,pattern,channel\nutm_source,regex,(a,A\n");
    assert!(
        e.contains("line 2") && e.contains("not a regular expression"),
        "{e}"
    );
    let e = err("field,match,pattern,channel\nutm_source,regex,(?=a),A\n");
    assert!(e.contains("not a regular expression"), "{e}");
    let e = err("field,match,pattern,channel\nutm_source,list,a||b,A\n");
    assert!(e.contains("empty value"), "{e}");
    let e = err("field,match,pattern,channel\nutm_source,exact,a,\n");
    assert!(e.contains("expected the channel"), "{e}");
    let e = err("field,match,pattern\n");
    assert!(e.contains("expected `field,match,pattern,channel`"), "{e}");
    let e = err("field,match,pattern,channel\nutm_source,exact\n");
    assert!(e.contains("expected 4"), "{e}");
    let e = err("");
    assert!(e.contains("expected the header"), "{e}");
}

#[test]
fn traffic_source_is_what_makes_an_export_event_a_touch() {
    let values = |inputs: [Option<&str>; 12]| {
        Values::derive(&RawFields {
            inputs,
            channel: None,
        })
    };
    let mut none = [None; 12];
    assert!(!values(none).has_traffic_source());
    none[at::UTM_CAMPAIGN] = Some("spring");
    assert!(values(none).has_traffic_source());
    let mut internal = [None; 12];
    internal[at::REFERRER] = Some("https://shop.example.com/a");
    internal[at::PAGE_URL] = Some("https://SHOP.example.com/b");
    assert!(!values(internal).has_traffic_source());
    internal[at::PAGE_URL] = Some("https://other.example.com/");
    assert!(values(internal).has_traffic_source());
    internal[at::REFERRER_MEDIUM] = Some("internal");
    assert!(!values(internal).has_traffic_source());
    let mut network_alone = [None; 12];
    network_alone[at::CLICK_NETWORK] = Some("Google");
    assert!(!values(network_alone).has_traffic_source());
}
