use super::*;

fn catalogue() -> &'static [ApiSpec] {
    &crate::knowledge::Knowledge::embedded()
        .unwrap()
        .identifier_apis
}

/// [`scan_dex`] over every `(entry path, dex)` and [`collect`] of the hits.
fn detect(dexes: &[(String, &Dex)], place_of: &dyn Fn(&str) -> String) -> Vec<IdentifierApi> {
    let hits: Vec<(&str, ApiHit)> = dexes
        .iter()
        .flat_map(|(path, dex)| {
            scan_dex(dex, catalogue())
                .into_iter()
                .map(move |h| (path.as_str(), h))
        })
        .collect();
    collect(catalogue(), hits.iter().map(|(p, h)| (*p, h)), place_of)
}

const SAMPLE: &[u8] = include_bytes!("../../../samples/identifiers.dex");

fn cmic(class: &str) -> String {
    if class.starts_with("com.cmic.sso.sdk.") {
        "cmic-sso".into()
    } else if class.starts_with("com.example.app.") {
        APP.into()
    } else {
        OTHER.into()
    }
}

fn rec(api: &str, cat: &str, callers: &[&str], locs: &[(&str, u64)]) -> IdentifierApi {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in callers {
        groups.entry(cmic(c)).or_default().push(c.to_string());
    }
    IdentifierApi {
        api: api.into(),
        category: cat.into(),
        callers: callers.iter().map(|c| c.to_string()).collect(),
        sdks: groups.keys().filter(|k| *k != OTHER).cloned().collect(),
        callers_by_sdk: groups
            .into_iter()
            .map(|(sdk, callers)| CallerGroup { sdk, callers })
            .collect(),
        locations: locs
            .iter()
            .map(|(p, o)| Location {
                path: p.to_string(),
                offset: Some(*o),
                ..Location::default()
            })
            .collect(),
    }
}

#[test]
fn catalogue_loads_and_is_consistent() {
    let specs = catalogue();
    assert!(specs.len() >= 60, "{}", specs.len());
    // parse_catalogue() rejects inconsistent entries; make sure the bundled file passed it.
    let again = parse_catalogue(include_str!("../../../data/identifier_apis.toml")).unwrap();
    assert_eq!(again.len(), specs.len());
    let cats: BTreeSet<&str> = specs.iter().map(|s| s.category.as_str()).collect();
    for c in [
        "android-id",
        "hardware-id",
        "sim-id",
        "phone-number",
        "network-id",
        "wifi",
        "cell",
        "location",
        "installed-apps",
        "advertising-id",
        "account",
        "clipboard",
        "sensor",
        "drm-id",
        "device-build",
    ] {
        assert!(cats.contains(c), "missing category {c}");
    }
    // Neither method nor field: rejected.
    assert!(parse_catalogue("[[api]]\napi='x'\ncategory='c'\nclass='La;'\nsource='s'\n").is_err());
}

#[test]
fn sample_detection_is_exact() {
    let dex = Dex::parse(SAMPLE).unwrap();
    // The annotation puts getSubscriberId in the method table without any call.
    let has_subscriber_id = (0..dex.method_ids().count)
        .filter_map(|i| dex.method_ref(i))
        .any(|m| m.name == "getSubscriberId");
    assert!(has_subscriber_id);

    let got = detect(&[("classes.dex".to_string(), &dex)], &cmic);
    let auth = "com.cmic.sso.sdk.auth.AuthnHelper";
    let main = "com.example.app.MainActivity";
    let at = |o: u64| [("classes.dex", o)];
    let want = vec![
        rec(
            "android.content.pm.PackageManager.getInstalledPackages",
            "installed-apps",
            &["com.cmic.sso.sdk.auth.AuthnHelper$1"],
            &at(0x6da),
        ),
        rec(
            "android.net.wifi.WifiInfo.getMacAddress",
            "network-id",
            &[auth],
            &at(0x748),
        ),
        rec(
            "android.os.Build.SERIAL",
            "hardware-id",
            &[main],
            &at(0x7ce),
        ),
        rec(
            "android.provider.Settings.Secure.getString(android_id)",
            "android-id",
            &[auth],
            &at(0x710),
        ),
        rec(
            "android.telephony.TelephonyManager.getDeviceId",
            "hardware-id",
            &[auth, main],
            &at(0x72c),
        ),
        rec(
            "com.google.android.gms.ads.identifier.AdvertisingIdClient.Info.getId",
            "advertising-id",
            &[main],
            &at(0x76c),
        ),
        rec(
            "com.google.android.gms.ads.identifier.AdvertisingIdClient.getAdvertisingIdInfo",
            "advertising-id",
            &[main],
            &at(0x764),
        ),
    ];
    assert_eq!(got, want);
}

