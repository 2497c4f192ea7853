//! Fuzzing the readers on stable Rust (issue 14): every reader is fed arbitrary bytes
//! and structured mutations of a valid file (a field duplicated, the file truncated, a
//! quote inserted, a row widened, a number overflowed, a NUL or invalid byte, CRLF and
//! blank lines). Each must return data or an error that names the input (and, for a bad
//! value, a line), never panic, and never hang. CI pins the seed (`PROPTEST_RNG_SEED`).

use std::time::{Duration, Instant};

use pathcredit::csv_input::ReadOptions;
use pathcredit::journeys::{JourneyParams, PathReadOptions, build_journeys};
use pathcredit::{Error, Journeys, PathTable};
use proptest::prelude::*;

/// A reader and a valid input for it.
struct Reader {
    name: &'static str,
    valid: &'static str,
    read: fn(&[u8]) -> Result<(), Error>,
}

const EVENTS: &str = "timestamp,user_id,event,channel,campaign,value,session_id\n\
    2026-01-01T00:00:00Z,u1,touch,email,spring,,s1\n\
    2026-01-01T00:10:00Z,u1,touch,search,,,s1\n\
    2026-01-02T00:00:00Z,u1,conversion,,,10.5,\n\
    1767225600000,u2,touch,display,,,\n";

fn readers() -> Vec<Reader> {
    vec![
        Reader {
            name: "paths.csv",
            valid: "path,total_conversions,total_conversion_value,total_null\n\
                    a > b,1,10,2\n\"b > c\",0.5,,3\nc,2,20,0\n",
            read: |b| PathTable::read_csv(b, "paths.csv", &PathReadOptions::default()).map(drop),
        },
        Reader {
            name: "journeys.csv",
            valid: "journey_id,user_id,converted,conversion_value,conversion_time,touch_time,channel,milestone\n\
                    j1,u1,1,10,2026-01-02T00:00:00Z,2026-01-01T00:00:00Z,email,\n\
                    j1,u1,1,10,2026-01-02T00:00:00Z,2026-01-01T12:00:00Z,search,lead_created\n\
                    j2,u2,0,,,2026-01-03T00:00:00Z,display,\n",
            read: |b| Journeys::read_csv(b, "journeys.csv", &ReadOptions::default()).map(drop),
        },
        Reader {
            name: "events.csv",
            valid: EVENTS,
            read: |mut b| {
                let params = JourneyParams {
                    censor: Some(None),
                    ..JourneyParams::default()
                };
                build_journeys(&mut b, "events.csv", None, &params).map(drop)
            },
        },
        Reader {
            name: "identities.csv",
            valid: "anonymous_id,user_id\na1,U1\na2,U1\nu2,U2\n",
            read: |mut b| {
                let mut events = EVENTS.as_bytes();
                build_journeys(
                    &mut events,
                    "events.csv",
                    Some((&mut b, "identities.csv")),
                    &JourneyParams::default(),
                )
                .map(drop)
            },
        },
        Reader {
            name: "spend.csv",
            valid: "channel,spend,period\nemail,10,2026-01\nsearch,312.50,2026-01\n",
            read: |b| {
                pathcredit::decide::read_spend(
                    b,
                    "spend.csv",
                    "channel",
                    None,
                    &ReadOptions::default(),
                )
                .map(drop)
            },
        },
        Reader {
            name: "credit_series.csv",
            valid: "channel,period,conversions,value\na,2026-01-05,1,10\nb,2026-01-05,0,0\n\
                    a,2026-01-12,2.5,20\nb,2026-01-12,1,\"3\"\n",
            read: |b| {
                let spend = pathcredit::decide::read_spend_series(
                    pathcredit::csv_input::Records::csv(
                        "channel,period,spend\na,2026-01-05,1\na,2026-01-12,2\n".as_bytes(),
                    ),
                    "spend.csv",
                    "channel",
                    &ReadOptions::default(),
                )?;
                pathcredit::decide::read_credit_series(
                    pathcredit::csv_input::Records::csv(b),
                    "credit_series.csv",
                    &spend,
                    &ReadOptions::default(),
                )
                .map(drop)
            },
        },
        Reader {
            name: "credit.csv",
            valid: "model,channel,conversions,value,share,conversions_lo,conversions_hi\n\
                    linear,a,1,10,0.5,0.5,1.5\nlinear,b,1,10,0.5,,\n",
            read: |b| pathcredit::report::read_credits(b, "credit.csv").map(drop),
        },
        Reader {
            name: "report.csv",
            valid: "channel,conversions,value\nemail,3,30\nsearch,1,\n",
            read: |b| {
                pathcredit::decide::read_report(b, "report.csv", &ReadOptions::default()).map(drop)
            },
        },
        Reader {
            name: "truth.csv",
            valid: "channel,role,shapley_share,incremental_share\nemail,direct,0.6,0.5\nsearch,placebo,0.4,0.5\n",
            read: |b| {
                pathcredit::evaluate::truth::read_truth(
                    b,
                    "truth.csv",
                    pathcredit::evaluate::truth::TruthColumn::Shapley,
                )
                .map(drop)
            },
        },
        Reader {
            name: "lift.csv",
            valid: "channel,incremental_conversions,se\nemail,12,3\nsearch,-1.5,2\n",
            read: |b| {
                pathcredit::models::self_controlled::read_lift_tests(
                    b,
                    "lift.csv",
                    &ReadOptions::default(),
                )
                .map(drop)
            },
        },
    ]
}

