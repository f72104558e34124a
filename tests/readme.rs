//! Every command example in README.md is checked here, or counted as
//! skipped with the README's reason.
//!
//! A `console` block holds examples: each `$ command` line is run with
//! `sh -c` (the built binary first on `PATH`) in a scratch folder that links
//! `samples/` and `../shared`, with `HOME` pointed into it; the lines after a
//! command, up to the next `$`, are its expected standard output. A line
//! `...` stands for any number of lines, and `…` inside a line for any
//! characters (hashes, commits); trailing spaces are ignored. A command
//! shown without output must only succeed. Examples that name `../shared`
//! run in their own test, ignored without the corpus; those that use `$DB`
//! run against a PostgreSQL server the test starts (skipped with a message
//! without PostgreSQL). A block marked `console figures-vary` (the
//! `scripts/batch-bench` table) runs over a small scratch corpus, and only
//! its shape is compared: words holding a digit or a `/` match any such word.
//!
//! An `sh` block holds commands the tests do not run; its first line says
//! why (`# not run by the tests (…)`). Any other block must not hold `$`
//! lines, so no example escapes both.

mod common;

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
    /// Compare the shape of the output only (`console figures-vary`).
    shape: bool,
    /// Which `console` block it is in (examples of one block run together).
    block: usize,
}

/// A command of an `sh` block, with the block's reason.
struct NotRun {
    line: usize,
    command: String,
    reason: String,
}

/// The examples of every `console` block and the commands of every `sh`
/// block, in order.
fn examples() -> (Vec<Example>, Vec<NotRun>) {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut out: Vec<Example> = Vec::new();
    let mut not_run: Vec<NotRun> = Vec::new();
    #[derive(PartialEq)]
    enum Block {
        None,
        Console { shape: bool },
        Sh { reason: Option<String> },
        Other,
    }
    let mut block = Block::None;
    let mut blocks = 0;
    // A block inside a list item is indented like its fence.
    let mut indent = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            if block != Block::None {
                block = Block::None;
                continue;
            }
            indent = line.len() - line.trim_start().len();
            let mut words = info.split_whitespace();
            block = match words.next() {
                Some("console") => {
                    blocks += 1;
                    Block::Console {
                        shape: words.any(|w| w == "figures-vary"),
                    }
                }
                Some("sh") => Block::Sh { reason: None },
                _ => Block::Other,
            };
            continue;
        }
        let body = line.get(indent..).unwrap_or("");
        match &mut block {
            Block::None => {}
            Block::Other => assert!(
                !body.starts_with("$ "),
                "README.md:{}: a `$` example outside a `console` block is not tested",
                i + 1
            ),
            Block::Sh { reason } => {
                if reason.is_none() {
                    let why = body
                        .strip_prefix("# not run by the tests")
                        .unwrap_or_else(|| {
                            panic!(
                                "README.md:{}: an `sh` block starts with `# not run by the tests (why)`",
                                i + 1
                            )
                        });
                    *reason = Some(why.trim().to_string());
                } else if !body.trim().is_empty() && !body.trim_start().starts_with('#') {
                    not_run.push(NotRun {
                        line: i + 1,
                        command: body.trim().to_string(),
                        reason: reason.clone().unwrap_or_default(),
                    });
                }
            }
            Block::Console { shape } => {
                if let Some(cmd) = body.strip_prefix("$ ") {
                    out.push(Example {
                        line: i + 1,
                        command: cmd.to_string(),
                        expected: Vec::new(),
                        shape: *shape,
                        block: blocks,
                    });
                } else if let Some(last) = out.last_mut() {
                    last.expected.push(body.trim_end().to_string());
                } else {
                    panic!(
                        "README.md:{}: console block output before any `$` command",
                        i + 1
                    );
                }
            }
        }
    }
    for e in &mut out {
        while e.expected.last().is_some_and(String::is_empty) {
            e.expected.pop();
        }
    }
    (out, not_run)
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

