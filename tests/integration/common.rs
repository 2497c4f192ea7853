//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `pathcredit` binary, run from the repository root.
pub fn pathcredit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("pathcredit"));
    cmd.current_dir(repo_root());
    cmd
}

/// Compares `actual` with the golden file `tests/golden/NAME`; with `UPDATE_GOLDEN=1`
/// rewrites the golden file instead.
pub fn assert_golden(name: &str, actual: &str) {
    let path = repo_root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let diff_at = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {}:\n  golden: {:?}\n  actual: {:?}\n(UPDATE_GOLDEN=1 rewrites it)",
            path.display(),
            diff_at + 1,
            expected.lines().nth(diff_at),
            actual.lines().nth(diff_at)
        );
    }
}

/// Writes `content` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Totals of the bundled path summary `data/sample/paths.csv`, read from the file so
/// tests follow the sample when it is regenerated: (conversions, non-conversions, channels).
pub fn sample_path_totals() -> (f64, f64, usize) {
    let text = std::fs::read_to_string(repo_root().join("data/sample/paths.csv")).unwrap();
    let (mut conversions, mut nulls) = (0.0, 0.0);
    let mut channels = std::collections::BTreeSet::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        channels.extend(fields[0].split('>').map(|c| c.trim().to_owned()));
        conversions += fields[1].parse::<f64>().unwrap();
        nulls += fields[3].parse::<f64>().unwrap();
    }
    (conversions, nulls, channels.len())
}

/// Number of distinct journeys in the bundled `data/sample/journeys.csv`.
pub fn sample_journey_count() -> usize {
    let text = std::fs::read_to_string(repo_root().join("data/sample/journeys.csv")).unwrap();
    let ids: std::collections::BTreeSet<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    ids.len()
}

/// A path table from `("a > b", conversions, non_conversions)` rows, each conversion
/// worth `value_per_conversion`.
pub fn path_table(rows: &[(&str, f64, f64)], value_per_conversion: f64) -> pathcredit::PathTable {
    let mut b = pathcredit::PathTable::builder();
    for (p, c, n) in rows {
        let steps: Vec<&str> = p.split(" > ").collect();
        b.push(&steps, *c, value_per_conversion * c, *n);
    }
    b.finish()
}
