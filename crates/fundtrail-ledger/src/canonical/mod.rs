//! Canonical bytes of an entry (SPEC.md §3): RFC 8785 (JCS) JSON with sorted keys, no
//! insignificant whitespace, UTF-8. An entry has exactly one leaf; parsing anything else fails.

mod fast;
#[cfg(test)]
mod tests;

use crate::approval::ApprovalPolicy;
use crate::entry::validate_envelope;
use crate::entry::{
    Body, CampaignClose, CampaignOpen, Disbursement, Donation, Entry, FieldError, Reversal,
    Statement, Transfer, Update, FORMAT_VERSION,
};
use crate::hash::Hash;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Why a byte string is not a valid leaf.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeafError {
    /// Not JSON, wrong shape, a missing or unknown field, or a value of the wrong type.
    #[error("not a valid entry: {0}")]
    Malformed(String),
    /// A `kind` this version does not know.
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    /// A `v` this version does not know.
    #[error("unsupported format version {0}")]
    UnsupportedVersion(u64),
    /// Valid JSON for an entry, but not its one canonical encoding.
    #[error("bytes are not the canonical encoding of the entry (SPEC.md §3)")]
    NotCanonical,
    /// A field has an unacceptable value.
    #[error("field {0}")]
    Field(#[from] FieldError),
}

#[derive(Serialize)]
struct WireOut<'a> {
    body: &'a Body,
    kind: &'static str,
    prev: &'a Hash,
    recorded_at: &'a str,
    recorded_by: &'a str,
    seq: u64,
    v: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireIn<'a> {
    #[serde(borrow)]
    body: &'a RawValue,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    prev: Hash,
    #[serde(borrow)]
    recorded_at: Cow<'a, str>,
    #[serde(borrow)]
    recorded_by: Cow<'a, str>,
    seq: u64,
    v: u64,
}

/// The canonical bytes of `entry`: its leaf.
pub fn encode(entry: &Entry) -> Vec<u8> {
    let wire = WireOut {
        body: &entry.body,
        kind: entry.body.kind(),
        prev: &entry.prev,
        recorded_at: &entry.recorded_at,
        recorded_by: &entry.recorded_by,
        seq: entry.seq,
        v: FORMAT_VERSION,
    };
    // A donation's leaf is 300–600 bytes: one allocation instead of serde_json's growth
    // from 128. Serializing plain structs of strings and integers into a Vec cannot fail.
    let mut leaf = Vec::with_capacity(LEAF_CAPACITY);
    match serde_json::to_writer(&mut leaf, &wire) {
        Ok(()) => leaf,
        Err(_) => Vec::new(),
    }
}

/// The buffer [`encode`] starts with.
const LEAF_CAPACITY: usize = 640;

fn body<T: for<'de> Deserialize<'de>>(raw: &RawValue) -> Result<T, LeafError> {
    serde_json::from_str(raw.get()).map_err(|e| LeafError::Malformed(format!("body: {e}")))
}

/// Parses a leaf, requiring that it is exactly the canonical encoding of a valid entry.
///
/// # Errors
/// [`LeafError`] naming what is wrong.
pub fn decode(leaf: &[u8]) -> Result<Entry, LeafError> {
    // The fast path accepts only leaves the general decoder accepts, with the same result;
    // anything else (every error among them) goes through the general decoder.
    match fast::decode(leaf) {
        Some(entry) => {
            debug_assert_eq!(decode_general(leaf).as_ref(), Ok(&entry));
            Ok(entry)
        }
        None => decode_general(leaf),
    }
}

/// The general decoder: serde parse, re-encode and compare, then field validation.
///
/// # Errors
/// [`LeafError`] naming what is wrong.
pub fn decode_general(leaf: &[u8]) -> Result<Entry, LeafError> {
    let wire: WireIn<'_> =
        serde_json::from_slice(leaf).map_err(|e| LeafError::Malformed(e.to_string()))?;
    if wire.v != FORMAT_VERSION {
        return Err(LeafError::UnsupportedVersion(wire.v));
    }
    let body = match wire.kind.as_ref() {
        "campaign.open" => Body::CampaignOpen(body::<CampaignOpen>(wire.body)?),
        "campaign.close" => Body::CampaignClose(body::<CampaignClose>(wire.body)?),
        "donation" => Body::Donation(body::<Donation>(wire.body)?),
        "disbursement" => Body::Disbursement(body::<Disbursement>(wire.body)?),
        "transfer" => Body::Transfer(body::<Transfer>(wire.body)?),
        "reversal" => Body::Reversal(body::<Reversal>(wire.body)?),
        "statement" => Body::Statement(body::<Statement>(wire.body)?),
        "update" => Body::Update(body::<Update>(wire.body)?),
        "approval.policy" => Body::ApprovalPolicy(body::<ApprovalPolicy>(wire.body)?),
        "budget" => Body::Budget(body::<crate::budget::Budget>(wire.body)?),
        "pledge" => Body::Pledge(body::<crate::pledge::Pledge>(wire.body)?),
        "pledge.cancel" => Body::PledgeCancel(body::<crate::pledge::PledgeCancel>(wire.body)?),
        "key.rotate" => Body::KeyRotate(body::<crate::rotation::KeyRotate>(wire.body)?),
        other => match crate::registry::OrgEntry::parse(other, wire.body.get()) {
            Some(parsed) => {
                Body::Org(parsed.map_err(|e| LeafError::Malformed(format!("body: {e}")))?)
            }
            None => return Err(LeafError::UnknownKind(other.to_string())),
        },
    };
    let entry = Entry {
        seq: wire.seq,
        prev: wire.prev,
        recorded_at: wire.recorded_at.into_owned(),
        recorded_by: wire.recorded_by.into_owned(),
        body,
    };
    if encode(&entry) != leaf {
        return Err(LeafError::NotCanonical);
    }
    validate_envelope(&entry)?;
    entry
        .body
        .validate()
        .map_err(|e| LeafError::Field(FieldError::new(format!("body.{}", e.field), e.problem)))?;
    Ok(entry)
}
