use super::*;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A fresh copy of data/ in a temporary folder (removed on drop).
struct TempData(PathBuf);

impl TempData {
    fn new(tag: &str) -> TempData {
        let dir =
            std::env::temp_dir().join(format!("telltale-knowledge-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in EMBEDDED {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        TempData(dir)
    }
}

impl Drop for TempData {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn embedded_list_matches_the_data_folder() {
    let mut on_disk = Vec::new();
    files::walk(&data_dir(), &data_dir(), &mut on_disk).unwrap();
    let mut on_disk: Vec<String> = on_disk.into_iter().map(|(r, _)| r).collect();
    on_disk.sort();
    let listed: Vec<String> = EMBEDDED.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(
        listed, on_disk,
        "knowledge/files.rs EMBEDDED is out of date"
    );
    for (rel, text) in EMBEDDED {
        let disk = std::fs::read_to_string(data_dir().join(rel)).unwrap();
        assert_eq!(&disk, text, "{rel}");
    }
}

#[test]
fn embedded_knowledge_loads_clean() {
    let k = Knowledge::embedded().unwrap();
    assert!(!k.version().is_empty());
    assert_eq!(k.sha256().len(), 64);
    assert!(k.signatures.sdk_count() >= 400);
    assert!(!k.identifier_apis.is_empty());
    assert!(!k.apple_identifier_apis.is_empty());
    assert!(!k.packers.is_empty());
}

#[test]
fn a_copy_of_data_gives_the_same_hash_and_an_edit_changes_it() {
    let embedded = Knowledge::embedded().unwrap();
    let copy = TempData::new("same");
    let k = Knowledge::from_dir(&copy.0).unwrap();
    assert_eq!(k.sha256(), embedded.sha256());
    // Any file counts, not only the signatures.
    for (rel, _) in EMBEDDED {
        let mut edited: Vec<(&str, String)> =
            EMBEDDED.iter().map(|(p, t)| (*p, t.to_string())).collect();
        for (p, t) in &mut edited {
            if p == rel {
                t.push_str("\n# an edit\n");
            }
        }
        let input: Vec<(&str, &str)> = edited.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let k = Knowledge::load(&input).unwrap();
        assert_ne!(k.sha256(), embedded.sha256(), "{rel}");
    }
    // Through a folder too, for a file the loaded base applies.
    let copy = TempData::new("edit");
    let path = copy.0.join("apple_privacy_sdks.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n# an edit\n");
    std::fs::write(&path, text).unwrap();
    let edited = Knowledge::from_dir(&copy.0).unwrap();
    assert_ne!(edited.sha256(), embedded.sha256());
}

#[test]
fn a_folder_s_packer_table_is_the_one_used() {
    let copy = TempData::new("packers");
    let path = copy.0.join("packers.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "\n[[packer]]\nname = \"Planted Packer\"\nvendor = \"Planted\"\nsignals = [\n  { kind = \"lib\", pattern = \"libplanted*.so\", source = \"test\" },\n]\n",
    );
    std::fs::write(&path, text).unwrap();
    let k = Knowledge::from_dir(&copy.0).unwrap();
    let planted = crate::native::packers::native_stub(&k.packers, "libplanted_a64.so");
    assert_eq!(planted.map(|p| p.name.as_str()), Some("Planted Packer"));
    assert!(!Knowledge::embedded().unwrap().packers.is_empty());
}

#[test]
fn a_folder_s_file_kinds_and_schemes_are_used() {
    let copy = TempData::new("kinds");
    let path = copy.0.join("file_kinds.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("opaque = [", "opaque = [\".txt\", ")).unwrap();
    let path = copy.0.join("endpoint_noise.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "stray_byte_schemes = [",
            "stray_byte_schemes = [\"gopher\", ",
        ),
    )
    .unwrap();
    let k = Knowledge::from_dir(&copy.0).unwrap();
    let built_in = Knowledge::embedded().unwrap();
    assert!(k.scan.file_kinds().is_opaque("assets/notes.txt"));
    assert!(!built_in.scan.file_kinds().is_opaque("assets/notes.txt"));
    let url = |rules: &crate::scan::Rules| {
        let hits = crate::scan::endpoints::scan_endpoints(
            rules.noise(),
            b"xgopher://a.example-cdn.net/",
            0,
        );
        hits.first().and_then(|h| h.url.clone())
    };
    assert_eq!(url(&k.scan).as_deref(), Some("gopher://a.example-cdn.net/"));
    assert_eq!(
        url(&built_in.scan).as_deref(),
        Some("xgopher://a.example-cdn.net/")
    );
}

#[test]
fn a_folder_may_not_change_a_format_table() {
    let copy = TempData::new("builtin");
    let path = copy.0.join("x500-keywords.tsv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n# an edit\n");
    std::fs::write(&path, text).unwrap();
    assert_eq!(
        Knowledge::from_dir(&copy.0).unwrap_err(),
        KnowledgeError::FormatTable("x500-keywords.tsv".into())
    );
}

#[test]
fn a_folder_s_scanner_rules_are_the_ones_used() {
    let copy = TempData::new("scanrules");
    let secrets = copy.0.join("secret_patterns.toml");
    let mut text = std::fs::read_to_string(&secrets).unwrap();
    text.push_str(
        "\n[[pattern]]\nkind = \"planted-token\"\nregex = \"PLANTED_[0-9]{12}\"\nsource = \"test\"\n",
    );
    std::fs::write(&secrets, text).unwrap();
    let noise = copy.0.join("endpoint_noise.toml");
    let text = std::fs::read_to_string(&noise).unwrap().replacen(
        "reserved_domains = [",
        "reserved_domains = [\"planted-noise.com\", ",
        1,
    );
    std::fs::write(&noise, text).unwrap();
    let text = b"x PLANTED_123456789012 https://api.planted-noise.com/v1 y";
    let built_in = crate::scan::scan_bytes(&Knowledge::embedded().unwrap().scan, text, 0);
    assert!(built_in.secrets.is_empty());
    assert_eq!(built_in.endpoints.len(), 1);
    let k = Knowledge::from_dir(&copy.0).unwrap();
    let found = crate::scan::scan_bytes(&k.scan, text, 0);
    let kinds: Vec<&str> = found.secrets.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["planted-token"]);
    assert!(found.endpoints.is_empty());
}

/// The noise context rules (`doc_hosts`, `doc_urls`, `noise_paths`), the
/// named-value `[key_names]` and the personal-data catalogue of a folder
/// are the ones used (they are no longer read from the built-in copy).
#[test]
fn a_folder_s_context_rules_key_names_and_personal_data_are_used() {
    let copy = TempData::new("contextrules");
    let edit = |file: &str, from: &str, to: &str| {
        let path = copy.0.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "endpoint_noise.toml",
        "doc_hosts = [",
        "doc_hosts = [\"docs.planted.com\", ",
    );
    edit(
        "endpoint_noise.toml",
        "patterns = [\"*.bks\",",
        "patterns = [\"*.planted\", \"*.bks\",",
    );
    edit(
        "secret_patterns.toml",
        "secret = [",
        "secret = [\"*PlantedName\", ",
    );
    let mut catalogue = std::fs::read_to_string(copy.0.join("personal_data_apis.toml")).unwrap();
    catalogue.push_str(
        "\n[[access]]\nid = \"planted-uri\"\nkind = \"contacts\"\nuri = \"content://planted\"\nreason = \"test\"\nsource = \"test\"\n",
    );
    std::fs::write(copy.0.join("personal_data_apis.toml"), catalogue).unwrap();
    let k = Knowledge::from_dir(&copy.0).unwrap();
    let built_in = Knowledge::embedded().unwrap();
    let ctx = k.scan.context();
    assert_eq!(
        ctx.classify("classes.dex", "docs.planted.com", None),
        Some("documentation")
    );
    assert_eq!(
        built_in
            .scan
            .context()
            .classify("classes.dex", "docs.planted.com", None),
        None
    );
    assert_eq!(
        ctx.classify("assets/x.planted", "api.real.com", None),
        Some("certificate")
    );
    let text = b"MyPlantedName=Zq8xY2w9Lp77\n";
    assert_eq!(crate::scan::named::scan(k.scan.key_names(), text).len(), 1);
    assert!(crate::scan::named::scan(built_in.scan.key_names(), text).is_empty());
    assert!(k.personal_data.uri_entry(b"content://planted/x").is_some());
    assert!(
        built_in
            .personal_data
            .uri_entry(b"content://planted/x")
            .is_none()
    );
}

#[test]
fn a_broken_file_is_an_error() {
    for rel in [
        "secret_patterns.toml",
        "endpoint_noise.toml",
        "file_kinds.toml",
        "identifier_apis.toml",
        "packers.toml",
        "apple_identifier_apis.toml",
        "apple_required_reason_apis.toml",
        "apple_privacy_sdks.toml",
        "apple_plist_sdk_keys.toml",
        "signatures/owners.toml",
        "signatures/sdks/global.toml",
    ] {
        let copy = TempData::new("broken");
        std::fs::write(copy.0.join(rel), "this is [not toml").unwrap();
        let err = Knowledge::from_dir(&copy.0).unwrap_err();
        assert!(
            matches!(&err, KnowledgeError::Invalid { .. }),
            "{rel}: {err}"
        );
    }
    let copy = TempData::new("tsv");
    std::fs::write(copy.0.join("permissions.tsv"), "one\tcolumn too few\n").unwrap();
    assert!(matches!(
        Knowledge::from_dir(&copy.0),
        Err(KnowledgeError::Invalid { .. })
    ));
}

#[test]
fn unknown_and_missing_files_are_errors() {
    let copy = TempData::new("unknown");
    std::fs::write(copy.0.join("extra.toml"), "").unwrap();
    assert_eq!(
        Knowledge::from_dir(&copy.0).unwrap_err(),
        KnowledgeError::Unknown("extra.toml".into())
    );
    let copy = TempData::new("missing");
    std::fs::remove_file(copy.0.join("packers.toml")).unwrap();
    assert_eq!(
        Knowledge::from_dir(&copy.0).unwrap_err(),
        KnowledgeError::Missing("packers.toml".into())
    );
}

#[test]
fn precompiled_signatures_and_hash_match_the_text() {
    let sorted: Vec<(&str, &str)> = EMBEDDED.to_vec();
    assert_eq!(EMBEDDED_SHA256, hash_files(&sorted));
    let mut sig: Vec<(&str, &str)> = sorted
        .iter()
        .filter_map(|(p, t)| Some((p.strip_prefix("signatures/")?, *t)))
        .filter(|(p, _)| *p != "README.md")
        .collect();
    sig.sort_by_key(|(p, _)| (signatures::raw::signature_rank(p), p.to_string()));
    let mut parsed = signatures::raw::parse(&sig);
    signatures::raw::strip_for_embedding(&mut parsed);
    // The embedded form (its strings borrowed) is the text's, value for value.
    assert_eq!(
        postcard::to_allocvec(&signatures::precompiled().unwrap()).unwrap(),
        postcard::to_allocvec(&parsed).unwrap()
    );
    let text = Knowledge::load(EMBEDDED).unwrap();
    let built = Knowledge::embedded().unwrap();
    assert_eq!(text.sha256(), built.sha256());
    assert_eq!(
        Knowledge::embedded_identity(),
        (built.version(), built.sha256())
    );
    assert_eq!(
        text.signatures.rule_counts(),
        built.signatures.rule_counts()
    );
    // The unchecked compile of the embedded form answers every rule as the
    // checked compile of the text does.
    let (a, b) = (&text.signatures, &built.signatures);
    assert!(a.sdk_ids().eq(b.sdk_ids()));
    for (_, sdk) in &parsed.sdks {
        for p in &sdk.packages {
            let class = format!("{p}.SomeClass");
            assert_eq!(a.sdk_for_class(&class), b.sdk_for_class(&class), "{p}");
        }
        for n in &sdk.native_libs {
            assert_eq!(a.sdk_for_native_lib(n), b.sdk_for_native_lib(n), "{n}");
        }
        for f in &sdk.ios_frameworks {
            assert_eq!(a.sdk_for_framework(f), b.sdk_for_framework(f), "{f}");
        }
        for d in &sdk.domains {
            assert_eq!(a.owner_for_host(d), b.owner_for_host(d), "{d}");
        }
        assert_eq!(a.owner_of_sdk(&sdk.id), b.owner_of_sdk(&sdk.id));
        assert_eq!(a.categories(&sdk.id), b.categories(&sdk.id));
        assert_eq!(a.is_tracker(&sdk.id), b.is_tracker(&sdk.id));
    }
    for o in parsed.owners.values() {
        for d in &o.domains {
            assert_eq!(a.owner_for_host(d), b.owner_for_host(d), "{d}");
        }
    }
}

#[test]
fn the_json_tables_are_the_toml_tables() {
    // Every built-in `data/*.toml` has its JSON form, which reads back as the
    // same document (so each table's parser sees the same values).
    let tables: Vec<&str> = EMBEDDED
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !p.contains('/') && p.ends_with(".toml"))
        .collect();
    let transcoded: Vec<&str> = EMBEDDED_JSON.iter().map(|(p, _)| *p).collect();
    assert_eq!(tables, transcoded);
    for (path, json) in EMBEDDED_JSON {
        let text = EMBEDDED.iter().find(|(p, _)| p == path).unwrap().1;
        let from_toml: toml::Value = toml::from_str(text).unwrap();
        let from_json: toml::Value = serde_json::from_str(json).unwrap();
        assert_eq!(from_toml, from_json, "{path}");
    }
    let text = Knowledge::load(EMBEDDED).unwrap();
    let built = Knowledge::embedded().unwrap();
    let debug = |k: &Knowledge| {
        format!(
            "{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}",
            k.identifier_apis,
            k.apple_identifier_apis,
            k.apple_reason_categories,
            k.apple_privacy_sdks,
            k.apple_tracking_categories,
            k.apple_plist_sdk_keys,
            k.scan.secrets().defs(),
            k.scan.key_names().secret,
            k.scan.key_names().public,
        )
    };
    assert_eq!(debug(&text), debug(built));
}