/// Runs one reader on `bytes`: data, or an error that says where.
fn check(reader: &Reader, bytes: &[u8]) -> Result<(), TestCaseError> {
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(|| (reader.read)(bytes));
    let elapsed = start.elapsed();
    prop_assert!(
        elapsed < Duration::from_secs(10),
        "{} took {elapsed:?} on {} bytes",
        reader.name,
        bytes.len()
    );
    let Ok(result) = outcome else {
        return Err(TestCaseError::fail(format!(
            "{} panicked on {:?}",
            reader.name,
            String::from_utf8_lossy(bytes)
        )));
    };
    if let Err(err) = result {
        let message = err.to_string();
        let named = message.contains(reader.name)
            || message.contains("events.csv")
            || matches!(err, Error::InvalidParameter { .. });
        prop_assert!(
            named,
            "{}: the error names no input: {message}",
            reader.name
        );
        if let Some(location) = err.location() {
            prop_assert!(
                location.line >= 1 || location.column_name.is_some(),
                "{}: a bad value without a line: {message}",
                reader.name
            );
        }
        prop_assert!(
            message.len() < 2_000,
            "{}: a {}-byte message",
            reader.name,
            message.len()
        );
    }
    Ok(())
}

/// One structured mutation of a valid file.
#[derive(Clone, Debug)]
pub(crate) enum Mutation {
    Truncate(usize),
    InsertByte(usize, u8),
    DuplicateField(usize),
    WidenRow(usize),
    Overflow(usize),
    Quote(usize),
    Crlf,
    BlankLines(usize),
    ReplaceNumber(usize, String),
}

/// A random [`Mutation`].
pub(crate) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                Just(0u8),
                Just(0xffu8),
                Just(b'"'),
                Just(b','),
                Just(b'\n'),
                Just(b'\r'),
                any::<u8>()
            ]
        )
            .prop_map(|(at, b)| Mutation::InsertByte(at, b)),
        any::<usize>().prop_map(Mutation::DuplicateField),
        any::<usize>().prop_map(Mutation::WidenRow),
        any::<usize>().prop_map(Mutation::Overflow),
        any::<usize>().prop_map(Mutation::Quote),
        Just(Mutation::Crlf),
        any::<usize>().prop_map(Mutation::BlankLines),
        (
            any::<usize>(),
            prop_oneof![
                Just("-1".to_string()),
                Just("NaN".to_string()),
                Just("inf".to_string()),
                Just("1e400".to_string()),
                Just("1,000".to_string()),
                Just("".to_string()),
                Just("1767348000000000".to_string()),
                "[0-9.eE+-]{0,12}",
            ]
        )
            .prop_map(|(at, s)| Mutation::ReplaceNumber(at, s)),
    ]
}

