//! Android formats: binary XML, resources.arsc, the manifest model, DEX and
//! signing certificates. Each module turns bytes into plain facts; [`bare`]
//! reads such files on their own, outside a package.

pub mod aab;
pub mod aapt_proto;
pub mod apk;
pub mod attrs;
pub mod axml;
pub mod bare;
pub mod code;
pub mod dex;
pub mod entries;
mod format_tables;
pub mod identifiers;
pub mod manifest;
pub mod mapping;
pub mod netsec;
pub mod permissions;
pub mod personal_data;
pub mod personal_data_catalogue;
pub mod res_value;
pub mod resources;
pub mod signing;
pub mod splits;
