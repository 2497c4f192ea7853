//! The house rules a reader relies on: no source file past 600 lines (ARCHITECTURE.md:
//! "a file that passes ~600 lines becomes a folder module, split by concept"). Tests
//! (`tests.rs`, `*_tests.rs`, `tests/` folders) are left out.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

/// Every source file under `dir` with one of `extensions`, tests left out.
fn sources(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "tests" && name != "__pycache__" {
                sources(&path, extensions, out);
            }
        } else if extensions
            .iter()
            .any(|ext| path.extension().and_then(|e| e.to_str()) == Some(ext))
            && !name.starts_with("tests.")
            && !name.contains("_tests.")
            && !name.starts_with("test_")
        {
            out.push(path);
        }
    }
}

#[test]
fn no_source_file_is_past_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &["rs"], &mut files);
    sources(&root.join("python/src"), &["rs"], &mut files);
    sources(&root.join("python/pathcredit"), &["py", "pyi"], &mut files);
    assert!(files.len() > 100, "walked only {} files", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f)
                .expect("a source file")
                .lines()
                .count();
            (lines > MAX_LINES).then(|| {
                format!(
                    "{} ({lines} lines)",
                    f.strip_prefix(root).unwrap_or(f).display()
                )
            })
        })
        .collect();
    assert!(
        long.is_empty(),
        "past {MAX_LINES} lines, split by concept: {}",
        long.join(", ")
    );
}
