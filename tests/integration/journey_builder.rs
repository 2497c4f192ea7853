//! The journey builder, one hand-made fixture per rule, with the expected journeys
//! written out as journeys-file rows.

use pathcredit::journeys::{
    BuildSummary, JourneyLevel, JourneyParams, SharedDevices, TouchLevel, build_journeys,
    build_paths,
};
use pathcredit::models::{self, Input, ModelName, ModelSettings};
use pathcredit::time::DAY;
use pathcredit::{Journeys, ReadOptions};
use proptest::prelude::*;

use crate::common::{pathcredit, write_file};

const HEADER: &str =
    "journey_id,user_id,converted,conversion_value,conversion_time,touch_time,channel,milestone\n";

fn build_with(
    events: &str,
    identities: Option<&str>,
    params: &JourneyParams,
) -> (Journeys, BuildSummary) {
    let mut ev = events.as_bytes();
    let built = match identities {
        Some(ids) => {
            let mut ids = ids.as_bytes();
            build_journeys(
                &mut ev,
                "events.csv",
                Some((&mut ids, "identities.csv")),
                params,
            )
        }
        None => build_journeys(&mut ev, "events.csv", None, params),
    }
    .unwrap();
    // The path-only build gives the journeys' path summary and the same summary.
    let mut ev = events.as_bytes();
    let paths = match identities {
        Some(ids) => {
            let mut ids = ids.as_bytes();
            build_paths(
                &mut ev,
                "events.csv",
                Some((&mut ids, "identities.csv")),
                params,
            )
        }
        None => build_paths(&mut ev, "events.csv", None, params),
    }
    .unwrap();
    assert_eq!(paths.paths, built.journeys.path_table());
    assert_eq!(paths.summary, built.summary);
    let s = &built.summary;
    assert_eq!(
        s.touch_events_accounted(),
        s.events.touches,
        "every touch event is accounted for: {s:#?}"
    );
    assert_eq!(
        s.conversions_accounted(),
        s.events.conversions,
        "every conversion is accounted for"
    );
    (built.journeys, built.summary)
}

