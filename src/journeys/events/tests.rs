//! Unit tests of reading the events file.

use super::*;

fn read(text: &str) -> Result<(EventLog, Dictionary)> {
    read_with(text, false)
}

#[test]
fn reads_kinds_and_counts_ignored_names() {
    let (log, ids) = read(
        "timestamp,user_id,event,channel,value\n\
         2026-01-01T00:00:00Z,u1,touch,email,\n\
         2026-01-02T00:00:00Z,u1,conversion,,25.5\n\
         2026-01-03T00:00:00Z,u2,page_view,,\n\
         2026-01-01T12:00:00Z,u2,lead_created,,\n",
    )
    .unwrap();
    assert_eq!(log.events.len(), 3);
    assert_eq!(log.counts.touches, 1);
    assert_eq!(log.counts.conversions, 1);
    assert_eq!(log.counts.milestones, 1);
    assert_eq!(log.counts.ignored_by_name["page_view"], 1);
    assert_eq!(log.events[1].value(), 25.5);
    assert_eq!(ids.len(), 2);
    assert_eq!(
        log.data_end,
        crate::time::parse_timestamp("2026-01-03T00:00:00Z")
    );
}

/// Rows with a good event, a bad timestamp, a touch without a channel and an ignored
/// name, in a pattern, so bad rows fall in many of the test build's 64-byte blocks.
fn mixed_rows(n: usize, bad: bool) -> String {
    let mut text = String::new();
    for i in 0..n {
        let day = 1 + i % 28;
        let row = match i % 11 {
            3 if bad => format!(
                "2026-13-{day:02}T00:00:00Z,u{},touch,email,c{},\n",
                i % 17,
                i % 5
            ),
            7 if bad => format!("2026-01-{day:02}T00:00:00Z,u{},touch,,c1,\n", i % 13),
            5 => format!("2026-01-{day:02},u{},page_view,,,\n", i % 7),
            9 => format!(
                "2026-01-{day:02}T08:00:00Z,u{},conversion,,,{}.5\n",
                i % 19,
                i
            ),
            _ => format!(
                "2026-01-{day:02}T0{}:00:00Z,u{},touch,ch{},c{},\n",
                i % 10,
                i % 23,
                i % 6,
                i % 4
            ),
        };
        text.push_str(&row);
    }
    text
}

fn read_with(text: &str, skip: bool) -> Result<(EventLog, Dictionary)> {
    let mut ids = Dictionary::new();
    let log = EventLog::read(
        Records::csv(text.as_bytes()),
        "events.csv",
        &ReadOptions::default().skip_bad_rows(skip),
        LabelRules {
            names: &EventNames::default(),
            conversions: &["conversion".to_string()],
            grouping: None,
            preset: None,
        },
        &mut ids,
    )?;
    Ok((log, ids))
}

/// What a read found, to compare two reads.
fn outcome(read: Result<(EventLog, Dictionary)>) -> String {
    match read {
        Ok((log, ids)) => format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            log.events,
            log.channels,
            log.campaigns,
            log.counts,
            log.report,
            log.data_end,
            log.value_total,
            ids,
            (log.has_campaign, log.has_content)
        ),
        Err(e) => format!("error: {e}"),
    }
}

/// Reading in blocks on every core gives what one thread gives (a quoted header
/// sends the whole file to one thread): events, ids, counts, skipped rows and their
/// examples, and the first error with its line; also when a quote or a lone `\r`
/// far into the file hands the rest to one thread.
#[test]
fn blocks_read_in_parallel_equal_one_thread() {
    let header = "timestamp,user_id,event,channel,campaign,value\n";
    let quoted = "\"timestamp\",user_id,event,channel,campaign,value\n";
    for (rows, bad) in [(300, false), (300, true)] {
        let body = mixed_rows(rows, bad);
        let half = body.len() / 2;
        let later_quote = format!(
            "{}{}",
            &body[..half],
            body[half..].replace("ch2,", "\"ch2\",")
        );
        let later_cr = {
            let at = body.len() / 2;
            let at = at + body[at..].find('\n').unwrap();
            format!("{}\r{}", &body[..at], &body[at + 1..])
        };
        for body in [&body, &later_quote, &later_cr] {
            for skip in [false, true] {
                let parallel = outcome(read_with(&format!("{header}{body}"), skip));
                let one_thread = outcome(read_with(&format!("{quoted}{body}"), skip));
                assert_eq!(parallel, one_thread, "rows {rows} bad {bad} skip {skip}");
            }
        }
    }
    // The pattern does fail without skipping, at the first bad row's line.
    let err = outcome(read_with(
        &format!("{header}{}", mixed_rows(300, true)),
        false,
    ));
    assert!(err.contains("line 5"), "{err}");
}

