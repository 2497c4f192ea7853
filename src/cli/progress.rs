//! Progress bars on stderr for the library's long steps, when stderr is a terminal and
//! `--quiet` is not given (indicatif; one bar per task, cleared when it finishes).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Installs the library's progress reporter (a no-op off a terminal or with `quiet`).
pub fn install(quiet: bool) {
    if quiet || !std::io::stderr().is_terminal() {
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
