//! resources.arsc decoder. CONTRACT STUB: replaced by the real decoder.

use std::fmt;

/// A decoded resource table.
#[derive(Debug, Clone, Default)]
pub struct ResourceTable {
    /// Decoding anomalies, one sentence each.
    pub anomalies: Vec<String>,
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

/// Decodes resources.arsc.
pub fn parse(_bytes: &[u8]) -> Result<ResourceTable, ArscError> {
    Err(ArscError("decoder not built yet".into()))
}

impl ResourceTable {
    /// String value of `id` in the default configuration (falling back to the
    /// first configuration that has one), following references.
    pub fn resolve_string(&self, _id: u32) -> Option<String> {
        None
    }
    /// File path (e.g. `res/xml/network_security_config.xml`) of `id`.
    pub fn resolve_file(&self, _id: u32) -> Option<String> {
        None
    }
    /// `type/name` of `id`, e.g. `string/app_name`.
    pub fn name_of(&self, _id: u32) -> Option<String> {
        None
    }
}
