//! The report model and its renderers.

pub mod bytes;
pub mod csv;
pub mod html;
pub mod json;
pub mod labels;
pub mod memo;
pub mod model;
pub mod sarif;
pub mod schema;
pub mod text;
