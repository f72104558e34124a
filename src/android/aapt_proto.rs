//! aapt2's protobuf formats as App Bundles store them: compiled XML
//! (`XmlNode`, e.g. `base/manifest/AndroidManifest.xml`) and the resource
//! table (`resources.pb`). Only the fields telltale reads are declared; the
//! field numbers are those of aapt2's `Resources.proto`. Decoded XML is
//! turned into the binary-XML model ([`Element`]) so the manifest reader
//! works unchanged.

use crate::android::attrs;
use crate::android::axml::{ANDROID_NS, Attribute, Element, Value};
use prost::Message;

/// A node of a compiled XML tree: an element or text.
#[derive(Clone, PartialEq, Message)]
pub struct XmlNode {
    #[prost(oneof = "xml_node::Node", tags = "1, 2")]
    pub node: Option<xml_node::Node>,
}

/// The kinds of [`XmlNode`].
pub mod xml_node {
    /// Element or text.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Node {
        #[prost(message, tag = "1")]
        Element(super::XmlElement),
        #[prost(string, tag = "2")]
        Text(String),
    }
}

/// An element with its attributes and children.
#[derive(Clone, PartialEq, Message)]
pub struct XmlElement {
    #[prost(string, tag = "2")]
    pub namespace_uri: String,
    #[prost(string, tag = "3")]
    pub name: String,
    #[prost(message, repeated, tag = "4")]
    pub attribute: Vec<XmlAttribute>,
    #[prost(message, repeated, tag = "5")]
    pub child: Vec<XmlNode>,
}

/// One attribute: its text, framework resource id and compiled value.
#[derive(Clone, PartialEq, Message)]
pub struct XmlAttribute {
    #[prost(string, tag = "1")]
    pub namespace_uri: String,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(string, tag = "3")]
    pub value: String,
    #[prost(uint32, tag = "5")]
    pub resource_id: u32,
    #[prost(message, optional, tag = "6")]
    pub compiled_item: Option<Item>,
}

/// A compiled value.
#[derive(Clone, PartialEq, Message)]
pub struct Item {
    #[prost(oneof = "item::Value", tags = "1, 2, 3, 4, 5, 7")]
    pub value: Option<item::Value>,
}

/// The kinds of [`Item`].
pub mod item {
    /// Reference, string, file or primitive.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        #[prost(message, tag = "1")]
        Ref(super::Reference),
        #[prost(message, tag = "2")]
        Str(super::PString),
        #[prost(message, tag = "3")]
        RawStr(super::PString),
        #[prost(message, tag = "4")]
        StyledStr(super::PString),
        #[prost(message, tag = "5")]
        File(super::FileReference),
        #[prost(message, tag = "7")]
        Prim(super::Primitive),
    }
}

/// A resource reference (`@id`) or theme attribute (`?id`).
#[derive(Clone, PartialEq, Message)]
pub struct Reference {
    /// 0: reference, 1: attribute.
    #[prost(int32, tag = "1")]
    pub r#type: i32,
    #[prost(uint32, tag = "2")]
    pub id: u32,
    #[prost(string, tag = "3")]
    pub name: String,
}

/// String, raw string and styled string all keep their text in field 1.
#[derive(Clone, PartialEq, Message)]
pub struct PString {
    #[prost(string, tag = "1")]
    pub value: String,
}

/// A file resource (`res/xml/…`).
#[derive(Clone, PartialEq, Message)]
pub struct FileReference {
    #[prost(string, tag = "1")]
    pub path: String,
}

/// Numbers, booleans and colours.
#[derive(Clone, PartialEq, Message)]
pub struct Primitive {
    #[prost(
        oneof = "primitive::Value",
        tags = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14"
    )]
    pub value: Option<primitive::Value>,
}

/// The kinds of [`Primitive`].
pub mod primitive {
    /// One primitive value.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        #[prost(message, tag = "1")]
        Null(super::Empty),
        #[prost(message, tag = "2")]
        Empty(super::Empty),
        #[prost(float, tag = "3")]
        Float(f32),
        #[prost(float, tag = "4")]
        DimensionDeprecated(f32),
        #[prost(float, tag = "5")]
        FractionDeprecated(f32),
        #[prost(int32, tag = "6")]
        IntDecimal(i32),
        #[prost(uint32, tag = "7")]
        IntHexadecimal(u32),
        #[prost(bool, tag = "8")]
        Boolean(bool),
        #[prost(uint32, tag = "9")]
        ColorArgb8(u32),
        #[prost(uint32, tag = "10")]
        ColorRgb8(u32),
        #[prost(uint32, tag = "11")]
        ColorArgb4(u32),
        #[prost(uint32, tag = "12")]
        ColorRgb4(u32),
        #[prost(uint32, tag = "13")]
        Dimension(u32),
        #[prost(uint32, tag = "14")]
        Fraction(u32),
    }
}

