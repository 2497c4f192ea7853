//! Tests of the run: default models, sources and loading.

use std::io::Read;

use super::*;

const PATHS: &str = "path,total_conversions,total_null\na > b,2,3\nb,1,4\n";

#[test]
fn bad_settings_are_refused_before_reading() {
    // A reader that fails if touched: validation must come first.
    struct Untouchable;
    impl Read for Untouchable {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            panic!("the input was read before the settings were checked")
        }
    }
    let spec =
        RunSpec::new(Source::paths_csv(Untouchable, "p.csv", Default::default())).bootstrap(1, 42);
    let err = run(spec).err().unwrap();
    assert!(
        matches!(
            err,
            Error::InvalidParameter {
                name: Param::Bootstrap,
                ..
            }
        ),
        "{err}"
    );
    let spec = RunSpec::new(Source::paths_csv(Untouchable, "p.csv", Default::default()))
        .models([ModelName::TimeDecay]);
    assert!(matches!(run(spec), Err(Error::Unsupported { .. })));
}

#[test]
fn relative_lift_tests_calibrate_against_the_exposed_conversions() {
    // `a` is on paths with 2 conversions: a +100% lift means 2 · 1/2 = 1 incremental.
    let settings = ModelSettings {
        lift_tests: vec![crate::models::self_controlled::LiftTest {
            channel: "a".into(),
            incremental_conversions: 1.0,
            se: 0.1,
            relative: true,
        }],
        ..ModelSettings::default()
    };
    let spec = RunSpec::new(Source::paths_csv(
        PATHS.as_bytes(),
        "p.csv",
        Default::default(),
    ))
    .models([ModelName::Linear])
    .settings(settings);
    let result = run(spec).unwrap();
    // Linear gives a 1 and b 2; the test sets a to 1, so the pooled ratio is 1.
    let calibrated = &result.calibrated[0];
    assert_eq!(calibrated.model, "calibrated_linear");
    assert!((calibrated.get("a").unwrap().conversions - 1.0).abs() < 1e-12);
    assert!((calibrated.get("b").unwrap().conversions - 2.0).abs() < 1e-12);
    assert!((calibrated.conversions_sum() - 3.0).abs() < 1e-12);
}

#[test]
fn default_models_run_on_a_path_csv_and_in_memory_alike() {
    let from_csv = run(RunSpec::new(Source::paths_csv(
        PATHS.as_bytes(),
        "p.csv",
        Default::default(),
    )))
    .unwrap();
    let table = from_csv.data.path_table();
    let in_memory = run(RunSpec::new(Source::Paths(table))).unwrap();
    assert_eq!(from_csv.credits(), in_memory.credits());
    assert_eq!(from_csv.inputs.len(), 1);
    assert!(from_csv.credit(ModelName::Markov).is_some());
    assert!(from_csv.credit(ModelName::TimeDecay).is_none());
}