fn journeys_csv(j: &Journeys) -> String {
    let mut out = Vec::new();
    j.write_csv(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn expect(
    events: &str,
    identities: Option<&str>,
    params: &JourneyParams,
    rows: &str,
) -> BuildSummary {
    let (j, summary) = build_with(events, identities, params);
    assert_eq!(journeys_csv(&j), format!("{HEADER}{rows}"));
    summary
}

/// No censoring, so non-converting journeys show up however close to the data end.
fn uncensored() -> JourneyParams {
    JourneyParams {
        censor: Some(None),
        ..JourneyParams::default()
    }
}

#[test]
fn stitching_two_devices_that_later_log_in() {
    // A laptop cookie and a phone each browse anonymously, then both log in as alice.
    let events = "timestamp,user_id,event,channel\n\
        2026-01-01T10:00:00Z,laptop_cookie,touch,display\n\
        2026-01-02T10:00:00Z,phone_device,touch,paid_social\n\
        2026-01-03T10:00:00Z,alice,touch,email\n\
        2026-01-03T10:10:00Z,alice,conversion,\n";
    let identities = "anonymous_id,user_id\nphone_device,alice\nlaptop_cookie,alice\n";
    let s = expect(
        events,
        Some(identities),
        &uncensored(),
        "alice:1,alice,1,0,2026-01-03T10:10:00Z,2026-01-01T10:00:00Z,display,\n\
         alice:1,alice,1,0,2026-01-03T10:10:00Z,2026-01-02T10:00:00Z,paid_social,\n\
         alice:1,alice,1,0,2026-01-03T10:10:00Z,2026-01-03T10:00:00Z,email,\n",
    );
    assert_eq!(s.identities.ids_stitched, 2);
    assert_eq!(s.identities.persons, 1);
    // Without the identities the devices are three people and only alice converts.
    let (j, _) = build_with(events, None, &uncensored());
    assert_eq!(j.len(), 3);
}

#[test]
fn session_gap_exactly_at_the_boundary_stays_in_the_session() {
    // 30 minutes between the first two touches (= the gap): one session whose channel
    // is its first non-direct touch; 30 min 1 s to the third: a new session.
    let events = "timestamp,user_id,event,channel\n\
        2026-01-01T10:00:00Z,u,touch,direct\n\
        2026-01-01T10:30:00Z,u,touch,email\n\
        2026-01-01T11:00:01Z,u,touch,direct\n\
        2026-01-01T11:05:00Z,u,conversion,\n";
    let s = expect(
        events,
        None,
        &uncensored(),
        "u:1,u,1,0,2026-01-01T11:05:00Z,2026-01-01T10:00:00Z,email,\n\
         u:1,u,1,0,2026-01-01T11:05:00Z,2026-01-01T11:00:01Z,direct,\n",
    );
    assert_eq!(s.sessions, 2);
    // --touch-level event keeps all three touches.
    let events_level = JourneyParams {
        touch_level: TouchLevel::Event,
        ..uncensored()
    };
    let (j, _) = build_with(events, None, &events_level);
    assert_eq!(j.touch_count(), 3);
}

#[test]
fn touch_exactly_at_the_lookback_boundary_is_inside() {
    // Conversion on Jan 31 at noon, 30-day lookback: a touch exactly 30 days before
    // (Jan 1, noon) is inside (inclusive); one a second earlier is outside. (Event-level
    // touches: as one session the two would share the session's start time.)
    let events = "timestamp,user_id,event,channel\n\
        2026-01-01T11:59:59Z,u,touch,display\n\
        2026-01-01T12:00:00Z,u,touch,email\n\
        2026-01-31T12:00:00Z,u,conversion,\n";
    let s = expect(
        events,
        None,
        &JourneyParams {
            touch_level: TouchLevel::Event,
            ..uncensored()
        },
        "u:1,u,1,0,2026-01-31T12:00:00Z,2026-01-01T12:00:00Z,email,\n",
    );
    assert_eq!(s.windows.touch_events_outside_window, 1);
}

#[test]
fn two_conversions_make_two_journeys_and_a_touch_at_the_conversion_instant_belongs_to_it() {
    let events = "timestamp,user_id,event,channel,value\n\
        2026-01-01T09:00:00Z,u,touch,search,\n\
        2026-01-02T09:00:00Z,u,touch,email,\n\
        2026-01-02T09:00:00Z,u,conversion,,50\n\
        2026-01-10T09:00:00Z,u,touch,display,\n\
        2026-01-11T09:00:00Z,u,conversion,,70\n";
    expect(
        events,
        None,
        &uncensored(),
        "u:1,u,1,50,2026-01-02T09:00:00Z,2026-01-01T09:00:00Z,search,\n\
         u:1,u,1,50,2026-01-02T09:00:00Z,2026-01-02T09:00:00Z,email,\n\
         u:2,u,1,70,2026-01-11T09:00:00Z,2026-01-10T09:00:00Z,display,\n",
    );
}

#[test]
fn a_touch_after_the_conversion_never_belongs_to_it() {
    let events = "timestamp,user_id,event,channel\n\
        2026-01-01T09:00:00Z,u,touch,search\n\
        2026-01-02T09:00:00Z,u,conversion,\n\
        2026-01-02T09:00:01Z,u,touch,email\n";
    expect(
        events,
        None,
        &uncensored(),
        "u:1,u,1,0,2026-01-02T09:00:00Z,2026-01-01T09:00:00Z,search,\n\
         u:2,u,0,,,2026-01-02T09:00:01Z,email,\n",
    );
}

#[test]
fn censoring_at_the_end_of_the_data() {
    // Data end Mar 1 (the last event). 30-day censoring: bob's last touch Feb 10 is 19
    // days before the end and might still convert: censored. carol's (Jan 20, 40 days
    // before) is a non-converting journey. alice's converting journey is never censored.
    let events = "timestamp,user_id,event,channel\n\
        2026-01-20T00:00:00Z,carol,touch,display\n\
        2026-02-10T00:00:00Z,bob,touch,email\n\
        2026-02-28T00:00:00Z,alice,touch,search\n\
        2026-03-01T00:00:00Z,alice,conversion,\n";
    let s = expect(
        events,
        None,
        &JourneyParams::default(),
        "alice:1,alice,1,0,2026-03-01T00:00:00Z,2026-02-28T00:00:00Z,search,\n\
         carol:1,carol,0,,,2026-01-20T00:00:00Z,display,\n",
    );
    assert_eq!(s.windows.censored_journeys, 1);
    assert_eq!(s.windows.touch_events_censored, 1);
    // Exactly at the horizon (data end − last touch = 30 days) is still censored.
    let at_horizon = JourneyParams {
        data_end: Some(pathcredit::time::parse_timestamp("2026-02-19T00:00:00Z").unwrap()),
        ..JourneyParams::default()
    };
    let (j, s) = build_with(events, None, &at_horizon);
    assert_eq!(s.windows.censored_journeys, 2, "{}", journeys_csv(&j));
}

/// Issue 14, item 4: a censoring horizon of zero censors nothing, not even the journey
/// whose last touch is the latest event of the data (`data_end − last = 0`).
#[test]
fn a_zero_censoring_horizon_keeps_the_journey_that_ends_the_data() {
    let events = "timestamp,user_id,event,channel\n\
        2026-02-28T00:00:00Z,alice,touch,search\n\
        2026-03-01T00:00:00Z,alice,conversion,\n\
        2026-03-02T00:00:00Z,bob,touch,email\n";
    let zero = JourneyParams {
        censor: Some(Some(0)),
        ..JourneyParams::default()
    };
    let s = expect(
        events,
        None,
        &zero,
        "alice:1,alice,1,0,2026-03-01T00:00:00Z,2026-02-28T00:00:00Z,search,\n\
         bob:1,bob,0,,,2026-03-02T00:00:00Z,email,\n",
    );
    assert_eq!(s.windows.censored_journeys, 0);
    assert_eq!(s.windows.non_converting_journeys, 1);
}

#[test]
fn unattributable_conversion_is_counted_or_credited_to_a_named_channel() {
    let events = "timestamp,user_id,event,channel\n\
        2026-01-01T00:00:00Z,u,touch,search\n\
        2026-03-01T00:00:00Z,u,conversion,\n";
    let (j, s) = build_with(events, None, &uncensored());
    assert!(j.is_empty());
    assert_eq!(s.windows.conversions_unattributable, 1);
    assert_eq!(s.windows.touch_events_outside_window, 1);
    let named = JourneyParams {
        unattributed_channel: Some("(unattributed)".into()),
        ..uncensored()
    };
    let s = expect(
        events,
        None,
        &named,
        "u:1,u,1,0,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,(unattributed),\n",
    );
    assert_eq!(s.windows.conversions_to_unattributed_channel, 1);
}

#[test]
fn lookback_steps_keep_the_last_touches() {
    let events = "timestamp,user_id,event,channel\n\
        2026-01-01T00:00:00Z,u,touch,a\n\
        2026-01-02T00:00:00Z,u,touch,b\n\
        2026-01-03T00:00:00Z,u,touch,c\n\
        2026-01-04T00:00:00Z,u,conversion,\n";
    let params = JourneyParams {
        lookback_steps: Some(2),
        ..uncensored()
    };
    let s = expect(
        events,
        None,
        &params,
        "u:1,u,1,0,2026-01-04T00:00:00Z,2026-01-02T00:00:00Z,b,\n\
         u:1,u,1,0,2026-01-04T00:00:00Z,2026-01-03T00:00:00Z,c,\n",
    );
    assert_eq!(s.windows.touch_events_beyond_steps, 1);
}

const B2B_EVENTS: &str = "timestamp,user_id,event,channel,value,account_id\n\
    2026-01-01T00:00:00Z,ann,touch,display,,acme\n\
    2026-01-03T00:00:00Z,bo,touch,webinar,,acme\n\
    2026-01-04T00:00:00Z,bo,lead_created,,,acme\n\
    2026-01-06T00:00:00Z,cy,touch,email,,acme\n\
    2026-01-08T00:00:00Z,ann,touch,paid_search,,acme\n\
    2026-01-09T00:00:00Z,cy,opportunity_created,,,acme\n\
    2026-01-12T00:00:00Z,cy,touch,direct,,acme\n\
    2026-01-15T00:00:00Z,ann,closed_won,,9000,acme\n\
    2026-01-02T00:00:00Z,solo,touch,email,,\n";

#[test]
fn account_rollup_of_three_contacts_with_milestones() {
    // ann, bo and cy work at acme: their touches merge into one account journey that
    // closes at the closed_won; lead_created (Jan 4) marks the last touch at or before
    // it (bo's webinar), opportunity_created (Jan 9) marks ann's paid_search, and the
    // closed_won conversion marks the last touch. solo has no account: counted.
    let params = JourneyParams {
        level: JourneyLevel::Account,
        ..uncensored()
    };
    let s = expect(
        B2B_EVENTS,
        None,
        &params,
        "acme:1,acme,1,9000,2026-01-15T00:00:00Z,2026-01-01T00:00:00Z,display,\n\
         acme:1,acme,1,9000,2026-01-15T00:00:00Z,2026-01-03T00:00:00Z,webinar,lead_created\n\
         acme:1,acme,1,9000,2026-01-15T00:00:00Z,2026-01-06T00:00:00Z,email,\n\
         acme:1,acme,1,9000,2026-01-15T00:00:00Z,2026-01-08T00:00:00Z,paid_search,opportunity_created\n\
         acme:1,acme,1,9000,2026-01-15T00:00:00Z,2026-01-12T00:00:00Z,direct,closed_won\n",
    );
    assert_eq!(s.no_account.touch_events, 1);
    assert_eq!(s.windows.milestones_marked, 3);
}

#[test]
fn milestones_from_raw_events_drive_w_shaped_credit() {
    let params = JourneyParams {
        level: JourneyLevel::Account,
        ..uncensored()
    };
    let (j, _) = build_with(B2B_EVENTS, None, &params);
    let credit = models::attribute(
        &[ModelName::WShaped],
        &ModelSettings::default(),
        &Input::Journeys(&j),
    )
    .unwrap();
    let c = |ch: &str| credit[0].get(ch).unwrap().conversions;
    // First touch display 0.3, lead touch webinar 0.3, opportunity touch paid_search
    // 0.3; email and direct share the remaining 0.1.
    assert!((c("display") - 0.3).abs() < 1e-12);
    assert!((c("webinar") - 0.3).abs() < 1e-12);
    assert!((c("paid_search") - 0.3).abs() < 1e-12);
    assert!((c("email") - 0.05).abs() < 1e-12);
    assert!((c("direct") - 0.05).abs() < 1e-12);
}

#[test]
fn shared_device_policy() {
    let events = "timestamp,user_id,event,channel\n\
        2026-01-01T00:00:00Z,family_tablet,touch,display\n\
        2026-01-02T00:00:00Z,amy,conversion,\n\
        2026-01-02T00:00:00Z,ben,touch,email\n";
    let identities = "anonymous_id,user_id\nfamily_tablet,amy\nfamily_tablet,ben\n";
    let (j, s) = build_with(events, Some(identities), &uncensored());
    assert_eq!(s.identities.shared_devices, 1);
    // Kept separate: amy's conversion has no touch of her own.
    assert_eq!(s.windows.conversions_unattributable, 1);
    assert_eq!(j.total_conversions(), 0.0);
    let merge = JourneyParams {
        shared_devices: SharedDevices::Merge,
        ..uncensored()
    };
    let (j, _) = build_with(events, Some(identities), &merge);
    assert_eq!(j.total_conversions(), 1.0);
}

#[test]
fn built_journeys_round_trip_through_the_journeys_file() {
    let params = JourneyParams {
        level: JourneyLevel::Account,
        ..uncensored()
    };
    let (j, _) = build_with(B2B_EVENTS, None, &params);
    let text = journeys_csv(&j);
    let (back, _) = Journeys::read_csv(text.as_bytes(), "j.csv", &ReadOptions::default()).unwrap();
    assert_eq!(back, j);
}

fn events_strategy() -> impl Strategy<Value = Vec<String>> {
    let row = (0u32..5, 0u32..2000, 0u32..10, 0u32..4, 0u32..3).prop_map(
        |(user, minutes, kind, channel, session)| {
            let t = 1_767_225_600 + i64::from(minutes) * 3600;
            let (event, ch) = match kind {
                0 => ("conversion", ""),
                1 => ("lead_created", ""),
                _ => (
                    "touch",
                    ["direct", "email", "search", "display"][channel as usize],
                ),
            };
            let session = if session == 0 {
                String::new()
            } else {
                format!("s{session}")
            };
            format!(
                "{t},u{user},{event},{ch},{session},{}",
                if event == "conversion" { "10" } else { "" }
            )
        },
    );
    prop::collection::vec(row, 1..60)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn shuffling_event_rows_never_changes_the_journeys(rows in events_strategy().prop_shuffle(), seed in any::<u64>()) {
        prop_assume!(rows.iter().any(|r| r.contains("touch") || r.contains("conversion")));
        let header = "timestamp,user_id,event,channel,session_id,value\n";
        let mut shuffled = rows.clone();
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.rotate_left(i as u32).wrapping_mul(2654435761) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        for touch_level in [TouchLevel::Session, TouchLevel::Event] {
            let params = JourneyParams { touch_level, lookback: Some(20 * DAY), ..JourneyParams::default() };
            let (a, sa) = build_with(&format!("{header}{}\n", rows.join("\n")), None, &params);
            let (b, sb) = build_with(&format!("{header}{}\n", shuffled.join("\n")), None, &params);
            prop_assert_eq!(journeys_csv(&a), journeys_csv(&b));
            prop_assert_eq!(sa.windows, sb.windows);
        }
    }

    /// Timelines are cut a range of persons per core; the journeys and every count are
    /// the same on any number of cores.
    #[test]
    fn journeys_are_the_same_on_any_number_of_cores(rows in events_strategy()) {
        prop_assume!(rows.iter().any(|r| r.contains("touch") || r.contains("conversion")));
        let text = format!("timestamp,user_id,event,channel,session_id,value\n{}\n", rows.join("\n"));
        let params = JourneyParams { lookback: Some(20 * DAY), ..JourneyParams::default() };
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| build_with(&text, None, &params))
        };
        let (one, one_summary) = on(1);
        for threads in [2, 3, 7] {
            let (many, many_summary) = on(threads);
            prop_assert_eq!(journeys_csv(&many), journeys_csv(&one));
            prop_assert_eq!(&many_summary, &one_summary);
        }
    }
}

