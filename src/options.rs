//! What one run may do: size caps, nesting depth, secret display, where the
//! knowledge base comes from and the optional obfuscation mapping. Plain data; the pipeline reads it.

use crate::container::budget::Budget;
use std::path::PathBuf;

/// Limits and switches for one inspection.
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest inflated size of one entry (default 256 MiB).
    pub max_entry_size: u64,
    /// Largest inflated size of all entries of one package together (default 2 GiB).
    pub max_total_size: u64,
    /// Print secrets in full instead of a preview.
    pub show_secrets: bool,
    /// How many levels of packages inside packages (APK/JAR/ZIP/DEX in
    /// assets, res/raw, lib) are opened (default 3; 0 opens none).
    pub max_nesting_depth: usize,
    /// A folder laid out like `data/` to load the knowledge base from instead
    /// of the copy built into the binary (`--knowledge DIR`).
    pub knowledge_dir: Option<PathBuf>,
    /// A folder holding the IP owner tables of `scripts/fetch-ip-data`
    /// (`--ip-data DIR`): IP-literal endpoints get their network and country.
    pub ip_data_dir: Option<PathBuf>,
    /// A ProGuard/R8 mapping file (`--mapping FILE`): DEX class names are
    /// read back to their original names before SDKs are matched.
    pub mapping: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_entry_size: 256 << 20,
            max_total_size: 2 << 30,
            show_secrets: false,
            max_nesting_depth: 3,
            knowledge_dir: None,
            ip_data_dir: None,
            mapping: None,
        }
    }
}

impl Options {
    /// A fresh inflate budget for one package under these caps.
    pub fn budget(&self) -> Budget {
        Budget::new(self.max_entry_size, self.max_total_size)
    }
}
