//! Text renderer: a person's summary of the report, one function per
//! section. Every string that comes from a package goes through [`clean`]:
//! control characters (C0, C1, DEL) and bidirectional overrides are shown as
//! visible escapes (`\x1b`, `\u{202e}`) so a package cannot drive the
//! terminal, and long values are cut with a marker (the JSON keeps exact
//! values). Colour, when asked for, comes only from the renderer's own
//! `anstyle` styles.

use crate::report::bytes;
use crate::report::model::{Location, Owner, Report, Sdk, SigningCert, Warning};
use anstyle::{AnsiColor, Style};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Longest value shown in full; longer ones are cut with a marker.
pub const MAX_VALUE_CHARS: usize = 200;
/// Longest free text (usage descriptions, warnings) shown in full.
const MAX_TEXT_CHARS: usize = 400;

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    /// Add ANSI colour and bold (only the renderer's own styles).
    pub color: bool,
    /// Add a legend explaining the categories and levels the report uses.
    pub explain: bool,
}

/// Renders the report as a readable summary without colour.
pub fn render(r: &Report) -> String {
    render_with(r, &TextOptions::default())
}

/// Renders the report as a readable summary.
pub fn render_with(r: &Report, opts: &TextOptions) -> String {
    let mut o = Out {
        s: String::new(),
        color: opts.color,
        names: r.sdks.iter().map(|s| (s.id.as_str(), s)).collect(),
    };
    header(&mut o, r);
    provenance_header(&mut o, r);
    app(&mut o, r);
    parts(&mut o, r);
    packed_code(&mut o, r);
    permissions(&mut o, r);
    declared_permissions(&mut o, r);
    components(&mut o, r);
    deep_links(&mut o, r);
    queries(&mut o, r);
    sdks(&mut o, r);
    identifier_apis(&mut o, r);
    personal_data(&mut o, r);
    endpoints(&mut o, r);
    secrets(&mut o, r);
    packers(&mut o, r);
    native_libraries(&mut o, r);
    if is_apple(r) {
        usage_descriptions(&mut o, r);
        frameworks(&mut o, r);
        binaries(&mut o, r);
        privacy_manifest(&mut o, r);
        apple_security(&mut o, r);
    } else {
        android_security(&mut o, r);
    }
    signing(&mut o, r);
    check_by_hand(&mut o, r);
    warnings(&mut o, r);
    if opts.explain {
        legend(&mut o, r);
    }
    o.s
}