#[test]
fn events_to_credit_end_to_end_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let events = write_file(
        dir.path(),
        "events.csv",
        "timestamp,user_id,event,channel,value\n\
         2026-01-01T10:00:00Z,cookie_a,touch,display,\n\
         2026-01-03T09:00:00Z,phone_b,touch,paid_search,\n\
         2026-01-03T09:10:00Z,alice,conversion,,120\n\
         2026-01-05T12:00:00Z,bob,touch,email,\n\
         2026-01-09T12:00:00Z,bob,conversion,,30\n",
    );
    let ids = write_file(
        dir.path(),
        "identities.csv",
        "anonymous_id,user_id\ncookie_a,alice\nphone_b,alice\n",
    );
    let summary = dir.path().join("summary.json");
    let out = pathcredit()
        .args([
            "attribute",
            "--model",
            "linear,last_touch",
            "--lookback-days",
            "30",
            "--events",
        ])
        .arg(&events)
        .arg("--identities")
        .arg(&ids)
        .arg("--summary-out")
        .arg(&summary)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8(out.get_output().stdout.clone()).unwrap(),
        "model,channel,conversions,value,share\n\
         last_touch,display,0.000000,0.000000,0.000000\n\
         last_touch,email,1.000000,30.000000,0.500000\n\
         last_touch,paid_search,1.000000,120.000000,0.500000\n\
         linear,display,0.500000,60.000000,0.250000\n\
         linear,email,1.000000,30.000000,0.500000\n\
         linear,paid_search,0.500000,60.000000,0.250000\n"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(summary).unwrap()).unwrap();
    assert_eq!(summary["events"]["touches"], 3);
    assert_eq!(summary["identities"]["ids_stitched"], 2);
    assert_eq!(summary["windows"]["converting_journeys"], 2);
}

