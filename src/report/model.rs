//! The report model: one serde structure whose JSON form is the contract in
//! `docs/report.md`, with its JSON Schema derived from the same types
//! (`report::schema`, committed as `docs/report.schema.json`). Renderers only
//! read it.

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the JSON contract (`docs/report.md`; 2 added `provenance`,
/// per-location `entry_sha256`/`excerpt`, SDK `found`, and attribution by
/// code location).
pub const SCHEMA_VERSION: u32 = 2;

/// Everything telltale found in one package.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub input: InputInfo,
    /// Who made this report from what, with which knowledge and options
    /// (filled by the `evidence::provenance` module; `null` only when a
    /// library caller built the report without it).
    pub provenance: Option<Provenance>,
    pub app: AppInfo,
    pub permissions: Vec<Permission>,
    /// Permissions the app itself declares (`<permission>`), not part of the
    /// minimal contract but useful to readers.
    pub declared_permissions: Vec<DeclaredPermission>,
    pub components: Vec<Component>,
    pub deep_links: Vec<DeepLink>,
    pub queried_packages: Vec<String>,
    pub queried_intents: Vec<QueriedIntent>,
    pub queried_schemes: Vec<String>,
    pub meta_data: Vec<MetaData>,
    pub sdks: Vec<Sdk>,
    pub endpoints: Vec<Endpoint>,
    /// How many distinct hosts were found (`endpoints` keeps the first
    /// 1000 by host).
    pub endpoints_total: usize,
    pub identifier_apis: Vec<IdentifierApi>,
    /// Host-shaped strings dropped as noise by their context (documentation
    /// links, licences, certificates, build metadata, comments), counted by
    /// class; hosts that are also seen elsewhere stay in `endpoints`.
    pub endpoint_noise: Vec<NoiseCount>,
    /// The IP owner tables used, when `--ip-data` was given.
    pub ip_data: Option<IpDataInfo>,
    /// Public app identifiers: values under key names that name an app key
    /// or id (`com.google.android.geo.API_KEY`, ShareSDK `AppKey`), which
    /// ship in every copy of the app and so are not secrets.
    pub app_keys: Vec<AppKey>,
    /// Reads of personal data (SMS, contacts, call log, calendar, media,
    /// browser history, accounts, clipboard), one record per catalogue entry.
    pub personal_data: Vec<PersonalDataRead>,
    pub native_libraries: Vec<NativeLibrary>,
    /// Packers/protectors found: their presence means the code seen is a stub.
    pub packers: Vec<Packer>,
    pub frameworks: Vec<Framework>,
    pub binaries: Vec<Binary>,
    pub secrets: Vec<Secret>,
    /// How many distinct secrets were found (`secrets` keeps the first 1000
    /// by kind and SHA-256).
    pub secrets_total: usize,
    /// Code that looks packed or encrypted (DEX carried as data that does not
    /// parse, high-entropy assets next to a packer's loader stub).
    pub packed_code: Vec<PackedCode>,
    /// Members of a split set or App Bundle (base, splits, modules, OBB
    /// files, DEX metadata); empty for a single APK.
    pub parts: Vec<PackagePart>,
    pub signing: Vec<SigningCert>,
    pub security: Security,
    /// iOS privacy manifests and their cross-checks; `None` when the app
    /// ships no manifest and no cross-check found anything.
    pub privacy_manifest: Option<PrivacyManifest>,
    /// iOS provisioning profile (`embedded.mobileprovision`), when present.
    pub provisioning: Option<Provisioning>,
    /// iOS Info.plist extras that have no Android counterpart.
    pub ios: Option<IosInfo>,
    /// Whether Android's own package reader would accept this file.
    pub installable: Installability,
    pub warnings: Vec<Warning>,
}

impl Report {
    /// Merges one part (a split APK, an App Bundle module) into this report:
    /// its lists are appended, its warning paths become `prefix!path`, and
    /// the base part gives the app identity and security flags.
    pub fn merge(&mut self, part: Report, prefix: Option<&str>, is_base: bool) {
        if is_base {
            self.app = part.app;
            self.security = part.security;
            self.installable.signed = part.installable.signed;
        } else if part.installable.signed == Some(false) {
            self.installable.signed = Some(false);
        }
        self.permissions.extend(part.permissions);
        self.declared_permissions.extend(part.declared_permissions);
        self.components.extend(part.components);
        self.deep_links.extend(part.deep_links);
        self.queried_packages.extend(part.queried_packages);
        self.queried_intents.extend(part.queried_intents);
        self.queried_schemes.extend(part.queried_schemes);
        self.meta_data.extend(part.meta_data);
        self.signing.extend(part.signing);
        self.warnings
            .extend(part.warnings.into_iter().map(|w| Warning {
                path: prefixed(prefix, &w.path),
                message: w.message,
            }));
    }

