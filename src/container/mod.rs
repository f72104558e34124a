//! Opening packages: a ZIP reader with Android's rules, and the package kinds built on it.

pub mod detect;
pub mod zip;
