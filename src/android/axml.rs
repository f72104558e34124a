//! Binary XML (AXML) decoder: AndroidManifest.xml and compiled XML resources.
//!
//! The decoder follows what Android's own parser (ResXMLTree) relies on and
//! nothing more: chunks are walked by their declared sizes, strings are
//! looked up lazily by index with bounds checks, and framework attributes are
//! identified by their resource id (0x0101xxxx) rather than by their name or
//! namespace string, which packers forge to break other tools. Anything odd
//! is recovered from where possible and reported in
//! [`AxmlDocument::anomalies`]; nothing in the input can make it panic.

mod pool;
mod render;

use std::collections::HashMap;
use std::fmt;

use super::attrs;
use pool::{StrError, StringPool};

pub use render::{render_value, to_xml};

/// Namespace URI of the `android:` attributes.
pub const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

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
    /// Local name as stored in the string pool (may be garbage in hostile files).
    pub name: String,
    /// Namespace URI, when the element has one.
    pub namespace: Option<String>,
    /// Attributes in file order.
    pub attributes: Vec<Attribute>,
    /// Child elements in file order.
    pub children: Vec<Element>,
    /// Text content (CDATA chunks) directly inside the element, joined.
    pub text: Option<String>,
}

/// One attribute; `resource_id` is the framework/app attribute id when the
/// file carries one (Android resolves attributes by this id, not by name).
///
/// For framework attributes (ids 0x0101xxxx known to [`attrs`]) the decoder
/// sets `name` from the id and `namespace` to [`ANDROID_NS`], whatever the
/// file's strings say; the discrepancy is reported as an anomaly.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// Local name.
    pub name: String,
    /// Namespace URI, when the attribute has one.
    pub namespace: Option<String>,
    /// Attribute resource id from the resource map, when present.
    pub resource_id: Option<u32>,
    /// Typed value.
    pub value: Value,
}

/// A typed attribute value (Res_value).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string (TYPE_STRING).
    String(String),
    /// A resource reference `@…` (TYPE_REFERENCE / TYPE_DYNAMIC_REFERENCE).
    Reference(u32),
    /// A theme attribute reference `?…` (TYPE_ATTRIBUTE / TYPE_DYNAMIC_ATTRIBUTE).
    AttributeRef(u32),
    /// A boolean (TYPE_INT_BOOLEAN).
    Bool(bool),
    /// A decimal integer (TYPE_INT_DEC), sign-extended from 32 bits.
    Int(i64),
    /// A hexadecimal integer (TYPE_INT_HEX).
    Hex(u32),
    /// A float (TYPE_FLOAT).
    Float(f32),
    /// A complex dimension (TYPE_DIMENSION), raw data.
    Dimension(u32),
    /// A complex fraction (TYPE_FRACTION), raw data.
    Fraction(u32),
    /// A colour (TYPE_INT_COLOR_*), as 0xAARRGGBB or the raw short form.
    Color(u32),
    /// TYPE_NULL.
    Null,
    /// Any other type.
    Other {
        /// Res_value dataType.
        data_type: u8,
        /// Res_value data.
        data: u32,
    },
}

impl Value {
    /// The string, for [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// An integer reading of the value: decimal and hex integers, booleans,
    /// and strings holding a decimal number (some manifests store
    /// `versionCode` or `minSdkVersion` as text).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Hex(h) => Some(i64::from(*h)),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean reading: booleans, integers (non-zero) and "true"/"false" text.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Hex(h) => Some(*h != 0),
            Value::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
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

impl Element {
    /// The `android:` attribute named `name`: first by framework resource id
    /// (what Android itself uses), then by name in the android namespace,
    /// then by bare name among attributes that carry no resource id.
    pub fn android_attr(&self, name: &str) -> Option<&Value> {
        self.android_attribute(name).map(|a| &a.value)
    }

    /// Like [`Element::android_attr`], returning the whole attribute.
    pub fn android_attribute(&self, name: &str) -> Option<&Attribute> {
        if let Some(id) = attrs::id_of(name)
            && let Some(a) = self.attributes.iter().find(|a| a.resource_id == Some(id))
        {
            return Some(a);
        }
        let unclaimed = |a: &&Attribute| {
            // An attribute whose id names another framework attribute is that
            // attribute, whatever its name string says.
            a.resource_id.is_none_or(|id| !attrs::is_framework_attr(id))
        };
        self.attributes
            .iter()
            .filter(unclaimed)
            .find(|a| a.name == name && a.namespace.as_deref() == Some(ANDROID_NS))
            .or_else(|| {
                self.attributes
                    .iter()
                    .find(|a| a.resource_id.is_none() && a.name == name)
            })
    }