    /// Sorts and de-duplicates every list so output is deterministic (same
    /// input and knowledge ⇒ byte-identical JSON, whatever the thread count).
    pub fn normalize(&mut self) {
        fn set<T: Ord>(v: &mut Vec<T>) {
            v.sort();
            v.dedup();
        }
        set(&mut self.permissions);
        set(&mut self.declared_permissions);
        set(&mut self.components);
        set(&mut self.deep_links);
        set(&mut self.queried_packages);
        set(&mut self.queried_intents);
        set(&mut self.queried_schemes);
        set(&mut self.meta_data);
        self.sdks.sort();
        self.endpoints.sort();
        self.identifier_apis.sort();
        self.personal_data.sort();
        self.endpoint_noise.sort();
        self.app_keys.sort();
        self.native_libraries.sort();
        self.frameworks.sort();
        self.binaries.sort();
        self.secrets.sort();
        set(&mut self.packed_code);
        self.parts.sort();
        set(&mut self.signing);
        set(&mut self.security.cleartext_domains);
        set(&mut self.installable.reasons);
        set(&mut self.warnings);
        self.warnings = collapse_warnings(std::mem::take(&mut self.warnings));
    }
}

/// More warnings than this with one message are collapsed into one.
const MAX_SAME_WARNING: usize = 3;

/// Collapses warnings that repeat one message over many paths (250 entries
/// of one overlapping zip) into one warning with a count: the first path
/// keeps it, the message names how many more and the next two. `warnings`
/// is sorted; the result stays sorted and deterministic.
fn collapse_warnings(warnings: Vec<Warning>) -> Vec<Warning> {
    let mut by_message: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for w in &warnings {
        by_message.entry(&w.message).or_default().push(&w.path);
    }
    let mut out: Vec<Warning> = Vec::with_capacity(warnings.len());
    for w in &warnings {
        let paths = &by_message[w.message.as_str()];
        if paths.len() <= MAX_SAME_WARNING {
            out.push(w.clone());
        } else if paths.first() == Some(&w.path.as_str()) {
            let examples: Vec<&str> = paths.iter().skip(1).take(2).copied().collect();
            out.push(Warning::new(
                w.path.clone(),
                format!(
                    "{} [and {} more: {}, …]",
                    w.message,
                    paths.len() - 1,
                    examples.join(", ")
                ),
            ));
        }
    }
    out.sort();
    out
}

/// Name and versions of the tool and signature database that made a report.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    pub signatures_version: Option<String>,
    pub signatures_sha256: Option<String>,
}

/// Identity of the inspected file.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct InputInfo {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub format: String,
}

/// Identity of the app inside the package.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct AppInfo {
    pub platform: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    pub version_name: Option<String>,
    pub version_code: Option<String>,
    pub min_sdk: Option<u32>,
    pub target_sdk: Option<u32>,
    pub min_os: Option<String>,
}

/// A permission the app requests.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Permission {
    pub name: String,
    /// AOSP protection level (`dangerous`, `normal`, `signature|privileged`…) or `unknown`.
    pub protection: String,
    /// `uses-permission-sdk-23` rather than `uses-permission`.
    pub sdk23_only: bool,
    /// `android:maxSdkVersion` when given.
    pub max_sdk: Option<u32>,
}

impl Permission {
    /// Whether its protection level grants at run time only with user consent.
    pub fn is_dangerous(&self) -> bool {
        self.protection.split('|').next() == Some("dangerous")
    }
}

/// A permission the app defines itself.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct DeclaredPermission {
    pub name: String,
    pub protection: String,
}

/// An app component from the manifest.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Component {
    pub kind: String,
    pub name: String,
    pub exported: bool,
    pub permission: Option<String>,
    /// For `activity-alias`: the activity it points at.
    pub target: Option<String>,
}

/// A URL the app opens from the browser (VIEW + BROWSABLE intent filter).
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct DeepLink {
    pub scheme: String,
    pub host: Option<String>,
    pub path: Option<String>,
    pub verified: bool,
    pub component: String,
}