/// The byte offsets where fields start.
fn field_starts(text: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    for (i, &b) in text.iter().enumerate() {
        if (b == b',' || b == b'\n') && i + 1 < text.len() {
            starts.push(i + 1);
        }
    }
    starts
}

/// The offset of the end of some line (the end of the input when it has no line break).
fn line_end(bytes: &[u8], i: usize) -> usize {
    let ends: Vec<usize> = (0..bytes.len()).filter(|&j| bytes[j] == b'\n').collect();
    if ends.is_empty() {
        bytes.len()
    } else {
        ends[i % ends.len()]
    }
}

/// `valid` with the mutation `m` applied.
pub(crate) fn apply(valid: &str, m: &Mutation) -> Vec<u8> {
    let mut bytes = valid.as_bytes().to_vec();
    let starts = field_starts(&bytes);
    let pick = |i: usize| starts[i % starts.len()];
    let field_end = |bytes: &[u8], at: usize| {
        at + bytes[at..]
            .iter()
            .position(|&b| b == b',' || b == b'\n')
            .unwrap_or(bytes.len() - at)
    };
    match m {
        Mutation::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
        Mutation::InsertByte(at, b) => bytes.insert(at % (bytes.len() + 1), *b),
        Mutation::DuplicateField(i) => {
            let at = pick(*i);
            let end = field_end(&bytes, at);
            let field: Vec<u8> = bytes[at..end].to_vec();
            let mut insert = field;
            insert.push(b',');
            bytes.splice(at..at, insert);
        }
        Mutation::WidenRow(i) => {
            let at = line_end(&bytes, *i);
            bytes.splice(at..at, b",extra".iter().copied());
        }
        Mutation::Overflow(i) | Mutation::ReplaceNumber(i, _) => {
            let at = pick(*i);
            let end = field_end(&bytes, at);
            let with = match m {
                Mutation::ReplaceNumber(_, s) => s.clone().into_bytes(),
                _ => b"1.7e308".to_vec(),
            };
            bytes.splice(at..end, with);
        }
        Mutation::Quote(i) => {
            let at = pick(*i);
            bytes.insert(at, b'"');
        }
        Mutation::Crlf => {
            bytes = String::from_utf8(bytes)
                .unwrap()
                .replace('\n', "\r\n")
                .into_bytes();
        }
        Mutation::BlankLines(i) => {
            let at = line_end(&bytes, *i);
            bytes.splice(at..at, b"\n\n".iter().copied());
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_valid_files_give_data_or_a_located_error(
        reader in 0usize..9,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let readers = readers();
        let r = &readers[reader];
        let mut text = r.valid.to_string();
        let mut bytes = Vec::new();
        for m in &mutations {
            bytes = apply(&text, m);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        check(r, &bytes)?;
    }

    #[test]
    fn arbitrary_bytes_give_data_or_a_located_error(
        reader in 0usize..9,
        with_header in any::<bool>(),
        body in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let readers = readers();
        let r = &readers[reader];
        let mut bytes = Vec::new();
        if with_header {
            bytes.extend_from_slice(r.valid.lines().next().unwrap().as_bytes());
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(&body);
        check(r, &bytes)?;
    }
}

/// The valid inputs are valid: the fuzzing starts from files every reader accepts.
#[test]
fn the_seed_files_are_read() {
    for r in readers() {
        (r.read)(r.valid.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", r.name));
    }
}
