//! iOS inspection: the built fixtures reported exactly, the real corpus IPAs
//! against `plistutil` / `llvm-otool -L`, and hostile inputs without a panic.

mod common;

use std::path::PathBuf;
use telltale::{Options, Report, inspect_path};

fn sample(name: &str) -> Report {
    common::sample(&format!("ios/{name}"))
}

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared"));
    if p.join("corpus").is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared/corpus is not present");
        None
    }
}

fn names<T>(items: &[T], f: impl Fn(&T) -> String) -> Vec<String> {
    items.iter().map(f).collect()
}

const APP: &str = "Payload/Tracking App.app/";

#[test]
fn tracking_app_fixture_is_reported_exactly() {
    let r = sample("tracking-app.ipa");
    assert_eq!(r.input.format, "ipa");
    assert_eq!(r.app.platform.as_deref(), Some("ios"));
    assert_eq!(r.app.id.as_deref(), Some("com.telltale.tracking"));
    assert_eq!(r.app.name.as_deref(), Some("Tracking App"));
    assert_eq!(r.app.version_name.as_deref(), Some("2.1.0"));
    assert_eq!(r.app.version_code.as_deref(), Some("42"));
    assert_eq!(r.app.min_os.as_deref(), Some("15.0"));
    assert_eq!(
        names(&r.permissions, |p| format!("{}:{}", p.name, p.protection)),
        [
            "NSCameraUsageDescription:usage-description",
            "NSUserTrackingUsageDescription:usage-description"
        ]
    );
    let ios = r.ios.as_ref().expect("ios facts");
    assert_eq!(
        names(&ios.usage_descriptions, |u| format!("{}={}", u.key, u.text)),
        [
            "NSCameraUsageDescription=Scan QR codes",
            "NSUserTrackingUsageDescription=Personalised ads"
        ]
    );
    assert_eq!(ios.background_modes, ["fetch", "remote-notification"]);
    assert_eq!(ios.skadnetwork_ids, ["v9wttpbfk9.skadnetwork"]);
    assert_eq!(
        names(&r.deep_links, |d| d.scheme.clone()),
        ["fb1234567890", "ttapp"]
    );
    assert_eq!(r.queried_schemes, ["fb", "instagram", "whatsapp"]);
    assert_eq!(r.security.ats_arbitrary_loads, Some(true));
    assert_eq!(
        r.security.cleartext_domains,
        ["legacy.telltale-fixture.net"]
    );
    assert_eq!(r.security.encrypted, Some(false));

    assert_eq!(
        names(&r.frameworks, |f| format!(
            "{} {} {} {}",
            f.name,
            f.bundle_id.clone().unwrap_or_default(),
            f.version.clone().unwrap_or_default(),
            f.sdk.clone().unwrap_or_default()
        )),
        [
            "AppsFlyerLib com.appsflyer.AppsFlyerLib 6.5.0 appsflyer",
            "FBSDKCoreKit com.facebook.sdk.FBSDKCoreKit 17.0.0 facebook"
        ]
    );
    let main = r
        .binaries
        .iter()
        .find(|b| b.path == format!("{APP}Tracking App"))
        .expect("main binary");
    assert_eq!(main.archs, ["arm64"]);
    assert!(!main.encrypted);
    assert_eq!(
        main.linked,
        [
            "@rpath/AppsFlyerLib.framework/AppsFlyerLib",
            "@rpath/FBSDKCoreKit.framework/FBSDKCoreKit"
        ]
    );
    assert_eq!(r.binaries.len(), 3);

    // SDKs: both frameworks, plus AdMob from its Info.plist key alone.
    assert_eq!(
        names(&r.sdks, |s| s.id.clone()),
        ["appsflyer", "facebook", "google-admob"]
    );
    let fb = r.sdks.iter().find(|s| s.id == "facebook").unwrap();
    let kinds: Vec<&str> = fb.evidence.iter().map(|e| e.kind.as_str()).collect();
    for k in ["code", "framework", "network", "plist"] {
        assert!(kinds.contains(&k), "facebook evidence lacks {k}: {kinds:?}");
    }
    assert!(fb.evidence.iter().any(|e| e.kind == "plist"
        && e.detail == "FacebookAppID"
        && e.path == format!("{APP}Info.plist")));
    let admob = r.sdks.iter().find(|s| s.id == "google-admob").unwrap();
    assert_eq!(
        names(&admob.evidence, |e| format!("{}:{}", e.kind, e.detail)),
        ["plist:GADApplicationIdentifier"]
    );

    assert_eq!(
        names(&r.endpoints, |e| format!("{} {}", e.host, e.sdks.join(","))),
        [
            "api.telltale-fixture.net ",
            "graph.facebook.com facebook",
            "launches.appsflyersdk.com appsflyer"
        ]
    );
    assert_eq!(
        names(&r.identifier_apis, |a| format!(
            "{} [{}]",
            a.api, a.category
        )),
        [
            "-[ASIdentifierManager advertisingIdentifier] [advertising-id]",
            "-[UIApplication canOpenURL:] [installed-apps]",
            "-[UIDevice identifierForVendor] [device-id]",
            "sysctlbyname(hw.machine) [device-build]"
        ]
    );
    assert!(
        r.identifier_apis
            .iter()
            .all(|a| a.callers == [format!("{APP}Tracking App")])
    );

    let pm = r.privacy_manifest.as_ref().expect("privacy manifest");
    assert!(pm.tracking);
    assert_eq!(pm.files, [format!("{APP}PrivacyInfo.xcprivacy")]);
    assert_eq!(pm.tracking_domains, ["graph.facebook.com"]);
    assert_eq!(
        pm.undeclared_tracking_domains,
        ["launches.appsflyersdk.com"]
    );
    assert_eq!(
        names(&pm.collected_data_types, |c| c.data_type.clone()),
        ["NSPrivacyCollectedDataTypeDeviceID"]
    );
    assert_eq!(
        names(&pm.accessed_api_types, |a| format!(
            "{} {:?}",
            a.category, a.reasons
        )),
        ["NSPrivacyAccessedAPICategorySystemBootTime [\"35F9.1\"]"]
    );
    assert_eq!(
        names(&pm.undeclared_api_categories, |u| format!(
            "{} {:?} {:?}",
            u.category, u.apis, u.binaries
        )),
        [format!(
            "NSPrivacyAccessedAPICategoryFileTimestamp [\"_stat\"] [\"{APP}Tracking App\"]"
        )]
    );
    assert_eq!(pm.sdks_without_manifest, ["FBSDKCoreKit"]);

    let prof = r.provisioning.as_ref().expect("provisioning profile");
    assert_eq!(prof.team_id.as_deref(), Some("TELLTALE01"));
    assert_eq!(prof.team_name.as_deref(), Some("Telltale Fixture Team"));
    assert_eq!(prof.expires.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(prof.device_count, 2);
    assert_eq!(
        prof.entitlements,
        [
            "application-identifier",
            "aps-environment",
            "get-task-allow"
        ]
    );
    assert_eq!(r.signing.len(), 1);
    assert_eq!(r.signing[0].scheme, "ios");
    assert_eq!(
        r.signing[0].subject,
        "C=NL, O=Telltale Fixture Team, OU=TELLTALE01, CN=Apple Development: Telltale Fixture (TELLTALE01), UID=TELLTALE01"
    );
    // __MACOSX and ._ entries are ignored; the only warning is ATS.
    assert_eq!(
        names(&r.warnings, |w| w.path.clone()),
        [format!("{APP}Info.plist")]
    );
}

#[test]
fn encrypted_slice_is_reported_and_the_rest_inspected() {
    for (name, path) in [
        ("locked.ipa", "Payload/Locked.app/Locked"),
        ("fat-encrypted.macho", "fat-encrypted.macho"),
    ] {
        let r = sample(name);
        assert_eq!(r.binaries.len(), 1, "{name}");
        let b = &r.binaries[0];
        assert_eq!(b.path, path);
        assert_eq!(b.archs, ["x86_64", "arm64"]);
        assert!(b.encrypted);
        assert_eq!(b.encrypted_archs, ["arm64"]);
        assert_eq!(b.unreadable, ["arm64: __TEXT,__cstring"]);
        assert_eq!(r.security.encrypted, Some(true));
        // The readable x86_64 slice still gives its strings and APIs.
        assert_eq!(
            names(&r.endpoints, |e| e.host.clone()),
            ["vault.telltale-fixture.net"]
        );
        assert_eq!(
            names(&r.identifier_apis, |a| a.api.clone()),
            ["sysctlbyname(hw.machine)"]
        );
        assert!(
            r.warnings
                .iter()
                .any(|w| w.path == path && w.message.starts_with("FairPlay-encrypted (arm64)")),
            "{:?}",
            r.warnings
        );
    }
    assert_eq!(
        sample("locked.ipa").app.id.as_deref(),
        Some("com.telltale.locked")
    );
}

/// (file, bundle id, CFBundleShortVersionString, CFBundleVersion, linked
/// libraries of the main executable). Values read with `plistutil` and
/// `llvm-otool -L`; the skeleton IPAs have no executable.
const REAL: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "appinfo-apple-tv-BilibiliLive.ipa",
        "com.etan.tv.BilibiliLive.tvOS",
        "1.0",
        "1",
        &[
            "/System/Library/Frameworks/AVFAudio.framework/AVFAudio",
            "/System/Library/Frameworks/AVFoundation.framework/AVFoundation",
            "/System/Library/Frameworks/AVKit.framework/AVKit",
            "/System/Library/Frameworks/Accelerate.framework/Accelerate",
            "/System/Library/Frameworks/CFNetwork.framework/CFNetwork",
            "/System/Library/Frameworks/Combine.framework/Combine",
            "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation",
            "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics",
            "/System/Library/Frameworks/CoreImage.framework/CoreImage",
            "/System/Library/Frameworks/CoreMedia.framework/CoreMedia",
            "/System/Library/Frameworks/CoreServices.framework/CoreServices",
            "/System/Library/Frameworks/CoreVideo.framework/CoreVideo",
            "/System/Library/Frameworks/CryptoKit.framework/CryptoKit",
            "/System/Library/Frameworks/Foundation.framework/Foundation",
            "/System/Library/Frameworks/ImageIO.framework/ImageIO",
            "/System/Library/Frameworks/QuartzCore.framework/QuartzCore",
            "/System/Library/Frameworks/Security.framework/Security",
            "/System/Library/Frameworks/SwiftUI.framework/SwiftUI",
            "/System/Library/Frameworks/SystemConfiguration.framework/SystemConfiguration",
            "/System/Library/Frameworks/TVUIKit.framework/TVUIKit",
            "/System/Library/Frameworks/UIKit.framework/UIKit",
            "/System/Library/Frameworks/Vision.framework/Vision",
            "/usr/lib/libSystem.B.dylib",
            "/usr/lib/libc++.1.dylib",
            "/usr/lib/libobjc.A.dylib",
            "/usr/lib/libxml2.2.dylib",
            "/usr/lib/libz.1.dylib",
            "/usr/lib/swift/libswiftAVFoundation.dylib",
            "/usr/lib/swift/libswiftAccelerate.dylib",
            "/usr/lib/swift/libswiftCore.dylib",
            "/usr/lib/swift/libswiftCoreAudio.dylib",
            "/usr/lib/swift/libswiftCoreFoundation.dylib",
            "/usr/lib/swift/libswiftCoreGraphics.dylib",
            "/usr/lib/swift/libswiftCoreImage.dylib",
            "/usr/lib/swift/libswiftCoreML.dylib",
            "/usr/lib/swift/libswiftCoreMedia.dylib",
            "/usr/lib/swift/libswiftDarwin.dylib",
            "/usr/lib/swift/libswiftDispatch.dylib",
            "/usr/lib/swift/libswiftMetal.dylib",
            "/usr/lib/swift/libswiftOSLog.dylib",
            "/usr/lib/swift/libswiftObjectiveC.dylib",
            "/usr/lib/swift/libswiftQuartzCore.dylib",
            "/usr/lib/swift/libswiftTVUIKit.dylib",
            "/usr/lib/swift/libswiftUIKit.dylib",
            "/usr/lib/swift/libswiftUniformTypeIdentifiers.dylib",
            "/usr/lib/swift/libswiftVision.dylib",
            "/usr/lib/swift/libswift_Concurrency.dylib",
            "/usr/lib/swift/libswiftos.dylib",
            "/usr/lib/swift/libswiftsimd.dylib",
        ],
    ),
    (
        "appinfo-ipad.ipa",
        "com.icyleaf.bundle",
        "1.0",
        "1",
        UIKIT_APP,
    ),
    (
        "appinfo-iphone.ipa",
        "com.icyleaf.AppInfoDemo",
        "1.2.3",
        "5",
        UIKIT_APP,
    ),
    (
        "fastlane-ContainsWatchApp.ipa",
        "com.example.Sample",
        "1.2.0",
        "1",
        &[],
    ),
    (
        "fastlane-iOSAppOnly.ipa",
        "com.example.Sample",
        "1.2.0",
        "1",
        &[],
    ),
    (
        "fastlane-very-capable-app-with-spaces.ipa",
        "org.fastlane.very-capable-app",
        "1.0",
        "1",
        CAPABLE,
    ),
    (
        "fastlane-very-capable-app.ipa",
        "org.fastlane.very-capable-app",
        "1.0",
        "1",
        CAPABLE,
    ),
    (
        "mobsf-helloworld.ipa",
        "com.kthcorp.helloworld",
        "1.0",
        "1.0",
        &[
            "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation",
            "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics",
            "/System/Library/Frameworks/Foundation.framework/Foundation",
            "/System/Library/Frameworks/UIKit.framework/UIKit",
            "/usr/lib/libSystem.B.dylib",
            "/usr/lib/libobjc.A.dylib",
        ],
    ),
    (
        "owasp-UnDebuggable-L1.ipa",
        "sg.vp.UnDebuggable",
        "1.0",
        "1",
        &[
            "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation",
            "/System/Library/Frameworks/Foundation.framework/Foundation",
            "/System/Library/Frameworks/UIKit.framework/UIKit",
            "/usr/lib/libSystem.B.dylib",
            "/usr/lib/libobjc.A.dylib",
        ],
    ),
];