/// An intent listed under `<queries>`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct QueriedIntent {
    pub action: Option<String>,
    pub data: Vec<String>,
    pub categories: Vec<String>,
}

/// A `<meta-data>` entry.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct MetaData {
    pub name: String,
    pub value: Option<String>,
    /// Where it was declared: `application` or the owning component's name.
    pub parent: String,
}

/// Organisation behind an SDK or endpoint.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Owner {
    pub name: String,
    pub country: Option<String>,
    pub state_owned: Option<bool>,
    pub parent: Option<String>,
}

/// A third-party SDK found inside the app.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Sdk {
    pub id: String,
    pub name: String,
    pub categories: Vec<String>,
    pub owner: Option<Owner>,
    pub website: Option<String>,
    /// Whether the knowledge base flags the SDK as a tracker (`tracker =
    /// true` in `data/signatures/sdks/`: it collects data about users or
    /// devices for analytics, advertising, attribution, profiling or
    /// fingerprinting).
    pub tracker: bool,
    /// How the SDK was found: `bundled` (its code, native library or
    /// framework ships in the package), `repackaged` (its code ships under
    /// another package prefix, see `repackaged_under`), `declared` (only
    /// manifest / Info.plist declarations, no code) or `referenced` (the app's
    /// code calls it but does not bundle it).
    pub found: String,
    /// Package prefixes the SDK's code was found renamed under (its class
    /// names after the prefix match the SDK's distinctive classes).
    pub repackaged_under: Vec<String>,
    /// Evidence items (capped per kind; code collapsed per package prefix).
    pub evidence: Vec<Evidence>,
    /// Number of raw facts that matched (classes, components, libraries…),
    /// before collapsing and capping `evidence`.
    pub evidence_count: usize,
}

/// Why an SDK was reported.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    pub kind: String,
    pub path: String,
    pub detail: String,
    /// The exact string that matched, as it is stored in the entry (a DEX
    /// type descriptor `Lcom/x/Y;`, a JNI symbol, a library or class name, a
    /// host): the bytes at `location.offset` are this text in `encoding`.
    pub matched: Option<String>,
    /// How `matched` is encoded at the offset when it is not UTF-8:
    /// `utf-16le` (binary XML string pools) or `utf-16be` (binary plists);
    /// `null` for UTF-8.
    pub encoding: Option<String>,
    /// Where `matched` lies: the entry, the offset of its first byte (when
    /// found in the bytes), the entry's SHA-256 and an excerpt.
    pub location: Option<Location>,
}

/// Where a string was seen: entry path (nested with `!`) and byte offset.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[schemars(deny_unknown_fields)]
pub struct Location {
    pub path: String,
    pub offset: Option<u64>,
    /// SHA-256 of the whole (decompressed) entry named by `path`; `null`
    /// when the entry could not be read again (a folder, over the size caps).
    pub entry_sha256: Option<String>,
    /// The bytes of the entry from `offset` on (bounded), to check by hand;
    /// `null` without an offset or entry bytes, and always for secrets.
    pub excerpt: Option<Excerpt>,
}

/// A bounded run of bytes of an entry, starting at a location's offset.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[schemars(deny_unknown_fields)]
pub struct Excerpt {
    /// Number of bytes shown (at most `report::bytes::EXCERPT_LEN`).
    pub length: u64,
    /// The bytes as lowercase hex, two digits per byte, no separators.
    pub hex: String,
    /// The bytes as ASCII, `.` for anything not printable.
    pub ascii: String,
}

/// Where a report came from: the input's identity, the tool and knowledge
/// that made it, the options used, and (only when asked) the time.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct Provenance {
    /// File name of the input (never the path as typed).
    pub input_name: String,
    pub input_size: u64,
    pub input_sha256: String,
    /// Members of a split set or split directory, each with its own hash;
    /// `[]` for a single package.
    pub members: Vec<MemberDigest>,
    pub tool_name: String,
    pub tool_version: String,
    /// Source commit the tool was built from (`unknown` outside a git checkout).
    pub source_commit: String,
    pub knowledge_version: Option<String>,
    pub knowledge_sha256: Option<String>,
    /// Options that change what is reported, by name.
    pub options: BTreeMap<String, String>,
    /// RFC 3339 UTC time of the analysis: only with `--timestamp` or
    /// `SOURCE_DATE_EPOCH`, so reports are deterministic by default.
    pub analysed_at: Option<String>,
    /// Where `analysed_at` came from: `clock` or `SOURCE_DATE_EPOCH`.
    pub time_source: Option<String>,
}

