//! Shared by the benches: problem sizes that shrink when the bench runs as a test.

/// True when criterion runs for measurement (`cargo bench`), false under `cargo test
/// --benches` / `cargo test --all-targets`, where each bench runs once on small data.
#[allow(dead_code)]
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// `full` when measuring, `test` otherwise.
#[allow(dead_code)]
pub fn size(full: usize, test: usize) -> usize {
    if measuring() { full } else { test }
}