#[test]
fn journeys_command_writes_journeys_paths_and_identities() {
    let dir = tempfile::tempdir().unwrap();
    let events = write_file(
        dir.path(),
        "events.csv",
        "timestamp,user_id,event,channel\n\
         2026-01-01T10:00:00Z,u1,touch,email\n\
         2026-01-01T12:00:00Z,u1,touch,email\n\
         2026-01-02T10:00:00Z,u1,touch,search\n\
         2026-01-02T11:00:00Z,u1,conversion,\n\
         2026-01-01T10:00:00Z,u2,touch,search\n",
    );
    let (j, p, i) = (
        dir.path().join("j.csv"),
        dir.path().join("p.csv"),
        dir.path().join("i.csv"),
    );
    pathcredit()
        .args([
            "journeys",
            "--censor-days",
            "none",
            "--transform",
            "exposure",
            "--events",
        ])
        .arg(&events)
        .arg("--journeys-out")
        .arg(&j)
        .arg("--paths-out")
        .arg(&p)
        .arg("--identities-out")
        .arg(&i)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&j).unwrap().lines().count(), 5);
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        "path,total_conversions,total_conversion_value,total_null\n\
         email > search,1,0,0\nsearch,0,0,1\n"
    );
    assert_eq!(
        std::fs::read_to_string(&i).unwrap(),
        "id,person_id,resolution\nu1,u1,own\nu2,u2,own\n"
    );
}