/// Shows a package-derived string safely: control characters, DEL and
/// bidirectional controls become visible escapes, and more than `max`
/// characters are cut with a `…[+N chars]` marker.
pub fn clean_max(s: &str, max: usize) -> Cow<'_, str> {
    let needs = s.chars().count() > max || s.chars().any(needs_escape);
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(max * 4) + 16);
    let total = s.chars().count();
    for (shown, c) in s.chars().enumerate() {
        if shown == max {
            let _ = write!(out, "…[+{} chars]", total - shown);
            break;
        }
        if needs_escape(c) {
            let v = c as u32;
            if v < 0x80 {
                let _ = write!(out, "\\x{v:02x}");
            } else {
                let _ = write!(out, "\\u{{{v:x}}}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`clean_max`] with the default length.
pub fn clean(s: &str) -> Cow<'_, str> {
    clean_max(s, MAX_VALUE_CHARS)
}

/// C0 and C1 controls, DEL, bidirectional marks, embeddings, overrides and
/// isolates, and the Unicode line and paragraph separators.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

fn opt(v: &Option<String>) -> Cow<'_, str> {
    v.as_deref().map(clean).unwrap_or(Cow::Borrowed("-"))
}

fn join(items: &[String]) -> String {
    items
        .iter()
        .map(|s| clean(s).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `1 caller`, `2 callers`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

fn is_apple(r: &Report) -> bool {
    r.app.platform.as_deref().is_some_and(|p| p != "android")
}

/// The output buffer, the colour switch and the SDK names by id.
struct Out<'a> {
    s: String,
    color: bool,
    names: BTreeMap<&'a str, &'a Sdk>,
}

const HEAD: Style = Style::new().bold();
const ALERT: Style = AnsiColor::Red.on_default().bold();
const NOTE: Style = AnsiColor::Yellow.on_default();
const DIM: Style = Style::new().dimmed();

impl Out<'_> {
    fn line(&mut self, text: impl AsRef<str>) {
        self.s.push_str(text.as_ref());
        self.s.push('\n');
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// A section title after a blank line.
    fn section(&mut self, title: &str) {
        let t = self.paint(HEAD, title);
        self.s.push('\n');
        self.line(t);
    }

    /// `!` marker for something to look at.
    fn bang(&self, on: bool) -> String {
        if on {
            self.paint(ALERT, "!")
        } else {
            " ".into()
        }
    }

    /// `via A, B` with the SDKs' names, or nothing for an empty list.
    fn via(&self, ids: &[String], before: &str, after: &str) -> String {
        if ids.is_empty() {
            return String::new();
        }
        let names: Vec<String> = ids.iter().map(|id| self.sdk_name(id)).collect();
        format!("{before}{}{after}", names.join(", "))
    }

    /// The SDK's name for an id (ids are internal), cleaned.
    fn sdk_name(&self, id: &str) -> String {
        match self.names.get(id) {
            Some(s) => clean(&s.name).into_owned(),
            None if id == "app" => "the app's own code".into(),
            None => clean(id).into_owned(),
        }
    }
}

fn owner_text(owner: &Option<Owner>) -> String {
    match owner {
        Some(o) => {
            let mut s = clean(&o.name).into_owned();
            if let Some(c) = &o.country {
                let _ = write!(s, ", {}", clean(c));
            }
            if o.state_owned == Some(true) {
                s.push_str(", state-owned");
            }
            s
        }
        None => "owner unknown".into(),
    }
}

fn header(o: &mut Out, r: &Report) {
    let line = format!(
        "{}  ({}, {} bytes, sha256 {})",
        clean(&r.input.path),
        clean(&r.input.format),
        r.input.size,
        clean(&r.input.sha256)
    );
    let line = o.paint(HEAD, &line);
    o.line(line);
}

/// Tool, knowledge base, options and time under the input line.
fn provenance_header(o: &mut Out, r: &Report) {
    let Some(p) = &r.provenance else {
        return;
    };
    let dim = |o: &Out, t: String| o.paint(DIM, &t);
    let l = dim(
        o,
        format!(
            "  made by   {} {} (source {})",
            clean(&p.tool_name),
            clean(&p.tool_version),
            clean(&p.source_commit)
        ),
    );
    o.line(l);
    let l = dim(
        o,
        format!(
            "  knowledge {} (sha256 {})",
            opt(&p.knowledge_version),
            opt(&p.knowledge_sha256)
        ),
    );
    o.line(l);
    let options: Vec<String> = p
        .options
        .iter()
        .map(|(k, v)| format!("{}={}", clean(k), clean(v)))
        .collect();
    let l = dim(o, format!("  options   {}", options.join(" ")));
    o.line(l);
    let at = match (&p.analysed_at, &p.time_source) {
        (Some(at), Some(source)) => format!("  analysed  {} ({})", clean(at), clean(source)),
        _ => "  analysed  time not stated (deterministic; --timestamp or SOURCE_DATE_EPOCH)".into(),
    };
    let l = dim(o, at);
    o.line(l);
    for m in &p.members {
        o.line(format!(
            "  member    {}  {} bytes  sha256 {}",
            clean(&m.name),
            m.size,
            clean(&m.sha256)
        ));
    }
}

/// One location under a finding: where, and the bytes there.
fn location_line(o: &mut Out, l: &Location, total: usize) {
    let at = l.offset.map(|v| format!("@{v}")).unwrap_or_default();
    let more = if total > 1 {
        format!("  (+{} more)", total - 1)
    } else {
        String::new()
    };
    let line = format!("        at {}{at}{more}", clean(&l.path));
    let line = o.paint(DIM, &line);
    o.line(line);
    if let Some(x) = &l.excerpt {
        let line = format!("           bytes \"{}\"", clean(&x.ascii));
        let line = o.paint(DIM, &line);
        o.line(line);
    }
}

/// How to check one finding by hand, with the first located endpoint or
/// secret. The command quotes the paths for the shell (see
/// [`bytes::check_command`]); they are cleaned for the terminal too.
fn check_by_hand(o: &mut Out, r: &Report) {
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
    o.section("Check it by hand (every location above works the same way)");
    let command = bytes::check_command(
        &r.input.path,
        r.input.format == "apk-dir",
        &l.path,
        offset,
        count,
    );
    o.line(format!("  {}", clean_max(&command, MAX_TEXT_CHARS)));
    o.line(format!(
        "  or: telltale verify REPORT.json {}   (checks every location of a JSON report)",
        clean(&r.input.path)
    ));
}

/// The Apple OS a bundle is for, from its minimum-OS key or `-`.
fn apple_os(r: &Report) -> &'static str {
    match r.app.platform.as_deref() {
        Some("tvos") => "tvOS",
        Some("watchos") => "watchOS",
        Some("visionos") => "visionOS",
        Some("macos") => "macOS",
        _ => "iOS",
    }
}

fn app(o: &mut Out, r: &Report) {
    let app = &r.app;
    o.s.push('\n');
    o.section_inline("App");
    o.line(format!("  id        {}", opt(&app.id)));
    o.line(format!("  name      {}", opt(&app.name)));
    o.line(format!(
        "  version   {} ({})",
        opt(&app.version_name),
        opt(&app.version_code)
    ));
    if app.platform.as_deref() == Some("android") {
        let sdk = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
        o.line(format!(
            "  sdk       min {}  target {}",
            sdk(app.min_sdk),
            sdk(app.target_sdk)
        ));
    }
    if let Some(min_os) = &app.min_os {
        o.line(format!("  min {:<6}{}", apple_os(r), clean(min_os)));
    }
    match r.installable.android_accepts {
        Some(true) => o.line("  android   would read this package"),
        Some(false) => {
            let refuse = o.paint(ALERT, "WOULD REFUSE");
            o.line(format!("  android   {refuse} this package:"));
            for reason in &r.installable.reasons {
                o.line(format!(
                    "              - {}",
                    clean_max(reason, MAX_TEXT_CHARS)
                ));
            }
        }
        None => {}
    }
    if r.installable.signed == Some(false) {
        o.line("            unsigned: Android installs only signed packages");
    }
}

impl Out<'_> {
    /// A section title without the blank line before it.
    fn section_inline(&mut self, title: &str) {
        let t = self.paint(HEAD, title);
        self.line(t);
    }
}

fn parts(o: &mut Out, r: &Report) {
    if r.parts.is_empty() {
        return;
    }
    o.section(&format!("Parts ({})", r.parts.len()));
    for p in &r.parts {
        let split = p
            .split
            .as_deref()
            .map(|s| format!("  [{}]", clean(s)))
            .unwrap_or_default();
        o.line(format!(
            "    {:<13} {}{split}  {} bytes",
            clean(&p.kind),
            clean(&p.path),
            p.size
        ));
    }
}

fn packed_code(o: &mut Out, r: &Report) {
    if r.packed_code.is_empty() {
        return;
    }
    o.section(&format!(
        "Likely packed/encrypted code ({})",
        r.packed_code.len()
    ));
    for p in &r.packed_code {
        let bang = o.bang(true);
        o.line(format!(
            "  {bang} {}  ({})",
            clean(&p.path),
            clean_max(&p.reason, MAX_TEXT_CHARS)
        ));
    }
}

fn permissions(o: &mut Out, r: &Report) {
    if r.permissions.is_empty() {
        return;
    }
    if is_apple(r) {
        // iOS has no protection levels: its permissions are the usage
        // descriptions, listed with their text further down.
        o.section(&format!("Permissions asked for ({})", r.permissions.len()));
        for p in &r.permissions {
            o.line(format!("    {}", clean(&p.name)));
        }
        return;
    }
    let dangerous = r.permissions.iter().filter(|p| p.is_dangerous()).count();
    o.section(&format!(
        "Permissions ({}, {dangerous} dangerous)",
        r.permissions.len()
    ));
    for p in &r.permissions {
        let mark = o.bang(p.is_dangerous());
        let sdk23 = if p.sdk23_only { "  [sdk-23+]" } else { "" };
        let max = p
            .max_sdk
            .map(|m| format!("  [up to sdk {m}]"))
            .unwrap_or_default();
        o.line(format!(
            "  {mark} {}  ({}){sdk23}{max}",
            clean(&p.name),
            clean(&p.protection)
        ));
    }
}

fn declared_permissions(o: &mut Out, r: &Report) {
    if r.declared_permissions.is_empty() {
        return;
    }
    o.section("Permissions declared by the app");
    for p in &r.declared_permissions {
        o.line(format!(
            "    {}  ({})",
            clean(&p.name),
            clean(&p.protection)
        ));
    }
}

fn components(o: &mut Out, r: &Report) {
    if r.components.is_empty() {
        return;
    }
    let exported: Vec<_> = r.components.iter().filter(|c| c.exported).collect();
    o.section(&format!(
        "Exported components ({} of {})",
        exported.len(),
        r.components.len()
    ));
    for c in exported {
        let guard = c
            .permission
            .as_deref()
            .map(|p| format!("  guarded by {}", clean(p)))
            .unwrap_or_default();
        o.line(format!(
            "    {:<15} {}{guard}",
            clean(&c.kind),
            clean(&c.name)
        ));
    }
}

fn deep_links(o: &mut Out, r: &Report) {
    if r.deep_links.is_empty() {
        return;
    }
    if is_apple(r) {
        let schemes: Vec<String> = r.deep_links.iter().map(|d| d.scheme.clone()).collect();
        o.section(&format!("URL schemes ({})", schemes.len()));
        for s in &schemes {
            o.line(format!("    {}://", clean(s)));
        }
        return;
    }
    o.section(&format!("Deep links ({})", r.deep_links.len()));
    for d in &r.deep_links {
        let verified = if d.verified { "  (autoVerify)" } else { "" };
        // A link is reachable from other apps only through an exported
        // component (the one named, or the alias pointing at it).
        let unreachable = r
            .components
            .iter()
            .filter(|c| c.name == d.component)
            .all(|c| !c.exported)
            && r.components.iter().any(|c| c.name == d.component);
        let mark = if unreachable {
            format!(
                "  {}",
                o.paint(NOTE, "(unreachable: component not exported)")
            )
        } else {
            String::new()
        };
        o.line(format!(
            "    {}://{}{}{verified}  -> {}{mark}",
            clean(&d.scheme),
            d.host.as_deref().map(clean).unwrap_or(Cow::Borrowed("*")),
            d.path.as_deref().map(clean).unwrap_or_default(),
            clean(&d.component)
        ));
    }
}

fn queries(o: &mut Out, r: &Report) {
    if !r.queried_packages.is_empty() {
        o.s.push('\n');
        let t = o.paint(HEAD, "Queried packages:");
        o.line(format!("{t} {}", join(&r.queried_packages)));
    }
    if !r.queried_schemes.is_empty() {
        o.s.push('\n');
        let t = o.paint(HEAD, "Queried URL schemes:");
        o.line(format!("{t} {}", join(&r.queried_schemes)));
    }
}

fn sdk_line(s: &Sdk) -> String {
    let under = if s.repackaged_under.is_empty() {
        String::new()
    } else {
        format!("  repackaged under {}", join(&s.repackaged_under))
    };
    let mut line = format!(
        "    {}  [{}]  {}  ({} evidence){under}",
        clean(&s.name),
        join(&s.categories),
        owner_text(&s.owner),
        s.evidence_count
    );
    // Where the first located evidence item lies, as `verify` checks it.
    if let Some((e, l, off)) = s.evidence.iter().find_map(|e| {
        let l = e.location.as_ref()?;
        Some((e, l, l.offset?))
    }) {
        let what = e.matched.as_deref().unwrap_or(&e.detail);
        line.push_str(&format!(
            "\n        {} \"{}\" at {}@{off}",
            clean(&e.kind),
            clean(what),
            clean(&l.path)
        ));
    }
    line
}

/// SDKs whose code ships (`bundled`, `repackaged`): trackers first (the
/// knowledge base's per-SDK flag, as Exodus Privacy counts them), then
/// other libraries. SDKs only declared in
/// the manifest or only referenced by the code are listed apart: they are
/// not detections.
fn sdks(o: &mut Out, r: &Report) {
    let shipped = |s: &&Sdk| matches!(s.found.as_str(), "bundled" | "repackaged");
    let (trk, other): (Vec<&Sdk>, Vec<&Sdk>) =
        r.sdks.iter().filter(shipped).partition(|s| s.tracker);
    let declared: Vec<&Sdk> = r.sdks.iter().filter(|s| s.found == "declared").collect();
    let referenced: Vec<&Sdk> = r.sdks.iter().filter(|s| s.found == "referenced").collect();
    for (title, group) in [
        ("Trackers", trk),
        ("Other SDKs and libraries", other),
        ("SDKs declared in the manifest only (no code)", declared),
        ("SDKs referenced by the code but not bundled", referenced),
    ] {
        if group.is_empty() {
            continue;
        }
        o.section(&format!("{title} ({})", group.len()));
        for s in group {
            let l = sdk_line(s);
            o.line(l);
        }
    }
}

fn identifier_apis(o: &mut Out, r: &Report) {
    if r.identifier_apis.is_empty() {
        return;
    }
    o.section(&format!(
        "Device identifiers and fingerprinting APIs ({})",
        r.identifier_apis.len()
    ));
    for i in &r.identifier_apis {
        let sdk = o.via(&i.sdks, "  via ", "");
        o.line(format!(
            "    {:<16} {}  ({}){sdk}",
            clean(&i.category),
            clean(&i.api),
            count(i.callers.len(), "caller", "callers")
        ));
    }
}

fn personal_data(o: &mut Out, r: &Report) {
    if r.personal_data.is_empty() {
        return;
    }
    o.section(&format!("Personal data read ({})", r.personal_data.len()));
    for p in &r.personal_data {
        let sdk = o.via(&p.sdks, "  via ", "");
        o.line(format!(
            "    {:<16} {}  ({}){sdk}",
            clean(&p.kind),
            clean(&p.evidence.join(", ")),
            count(p.callers.len(), "caller", "callers")
        ));
    }
}

fn endpoints(o: &mut Out, r: &Report) {
    if r.endpoints.is_empty() {
        return;
    }
    o.section(&format!("Endpoints ({})", r.endpoints.len()));
    for e in &r.endpoints {
        let sdk = o.via(&e.sdks, "  via ", "");
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
                format!("  network {}", clean(&parts.join(" ")))
            }
            None => String::new(),
        };
        o.line(format!("    {}{owner}{network}{sdk}", clean(&e.host)));
        if let Some(l) = e.locations.first() {
            location_line(o, l, e.locations_total.max(e.locations.len()));
        }
    }
}

