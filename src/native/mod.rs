//! Native code: ELF shared libraries (ABI, SONAME, DT_NEEDED, JNI exports,
//! the string-bearing sections the scanner reads; the crate's one ELF
//! reader) and the packers/protectors whose stub libraries hide an app's
//! code (`packers.toml`).
//!
//! Plain facts only; the Android pass (`android::entries`,
//! `android::findings`) maps them to SDKs and the report.

pub mod class_refs;
pub mod elf;
pub mod jni;
pub mod packers;

pub use elf::{ElfInfo, abi_family, abi_of, is_elf, read as read_elf};
pub use jni::{JniMethod, decode as decode_jni};
pub use packers::detect as detect_packers;

/// Android ABIs a `lib/<abi>/` folder may name.
pub const KNOWN_ABIS: &[&str] = &[
    "arm64-v8a",
    "armeabi-v7a",
    "armeabi",
    "x86",
    "x86_64",
    "mips",
    "mips64",
    "riscv64",
];

/// A warning when a library's header contradicts the ABI folder it sits in
/// (`armeabi` and `armeabi-v7a` count as one family: ARMv5 code runs on
/// ARMv7 and old packages ship one build in both folders).
pub fn abi_mismatch(folder: &str, header: &str) -> Option<String> {
    if !KNOWN_ABIS.contains(&folder) || abi_family(folder) == abi_family(header) {
        return None;
    }
    Some(format!(
        "ELF header says {header} but the library sits in lib/{folder}/: Android would install code for the wrong CPU"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatch() {
        assert_eq!(abi_mismatch("arm64-v8a", "arm64-v8a"), None);
        assert_eq!(abi_mismatch("armeabi", "armeabi-v7a"), None);
        assert_eq!(abi_mismatch("unknownabi", "x86"), None);
        assert!(abi_mismatch("x86", "arm64-v8a").is_some());
    }
}