/// An identity row linking an id to itself links nothing: it is counted and ignored, and
/// the id's real link stands (it used to make `a1` a "shared device" and cut it from U1).
#[test]
fn a_self_edge_does_not_break_a_real_link() {
    let events = "timestamp,user_id,event,channel\n\
        2026-01-01T10:00:00Z,a1,touch,display\n\
        2026-01-02T10:00:00Z,a2,touch,email\n\
        2026-01-03T10:00:00Z,U1,conversion,\n";
    let ids = "anonymous_id,user_id\na1,U1\na2,U1\na1,a1\n";
    let (j, summary) = build_with(events, Some(ids), &uncensored());
    assert_eq!(summary.identities.self_edges, 1);
    assert_eq!(summary.identities.shared_devices, 0);
    assert_eq!(summary.identities.edges, 2);
    let csv = journeys_csv(&j);
    // One converting journey of U1 holding both devices' touches.
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("U1:1,")).count(),
        2,
        "{csv}"
    );
}

/// Events with campaigns and contents (some blank) at a handful of instants, so touches
/// tie on time and are ordered by their names.
fn tied_events_strategy() -> impl Strategy<Value = Vec<String>> {
    let row = (0u32..4, 0u32..6, 0u32..8, 0u32..4, 0u32..3, 0u32..3).prop_map(
        |(user, hour, kind, channel, campaign, content)| {
            let t = 1_767_225_600 + i64::from(hour) * 3600;
            let event = if kind == 0 { "conversion" } else { "touch" };
            let ch = ["zeta", "direct", "alpha", "Email"][channel as usize];
            let campaign = ["", "b", "a"][campaign as usize];
            let content = ["", "y", "x"][content as usize];
            format!("{t},u{user},{event},{ch},{campaign},{content}")
        },
    );
    prop::collection::vec(row, 1..50)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The path-only build (`build_paths`) equals the path summary of the built journeys
    /// when touches tie on time and their order comes from channel, campaign and content
    /// names — including the blank campaign and an unattributed channel, both named
    /// after the events are read.
    #[test]
    fn path_only_build_equals_the_journeys_path_summary(
        rows in tied_events_strategy(),
        event_level in any::<bool>(),
        steps in prop::option::of(1usize..3),
        unattributed in prop::option::of(prop::sample::select(vec!["(none)", "aaa", "zzz"])),
    ) {
        prop_assume!(rows.iter().any(|r| r.contains("touch") || r.contains("conversion")));
        let text = format!("timestamp,user_id,event,channel,campaign,content\n{}\n", rows.join("\n"));
        let params = JourneyParams {
            touch_level: if event_level { TouchLevel::Event } else { TouchLevel::Session },
            lookback: Some(3 * 3600 * 1000),
            lookback_steps: steps,
            unattributed_channel: unattributed.map(str::to_string),
            censor: Some(None),
            ..JourneyParams::default()
        };
        // `build_with` asserts the equality.
        build_with(&text, None, &params);
    }
}

