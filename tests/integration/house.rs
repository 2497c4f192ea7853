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

/// A module's path (`journeys/build`) from its file under `src/`.
fn module_of(file: &Path, src: &Path) -> String {
    let rel = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let rel = rel.to_string_lossy().replace('\\', "/");
    match rel.strip_suffix("/mod") {
        Some(parent) => parent.to_string(),
        None if rel == "lib" || rel == "main" => String::new(),
        None => rel,
    }
}

/// The `crate::`, `super::` and `self::` paths a file's `use` declarations name (braces
/// expanded), outside comments and its test module.
fn used_paths(text: &str) -> Vec<String> {
    let code: String = text
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    for part in code.split(';') {
        let Some(at) = part.find("use ") else {
            continue;
        };
        // Only a declaration: `use` at the start of a statement, after `pub(…)` or an
        // attribute.
        let before = part[..at].trim_end();
        if !(before.is_empty()
            || before.ends_with("pub")
            || before.ends_with(')')
            || before.ends_with(']'))
        {
            continue;
        }
        expand(part[at + 4..].trim(), &mut out);
    }
    out
}

/// `a::{b, c::{d}}` as `a::b`, `a::c::d`.
fn expand(tree: &str, out: &mut Vec<String>) {
    let Some(open) = tree.find('{') else {
        out.push(tree.split(" as ").next().unwrap_or(tree).trim().to_string());
        return;
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(&format!("{prefix}{}", inner[start..i].trim()), out);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !inner[start..].trim().is_empty() {
        expand(&format!("{prefix}{}", inner[start..].trim()), out);
    }
}

#[test]
fn modules_import_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    sources(&src, &["rs"], &mut files);
    let modules: Vec<String> = files.iter().map(|f| module_of(f, &src)).collect();
    let known: std::collections::BTreeSet<&str> = modules.iter().map(String::as_str).collect();
    let resolve = |segments: &[&str]| -> Option<String> {
        (1..=segments.len())
            .rev()
            .map(|n| segments[..n].join("/"))
            .find(|m| known.contains(m.as_str()))
    };
    let related =
        |a: &str, b: &str| b.starts_with(&format!("{a}/")) || a.starts_with(&format!("{b}/"));
    let mut edges: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> =
        std::collections::BTreeMap::new();
    for (file, module) in files.iter().zip(&modules) {
        let text = std::fs::read_to_string(file).expect("a source file");
        let is_mod = file.ends_with("mod.rs") || module.is_empty();
        let here: Vec<&str> = module.split('/').filter(|s| !s.is_empty()).collect();
        for path in used_paths(&text) {
            let segs: Vec<&str> = path.split("::").map(str::trim).collect();
            let target: Vec<&str> = match segs[0] {
                "crate" => segs[1..].to_vec(),
                "super" | "self" => {
                    let mut base = if is_mod {
                        here.clone()
                    } else {
                        here[..here.len().saturating_sub(1)].to_vec()
                    };
                    let mut rest = &segs[..];
                    if rest[0] == "self" {
                        rest = &rest[1..];
                    }
                    while rest.first() == Some(&"super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    base.extend_from_slice(rest);
                    base
                }
                _ => continue,
            };
            if let Some(t) = resolve(&target)
                && !t.is_empty()
                && &t != module
                && !related(&t, module)
            {
                edges.entry(module.as_str()).or_default().insert(t);
            }
        }
    }
    // A circle is a module that reaches itself through others.
    let mut circles = Vec::new();
    for start in edges.keys() {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<String> = edges[start].iter().cloned().collect();
        while let Some(m) = stack.pop() {
            if m == *start {
                circles.push(start.to_string());
                break;
            }
            if seen.insert(m.clone())
                && let Some(next) = edges.get(m.as_str())
            {
                stack.extend(next.iter().cloned());
            }
        }
    }
    assert!(
        edges.len() > 50,
        "read the imports of only {} modules",
        edges.len()
    );
    assert!(
        circles.is_empty(),
        "modules on an import circle: {}",
        circles.join(", ")
    );
}
