//! telltale: open mobile app packages offline and tell, with evidence, what an
//! app carries and whom it talks to.
//!
//! The flow is visible in the modules: [`container`] opens packages,
//! [`android`] (and later `apple`, `native`) analyse entries into facts,
//! [`signatures`] matches facts against the signature database, [`scan`] finds
//! endpoints and secrets in bytes, and [`report`] holds the one model and its
//! renderers. [`inspect`] runs the whole flow.

pub mod android;
pub mod apple;
pub mod container;
pub mod diff;
pub mod evidence;
pub mod inspect;
pub mod native;
pub mod provenance;
pub mod report;
pub mod scan;
pub mod signatures;
pub mod util;
pub mod verify;
pub mod xml;

pub use inspect::{Options, inspect_path};
pub use report::model::Report;