fn secrets(o: &mut Out, r: &Report) {
    if r.secrets.is_empty() {
        return;
    }
    o.section(&format!("Secrets ({})", r.secrets.len()));
    for s in &r.secrets {
        let shown = s.value.as_deref().unwrap_or(&s.preview);
        let places = s.locations_total.max(s.locations.len());
        let keys = if s.keys.is_empty() {
            String::new()
        } else {
            format!("  under {}", clean(&s.keys.join(", ")))
        };
        o.line(format!(
            "    {:<24} {}  ({}){keys}",
            clean(&s.kind),
            clean(shown),
            count(places, "place", "places")
        ));
        if let Some(l) = s.locations.first() {
            location_line(o, l, places);
        }
    }
}

/// Packers first: they change how to read everything else.
fn packers(o: &mut Out, r: &Report) {
    for p in &r.packers {
        let title = format!(
            "Code hidden by packer {} ({}): static analysis sees only the stub",
            clean(&p.name),
            clean(&p.vendor)
        );
        o.s.push('\n');
        let t = o.paint(ALERT, &title);
        o.line(t);
        for e in p.evidence.iter().take(5) {
            o.line(format!("    {:<8} {}", clean(&e.kind), clean(&e.path)));
        }
    }
}

/// Native libraries, one line each with SONAME, DT_NEEDED and JNI classes.
fn native_libraries(o: &mut Out, r: &Report) {
    if r.native_libraries.is_empty() {
        return;
    }
    let mut per_abi: BTreeMap<Cow<str>, usize> = BTreeMap::new();
    for n in &r.native_libraries {
        *per_abi
            .entry(n.arch.as_deref().map(clean).unwrap_or(Cow::Borrowed("?")))
            .or_default() += 1;
    }
    let abis: Vec<String> = per_abi.iter().map(|(a, n)| format!("{a} {n}")).collect();
    o.section(&format!(
        "Native libraries ({}: {})",
        r.native_libraries.len(),
        abis.join(", ")
    ));
    for n in &r.native_libraries {
        let mut line = format!("    {}", clean(&n.path));
        if let Some(s) = &n.sdk {
            let _ = write!(line, "  [{}]", o.sdk_name(s));
        }
        if let Some(k) = n.elf_kind.as_deref().filter(|k| *k != "shared-library") {
            let _ = write!(line, "  ({})", clean(k));
        }
        if let Some(h) = &n.abi_from_header
            && n.arch.as_deref() != Some(h.as_str())
        {
            let _ = write!(line, "  (header: {})", clean(h));
        }
        if !n.needed.is_empty() {
            let _ = write!(line, "  needs {}", join(&n.needed));
        }
        if let Some(first) = n.jni_classes.first() {
            let more = match n.jni_classes.len() {
                1 => String::new(),
                k => format!(" +{}", k - 1),
            };
            let _ = write!(line, "  JNI {}{more}", clean(first));
        }
        o.line(line);
    }
}

