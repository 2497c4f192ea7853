//! Where output goes: stdout (`-`) or files written atomically.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A file written under a temporary name in its target's directory and renamed into
/// place by [`AtomicFile::commit`]; dropped without a commit, the temporary file is
/// removed. A failed run therefore never leaves a half-written file, nor truncates an
/// older one.
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
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        let tmp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file =
            fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
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

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let writer = self.writer.take().expect("committed once");
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        let Some(tmp) = &self.tmp else {
            return Ok(());
        };
        file.sync_all()?;
        fs::rename(tmp, &self.target)
            .with_context(|| format!("cannot move output into place at {}", self.target.display()))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some()
            && let Some(tmp) = &self.tmp
        {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// Writes output to `target` (`-` for stdout; a file is written atomically).
pub fn write_output<F>(target: &Path, render: F) -> anyhow::Result<()>
where
    F: FnOnce(&mut dyn Write) -> pathcredit::Result<()>,
{
    if target.as_os_str() == "-" {
        let mut w = BufWriter::new(io::stdout().lock());
        render(&mut w)?;
        w.flush().context("cannot write to stdout")?;
        return Ok(());
    }
    let mut file = AtomicFile::create(target)?;
    render(file.writer()).with_context(|| format!("writing {}", target.display()))?;
    file.commit()
}

/// Writes `value` as pretty JSON (with a final newline) to `target`, atomically.
pub fn write_json<T: serde::Serialize>(target: &Path, value: &T) -> anyhow::Result<()> {
    write_output(target, |w| {
        serde_json::to_writer_pretty(&mut *w, value)
            .map_err(|e| pathcredit::Error::Write(e.into()))?;
        w.write_all(b"\n").map_err(pathcredit::Error::Write)
    })
}

/// True when the error is a closed stdout pipe (`pathcredit ... | head`), which is
/// not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || matches!(
                cause.downcast_ref::<pathcredit::Error>(),
                Some(pathcredit::Error::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe
            )
    })
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
}