    /// The attribute `name` without a namespace (e.g. `package` on `<manifest>`).
    pub fn plain_attr(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.namespace.is_none() && a.name == name)
            .or_else(|| {
                self.attributes
                    .iter()
                    .find(|a| a.resource_id.is_none() && a.name == name)
            })
            .map(|a| &a.value)
    }

    /// Direct children named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// This element and all its descendants, depth first.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            out.push(e);
            stack.extend(e.children.iter().rev());
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Anomaly collection: one line per kind, with a count for repeats.

/// Collects anomalies, folding repeats of one kind into a count.
pub(crate) struct Anomalies {
    entries: Vec<(&'static str, String, usize)>,
    index: HashMap<&'static str, usize>,
}

impl Anomalies {
    fn new() -> Self {
        Anomalies {
            entries: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Records an anomaly of kind `key`; `message` is built for the first one only.
    pub(crate) fn add(&mut self, key: &'static str, message: impl FnOnce() -> String) {
        if let Some(&i) = self.index.get(key) {
            if let Some(entry) = self.entries.get_mut(i) {
                entry.2 += 1;
            }
        } else {
            self.index.insert(key, self.entries.len());
            self.entries.push((key, message(), 1));
        }
    }

    fn finish(self) -> Vec<String> {
        self.entries
            .into_iter()
            .map(|(_, msg, n)| {
                if n > 1 {
                    format!("{msg} (and {} more like it)", n - 1)
                } else {
                    msg
                }
            })
            .collect()
    }
}

pub(crate) use crate::binread::{le_u16, le_u32};

// ---------------------------------------------------------------------------
// Chunk walking.

const RES_NULL_TYPE: u16 = 0x0000;
const RES_STRING_POOL_TYPE: u16 = 0x0001;
const RES_TABLE_TYPE: u16 = 0x0002;
const RES_XML_TYPE: u16 = 0x0003;
const RES_XML_START_NAMESPACE_TYPE: u16 = 0x0100;
const RES_XML_END_NAMESPACE_TYPE: u16 = 0x0101;
const RES_XML_START_ELEMENT_TYPE: u16 = 0x0102;
const RES_XML_END_ELEMENT_TYPE: u16 = 0x0103;
const RES_XML_CDATA_TYPE: u16 = 0x0104;
const RES_XML_RESOURCE_MAP_TYPE: u16 = 0x0180;

/// Size of ResXMLTree_node (chunk header + line number + comment).
const NODE_HEADER: usize = 16;
/// Size of ResXMLTree_attrExt.
const ATTR_EXT: usize = 20;
/// Size of ResXMLTree_attribute.
const ATTR_RECORD: usize = 20;
/// Deepest element nesting kept as a tree; deeper elements are flattened.
const MAX_DEPTH: usize = 256;
/// Most attributes decoded in one document.
const MAX_ATTRIBUTES: usize = 200_000;
/// "No string" index.
const NO_INDEX: u32 = 0xFFFF_FFFF;

use super::res_value::{
    TYPE_ATTRIBUTE, TYPE_DIMENSION, TYPE_DYNAMIC_ATTRIBUTE, TYPE_DYNAMIC_REFERENCE,
    TYPE_FIRST_COLOR, TYPE_FLOAT, TYPE_FRACTION, TYPE_INT_BOOLEAN, TYPE_INT_DEC, TYPE_INT_HEX,
    TYPE_LAST_COLOR, TYPE_NULL, TYPE_REFERENCE, TYPE_STRING,
};

/// A chunk header as read from the file.
#[derive(Debug, Clone, Copy)]
struct ChunkHeader {
    kind: u16,
    header_size: usize,
    size: usize,
}

fn read_header(b: &[u8], at: usize) -> Option<ChunkHeader> {
    Some(ChunkHeader {
        kind: le_u16(b, at)?,
        header_size: le_u16(b, at + 2)? as usize,
        size: le_u32(b, at + 4)? as usize,
    })
}

fn is_node_type(kind: u16) -> bool {
    (RES_XML_START_NAMESPACE_TYPE..=RES_XML_CDATA_TYPE).contains(&kind)
}

/// Whether a well-formed chunk of a known type starts at `at` (used to resync).
fn plausible_chunk(b: &[u8], at: usize, end: usize) -> bool {
    let Some(h) = read_header(b, at) else {
        return false;
    };
    let fits = h.size >= h.header_size && h.size <= end.saturating_sub(at);
    fits && match h.kind {
        k if is_node_type(k) => h.header_size == NODE_HEADER && h.size >= NODE_HEADER + 8,
        RES_STRING_POOL_TYPE => h.header_size == 28,
        RES_XML_RESOURCE_MAP_TYPE => h.header_size == 8,
        _ => false,
    }
}

/// Decoder state while walking the chunks.
struct Decoder<'a> {
    /// All the bytes (chunks may straddle a stale declared size).
    data: &'a [u8],
    /// Where walking stops: the declared document end, clamped to the data.
    stop: usize,
    pool: StringPool<'a>,
    resource_map: &'a [u8],
    anomalies: Anomalies,
    stack: Vec<Element>,
    /// End-name string index of each open element (parallel to `stack`).
    open_names: Vec<u32>,
    /// Elements opened beyond MAX_DEPTH and attached flat.
    overflow_depth: usize,
    root: Option<Element>,
    /// Namespace URI → prefixes seen for it.
    namespaces: Vec<(String, String)>,
    attributes_read: usize,
    seen_node: bool,
}

/// Decodes binary XML.
pub fn parse(bytes: &[u8]) -> Result<AxmlDocument, AxmlError> {
    let Some(file) = read_header(bytes, 0) else {
        return Err(AxmlError(format!(
            "{} bytes is too short for a chunk header",
            bytes.len()
        )));
    };
    let mut anomalies = Anomalies::new();

    // The outer RES_XML_TYPE header. Android installs files whose first type
    // was zeroed, so only note it.
    let mut start = 8;
    if file.kind != RES_XML_TYPE {
        anomalies.add("file-type", || {
            format!(
                "first chunk type is {:#06x}, not RES_XML_TYPE (0x0003)",
                file.kind
            )
        });
        if plausible_chunk(bytes, 0, bytes.len()) && file.kind == RES_STRING_POOL_TYPE {
            // No outer header at all: the pool starts the file.
            start = 0;
        }
    }
    if start == 8 && file.header_size != 8 {
        anomalies.add("file-header-size", || {
            format!("file header size is {}, not 8", file.header_size)
        });
        if file.header_size > 8
            && file.header_size < bytes.len()
            && plausible_chunk(bytes, file.header_size, bytes.len())
        {
            start = file.header_size;
        }
    }
    let end = if start == 0 {
        bytes.len()
    } else if file.size == bytes.len() {
        file.size
    } else if file.size > start && file.size < bytes.len() {
        anomalies.add("file-size", || {
            format!(
                "declared size {} is smaller than the {} bytes of data; reading stops at the declared end",
                file.size,
                bytes.len()
            )
        });
        file.size
    } else {
        anomalies.add("file-size", || {
            format!(
                "declared size {} does not match the {} bytes of data; reading all of them",
                file.size,
                bytes.len()
            )
        });
        bytes.len()
    };

    let mut dec = Decoder {
        data: bytes,
        stop: end,
        pool: StringPool::empty(),
        resource_map: &[],
        anomalies,
        stack: Vec::new(),
        open_names: Vec::new(),
        overflow_depth: 0,
        root: None,
        namespaces: Vec::new(),
        attributes_read: 0,
        seen_node: false,
    };
    dec.walk(start);
    dec.finish()
}

impl<'a> Decoder<'a> {
    fn walk(&mut self, start: usize) {
        let end = self.data.len();
        let stop = self.stop;
        let mut pos = start;
        while pos < stop {
            let Some(h) = read_header(self.data, pos) else {
                let left = stop - pos;
                self.anomalies.add("trailing", || {
                    format!("{left} stray bytes at the end (offset {pos:#x})")
                });
                break;
            };
            let sane = h.header_size >= 8 && h.size >= h.header_size && h.size <= end - pos;
            let (header_size, size) = if sane {
                (h.header_size, h.size)
            } else if let Some(recovered) = self.recover_node_size(pos, h) {
                (NODE_HEADER, recovered)
            } else {
                match (pos + 1..stop.saturating_sub(7))
                    .find(|&p| plausible_chunk(self.data, p, end))
                {
                    Some(next) => {
                        self.anomalies.add("resync", || {
                            format!(
                                "invalid chunk (type {:#06x}, header {}, size {}) at offset {pos:#x}; skipped {} bytes to the next chunk",
                                h.kind,
                                h.header_size,
                                h.size,
                                next - pos
                            )
                        });
                        pos = next;
                        continue;
                    }
                    None => {
                        self.anomalies.add("resync-fail", || {
                            format!(
                                "invalid chunk (type {:#06x}, header {}, size {}) at offset {pos:#x}; {} bytes left unread",
                                h.kind,
                                h.header_size,
                                h.size,
                                stop - pos
                            )
                        });
                        break;
                    }
                }
            };
            if size % 4 != 0 {
                self.anomalies.add("unaligned", || {
                    format!(
                        "chunk at offset {pos:#x} has a size ({size}) that is not a multiple of 4"
                    )
                });
            }
            if pos + size > stop {
                self.anomalies.add("straddle", || {
                    format!(
                        "chunk at offset {pos:#x} runs {} bytes past the declared document end; read anyway",
                        pos + size - stop
                    )
                });
            }
            let chunk = self.data.get(pos..pos + size).unwrap_or_default();
            self.chunk(pos, h.kind, header_size, chunk);
            pos += size;
        }
    }