fn android_security(o: &mut Out, r: &Report) {
    let s = &r.security;
    o.section("Security");
    o.line(format!("  debuggable          {}", yes_no(s.debuggable)));
    o.line(format!("  allowBackup         {}", yes_no(s.allow_backup)));
    o.line(format!("  cleartext traffic   {}", yes_no(s.cleartext)));
    if !s.cleartext_domains.is_empty() {
        o.line(format!(
            "  cleartext domains   {}",
            join(&s.cleartext_domains)
        ));
    }
    o.line(format!(
        "  user CAs trusted    {}",
        yes_no(s.user_certs_trusted)
    ));
    if let Some(nsc) = &s.network_security_config {
        o.line(format!("  network config      {}", clean(nsc)));
    }
    if s.debug_overrides == Some(true) {
        o.line(format!(
            "  debug overrides     yes (user CAs trusted in debug builds: {})",
            yes_no(s.debug_user_certs_trusted)
        ));
    }
}

fn usage_descriptions(o: &mut Out, r: &Report) {
    let Some(ios) = &r.ios else { return };
    if ios.usage_descriptions.is_empty() {
        return;
    }
    o.section("What the app tells the user it needs");
    for u in &ios.usage_descriptions {
        o.line(format!(
            "    {}: {}",
            clean(&u.key),
            clean_max(&u.text, MAX_TEXT_CHARS)
        ));
    }
}

