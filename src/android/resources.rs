//! resources.arsc decoder: enough of the resource table to resolve string
//! and file resources (the app label, the network security config) and to
//! name resource ids. Every count and offset is bounded by the bytes present;
//! damage becomes an anomaly sentence, not a failure, wherever a partial
//! table is still useful.

mod bytes;
mod config;
mod package;
mod pool;

use std::fmt;

use super::res_value::{TYPE_DYNAMIC_REFERENCE, TYPE_REFERENCE, TYPE_STRING, render_scalar};
use bytes::{Anomalies, for_each_chunk, read_chunk, u32_at};
pub use config::Config;
use package::{Entry, Package, TypeChunk, parse_package};
use pool::{STRING_POOL_TYPE, StringPool};

const TABLE_TYPE: u16 = 0x0002;
const PACKAGE_TYPE: u16 = 0x0200;
/// How many references are followed before giving up (cycles end here).
const MAX_REFERENCE_DEPTH: usize = 8;

/// A decoded resource table.
#[derive(Debug, Clone, Default)]
pub struct ResourceTable {
    /// Decoding anomalies, one sentence each.
    pub anomalies: Vec<String>,
    strings: StringPool,
    packages: Vec<Package>,
}

/// Why a table could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArscError(pub String);

impl fmt::Display for ArscError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "resources.arsc: {}", self.0)
    }
}

impl std::error::Error for ArscError {}

/// Decodes resources.arsc. Fails only when the bytes do not start with a
/// resource table chunk; anything later that is damaged is skipped and noted
/// in [`ResourceTable::anomalies`].
pub fn parse(bytes: &[u8]) -> Result<ResourceTable, ArscError> {
    let mut anomalies = Anomalies::default();
    let Some(table) = read_chunk(bytes, 0, "table", &mut anomalies) else {
        let why = anomalies.finish().into_iter().next().unwrap_or_default();
        return Err(ArscError(format!("no resource table header ({why})")));
    };
    if table.kind != TABLE_TYPE {
        return Err(ArscError(format!(
            "first chunk is type 0x{:04x}, not a resource table",
            table.kind
        )));
    }
    if table.data.len() < bytes.len() {
        anomalies.push(format!(
            "table: {} bytes after the table chunk",
            bytes.len() - table.data.len()
        ));
    }
    let declared_packages = u32_at(table.data, 8).unwrap_or(0);
    let mut strings: Option<StringPool> = None;
    let mut packages = Vec::new();
    for_each_chunk(
        table.data,
        table.header_size,
        "table",
        &mut anomalies,
        |c, an| match c.kind {
            STRING_POOL_TYPE if strings.is_none() => {
                strings = Some(StringPool::parse(c, "global string pool", an));
            }
            STRING_POOL_TYPE => an.push(format!("table: extra string pool at offset {}", c.offset)),
            PACKAGE_TYPE => packages.push(parse_package(c, an)),
            other => an.push(format!(
                "table: unknown chunk type 0x{other:04x} at offset {}",
                c.offset
            )),
        },
    );
    if strings.is_none() {
        anomalies.push("table: no global string pool".into());
    }
    if packages.len() as u64 != u64::from(declared_packages) {
        anomalies.push(format!(
            "table: header declares {declared_packages} packages, found {}",
            packages.len()
        ));
    }
    Ok(ResourceTable {
        anomalies: anomalies.finish(),
        strings: strings.unwrap_or_default(),
        packages,
    })
}

/// Splits a resource id into package, type and entry parts.
fn split_id(id: u32) -> (u32, u8, u16) {
    (id >> 24, (id >> 16) as u8, id as u16)
}

impl ResourceTable {
    /// String value of `id` in the default configuration (falling back to the
    /// first configuration that has one), following references.
    ///
    /// Without a default-configuration value the first locale-less
    /// configuration wins, then English, then the first in file order.
    /// Integers, booleans, colours and dimensions come back as text.
    pub fn resolve_string(&self, id: u32) -> Option<String> {
        self.resolve(id, 0, true)
    }

    /// File path (e.g. `res/xml/network_security_config.xml`) of `id`.
    pub fn resolve_file(&self, id: u32) -> Option<String> {
        self.resolve(id, 0, false)
    }

    /// `type/name` of `id`, e.g. `string/app_name`.
    pub fn name_of(&self, id: u32) -> Option<String> {
        let (pkg_id, type_id, idx) = split_id(id);
        self.packages_with(pkg_id).find_map(|p| {
            let entry = p.chunks_of(type_id).find_map(|t| t.entry(idx))?;
            let ty = p.type_name(type_id)?;
            let key = p.key_strings.get(entry.key as usize)?;
            Some(format!("{ty}/{key}"))
        })
    }

    /// Every configuration's value of `id` as (qualifier, text), in file
    /// order, e.g. `("default", "My App")`, `("fr", "Mon appli")`.
    pub fn string_values(&self, id: u32) -> Vec<(String, String)> {
        self.candidates(id)
            .filter_map(|(t, e)| {
                let text = self.render(e, 0, true)?;
                Some((t.config.qualifier(), text))
            })
            .collect()
    }

    /// The packages of the table as (id, name), in file order.
    pub fn packages(&self) -> Vec<(u32, String)> {
        self.packages
            .iter()
            .map(|p| (p.id, p.name.clone()))
            .collect()
    }

    /// Shared libraries the table's packages refer to, as (id, name).
    pub fn libraries(&self) -> Vec<(u32, String)> {
        self.packages
            .iter()
            .flat_map(|p| p.libraries.iter().cloned())
            .collect()
    }

    fn packages_with(&self, pkg_id: u32) -> impl Iterator<Item = &Package> {
        self.packages.iter().filter(move |p| p.id == pkg_id)
    }

    /// Every (configuration, entry) that defines `id`, in file order.
    fn candidates(&self, id: u32) -> impl Iterator<Item = (&TypeChunk, &Entry)> {
        let (pkg_id, type_id, idx) = split_id(id);
        self.packages_with(pkg_id)
            .flat_map(move |p| p.chunks_of(type_id))
            .filter_map(move |t| t.entry(idx).map(|e| (t, e)))
    }

    /// The entry to use for `id`: default configuration, else the first
    /// locale-less one, else English (not the en-XA pseudo-locale), else the
    /// first.
    fn pick(&self, id: u32) -> Option<&Entry> {
        let all: Vec<(&TypeChunk, &Entry)> = self.candidates(id).collect();
        let by =
            |f: &dyn Fn(&Config) -> bool| all.iter().find(|(t, _)| f(&t.config)).map(|(_, e)| *e);
        by(&|c| c.is_default)
            .or_else(|| by(&|c| c.language.is_empty()))
            .or_else(|| by(&|c| c.language == "en" && c.region != "XA"))
            .or_else(|| all.first().map(|(_, e)| *e))
    }

    fn resolve(&self, id: u32, depth: usize, scalars: bool) -> Option<String> {
        let entry = self.pick(id)?;
        self.render(entry, depth, scalars)
    }

    fn render(&self, entry: &Entry, depth: usize, scalars: bool) -> Option<String> {
        let v = entry.value?;
        match v.data_type {
            TYPE_STRING => self.strings.get(v.data as usize),
            TYPE_REFERENCE | TYPE_DYNAMIC_REFERENCE => {
                if v.data == 0 || depth >= MAX_REFERENCE_DEPTH {
                    return None;
                }
                self.resolve(v.data, depth + 1, scalars)
            }
            t if scalars => render_scalar(t, v.data),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
