//! Runs the `telltale` binary on the committed samples (see samples/README.md
//! for what each one contains and must report).

use serde_json::Value;
use std::process::Command;

mod common;
use common::telltale;

fn json(sample: &str) -> Value {
    let (code, out, err) = telltale(&["inspect", "--format", "json", sample]);
    assert_eq!(code, 0, "{sample}: {err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn basic_sample_reports_manifest_resources_and_signing() {
    let r = json("samples/basic.apk");
    assert_eq!(r["schema_version"], 2);
    assert_eq!(r["input"]["format"], "apk");
    assert_eq!(r["input"]["size"], 12772);
    let app = &r["app"];
    assert_eq!(app["platform"], "android");
    assert_eq!(app["id"], "org.telltale.sample.basic");
    assert_eq!(app["name"], "Telltale Basic");
    assert_eq!(app["version_name"], "1.4.2");
    assert_eq!(app["version_code"], "42");
    assert_eq!(app["min_sdk"], 21);
    assert_eq!(app["target_sdk"], 30);

    let perms = r["permissions"].as_array().unwrap();
    let perm = |n: &str| {
        perms
            .iter()
            .find(|p| p["name"] == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    assert_eq!(perms.len(), 4);
    assert!(
        perm("android.permission.READ_PHONE_STATE")["protection"]
            .as_str()
            .unwrap()
            .starts_with("dangerous")
    );
    assert!(
        perm("android.permission.INTERNET")["protection"]
            .as_str()
            .unwrap()
            .starts_with("normal")
    );
    assert_eq!(perm("android.permission.CAMERA")["sdk23_only"], true);
    assert_eq!(
        r["declared_permissions"][0]["name"],
        "org.telltale.sample.basic.permission.READ_ITEMS"
    );
    assert_eq!(r["declared_permissions"][0]["protection"], "signature");

    let comps = r["components"].as_array().unwrap();
    assert_eq!(comps.len(), 7);
    let comp = |n: &str| {
        comps
            .iter()
            .find(|c| c["name"] == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    let base = "org.telltale.sample.basic";
    for exported in [
        "ItemActivity",
        "MainActivity",
        "OpenActivity",
        "ShortcutAlias",
        "ItemsProvider",
        "BootReceiver",
    ] {
        assert_eq!(
            comp(&format!("{base}.{exported}"))["exported"],
            true,
            "{exported}"
        );
    }
    assert_eq!(comp(&format!("{base}.SyncService"))["exported"], false);
    assert_eq!(
        comp(&format!("{base}.ShortcutAlias"))["target"],
        format!("{base}.MainActivity")
    );
    assert_eq!(
        comp(&format!("{base}.ItemsProvider"))["permission"],
        format!("{base}.permission.READ_ITEMS")
    );

    let links = r["deep_links"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0]["scheme"], "https");
    assert_eq!(links[0]["host"], "shop.telltale.example");
    assert_eq!(links[0]["path"], "/item");
    assert_eq!(links[0]["verified"], true);
    assert_eq!(links[1]["scheme"], "telltale");
    assert_eq!(links[1]["verified"], false);

    assert_eq!(r["queried_packages"], serde_json::json!(["com.tencent.mm"]));
    assert_eq!(
        r["queried_intents"][0]["action"],
        "android.intent.action.VIEW"
    );
    let meta = r["meta_data"].as_array().unwrap();
    assert_eq!(meta.len(), 3);
    assert!(
        meta.iter()
            .any(|m| m["name"] == "UMENG_APPKEY" && m["value"] == "5f0c0ffee0ddba11telltale")
    );
    assert!(
        meta.iter()
            .any(|m| m["name"] == "org.telltale.sample.basic.SCREEN"
                && m["parent"] == format!("{base}.ItemActivity"))
    );

    let sec = &r["security"];
    assert_eq!(sec["debuggable"], true);
    assert_eq!(sec["allow_backup"], true);
    assert_eq!(sec["cleartext"], false);
    assert_eq!(
        sec["cleartext_domains"],
        serde_json::json!(["*.legacy.telltale.example"])
    );
    assert_eq!(sec["user_certs_trusted"], false);
    assert_eq!(sec["debug_overrides"], true);
    assert_eq!(sec["debug_user_certs_trusted"], true);
    assert_eq!(
        sec["network_security_config"],
        "res/xml/network_security_config.xml"
    );

    let signing = r["signing"].as_array().unwrap();
    assert_eq!(names(&r["signing"], "scheme"), ["v1", "v2", "v3"]);
    for s in signing {
        assert_eq!(
            s["sha256"],
            "2882421c7e0f78fbe59a32fdaa83f65ba906dd2e72d8df8005506f43896b36a5"
        );
        assert_eq!(s["country"], "ZZ");
    }
    assert_eq!(r["installable"]["android_accepts"], true);
    assert_eq!(r["installable"]["signed"], true);
    assert_eq!(r["warnings"], serde_json::json!([]));
}

#[test]
fn target31_without_exported_is_refused_by_android_12() {
    let r = json("samples/target31.apk");
    assert_eq!(r["app"]["target_sdk"], 33);
    assert_eq!(r["installable"]["android_accepts"], false);
    let reasons = r["installable"]["reasons"].as_array().unwrap();
    assert!(reasons.iter().any(|x| {
        x.as_str()
            .unwrap()
            .contains("org.telltale.sample.target31.ShareActivity")
    }));
    assert!(
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["path"] == "AndroidManifest.xml")
    );
    let share = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "org.telltale.sample.target31.ShareActivity")
        .cloned()
        .unwrap();
    assert_eq!(share["exported"], true);
    assert_eq!(names(&r["signing"], "scheme"), ["v2"]);
    assert_eq!(r["security"]["cleartext"], true);
    assert_eq!(r["security"]["allow_backup"], false);
    assert_eq!(r["security"]["user_certs_trusted"], false);
    assert!(
        r["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "android.permission.POST_NOTIFICATIONS"
                && p["protection"] == "dangerous")
    );
}

#[test]
fn unsigned_sample_says_unsigned_and_keeps_literal_label() {
    let r = json("samples/unsigned.apk");
    assert_eq!(r["app"]["name"], "Telltale Unsigned");
    assert_eq!(r["signing"], serde_json::json!([]));
    assert_eq!(r["installable"]["signed"], false);
    let (code, text, _) = telltale(&["inspect", "samples/unsigned.apk"]);
    assert_eq!(code, 0);
    assert!(text.contains("unsigned"));
}

#[test]
fn json_is_byte_identical_across_runs() {
    for sample in [
        "samples/basic.apk",
        "samples/sdk-planted.apk",
        "samples/target31.apk",
    ] {
        let (_, a, _) = telltale(&["inspect", "--format", "json", sample]);
        let (_, b, _) = telltale(&["inspect", "--format", "json", sample]);
        assert!(!a.is_empty());
        assert_eq!(a, b, "{sample}");
    }
}

#[test]
fn text_report_marks_dangerous_permissions_and_exported_components() {
    let (code, text, _) = telltale(&["inspect", "samples/basic.apk"]);
    assert_eq!(code, 0);
    assert!(text.contains("! android.permission.READ_PHONE_STATE"));
    assert!(text.contains("Exported components (6 of 7)"));
    assert!(text.contains("https://shop.telltale.example/item  (autoVerify)"));
    assert!(text.contains("debuggable          yes"));
}

#[test]
fn output_file_option_writes_the_report() {
    let dir = std::env::temp_dir().join(format!("telltale-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("r.json");
    let (code, stdout, _) = telltale(&[
        "inspect",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
        "samples/basic.apk",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["app"]["id"], "org.telltale.sample.basic");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn xml_command_prints_the_manifest_and_other_entries() {
    let (code, xml, err) = telltale(&["xml", "samples/basic.apk"]);
    assert_eq!(code, 0, "{err}");
    assert!(xml.contains("<manifest"));
    assert!(xml.contains("package=\"org.telltale.sample.basic\""));
    assert!(xml.contains("android:label=\"@string/app_name\""));
    let (code, nsc, _) = telltale(&[
        "xml",
        "samples/basic.apk",
        "res/xml/network_security_config.xml",
    ]);
    assert_eq!(code, 0);
    assert!(nsc.contains("<domain includeSubdomains=\"true\">legacy.telltale.example</domain>"));
}

#[test]
fn unreadable_input_fails_with_one_line_on_stderr() {
    let (code, out, err) = telltale(&["inspect", "Cargo.toml"]);
    assert_ne!(code, 0);
    assert!(out.is_empty());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let (code, _, _) = telltale(&["inspect", "does-not-exist.apk"]);
    assert_ne!(code, 0);
}

#[test]
fn json_does_not_depend_on_the_thread_count() {
    let run = |threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
            .args(["inspect", "--format", "json", "samples/splits.apks"])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run telltale");
        assert!(out.status.success());
        out.stdout
    };
    assert_eq!(run("1"), run("7"));
}

#[test]
fn completions_man_page_and_version() {
    let (code, bash, _) = telltale(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(bash.contains("_telltale()"), "{bash}");
    let (code, zsh, _) = telltale(&["completions", "zsh"]);
    assert_eq!(code, 0);
    assert!(zsh.contains("#compdef telltale"));
    let (code, man, _) = telltale(&["man"]);
    assert_eq!(code, 0);
    assert!(man.contains(".TH telltale"), "{man}");
    // One page documents every subcommand's options.
    assert!(man.contains(".SH \"TELLTALE INSPECT\""), "{man}");
    assert!(man.contains("\\-\\-max\\-entry\\-mib"), "{man}");
    assert!(!man.contains("telltale\\-inspect(1)"), "{man}");
    let (code, schema, _) = telltale(&["schema"]);
    assert_eq!(code, 0);
    assert!(schema.contains("\"$schema\""));
    let (code, version, _) = telltale(&["--version"]);
    assert_eq!(code, 0);
    assert!(version.contains("knowledge "), "{version}");
    assert!(version.contains("sha256 "), "{version}");
    let (_, help, _) = telltale(&["inspect", "--help"]);
    assert!(!help.contains("more kinds follow"));
    assert!(help.contains("--color"));
}

#[test]
fn text_report_names_trackers_and_sdks_by_name() {
    let (code, text, _) = telltale(&["inspect", "samples/sdk-planted.apk"]);
    assert_eq!(code, 0);
    // The knowledge base flags cmic-sso `tracker = false` (a login SDK),
    // although its categories include identification.
    assert!(text.contains("Trackers (3)"), "{text}");
    assert!(text.contains("Other SDKs and libraries (1)"), "{text}");
    assert!(
        text.contains("(1 caller)  via China Mobile one-click login"),
        "{text}"
    );
    assert!(!text.contains("via cmic-sso"));
    assert!(text.contains("(1 place)"));
}