fn frameworks(o: &mut Out, r: &Report) {
    if r.frameworks.is_empty() {
        return;
    }
    o.section(&format!("Frameworks ({})", r.frameworks.len()));
    for f in &r.frameworks {
        let version = f
            .version
            .as_deref()
            .map(|v| format!(" {}", clean(v)))
            .unwrap_or_default();
        let sdk = f
            .sdk
            .as_deref()
            .map(|s| format!("  [{}]", o.sdk_name(s)))
            .unwrap_or_default();
        o.line(format!("    {}{version}{sdk}", clean(&f.name)));
    }
}

fn binaries(o: &mut Out, r: &Report) {
    if r.binaries.is_empty() {
        return;
    }
    o.section(&format!("Binaries ({})", r.binaries.len()));
    for b in &r.binaries {
        let enc = if b.encrypted {
            let t = format!(
                "ENCRYPTED (FairPlay) {}: code and strings there could not be inspected",
                join(&b.encrypted_archs)
            );
            format!("  {}", o.paint(ALERT, &t))
        } else {
            String::new()
        };
        o.line(format!("    {}  [{}]{enc}", clean(&b.path), join(&b.archs)));
    }
}

fn privacy_manifest(o: &mut Out, r: &Report) {
    let Some(p) = &r.privacy_manifest else {
        return;
    };
    o.section(&format!(
        "Privacy manifest ({})",
        count(p.files.len(), "file", "files")
    ));
    o.line(format!(
        "  tracking declared   {}",
        yes_no(Some(p.tracking))
    ));
    if !p.tracking_domains.is_empty() {
        o.line(format!(
            "  tracking domains    {}",
            join(&p.tracking_domains)
        ));
    }
    let bang = o.bang(true);
    if !p.undeclared_tracking_domains.is_empty() {
        o.line(format!(
            "  {bang} tracking hosts found but not declared: {}",
            join(&p.undeclared_tracking_domains)
        ));
    }
    for u in &p.undeclared_api_categories {
        o.line(format!(
            "  {bang} {} used without a declared reason ({})",
            clean(&u.category),
            join(&u.apis)
        ));
    }
    if !p.sdks_without_manifest.is_empty() {
        o.line(format!(
            "  {bang} SDKs on Apple's list shipped without a privacy manifest: {}",
            join(&p.sdks_without_manifest)
        ));
    }
}

