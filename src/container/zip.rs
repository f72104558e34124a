//! ZIP reader with Android rules (in progress).
