//! The files one run names, checked together before anything is read or written.
//!
//! * At most one input comes from standard input (`-`): two would wait for each other
//!   forever.
//! * No output is an input of the same run: writing it would replace what the run reads.
//!   Files are compared by device and inode, so `in.csv`, `./in.csv`, an absolute path,
//!   a symlink and a hard link are all the same file.
//! * No two outputs name the same file: the second would replace the first. An output
//!   that does not exist yet is compared by its directory (device and inode) and name.
//! * A target that is a directory is refused, and missing output directories are
//!   created, only once every check passed: a refused run leaves nothing behind.
//!
//! Standard output (`-`) and special files (`/dev/null`, a named pipe) are outputs
//! that may be named more than once.

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::{create_dir, is_special};

/// The inputs and outputs of one run, each with the flag that names it.
#[derive(Default)]
pub struct RunFiles<'a> {
    /// `(flag, path)` of every input (a positional input's flag is what it is).
    inputs: Vec<(&'static str, &'a Path)>,
    /// `(how the output is named, path)` of every output file.
    outputs: Vec<(String, PathBuf)>,
    /// Output directories, created when missing.
    dirs: Vec<&'a Path>,
}

/// What a path names: an existing file (device, inode), a file not made yet in an
/// existing directory (the directory's device and inode, and the name), or, when not
/// even the directory exists yet, the absolute path.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    File(u64, u64),
    InDir(u64, u64, OsString),
    Path(PathBuf),
}

fn identity(path: &Path) -> Identity {
    if let Ok(meta) = fs::metadata(path) {
        return Identity::File(meta.dev(), meta.ino());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (fs::metadata(dir), path.file_name()) {
        (Ok(meta), Some(name)) => Identity::InDir(meta.dev(), meta.ino(), name.to_os_string()),
        _ => Identity::Path(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())),
    }
}

/// True for `-`, standard input or output.
fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

impl<'a> RunFiles<'a> {
    /// No files yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the input named by `flag`, when given.
    pub fn input(mut self, flag: &'static str, path: Option<&'a Path>) -> Self {
        if let Some(path) = path {
            self.inputs.push((flag, path));
        }
        self
    }

    /// Adds the inputs `paths`, named in messages as `what` (positional files: what
    /// they are, e.g. `shard`).
    pub fn inputs(mut self, what: &'static str, paths: &'a [PathBuf]) -> Self {
        self.inputs
            .extend(paths.iter().map(|p| (what, p.as_path())));
        self
    }

    /// Adds the output file named by `flag`, when given.
    pub fn output(mut self, flag: &'static str, path: Option<&'a Path>) -> Self {
        if let Some(path) = path {
            let named = format!("{flag} {}", path.display());
            self.outputs.push((named, path.to_path_buf()));
        }
        self
    }

    /// Adds the output directory named by `flag`, when given, with the files `names`
    /// the run may write into it.
    pub fn output_dir(mut self, flag: &'static str, dir: Option<&'a Path>, names: &[&str]) -> Self {
        if let Some(dir) = dir {
            for name in names {
                let path = dir.join(name);
                let named = format!("{flag} {} (its {name})", dir.display());
                self.outputs.push((named, path));
            }
            self.dirs.push(dir);
        }
        self
    }