    /// For a node chunk whose header lies about its sizes (e.g. zero-size
    /// END_NAMESPACE), the size the node type implies, when it fits.
    fn recover_node_size(&mut self, pos: usize, h: ChunkHeader) -> Option<usize> {
        let end = self.data.len();
        let size = match h.kind {
            RES_XML_START_NAMESPACE_TYPE
            | RES_XML_END_NAMESPACE_TYPE
            | RES_XML_END_ELEMENT_TYPE => NODE_HEADER + 8,
            RES_XML_CDATA_TYPE => NODE_HEADER + 12,
            RES_XML_START_ELEMENT_TYPE => {
                let ext = pos + NODE_HEADER;
                let attr_start = le_u16(self.data, ext + 8)? as usize;
                let attr_size = le_u16(self.data, ext + 10)? as usize;
                let attr_count = le_u16(self.data, ext + 12)? as usize;
                NODE_HEADER + attr_start.max(ATTR_EXT) + attr_size.max(ATTR_RECORD) * attr_count
            }
            _ => return None,
        };
        if size > end - pos {
            return None;
        }
        self.anomalies.add("node-size", || {
            format!(
                "node chunk {:#06x} at offset {pos:#x} declares header {} / size {}; using its natural size {size}",
                h.kind, h.header_size, h.size
            )
        });
        Some(size)
    }