/// An empty message (null and empty primitives).
#[derive(Clone, PartialEq, Message)]
pub struct Empty {}

/// Decodes a compiled XML file and converts its root element.
pub fn parse_xml(bytes: &[u8]) -> Result<Element, String> {
    // The decoder's own error names message fields and wire types: not
    // something to show a user.
    let node = XmlNode::decode(bytes)
        .map_err(|_| "not a valid compiled XML file (aapt2 protobuf XML)".to_string())?;
    match node.node {
        Some(xml_node::Node::Element(e)) => Ok(convert_element(e)),
        _ => Err("protobuf XML: the root node is not an element".into()),
    }
}

fn convert_element(e: XmlElement) -> Element {
    let mut text = String::new();
    let mut children = Vec::new();
    for c in e.child {
        match c.node {
            Some(xml_node::Node::Element(child)) => children.push(convert_element(child)),
            Some(xml_node::Node::Text(t)) => text.push_str(&t),
            None => {}
        }
    }
    let text = text.trim();
    Element {
        name: e.name,
        namespace: non_empty(e.namespace_uri),
        attributes: e.attribute.into_iter().map(convert_attribute).collect(),
        children,
        text: (!text.is_empty()).then(|| text.to_string()),
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn convert_attribute(a: XmlAttribute) -> Attribute {
    let resource_id = (a.resource_id != 0).then_some(a.resource_id);
    // As with binary XML, a framework attribute id names the attribute.
    let (name, namespace) = match resource_id.and_then(attrs::name_of) {
        Some(known) => (known.to_string(), Some(ANDROID_NS.to_string())),
        None => (a.name, non_empty(a.namespace_uri)),
    };
    let value = match a.compiled_item.and_then(|i| i.value) {
        Some(v) => item_value(v, &a.value),
        None => Value::String(a.value),
    };
    Attribute {
        name,
        namespace,
        resource_id,
        value,
    }
}

fn item_value(v: item::Value, text: &str) -> Value {
    use primitive::Value as P;
    match v {
        item::Value::Ref(r) if r.r#type == 1 => Value::AttributeRef(r.id),
        item::Value::Ref(r) => Value::Reference(r.id),
        item::Value::Str(s) | item::Value::RawStr(s) | item::Value::StyledStr(s) => {
            Value::String(s.value)
        }
        item::Value::File(f) => Value::String(f.path),
        item::Value::Prim(p) => match p.value {
            Some(P::Null(_)) | Some(P::Empty(_)) => Value::Null,
            Some(P::Float(f))
            | Some(P::DimensionDeprecated(f))
            | Some(P::FractionDeprecated(f)) => Value::Float(f),
            Some(P::IntDecimal(i)) => Value::Int(i64::from(i)),
            Some(P::IntHexadecimal(h)) => Value::Hex(h),
            Some(P::Boolean(b)) => Value::Bool(b),
            Some(P::ColorArgb8(c))
            | Some(P::ColorRgb8(c))
            | Some(P::ColorArgb4(c))
            | Some(P::ColorRgb4(c)) => Value::Color(c),
            Some(P::Dimension(d)) => Value::Dimension(d),
            Some(P::Fraction(f)) => Value::Fraction(f),
            None => Value::String(text.to_string()),
        },
    }
}

/// aapt2's resource table (`resources.pb`), reduced to what label and
/// file lookups need.
#[derive(Clone, PartialEq, Message)]
pub struct ResourceTable {
    #[prost(message, repeated, tag = "2")]
    pub package: Vec<Package>,
}

/// A resource package.
#[derive(Clone, PartialEq, Message)]
pub struct Package {
    #[prost(message, optional, tag = "1")]
    pub package_id: Option<Id>,
    #[prost(string, tag = "2")]
    pub package_name: String,
    #[prost(message, repeated, tag = "3")]
    pub r#type: Vec<Type>,
}

/// A numeric id wrapper (`PackageId`, `TypeId`, `EntryId`).
#[derive(Clone, PartialEq, Message)]
pub struct Id {
    #[prost(uint32, tag = "1")]
    pub id: u32,
}

/// A resource type (`string`, `xml`, …).
#[derive(Clone, PartialEq, Message)]
pub struct Type {
    #[prost(message, optional, tag = "1")]
    pub type_id: Option<Id>,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "3")]
    pub entry: Vec<Entry>,
}

/// One resource with its values per configuration.
#[derive(Clone, PartialEq, Message)]
pub struct Entry {
    #[prost(message, optional, tag = "1")]
    pub entry_id: Option<Id>,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "6")]
    pub config_value: Vec<ConfigValue>,
}

/// A value in one configuration. The configuration is kept as raw bytes:
/// empty means the default configuration.
#[derive(Clone, PartialEq, Message)]
pub struct ConfigValue {
    #[prost(bytes = "vec", tag = "1")]
    pub config: Vec<u8>,
    #[prost(message, optional, tag = "2")]
    pub value: Option<ResValue>,
}

