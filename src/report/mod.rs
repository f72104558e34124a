//! The report model and its renderers.

pub mod json;
pub mod model;
pub mod text;
