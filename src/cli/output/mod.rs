//! Where output goes: stdout (`-`) or files written atomically, all or nothing.
//!
//! * Every file is written under a temporary name in its target's directory and renamed
//!   into place only when the whole run succeeded ([`Outputs`], [`commit_all`]); a
//!   failure, an interrupt (SIGINT, SIGTERM, SIGHUP) or a failed rename removes every
//!   temporary file, so a failed run leaves nothing behind, not even the outputs it
//!   finished before the failure.
//! * A temporary file is created under an unpredictable name (`.NAME.PID.RANDOM.tmp`)
//!   with `O_EXCL` (it must not exist, and a symlink planted at its name is not
//!   followed): a shared writable directory cannot redirect the write. The rename
//!   replaces the target itself, never what a symlink at the target points to.
//! * A temporary file left by a run that was killed outright (SIGKILL) is removed by the
//!   next run writing the same target.
//! * A closed stdout is an error; a broken pipe on stdout (`pathcredit ... | head`) is a
//!   quiet success, whatever the format.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;

mod run_files;
mod stdout;

pub use run_files::RunFiles;
pub use stdout::broken_pipe_seen;
use stdout::{guard_closed_stdout, stdout};

/// Temporary files of this process not yet committed or removed.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Prepares the process: notes a closed stdout (and keeps its descriptor taken, so no
/// file opened later can become "stdout"), and removes this process's temporary files
/// when it is interrupted or terminated.
pub fn init() {
    guard_closed_stdout();
    let signals = [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ];
    if let Ok(mut signals) = signal_hook::iterator::Signals::new(signals) {
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                for tmp in temporaries().drain(..) {
                    let _ = fs::remove_file(tmp);
                }
                std::process::exit(128 + signal);
            }
        });
    }
}

/// A file written under a temporary name in its target's directory and renamed into
/// place by [`AtomicFile::commit`] (or [`commit_all`]); dropped without a commit, the
/// temporary file is removed. A failed run therefore never leaves a half-written file,
/// nor truncates an older one.
///
/// A target that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named
/// pipe) is written directly: renaming over it would replace the device with a file.
pub struct AtomicFile {
    target: PathBuf,
    /// The temporary file, `None` when writing directly to a special file.
    tmp: Option<PathBuf>,
    writer: Option<BufWriter<fs::File>>,
}