    fn chunk(&mut self, pos: usize, kind: u16, header_size: usize, chunk: &'a [u8]) {
        match kind {
            RES_STRING_POOL_TYPE => {
                if self.pool.is_present() {
                    self.anomalies.add("pool-extra", || {
                        format!("extra string pool at offset {pos:#x} ignored")
                    });
                } else {
                    if self.seen_node {
                        self.anomalies.add("pool-late", || {
                            format!("string pool at offset {pos:#x} comes after the first XML node")
                        });
                    }
                    self.pool = StringPool::parse(chunk, header_size, &mut self.anomalies);
                }
            }
            RES_XML_RESOURCE_MAP_TYPE => {
                if self.resource_map.is_empty() {
                    self.resource_map = chunk.get(header_size..).unwrap_or_default();
                } else {
                    self.anomalies.add("resmap-extra", || {
                        format!("extra resource map at offset {pos:#x} ignored")
                    });
                }
            }
            k if is_node_type(k) => {
                self.seen_node = true;
                let body_at = if (NODE_HEADER..=chunk.len()).contains(&header_size) {
                    header_size
                } else {
                    self.anomalies.add("node-header", || {
                        format!("node at offset {pos:#x} has header size {header_size}, not 16")
                    });
                    NODE_HEADER
                };
                let body = chunk.get(body_at..).unwrap_or_default();
                match k {
                    RES_XML_START_NAMESPACE_TYPE => self.start_namespace(pos, body),
                    RES_XML_END_NAMESPACE_TYPE => {}
                    RES_XML_START_ELEMENT_TYPE => self.start_element(pos, body),
                    RES_XML_END_ELEMENT_TYPE => self.end_element(pos, body),
                    _ => self.cdata(body),
                }
            }
            RES_XML_TYPE | RES_NULL_TYPE | RES_TABLE_TYPE => {
                self.anomalies.add("unexpected-chunk", || {
                    format!("unexpected chunk type {kind:#06x} at offset {pos:#x} skipped")
                });
            }
            _ => {
                self.anomalies.add("unknown-chunk", || {
                    format!("unknown chunk type {kind:#06x} at offset {pos:#x} skipped")
                });
            }
        }
    }

