//! Strings, endpoints and secrets in raw bytes.