fn apple_security(o: &mut Out, r: &Report) {
    let s = &r.security;
    o.section("Security");
    o.line(format!(
        "  ATS arbitrary loads {}",
        yes_no(s.ats_arbitrary_loads)
    ));
    if !s.cleartext_domains.is_empty() {
        o.line(format!(
            "  cleartext domains   {}",
            join(&s.cleartext_domains)
        ));
    }
    o.line(format!("  encrypted           {}", yes_no(s.encrypted)));
    if let Some(p) = &r.provisioning {
        o.line(format!(
            "  provisioning        team {} ({}), {}, expires {}",
            opt(&p.team_name),
            opt(&p.team_id),
            count(p.device_count, "device", "devices"),
            opt(&p.expires)
        ));
    }
}

/// Whether a certificate belongs to Apple's own chain (root or
/// intermediate CA) rather than the developer who signed.
fn is_apple_ca(c: &SigningCert) -> bool {
    let s = c.subject.as_str();
    s.contains("O=Apple Inc.") && !s.contains("CN=Apple Development:")
        || s.contains("CN=Apple Root CA")
        || s.contains("CN=Apple Worldwide Developer Relations")
}

fn signing(o: &mut Out, r: &Report) {
    o.section("Signing");
    if r.signing.is_empty() {
        // A lone file has no signature to have; a signature skipped by a
        // size cap is not a missing one.
        let bare = matches!(
            r.input.format.as_str(),
            "dex" | "elf" | "axml" | "arsc" | "plist"
        );
        let capped = r
            .warnings
            .iter()
            .any(|w| w.message.starts_with("signing not checked (cap)"));
        let t = if bare {
            "not applicable (a lone file, not a package)".to_string()
        } else if capped {
            o.paint(NOTE, "not checked (cap)")
        } else {
            o.paint(NOTE, "unsigned")
        };
        o.line(format!("  {t}"));
    }
    let apple = is_apple(r);
    for c in &r.signing {
        let role = if !apple {
            String::new()
        } else if is_apple_ca(c) {
            "  (Apple's certificate chain)".into()
        } else {
            format!("  {}", o.paint(HEAD, "(signer)"))
        };
        o.line(format!(
            "  {:<5} {}{role}",
            clean(&c.scheme),
            clean(&c.subject)
        ));
        let sha = o.paint(DIM, &format!("sha256 {}", clean(&c.sha256)));
        o.line(format!("        {sha}"));
    }
}

