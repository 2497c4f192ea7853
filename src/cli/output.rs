//! Where output goes: stdout (`-`) or a file written atomically.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Writes output to `target` (`-` for stdout). A file is written under a temporary
/// name in the same directory and renamed into place only when writing succeeded, so
/// a failed run never leaves a half-written file (and never truncates an old one).
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
    let tmp = temporary_name(target);
    let result = (|| -> anyhow::Result<()> {
        let file =
            fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let mut w = BufWriter::new(file);
        render(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        fs::rename(&tmp, target)
            .with_context(|| format!("cannot move output into place at {}", target.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.with_context(|| format!("writing {}", target.display()))
}

fn temporary_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    target.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
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
