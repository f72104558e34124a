//! Every console example in README.md runs as a test. A console example is
//! a fenced block marked `console`: each `$ telltale …` line is run with
//! `sh -c` (the built binary first on `PATH`) in a scratch folder that links
//! `samples/` and `../shared`, with `HOME` pointed into it; the lines after a
//! command, up to the next `$`, are its expected standard output. A line
//! `...` stands for any number of lines, and `…` inside a line for any
//! characters (hashes, commits); trailing spaces are ignored. A command
//! shown without output must only succeed. Examples that name `../shared`
//! run in their own test, ignored without the corpus.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One `$ command` with the output the README shows.
struct Example {
    line: usize,
    command: String,
    expected: Vec<String>,
}

/// The commands of every `console` block, in order.
fn examples() -> Vec<Example> {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    let mut in_other = false;
    // A block inside a list item is indented like its fence.
    let mut indent = 0;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        if fence {
            if in_console || in_other {
                in_console = false;
                in_other = false;
            } else if line.trim() == "```console" {
                in_console = true;
                indent = line.len() - line.trim_start().len();
            } else {
                in_other = true;
            }
            continue;
        }
        if !in_console {
            continue;
        }
        let line = line.get(indent..).unwrap_or("");
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Example {
                line: i + 1,
                command: cmd.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(last) = out.last_mut() {
            last.expected.push(line.trim_end().to_string());
        } else {
            panic!(
                "README.md:{}: console block output before any `$` command",
                i + 1
            );
        }
    }
    for e in &mut out {
        while e.expected.last().is_some_and(String::is_empty) {
            e.expected.pop();
        }
    }
    out
}

/// Whether `actual` matches the pattern line (`…` = any characters).
fn line_matches(pattern: &str, actual: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    if parts.len() == 1 {
        return pattern == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &actual[first.len()..];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(at) => rest = &rest[at + mid.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Whether the lines match the expected lines (`...` = any lines).
fn block_matches(expected: &[String], actual: &[&str]) -> bool {
    // can[i][j]: expected[i..] matches actual[j..].
    let (n, m) = (expected.len(), actual.len());
    let mut can = vec![vec![false; m + 1]; n + 1];
    can[n][m] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            can[i][j] = if expected[i] == "..." {
                can[i + 1][j] || (j < m && can[i][j + 1])
            } else {
                j < m && line_matches(&expected[i], actual[j]) && can[i + 1][j + 1]
            };
        }
    }
    can[0][0]
}

/// A scratch folder laid out like the project's parent: `proj/samples` and
/// `shared` link to the real ones; `home/` has the folders the completion
/// examples write into.
fn scratch(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("telltale-readme-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let proj = base.join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::os::unix::fs::symlink(root().join("samples"), proj.join("samples")).unwrap();
    let shared = root().join("../shared");
    if shared.is_dir() {
        std::os::unix::fs::symlink(shared, base.join("shared")).unwrap();
    }
    for dir in [".local/share/bash-completion/completions", ".zfunc"] {
        std::fs::create_dir_all(base.join("home").join(dir)).unwrap();
    }
    proj
}

fn run(name: &str, examples: &[&Example]) -> usize {
    let proj = scratch(name);
    let bin = Path::new(env!("CARGO_BIN_EXE_telltale"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for e in examples {
        assert!(
            e.command.starts_with("telltale"),
            "README.md:{}: console examples run telltale only: {}",
            e.line,
            e.command
        );
        let out = Command::new("sh")
            .arg("-c")
            .arg(&e.command)
            .current_dir(&proj)
            .env("PATH", &path)
            .env("HOME", proj.parent().unwrap().join("home"))
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let actual: Vec<&str> = stdout.lines().map(str::trim_end).collect();
        if !out.status.success() {
            failures.push(format!(
                "README.md:{}: `{}` exited with {}: {}",
                e.line,
                e.command,
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if !e.expected.is_empty() && !block_matches(&e.expected, &actual) {
            failures.push(format!(
                "README.md:{}: `{}` prints something else.\n--- README shows:\n{}\n--- the tool prints:\n{}",
                e.line,
                e.command,
                e.expected.join("\n"),
                actual.join("\n")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(proj.parent().unwrap());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    examples.len()
}

fn needs_shared(e: &Example) -> bool {
    e.command.contains("../shared")
}

#[test]
fn readme_examples_on_samples() {
    let all = examples();
    let picked: Vec<&Example> = all.iter().filter(|e| !needs_shared(e)).collect();
    // Guards against examples silently leaving the test (a block no longer
    // marked `console`).
    assert!(
        picked.len() >= 15,
        "only {} README examples found",
        picked.len()
    );
    let n = run("samples", &picked);
    eprintln!("{n} README examples checked on samples/");
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn readme_examples_on_the_corpus() {
    let all = examples();
    let picked: Vec<&Example> = all.iter().filter(|e| needs_shared(e)).collect();
    assert!(!picked.is_empty());
    let n = run("corpus", &picked);
    eprintln!("{n} README examples checked on ../shared/corpus");
}

#[test]
fn matcher_handles_elisions() {
    let expected: Vec<String> = ["a…", "...", "x", "..."]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(block_matches(&expected, &["abc", "q", "x", "y"]));
    assert!(block_matches(&expected, &["a", "x"]));
    assert!(!block_matches(&expected, &["b", "x"]));
    assert!(line_matches("sha256 cb…)", "sha256 cb49857b)"));
    assert!(!line_matches("sha256 cb…)", "sha256 ab)"));
    assert!(line_matches("A…B…C", "AxxByyC"));
    assert!(!line_matches("A…A", "A"));
}
