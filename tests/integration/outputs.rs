//! Outputs are all or nothing (issue 14, items 10–12 and 17): a failed run leaves no
//! output and no temporary file, an interrupt removes its temporary files, a closed
//! stdout is an error, a broken pipe a quiet success, and every write error names the
//! user's path.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{pathcredit, repo_root};

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin!("pathcredit").to_path_buf()
}

fn sample(name: &str) -> String {
    repo_root()
        .join("data/sample")
        .join(name)
        .display()
        .to_string()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_failing_output_keeps_the_others_from_being_written() {
    if !Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here; skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = pathcredit()
        .current_dir(dir.path())
        .args([
            "attribute",
            "--paths",
            &sample("paths.csv"),
            "--model",
            "markov",
        ])
        .args(["--markov-details", "d.json", "--out", "/dev/full", "-q"])
        .assert()
        .failure();
    let stderr = stderr_of(out.get_output());
    assert!(
        stderr.contains("/dev/full") && stderr.contains("No space left"),
        "{stderr}"
    );
    assert_eq!(entries(dir.path()), Vec::<String>::new());

    let out = pathcredit()
        .current_dir(dir.path())
        .args(["report", "--journeys", &sample("journeys.csv")])
        .args(["--markdown", "r.md", "--html", "/dev/full", "-q"])
        .assert()
        .failure();
    assert!(stderr_of(out.get_output()).contains("cannot write /dev/full"));
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn a_directory_as_output_is_refused_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    let out = pathcredit()
        .current_dir(dir.path())
        .args([
            "attribute",
            "--paths",
            &sample("paths.csv"),
            "--model",
            "linear",
        ])
        .args(["--out", "adir", "-q"])
        .assert()
        .failure();
    assert!(stderr_of(out.get_output()).contains("cannot write adir: it is a directory"));
    assert_eq!(entries(dir.path()), vec!["adir"]);
    assert!(entries(&dir.path().join("adir")).is_empty());
    let out = pathcredit()
        .args([
            "generate-events",
            "--persons",
            "10",
            "--out-dir",
            "/dev/null",
        ])
        .assert()
        .failure();
    assert!(
        stderr_of(out.get_output()).contains("/dev/null as the output directory"),
        "the message names the directory"
    );
}

#[test]
fn a_closed_stdout_is_an_error_for_every_format() {
    for format in ["csv", "json", "markdown"] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "\"$0\" attribute --paths \"$1\" --model linear --format {format} -q >&-"
            ))
            .arg(bin())
            .arg(sample("paths.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(stderr_of(&out).contains("stdout is closed"), "{format}");
    }
    // Sent to /dev/null on purpose, it is a success.
    let out = Command::new(bin())
        .args([
            "attribute",
            "--paths",
            &sample("paths.csv"),
            "--model",
            "linear",
            "-q",
        ])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

#[test]
fn a_broken_pipe_is_a_quiet_success_for_every_format() {
    for format in ["csv", "json"] {
        let mut child = Command::new(bin())
            .args(["attribute", "--journeys", &sample("journeys.csv"), "-q"])
            .args([
                "--model",
                "linear,first_touch,last_touch",
                "--level",
                "campaign",
            ])
            .args(["--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before anything is written
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{format}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "", "{format}");
    }
    let mut child = Command::new(bin())
        .args(["generate-paths", "--rows", "100000", "--out", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!stderr_of(&out).contains("error"), "{}", stderr_of(&out));
}

/// SIGINT and SIGTERM remove the temporary files of the outputs being written.
#[test]
fn an_interrupt_removes_the_temporary_files() {
    if Command::new("kill").arg("-l").output().is_err() {
        eprintln!("no kill command here; skipped");
        return;
    }
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let sim = dir.path().join("sim");
        let mut child = Command::new(bin())
            .args(["simulate", "--users", "2000000", "-q", "--out-dir"])
            .arg(&sim)
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !(sim.exists() && entries(&sim).iter().any(|n| n.ends_with(".tmp"))) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no temporary appeared"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal}");
        assert_eq!(entries(&sim), Vec::<String>::new(), "{signal}");
    }
}

/// Issue 17, part 6: outputs are checked before any work: an extension pathcredit does
/// not write is refused, and a missing directory is created for every output flag.
#[test]
fn outputs_are_checked_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = pathcredit()
        .current_dir(dir.path())
        .args([
            "attribute",
            "--paths",
            &sample("paths.csv"),
            "--model",
            "linear",
        ])
        .args(["--out", "credit.parquet"])
        .assert()
        .failure();
    assert!(stderr_of(out.get_output()).contains("not .parquet"));
    assert!(entries(dir.path()).is_empty());
    pathcredit()
        .current_dir(dir.path())
        .args([
            "attribute",
            "--paths",
            &sample("paths.csv"),
            "--model",
            "linear",
        ])
        .args(["--out", "credit.parquet", "--format", "csv", "-q"])
        .assert()
        .success();
    for (flag, file) in [("--html", "new/a/r.html"), ("--markdown", "new/b/r.md")] {
        pathcredit()
            .current_dir(dir.path())
            .args([
                "report",
                "--journeys",
                &sample("journeys.csv"),
                "--model",
                "linear",
                "-q",
            ])
            .args([flag, file])
            .assert()
            .success();
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    pathcredit()
        .current_dir(dir.path())
        .args(["journeys", "--events", &sample("events.csv"), "-q"])
        .args([
            "--paths-out",
            "new/c/paths.csv",
            "--summary-out",
            "new/d/summary.json",
        ])
        .assert()
        .success();
    assert!(dir.path().join("new/d/summary.json").is_file());
}
