//! In-memory tables (Arrow's layout, as the Python package hands DataFrames over) are
//! read by the same rules as CSV files: the same journeys and credit from the same
//! data, typed columns (timestamps, floats, integers, dictionaries) read as their CSV
//! text would be, and errors that name the table's row (0-based) and column.

use pathcredit::PathTable;
use pathcredit::csv_input::table::{Batch, Bitmap, Column, Floats, Ints, Offsets, TimeUnit};
use pathcredit::csv_input::{Records, Table};
use pathcredit::journeys::{JourneyParams, PathReadOptions, build_journeys_from};

/// Text column buffers (Arrow `utf8`), nulls where `None`.
struct Text {
    offsets: Vec<i32>,
    data: Vec<u8>,
    valid: Vec<u8>,
    has_null: bool,
}

impl Text {
    fn new(values: &[Option<&str>]) -> Self {
        let mut t = Text {
            offsets: vec![0],
            data: Vec::new(),
            valid: vec![0; values.len().div_ceil(8)],
            has_null: false,
        };
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(s) => {
                    t.data.extend_from_slice(s.as_bytes());
                    t.valid[i / 8] |= 1 << (i % 8);
                }
                None => t.has_null = true,
            }
            t.offsets.push(t.data.len() as i32);
        }
        t
    }

    fn column(&self) -> Column<'_> {
        Column::Text {
            offsets: Offsets::I32(&self.offsets),
            data: &self.data,
            valid: self.has_null.then_some(Bitmap {
                bits: &self.valid,
                offset: 0,
            }),
        }
    }
}

fn table<'a>(names: &[&str], rows: usize, columns: Vec<Column<'a>>) -> Records<'a> {
    let mut t = Table::new(names.iter().map(|s| s.to_string()).collect());
    t.push(Batch { rows, columns });
    Records::Table(t)
}

const EVENTS_CSV: &str = "timestamp,user_id,event,channel,value\n\
    2026-01-01T00:00:00Z,u1,touch,email,\n\
    2026-01-01T06:00:00Z,u1,touch,search,\n\
    2026-01-02T00:00:00Z,u1,conversion,,12.5\n\
    2026-01-03T00:00:00Z,u2,touch,display,\n";

fn built_paths_csv() -> String {
    let mut events = EVENTS_CSV.as_bytes();
    let params = JourneyParams {
        censor: Some(None),
        ..JourneyParams::default()
    };
    let built =
        pathcredit::journeys::build_journeys(&mut events, "events.csv", None, &params).unwrap();
    let mut out = Vec::new();
    built.journeys.path_table().write_csv(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn events_as_a_table_with_typed_columns_build_the_same_journeys() {
    let secs = [
        1_767_225_600i64,
        1_767_247_200,
        1_767_312_000,
        1_767_398_400,
    ];
    let users = Text::new(&[Some("u1"), Some("u1"), Some("u1"), Some("u2")]);
    // The event names dictionary-encoded (a pandas categorical).
    let names = Text::new(&[Some("touch"), Some("conversion")]);
    let keys = [0i8, 0, 1, 0];
    let channels = Text::new(&[Some("email"), Some("search"), None, Some("display")]);
    let values = [f64::NAN, f64::NAN, 12.5, f64::NAN];
    let records = table(
        &["timestamp", "user_id", "event", "channel", "value"],
        4,
        vec![
            Column::Time {
                values: &secs,
                unit: TimeUnit::Second,
                valid: None,
            },
            users.column(),
            Column::Dictionary {
                keys: Ints::I8(&keys),
                values: Box::new(names.column()),
                valid: None,
            },
            channels.column(),
            Column::Float {
                values: Floats::F64(&values),
                valid: None,
            },
        ],
    );
    let params = JourneyParams {
        censor: Some(None),
        ..JourneyParams::default()
    };
    let built = build_journeys_from(records, "events (DataFrame)", None, &params).unwrap();
    let mut out = Vec::new();
    built.journeys.path_table().write_csv(&mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), built_paths_csv());
    assert_eq!(built.summary.events.conversions, 1);
}

#[test]
fn integer_epochs_read_as_in_a_csv_file() {
    // Milliseconds as integers, as `2026-...` would be in the CSV file.
    let ms = [
        1_767_225_600_000i64,
        1_767_247_200_000,
        1_767_312_000_000,
        1_767_398_400_000,
    ];
    let users = Text::new(&[Some("u1"), Some("u1"), Some("u1"), Some("u2")]);
    let events = Text::new(&[
        Some("touch"),
        Some("touch"),
        Some("conversion"),
        Some("touch"),
    ]);
    let channels = Text::new(&[Some("email"), Some("search"), Some(""), Some("display")]);
    let values = Text::new(&[None, None, Some("12.5"), None]);
    let records = table(
        &["timestamp", "user_id", "event", "channel", "value"],
        4,
        vec![
            Column::Int {
                values: Ints::I64(&ms),
                valid: None,
            },
            users.column(),
            events.column(),
            channels.column(),
            values.column(),
        ],
    );
    let params = JourneyParams {
        censor: Some(None),
        ..JourneyParams::default()
    };
    let built = build_journeys_from(records, "events", None, &params).unwrap();
    let mut out = Vec::new();
    built.journeys.path_table().write_csv(&mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), built_paths_csv());
}

