//! Canonical bytes of an entry (SPEC.md §3): RFC 8785 (JCS) JSON with sorted keys, no
//! insignificant whitespace, UTF-8. An entry has exactly one leaf; parsing anything else fails.

use super::entry::{
    is_recorded_at, Body, CampaignClose, CampaignOpen, Disbursement, Donation, Entry, FieldError,
    Reversal, Transfer, FORMAT_VERSION, MAX_SHORT_TEXT,
};
use super::hash::Hash;
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
    // Serializing plain structs of strings and integers into a Vec cannot fail.
    serde_json::to_vec(&wire).unwrap_or_default()
}

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
    match super::fast::decode(leaf) {
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
        other => return Err(LeafError::UnknownKind(other.to_string())),
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

/// Checks `recorded_at` and `recorded_by`.
///
/// # Errors
/// A [`FieldError`] naming the field.
pub fn validate_envelope(entry: &Entry) -> Result<(), FieldError> {
    if !is_recorded_at(&entry.recorded_at) {
        return Err(FieldError::new(
            "recorded_at",
            "must be UTC written YYYY-MM-DDTHH:MM:SS.ffffffZ",
        ));
    }
    let by = &entry.recorded_by;
    if by.is_empty() || by.chars().count() > MAX_SHORT_TEXT || by.chars().any(char::is_control) {
        return Err(FieldError::new(
            "recorded_by",
            "must be 1-200 printable characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Channel, Reversal, ReversalReason};
    use crate::hash::ZERO_HASH;
    use crate::money::{Currency, Minor};

    fn donation() -> Entry {
        Entry {
            seq: 1,
            prev: ZERO_HASH,
            recorded_at: "2026-11-24T10:00:00.000000Z".into(),
            recorded_by: "lan".into(),
            body: Body::Donation(Donation {
                amount: Minor::new(500000).unwrap(),
                campaign: "flood-2026".into(),
                channel: Channel::BankTransfer,
                commitment: None,
                currency: Currency::parse("VND").unwrap(),
                donor: "Nguyễn \"Bé\" <b>".into(),
                in_kind: None,
                memo: Some("line\nbreak".into()),
                received_at: "2026-11-23".into(),
                reference: Some("FT2611".into()),
            }),
        }
    }

    /// A reference JCS writer over serde_json::Value, to cross-check the struct order.
    fn jcs(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::Object(m) => {
                let mut keys: Vec<_> = m.keys().collect();
                keys.sort();
                let parts: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{}:{}", serde_json::to_string(k).unwrap(), jcs(&m[*k])))
                    .collect();
                format!("{{{}}}", parts.join(","))
            }
            serde_json::Value::Array(a) => {
                format!("[{}]", a.iter().map(jcs).collect::<Vec<_>>().join(","))
            }
            other => serde_json::to_string(other).unwrap(),
        }
    }

    #[test]
    fn encoding_sorts_keys_and_round_trips() {
        let e = donation();
        let leaf = encode(&e);
        let value: serde_json::Value = serde_json::from_slice(&leaf).unwrap();
        assert_eq!(jcs(&value).as_bytes(), &leaf[..]);
        assert_eq!(decode(&leaf).unwrap(), e);
        assert!(std::str::from_utf8(&leaf).unwrap().contains("Nguyễn"));
    }

    #[test]
    fn whitespace_escapes_and_reordering_are_not_canonical() {
        let leaf = String::from_utf8(encode(&donation())).unwrap();
        let spaced = leaf.replacen(",", ", ", 1);
        assert_eq!(decode(spaced.as_bytes()), Err(LeafError::NotCanonical));
        let escaped = leaf.replace("Nguyễn", "Nguy\\u1ec5n");
        assert_eq!(decode(escaped.as_bytes()), Err(LeafError::NotCanonical));
        let dup = leaf.replacen("{\"body\"", "{\"seq\":1,\"body\"", 1);
        assert!(decode(dup.as_bytes()).is_err());
    }

    #[test]
    fn unknown_fields_kinds_and_numbers_as_floats_are_rejected() {
        let leaf = String::from_utf8(encode(&donation())).unwrap();
        let extra = leaf.replacen("\"amount\"", "\"zzz\":\"1\",\"amount\"", 1);
        assert!(matches!(
            decode(extra.as_bytes()),
            Err(LeafError::Malformed(_))
        ));
        let kind = leaf.replace("\"donation\"", "\"gift\"");
        assert!(matches!(
            decode(kind.as_bytes()),
            Err(LeafError::UnknownKind(_))
        ));
        let float = leaf.replace("\"seq\":1", "\"seq\":1.0");
        assert!(decode(float.as_bytes()).is_err());
        let number_amount = leaf.replace("\"500000\"", "500000");
        assert!(decode(number_amount.as_bytes()).is_err());
    }

    #[test]
    fn a_reversal_encodes_its_target_as_a_number() {
        let mut e = donation();
        e.body = Body::Reversal(Reversal {
            note: None,
            reason: ReversalReason::Refund,
            reverses: 7,
        });
        let leaf = String::from_utf8(encode(&e)).unwrap();
        assert!(leaf
            .starts_with("{\"body\":{\"reason\":\"refund\",\"reverses\":7},\"kind\":\"reversal\""));
    }
}
