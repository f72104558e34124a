//! JSON renderer.
