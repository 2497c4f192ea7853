//! Where output goes: stdout (`-`) or files written atomically.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A file written under a temporary name in its target's directory and renamed into
/// place by [`AtomicFile::commit`]; dropped without a commit, the temporary file is
/// removed. A failed run therefore never leaves a half-written file, nor truncates an
/// older one.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Creates the temporary file for `target`.
    pub fn create(target: &Path) -> anyhow::Result<Self> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        let tmp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file =
            fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(Self {
            target: target.to_path_buf(),
            tmp,
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
        file.sync_all()?;
        fs::rename(&self.tmp, &self.target)
            .with_context(|| format!("cannot move output into place at {}", self.target.display()))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = fs::remove_file(&self.tmp);
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
