//! Fuzzing the inputs beyond the path, journey and event readers (issue 31): transition
//! counts, coalitions, spend, lift tests and truth files, each mutated as
//! [`fuzz_readers`](crate::fuzz_readers) mutates a valid file and taken through the
//! library's public entry point that consumes it (a whole run, a budget plan, a
//! calibrated run, an evaluation), not only its reader. Each must give a result or an
//! error that names the input (with a line or a column where it locates a value), never
//! panic and never hang. The texts of the errors are not pinned: the checks of these
//! files grow.

use std::time::{Duration, Instant};

use pathcredit::csv_input::{ReadOptions, Records};
use pathcredit::decide::{BudgetParams, Plan, read_spend};
use pathcredit::evaluate::truth::{self, TruthColumn};
use pathcredit::models::self_controlled::read_lift_tests;
use pathcredit::run::Source;
use pathcredit::{Error, ModelName, ModelSettings, PathReadOptions, RunSpec};
use proptest::prelude::*;

use crate::fuzz_readers::{apply, mutation};

const PATHS: &str = "path,total_conversions,total_conversion_value,total_null\n\
    email > search,3,30,2\nsearch,1,10,4\ndisplay > email,2,25,3\n";

const CREDIT: &str = "model,channel,conversions,value,share\n\
    linear,email,3,30,0.5\nlinear,search,2,20,0.333333\nlinear,display,1,15,0.166667\n\
    markov,email,2,20,0.333333\nmarkov,search,3,30,0.5\nmarkov,display,1,15,0.166667\n";

/// An input and the entry point that consumes it.
struct Input {
    name: &'static str,
    valid: &'static str,
    consume: fn(&[u8]) -> Result<(), Error>,
}

fn credit() -> Vec<pathcredit::Credit> {
    pathcredit::report::read_credits(CREDIT.as_bytes(), "credit.csv").unwrap()
}

fn inputs() -> Vec<Input> {
    vec![
        Input {
            name: "transitions.csv",
            valid: "from_state,to_state,count,value\n(start),email,5,\nemail,search,3,\n\
                    search,(conversion),3,30\nemail,(null),2,\n",
            consume: |b| {
                let spec = RunSpec::new(Source::TransitionsRecords {
                    records: Records::csv(b),
                    name: "transitions.csv".into(),
                })
                .models([ModelName::Markov]);
                pathcredit::run(spec).map(drop)
            },
        },
        Input {
            name: "coalitions.csv",
            valid: "channels,total_conversions,total_conversion_value,total_null\n\
                    email + search,3,30,2\nsearch,1,10,4\ndisplay,0,,3\n",
            consume: |b| {
                let spec = RunSpec::new(Source::CoalitionsRecords {
                    records: Records::csv(b),
                    name: "coalitions.csv".into(),
                    options: ReadOptions::default(),
                });
                pathcredit::run(spec).map(drop)
            },
        },
        Input {
            name: "spend.csv",
            valid: "channel,spend,period\nemail,10,2026-01\nsearch,312.50,2026-01\ndisplay,0,2026-01\n",
            consume: |b| {
                let spend = read_spend(b, "spend.csv", "channel", None, &ReadOptions::default())?;
                let credit = credit();
                Plan::new(&credit[0], &spend, &BudgetParams::default()).map(drop)
            },
        },
        Input {
            name: "lift.csv",
            valid: "channel,incremental_conversions,se\nemail,2,0.5\nsearch,-1.5,2\n",
            consume: |b| {
                let lift_tests = read_lift_tests(b, "lift.csv", &ReadOptions::default())?;
                let spec = RunSpec::new(Source::paths_csv(
                    PATHS.as_bytes(),
                    "paths.csv",
                    PathReadOptions::default(),
                ))
                .models([ModelName::LastTouch, ModelName::Linear])
                .settings(ModelSettings {
                    lift_tests,
                    ..ModelSettings::default()
                });
                pathcredit::run(spec).map(drop)
            },
        },
        Input {
            name: "truth.csv",
            valid: "channel,role,shapley_share,incremental_share\nemail,direct,0.5,0.4\n\
                    search,direct,0.3,0.4\ndisplay,placebo,0.2,0.2\n",
            consume: |b| {
                let rows = truth::read_truth(b, "truth.csv", TruthColumn::Shapley)?;
                let by_model = credit()
                    .into_iter()
                    .map(|c| {
                        let by = c.channels.into_iter().map(|x| (x.channel, x.conversions));
                        (c.model, by.collect())
                    })
                    .collect();
                let spend = read_spend(
                    "channel,spend\nemail,10\nsearch,20\ndisplay,5\n".as_bytes(),
                    "spend.csv",
                    "channel",
                    None,
                    &ReadOptions::default(),
                )?;
                let params = BudgetParams::default();
                truth::evaluate(
                    &rows,
                    "truth.csv",
                    &by_model,
                    Some((&spend, &params)),
                    None,
                    None,
                )
                .map(drop)
            },
        },
    ]
}

/// Consumes `bytes` as `input`: a result, or an error that names the input.
fn check(input: &Input, bytes: &[u8]) -> Result<(), TestCaseError> {
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(|| (input.consume)(bytes));
    let elapsed = start.elapsed();
    prop_assert!(
        elapsed < Duration::from_secs(10),
        "{} took {elapsed:?} on {} bytes",
        input.name,
        bytes.len()
    );
    let Ok(result) = outcome else {
        return Err(TestCaseError::fail(format!(
            "{} panicked on {:?}",
            input.name,
            String::from_utf8_lossy(bytes)
        )));
    };
    if let Err(err) = result {
        let message = err.to_string();
        // A parameter error names the setting (`lift_tests`, `budget_model`, ...); a
        // model's refusal names the model and says why; the others name the input.
        let named = message.contains(input.name)
            || matches!(
                err,
                Error::InvalidParameter { .. } | Error::Unsupported { .. } | Error::Model { .. }
            );
        prop_assert!(named, "{}: the error names no input: {message}", input.name);
        if let Some(location) = err.location() {
            prop_assert!(
                location.file == input.name,
                "{}: the error locates another input: {message}",
                input.name
            );
        }
        prop_assert!(
            message.len() < 2_000,
            "{}: a {}-byte message",
            input.name,
            message.len()
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_give_a_result_or_an_error_naming_them(
        which in 0usize..5,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let inputs = inputs();
        let input = &inputs[which];
        let mut text = input.valid.to_string();
        let mut bytes = Vec::new();
        for m in &mutations {
            bytes = apply(&text, m);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        check(input, &bytes)?;
    }

    #[test]
    fn arbitrary_bytes_give_a_result_or_an_error_naming_them(
        which in 0usize..5,
        with_header in any::<bool>(),
        body in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let inputs = inputs();
        let input = &inputs[which];
        let mut bytes = Vec::new();
        if with_header {
            bytes.extend_from_slice(input.valid.lines().next().unwrap().as_bytes());
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(&body);
        check(input, &bytes)?;
    }
}

/// The valid inputs are consumed: the fuzzing starts from files every entry point
/// accepts.
#[test]
fn the_seed_inputs_are_consumed() {
    for input in inputs() {
        (input.consume)(input.valid.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", input.name));
    }
}
