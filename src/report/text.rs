//! Text renderer: a person's summary of the report.

use crate::report::bytes;
use crate::report::model::{Location, Owner, Report};
use std::fmt::Write;

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

fn owner_text(owner: &Option<Owner>) -> String {
    match owner {
        Some(o) => {
            let mut s = o.name.clone();
            if let Some(c) = &o.country {
                let _ = write!(s, ", {c}");
            }
            if o.state_owned == Some(true) {
                s.push_str(", state-owned");
            }
            s
        }
        None => "owner unknown".into(),
    }
}

/// Renders the report as a readable summary.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let app = &r.app;
    let _ = writeln!(
        o,
        "{}  ({}, {} bytes, sha256 {})",
        r.input.path, r.input.format, r.input.size, r.input.sha256
    );
    provenance_header(&mut o, r);
    let _ = writeln!(o);
    let _ = writeln!(o, "App");
    let _ = writeln!(o, "  id        {}", opt(&app.id));
    let _ = writeln!(o, "  name      {}", opt(&app.name));
    let _ = writeln!(
        o,
        "  version   {} ({})",
        opt(&app.version_name),
        opt(&app.version_code)
    );
    if app.platform.as_deref() == Some("android") {
        let sdk = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            o,
            "  sdk       min {}  target {}",
            sdk(app.min_sdk),
            sdk(app.target_sdk)
        );
    }
    if let Some(min_os) = &app.min_os {
        let _ = writeln!(o, "  min iOS   {min_os}");
    }
    match r.installable.android_accepts {
        Some(true) => {
            let _ = writeln!(o, "  android   would read this package");
        }
        Some(false) => {
            let _ = writeln!(o, "  android   WOULD REFUSE this package:");
            for reason in &r.installable.reasons {
                let _ = writeln!(o, "              - {reason}");
            }
        }
        None => {}
    }
    if r.installable.signed == Some(false) {
        let _ = writeln!(
            o,
            "            unsigned: Android installs only signed packages"
        );
    }

    if !r.parts.is_empty() {
        let _ = writeln!(o, "\nParts ({})", r.parts.len());
        for p in &r.parts {
            let split = p
                .split
                .as_deref()
                .map(|s| format!("  [{s}]"))
                .unwrap_or_default();
            let _ = writeln!(o, "    {:<13} {}{split}  {} bytes", p.kind, p.path, p.size);
        }
    }
    if !r.packed_code.is_empty() {
        let _ = writeln!(
            o,
            "\nLikely packed/encrypted code ({})",
            r.packed_code.len()
        );
        for p in &r.packed_code {
            let _ = writeln!(o, "  ! {}  ({})", p.path, p.reason);
        }
    }

    if !r.permissions.is_empty() {
        let dangerous = r.permissions.iter().filter(|p| p.is_dangerous()).count();
        let _ = writeln!(
            o,
            "\nPermissions ({}, {dangerous} dangerous)",
            r.permissions.len()
        );
        for p in &r.permissions {
            let mark = if p.is_dangerous() { "!" } else { " " };
            let sdk23 = if p.sdk23_only { "  [sdk-23+]" } else { "" };
            let _ = writeln!(o, "  {mark} {}  ({}){sdk23}", p.name, p.protection);
        }
    }
    if !r.declared_permissions.is_empty() {
        let _ = writeln!(o, "\nPermissions declared by the app");
        for p in &r.declared_permissions {
            let _ = writeln!(o, "    {}  ({})", p.name, p.protection);
        }
    }
    let exported: Vec<_> = r.components.iter().filter(|c| c.exported).collect();
    if !r.components.is_empty() {
        let _ = writeln!(
            o,
            "\nExported components ({} of {})",
            exported.len(),
            r.components.len()
        );
        for c in exported {
            let guard = c
                .permission
                .as_deref()
                .map(|p| format!("  guarded by {p}"))
                .unwrap_or_default();
            let _ = writeln!(o, "    {:<15} {}{guard}", c.kind, c.name);
        }
    }
    if !r.deep_links.is_empty() {
        let _ = writeln!(o, "\nDeep links");
        for d in &r.deep_links {
            let verified = if d.verified { "  (autoVerify)" } else { "" };
            let _ = writeln!(
                o,
                "    {}://{}{}{verified}  -> {}",
                d.scheme,
                d.host.as_deref().unwrap_or("*"),
                d.path.as_deref().unwrap_or(""),
                d.component
            );
        }
    }
    if !r.queried_packages.is_empty() {
        let _ = writeln!(o, "\nQueried packages: {}", r.queried_packages.join(", "));
    }
    if !r.queried_schemes.is_empty() {
        let _ = writeln!(o, "\nQueried URL schemes: {}", r.queried_schemes.join(", "));
    }
    // Bundled and repackaged SDKs first; declared (manifest only) and
    // referenced (called, not shipped) ones are kept apart.
    for (found, title) in [
        ("bundled", "SDKs"),
        ("repackaged", "SDKs repackaged under another package prefix"),
        ("declared", "SDKs declared in the manifest only (no code)"),
        ("referenced", "SDKs referenced by the code but not bundled"),
    ] {
        let group: Vec<_> = r.sdks.iter().filter(|s| s.found == found).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{title} ({})", group.len());
        for s in group {
            let under = if s.repackaged_under.is_empty() {
                String::new()
            } else {
                format!("  under {}", s.repackaged_under.join(", "))
            };
            let _ = writeln!(
                o,
                "    {}  [{}]  {}  ({} evidence){under}",
                s.name,
                s.categories.join(", "),
                owner_text(&s.owner),
                s.evidence_count
            );
        }
    }
    if !r.identifier_apis.is_empty() {
        let _ = writeln!(
            o,
            "\nDevice identifiers and fingerprinting APIs ({})",
            r.identifier_apis.len()
        );
        for i in &r.identifier_apis {
            let sdk = if i.sdks.is_empty() {
                String::new()
            } else {
                format!("  via {}", i.sdks.join(", "))
            };
            let _ = writeln!(
                o,
                "    {:<16} {}  ({} callers){sdk}",
                i.category,
                i.api,
                i.callers.len()
            );
        }
    }
    if !r.personal_data.is_empty() {
        let _ = writeln!(o, "\nPersonal data read ({})", r.personal_data.len());
        for p in &r.personal_data {
            let sdk = if p.sdks.is_empty() {
                String::new()
            } else {
                format!("  via {}", p.sdks.join(", "))
            };
            let _ = writeln!(
                o,
                "    {:<16} {}  ({} callers){sdk}",
                p.kind,
                p.evidence.join(", "),
                p.callers.len()
            );
        }
    }
    if !r.endpoints.is_empty() {
        let _ = writeln!(o, "\nEndpoints ({})", r.endpoints.len());
        for e in &r.endpoints {
            let sdk = if e.sdks.is_empty() {
                String::new()
            } else {
                format!("  [{}]", e.sdks.join(", "))
            };
            let owner = if e.owner.is_some() {
                format!("  {}", owner_text(&e.owner))
            } else {
                String::new()
            };
            let network = match &e.ip_owner {
                Some(n) => {
                    let parts: Vec<String> = [
                        n.asn.map(|a| format!("AS{a}")),
                        n.org.clone(),
                        n.country.as_ref().map(|c| format!("({c})")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    format!("  network {}", parts.join(" "))
                }
                None => String::new(),
            };
            let _ = writeln!(o, "    {}{owner}{network}{sdk}", e.host);
            if let Some(l) = e.locations.first() {
                location_line(&mut o, l, e.locations_total.max(e.locations.len()));
            }
        }
    }
    if !r.secrets.is_empty() {
        let _ = writeln!(o, "\nSecrets ({})", r.secrets.len());
        for s in &r.secrets {
            let shown = s.value.as_deref().unwrap_or(&s.preview);
            let keys = if s.keys.is_empty() {
                String::new()
            } else {
                format!("  under {}", s.keys.join(", "))
            };
            let _ = writeln!(
                o,
                "    {:<24} {shown}  ({} places){keys}",
                s.kind,
                s.locations.len()
            );
            if let Some(l) = s.locations.first() {
                location_line(&mut o, l, s.locations_total.max(s.locations.len()));
            }
        }
    }
    native_section(&mut o, r);

    if r.app.platform.as_deref() == Some("ios") {
        ios_sections(&mut o, r);
    } else {
        android_security(&mut o, r);
    }

    let _ = writeln!(o, "\nSigning");
    if r.signing.is_empty() {
        let bare = matches!(
            r.input.format.as_str(),
            "dex" | "elf" | "axml" | "arsc" | "plist"
        );
        let capped = r
            .warnings
            .iter()
            .any(|w| w.message.starts_with("signing not checked (cap)"));
        let _ = if bare {
            writeln!(o, "  not applicable (a lone file, not a package)")
        } else if capped {
            writeln!(o, "  not checked (cap)")
        } else {
            writeln!(o, "  unsigned")
        };
    }
    for c in &r.signing {
        let _ = writeln!(o, "  {:<5} {}", c.scheme, c.subject);
        let _ = writeln!(o, "        sha256 {}", c.sha256);
    }

    check_by_hand(&mut o, r);

    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\nWarnings ({})", r.warnings.len());
        for w in &r.warnings {
            let at = if w.path.is_empty() {
                String::new()
            } else {
                format!("{}: ", w.path)
            };
            let _ = writeln!(o, "  - {at}{}", w.message);
        }
    }
    o
}