    /// Text of string `index`, or a placeholder (with an anomaly) when the
    /// index is invalid. `NO_INDEX` yields `None`.
    fn string(&mut self, index: u32, what: &'static str) -> Option<String> {
        if index == NO_INDEX {
            return None;
        }
        match self.pool.get(index, &mut self.anomalies) {
            Ok(s) => Some(s.to_owned()),
            Err(e) => {
                let count = self.pool.count();
                self.anomalies.add("bad-string-index", || match e {
                    StrError::NoPool => {
                        format!("{what} refers to string {index} but there is no string pool")
                    }
                    StrError::OutOfRange => format!(
                        "{what} refers to string {index}, outside the pool of {count} strings"
                    ),
                    StrError::BadOffset => format!(
                        "{what} refers to string {index}, whose offset points outside the pool"
                    ),
                });
                Some(format!("#invalid-string-{index}"))
            }
        }
    }

    fn start_namespace(&mut self, pos: usize, body: &[u8]) {
        let (Some(prefix), Some(uri)) = (le_u32(body, 0), le_u32(body, 4)) else {
            self.anomalies.add("ns-short", || {
                format!("namespace node at offset {pos:#x} is too short")
            });
            return;
        };
        let prefix = self.string(prefix, "namespace prefix").unwrap_or_default();
        let uri = self.string(uri, "namespace URI").unwrap_or_default();
        if uri == ANDROID_NS && prefix != "android" {
            self.anomalies.add("ns-android-prefix", || {
                format!("android namespace bound to prefix '{}'", clip(&prefix))
            });
        } else if prefix == "android" && uri != ANDROID_NS {
            self.anomalies.add("ns-masking", || {
                format!(
                    "prefix 'android' bound to '{}' instead of the android namespace",
                    clip(&uri)
                )
            });
        }
        if self
            .namespaces
            .iter()
            .any(|(p, u)| *u == uri && *p != prefix)
        {
            self.anomalies.add("ns-multi", || {
                format!("namespace '{}' bound to several prefixes", clip(&uri))
            });
        }
        if !self
            .namespaces
            .iter()
            .any(|(p, u)| *u == uri && *p == prefix)
        {
            self.namespaces.push((prefix, uri));
        }
    }

    /// Text node: appended to the innermost open element.
    fn cdata(&mut self, body: &[u8]) {
        let Some(index) = le_u32(body, 0) else { return };
        let Some(text) = self.string(index, "text") else {
            return;
        };
        if let Some(top) = self.stack.last_mut() {
            top.text.get_or_insert_with(String::new).push_str(&text);
        }
    }

    fn start_element(&mut self, pos: usize, body: &'a [u8]) {
        let field16 = |at: usize| le_u16(body, at).map(usize::from);
        let (Some(ns), Some(name)) = (le_u32(body, 0), le_u32(body, 4)) else {
            self.anomalies.add("element-short", || {
                format!("start element at offset {pos:#x} is too short")
            });
            return;
        };
        let mut element = Element {
            name: self.string(name, "element name").unwrap_or_default(),
            namespace: self.string(ns, "element namespace"),
            ..Element::default()
        };
        if element.name.is_empty() {
            self.anomalies.add("element-empty-name", || {
                format!("element at offset {pos:#x} has an empty name")
            });
        }
        match (field16(8), field16(10), field16(12)) {
            (Some(start), Some(size), Some(count)) => {
                self.read_attributes(pos, body, start, size, count, &mut element)
            }
            _ => self.anomalies.add("element-short", || {
                format!("start element at offset {pos:#x} is too short for its attribute header")
            }),
        }
        self.open(element, name);
    }

