//! `--ip-data DIR`: IP-literal endpoints get their network and country from
//! the offline tables, the report names the tables' version and hash, and
//! without the option nothing changes. The tables here are written by the
//! test (one range covering the planted `10.11.12.13` of sdk-planted.apk).

use std::path::PathBuf;
use telltale::{Options, inspect_path};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tables(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("telltale-ip-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |f: &str, t: &str| std::fs::write(dir.join(f), t).unwrap();
    write(
        "asn-ipv4.csv",
        "10.11.0.0,10.11.255.255,64500,\"Planted Net, Ltd.\"\n",
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