#[test]
fn a_bad_value_in_a_table_names_its_row_and_column() {
    let paths = Text::new(&[Some("a > b"), Some("b")]);
    let conversions = [1.0f64, -2.0];
    let records = table(
        &["path", "total_conversions"],
        2,
        vec![
            paths.column(),
            Column::Float {
                values: Floats::F64(&conversions),
                valid: None,
            },
        ],
    );
    let err = PathTable::read_records(records, "paths (DataFrame)", &PathReadOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "paths (DataFrame): row 1, column 2 (total_conversions): `-2` is negative; expected a non-negative number"
    );
    let paths = Text::new(&[Some("a > b"), Some("b\0c")]);
    let ones = [1i64, 1];
    let records = table(
        &["path", "total_conversions"],
        2,
        vec![
            paths.column(),
            Column::Int {
                values: Ints::I64(&ones),
                valid: None,
            },
        ],
    );
    let err = PathTable::read_records(records, "paths", &PathReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("paths: row 1, column 1 (path): contains a NUL byte"),
        "{err}"
    );
}

#[test]
fn malformed_column_data_are_refused_before_reading() {
    let offsets = [0i32, 5];
    let records = table(
        &["path", "total_conversions"],
        1,
        vec![
            Column::Text {
                offsets: Offsets::I32(&offsets),
                data: b"ab",
                valid: None,
            },
            Column::Null,
        ],
    );
    let err = PathTable::read_records(records, "paths", &PathReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("column 1 (path): the column's data are malformed"),
        "{err}"
    );
}

/// What a build found, with the counts a table and a CSV file of the same rows share
/// (skipped rows' examples name a row in one and a line in the other).
fn built_or_failed(records: Records<'_>, skip: bool) -> String {
    let params = JourneyParams {
        censor: Some(None),
        read: pathcredit::ReadOptions::default().skip_bad_rows(skip),
        ..JourneyParams::default()
    };
    match build_journeys_from(records, "events", None, &params) {
        Ok(built) => {
            let mut out = Vec::new();
            built.journeys.write_csv(&mut out).unwrap();
            let s = &built.summary;
            let f = &s.events_file;
            format!(
                "{}{:?} {:?} {} {} {:?}",
                String::from_utf8(out).unwrap(),
                s.events,
                s.windows,
                f.rows_read,
                f.rows_skipped,
                f.skipped_by_reason
            )
        }
        Err(_) => "failed".to_string(),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Table rows remember their label cells' labels as CSV lines remember their spans:
    /// the same journeys and counts as the CSV file of the same rows, with nulls and
    /// blanks, names with spaces, ignored names, the event column dictionary-encoded or
    /// not, and now and then a bad row (skipped or failing both ways).
    #[test]
    fn table_labels_remembered_by_cells_read_as_the_csv_file(
        rows in proptest::collection::vec(
            (0u32..5, 0i64..6, 0usize..40, 0usize..30, 0usize..4, 0usize..3), 1..200),
        dictionary in proptest::bool::ANY,
        skip in proptest::bool::ANY,
    ) {
        let event_names = ["", "touch", " touch", "conversion", "page_view", "lead_created"];
        let pick = |names: &[&'static str], i: usize| if i == 0 { names[0] } else { names[1 + i % (names.len() - 1)] };
        let channel_names = ["", "email", " email", "search", "Direct"];
        let campaign_names = [None, Some(""), Some("a"), Some(" a")];
        let content_names = [None, Some("x"), Some("x ")];
        let secs: Vec<i64> = rows.iter().map(|r| 1_767_225_600 + r.1 * 3600).collect();
        let users: Vec<String> = rows.iter().map(|r| format!("u{}", r.0)).collect();
        let events: Vec<&str> = rows.iter().map(|r| pick(&event_names, r.2)).collect();
        let channels: Vec<&str> = rows.iter().map(|r| pick(&channel_names, r.3)).collect();
        let campaigns: Vec<Option<&str>> = rows.iter().map(|r| campaign_names[r.4]).collect();
        let contents: Vec<Option<&str>> = rows.iter().map(|r| content_names[r.5]).collect();
        let mut csv = "timestamp,user_id,event,channel,campaign,content\n".to_string();
        for i in 0..rows.len() {
            csv.push_str(&format!(
                "{},{},{},{},{},{}\n",
                secs[i], users[i], events[i], channels[i],
                campaigns[i].unwrap_or(""), contents[i].unwrap_or("")
            ));
        }
        let user_col = Text::new(&users.iter().map(|u| Some(u.as_str())).collect::<Vec<_>>());
        let event_col = Text::new(&events.iter().map(|&e| Some(e)).collect::<Vec<_>>());
        let distinct = Text::new(&event_names.iter().map(|&e| Some(e)).collect::<Vec<_>>());
        let keys: Vec<i8> = events
            .iter()
            .map(|e| event_names.iter().position(|n| n == e).unwrap() as i8)
            .collect();
        let channel_col = Text::new(&channels.iter().map(|&c| Some(c)).collect::<Vec<_>>());
        let campaign_col = Text::new(&campaigns);
        let content_col = Text::new(&contents);
        let events_column = if dictionary {
            Column::Dictionary { keys: Ints::I8(&keys), values: Box::new(distinct.column()), valid: None }
        } else {
            event_col.column()
        };
        let records = table(
            &["timestamp", "user_id", "event", "channel", "campaign", "content"],
            rows.len(),
            vec![
                Column::Time { values: &secs, unit: TimeUnit::Second, valid: None },
                user_col.column(),
                events_column,
                channel_col.column(),
                campaign_col.column(),
                content_col.column(),
            ],
        );
        let from_table = built_or_failed(records, skip);
        let from_csv = built_or_failed(Records::csv(csv.as_bytes()), skip);
        proptest::prop_assert_eq!(from_table, from_csv);
    }
}
