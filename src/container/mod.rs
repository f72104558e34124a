//! Opening packages: a ZIP reader with Android's rules, the package kinds built
//! on it, and the inflate budget every entry read goes through.

pub mod budget;
pub mod detect;
pub mod zip;

pub use budget::Budget;
