//! Telling a true retry from a different request that reuses an `Idempotency-Key`.
//!
//! The store keeps, with each key, a fingerprint of everything the caller asked for: the
//! entry's body (kind included), who records it, `separate_gift`, and the donor's personal
//! data with their consent. Only a request with the same fingerprint replays the original
//! answer; any other is refused, so a second caller can never receive the first donor's
//! receipt salt.
//!
//! Personal data must not be stored in a form anyone holding the database could check
//! guesses against (an e-mail address is easy to guess), so the fingerprint is an
//! HMAC-SHA256 under a key derived from the ledger's signing key, which lives in the data
//! folder and never in the database. Every server of a ledger holds the same signing key,
//! so they agree on fingerprints. When a donor's data is erased, the stored fingerprint is
//! replaced by [`crate::store::ERASED_FINGERPRINT`], which no request matches: a retry with
//! that key is refused and can no longer confirm a guess of the erased data.

use super::AppendRequest;
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::entry::Body;
use crate::ledger::hash::Hash;
use serde::Serialize;

/// The HMAC key of request fingerprints.
#[derive(Clone)]
pub struct FingerprintKey(ring::hmac::Key);

impl std::fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FingerprintKey(..)")
    }
}

impl FingerprintKey {
    /// The fingerprint key of the ledger signed by `signer`.
    pub fn of(signer: &CheckpointSigner) -> FingerprintKey {
        let secret = signer.derive_secret("idempotency request fingerprint");
        FingerprintKey(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret))
    }
}

impl FingerprintKey {
    /// The fingerprint of a group of requests, from each one's fingerprint in order.
    pub fn of_group(&self, each: &[Hash]) -> Hash {
        let mut text = b"group of requests".to_vec();
        for h in each {
            text.extend_from_slice(&h.0);
        }
        let tag = ring::hmac::sign(&self.0, &text);
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        Hash(out)
    }
}

/// What a request asked for, as fingerprinted.
#[derive(Serialize)]
struct Asked<'a> {
    version: u8,
    kind: &'static str,
    recorded_by: &'a str,
    separate_gift: bool,
    body: &'a Body,
    private: Option<AskedPrivately<'a>>,
}

/// The personal part of a donation request.
#[derive(Serialize)]
struct AskedPrivately<'a> {
    name: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    address: Option<&'a str>,
    identifier: Option<&'a str>,
    consent_publish_name: bool,
    committed_by_the_server: bool,
}

impl AppendRequest {
    /// The fingerprint of everything this request asked for (see the module docs). A
    /// commitment the server made from a fresh salt differs on every retry, so it is left
    /// out; whether the server was asked to make one is in.
    pub fn fingerprint(&self, key: &FingerprintKey) -> Hash {
        let mut body = std::borrow::Cow::Borrowed(&self.body);
        if let (Body::Donation(d), Some(p)) = (&self.body, &self.private) {
            if p.salt.is_some() && d.commitment.is_some() {
                let mut without = d.clone();
                without.commitment = None;
                body = std::borrow::Cow::Owned(Body::Donation(without));
            }
        }
        let asked = Asked {
            version: 2,
            kind: self.body.kind(),
            recorded_by: &self.recorded_by,
            separate_gift: self.separate_gift,
            body: &body,
            private: self.private.as_ref().map(|p| AskedPrivately {
                name: p.name.as_deref(),
                email: p.email.as_deref(),
                phone: p.phone.as_deref(),
                address: p.address.as_deref(),
                identifier: p.identifier.as_deref(),
                consent_publish_name: p.consent_publish_name,
                committed_by_the_server: p.salt.is_some(),
            }),
        };
        // Serializing plain structs, strings and numbers to a Vec cannot fail.
        let text = serde_json::to_vec(&asked).unwrap_or_default();
        let tag = ring::hmac::sign(&key.0, &text);
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        Hash(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::entry::{Channel, Donation};
    use crate::ledger::money::{Currency, Minor};
    use crate::store::DonorPrivate;

    fn key() -> FingerprintKey {
        FingerprintKey::of(&CheckpointSigner::generate("example.org/ledger").unwrap().0)
    }

    fn donation(email: &str, salt: [u8; 32]) -> AppendRequest {
        let vnd = Currency::parse("VND").unwrap();
        AppendRequest {
            body: Body::Donation(Donation {
                amount: Minor::parse_decimal("500000", vnd).unwrap(),
                campaign: "flood-2026".into(),
                channel: Channel::BankTransfer,
                commitment: Some(crate::ledger::hash::donor_commitment(&salt, email)),
                currency: vnd,
                donor: "Anonymous".into(),
                in_kind: None,
                memo: None,
                pledge: None,
                received_at: "2026-11-02".into(),
                reference: None,
            }),
            recorded_by: "lan".into(),
            idempotency_key: Some("k".into()),
            separate_gift: false,
            private: Some(DonorPrivate {
                email: Some(email.into()),
                identifier: Some(email.into()),
                salt: Some(salt),
                ..DonorPrivate::default()
            }),
        }
    }

    #[test]
    fn a_retry_with_a_fresh_salt_has_the_same_fingerprint_and_another_donor_does_not() {
        let key = key();
        let first = donation("binh@example.vn", [1; 32]);

        let retry = donation("binh@example.vn", [2; 32]);
        let other_donor = donation("an@example.vn", [3; 32]);

        assert_eq!(first.fingerprint(&key), retry.fingerprint(&key));
        assert_ne!(first.fingerprint(&key), other_donor.fingerprint(&key));
        let mut no_private = first.clone();
        no_private.private = None;
        assert_ne!(first.fingerprint(&key), no_private.fingerprint(&key));
    }

    #[test]
    fn the_fingerprint_depends_on_the_ledgers_key_and_is_never_the_erased_marker() {
        let request = donation("binh@example.vn", [1; 32]);

        let (a, b) = (request.fingerprint(&key()), request.fingerprint(&key()));

        assert_ne!(a, b);
        assert_ne!(a, crate::store::ERASED_FINGERPRINT);
    }
}
