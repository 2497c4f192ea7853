//! Aggregates add up (issue 16): any split of the data, summarised shard by shard and
//! merged, gives the whole's aggregate and the whole's credit: path summaries, order-k
//! transition counts (the exact Markov model fitted on them equals the model fitted on
//! the path summary) and coalitions (Shapley's games and the set-based rules).

use pathcredit::PathTable;
use pathcredit::journeys::TransitionCounts;
use pathcredit::journeys::aggregates::coalitions_of;
use pathcredit::models::{Attribution, MarkovParams, ModelName, ShapleyGame, ShapleyParams};
use proptest::prelude::*;

const CHANNELS: [&str; 5] = ["a", "b", "c", "d", "e"];

fn rows() -> impl Strategy<Value = Vec<(Vec<usize>, u32, u32, u32)>> {
    prop::collection::vec(
        (
            prop::collection::vec(0usize..CHANNELS.len(), 1..6),
            0u32..4,
            0u32..50,
            0u32..5,
        ),
        1..25,
    )
}

/// A path summary as journeys make one: every row is at least one journey, and only
/// conversions carry value.
fn table(rows: &[(Vec<usize>, u32, u32, u32)]) -> PathTable {
    let mut b = PathTable::builder();
    for (path, c, v, n) in rows {
        let names: Vec<&str> = path.iter().map(|&i| CHANNELS[i]).collect();
        let nulls = if c + n == 0 { 1 } else { *n };
        let value = if *c > 0 { f64::from(*v) } else { 0.0 };
        b.push(&names, f64::from(*c), value, f64::from(nulls));
    }
    b.finish()
}

fn csv(t: &TransitionCounts) -> String {
    let mut out = Vec::new();
    t.write_csv(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn close(a: &pathcredit::Credit, b: &pathcredit::Credit) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.channels.len(), b.channels.len());
    for (x, y) in a.channels.iter().zip(&b.channels) {
        prop_assert_eq!(&x.channel, &y.channel);
        prop_assert!((x.conversions - y.conversions).abs() <= 1e-9 * (1.0 + x.conversions.abs()));
        prop_assert!((x.value - y.value).abs() <= 1e-9 * (1.0 + x.value.abs()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn shards_merged_give_the_whole(rows in rows(), cuts in prop::collection::vec(any::<bool>(), 25), k in 1usize..4) {
        prop_assume!(rows.iter().any(|r| r.1 > 0) && rows.iter().any(|r| r.3 > 0));
        let whole = table(&rows);
        let (left, right): (Vec<_>, Vec<_>) = rows
            .iter()
            .cloned()
            .enumerate()
            .partition(|(i, _)| cuts[*i % cuts.len()]);
        let left: Vec<_> = left.into_iter().map(|(_, r)| r).collect();
        let right: Vec<_> = right.into_iter().map(|(_, r)| r).collect();
        let (l, r) = (table(&left), table(&right));

        // Path summaries.
        let merged = l.merge(&r);
        let mut a = Vec::new();
        let mut b = Vec::new();
        merged.write_csv(&mut a).unwrap();
        whole.write_csv(&mut b).unwrap();
        prop_assert_eq!(a, b);

        // Transition counts, and the Markov model on them.
        let whole_t = TransitionCounts::from_paths(&whole, k);
        let merged_t = TransitionCounts::from_paths(&l, k).merge(&TransitionCounts::from_paths(&r, k));
        prop_assert_eq!(csv(&merged_t), csv(&whole_t));
        let on_paths = MarkovParams::default().order(k).fit(&whole).unwrap().credit();
        let on_counts = MarkovParams::default().fit_transitions(&merged_t).unwrap().credit();
        close(&on_paths, &on_counts)?;

        // Coalitions, and the set-based models on them.
        let sets = coalitions_of(&l).merge(&coalitions_of(&r));
        for game in [ShapleyGame::Rate, ShapleyGame::Simplified] {
            let p = ShapleyParams::default().game(game);
            close(&p.attribute(&whole).unwrap(), &p.attribute(&sets).unwrap())?;
        }
        for model in [ModelName::LinearUnique, ModelName::Influenced] {
            let settings = pathcredit::models::ModelSettings::default();
            let on_paths = pathcredit::models::attribute(&[model], &settings, &pathcredit::models::Input::Paths(&whole)).unwrap();
            let on_sets = pathcredit::models::attribute(&[model], &settings, &pathcredit::models::Input::Paths(&sets)).unwrap();
            close(&on_paths[0], &on_sets[0])?;
        }
    }
}

/// The CLI reads what engines write: transition counts feed markov, coalitions the
/// set-based models, and both refuse what they cannot support.
#[test]
fn attribute_reads_aggregates_and_refuses_what_they_cannot_support() {
    let dir = tempfile::tempdir().unwrap();
    let sample = crate::common::repo_root().join("data/sample/paths.csv");
    let (paths, _) = PathTable::read_csv_path(&sample, &Default::default()).unwrap();
    let t = dir.path().join("t.csv");
    let mut out = Vec::new();
    TransitionCounts::from_paths(&paths, 2)
        .write_csv(&mut out)
        .unwrap();
    std::fs::write(&t, out).unwrap();
    let from_counts = crate::common::pathcredit()
        .args(["attribute", "-q", "--transitions"])
        .arg(&t)
        .output()
        .unwrap();
    let from_paths = crate::common::pathcredit()
        .args([
            "attribute",
            "-q",
            "--model",
            "markov",
            "--markov-order",
            "2",
            "--paths",
        ])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(from_counts.stdout, from_paths.stdout);
    let refused = crate::common::pathcredit()
        .args(["attribute", "-q", "--model", "last_touch", "--transitions"])
        .arg(&t)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("markov model only"), "{stderr}");
    let c = dir.path().join("c.csv");
    let mut out = Vec::new();
    pathcredit::journeys::aggregates::write_coalitions(&coalitions_of(&paths), &mut out).unwrap();
    std::fs::write(&c, out).unwrap();
    let refused = crate::common::pathcredit()
        .args(["attribute", "-q", "--model", "last_touch", "--coalitions"])
        .arg(&c)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("needs the order of touches"), "{stderr}");
}
