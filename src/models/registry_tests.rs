//! Tests of the model registry.
use super::*;

#[test]
fn names_are_unique_and_parse_back() {
    let mut names: Vec<&str> = ModelName::ALL.iter().map(|m| m.as_str()).collect();
    for m in ModelName::ALL {
        assert_eq!(m.as_str().parse::<ModelName>().unwrap(), m);
        assert_eq!(ModelName::lookup(m.as_str()), Some(m));
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), ModelName::ALL.len());
}

#[test]
fn predictive_models_say_where_their_holdout_fit_is() {
    for m in ModelName::ALL {
        let info = m.info();
        assert_eq!(info.predicts_conversion, info.holdout_pointer.is_some());
        assert_eq!(info.data_driven, info.compare_rank.is_some(), "{m}");
    }
}

/// Follows "Adding a model" above for a trivial model (half the credit to the first
/// touch, half to the last): its file would hold the model, the registry its entry.
#[test]
fn a_model_added_by_the_documented_steps_runs_like_the_others() {
    use crate::credit::Credit;
    use crate::models::{Attribution, FirstTouch, LastTouch};

    // Step 1: the model (params → credit), on a path table.
    struct HalfAndHalf;
    impl Attribution for HalfAndHalf {
        fn attribute(&self, paths: &PathTable) -> Result<Credit> {
            let first = FirstTouch.attribute(paths)?;
            let last = LastTouch.attribute(paths)?;
            let mut credit = first.clone();
            credit.model = "half_and_half".into();
            for c in &mut credit.channels {
                let l = last
                    .get(&c.channel)
                    .map_or((0.0, 0.0), |l| (l.conversions, l.value));
                c.conversions = 0.5 * (c.conversions + l.0);
                c.value = 0.5 * (c.value + l.1);
            }
            Ok(credit)
        }
    }
    // Step 2: its registry entry.
    const HALF_AND_HALF: ModelInfo = rule(
        "half_and_half",
        "half the credit to the first touch, half to the last",
        |c| Ok(HalfAndHalf.attribute(c.paths)?.into()),
    );
    let csv = "path,total_conversions\na > b,4\nb,2\n";
    let (paths, _) = PathTable::read_csv(csv.as_bytes(), "p.csv", &Default::default()).unwrap();
    let settings = ModelSettings::default();
    let context = ModelContext {
        settings: &settings,
        paths: &paths,
        journeys: None,
        logs: None,
        logs_from_journeys: false,
        with_details: false,
    };
    let fit = (HALF_AND_HALF.run)(&context).unwrap();
    assert_eq!(fit.credit.get("a").unwrap().conversions, 2.0);
    assert_eq!(fit.credit.get("b").unwrap().conversions, 4.0);
    assert!(!HALF_AND_HALF.data_driven && HALF_AND_HALF.default_use == DefaultUse::Always);
}

#[test]
fn unknown_names_list_the_known_ones() {
    let err = "lastouch".parse::<ModelName>().unwrap_err().to_string();
    assert!(
        err.contains("last_touch") && err.contains("markov"),
        "{err}"
    );
}