/// One member of a split set: name, size and SHA-256.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct MemberDigest {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// A hard-coded network endpoint.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Endpoint {
    pub host: String,
    pub domain: Option<String>,
    pub urls: Vec<String>,
    pub owner: Option<Owner>,
    /// SDKs (listed under `sdks`) whose code or native library holds the
    /// host: never inferred from the host name.
    pub sdks: Vec<String>,
    pub locations: Vec<Location>,
    /// How many distinct places the host was seen in (`locations` keeps the first 50).
    pub locations_total: usize,
    /// For an IP literal, its network and country from the IP owner tables
    /// (only with `--ip-data`).
    pub ip_owner: Option<IpOwnerInfo>,
}

/// Network and country of an IP address, from offline tables.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct IpOwnerInfo {
    /// Autonomous system number.
    pub asn: Option<u32>,
    /// The AS organisation.
    pub org: Option<String>,
    /// ISO 3166-1 alpha-2 country of the range's registration.
    pub country: Option<String>,
}

/// The IP owner tables used for `endpoints[].ip_owner`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct IpDataInfo {
    /// The packages' versions (`VERSION` of the folder).
    pub version: String,
    /// SHA-256 over the four tables.
    pub sha256: String,
}

/// A value under a public key name.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct AppKey {
    /// The key name (`com.google.android.geo.API_KEY`, `AppKey`).
    pub key: String,
    pub value: String,
    pub locations: Vec<Location>,
}

/// Hosts dropped as noise, for one class.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct NoiseCount {
    /// `documentation`, `licence-or-notice`, `certificate`, `build-metadata`,
    /// `source-file`, `comment`, `message`, `path-or-suffix`, `identifier` or
    /// `package-name`.
    pub class: String,
    /// Distinct hosts dropped for this class only.
    pub hosts: usize,
    /// The first of them, sorted (at most 10).
    pub examples: Vec<String>,
}

/// A device-identifier or fingerprinting API the app calls.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct IdentifierApi {
    pub api: String,
    pub category: String,
    pub callers: Vec<String>,
    /// Every SDK (listed under `sdks`) whose code calls the API, and `app`
    /// when the app's own code does; sorted.
    pub sdks: Vec<String>,
    /// The callers grouped by where they are: an SDK id, `app`, or `other`
    /// (code that is neither a listed SDK nor the app's own namespace).
    pub callers_by_sdk: Vec<CallerGroup>,
    pub locations: Vec<Location>,
}

/// One way code reads personal data (`data/personal_data_apis.toml`), with
/// the classes (Android) or binaries (iOS) that do it, placed like
/// [`IdentifierApi`] callers.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct PersonalDataRead {
    /// What is read: `sms`, `contacts`, `call-log`, `calendar`, `media`,
    /// `browser-history`, `accounts` or `clipboard`.
    pub kind: String,
    /// The catalogue entry's id.
    pub id: String,
    /// What was seen in the code: the content URIs loaded, or the field,
    /// method or symbol referenced.
    pub evidence: Vec<String>,
    /// Why the read matters.
    pub reason: String,
    pub callers: Vec<String>,
    /// Every SDK (listed under `sdks`) whose code does the read, and `app`.
    pub sdks: Vec<String>,
    pub callers_by_sdk: Vec<CallerGroup>,
    pub locations: Vec<Location>,
}

/// Callers of an API that lie in one SDK's code (or the app's, or other code).
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct CallerGroup {
    pub sdk: String,
    pub callers: Vec<String>,
}

/// A native library shipped in the package.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct NativeLibrary {
    pub path: String,
    /// ABI the code is for: the `lib/<abi>/` folder, unless the ELF header
    /// says otherwise (then the header's, with a warning).
    pub arch: Option<String>,
    pub sdk: Option<String>,
    /// ABI read from the ELF header (`e_machine`, class, ARM build attributes).
    pub abi_from_header: Option<String>,
    /// `shared-library` or `executable` (ELF `e_type`, `PT_INTERP`); `None`
    /// when not ELF or cut off.
    pub elf_kind: Option<String>,
    /// `DT_SONAME`.
    pub soname: Option<String>,
    /// `DT_NEEDED` libraries, in file order.
    pub needed: Vec<String>,
    /// Java classes whose native methods this library exports
    /// (`Java_com_foo_Bar_method` → `com.foo.Bar`), sorted.
    pub jni_classes: Vec<String>,
}

