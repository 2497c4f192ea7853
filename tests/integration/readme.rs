//! The README quickstart, run verbatim: every `$ pathcredit ...` line of the console
//! blocks under "## Quickstart" must print exactly the lines that follow it. If this
//! fails, the README is out of date (or the output changed): fix one or the other.

use crate::common::{pathcredit, repo_root};

struct Example {
    command: Vec<String>,
    expected: String,
}

fn quickstart_examples() -> Vec<Example> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Quickstart")
        .nth(1)
        .expect("README.md has a ## Quickstart section");
    let section = section.split("\n## ").next().unwrap();
    let mut examples = Vec::new();
    let mut in_console = false;
    for line in section.lines() {
        if line.starts_with("```console") {
            in_console = true;
            continue;
        }
        if line.starts_with("```") {
            in_console = false;
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            examples.push(Example {
                command: cmd.split_whitespace().map(str::to_string).collect(),
                expected: String::new(),
            });
        } else if let Some(last) = examples.last_mut() {
            last.expected.push_str(line);
            last.expected.push('\n');
        }
    }
    examples
}

#[test]
fn readme_quickstart_runs_verbatim() {
    let examples = quickstart_examples();
    assert!(
        examples.len() >= 2,
        "the quickstart shows at least two commands"
    );
    for ex in examples {
        assert_eq!(
            ex.command[0], "pathcredit",
            "quickstart commands run pathcredit: {:?}",
            ex.command
        );
        let out = pathcredit().args(&ex.command[1..]).assert().success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert_eq!(
            stdout,
            ex.expected,
            "README quickstart `{}` prints something else; update the README",
            ex.command.join(" ")
        );
    }
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let tests = readme
        .split("\n## Tests")
        .nth(1)
        .expect("README.md has a ## Tests section");
    let command = tests
        .lines()
        .skip_while(|l| !l.starts_with("```bash"))
        .nth(1)
        .expect("the Tests section opens with a bash block holding the test command");
    assert!(command.starts_with("cargo test"), "{command}");
    let ci = std::fs::read_to_string(repo_root().join(".ci/run")).unwrap();
    assert!(
        ci.contains(command.trim()),
        ".ci/run must run the README's test command `{command}`"
    );
}

/// The README's "Using the library" example is the crate's front-page doc test, which
/// `cargo test --doc` runs: the two must stay equal.
#[test]
fn library_example_is_the_front_page_doc_test() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Using the library")
        .nth(1)
        .expect("README.md has a ## Using the library section");
    let in_readme = section
        .split("```rust\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("a rust block");
    let lib = std::fs::read_to_string(repo_root().join("src/lib.rs")).unwrap();
    let doc: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! ").or(l.strip_prefix("//!")))
        .collect();
    let doc = doc.join("\n");
    let start = doc
        .find("```\nuse pathcredit::journeys::JourneyParams;")
        .expect("the front-page example");
    let code = &doc[start + 4..];
    let code = &code[..code.find("```").unwrap()];
    let visible: Vec<&str> = code
        .lines()
        .filter(|l| !l.starts_with("# ") && *l != "#")
        .collect();
    let visible = visible.join("\n").replace("\\\\n", "\\n");
    assert_eq!(in_readme.trim_end(), visible.trim_end());
}

/// One fenced `bash` or `console` block of the README, in document order.
struct CommandBlock {
    /// 1-based line of the opening fence.
    line: usize,
    console: bool,
    text: String,
    /// The reason of a `<!-- readme-test: skip (reason) -->` line just above the fence.
    skip: Option<String>,
}

fn command_blocks(readme: &str) -> Vec<CommandBlock> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i];
        if !fence.starts_with("```") {
            i += 1;
            continue;
        }
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or_else(|| panic!("README.md:{}: unclosed code block", i + 1));
        let lang = fence.trim_start_matches('`').trim();
        if lang == "bash" || lang == "console" {
            let marker = lines[..i].iter().rev().find(|l| !l.trim().is_empty());
            let skip = marker
                .and_then(|m| m.strip_prefix("<!-- readme-test: skip"))
                .map(|rest| {
                    let reason = rest.trim().trim_end_matches("-->").trim();
                    assert!(
                        reason.starts_with('(') && reason.ends_with(')') && reason.len() > 2,
                        "README.md:{}: a skipped block gives its reason in parentheses",
                        i
                    );
                    reason.to_string()
                });
            blocks.push(CommandBlock {
                line: i + 1,
                console: lang == "console",
                text: lines[i + 1..end].join("\n") + "\n",
                skip,
            });
        }
        i = end + 1;
    }
    blocks
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `script` with bash in `dir`, the binary under test first on `PATH`.
fn run_bash(
    dir: &std::path::Path,
    bin_dir: &std::path::Path,
    script: &str,
) -> std::process::Output {
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bash runs")
}