/// Tool, knowledge base, options and time under the input line.
fn provenance_header(o: &mut String, r: &Report) {
    let Some(p) = &r.provenance else {
        return;
    };
    let _ = writeln!(
        o,
        "  made by   {} {} (source {})",
        p.tool_name, p.tool_version, p.source_commit
    );
    let _ = writeln!(
        o,
        "  knowledge {} (sha256 {})",
        opt(&p.knowledge_version),
        opt(&p.knowledge_sha256)
    );
    let options: Vec<String> = p.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(o, "  options   {}", options.join(" "));
    match (&p.analysed_at, &p.time_source) {
        (Some(at), Some(source)) => {
            let _ = writeln!(o, "  analysed  {at} ({source})");
        }
        _ => {
            let _ = writeln!(
                o,
                "  analysed  time not stated (deterministic; --timestamp or SOURCE_DATE_EPOCH)"
            );
        }
    }
    for m in &p.members {
        let _ = writeln!(
            o,
            "  member    {}  {} bytes  sha256 {}",
            m.name, m.size, m.sha256
        );
    }
}

/// One location under a finding: where, and the bytes there.
fn location_line(o: &mut String, l: &Location, total: usize) {
    let at = l.offset.map(|v| format!("@{v}")).unwrap_or_default();
    let more = if total > 1 {
        format!("  (+{} more)", total - 1)
    } else {
        String::new()
    };
    let _ = writeln!(o, "        at {}{at}{more}", l.path);
    if let Some(x) = &l.excerpt {
        let _ = writeln!(o, "           bytes \"{}\"", x.ascii);
    }
}