    fn read_attributes(
        &mut self,
        pos: usize,
        body: &'a [u8],
        start: usize,
        stride: usize,
        count: usize,
        element: &mut Element,
    ) {
        if count == 0 {
            return;
        }
        if start != ATTR_EXT {
            self.anomalies.add("attr-start", || {
                format!("element at offset {pos:#x} has attributeStart {start}, not 20")
            });
        }
        let mut count = count;
        if stride != ATTR_RECORD {
            self.anomalies.add("attr-size", || {
                format!("element at offset {pos:#x} has attributeSize {stride}, not 20")
            });
            if stride == 0 {
                // Every record would be the same bytes.
                count = 1;
            }
        }
        for i in 0..count {
            if self.attributes_read >= MAX_ATTRIBUTES {
                self.anomalies.add("attr-limit", || {
                    format!("more than {MAX_ATTRIBUTES} attributes; the rest are ignored")
                });
                return;
            }
            let at = start + i * stride;
            let Some(record) = body.get(at..at + ATTR_RECORD) else {
                self.anomalies.add("attr-overflow", || {
                    format!(
                        "element at offset {pos:#x} declares {count} attributes but only {i} fit in its chunk"
                    )
                });
                return;
            };
            self.attributes_read += 1;
            let attribute = self.attribute(record);
            element.attributes.push(attribute);
        }
    }

    fn attribute(&mut self, record: &[u8]) -> Attribute {
        let field = |at: usize| le_u32(record, at).unwrap_or(NO_INDEX);
        let (ns, name, raw) = (field(0), field(4), field(8));
        let value_size = le_u16(record, 12).unwrap_or(0);
        let data_type = record.get(15).copied().unwrap_or(0);
        let data = field(16);
        if value_size != 8 {
            self.anomalies.add("value-size", || {
                format!("attribute value record has size {value_size}, not 8")
            });
        }

        let resource_id = le_u32(self.resource_map, (name as usize).saturating_mul(4))
            .filter(|&id| id != 0 && name != NO_INDEX);
        let string_name = self.string(name, "attribute name").unwrap_or_default();
        let string_ns = self.string(ns, "attribute namespace");
        let known = resource_id.and_then(|id| attrs::name_of(id).map(|n| (id, n)));
        let (name, namespace) = match known {
            Some((id, real)) => {
                if string_name != real {
                    self.anomalies.add("attr-name-mismatch", || {
                        format!(
                            "attribute named '{}' carries resource id {id:#010x} (android:{real}); named by its id",
                            clip(&string_name)
                        )
                    });
                }
                if string_ns.as_deref() != Some(ANDROID_NS) {
                    self.anomalies.add("attr-ns-mismatch", || {
                        format!(
                            "android:{real} is in namespace '{}', not the android namespace",
                            clip(string_ns.as_deref().unwrap_or(""))
                        )
                    });
                }
                (real.to_owned(), Some(ANDROID_NS.to_owned()))
            }
            None => {
                let name = match resource_id {
                    Some(id) if attrs::is_framework_attr(id) && string_name.is_empty() => {
                        self.anomalies.add("attr-unknown-id", || {
                            format!("unnamed attribute with unknown framework id {id:#010x}")
                        });
                        format!("attr_{id:08x}")
                    }
                    _ => string_name,
                };
                if name.is_empty() {
                    self.anomalies.add("attr-empty-name", || {
                        "attribute with an empty name and no resource id".to_owned()
                    });
                }
                let namespace = match resource_id {
                    Some(id) if attrs::is_framework_attr(id) => Some(ANDROID_NS.to_owned()),
                    _ => string_ns,
                };
                (name, namespace)
            }
        };

        let value = self.value(data_type, data, raw, resource_id.is_some());
        Attribute {
            name,
            namespace,
            resource_id,
            value,
        }
    }

