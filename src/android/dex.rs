//! DEX reader. CONTRACT STUB: replaced by the real reader.