/// How to check one finding by hand, with the first located endpoint or secret.
fn check_by_hand(o: &mut String, r: &Report) {
    let first = r
        .endpoints
        .iter()
        .flat_map(|e| e.locations.iter())
        .chain(r.secrets.iter().flat_map(|s| s.locations.iter()))
        .find(|l| l.offset.is_some() && l.excerpt.is_some());
    let (Some(l), Some(offset)) = (first, first.and_then(|l| l.offset)) else {
        return;
    };
    let count = l.excerpt.as_ref().map(|x| x.length).unwrap_or(0);
    let _ = writeln!(
        o,
        "\nCheck it by hand (every location above works the same way)"
    );
    let _ = writeln!(
        o,
        "  {}",
        bytes::check_command(
            &r.input.path,
            r.input.format == "apk-dir",
            &l.path,
            offset,
            count
        )
    );
    let _ = writeln!(
        o,
        "  or: telltale verify REPORT.json {}   (checks every location of a JSON report)",
        r.input.path
    );
}

/// Packers (first, they change how to read everything else) and native
/// libraries, one line each with SONAME, DT_NEEDED and JNI classes.
fn native_section(o: &mut String, r: &Report) {
    for p in &r.packers {
        let _ = writeln!(
            o,
            "\nCode hidden by packer {} ({}): static analysis sees only the stub",
            p.name, p.vendor
        );
        for e in p.evidence.iter().take(5) {
            let _ = writeln!(o, "    {:<8} {}", e.kind, e.path);
        }
    }
    if r.native_libraries.is_empty() {
        return;
    }
    let mut per_abi: std::collections::BTreeMap<&str, usize> = Default::default();
    for n in &r.native_libraries {
        *per_abi.entry(n.arch.as_deref().unwrap_or("?")).or_default() += 1;
    }
    let abis: Vec<String> = per_abi.iter().map(|(a, n)| format!("{a} {n}")).collect();
    let _ = writeln!(
        o,
        "\nNative libraries ({}: {})",
        r.native_libraries.len(),
        abis.join(", ")
    );
    for n in &r.native_libraries {
        let mut line = format!("    {}", n.path);
        if let Some(s) = &n.sdk {
            let _ = write!(line, "  [{s}]");
        }
        if let Some(k) = n.elf_kind.as_deref().filter(|k| *k != "shared-library") {
            let _ = write!(line, "  ({k})");
        }
        if let Some(h) = &n.abi_from_header
            && n.arch.as_deref() != Some(h.as_str())
        {
            let _ = write!(line, "  (header: {h})");
        }
        if !n.needed.is_empty() {
            let _ = write!(line, "  needs {}", n.needed.join(", "));
        }
        if let Some(first) = n.jni_classes.first() {
            let more = match n.jni_classes.len() {
                1 => String::new(),
                k => format!(" +{}", k - 1),
            };
            let _ = write!(line, "  JNI {first}{more}");
        }
        let _ = writeln!(o, "{line}");
    }
}