/// Warnings, the same message collapsed into one line with a count and the
/// first few paths.
fn warnings(o: &mut Out, r: &Report) {
    if r.warnings.is_empty() {
        return;
    }
    let mut order: Vec<&str> = Vec::new();
    let mut by_message: BTreeMap<&str, Vec<&Warning>> = BTreeMap::new();
    for w in &r.warnings {
        let list = by_message.entry(w.message.as_str()).or_default();
        if list.is_empty() {
            order.push(w.message.as_str());
        }
        list.push(w);
    }
    o.section(&format!("Warnings ({})", r.warnings.len()));
    for message in order {
        let list = &by_message[message];
        let text = clean_max(message, MAX_TEXT_CHARS);
        match list.as_slice() {
            [one] => {
                let at = if one.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", clean(&one.path))
                };
                o.line(format!("  - {at}{text}"));
            }
            many => {
                let paths: Vec<String> = many
                    .iter()
                    .filter(|w| !w.path.is_empty())
                    .take(3)
                    .map(|w| clean(&w.path).into_owned())
                    .collect();
                let more = many.len().saturating_sub(paths.len());
                let where_ = if paths.is_empty() {
                    String::new()
                } else if more > 0 {
                    format!(": {}, and {more} more", paths.join(", "))
                } else {
                    format!(": {}", paths.join(", "))
                };
                let times = o.paint(NOTE, &format!("{}×", many.len()));
                o.line(format!("  - {text}  ({times}{where_})"));
            }
        }
    }
}

/// What the categories and levels used in this report mean (`--explain`).
fn legend(o: &mut Out, r: &Report) {
    let mut terms: BTreeSet<&str> = BTreeSet::new();
    for p in &r.permissions {
        for level in p.protection.split('|') {
            terms.insert(level);
        }
    }
    for i in &r.identifier_apis {
        terms.insert(i.category.as_str());
    }
    let entries: Vec<(&str, &str)> = LEGEND
        .iter()
        .filter(|(k, _)| terms.contains(k))
        .copied()
        .collect();
    o.section("Legend");
    o.line("    !                marks something to look at (dangerous permission, finding)");
    o.line(
        "    Trackers         SDKs whose code ships and that collect data about users or devices \
         (analytics, advertising, attribution, profiling, fingerprinting), as Exodus Privacy counts them",
    );
    o.line("    via NAME         the SDK whose classes make the call or hold the string");
    for (k, v) in entries {
        o.line(format!("    {k:<16} {v}"));
    }
}

