//! Progress of the library's long steps on stderr unless `--quiet` is given: on a
//! terminal, progress bars (indicatif; one bar per task: what, how far, rate, time
//! left; cleared when it finishes); otherwise (a log, a pipe, CI) a line per task at
//! most every few seconds, and one when a task that took that long finishes.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Seconds between two lines of one task off a terminal.
const LINE_EVERY: f64 = 5.0;

/// Installs the library's progress reporter (a no-op with `quiet`).
pub fn install(quiet: bool) {
    if quiet {
        return;
    }
    if !std::io::stderr().is_terminal() {
        install_lines();
        return;
    }
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let bars: Mutex<HashMap<String, ProgressBar>> = Mutex::new(HashMap::new());
    pathcredit::progress::set_reporter(Box::new(move |task, done, total| {
        let mut bars = bars.lock().unwrap_or_else(|e| e.into_inner());
        let bar = bars.entry(task.to_string()).or_insert_with(|| {
            let bar = multi.add(ProgressBar::new(total));
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} ({elapsed}, {eta} left)",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_message(task.to_string());
            bar
        });
        bar.set_length(total);
        bar.set_position(done);
        if done >= total {
            bar.finish_and_clear();
            bars.remove(task);
        }
    }));
}

/// Off a terminal: `pathcredit: TASK: DONE/TOTAL (P%, R/s)` at most every
/// [`LINE_EVERY`] seconds per task, and when a task that ran that long finishes.
fn install_lines() {
    use std::time::Instant;
    // Per task: when it started and when its last line was printed.
    let seen: Mutex<HashMap<String, (Instant, Instant)>> = Mutex::new(HashMap::new());
    pathcredit::progress::set_reporter(Box::new(move |task, done, total| {
        let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let (started, last) = *seen.entry(task.to_string()).or_insert((now, now));
        let finished = done >= total;
        let running = now.duration_since(started).as_secs_f64();
        let due = now.duration_since(last).as_secs_f64() >= LINE_EVERY;
        if due || (finished && running >= LINE_EVERY) {
            let pct = if total > 0 {
                100.0 * done as f64 / total as f64
            } else {
                100.0
            };
            let rate = if running > 0.0 {
                done as f64 / running
            } else {
                0.0
            };
            crate::cli::say!(
                "pathcredit: {task}: {done}/{total} ({pct:.0}%, {rate:.1}/s, {running:.0} s)"
            );
            if let Some(entry) = seen.get_mut(task) {
                entry.1 = now;
            }
        }
        if finished {
            seen.remove(task);
        }
    }));
}