const UIKIT_APP: &[&str] = &[
    "/System/Library/Frameworks/Foundation.framework/Foundation",
    "/System/Library/Frameworks/UIKit.framework/UIKit",
    "/usr/lib/libSystem.B.dylib",
    "/usr/lib/libobjc.A.dylib",
];

const CAPABLE: &[&str] = &[
    "/System/Library/Frameworks/AudioToolbox.framework/AudioToolbox",
    "/System/Library/Frameworks/CloudKit.framework/CloudKit",
    "/System/Library/Frameworks/ExternalAccessory.framework/ExternalAccessory",
    "/System/Library/Frameworks/Foundation.framework/Foundation",
    "/System/Library/Frameworks/GameKit.framework/GameKit",
    "/System/Library/Frameworks/HealthKit.framework/HealthKit",
    "/System/Library/Frameworks/HomeKit.framework/HomeKit",
    "/System/Library/Frameworks/MapKit.framework/MapKit",
    "/System/Library/Frameworks/NetworkExtension.framework/NetworkExtension",
    "/System/Library/Frameworks/PassKit.framework/PassKit",
    "/System/Library/Frameworks/StoreKit.framework/StoreKit",
    "/System/Library/Frameworks/UIKit.framework/UIKit",
    "/usr/lib/libSystem.B.dylib",
    "/usr/lib/libobjc.A.dylib",
];

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn real_ipas_match_plistutil_and_otool() {
    let Some(shared) = shared() else { return };
    for (file, id, short, version, linked) in REAL {
        let r = inspect_path(&shared.join("corpus/ipa").join(file), &Options::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(r.input.format, "ipa", "{file}");
        assert_eq!(r.app.id.as_deref(), Some(*id), "{file}");
        assert_eq!(r.app.version_name.as_deref(), Some(*short), "{file}");
        assert_eq!(r.app.version_code.as_deref(), Some(*version), "{file}");
        let root = r
            .binaries
            .iter()
            .filter(|b| !b.path.contains(".framework/"))
            .min_by_key(|b| b.path.len());
        match root {
            Some(b) => assert_eq!(b.linked, *linked, "{file}"),
            None => assert!(linked.is_empty(), "{file}: no binary found"),
        }
    }
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn hostile_apple_inputs_do_not_panic() {
    let Some(shared) = shared() else { return };
    let mut files = Vec::new();
    for dir in ["ipa", "macho", "plist", "malformed"] {
        let Ok(rd) = std::fs::read_dir(shared.join("corpus").join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            let apple = dir != "malformed"
                || [".ipa", ".macho", ".mobileprovision"]
                    .iter()
                    .any(|x| name.ends_with(x))
                || name.starts_with("rubymacho-");
            if apple {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 60, "only {} files", files.len());
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        let dir = f
            .parent()
            .and_then(|p| p.file_name())
            .unwrap()
            .to_str()
            .unwrap();
        let result = inspect_path(f, &Options::default());
        // Plain plists are not packages, and the 15-byte "IPA" is not a ZIP:
        // an error is the right answer there. Everything else gives a report.
        let must_report = (dir == "ipa"
            || dir == "macho"
            || name.ends_with(".macho")
            || name.ends_with(".mobileprovision")
            || name.ends_with(".provisionprofile")
            || name.ends_with(".ipa"))
            && name != "fastlane-not-an-ipa.ipa";
        match result {
            Ok(r) => {
                let broken_macho = name.starts_with("rubymacho-")
                    && dir == "malformed"
                    && !name.contains("unk_lc");
                let broken_profile = dir == "malformed" && name.ends_with(".mobileprovision");
                if broken_macho || broken_profile {
                    assert!(
                        !r.warnings.is_empty(),
                        "{name}: broken input without a warning"
                    );
                }
            }
            Err(e) => assert!(!must_report, "{name}: {e}"),
        }
    }
}

/// The platform comes from the Info.plist: the Apple TV app of the corpus is
/// `tvos` (with `min tvOS` in the text), every other IPA there is `ios`.
#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn platform_is_read_from_the_info_plist() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("corpus/ipa");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ipa"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for path in &files {
        let r = inspect_path(path, &Options::default()).unwrap();
        let want = if path.ends_with("appinfo-apple-tv-BilibiliLive.ipa") {
            "tvos"
        } else {
            "ios"
        };
        assert_eq!(r.app.platform.as_deref(), Some(want), "{}", path.display());
    }
    let tv = dir.join("appinfo-apple-tv-BilibiliLive.ipa");
    let (code, text, _) = common::telltale(&["inspect", tv.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(text.contains("  min tvOS  16.0"), "{text}");
}
