//! The findings stage: facts from the analyzers + the knowledge base → SDKs
//! (with how each was found), attribution by code location, identifier and
//! personal-data API reads, endpoints and secrets with owners, packed code and
//! privacy-manifest cross-checks. Android and iOS share the attribution
//! skeleton ([`attribution`]); each platform has its own entry point
//! ([`android::run`], [`ios`]). The knowledge base is always a parameter.

pub mod android;
pub mod attribution;
pub mod ios;
pub mod packed;
