//! The signature database and its compiled matchers.