/// A packer or protector: it hides the app's code from static analysis and
/// leaves only its loader stub visible.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Packer {
    pub name: String,
    pub vendor: String,
    pub evidence: Vec<Evidence>,
}

/// An iOS framework.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Framework {
    pub name: String,
    pub bundle_id: Option<String>,
    pub version: Option<String>,
    pub sdk: Option<String>,
}

/// An executable binary (Mach-O).
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Binary {
    pub path: String,
    pub archs: Vec<String>,
    pub encrypted: bool,
    /// Architectures of the slices that are FairPlay-encrypted.
    pub encrypted_archs: Vec<String>,
    /// Sections that lie in an encrypted range and could not be read
    /// (`arm64: __TEXT,__cstring`).
    pub unreadable: Vec<String>,
    /// Linked libraries and frameworks (install names), sorted.
    pub linked: Vec<String>,
    /// Team id from the code signature.
    pub team_id: Option<String>,
    /// Signing identifier from the code signature.
    pub signing_id: Option<String>,
    /// Entitlement keys from the code signature, sorted.
    pub entitlements: Vec<String>,
}

/// What an iOS provisioning profile says.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct Provisioning {
    pub path: String,
    pub name: Option<String>,
    pub app_id_name: Option<String>,
    pub team_name: Option<String>,
    pub team_id: Option<String>,
    pub created: Option<String>,
    pub expires: Option<String>,
    /// Number of devices the profile lists (0 for App Store / enterprise).
    pub device_count: usize,
    pub provisions_all_devices: bool,
    /// Entitlement keys, sorted.
    pub entitlements: Vec<String>,
    /// Subjects of the developer certificates.
    pub certificate_subjects: Vec<String>,
}

/// iOS Info.plist facts with no Android counterpart.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct IosInfo {
    /// `NS*UsageDescription` keys (also listed under `permissions`) with the
    /// purpose text shown to the user.
    pub usage_descriptions: Vec<UsageDescription>,
    /// `UIBackgroundModes`.
    pub background_modes: Vec<String>,
    /// `SKAdNetworkItems` identifiers: ad networks the app works with.
    pub skadnetwork_ids: Vec<String>,
    /// ATS exception domains: (domain, allows insecure HTTP).
    pub ats_exception_domains: Vec<AtsException>,
    /// Other ATS relaxations set (`NSAllowsArbitraryLoadsInWebContent`, …).
    pub ats_flags: Vec<String>,
    /// App extensions: (path, extension point).
    pub extensions: Vec<Extension>,
}

/// A usage description: the permission key and the text shown to the user.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct UsageDescription {
    pub key: String,
    pub text: String,
}

/// An App Transport Security exception domain.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct AtsException {
    pub domain: String,
    pub allows_insecure_http: bool,
}

/// An app extension or nested app (Watch).
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Extension {
    pub path: String,
    pub bundle_id: Option<String>,
    /// `NSExtensionPointIdentifier`, or `watch-app` for a Watch app.
    pub kind: Option<String>,
}

/// iOS privacy manifests (`PrivacyInfo.xcprivacy`) and their cross-checks.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct PrivacyManifest {
    /// Whether any manifest sets `NSPrivacyTracking`.
    pub tracking: bool,
    /// Union of `NSPrivacyTrackingDomains`, sorted.
    pub tracking_domains: Vec<String>,
    /// Hosts of tracking SDKs found in the app but declared by no manifest.
    pub undeclared_tracking_domains: Vec<String>,
    pub collected_data_types: Vec<CollectedDataType>,
    pub accessed_api_types: Vec<AccessedApiType>,
    /// Paths of the manifests found.
    pub files: Vec<String>,
    /// Required-reason API categories the binaries use with no declared reason.
    pub undeclared_api_categories: Vec<UndeclaredApi>,
    /// Frameworks from Apple's list of commonly used SDKs shipped without
    /// their own privacy manifest.
    pub sdks_without_manifest: Vec<String>,
}

