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
