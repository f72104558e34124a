//! The inflate budget of one package: a per-entry cap and a total cap shared
//! by every entry read (across threads), so a zip bomb stops early.

use crate::container::zip::{Archive, Entry, EntryBytes, Limits};
use std::sync::atomic::{AtomicU64, Ordering};

/// Shared inflate budget for one package (per-entry and total caps).
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    remaining: AtomicU64,
}

impl Budget {
    /// A budget allowing `max_entry_size` bytes per entry and
    /// `max_total_size` bytes over all entries.
    pub fn new(max_entry_size: u64, max_total_size: u64) -> Self {
        Budget {
            limits: Limits { max_entry_size },
            remaining: AtomicU64::new(max_total_size),
        }
    }

    /// Reads one entry within the caps; `Err` carries the warning text.
    pub fn read(&self, archive: &Archive<'_>, name: &str) -> Result<EntryBytes, String> {
        let entry = archive
            .find(name)
            .ok_or_else(|| format!("{name} is missing"))?;
        self.read_entry(archive, entry)
    }

    /// Reads `entry` within the caps.
    pub fn read_entry(&self, archive: &Archive<'_>, entry: &Entry) -> Result<EntryBytes, String> {
        let left = self.remaining.load(Ordering::Relaxed);
        let limits = Limits {
            max_entry_size: self.limits.max_entry_size.min(left),
        };
        let got = archive
            .read_with_notes(entry, &limits)
            .map_err(|e| e.to_string())?;
        let used = got.bytes.len() as u64;
        let before = self.remaining.fetch_sub(used.min(left), Ordering::Relaxed);
        if used > before {
            return Err("package inflate budget exhausted; entry not read".into());
        }
        Ok(got)
    }
}
