//! `inspect --format html --knowledge DIR` takes the words for codes
//! (`report_labels.toml`: country names, identifier categories) from DIR,
//! and the report's knowledge hash names that folder.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn html(knowledge: Option<&Path>) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_telltale"));
    c.args(["inspect", "--format", "html"]);
    if let Some(k) = knowledge {
        c.arg("--knowledge").arg(k);
    }
    let out = c
        .arg(root().join("samples/sdk-planted.apk"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_folder_s_report_labels_are_the_ones_rendered() {
    let dir = std::env::temp_dir().join(format!("telltale-labels-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&root().join("data"), &dir);
    let labels = dir.join("report_labels.toml");
    let text = std::fs::read_to_string(&labels)
        .unwrap()
        .replace("CN = \"China\"", "CN = \"Planted Country Name\"");
    std::fs::write(&labels, text).unwrap();
    let built_in = html(None);
    assert!(built_in.contains(">China<") && !built_in.contains("Planted Country Name"));
    let edited = html(Some(&dir));
    assert!(
        edited.contains("Planted Country Name"),
        "DIR's label not used"
    );
    assert!(!edited.contains(">China<"));
    let _ = std::fs::remove_dir_all(&dir);
}