/// The shape of a line: words holding a digit or a `/` (figures, paths)
/// become `#`, runs of spaces one space.
fn shape(line: &str) -> String {
    line.split_whitespace()
        .map(|w| {
            if w.chars().any(|c| c.is_ascii_digit() || c == '/') {
                "#"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A scratch folder laid out like the project's parent: `proj/samples`,
/// `proj/scripts` and `shared` link to the real ones; `home/` has the
/// folders the completion examples write into.
fn scratch(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("telltale-readme-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let proj = base.join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    for dir in ["samples", "scripts"] {
        std::os::unix::fs::symlink(root().join(dir), proj.join(dir)).unwrap();
    }
    let shared = root().join("../shared");
    if shared.is_dir() {
        std::os::unix::fs::symlink(shared, base.join("shared")).unwrap();
    }
    for dir in [".local/share/bash-completion/completions", ".zfunc"] {
        std::fs::create_dir_all(base.join("home").join(dir)).unwrap();
    }
    proj
}

/// Runs the examples in order in the scratch folder `proj` with the extra
/// environment `env`; panics with every failure. Removes the scratch folder.
fn run(proj: &Path, examples: &[&Example], env: &[(&str, &str)]) -> usize {
    let bin = Path::new(env!("CARGO_BIN_EXE_telltale"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for e in examples {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(&e.command)
            .current_dir(proj)
            .env("PATH", &path)
            .env("HOME", proj.parent().unwrap().join("home"))
            .env("NO_COLOR", "1")
            .env("TELLTALE_BIN", bin)
            .env_remove("SOURCE_DATE_EPOCH");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut actual: Vec<String> = stdout.lines().map(|l| l.trim_end().to_string()).collect();
        let mut expected = e.expected.clone();
        if e.shape {
            actual = actual.iter().map(|l| shape(l)).collect();
            expected = expected.iter().map(|l| shape(l)).collect();
        }
        let actual: Vec<&str> = actual.iter().map(String::as_str).collect();
        if !out.status.success() {
            failures.push(format!(
                "README.md:{}: `{}` exited with {}: {}",
                e.line,
                e.command,
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if !expected.is_empty() && !block_matches(&expected, &actual) {
            failures.push(format!(
                "README.md:{}: `{}` prints something else{}.\n--- README shows:\n{}\n--- the tool prints:\n{}",
                e.line,
                e.command,
                if e.shape { " (shape)" } else { "" },
                expected.join("\n"),
                actual.join("\n")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(proj.parent().unwrap());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    examples.len()
}

#[derive(PartialEq)]
enum Needs {
    Samples,
    Corpus,
    Postgres,
    /// `console figures-vary`: the benchmark table.
    Bench,
}

/// What the examples of `e`'s block need: a block with one command on the
/// corpus or the PostgreSQL store runs as a whole in that test.
fn needs(all: &[Example], e: &Example) -> Needs {
    let block: Vec<&Example> = all.iter().filter(|x| x.block == e.block).collect();
    if e.shape {
        Needs::Bench
    } else if block.iter().any(|x| x.command.contains("$DB")) {
        Needs::Postgres
    } else if block.iter().any(|x| x.command.contains("../shared")) {
        Needs::Corpus
    } else {
        Needs::Samples
    }
}

fn picked(what: Needs) -> Vec<Example> {
    let all = examples().0;
    let keep: Vec<bool> = all.iter().map(|e| needs(&all, e) == what).collect();
    all.into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

#[test]
fn readme_examples_on_samples() {
    let all = picked(Needs::Samples);
    // Guards against examples silently leaving the test (a block no longer
    // marked `console`).
    assert!(all.len() >= 25, "only {} README examples found", all.len());
    let n = run(&scratch("samples"), &all.iter().collect::<Vec<_>>(), &[]);
    eprintln!("{n} README examples checked on samples/");
    let not_run = examples().1;
    eprintln!("{} README commands skipped (`sh` blocks):", not_run.len());
    for c in &not_run {
        eprintln!("  README.md:{}: {}  {}", c.line, c.command, c.reason);
    }
}

#[test]
fn readme_sh_blocks_say_why() {
    let not_run = examples().1;
    assert!(!not_run.is_empty());
    for c in &not_run {
        assert!(
            c.reason.starts_with('(') && c.reason.ends_with(')'),
            "README.md:{}",
            c.line
        );
    }
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn readme_examples_on_the_corpus() {
    let all = picked(Needs::Corpus);
    assert!(!all.is_empty());
    let n = run(&scratch("corpus"), &all.iter().collect::<Vec<_>>(), &[]);
    eprintln!("{n} README examples checked on ../shared/corpus");
}

#[test]
fn readme_examples_on_postgresql() {
    let all = picked(Needs::Postgres);
    assert!(!all.is_empty());
    let Some(pg) = common::postgres::server("readme") else {
        eprintln!("skipping: {} README PostgreSQL examples", all.len());
        return;
    };
    let n = run(
        &scratch("postgres"),
        &all.iter().collect::<Vec<_>>(),
        &[("DB", &pg.url)],
    );
    eprintln!("{n} README examples checked on PostgreSQL");
}

/// `scripts/batch-bench` as the README shows it, over a scratch
/// `../shared/corpus` of the iOS samples: the table's rows and columns.
#[test]
fn readme_bench_table_shape() {
    let all = picked(Needs::Bench);
    assert_eq!(all.len(), 1, "one benchmark example");
    let e = &all[0];
    for tool in ["/usr/bin/time", "python3"] {
        if !common::have(tool) {
            eprintln!(
                "skipping: README.md:{}: `{}` needs {tool}",
                e.line, e.command
            );
            return;
        }
    }
    let proj = scratch("bench");
    let base = proj.parent().unwrap();
    let _ = std::fs::remove_file(base.join("shared"));
    let corpus = base.join("shared/corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for f in std::fs::read_dir(root().join("samples/ios")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, corpus.join(f.file_name().unwrap())).unwrap();
    }
    let mut example = Example {
        line: e.line,
        command: e.command.clone(),
        expected: e.expected.clone(),
        shape: true,
        block: e.block,
    };
    if common::postgres::bin_dir().is_none() {
        // batch-bench says so in one line instead of the PostgreSQL rows.
        let keep = example
            .expected
            .iter()
            .position(|l| l.contains("PostgreSQL") || l.starts_with("queue"))
            .unwrap_or(example.expected.len());
        example.expected.truncate(keep);
        example.expected.push("PostgreSQL: skipped …".into());
        eprintln!("skipping: the PostgreSQL rows of README.md:{}", e.line);
    }
    run(&proj, &[&example], &[]);
    eprintln!("1 README example checked: the shape of the batch-bench table");
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
