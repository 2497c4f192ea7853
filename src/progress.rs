//! Progress of long steps, for a front end that shows it.
//!
//! The library reports `(task, done, total)` as it goes — bootstrap replicates, sampled
//! Shapley rounds, logistic cross-validation folds, simulated units, journey building —
//! to the reporter a front end installs once ([`set_reporter`]); without one, reporting
//! costs an atomic load. The command line draws progress bars on a terminal.

use std::sync::OnceLock;

/// Receives `(task, done, total)`: `done` of `total` units of `task` are finished.
pub type Reporter = dyn Fn(&str, u64, u64) + Send + Sync;

static REPORTER: OnceLock<Box<Reporter>> = OnceLock::new();

/// Installs the reporter (once per process; later calls are ignored).
pub fn set_reporter(reporter: Box<Reporter>) {
    let _ = REPORTER.set(reporter);
}

/// Reports progress on `task`.
pub(crate) fn tick(task: &str, done: u64, total: u64) {
    if let Some(r) = REPORTER.get() {
        r(task, done, total);
    }
}

/// Counts finished units of a task run in parallel and reports each.
pub(crate) struct Counter {
    task: &'static str,
    total: u64,
    done: std::sync::atomic::AtomicU64,
}

impl Counter {
    /// A counter of `total` units of `task` (reports 0 done).
    pub fn new(task: &'static str, total: u64) -> Self {
        tick(task, 0, total);
        Counter {
            task,
            total,
            done: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// One more unit done.
    pub fn inc(&self) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        tick(self.task, done, self.total);
    }
}