/// A conversion total that comes near overflowing is checked from the true running
/// total, not the part's own: the error names the row where the file's total
/// overflows, as one thread finds it.
#[test]
fn overflow_of_the_value_total_is_found_at_its_row() {
    let mut body = String::new();
    for i in 0..40 {
        let value = if i % 10 == 9 { "1e308" } else { "1" };
        body.push_str(&format!("2026-01-01T00:00:00Z,u{i},conversion,,,{value}\n"));
    }
    let header = "timestamp,user_id,event,channel,campaign,value\n";
    let quoted = "\"timestamp\",user_id,event,channel,campaign,value\n";
    for skip in [false, true] {
        let parallel = outcome(read_with(&format!("{header}{body}"), skip));
        let one_thread = outcome(read_with(&format!("{quoted}{body}"), skip));
        assert_eq!(parallel, one_thread);
        assert!(skip || parallel.contains("line 21"), "{parallel}");
    }
}

#[test]
fn a_touch_needs_a_channel() {
    let err = read("timestamp,user_id,event,channel\n2026-01-01,u1,touch,\n").unwrap_err();
    let loc = err.location().unwrap();
    assert_eq!((loc.line, loc.column), (2, Some(4)));
}

#[test]
fn no_touch_or_conversion_names_what_was_found() {
    let err = read("timestamp,user_id,event,channel\n2026-01-01,u1,click,email\n").unwrap_err();
    assert!(err.to_string().contains("`click` (1)"), "{err}");
}

#[test]
fn kinds_order_touch_milestone_conversion() {
    let names = EventNames::default();
    let conv = ["closed_won".to_string()];
    let won = names.classify("closed_won", &conv).unwrap();
    assert!(won.is_conversion());
    assert_eq!(won.milestone(), Some(Milestone::ClosedWon));
    let lead = names.classify("lead_created", &conv).unwrap();
    let touch = names.classify("touch", &conv).unwrap();
    assert!(touch.rank() < lead.rank() && lead.rank() < won.rank());
    assert!(names.classify("other", &conv).is_none());
}

/// Under the GA4 preset: microseconds floored to the millisecond (before the epoch
/// too), touches by traffic source (an internal referrer is none), a named touch kept
/// whatever it carries, and every row's `user_id` an edge to the stitch id.
#[test]
fn an_export_preset_reads_micros_touches_by_traffic_and_stitch_ids() {
    let text = "event_timestamp,user_pseudo_id,user_id,event_name,collected_traffic_source.manual_source,page_referrer,page_location\n\
                -1,a,,page_view,google,,\n\
                1772355600000999,a,,page_view,,https://shop.example.com/x,https://shop.example.com/y\n\
                1772355600001000,a,alice,login,,,\n\
                1772355600002000,b,,session_start,,,\n\
                1772355600003000,a,a,purchase,,,\n";
    let grouping = crate::grouping::ChannelGrouping::ga4()
        .classifier()
        .unwrap();
    let mut ids = Dictionary::new();
    let log = EventLog::read(
        Records::csv(text.as_bytes()),
        "ga4.csv",
        &ReadOptions::default().columns(EventsPreset::Ga4.columns()),
        LabelRules {
            names: &EventNames {
                touch: vec!["session_start".into()],
                ..EventNames::default()
            },
            conversions: &["purchase".to_string()],
            grouping: Some(&grouping),
            preset: Some(EventsPreset::Ga4),
        },
        &mut ids,
    )
    .unwrap();
    let times: Vec<Millis> = log.events.iter().map(|e| e.time).collect();
    assert_eq!(times, [-1, 1772355600002, 1772355600003]);
    assert_eq!((log.counts.touches, log.counts.conversions), (2, 1));
    let ignored: Vec<(&str, u64)> = log
        .counts
        .ignored_by_name
        .iter()
        .map(|(n, c)| (n.as_str(), *c))
        .collect();
    assert_eq!(ignored, [("login", 1), ("page_view", 1)]);
    let edges: Vec<(&str, &str)> = log
        .stitch_edges
        .iter()
        .map(|&(a, u)| (ids.name(a), ids.name(u)))
        .collect();
    assert_eq!(edges, [("a", "alice")]);
    assert_eq!(log.stitch_self, 1);
    // Text that is no integer is refused where it stands.
    let bad = "event_timestamp,user_pseudo_id,event_name\n2026-03-01,a,page_view\n";
    let err = EventLog::read(
        Records::csv(bad.as_bytes()),
        "ga4.csv",
        &ReadOptions::default().columns(EventsPreset::Ga4.columns()),
        LabelRules {
            names: &EventNames::default(),
            conversions: &["purchase".to_string()],
            grouping: Some(&grouping),
            preset: Some(EventsPreset::Ga4),
        },
        &mut Dictionary::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("ga4.csv: line 2, column 1 (event_timestamp): `2026-03-01` is not a timestamp; expected integer microseconds"),
        "{err}"
    );
}