    /// Checks the files (see the module docs), then creates the missing output
    /// directories. Nothing is read, and nothing is created when a check fails.
    pub fn prepare(&self) -> anyhow::Result<()> {
        let stdin: Vec<&str> = self
            .inputs
            .iter()
            .filter(|(_, p)| is_std(p))
            .map(|&(flag, _)| flag)
            .collect();
        if let [first, second, ..] = stdin[..] {
            anyhow::bail!(
                "{first} - and {second} - both read standard input; only one input can come \
                 from it: give the other as a file"
            );
        }
        let outputs: Vec<(&String, &PathBuf, Identity)> = self
            .outputs
            .iter()
            .filter(|(_, p)| !is_std(p) && !is_special(p))
            .map(|(named, p)| (named, p, identity(p)))
            .collect();
        for (named, _, out) in &outputs {
            let Identity::File(..) = out else {
                continue;
            };
            for &(flag, input) in &self.inputs {
                if !is_std(input) && fs::metadata(input).is_ok() && identity(input) == *out {
                    anyhow::bail!(
                        "{named} names the input {flag} {}: writing it would replace what the \
                         run reads; write the output to another file",
                        input.display()
                    );
                }
            }
        }
        for (i, (named, _, out)) in outputs.iter().enumerate() {
            if let Some((first, ..)) = outputs[..i].iter().find(|(_, _, o)| o == out) {
                anyhow::bail!(
                    "{first} and {named} name the same file; give each output its own file"
                );
            }
        }
        for (_, path, _) in &outputs {
            if path.is_dir() {
                anyhow::bail!(
                    "cannot write {}: it is a directory; name a file",
                    path.display()
                );
            }
        }
        for dir in &self.dirs {
            create_dir(dir)?;
        }
        for (_, path, _) in &outputs {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                create_dir(dir)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(files: RunFiles<'_>) -> String {
        files.prepare().unwrap_err().to_string()
    }

    /// An output naming an input is refused however either is spelled: relative,
    /// `./`, absolute, through a symlink or a hard link.
    #[test]
    fn an_output_that_is_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        fs::write(&input, "path\n").unwrap();
        let link = dir.path().join("link.csv");
        fs::hard_link(&input, &link).unwrap();
        let symlink = dir.path().join("sym.csv");
        std::os::unix::fs::symlink(&input, &symlink).unwrap();
        let dotted = dir.path().join(".").join("in.csv");
        for out in [&input, &link, &symlink, &dotted] {
            let err = refusal(
                RunFiles::new()
                    .input("--paths", Some(&input))
                    .output("--out", Some(out)),
            );
            assert_eq!(
                err,
                format!(
                    "--out {} names the input --paths {}: writing it would replace what the \
                     run reads; write the output to another file",
                    out.display(),
                    input.display()
                )
            );
        }
        let other = dir.path().join("out.csv");
        RunFiles::new()
            .input("--paths", Some(&input))
            .output("--out", Some(&other))
            .prepare()
            .unwrap();
    }

    /// Two outputs naming one file are refused whether it exists or not; standard
    /// output and special files may be named twice.
    #[test]
    fn two_outputs_naming_one_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("x.csv");
        let b = dir.path().join(".").join("x.csv");
        let err = refusal(
            RunFiles::new()
                .output("--paths-out", Some(&a))
                .output("--journeys-out", Some(&b)),
        );
        assert_eq!(
            err,
            format!(
                "--paths-out {} and --journeys-out {} name the same file; give each output its \
                 own file",
                a.display(),
                b.display()
            )
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "nothing made");
        // Not even their directory exists yet.
        let deep = dir.path().join("new/r.md");
        let err = refusal(
            RunFiles::new()
                .output("--markdown", Some(&deep))
                .output("--html", Some(&deep)),
        );
        assert!(err.contains("name the same file"), "{err}");
        assert!(!dir.path().join("new").exists(), "no directory made");
        let into_dir = refusal(
            RunFiles::new()
                .output("--markdown", Some(&dir.path().join("report/credit.csv")))
                .output_dir(
                    "--out-dir",
                    Some(&dir.path().join("report")),
                    &["credit.csv"],
                ),
        );
        assert!(
            into_dir.contains("(its credit.csv) name the same file"),
            "{into_dir}"
        );
        let null = Path::new("/dev/null");
        let std = Path::new("-");
        RunFiles::new()
            .output("--markdown", Some(null))
            .output("--html", Some(null))
            .output("--out", Some(std))
            .output("--details", Some(std))
            .prepare()
            .unwrap();
    }

    #[test]
    fn two_inputs_on_standard_input_are_refused() {
        let std = Path::new("-");
        let err = refusal(
            RunFiles::new()
                .input("--events", Some(std))
                .input("--identities", Some(std)),
        );
        assert_eq!(
            err,
            "--events - and --identities - both read standard input; only one input can come \
             from it: give the other as a file"
        );
        RunFiles::new()
            .input("--events", Some(std))
            .input("--identities", Some(Path::new("i.csv")))
            .prepare()
            .unwrap();
    }
}
