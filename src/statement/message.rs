//! What becomes of a bank transfer's message (SPEC.md §2.4, SECURITY.md "Transfer
//! messages"). A message often holds the payer's name, phone number or more, so it is
//! published only with the payer's name: with `publish_payer_names` it is the donation's
//! public `memo` (and found by the public search). Otherwise it never reaches the ledger:
//! it becomes the donor's own commitment, kept off the chain with its salt (erasable like
//! any donor's personal data), so the donor can later prove the gift is theirs by typing
//! the message they wrote, with the receipt an admin re-issues to them.

use crate::ledger::admission::hidden_character;
use crate::ledger::entry::{Donation, MAX_LONG_TEXT};
use crate::ledger::hash::donor_commitment;
use crate::ledger::identifier::normalise_identifier;
use crate::store::DonorPrivate;

/// `message` as public text: control characters and characters new text may not hold
/// become spaces, runs of spaces one, at most [`MAX_LONG_TEXT`] characters; `None` when
/// nothing is left.
pub fn public_memo(message: &str) -> Option<String> {
    let cleaned: String = message
        .chars()
        .map(|c| {
            if c.is_control() || hidden_character(&c.to_string()).is_some() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let memo: String = words.join(" ").chars().take(MAX_LONG_TEXT).collect();
    (!memo.is_empty()).then_some(memo)
}

/// Keeps `message` as the donor's own commitment: sets `d.commitment` to the commitment
/// of the message (normalised as every identifier is) under a fresh salt, and returns the
/// personal data to store off the chain. `None` (and `d` unchanged) for an empty message.
pub fn commit_to_message(d: &mut Donation, message: &str) -> Option<DonorPrivate> {
    let identifier = normalise_identifier(message);
    if identifier.is_empty() {
        return None;
    }
    let salt = fresh_salt();
    d.commitment = Some(donor_commitment(&salt, &identifier));
    Some(DonorPrivate {
        name: None,
        email: None,
        phone: None,
        address: None,
        identifier: Some(identifier),
        salt: Some(salt),
        consent_publish_name: false,
    })
}

/// 32 random bytes from the operating system.
fn fresh_salt() -> [u8; 32] {
    use rand_core::RngCore;
    let mut salt = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut salt);
    salt
}