/// One `NSPrivacyCollectedDataTypes` item.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct CollectedDataType {
    pub data_type: String,
    pub linked: bool,
    pub tracking: bool,
    pub purposes: Vec<String>,
    /// Manifest that declares it.
    pub path: String,
}

/// One `NSPrivacyAccessedAPITypes` item.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct AccessedApiType {
    pub category: String,
    pub reasons: Vec<String>,
    pub path: String,
}

/// A required-reason API category used without a declared reason.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct UndeclaredApi {
    pub category: String,
    /// Symbols / selectors / strings that show the use.
    pub apis: Vec<String>,
    /// Binaries that use it.
    pub binaries: Vec<String>,
}

/// A hard-coded secret; never carries the full value unless asked.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Secret {
    pub kind: String,
    /// The key names the value was seen under (manifest meta-data, SDK XML
    /// attributes, config keys), when a name says it is a secret.
    pub keys: Vec<String>,
    pub preview: String,
    pub sha256: String,
    pub value: Option<String>,
    pub locations: Vec<Location>,
    /// How many distinct places the value was seen in (`locations` keeps the first 50).
    pub locations_total: usize,
}

/// Code that looks packed or encrypted.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct PackedCode {
    pub path: String,
    pub reason: String,
}

/// One member of a split set, XAPK, APKM, App Bundle or split directory.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct PackagePart {
    /// Path of the member inside the package (or file name in a directory).
    pub path: String,
    /// `base`, `split`, `module`, `obb`, `dex-metadata` or `other`.
    pub kind: String,
    /// Split name from the manifest (`config.arm64_v8a`), or module name.
    pub split: Option<String>,
    /// Size in bytes as stored (OBB files are listed, never inflated).
    pub size: u64,
}

/// A signing certificate.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct SigningCert {
    pub scheme: String,
    pub subject: String,
    pub issuer: String,
    pub sha256: String,
    pub country: Option<String>,
}

/// Security-relevant flags.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct Security {
    pub debuggable: Option<bool>,
    pub allow_backup: Option<bool>,
    /// Cleartext (plain HTTP) traffic allowed by default.
    pub cleartext: Option<bool>,
    /// Domains the network security config opens to cleartext.
    pub cleartext_domains: Vec<String>,
    pub user_certs_trusted: Option<bool>,
    pub ats_arbitrary_loads: Option<bool>,
    pub encrypted: Option<bool>,
    /// Path of the network security config, when the manifest names one.
    pub network_security_config: Option<String>,
    /// Whether `<debug-overrides>` are present in the network security config.
    pub debug_overrides: Option<bool>,
    /// Whether `<debug-overrides>` trust user-installed CAs (only active in debuggable builds).
    pub debug_user_certs_trusted: Option<bool>,
}

/// What Android's package reader would do with this file.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
#[schemars(deny_unknown_fields)]
pub struct Installability {
    /// `Some(true)` when Android's package reader (libziparchive and the
    /// manifest parser) accepts the archive; `None` when not applicable.
    /// Signatures are judged separately in `signed`.
    pub android_accepts: Option<bool>,
    /// Reasons Android would refuse the file.
    pub reasons: Vec<String>,
    /// Whether the package carries any signature (v1, v2, v3); Android
    /// installs only signed packages, so `false` here also blocks installation.
    pub signed: Option<bool>,
}

/// Something that went wrong or looked tampered, with where.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[schemars(deny_unknown_fields)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

impl Warning {
    /// A warning about `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// `prefix!path`, or `prefix` alone for a part-level note, or `path` when
/// there is no prefix: how nested paths are written in a report.
pub fn prefixed(prefix: Option<&str>, path: &str) -> String {
    match (prefix, path.is_empty()) {
        (None, _) => path.to_string(),
        (Some(m), true) => m.to_string(),
        (Some(m), false) => format!("{m}!{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_warnings_collapse_into_one_with_a_count() {
        let mut r = Report::default();
        for i in 0..250 {
            r.warnings
                .push(Warning::new(format!("e{i:03}"), "entry data overlaps"));
        }
        r.warnings.push(Warning::new("a", "other"));
        r.warnings.push(Warning::new("b", "other"));
        r.normalize();
        assert_eq!(
            r.warnings,
            vec![
                Warning::new("a", "other"),
                Warning::new("b", "other"),
                Warning::new("e000", "entry data overlaps [and 249 more: e001, e002, …]"),
            ]
        );
    }
}
