//! Hardening at the command line: `-o` never destroys the input, caps are
//! validated, the tool's own limits never blame the package, bare files are
//! inspected directly.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn telltale(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run telltale");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("telltale-hardening-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn output_over_the_input_is_refused_and_dash_is_stdout() {
    let dir = scratch("o");
    let input = dir.join("app.apk");
    let original = std::fs::read("samples/basic.apk").unwrap();
    std::fs::write(&input, &original).unwrap();
    std::os::unix::fs::symlink(&input, dir.join("alias.apk")).unwrap();
    for out in [
        input.clone(),
        dir.join("alias.apk"),
        dir.join(".").join("app.apk"),
    ] {
        let (code, stdout, err) = telltale(&["inspect", "-o", s(&out), s(&input)]);
        assert_ne!(code, 0, "{}", out.display());
        assert!(stdout.is_empty());
        assert!(err.contains("refusing"), "{err}");
        assert_eq!(std::fs::read(&input).unwrap(), original);
    }
    let (code, stdout, err) = telltale(&["inspect", "--format", "json", "-o", "-", s(&input)]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["app"]["id"], "org.telltale.sample.basic");
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("-").exists());
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn zero_caps_are_rejected() {
    for flag in ["--max-entry-mib", "--max-total-mib"] {
        let (code, out, err) = telltale(&["inspect", flag, "0", "samples/basic.apk"]);
        assert_ne!(code, 0, "{flag} 0 accepted");
        assert!(out.is_empty());
        assert!(err.contains(flag), "{err}");
    }
}
