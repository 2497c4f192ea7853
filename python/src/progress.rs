//! Progress of the library's long steps (bootstrap replicates, Shapley samples, logistic
//! folds, simulated units, journey building, matched worlds), handed to Python.
//!
//! The library reports every unit of work from its worker threads; this module keeps
//! the Python side to a few calls a second: per task, the start, then at most one call
//! every [`EVERY`], then the finish. Each call takes the interpreter lock, which is
//! free because every long entry point runs with the interpreter released. The sink is
//! `pathcredit._progress`'s dispatcher (logging by default, or the user's callback);
//! without one, a tick costs an atomic load.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// Least time between two calls into Python for one task (besides start and finish).
const EVERY: Duration = Duration::from_millis(500);

/// The Python callable `(task, done, total, seconds)` progress goes to, when set.
static SINK: Mutex<Option<Py<PyAny>>> = Mutex::new(None);
/// Whether [`SINK`] holds a callable (read without the lock on every tick).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Per task: when it started and when Python last heard of it.
static TASKS: OnceLock<Mutex<HashMap<String, (Instant, Instant)>>> = OnceLock::new();

/// Sets (or with `None` removes) the callable progress goes to: it is called as
/// `sink(task, done, total, seconds)`, `seconds` since the task started.
#[pyfunction]
#[pyo3(signature = (sink))]
pub fn set_progress_sink(sink: Option<Py<PyAny>>) {
    let mut slot = SINK.lock().unwrap_or_else(|e| e.into_inner());
    ACTIVE.store(sink.is_some(), Ordering::Release);
    *slot = sink;
}

/// Installs the library's progress reporter (once per process).
pub fn install() {
    pathcredit::progress::set_reporter(Box::new(report));
}

/// Whether a tick of `task` goes to Python now: its first, its last, or the first
/// after [`EVERY`]; returns the seconds since the task started.
fn due(task: &str, done: u64, total: u64) -> Option<f64> {
    let tasks = TASKS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut tasks = tasks.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let finished = done >= total;
    let Some((started, last)) = tasks.get_mut(task) else {
        if !finished {
            tasks.insert(task.to_string(), (now, now));
        }
        return Some(0.0);
    };
    let seconds = now.duration_since(*started).as_secs_f64();
    if finished {
        tasks.remove(task);
        return Some(seconds);
    }
    if now.duration_since(*last) < EVERY {
        return None;
    }
    *last = now;
    Some(seconds)
}

/// The reporter: forwards due ticks to the sink; an exception the sink raises is
/// reported as unraisable (the run goes on).
fn report(task: &str, done: u64, total: u64) {
    if !ACTIVE.load(Ordering::Acquire) {
        return;
    }
    let Some(seconds) = due(task, done, total) else {
        return;
    };
    Python::attach(|py| {
        let sink = SINK
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|s| s.clone_ref(py));
        if let Some(sink) = sink
            && let Err(e) = sink.call1(py, (task, done, total, seconds))
        {
            e.write_unraisable(py, Some(sink.bind(py)));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_is_heard_at_its_start_its_finish_and_between_at_most_every_half_second() {
        let task = "test task";
        assert_eq!(due(task, 0, 100), Some(0.0), "the start");
        assert_eq!(due(task, 1, 100), None, "too soon");
        assert_eq!(due(task, 2, 100), None);
        std::thread::sleep(EVERY);
        assert!(due(task, 3, 100).is_some_and(|s| s >= EVERY.as_secs_f64()));
        assert_eq!(due(task, 4, 100), None);
        assert!(due(task, 100, 100).is_some(), "the finish");
        assert_eq!(due(task, 0, 5), Some(0.0), "finished tasks start afresh");
    }
}
