//! Standard output: a closed stdout noticed at start, a broken pipe remembered, and
//! what a terminal is shown escaped.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when a write to stdout met a broken pipe.
static BROKEN_PIPE: AtomicBool = AtomicBool::new(false);
/// Set when the process started with its stdout closed.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Detects a closed descriptor 1 and fills it with `/dev/null` (opened read-only, so a
/// write to it fails instead of going anywhere).
pub(super) fn guard_closed_stdout() {
    use std::os::fd::{AsFd, AsRawFd, IntoRawFd};
    if io::stdout().as_fd().try_clone_to_owned().is_ok() {
        if reopened_by_runtime() {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
        return;
    }
    STDOUT_CLOSED.store(true, Ordering::Relaxed);
    // Each open takes the lowest free descriptor: stop once 1 is taken.
    for _ in 0..3 {
        match fs::File::open("/dev/null") {
            Ok(file) => {
                let fd = file.as_raw_fd();
                let _ = file.into_raw_fd();
                if fd >= 1 {
                    break;
                }
            }
            Err(_) => break,
        }
    }
}

/// True when descriptor 1 is `/dev/null` opened read-write: how Rust's runtime fills a
/// descriptor the process started without (a shell's `>/dev/null` opens it write-only).
/// Linux only (read from `/proc`); elsewhere false.
fn reopened_by_runtime() -> bool {
    let Ok(link) = fs::read_link("/proc/self/fd/1") else {
        return false;
    };
    if link != Path::new("/dev/null") {
        return false;
    }
    let Ok(info) = fs::read_to_string("/proc/self/fdinfo/1") else {
        return false;
    };
    info.lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        .is_some_and(|flags| flags & 0o3 == 0o2)
}

/// True when a write to stdout met a broken pipe: the reader went away, which is not a
/// failure of this program.
pub fn broken_pipe_seen() -> bool {
    BROKEN_PIPE.load(Ordering::Relaxed)
}

/// Stdout that remembers a broken pipe. On a terminal, control and invisible
/// characters (and bytes that are not UTF-8) are shown escaped, so no name in the data
/// can drive the terminal; to a file or a pipe the bytes go out exactly.
pub(super) struct Stdout {
    out: io::StdoutLock<'static>,
    /// Escape for a terminal, holding the bytes of a character split across writes.
    terminal: Option<Vec<u8>>,
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(pending) = self.terminal.as_mut() else {
            return self.out.write(buf).inspect_err(note_pipe);
        };
        pending.extend_from_slice(buf);
        let shown = escape_for_terminal(pending);
        self.out.write_all(&shown).inspect_err(note_pipe)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if let Some(pending) = self.terminal.as_mut()
            && !pending.is_empty()
        {
            // An incomplete character at the very end: shown as its bytes.
            let rest: String = pending.drain(..).map(|b| format!("\\x{b:02x}")).collect();
            self.out.write_all(rest.as_bytes()).inspect_err(note_pipe)?;
        }
        self.out.flush().inspect_err(note_pipe)
    }
}

/// Takes the complete characters of `pending` and returns them as a terminal should
/// show them: hidden characters but line ends and tabs escaped (`\u{1b}`), bytes that
/// are not UTF-8 as `\xff`. An incomplete character at the end stays in `pending`.
fn escape_for_terminal(pending: &mut Vec<u8>) -> Vec<u8> {
    let mut shown = String::with_capacity(pending.len());
    let mut at = 0;
    loop {
        match std::str::from_utf8(&pending[at..]) {
            Ok(text) => {
                push_shown(&mut shown, text);
                at = pending.len();
                break;
            }
            Err(e) => {
                let valid = at + e.valid_up_to();
                push_shown(
                    &mut shown,
                    std::str::from_utf8(&pending[at..valid]).expect("valid prefix"),
                );
                match e.error_len() {
                    Some(bad) => {
                        for b in &pending[valid..valid + bad] {
                            shown.push_str(&format!("\\x{b:02x}"));
                        }
                        at = valid + bad;
                    }
                    None => {
                        at = valid;
                        break;
                    }
                }
            }
        }
    }
    pending.drain(..at);
    shown.into_bytes()
}

fn push_shown(shown: &mut String, text: &str) {
    for c in text.chars() {
        if pathcredit::text::is_hidden(c) && c != '\n' && c != '\t' {
            shown.push_str(&pathcredit::text::escape_char(c));
        } else {
            shown.push(c);
        }
    }
}

fn note_pipe(e: &io::Error) {
    if e.kind() == io::ErrorKind::BrokenPipe {
        BROKEN_PIPE.store(true, Ordering::Relaxed);
    }
}

/// The buffered stdout, or an error when it is closed.
pub(super) fn stdout() -> anyhow::Result<BufWriter<Stdout>> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        anyhow::bail!(
            "stdout is closed, so the output would be lost; name a file for it instead of \
             stdout (`-`)"
        );
    }
    use std::io::IsTerminal;
    let out = io::stdout();
    let terminal = out.is_terminal().then(Vec::new);
    Ok(BufWriter::with_capacity(
        1 << 16,
        Stdout {
            out: out.lock(),
            terminal,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 31, item 5: what a terminal is shown of the data holds no control
    /// sequence, whatever way the writes split the characters.
    #[test]
    fn terminal_output_shows_escapes_instead_of_running_them() {
        let data = "a,\u{1b}]0;owned\u{7}\nb,\u{1b}[2J\u{9b}é\u{200b}\tz\n".as_bytes();
        let want = "a,\\u{1b}]0;owned\\u{7}\nb,\\u{1b}[2J\\u{9b}é\\u{200b}\tz\n";
        for split in 0..=data.len() {
            let mut pending = data[..split].to_vec();
            let mut shown = escape_for_terminal(&mut pending);
            pending.extend_from_slice(&data[split..]);
            shown.extend(escape_for_terminal(&mut pending));
            assert!(pending.is_empty());
            assert_eq!(String::from_utf8(shown).unwrap(), want, "split at {split}");
        }
        let mut bad = vec![b'x', 0xff, b'y'];
        assert_eq!(escape_for_terminal(&mut bad), b"x\\xffy");
    }
}