/// True when `target` exists and is neither a regular file nor a directory.
fn is_special(target: &Path) -> bool {
    fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Removes temporary files `.NAME.PID.RANDOM.tmp` of `target` left by processes that no
/// longer run (killed outright, so they could not clean up). Only where `/proc` tells.
/// Removing a symlink planted under such a name removes the link alone.
fn remove_stale_temporaries(target: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split('.').next())
        else {
            continue;
        };
        if pid.bytes().all(|b| b.is_ascii_digit()) && !proc.join(pid).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl AtomicFile {
    /// Creates the temporary file for `target` (or opens a special file directly).
    pub fn create(target: &Path) -> anyhow::Result<Self> {
        if is_special(target) {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(target)
                .with_context(|| format!("cannot open {}", target.display()))?;
            return Ok(Self {
                target: target.to_path_buf(),
                tmp: None,
                writer: Some(BufWriter::with_capacity(1 << 17, file)),
            });
        }
        if target.is_dir() {
            anyhow::bail!(
                "cannot write {}: it is a directory; name a file",
                target.display()
            );
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        remove_stale_temporaries(target, &name);
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // Created and registered under the lock, so an interrupt cannot come between.
        let mut registry = temporaries();
        let (file, tmp) = tempfile::Builder::new()
            .prefix(&format!(".{name}.{}.", std::process::id()))
            .suffix(".tmp")
            .rand_bytes(12)
            .tempfile_in(dir)
            .and_then(|named| {
                let (file, path) = named.into_parts();
                Ok((file, path.keep().map_err(|e| e.error)?))
            })
            .with_context(|| {
                format!(
                    "cannot write {}: cannot create a file in its directory",
                    target.display()
                )
            })?;
        registry.push(tmp.clone());
        drop(registry);
        Ok(Self {
            target: target.to_path_buf(),
            tmp: Some(tmp),
            writer: Some(BufWriter::with_capacity(1 << 17, file)),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<fs::File> {
        self.writer.as_mut().expect("not committed yet")
    }

    /// Flushes and syncs the written bytes (the step that meets a full disk).
    fn finish_writing(&mut self) -> anyhow::Result<()> {
        let target = self.target.display().to_string();
        let writer = self.writer.as_mut().expect("finished once");
        writer
            .flush()
            .with_context(|| format!("cannot write {target}"))?;
        if self.tmp.is_some() {
            writer
                .get_ref()
                .sync_all()
                .with_context(|| format!("cannot write {target}"))?;
        }
        Ok(())
    }

    /// Renames the finished file into place.
    fn rename(mut self) -> anyhow::Result<()> {
        self.writer.take();
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        let renamed = fs::rename(&tmp, &self.target);
        temporaries().retain(|t| *t != tmp);
        if let Err(e) = renamed {
            let _ = fs::remove_file(&tmp);
            return Err(anyhow::Error::new(e).context(format!(
                "cannot move output into place at {}",
                self.target.display()
            )));
        }
        Ok(())
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> anyhow::Result<()> {
        commit_all(vec![self])
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            self.writer.take();
            let _ = fs::remove_file(&tmp);
            temporaries().retain(|t| *t != tmp);
        }
    }
}

/// Commits several files together: every one is flushed and synced first, and only when
/// all of them were written are they renamed into place. On any error every temporary
/// file is removed.
pub fn commit_all(mut files: Vec<AtomicFile>) -> anyhow::Result<()> {
    for file in &mut files {
        file.finish_writing()?;
    }
    let mut first_error = None;
    for file in files {
        if first_error.is_some() {
            drop(file);
            continue;
        }
        if let Err(e) = file.rename() {
            first_error = Some(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// The outputs of one run, written all or nothing: each output is rendered into its
/// temporary file (stdout into memory) as the run goes, and [`Outputs::commit`] puts them
/// all in place only when every one was rendered. Dropped without a commit (an error on
/// the way), nothing is left behind.
#[derive(Default)]
pub struct Outputs {
    files: Vec<AtomicFile>,
    stdout: Option<Vec<u8>>,
}

impl Outputs {
    /// No outputs yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renders an output for `target` (`-` for stdout).
    pub fn write<F>(&mut self, target: &Path, render: F) -> anyhow::Result<()>
    where
        F: FnOnce(&mut dyn Write) -> pathcredit::Result<()>,
    {
        if target.as_os_str() == "-" {
            stdout()?;
            let buf = self.stdout.get_or_insert_with(Vec::new);
            render(buf)?;
            return Ok(());
        }
        let mut file = AtomicFile::create(target)?;
        render(file.writer()).with_context(|| format!("cannot write {}", target.display()))?;
        self.files.push(file);
        Ok(())
    }

    /// Renders `value` as pretty JSON (with a final newline) for `target`.
    pub fn json<T: serde::Serialize>(&mut self, target: &Path, value: &T) -> anyhow::Result<()> {
        self.write(target, |w| render_json(w, value))
    }

    /// Puts every output in place: files are flushed and synced, stdout is written, and
    /// then the files are renamed. A broken pipe on stdout does not stop the files.
    pub fn commit(mut self) -> anyhow::Result<()> {
        for file in &mut self.files {
            file.finish_writing()?;
        }
        if let Some(bytes) = self.stdout.take() {
            let mut out = stdout()?;
            let written = out.write_all(&bytes).and_then(|()| out.flush());
            match written {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write to stdout")?,
            }
        }
        commit_all(std::mem::take(&mut self.files))
    }
}

fn render_json<T: serde::Serialize>(w: &mut dyn Write, value: &T) -> pathcredit::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value).map_err(|e| pathcredit::Error::Write(e.into()))?;
    w.write_all(b"\n").map_err(pathcredit::Error::Write)
}

/// Creates an output directory (and its parents) if missing; the error names it.
pub fn create_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(
            "cannot use {} as the output directory: it exists and is not a directory",
            dir.display()
        );
    }
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the output directory {}", dir.display()))
}

/// Writes one output to `target` (`-` streams to stdout; a file is written atomically).
pub fn write_output<F>(target: &Path, render: F) -> anyhow::Result<()>
where
    F: FnOnce(&mut dyn Write) -> pathcredit::Result<()>,
{
    if target.as_os_str() == "-" {
        let mut w = stdout()?;
        render(&mut w)?;
        w.flush().context("cannot write to stdout")?;
        return Ok(());
    }
    let mut file = AtomicFile::create(target)?;
    render(file.writer()).with_context(|| format!("cannot write {}", target.display()))?;
    file.commit()
}

/// Writes `value` as pretty JSON (with a final newline) to `target`, atomically.
pub fn write_json<T: serde::Serialize>(target: &Path, value: &T) -> anyhow::Result<()> {
    write_output(target, |w| render_json(w, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    /// A named pipe stays a pipe: output goes through it instead of replacing it
    /// (renaming over `/dev/null` would replace the machine's null device).
    #[test]
    fn special_files_are_written_in_place_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo is not available; skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        write_output(&fifo, |w| {
            w.write_all(b"model,channel\n")
                .map_err(pathcredit::Error::Write)
        })
        .unwrap();
        assert_eq!(reader.join().unwrap(), "model,channel\n");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }

    #[test]
    fn regular_files_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("credit.csv");
        fs::write(&out, "old content that is longer\n").unwrap();
        write_output(&out, |w| {
            w.write_all(b"new\n").map_err(pathcredit::Error::Write)
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "new\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// Issue 14, item 10: when one output fails, the ones rendered before it are not
    /// put in place, and no temporary file is left.
    #[test]
    fn outputs_are_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut outputs = Outputs::new();
        outputs
            .write(&dir.path().join("a.csv"), |w| {
                w.write_all(b"a\n").map_err(pathcredit::Error::Write)
            })
            .unwrap();
        let failed = outputs.write(&dir.path().join("b.csv"), |_| {
            Err(pathcredit::Error::Write(io::Error::other("disk full")))
        });
        assert!(failed.unwrap_err().to_string().contains("b.csv"));
        drop(outputs);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);

        let mut outputs = Outputs::new();
        for name in ["a.csv", "b.json"] {
            outputs.json(&dir.path().join(name), &name).unwrap();
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "temporaries");
        outputs.commit().unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("b.json")).unwrap(),
            "\"b.json\"\n"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// Issue 31, item 3: a symlink planted where a temporary file might go (every name
    /// the old scheme `.NAME.PID.tmp` used, and a guess of the new one) is never
    /// followed, and a symlink at the target is replaced, not written through.
    #[test]
    fn planted_symlinks_are_not_followed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "precious\n").unwrap();
        let target = dir.path().join("credit.csv");
        let pid = std::process::id();
        for planted in [
            format!(".credit.csv.{pid}.tmp"),
            format!(".credit.csv.{pid}.000000000000.tmp"),
        ] {
            symlink(&victim, dir.path().join(planted)).unwrap();
        }
        write_output(&target, |w| {
            w.write_all(b"model,channel\n")
                .map_err(pathcredit::Error::Write)
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
        let meta = fs::symlink_metadata(&target).unwrap();
        assert!(
            meta.file_type().is_file(),
            "the output is a file, not a link"
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "model,channel\n");

        // A symlink at the target itself: replaced by the output, its target untouched.
        let linked = dir.path().join("linked.csv");
        symlink(&victim, &linked).unwrap();
        write_output(&linked, |w| {
            w.write_all(b"x\n").map_err(pathcredit::Error::Write)
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
        assert!(fs::symlink_metadata(&linked).unwrap().file_type().is_file());
    }

    /// Issue 14, item 11: a directory as target is refused before anything is written,
    /// and a temporary left by a killed process is removed by the next run.
    #[test]
    fn no_temporary_is_left_behind() {
        let dir = tempfile::tempdir().unwrap();
        let err = AtomicFile::create(dir.path()).err().unwrap().to_string();
        assert!(err.contains("is a directory"), "{err}");
        let target = dir.path().join("credit.csv");
        // No process has pid 0 in /proc.
        let stale = dir.path().join(".credit.csv.0.a1B2c3D4e5F6.tmp");
        fs::write(&stale, "half").unwrap();
        write_output(&target, |w| {
            w.write_all(b"x\n").map_err(pathcredit::Error::Write)
        })
        .unwrap();
        assert!(!stale.exists() || !Path::new("/proc/self").exists());
    }
}
