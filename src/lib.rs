//! telltale: open mobile app packages offline and tell, with evidence, what an
//! app carries and whom it talks to.
//!
//! The flow reads from the module names, top to bottom: [`pipeline`] runs
//! open → detect → unpack → per-entry analysis → findings → normalise, with the
//! run's [`options`]. [`container`] opens packages (ZIP with Android's rules,
//! the inflate budget); [`android`], [`apple`] and [`native`] analyse entries
//! into facts; [`scan`] finds endpoint and secret candidates in bytes;
//! [`findings`] turns facts into SDKs, attributions, endpoints and secrets
//! with the [`knowledge`] base (everything under `data/`, one hash; the SDK
//! rules compile into [`signatures`]); [`report`] holds the one model, its
//! merge/normalise rules and its renderers; [`output`] writes it without
//! ever touching the input. [`batch`] runs many apps through isolated worker
//! processes into a store and reads statistics back.

pub mod android;
pub mod apple;
pub mod batch;
pub mod binread;
pub mod container;
pub mod datafile;
pub mod diff;
pub mod evidence;
pub mod findings;
pub mod glob;
pub mod knowledge;
pub mod native;
pub mod options;
pub mod output;
pub mod pipeline;
pub mod pkcs7;
pub mod report;
pub mod scan;
pub mod signatures;
pub mod util;
pub mod verify;
pub mod xml;

pub use knowledge::Knowledge;
pub use options::Options;
pub use pipeline::{inspect_bytes, inspect_path, inspect_path_with};
pub use report::model::Report;
