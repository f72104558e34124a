//! The network security config (`res/xml/network_security_config.xml`):
//! which domains allow cleartext, and whether user-installed CAs are trusted.

use crate::android::axml::{Element, Value};

/// What the config decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkSecurityConfig {
    /// `base-config cleartextTrafficPermitted`, when given.
    pub base_cleartext: Option<bool>,
    /// Domains whose `domain-config` permits cleartext (`*.` prefix when subdomains are included).
    pub cleartext_domains: Vec<String>,
    /// User CAs trusted outside debug overrides (base or any domain config).
    pub user_certs_trusted: bool,
    pub debug_overrides: bool,
    pub debug_user_certs_trusted: bool,
}

fn plain_attr<'a>(el: &'a Element, name: &str) -> Option<&'a Value> {
    el.attributes
        .iter()
        .find(|a| a.name == name)
        .map(|a| &a.value)
}

fn plain_bool(el: &Element, name: &str) -> Option<bool> {
    plain_attr(el, name).and_then(Value::as_bool)
}

fn trusts_user_certs(el: &Element) -> bool {
    el.children
        .iter()
        .filter(|c| c.name == "trust-anchors")
        .any(|t| {
            t.children.iter().any(|c| {
                c.name == "certificates"
                    && matches!(plain_attr(c, "src"), Some(Value::String(s)) if s == "user")
            })
        })
}

fn text_of(el: &Element) -> Option<String> {
    el.text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn walk_domain_config(cfg: &Element, inherited: Option<bool>, out: &mut NetworkSecurityConfig) {
    let cleartext = plain_bool(cfg, "cleartextTrafficPermitted").or(inherited);
    if trusts_user_certs(cfg) {
        out.user_certs_trusted = true;
    }
    for d in cfg.children.iter().filter(|c| c.name == "domain") {
        if cleartext == Some(true)
            && let Some(name) = text_of(d)
        {
            let sub = plain_bool(d, "includeSubdomains").unwrap_or(false);
            out.cleartext_domains
                .push(if sub { format!("*.{name}") } else { name });
        }
    }
    for nested in cfg.children.iter().filter(|c| c.name == "domain-config") {
        walk_domain_config(nested, cleartext, out);
    }
}

/// Reads the config from its root `<network-security-config>` element.
pub fn from_root(root: &Element) -> NetworkSecurityConfig {
    let mut out = NetworkSecurityConfig::default();
    for child in &root.children {
        match child.name.as_str() {
            "base-config" => {
                out.base_cleartext = plain_bool(child, "cleartextTrafficPermitted");
                if trusts_user_certs(child) {
                    out.user_certs_trusted = true;
                }
            }
            "domain-config" => walk_domain_config(child, None, &mut out),
            "debug-overrides" => {
                out.debug_overrides = true;
                out.debug_user_certs_trusted |= trusts_user_certs(child);
            }
            _ => {}
        }
    }
    out.cleartext_domains.sort();
    out.cleartext_domains.dedup();
    out
}
