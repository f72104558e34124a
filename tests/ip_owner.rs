//! `--ip-data DIR`: IP-literal endpoints get their network and country from
//! the offline tables, the report names the tables' version and hash, and
//! without the option nothing changes; `batch` hands the tables to its
//! workers and keys stored runs by their hash, `diff` shows the network. The
//! tables here are written by the test (one range covering the planted
//! `10.11.12.13` of sdk-planted.apk).

use std::path::PathBuf;
use telltale::{Options, inspect_path};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tables(name: &str) -> PathBuf {
    tables_named(name, "Planted Net, Ltd.")
}

fn tables_named(name: &str, org: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("telltale-ip-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |f: &str, t: &str| std::fs::write(dir.join(f), t).unwrap();
    write(
        "asn-ipv4.csv",
        &format!("10.11.0.0,10.11.255.255,64500,\"{org}\"\n"),
    );
    write("asn-ipv6.csv", "");
    write(
        "geo-whois-asn-country-ipv4.csv",
        "10.11.0.0,10.11.255.255,ZZ\n",
    );
    write("geo-whois-asn-country-ipv6.csv", "");
    write("VERSION", "test-tables@1\n");
    dir
}

#[test]
fn ip_literals_get_owner_and_country() {
    let sample = root().join("samples/sdk-planted.apk");
    let dir = tables("owner");
    let options = Options {
        ip_data_dir: Some(dir.clone()),
        ..Options::default()
    };
    let r = inspect_path(&sample, &options).expect("inspects");
    let ip = r
        .endpoints
        .iter()
        .find(|e| e.host == "10.11.12.13")
        .expect("planted IP");
    let owner = ip.ip_owner.as_ref().expect("owner");
    assert_eq!(owner.asn, Some(64500));
    assert_eq!(owner.org.as_deref(), Some("Planted Net, Ltd."));
    assert_eq!(owner.country.as_deref(), Some("ZZ"));
    assert!(
        r.endpoints
            .iter()
            .filter(|e| e.host != "10.11.12.13")
            .all(|e| e.ip_owner.is_none())
    );
    let data = r.ip_data.as_ref().expect("ip_data");
    assert_eq!(data.version, "test-tables@1");
    assert_eq!(data.sha256.len(), 64);
    let text = telltale::report::text::render(&r);
    assert!(
        text.contains("network AS64500 Planted Net, Ltd. (ZZ)"),
        "{text}"
    );

    let plain = inspect_path(&sample, &Options::default()).expect("inspects");
    assert!(plain.ip_data.is_none());
    let json = telltale::report::json::render(&plain);
    assert!(json.contains("\"ip_data\": null"), "{json}");
    assert!(!json.contains("\"ip_owner\": {"), "{json}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_folder_without_tables_is_a_warning() {
    let options = Options {
        ip_data_dir: Some(root().join("samples")),
        ..Options::default()
    };
    let r = inspect_path(&root().join("samples/sdk-planted.apk"), &options).expect("inspects");
    assert!(r.ip_data.is_none());
    assert!(
        r.warnings
            .iter()
            .any(|w| w.message.contains("no IP owner tables"))
    );
}

fn telltale(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run telltale");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `ip_owner` of the planted IP in every report of a batch store.
fn stored_owners(store: &str) -> Vec<serde_json::Value> {
    let (code, jsonl, err) = telltale(&["export", store]);
    assert_eq!(code, 0, "{err}");
    jsonl
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["report"]["endpoints"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["host"] == "10.11.12.13")
                .expect("planted IP")["ip_owner"]
                .clone()
        })
        .collect()
}

#[test]
fn batch_workers_use_the_tables_and_runs_are_keyed_by_them() {
    let dir = tables("batch");
    let other = tables_named("batch-other", "Other Net");
    let store = dir.join("runs.sqlite");
    let store_s = store.to_str().unwrap();
    let sample = root().join("samples/sdk-planted.apk");
    let sample_s = sample.to_str().unwrap();
    let run = |ip: Option<&std::path::Path>| {
        let mut args = vec!["batch", sample_s, "--db", store_s, "--jobs", "1"];
        let ip_s;
        if let Some(ip) = ip {
            ip_s = ip.to_str().unwrap().to_string();
            args.extend(["--ip-data", ip_s.as_str()]);
        }
        let (code, _, err) = telltale(&args);
        assert_eq!(code, 0, "{err}");
        err
    };
    let err = run(Some(&dir));
    assert!(
        err.contains("1 inspected, 0 failed, 0 already stored"),
        "{err}"
    );
    let owners = stored_owners(store_s);
    assert_eq!(owners.len(), 1);
    assert_eq!(owners[0]["asn"], 64500);
    assert_eq!(owners[0]["country"], "ZZ");
    // Same tables: the stored run is reused.
    let err = run(Some(&dir));
    assert!(
        err.contains("0 inspected, 0 failed, 1 already stored"),
        "{err}"
    );
    // Other tables, or none: inspected again (the export shows the newest run).
    let err = run(Some(&other));
    assert!(
        err.contains("1 inspected, 0 failed, 0 already stored"),
        "{err}"
    );
    assert_eq!(stored_owners(store_s)[0]["org"], "Other Net");
    let err = run(None);
    assert!(
        err.contains("1 inspected, 0 failed, 0 already stored"),
        "{err}"
    );
    assert!(stored_owners(store_s)[0].is_null());
    // The first tables again: their run is still stored.
    let err = run(Some(&dir));
    assert!(
        err.contains("0 inspected, 0 failed, 1 already stored"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(other);
}

#[test]
fn diff_shows_the_network_of_ip_literals() {
    let dir = tables("diff");
    let old = root().join("samples/basic.apk");
    let new = root().join("samples/sdk-planted.apk");
    let (code, json, err) = telltale(&[
        "diff",
        "--format",
        "json",
        "--ip-data",
        dir.to_str().unwrap(),
        old.to_str().unwrap(),
        new.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&json).unwrap();
    let added = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["section"] == "endpoints" && c["key"] == "10.11.12.13")
        .expect("the planted IP is added");
    assert!(
        added["detail"]
            .as_str()
            .unwrap()
            .ends_with("network AS64500 Planted Net, Ltd. (ZZ)"),
        "{added}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
