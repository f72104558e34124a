//! The inflate budget of one package: a per-entry cap and a total cap shared
//! by every entry read (across threads), so a zip bomb stops early. Room is
//! reserved *before* an entry is inflated (its declared size, plus a little
//! slack, within the caps) and what it did not use is given back, so the
//! bytes being inflated at any moment, on any number of threads, never add
//! up to more than the total cap.

pub use crate::container::zip::mib;
use crate::container::zip::{Archive, Entry, EntryBytes, Limits, SIZE_SLACK};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// Shared inflate budget for one package (per-entry and total caps).
#[derive(Debug)]
pub struct Budget {
    max_entry_size: u64,
    max_total_size: u64,
    remaining: AtomicU64,
}

/// Room reserved in a [`Budget`] for one entry, spent by
/// [`Budget::read_granted`]. Dropping it unspent keeps the room taken.
#[derive(Debug)]
#[must_use = "a grant is room taken from the budget; read the entry with it"]
pub struct Grant {
    bytes: u64,
}

/// Why an entry was not read: the package's fault, or one of telltale's own
/// caps (`cap`), which must never be held against the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
    /// The entry was skipped because of a cap the user can raise.
    pub cap: bool,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ReadError> for String {
    fn from(e: ReadError) -> String {
        e.message
    }
}

impl Budget {
    /// A budget allowing `max_entry_size` bytes per entry and
    /// `max_total_size` bytes over all entries.
    pub fn new(max_entry_size: u64, max_total_size: u64) -> Self {
        Budget {
            max_entry_size,
            max_total_size,
            remaining: AtomicU64::new(max_total_size),
        }
    }

    /// Reads one entry within the caps.
    pub fn read(&self, archive: &Archive<'_>, name: &str) -> Result<EntryBytes, ReadError> {
        let entry = archive.find(name).ok_or_else(|| ReadError {
            message: format!("{name} is missing"),
            cap: false,
        })?;
        self.read_entry(archive, entry)
    }

    /// Reads `entry` within the caps: reserves its declared size (plus
    /// [`SIZE_SLACK`]) first, inflates no further than that, then gives back
    /// what it did not use.
    pub fn read_entry(
        &self,
        archive: &Archive<'_>,
        entry: &Entry,
    ) -> Result<EntryBytes, ReadError> {
        let grant = self.grant(entry)?;
        self.read_granted(archive, entry, grant)
    }

    /// Reserves room for `entry` (its declared size plus [`SIZE_SLACK`],
    /// within the per-entry cap) without reading it. Taking the grants of a
    /// pass one by one in central-directory order, before reading in
    /// parallel, makes the choice of entries skipped by the total cap the
    /// same at any thread count.
    pub fn grant(&self, entry: &Entry) -> Result<Grant, ReadError> {
        let declared = entry.uncompressed_size;
        if declared > self.max_entry_size {
            return Err(ReadError {
                message: format!(
                    "entry declares {}, over the {} per-entry cap; not read (raise --max-entry-mib)",
                    mib(declared),
                    mib(self.max_entry_size)
                ),
                cap: true,
            });
        }
        let reserve = declared.saturating_add(SIZE_SLACK).min(self.max_entry_size);
        self.reserve(declared, reserve).map(|bytes| Grant { bytes })
    }

    /// Reads `entry` within a grant taken for it, inflating no further than
    /// the grant, and gives back what it did not use.
    pub fn read_granted(
        &self,
        archive: &Archive<'_>,
        entry: &Entry,
        grant: Grant,
    ) -> Result<EntryBytes, ReadError> {
        let taken = grant.bytes;
        let got = archive.read_with_notes(
            entry,
            &Limits {
                max_entry_size: taken,
            },
        );
        let used = got.as_ref().map_or(0, |g| g.bytes.len() as u64).min(taken);
        self.remaining.fetch_add(taken - used, Ordering::AcqRel);
        got.map_err(|e| ReadError {
            message: e.to_string(),
            cap: false,
        })
    }

    /// Takes up to `reserve` bytes (at least `need`) from the total, atomically.
    fn reserve(&self, need: u64, reserve: u64) -> Result<u64, ReadError> {
        let mut left = self.remaining.load(Ordering::Acquire);
        loop {
            if left < need {
                return Err(ReadError {
                    message: format!(
                        "the {} inflate budget for the whole package is used up ({} needed); entry not read (raise --max-total-mib)",
                        mib(self.max_total_size),
                        mib(need)
                    ),
                    cap: true,
                });
            }
            let take = reserve.min(left);
            match self.remaining.compare_exchange_weak(
                left,
                left - take,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(take),
                Err(now) => left = now,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mib_is_whole_or_one_decimal() {
        assert_eq!(mib(256 << 20), "256 MiB");
        assert_eq!(mib(1 << 19), "0.5 MiB");
        assert_eq!(mib(0), "0 MiB");
    }

    #[test]
    fn reservations_never_exceed_the_total_and_are_given_back() {
        let b = Budget::new(100, 250);
        assert_eq!(b.reserve(80, 100), Ok(100));
        assert_eq!(b.reserve(80, 100), Ok(100));
        // 50 left: a 40-byte entry gets 50, an 80-byte one is refused.
        let e = b.reserve(80, 100).unwrap_err();
        assert!(e.cap && e.message.contains("--max-total-mib"), "{e}");
        assert_eq!(b.reserve(40, 100), Ok(50));
        b.remaining.fetch_add(100, Ordering::AcqRel);
        assert_eq!(b.reserve(80, 100), Ok(100));
    }
}
