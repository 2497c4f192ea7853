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

/// The stderr of `pathcredit attribute -q ARGS FILE`, and whether it succeeded.
fn attribute_stderr(args: &[&str], file: &std::path::Path) -> (bool, String) {
    let out = crate::common::pathcredit()
        .args(["attribute", "-q"])
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Issue 31, item 1: a closed cycle (`a → b → a`, never into (conversion) or (null))
/// panicked in the solve ("I − Q of a transient component is non-singular"); the file is
/// refused at the line of the cycle's first move, naming its states, and the library
/// refuses the same counts built in memory. Counts whose way out is lost to rounding
/// (1e300 against 1) are a model error, not a panic.
#[test]
fn a_closed_cycle_is_refused_naming_its_states() {
    let dir = tempfile::tempdir().unwrap();
    let cycle = crate::common::write_file(
        dir.path(),
        "cycle.csv",
        "from_state,to_state,count,value\n(start),a,1,0\na,b,1,0\nb,a,1,0\n",
    );
    let (ok, err) = attribute_stderr(&["--transitions"], &cycle);
    assert!(!ok);
    assert_eq!(
        err,
        format!(
            "error: {}: line 3, column 1 (from_state): the states `a`, `b` lead only to each \
             other (a closed cycle): journeys that enter them never reach (conversion) or \
             (null); expected moves out of them\n",
            cycle.display()
        )
    );
    let mut counts = TransitionCounts::new();
    use pathcredit::journeys::aggregates::Target;
    counts.add(&[], Some(&["a"]), Target::Null, 1.0, 0.0);
    counts.add(&["a"], Some(&["b"]), Target::Null, 1.0, 0.0);
    counts.add(&["b"], Some(&["a"]), Target::Null, 1.0, 0.0);
    let err = MarkovParams::default()
        .fit_transitions(&counts)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with(
            "markov: the transition counts are not counts of journeys: the states `a`, `b` \
             lead only to each other"
        ),
        "{err}"
    );
    let lost = crate::common::write_file(
        dir.path(),
        "lost.csv",
        "from_state,to_state,count,value\n(start),a,1,0\na,b,1e300,0\nb,a,1e300,0\na,(null),1,0\n",
    );
    let (ok, err) = attribute_stderr(&["--transitions"], &lost);
    assert!(!ok && !err.contains("panicked"), "{err}");
    assert!(
        err.starts_with("error: markov: a cyclic part of the chain (2 states) leaves to conversion or null so rarely"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Issue 31, item 1: no transitions file panics. Counts that balance (journeys from
    /// (start) into (conversion) or (null), and cycles of moves among three states, each
    /// with a weight from 1e-300 to 1e300) and counts that do not (any moves) are read
    /// and fitted, or refused with an error.
    #[test]
    fn no_transitions_file_panics(
        walks in prop::collection::vec((prop::collection::vec(0usize..3, 1..5), any::<bool>(), 0usize..5), 0..4),
        cycles in prop::collection::vec((prop::collection::vec(0usize..3, 1..4), 0usize..5), 0..3),
        loose in prop::collection::vec((0usize..4, 1usize..6, 0usize..5), 0..3),
    ) {
        let states = ["a", "b", "c", "(start)", "(conversion)", "(null)"];
        let weights = [1.0, 2.5, 1e300, 3.0, 1e-300];
        let mut moves: std::collections::BTreeMap<(usize, usize), (f64, f64)> = Default::default();
        let mut add = |from: usize, to: usize, w: f64, value: f64| {
            let e = moves.entry((from, to)).or_insert((0.0, 0.0));
            e.0 += w;
            e.1 += value;
        };
        for (walk, converts, w) in &walks {
            let w = weights[*w];
            let mut from = 3;
            for &s in walk {
                add(from, s, w, 0.0);
                from = s;
            }
            if *converts { add(from, 4, w, 10.0 * w) } else { add(from, 5, w, 0.0) }
        }
        for (cycle, w) in &cycles {
            for k in 0..cycle.len() {
                add(cycle[k], cycle[(k + 1) % cycle.len()], weights[*w], 0.0);
            }
        }
        for &(from, to, w) in &loose {
            add(from, to, weights[w], 0.0);
        }
        let mut text = String::from("from_state,to_state,count,value\n");
        for ((from, to), (count, value)) in moves {
            text.push_str(&format!("{},{},{count:e},{value:e}\n", states[from], states[to]));
        }
        if let Ok((t, _)) = TransitionCounts::read_csv(text.as_bytes(), "t.csv") {
            let _ = MarkovParams::default().fit_transitions(&t);
        }
    }
}

/// Issue 31, item 2 (e): counts where every journey converts (no (null) at all) carry
/// the warning the path summary of the same journeys carries; coalitions too.
#[test]
fn all_converting_aggregates_warn_as_the_path_summary_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = PathTable::builder();
    b.push(&["a", "b"], 2.0, 20.0, 0.0);
    b.push(&["a"], 1.0, 5.0, 0.0);
    let paths = b.finish();
    let p = dir.path().join("p.csv");
    paths.write_csv(std::fs::File::create(&p).unwrap()).unwrap();
    let t = dir.path().join("t.csv");
    TransitionCounts::from_paths(&paths, 1)
        .write_csv(std::fs::File::create(&t).unwrap())
        .unwrap();
    let c = dir.path().join("c.csv");
    pathcredit::journeys::aggregates::write_coalitions(
        &coalitions_of(&paths),
        std::fs::File::create(&c).unwrap(),
    )
    .unwrap();
    let notes = |args: &[&str], file: &std::path::Path| {
        let out = crate::common::pathcredit()
            .arg("attribute")
            .args(args)
            .arg(file)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| l.contains("WARNING"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let markov = notes(&["--model", "markov", "--paths"], &p);
    assert_eq!(
        markov,
        [
            "pathcredit: markov: WARNING: the input has no non-converting paths, so every path \
          converts (P = 1) and the removal effects only measure how often channels appear; add \
          total_null counts"
        ]
    );
    assert_eq!(notes(&["--transitions"], &t), markov);
    let shapley = notes(&["--model", "shapley", "--paths"], &p);
    assert_eq!(
        shapley,
        [
            "pathcredit: shapley: WARNING: no non-converting journeys: every rate is 1 and the \
          rate game gives no information"
        ]
    );
    assert_eq!(notes(&["--model", "shapley", "--coalitions"], &c), shapley);
}

/// Issue 31, item 2 (f): `merge` refuses transition shards of different orders, naming
/// both shards and their orders; shards of one order still add up.
#[test]
fn merge_refuses_transition_shards_of_different_orders() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = PathTable::builder();
    b.push(&["a", "b", "c"], 1.0, 10.0, 2.0);
    let paths = b.finish();
    let shard = |k: usize, name: &str| {
        let path = dir.path().join(name);
        TransitionCounts::from_paths(&paths, k)
            .write_csv(std::fs::File::create(&path).unwrap())
            .unwrap();
        path
    };
    let (one, two) = (shard(1, "one.csv"), shard(2, "two.csv"));
    let out = crate::common::pathcredit()
        .args(["merge", "-q"])
        .arg(&one)
        .arg(&two)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {}: its transition counts are of order 2 and those of `{}` of order 1: \
             shards add up only when counted at one order; count every shard at the same order\n",
            two.display(),
            one.display()
        )
    );
    let again = shard(2, "again.csv");
    crate::common::pathcredit()
        .args(["merge", "-q"])
        .arg(&two)
        .arg(&again)
        .assert()
        .success();
}
