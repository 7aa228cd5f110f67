//! Donor statements made from the store (SPEC.md §21): the gifts a donor names (by receipt
//! codes, or by identifier and one of their salts), each as a receipt against one checkpoint,
//! kept to a range of days. Used by `POST /api/v1/donor-statements` and
//! `fundtrail statement-for-donor`; both hand out the same file.

use crate::ledger::donor_statement::{build, DonorStatement};
use crate::ledger::entry::is_date;
use crate::ledger::hash::donor_commitment;
use crate::ledger::identifier::normalise_identifier;
use crate::ledger::receipt::{self, parse_code, ReceiptParts};
use crate::ledger::{decode, Body};
use crate::store::{Store, StoreError, StoredCheckpoint};

/// The most receipt codes one request may name.
pub const MAX_CODES: usize = 500;

/// Whose gifts a statement lists.
#[derive(Debug, Clone)]
pub enum Donor {
    /// The gifts of these receipt codes (those received in the range).
    Codes(Vec<String>),
    /// Every gift recorded with this identifier, proven by one of its salts (64 hex digits);
    /// each gift is listed with its salt.
    Identifier { identifier: String, salt: String },
    /// Every gift recorded with this identifier (an admin's request: no salt needed).
    AdminIdentifier(String),
}

/// Why a statement could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DonorStatementError {
    /// `from` or `to` is not a day, or `to` is before `from`.
    #[error("{field}: must be a date written YYYY-MM-DD, and `to` not before `from`")]
    BadRange { field: &'static str },
    /// A receipt code is not of the form `R-<seq>-<8 hex digits>`.
    #[error("{code:?} is not a receipt code (they look like R-12-a1b2c3d4)")]
    BadCode { code: String },
    /// Too many codes.
    #[error("at most {MAX_CODES} receipt codes in one statement")]
    TooManyCodes,
    /// No published donation has this code.
    #[error("no donation has the receipt code {code:?}")]
    UnknownCode { code: String },
    /// The identifier and salt prove no gift.
    #[error(
        "the identifier and salt match no gift recorded here (check both as written on a receipt)"
    )]
    NotProven,
    /// The salt is not 64 lower-case hex digits.
    #[error("salt: must be the 64 hex digits printed on a receipt")]
    BadSalt,
    /// The ledger has no signed checkpoint yet.
    #[error("the ledger has no signed checkpoint yet")]
    NoCheckpoint,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The statement of `donor`'s gifts received from `from` to `to` (inclusive), each proven
/// against `checkpoint` (whose signed note is `note`) and the verifier key `key`.
///
/// # Errors
/// [`DonorStatementError`] naming what is wrong with the request, or the store's failure.
pub async fn statement_for(
    store: &Store,
    checkpoint: &StoredCheckpoint,
    note: &str,
    key: &str,
    donor: &Donor,
    (from, to): (&str, &str),
) -> Result<DonorStatement, DonorStatementError> {
    if !is_date(from) {
        return Err(DonorStatementError::BadRange { field: "from" });
    }
    if !is_date(to) || to < from {
        return Err(DonorStatementError::BadRange { field: "to" });
    }
    if checkpoint.size == 0 {
        return Err(DonorStatementError::NoCheckpoint);
    }
    let mut gifts = gifts_of(store, checkpoint.size, donor).await?;
    gifts.sort_by_key(|g| g.0);
    gifts.dedup_by_key(|g| g.0);
    let mut receipts = Vec::with_capacity(gifts.len());
    for (seq, salt) in gifts {
        let Some(entry) = store.entry(seq).await? else {
            continue;
        };
        let Ok(Body::Donation(d)) = decode(&entry.leaf).map(|e| e.body) else {
            continue;
        };
        if d.received_at.as_str() < from || d.received_at.as_str() > to {
            continue;
        }
        let proof = store.inclusion_proof(seq, checkpoint.size).await?;
        receipts.push(receipt::build(ReceiptParts {
            seq,
            leaf: &entry.leaf,
            checkpoint: note,
            size: checkpoint.size,
            root: checkpoint.root,
            proof: &proof,
            key,
            salt: salt.as_ref(),
        }));
    }
    Ok(build(from, to, receipts))
}

/// The seqs (with salts, for an identifier) of `donor`'s gifts among the first `size`
/// entries.
async fn gifts_of(
    store: &Store,
    size: u64,
    donor: &Donor,
) -> Result<Vec<(u64, Option<[u8; 32]>)>, DonorStatementError> {
    match donor {
        Donor::Codes(codes) => {
            if codes.len() > MAX_CODES {
                return Err(DonorStatementError::TooManyCodes);
            }
            let mut out = Vec::with_capacity(codes.len());
            for code in codes {
                let code = code.trim();
                let Some((seq, prefix)) = parse_code(code) else {
                    return Err(DonorStatementError::BadCode { code: code.into() });
                };
                let unknown = || DonorStatementError::UnknownCode { code: code.into() };
                if seq >= size {
                    return Err(unknown());
                }
                let entry = store.entry(seq).await?.ok_or_else(unknown)?;
                let is_donation =
                    decode(&entry.leaf).is_ok_and(|e| matches!(e.body, Body::Donation(_)));
                if !is_donation || !entry.leaf_hash.to_hex().starts_with(prefix) {
                    return Err(unknown());
                }
                out.push((seq, None));
            }
            Ok(out)
        }
        Donor::Identifier { identifier, salt } => {
            let salt = crate::ledger::Hash::from_hex(salt.trim())
                .map_err(|_| DonorStatementError::BadSalt)?
                .0;
            let gifts = identified(store, size, identifier).await?;
            // The salt must be one of this identifier's, and give its gift's commitment.
            let proven = gifts.iter().any(|(_, s)| s.as_ref() == Some(&salt))
                && commitment_matches(store, &gifts, &salt, identifier).await?;
            if !proven {
                return Err(DonorStatementError::NotProven);
            }
            Ok(gifts)
        }
        Donor::AdminIdentifier(identifier) => identified(store, size, identifier).await,
    }
}

async fn identified(
    store: &Store,
    size: u64,
    identifier: &str,
) -> Result<Vec<(u64, Option<[u8; 32]>)>, DonorStatementError> {
    let normal = normalise_identifier(identifier);
    Ok(store
        .gifts_of_identifier(&normal)
        .await?
        .into_iter()
        .filter(|g| g.seq < size)
        .map(|g| (g.seq, g.salt))
        .collect())
}

/// Whether the gift whose salt is `salt` carries the commitment of `identifier` and `salt`.
async fn commitment_matches(
    store: &Store,
    gifts: &[(u64, Option<[u8; 32]>)],
    salt: &[u8; 32],
    identifier: &str,
) -> Result<bool, DonorStatementError> {
    let Some((seq, _)) = gifts.iter().find(|(_, s)| s.as_ref() == Some(salt)) else {
        return Ok(false);
    };
    let Some(entry) = store.entry(*seq).await? else {
        return Ok(false);
    };
    let normal = normalise_identifier(identifier);
    Ok(match decode(&entry.leaf).map(|e| e.body) {
        Ok(Body::Donation(d)) => d.commitment == Some(donor_commitment(salt, &normal)),
        _ => false,
    })
}