    /// Decodes a Res_value. For strings Android reads the typed value through
    /// the resource id (TypedArray) and the raw value otherwise (XmlPullParser).
    fn value(&mut self, data_type: u8, data: u32, raw: u32, has_id: bool) -> Value {
        match data_type {
            TYPE_STRING => {
                let index = if has_id || raw == NO_INDEX { data } else { raw };
                if raw != NO_INDEX && raw != data {
                    self.anomalies.add("raw-typed-mismatch", || {
                        format!("string attribute has raw value {raw} but typed value {data}")
                    });
                }
                Value::String(self.string(index, "attribute value").unwrap_or_default())
            }
            TYPE_NULL => Value::Null,
            TYPE_REFERENCE | TYPE_DYNAMIC_REFERENCE => Value::Reference(data),
            TYPE_ATTRIBUTE | TYPE_DYNAMIC_ATTRIBUTE => Value::AttributeRef(data),
            TYPE_FLOAT => Value::Float(f32::from_bits(data)),
            TYPE_DIMENSION => Value::Dimension(data),
            TYPE_FRACTION => Value::Fraction(data),
            TYPE_INT_DEC => Value::Int(i64::from(data as i32)),
            TYPE_INT_HEX => Value::Hex(data),
            TYPE_INT_BOOLEAN => Value::Bool(data != 0),
            TYPE_FIRST_COLOR..=TYPE_LAST_COLOR => Value::Color(data),
            other => {
                self.anomalies.add("value-type", || {
                    format!("attribute value of unknown type {other:#04x}")
                });
                Value::Other {
                    data_type: other,
                    data,
                }
            }
        }
    }

    fn open(&mut self, element: Element, name_index: u32) {
        if self.stack.len() >= MAX_DEPTH {
            self.anomalies.add("depth", || {
                format!("elements nested deeper than {MAX_DEPTH}; deeper ones are flattened")
            });
            self.overflow_depth += 1;
            if let Some(top) = self.stack.last_mut() {
                top.children.push(element);
            }
            return;
        }
        self.stack.push(element);
        self.open_names.push(name_index);
    }

    fn end_element(&mut self, pos: usize, body: &[u8]) {
        if self.overflow_depth > 0 {
            self.overflow_depth -= 1;
            return;
        }
        let name_index = le_u32(body, 4).unwrap_or(NO_INDEX);
        let Some(element) = self.stack.pop() else {
            self.anomalies.add("end-unbalanced", || {
                format!("end element at offset {pos:#x} closes nothing")
            });
            return;
        };
        let open_index = self.open_names.pop().unwrap_or(NO_INDEX);
        if open_index != name_index {
            let closes = self
                .pool
                .get(name_index, &mut self.anomalies)
                .unwrap_or("?")
                .to_owned();
            self.anomalies.add("end-mismatch", || {
                format!(
                    "end element '{}' at offset {pos:#x} closes <{}>",
                    clip(&closes),
                    clip(&element.name)
                )
            });
        }
        self.attach(element);
    }

    fn attach(&mut self, element: Element) {
        if let Some(parent) = self.stack.last_mut() {
            parent.children.push(element);
        } else if self.root.is_none() {
            self.root = Some(element);
        } else {
            let name = element.name;
            self.anomalies.add("extra-root", || {
                format!(
                    "additional root element <{}> ignored (Android reads only the first)",
                    clip(&name)
                )
            });
        }
    }

    fn finish(mut self) -> Result<AxmlDocument, AxmlError> {
        if !self.stack.is_empty() {
            let open = self.stack.len();
            self.anomalies
                .add("unclosed", || format!("{open} elements never closed"));
            while let Some(element) = self.stack.pop() {
                self.attach(element);
            }
        }
        if self.root.is_none() {
            if !self.pool.is_present() && !self.seen_node {
                return Err(AxmlError("no string pool and no XML node found".into()));
            }
            self.anomalies
                .add("no-root", || "no root element".to_owned());
        }
        if !self.pool.is_present() {
            self.anomalies
                .add("no-pool", || "no string pool".to_owned());
        }
        if self.resource_map.is_empty() && self.attributes_read > 0 {
            self.anomalies.add("no-resmap", || {
                "no resource map: attributes cannot be identified by resource id".to_owned()
            });
        }
        Ok(AxmlDocument {
            root: self.root,
            anomalies: self.anomalies.finish(),
        })
    }
}

/// At most 60 characters of `s`, for anomaly messages.
fn clip(s: &str) -> String {
    const MAX: usize = 60;
    let mut out: String = s
        .chars()
        .take(MAX)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests;