/// Short meanings of protection levels and identifier categories (the
/// categories of `data/identifier_apis.toml` and `data/apple_identifier_apis.toml`).
const LEGEND: &[(&str, &str)] = &[
    ("normal", "permission granted at install, no prompt"),
    (
        "dangerous",
        "permission the user must grant at run time (private data, device control)",
    ),
    (
        "signature",
        "permission granted only to apps signed with the same key",
    ),
    (
        "privileged",
        "permission granted only to preinstalled system apps",
    ),
    ("instant", "permission an instant app may also hold"),
    ("appop", "permission also switched by an app-op setting"),
    (
        "development",
        "permission grantable with adb, for development",
    ),
    (
        "unknown",
        "permission Android does not define (a vendor's or an app's)",
    ),
    (
        "account",
        "the accounts on the device (often e-mail addresses)",
    ),
    (
        "advertising-id",
        "a resettable advertising id (Google AAID, OAID, Apple IDFA)",
    ),
    (
        "android-id",
        "Settings.Secure.ANDROID_ID: a per-app, per-device id",
    ),
    ("carrier", "the mobile operator and SIM country"),
    ("cell", "cell tower info: places the device"),
    ("clipboard", "what the user copied"),
    (
        "device-build",
        "build and hardware properties, the stuff of fingerprints",
    ),
    ("device-id", "IMEI/MEID: the phone's hardware identity"),
    ("drm-id", "the MediaDrm device id: survives a factory reset"),
    (
        "hardware-id",
        "IMEI, MEID or the serial number: fixed ids of the hardware",
    ),
    (
        "installed-apps",
        "the list of installed apps: profiles the user",
    ),
    (
        "keychain",
        "data kept in the keychain, which survives reinstalls",
    ),
    ("location", "the device's position"),
    (
        "network-id",
        "MAC addresses (Wi-Fi, Bluetooth): fixed ids of the device",
    ),
    ("phone-number", "the line's phone number"),
    (
        "running-apps",
        "the apps and tasks running now: profiles the user",
    ),
    ("sensor", "the sensor list, used in fingerprints"),
    (
        "sim-id",
        "IMSI, ICCID or SIM serial: the subscriber's and the SIM card's identity",
    ),
    ("wifi", "Wi-Fi networks seen or joined: places the device"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{Component, DeepLink, IdentifierApi};

    #[test]
    fn controls_and_bidi_are_escaped_and_long_values_cut() {
        assert_eq!(clean("plain"), "plain");
        assert_eq!(clean("a\x1b[2Jb\x07"), "a\\x1b[2Jb\\x07");
        assert_eq!(clean("\u{202e}evil\u{9b}"), "\\u{202e}evil\\u{9b}");
        assert_eq!(clean("x\r\ny\x7f\0"), "x\\x0d\\x0ay\\x7f\\x00");
        let long = "a".repeat(1000);
        let cut = clean(&long);
        assert!(cut.starts_with(&"a".repeat(MAX_VALUE_CHARS)));
        assert!(cut.ends_with("…[+800 chars]"), "{cut}");
    }

    #[test]
    fn plurals_names_and_unreachable_links() {
        let mut r = Report::default();
        r.app.platform = Some("android".into());
        r.sdks.push(Sdk {
            id: "cmic-sso".into(),
            name: "China Mobile one-click login".into(),
            categories: vec!["one-click-login".into()],
            found: "bundled".into(),
            tracker: false,
            ..Sdk::default()
        });
        r.identifier_apis.push(IdentifierApi {
            api: "x.getSubscriberId".into(),
            category: "sim-id".into(),
            callers: vec!["a.B".into()],
            sdks: vec!["cmic-sso".into()],
            callers_by_sdk: vec![],
            locations: vec![],
        });
        r.components.push(Component {
            kind: "activity".into(),
            name: "a.Hidden".into(),
            exported: false,
            ..Component::default()
        });
        r.deep_links.push(DeepLink {
            scheme: "x".into(),
            component: "a.Hidden".into(),
            ..DeepLink::default()
        });
        let t = render_with(
            &r,
            &TextOptions {
                color: false,
                explain: true,
            },
        );
        assert!(
            t.contains("(1 caller)  via China Mobile one-click login"),
            "{t}"
        );
        assert!(t.contains("(unreachable: component not exported)"), "{t}");
        assert!(t.contains("Other SDKs and libraries (1)"), "{t}");
        assert!(!t.contains("Trackers ("), "{t}");
        assert!(t.contains("sim-id           IMSI"), "{t}");
        assert!(!t.contains('\x1b'));
        let coloured = render_with(
            &r,
            &TextOptions {
                color: true,
                ..TextOptions::default()
            },
        );
        assert!(coloured.contains("\x1b["));
    }

    #[test]
    fn repeated_warnings_are_collapsed_with_a_count() {
        let mut r = Report::default();
        for i in 0..250 {
            r.warnings
                .push(Warning::new(format!("e{i:03}"), "entry data overlaps"));
        }
        r.warnings.push(Warning::new("x", "other"));
        let t = render(&r);
        assert!(t.contains("Warnings (251)"));
        assert!(
            t.contains("  - entry data overlaps  (250×: e000, e001, e002, and 247 more)"),
            "{t}"
        );
        assert!(t.contains("  - x: other"));
        assert_eq!(t.matches("entry data overlaps").count(), 1);
    }
}