/// Every `bash` and `console` block of the README, in order, in a scratch copy holding
/// only `data/`: each must succeed (a console block must print exactly what it shows), and
/// together they may write only under `out/`. Blocks that install software, need Spark or
/// run benchmarks carry a `<!-- readme-test: skip (reason) -->` line and are checked
/// elsewhere (CI's Python, notebook and engine steps) or by hand.
///
/// Ignored in `cargo test` because the debug binary takes minutes over the README's
/// 200,000-person simulations; CI runs it with the release binary
/// (`PATHCREDIT_README_BIN=target/release/pathcredit cargo test --test integration --
/// --ignored readme_commands`).
#[test]
#[ignore = "minutes with a debug binary; CI runs it with the release binary"]
fn readme_commands_run_top_to_bottom() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let blocks = command_blocks(&readme);
    assert!(
        blocks.iter().filter(|b| b.skip.is_none()).count() >= 10,
        "README command blocks found"
    );
    let bin = std::env::var_os("PATHCREDIT_README_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_pathcredit").into());
    let bin = std::fs::canonicalize(&bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    assert_eq!(
        bin.file_name().unwrap(),
        "pathcredit",
        "PATHCREDIT_README_BIN names a pathcredit binary"
    );
    let bin_dir = bin.parent().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("data"), &scratch.path().join("data"));
    for block in &blocks {
        if let Some(reason) = &block.skip {
            eprintln!("README.md:{}: skipped {reason}", block.line);
            continue;
        }
        let started = std::time::Instant::now();
        if block.console {
            let mut commands: Vec<(String, String)> = Vec::new();
            for line in block.text.lines() {
                if let Some(cmd) = line.strip_prefix("$ ") {
                    commands.push((cmd.to_string(), String::new()));
                } else if let Some((_, expected)) = commands.last_mut() {
                    expected.push_str(line);
                    expected.push('\n');
                }
            }
            assert!(
                !commands.is_empty(),
                "README.md:{}: a console block shows `$ ` commands",
                block.line
            );
            for (cmd, expected) in commands {
                let out = run_bash(scratch.path(), bin_dir, &cmd);
                assert!(
                    out.status.success(),
                    "README.md:{}: `{cmd}` failed:\n{}",
                    block.line,
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(
                    String::from_utf8_lossy(&out.stdout),
                    expected,
                    "README.md:{}: `{cmd}` prints something else; update the README",
                    block.line
                );
            }
        } else {
            let out = run_bash(scratch.path(), bin_dir, &block.text);
            assert!(
                out.status.success(),
                "README.md:{}: the block failed ({}):\n{}\n--- stderr:\n{}",
                block.line,
                out.status,
                block.text,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        eprintln!(
            "README.md:{}: ran in {:.1} s",
            block.line,
            started.elapsed().as_secs_f64()
        );
    }
    let mut stray: Vec<String> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "data" && name != "out")
        .collect();
    stray.sort();
    assert!(
        stray.is_empty(),
        "README commands write outside out/: {stray:?}"
    );
    let data_after = std::fs::read_dir(scratch.path().join("data/sample"))
        .unwrap()
        .count();
    let data_before = std::fs::read_dir(repo_root().join("data/sample"))
        .unwrap()
        .count();
    assert_eq!(
        data_after, data_before,
        "README commands write into data/sample/"
    );
}

#[test]
fn readme_skipped_blocks_say_why() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let blocks = command_blocks(&readme);
    let skipped: Vec<&CommandBlock> = blocks.iter().filter(|b| b.skip.is_some()).collect();
    // Every block that is not run must still be one of the kinds that cannot run here.
    for b in skipped {
        let reason = b.skip.as_deref().unwrap();
        assert!(
            ["install", "benchmark", "Spark", "test command"]
                .iter()
                .any(|k| reason.contains(k)),
            "README.md:{}: skipped for a reason the README test does not accept: {reason}",
            b.line
        );
    }
}

/// Lists every file under `dir` with its bytes, by path relative to `dir`.
fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
                files.insert(rel, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    files
}

/// `data/README.md` states the commands that made the shipped samples: run in a scratch
/// copy, they rewrite every file of `data/` byte for byte (the simulator is seeded).
#[test]
fn data_readme_commands_rewrite_the_samples_byte_for_byte() {
    let readme = std::fs::read_to_string(repo_root().join("data/README.md")).unwrap();
    let blocks: Vec<CommandBlock> = command_blocks(&readme)
        .into_iter()
        .filter(|b| !b.console)
        .collect();
    assert_eq!(
        blocks.len(),
        1,
        "data/README.md has one bash block: the samples' provenance"
    );
    let bin = std::env::var_os("PATHCREDIT_README_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_pathcredit").into());
    let bin = std::fs::canonicalize(&bin).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("data"), &scratch.path().join("data"));
    let out = run_bash(scratch.path(), bin.parent().unwrap(), &blocks[0].text);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shipped = files_under(&repo_root().join("data"));
    let rewritten = files_under(&scratch.path().join("data"));
    assert_eq!(
        shipped.keys().collect::<Vec<_>>(),
        rewritten.keys().collect::<Vec<_>>(),
        "the provenance commands write the files that ship, no more"
    );
    for (path, bytes) in &shipped {
        assert!(
            rewritten[path] == *bytes,
            "data/{}: the provenance commands in data/README.md write something else",
            path.display()
        );
    }
}

/// Issue 32: every command of the README's "Coming from …" section runs on the bundled
/// peer-shaped files (data/peers) and writes credit.
#[test]
fn readme_coming_from_commands_run() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Coming from")
        .nth(1)
        .expect("README.md has a ## Coming from section");
    let section = section.split("\n## ").next().unwrap();
    let commands: Vec<&str> = section
        .split('`')
        .filter(|s| s.starts_with("pathcredit attribute "))
        .collect();
    assert!(commands.len() >= 6, "{commands:?}");
    for cmd in commands {
        let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        let out = pathcredit().args(&args).arg("-q").assert().success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(
            stdout.starts_with("model,channel,conversions"),
            "{cmd}: {stdout}"
        );
    }
}
