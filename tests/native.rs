//! Native libraries end to end: every ABI's libraries listed with the ABI
//! from the ELF header, SONAME, DT_NEEDED, JNI classes and the SDK they
//! belong to, on the samples and on real corpus APKs (skipped when
//! `../shared/corpus` is absent).

mod common;

use common::{corpus, inspect};
use std::path::Path;
use telltale::report::model::{NativeLibrary, Report};

fn lib<'a>(r: &'a Report, path: &str) -> &'a NativeLibrary {
    r.native_libraries
        .iter()
        .find(|n| n.path == path)
        .unwrap_or_else(|| panic!("{path} not listed"))
}

fn paths(r: &Report) -> Vec<&str> {
    let mut v: Vec<&str> = r.native_libraries.iter().map(|n| n.path.as_str()).collect();
    v.sort();
    v
}

#[test]
fn planted_jni_export_names_the_sdk() {
    let r = inspect(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/sdk-planted.apk"
    )));
    assert_eq!(
        paths(&r),
        [
            "lib/arm64-v8a/libplanted.so",
            "lib/armeabi-v7a/libplanted.so"
        ]
    );
    for (path, abi) in [
        ("lib/arm64-v8a/libplanted.so", "arm64-v8a"),
        ("lib/armeabi-v7a/libplanted.so", "armeabi-v7a"),
    ] {
        let n = lib(&r, path);
        assert_eq!(n.arch.as_deref(), Some(abi));
        assert_eq!(n.abi_from_header.as_deref(), Some(abi));
        assert_eq!(n.soname.as_deref(), Some("libplanted.so"));
        assert_eq!(n.jni_classes, ["com.cmic.sso.sdk.auth.AuthnHelper"]);
        assert_eq!(n.sdk.as_deref(), Some("cmic-sso"));
    }
    let cmic = r
        .sdks
        .iter()
        .find(|s| s.id == "cmic-sso")
        .expect("cmic-sso");
    let native: Vec<_> = cmic
        .evidence
        .iter()
        .filter(|e| e.kind == "native")
        .collect();
    assert_eq!(native.len(), 2, "{:?}", cmic.evidence);
    assert!(
        native
            .iter()
            .all(|e| e.detail.contains("com.cmic.sso.sdk.auth.AuthnHelper"))
    );
    assert!(r.packers.is_empty());
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn rootcloak_every_abi() {
    let Some(p) = corpus("apk/rootcloak2_v18.apk") else {
        return;
    };
    let r = inspect(&p);
    let abis = [
        "arm64-v8a",
        "armeabi",
        "armeabi-v7a",
        "mips",
        "mips64",
        "x86",
        "x86_64",
    ];
    let mut expected: Vec<String> = abis
        .iter()
        .map(|a| format!("lib/{a}/librootcloak.so"))
        .collect();
    expected.sort();
    assert_eq!(paths(&r), expected);
    for a in abis {
        let n = lib(&r, &format!("lib/{a}/librootcloak.so"));
        assert_eq!(n.arch.as_deref(), Some(a));
        assert_eq!(n.abi_from_header.as_deref(), Some(a), "{n:?}");
        assert_eq!(n.soname.as_deref(), Some("librootcloak.so"));
        assert_eq!(n.elf_kind.as_deref(), Some("shared-library"));
        assert_eq!(
            n.needed,
            [
                "liblog.so",
                "libstdc++.so",
                "libm.so",
                "libc.so",
                "libdl.so"
            ]
        );
        assert_eq!(n.sdk, None);
    }
    assert!(r.packers.is_empty());
    assert!(
        !r.warnings.iter().any(|w| w.message.starts_with("ELF")),
        "{:?}",
        r.warnings
    );
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn upyun_every_abi() {
    let Some(p) = corpus("apk-trackers/upyun-loginDemo.apk") else {
        return;
    };
    let r = inspect(&p);
    // As `unzip -l`: libjcore228.so for 7 ABIs, libCtaApiLib.so for 5.
    let mut expected = Vec::new();
    for a in [
        "arm64-v8a",
        "armeabi",
        "armeabi-v7a",
        "mips",
        "mips64",
        "x86",
        "x86_64",
    ] {
        if !a.starts_with("mips") {
            expected.push(format!("lib/{a}/libCtaApiLib.so"));
        }
        expected.push(format!("lib/{a}/libjcore228.so"));
    }
    expected.sort();
    assert_eq!(paths(&r), expected);
    for n in &r.native_libraries {
        let folder = n.path.split('/').nth(1);
        assert_eq!(n.arch.as_deref(), folder, "{n:?}");
        assert_eq!(n.abi_from_header.as_deref(), folder, "{n:?}");
        let name = n.path.rsplit('/').next();
        assert_eq!(n.soname.as_deref(), name);
        let sdk = if n.path.ends_with("libjcore228.so") {
            "jiguang-jcore"
        } else {
            "ctcc-login"
        };
        assert_eq!(n.sdk.as_deref(), Some(sdk), "{n:?}");
    }
    assert!(r.packers.is_empty());
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn fusion_msa_packed_library() {
    let Some(p) = corpus("apk-trackers/fusion-anti-addiction-demo.apk") else {
        return;
    };
    let r = inspect(&p);
    assert_eq!(
        paths(&r),
        [
            "lib/arm64-v8a/lib39285EFA.so",
            "lib/armeabi-v7a/lib39285EFA.so",
            "lib/armeabi/lib39285EFA.so",
            "lib/x86/lib39285EFA.so"
        ]
    );
    for n in &r.native_libraries {
        assert_eq!(n.sdk.as_deref(), Some("msa-oaid"), "{n:?}");
        assert_eq!(n.soname.as_deref(), Some("libjdog.so"), "{n:?}");
    }
    // One ARMv5 build ships in both 32-bit ARM folders: same family, no warning.
    assert_eq!(
        lib(&r, "lib/armeabi-v7a/lib39285EFA.so")
            .abi_from_header
            .as_deref(),
        Some("armeabi")
    );
    assert_eq!(
        lib(&r, "lib/armeabi-v7a/lib39285EFA.so").arch.as_deref(),
        Some("armeabi-v7a")
    );
    assert!(
        !r.warnings
            .iter()
            .any(|w| w.message.contains("ELF header says")),
        "{:?}",
        r.warnings
    );
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn android_project_bugly() {
    let Some(p) = corpus("apk-trackers/AndroidProject-8d44588-umeng-bugly.apk") else {
        return;
    };
    let r = inspect(&p);
    assert_eq!(
        paths(&r),
        ["lib/arm64-v8a/libBugly.so", "lib/armeabi-v7a/libBugly.so"]
    );
    for n in &r.native_libraries {
        assert_eq!(n.sdk.as_deref(), Some("bugly"));
        assert_eq!(n.soname.as_deref(), Some("libBugly.so"));
        assert!(n.needed.iter().any(|d| d == "liblog.so"), "{n:?}");
    }
    let bugly = r.sdks.iter().find(|s| s.id == "bugly").expect("bugly");
    assert!(bugly.evidence.iter().any(|e| e.kind == "native"));
}

#[test]
#[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
fn executables_in_assets_are_listed() {
    let Some(p) = corpus("apk/XposedInstaller_3.1.5.apk") else {
        return;
    };
    let r = inspect(&p);
    assert_eq!(
        paths(&r),
        ["assets/arm/busybox-xposed", "assets/x86/busybox-xposed"]
    );
    for n in &r.native_libraries {
        assert_eq!(n.elf_kind.as_deref(), Some("executable"), "{n:?}");
        assert!(n.needed.is_empty());
    }
    assert_eq!(
        lib(&r, "assets/x86/busybox-xposed").arch.as_deref(),
        Some("x86")
    );
    assert!(!r.warnings.iter().any(|w| w.message.starts_with("ELF")));
}