fn android_security(o: &mut String, r: &Report) {
    let s = &r.security;
    let _ = writeln!(o, "\nSecurity");
    let _ = writeln!(o, "  debuggable          {}", yes_no(s.debuggable));
    let _ = writeln!(o, "  allowBackup         {}", yes_no(s.allow_backup));
    let _ = writeln!(o, "  cleartext traffic   {}", yes_no(s.cleartext));
    if !s.cleartext_domains.is_empty() {
        let _ = writeln!(
            o,
            "  cleartext domains   {}",
            s.cleartext_domains.join(", ")
        );
    }
    let _ = writeln!(o, "  user CAs trusted    {}", yes_no(s.user_certs_trusted));
    if let Some(nsc) = &s.network_security_config {
        let _ = writeln!(o, "  network config      {nsc}");
    }
    if s.debug_overrides == Some(true) {
        let _ = writeln!(
            o,
            "  debug overrides     yes (user CAs trusted in debug builds: {})",
            yes_no(s.debug_user_certs_trusted)
        );
    }
}

fn ios_sections(o: &mut String, r: &Report) {
    if let Some(ios) = &r.ios
        && !ios.usage_descriptions.is_empty()
    {
        let _ = writeln!(o, "\nWhat the app tells the user it needs");
        for u in &ios.usage_descriptions {
            let _ = writeln!(o, "    {}: {}", u.key, u.text);
        }
    }
    if !r.frameworks.is_empty() {
        let _ = writeln!(o, "\nFrameworks ({})", r.frameworks.len());
        for f in &r.frameworks {
            let version = f
                .version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            let sdk = f
                .sdk
                .as_deref()
                .map(|s| format!("  [{s}]"))
                .unwrap_or_default();
            let _ = writeln!(o, "    {}{version}{sdk}", f.name);
        }
    }
    if !r.binaries.is_empty() {
        let _ = writeln!(o, "\nBinaries");
        for b in &r.binaries {
            let enc = if b.encrypted {
                format!(
                    "  ENCRYPTED (FairPlay) {}: code and strings there could not be inspected",
                    b.encrypted_archs.join(", ")
                )
            } else {
                String::new()
            };
            let _ = writeln!(o, "    {}  [{}]{enc}", b.path, b.archs.join(", "));
        }
    }
    if let Some(p) = &r.privacy_manifest {
        let _ = writeln!(o, "\nPrivacy manifest ({} file(s))", p.files.len());
        let _ = writeln!(o, "  tracking declared   {}", yes_no(Some(p.tracking)));
        if !p.tracking_domains.is_empty() {
            let _ = writeln!(o, "  tracking domains    {}", p.tracking_domains.join(", "));
        }
        if !p.undeclared_tracking_domains.is_empty() {
            let _ = writeln!(
                o,
                "  ! tracking hosts found but not declared: {}",
                p.undeclared_tracking_domains.join(", ")
            );
        }
        for u in &p.undeclared_api_categories {
            let _ = writeln!(
                o,
                "  ! {} used without a declared reason ({})",
                u.category,
                u.apis.join(", ")
            );
        }
        if !p.sdks_without_manifest.is_empty() {
            let _ = writeln!(
                o,
                "  ! SDKs on Apple's list shipped without a privacy manifest: {}",
                p.sdks_without_manifest.join(", ")
            );
        }
    }
    let s = &r.security;
    let _ = writeln!(o, "\nSecurity");
    let _ = writeln!(o, "  ATS arbitrary loads {}", yes_no(s.ats_arbitrary_loads));
    if !s.cleartext_domains.is_empty() {
        let _ = writeln!(
            o,
            "  cleartext domains   {}",
            s.cleartext_domains.join(", ")
        );
    }
    let _ = writeln!(o, "  encrypted           {}", yes_no(s.encrypted));
    if let Some(p) = &r.provisioning {
        let team = p.team_name.as_deref().unwrap_or("-");
        let _ = writeln!(
            o,
            "  provisioning        team {team} ({}), {} device(s), expires {}",
            p.team_id.as_deref().unwrap_or("-"),
            p.device_count,
            p.expires.as_deref().unwrap_or("-")
        );
    }
}
