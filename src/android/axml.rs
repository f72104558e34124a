//! Binary XML (AXML) decoder. CONTRACT STUB: replaced by the real decoder.

use std::fmt;

/// A decoded binary XML document.
#[derive(Debug, Clone, Default)]
pub struct AxmlDocument {
    /// The root element, when one could be read.
    pub root: Option<Element>,
    /// Tampering and decoding anomalies, one sentence each.
    pub anomalies: Vec<String>,
}

/// One XML element.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub namespace: Option<String>,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Element>,
}

/// One attribute; `resource_id` is the framework/app attribute id when the
/// file carries one (Android resolves attributes by this id, not by name).
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub namespace: Option<String>,
    pub resource_id: Option<u32>,
    pub value: Value,
}

/// A typed attribute value (Res_value).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Reference(u32),
    AttributeRef(u32),
    Bool(bool),
    Int(i64),
    Hex(u32),
    Float(f32),
    Dimension(u32),
    Fraction(u32),
    Color(u32),
    Null,
    Other { data_type: u8, data: u32 },
}

/// Why a document could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxmlError(pub String);

impl fmt::Display for AxmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "binary XML: {}", self.0)
    }
}

impl std::error::Error for AxmlError {}

/// Decodes binary XML.
pub fn parse(_bytes: &[u8]) -> Result<AxmlDocument, AxmlError> {
    Err(AxmlError("decoder not built yet".into()))
}

impl Element {
    /// The `android:` attribute named `name` (resolved by resource id first).
    pub fn android_attr(&self, _name: &str) -> Option<&Value> {
        None
    }
}

/// Renders the document as indented XML text; `resolve` turns resource ids
/// into `@type/name` text where it can.
pub fn to_xml(_doc: &AxmlDocument, _resolve: &dyn Fn(u32) -> Option<String>) -> String {
    String::new()
}
