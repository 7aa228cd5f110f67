//! Donors' personal data, kept off the chain (SPEC.md §2.4, README "Donor privacy"): the
//! row travels with its donation through the group commit, so it exists exactly when the
//! donation does, and it can be erased for good without touching the ledger.

use super::queries::Queries;
use super::{Store, StoreError};
use crate::ledger::hash::Hash;
use serde::Serialize;
use std::time::Duration;

/// What an erasure leaves in place of the request fingerprint stored with the donation's
/// idempotency key: no request's fingerprint (an HMAC-SHA256) is 32 zero bytes, so a retry
/// with that key is refused instead of confirming a guess of the erased data.
pub const ERASED_FINGERPRINT: Hash = Hash([0; 32]);

/// What erasing a donation's personal data achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// The donation has no personal data: none was recorded, or it was erased before.
    NothingToErase,
    /// Deleted, and no copy is left in the database's files.
    Purged,
    /// Deleted and unreadable through the database, but a copy is still in SQLite's
    /// write-ahead log while a reader that began before the erasure goes on; the store
    /// removes it as soon as it can.
    PurgePending,
}

/// What a donor told the charity about themselves. Never in a leaf, never in a public
/// answer, never in a log: its `Debug` shows no field values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DonorPrivate {
    /// Full name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// What the donor commitment commits to (given, or the e-mail or phone).
    pub identifier: Option<String>,
    /// The commitment's salt, 32 random bytes, when the donation carries a commitment.
    pub salt: Option<[u8; 32]>,
    /// Whether the donor consented to publish their name in the ledger.
    pub consent_publish_name: bool,
}

impl std::fmt::Debug for DonorPrivate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DonorPrivate { .. }")
    }
}

/// A stored donor row, as an admin sees it.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct DonorRecord {
    /// The donation's seq.
    pub seq: u64,
    /// Full name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// The committed identifier.
    pub identifier: Option<String>,
    /// The commitment salt, hex.
    pub salt: Option<String>,
    /// Consent to publish the name.
    pub consent_publish_name: bool,
    /// When the consent was recorded (the donation's `recorded_at`).
    pub consent_recorded_at: String,
}

impl std::fmt::Debug for DonorRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DonorRecord {{ seq: {}, .. }}", self.seq)
    }
}

impl DonorRecord {
    /// The salt as bytes, when present and well-formed.
    pub fn salt_bytes(&self) -> Option<[u8; 32]> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(self.salt.as_deref()?, &mut out).ok()?;
        Some(out)
    }
}

impl Store {
    /// The personal data recorded with donation `seq`, unless there is none or it was erased.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn donor(&self, seq: u64) -> Result<Option<DonorRecord>, StoreError> {
        on_pool!(self, pool => Queries::donor(pool, seq).await)
    }

    /// Erases the personal data (and salt) of donation `seq` for good: deletes the row,
    /// replaces the fingerprint stored with the donation's idempotency key by
    /// [`ERASED_FINGERPRINT`] (both in one transaction), and has the database overwrite or
    /// reclaim the space. On SQLite, when a reader holds a snapshot from before the
    /// erasure for longer than `wait`, the old page stays in the files until it finishes:
    /// the answer is then [`Erasure::PurgePending`] and the store keeps purging in the
    /// background (and logs when it is done).
    ///
    /// # Errors
    /// [`StoreError`]; nothing was erased then.
    pub async fn erase_donor(&self, seq: u64, wait: Duration) -> Result<Erasure, StoreError> {
        match self {
            Store::Sqlite(s) => s.erase_donor(seq, wait).await,
            Store::Postgres(s) => s.erase_donor(seq).await,
        }
    }

    /// Removes what earlier erasures left in the database files (SQLite's write-ahead log),
    /// trying for up to `wait`; true when nothing is left.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn purge_erased(&self, wait: Duration) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(s) => s.purge_within(wait).await,
            Store::Postgres(_) => Ok(true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_personal_data() {
        let private = DonorPrivate {
            name: Some("Trần Văn Bình".into()),
            email: Some("binh@example.vn".into()),
            phone: Some("+84 912 345 678".into()),
            address: Some("12 Lê Lợi".into()),
            identifier: Some("binh@example.vn".into()),
            salt: Some([7; 32]),
            consent_publish_name: false,
        };
        let record = DonorRecord {
            seq: 4,
            name: private.name.clone(),
            email: private.email.clone(),
            phone: private.phone.clone(),
            address: private.address.clone(),
            identifier: private.identifier.clone(),
            salt: Some(hex::encode([7; 32])),
            consent_publish_name: false,
            consent_recorded_at: "2026-11-02T08:00:00.000000Z".into(),
        };

        let shown = format!("{private:?} {record:?} {:?}", Some(&private));

        for secret in ["Bình", "binh@", "912", "Lê Lợi", "0707"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert_eq!(record.salt_bytes(), Some([7; 32]));
    }
}