/// Rows whose label fields (event name, channel, campaign, content) repeat a few
/// spellings: spaces around names, an ignored name, a milestone, blank campaigns; now and
/// then a bad one (an empty event name, a touch without a channel, a NUL byte).
fn label_rows_strategy() -> impl Strategy<Value = Vec<[String; 7]>> {
    let row = (
        0u32..5,
        0u32..6,
        0usize..60,
        0usize..40,
        0usize..40,
        0usize..3,
    )
        .prop_map(|(user, hour, event, channel, campaign, content)| {
            let t = 1_767_225_600 + i64::from(hour) * 3600;
            let pick = |names: &[&'static str], i: usize, bad: &'static str| {
                if i == 0 { bad } else { names[i % names.len()] }
            };
            let event = pick(
                &["touch", " touch", "conversion", "page_view", "lead_created"],
                event,
                "",
            );
            let channel = pick(
                &["email", " email", "email ", "search", "Direct"],
                channel,
                "",
            );
            let campaign = pick(&["", "a", " a"], campaign, "b\u{0}");
            let content = ["", "x", "x "][content];
            let value = if event == "conversion" { "2.5" } else { "" };
            [
                t.to_string(),
                format!("u{user}"),
                event.to_string(),
                channel.to_string(),
                campaign.to_string(),
                content.to_string(),
                value.to_string(),
            ]
        });
    prop::collection::vec(row, 1..300)
}

/// The journeys and summary `build_journeys` makes of `text`, or its error.
fn built_or_error(text: &str, skip: bool) -> String {
    let params = JourneyParams {
        read: ReadOptions::default().skip_bad_rows(skip),
        censor: Some(None),
        ..JourneyParams::default()
    };
    match build_journeys(&mut text.as_bytes(), "events.csv", None, &params) {
        Ok(built) => format!("{}{:?}", journeys_csv(&built.journeys), built.summary),
        Err(e) => format!("error: {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Plain lines remember the labels read from each span of the label columns; the
    /// journeys, counts, skipped rows and errors are those of reading every field of
    /// every row, as the one-thread reader of a quoted file does, with the label columns
    /// side by side or apart, with or without bad rows, skipped or not.
    #[test]
    fn labels_remembered_by_span_read_as_every_row_read_in_full(
        rows in label_rows_strategy(),
        apart in any::<bool>(),
        skip in any::<bool>(),
        with_bad in any::<bool>(),
    ) {
        let is_bad = |r: &[String; 7]| {
            r[2].is_empty() || (r[2].trim() == "touch" && r[3].is_empty()) || r[4].contains('\0')
        };
        let rows: Vec<_> = rows.into_iter().filter(|r| with_bad || !is_bad(r)).collect();
        prop_assume!(!rows.is_empty());
        let names = ["timestamp", "user_id", "event", "channel", "campaign", "content", "value"];
        // Apart: the user id between the event name and the channel.
        let order: [usize; 7] = if apart { [0, 2, 1, 3, 4, 5, 6] } else { [0, 1, 2, 3, 4, 5, 6] };
        let line = |fields: [&str; 7]| order.map(|i| fields[i]).join(",");
        let body: String = rows
            .iter()
            .map(|r| line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]]) + "\n")
            .collect();
        let header = line(names);
        let plain = built_or_error(&format!("{header}\n{body}"), skip);
        let quoted = built_or_error(&format!("\"{header}\n{body}").replacen(',', "\",", 1), skip);
        prop_assert_eq!(plain, quoted);
    }
}

/// Labels unique to nearly every row (a content id per touch) fill the memory of spans
/// long before a part ends; the rows past it are read in full, to the same journeys.
#[test]
fn labels_past_the_remembered_spans_read_as_every_row_read_in_full() {
    let header = "timestamp,user_id,event,channel,campaign,content,value";
    let body: String = (0..6000)
        .map(|i| {
            let t = 1_767_225_600 + (i % 50) * 3600;
            let event = if i % 7 == 0 { "conversion" } else { "touch" };
            let content = if i % 3 == 0 {
                String::new()
            } else {
                format!("c{i}")
            };
            format!(
                "{t},u{},{event},ch{},cmp{},{content},\n",
                i % 40,
                i % 5,
                i % 2
            )
        })
        .collect();
    let plain = built_or_error(&format!("{header}\n{body}"), false);
    let quoted = built_or_error(
        &format!("\"{header}\n{body}").replacen(',', "\",", 1),
        false,
    );
    assert!(!plain.starts_with("error"), "{plain}");
    assert_eq!(plain, quoted);
}