/// A resource value; only simple items are read (compound values are not).
#[derive(Clone, PartialEq, Message)]
pub struct ResValue {
    #[prost(message, optional, tag = "4")]
    pub item: Option<Item>,
}

/// How many references are followed before giving up.
const MAX_REFERENCE_DEPTH: usize = 8;

/// Decodes `resources.pb`.
pub fn parse_table(bytes: &[u8]) -> Result<ResourceTable, String> {
    ResourceTable::decode(bytes)
        .map_err(|_| "resources.pb: not a valid protobuf resource table".to_string())
}

impl ResourceTable {
    /// The entry of `id` and its type name.
    fn entry(&self, id: u32) -> Option<(&Type, &Entry)> {
        let (pkg, ty, ent) = (id >> 24, (id >> 16) & 0xff, id & 0xffff);
        self.package
            .iter()
            .filter(|p| p.package_id.as_ref().map_or(0x7f, |i| i.id) == pkg)
            .flat_map(|p| p.r#type.iter())
            .filter(|t| t.type_id.as_ref().map_or(0, |i| i.id) == ty)
            .find_map(|t| {
                t.entry
                    .iter()
                    .find(|e| e.entry_id.as_ref().map_or(0, |i| i.id) == ent)
                    .map(|e| (t, e))
            })
    }

    /// The value of `id` in the default configuration, else the first one.
    fn item(&self, id: u32) -> Option<&item::Value> {
        let (_, entry) = self.entry(id)?;
        fn of(c: &ConfigValue) -> Option<&item::Value> {
            c.value.as_ref()?.item.as_ref()?.value.as_ref()
        }
        entry
            .config_value
            .iter()
            .filter(|c| c.config.is_empty())
            .find_map(of)
            .or_else(|| entry.config_value.iter().find_map(of))
    }

    fn resolve(&self, id: u32, depth: usize) -> Option<String> {
        if depth > MAX_REFERENCE_DEPTH {
            return None;
        }
        match self.item(id)? {
            item::Value::Ref(r) => self.resolve(r.id, depth + 1),
            other => crate::android::manifest::value_text(&item_value(other.clone(), "")),
        }
    }
}

impl crate::android::manifest::Resolve for ResourceTable {
    fn string(&self, id: u32) -> Option<String> {
        self.resolve(id, 0)
    }
    fn file(&self, id: u32) -> Option<String> {
        self.resolve(id, 0)
    }
    fn name(&self, id: u32) -> Option<String> {
        let (t, e) = self.entry(id)?;
        Some(format!("{}/{}", t.name, e.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::android::manifest;
    use crate::android::manifest::Resolve;

    const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/aab");

    #[test]
    #[cfg_attr(telltale_no_corpus, ignore = "needs ../shared/corpus")]
    fn corpus_manifest_and_label_decode() {
        let dir = std::path::Path::new(SHARED);
        let (Ok(xml), Ok(table)) = (
            std::fs::read(dir.join("appinfo-android-aab-AndroidManifest.pb")),
            std::fs::read(dir.join("appinfo-android-aab-resources.pb")),
        ) else {
            eprintln!("skipping: ../shared/corpus/aab is absent");
            return;
        };
        let root = parse_xml(&xml).unwrap();
        let m = manifest::from_root(&root);
        assert_eq!(m.package.as_deref(), Some("com.icyleaf.appinfodemo"));
        assert_eq!(m.version_code, Some(Value::Int(10)));
        assert_eq!(m.version_name, Some(Value::String("2.1.0".into())));
        assert_eq!(m.min_sdk, Some(Value::Int(14)));
        assert_eq!(m.target_sdk, Some(Value::Int(31)));
        let perms: Vec<&str> = m.uses_permissions.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(perms, ["android.permission.ACCESS_NETWORK_STATE"]);
        let table = parse_table(&table).unwrap();
        let Some(Value::Reference(label)) = m.label else {
            panic!("label is a reference: {:?}", m.label)
        };
        assert_eq!(label, 2131689499);
        assert_eq!(table.name(label).as_deref(), Some("string/app_name"));
        assert_eq!(table.string(label).as_deref(), Some("AppInfoDemo"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_xml(&[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(parse_xml(b"").is_err());
        // Deep nesting stops at prost's recursion limit.
        let mut deep = Vec::new();
        for _ in 0..200 {
            let mut outer = vec![0x0a];
            let mut el = vec![0x2a];
            prost::encoding::encode_varint(deep.len() as u64, &mut el);
            el.extend_from_slice(&deep);
            prost::encoding::encode_varint(el.len() as u64, &mut outer);
            outer.extend_from_slice(&el);
            deep = outer;
        }
        assert!(parse_xml(&deep).is_err());
    }
}