#[test]
fn several_dex_entries_and_sdk_votes() {
    let dex = Dex::parse(SAMPLE).unwrap();
    let dexes = [
        ("classes.dex".to_string(), &dex),
        ("classes2.dex".to_string(), &dex),
    ];
    // Every caller is placed: each place is listed with its callers.
    let sdk = |c: &str| {
        if c.starts_with("com.example.") {
            APP.to_string()
        } else {
            "aa-sdk".to_string()
        }
    };
    let got = detect(&dexes, &sdk);
    let imei = got
        .iter()
        .find(|a| a.api == "android.telephony.TelephonyManager.getDeviceId")
        .unwrap();
    // Both places that call it are listed, each with its callers.
    assert_eq!(imei.sdks, ["aa-sdk", "app"]);
    assert_eq!(imei.callers_by_sdk.len(), 2);
    let paths: Vec<&str> = imei.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths, ["classes.dex", "classes2.dex"]);
    let serial = got
        .iter()
        .find(|a| a.api == "android.os.Build.SERIAL")
        .unwrap();
    assert_eq!(serial.sdks, ["app"]);
    // Every SDK that calls it is listed, not only the one with most callers.
    let hit = |caller: &str| ApiHit {
        spec: 0,
        caller: caller.to_string(),
        offset: 1,
    };
    let hits = [hit("a.One"), hit("z.Two"), hit("z.Three"), hit("n.None")];
    let by_pkg = |c: &str| match c.split('.').next() {
        Some("a") => "aa-sdk".to_string(),
        Some("z") => "zz-sdk".to_string(),
        _ => OTHER.to_string(),
    };
    let merged = collect(
        catalogue(),
        hits.iter().map(|h| ("classes.dex", h)),
        &by_pkg,
    );
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].sdks, ["aa-sdk", "zz-sdk"]);
    let groups: Vec<(&str, usize)> = merged[0]
        .callers_by_sdk
        .iter()
        .map(|g| (g.sdk.as_str(), g.callers.len()))
        .collect();
    assert_eq!(groups, [("aa-sdk", 1), ("other", 1), ("zz-sdk", 2)]);
    assert_eq!(merged[0].callers, ["a.One", "n.None", "z.Three", "z.Two"]);
    assert_eq!(detect(&dexes, &|_| OTHER.to_string()).len(), 7);
}

#[test]
fn hostile_dex_gives_no_panic() {
    let mut m = SAMPLE.to_vec();
    for i in (0x6d0..0x760).step_by(7) {
        m[i] = 0xFF;
    }
    if let Ok(dex) = Dex::parse(&m) {
        let _ = scan_dex(&dex, catalogue());
    }
    let dex = Dex::parse(&SAMPLE[..0x700]).unwrap();
    assert!(!dex.warnings().is_empty());
    let _ = scan_dex(&dex, catalogue());
}

/// Prints detection results and timings for the dex files in `$DEX_FILES`
/// (space-separated), e.g. dex entries taken out of corpus APKs.
#[test]
#[ignore]
fn print_detection() {
    let Ok(paths) = std::env::var("DEX_FILES") else {
        return;
    };
    let files: Vec<(String, Vec<u8>)> = paths
        .split_whitespace()
        .map(|p| (p.to_string(), std::fs::read(p).unwrap()))
        .collect();
    let t = std::time::Instant::now();
    let dexes: Vec<Dex> = files.iter().map(|(_, b)| Dex::parse(b).unwrap()).collect();
    let named: Vec<(String, &Dex)> = files
        .iter()
        .zip(&dexes)
        .map(|((p, _), d)| (p.rsplit('/').next().unwrap_or(p).to_string(), d))
        .collect();
    let prefix = |c: &str| {
        c.rsplit_once('.')
            .map_or(String::new(), |(pkg, _)| pkg.to_string())
    };
    let got = detect(&named, &prefix);
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    for a in &got {
        println!(
            "{}\t{}\t{:?}\t{:?}\t{:?}",
            a.api, a.category, a.sdks, a.callers, a.locations
        );
    }
    let t = std::time::Instant::now();
    let mut refs = 0u64;
    for d in &dexes {
        refs += d.walk_code(|_| {}).refs;
    }
    let walk_ms = t.elapsed().as_secs_f64() * 1000.0;
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!("detect: {ms:.1} ms; bare walk: {walk_ms:.1} ms, {refs} refs, {bytes} bytes");
}
