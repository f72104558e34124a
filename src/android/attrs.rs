//! Table of `android:` attribute resource ids. CONTRACT STUB.

/// Name of the framework attribute with resource id `id` (e.g. 0x01010003 → "name").
pub fn name_of(_id: u32) -> Option<&'static str> {
    None
}

/// Resource id of the framework attribute `name`.
pub fn id_of(_name: &str) -> Option<u32> {
    None
}
