//! The manifest model, built from a decoded binary XML tree.
