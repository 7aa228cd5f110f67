//! SHA-256 hashes as they appear in leaves and proofs, and the hashing rules of SPEC.md §4.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// A SHA-256 value. Written as 64 lower-case hex digits in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; 32]);

/// The value of each lower-case hex digit; 0x80 for every other byte.
const HEX_DIGIT: [u8; 256] = {
    let mut t = [0x80u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// The two lower-case hex digits of each byte value.
const HEX_PAIR: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 0x0F]];
        i += 1;
    }
    t
};

/// The 64 lower-case hex digits of a [`Hash`], held on the stack ([`Hash::hex`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HexDigits([u8; 64]);

impl fmt::Debug for HexDigits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl HexDigits {
    /// The digits as text.
    pub fn as_str(&self) -> &str {
        // Only `Hash::hex` makes these, from ASCII digits, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The `prev` of entry 0.
pub const ZERO_HASH: Hash = Hash([0; 32]);

impl Hash {
    /// Parses exactly 64 lower-case hex digits.
    ///
    /// # Errors
    /// A message when the text is not that.
    pub fn from_hex(text: &str) -> Result<Hash, String> {
        Hash::from_hex_bytes(text.as_bytes())
            .ok_or_else(|| format!("{text:?} is not 64 lower-case hex digits"))
    }

    /// Decodes exactly 64 lower-case hex digits, or `None`.
    pub(crate) fn from_hex_bytes(text: &[u8]) -> Option<Hash> {
        if text.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        let mut bad = 0u8;
        for (o, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
            let (hi, lo) = (
                HEX_DIGIT[usize::from(pair[0])],
                HEX_DIGIT[usize::from(pair[1])],
            );
            bad |= hi | lo;
            *o = (hi << 4) | (lo & 0x0F);
        }
        (bad & 0x80 == 0).then_some(Hash(out))
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        self.hex().as_str().to_owned()
    }

    /// The 64 lower-case hex digits on the stack, for writing without allocating.
    pub fn hex(&self) -> HexDigits {
        let mut out = [0u8; 64];
        for (pair, &byte) in out.chunks_exact_mut(2).zip(&self.0) {
            pair.copy_from_slice(&HEX_PAIR[usize::from(byte)]);
        }
        HexDigits(out)
    }

    /// Standard base64, as in checkpoints.
    pub fn to_base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hex().as_str())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hex().as_str())
    }
}

impl Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.hex().as_str())
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Hash::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// RFC 6962 leaf hash: SHA-256(0x00 || leaf).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    Hash(h.finalize().into())
}

/// RFC 6962 interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// SHA-256 of arbitrary bytes (evidence files, tokens).
pub fn sha256(bytes: &[u8]) -> Hash {
    Hash(Sha256::digest(bytes).into())
}

/// The domain separator of donor commitments (SPEC.md §2.4).
pub const COMMITMENT_DOMAIN: &[u8] = b"fundtrail donor commitment v1\0";

/// A donor commitment: SHA-256(COMMITMENT_DOMAIN || salt || UTF-8 identifier).
/// The salt is 32 random bytes kept by the donor; the identifier is private to them.
pub fn donor_commitment(salt: &[u8; 32], identifier: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(COMMITMENT_DOMAIN);
    h.update(salt);
    h.update(identifier.as_bytes());
    Hash(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_hash_of_the_empty_leaf_matches_rfc6962() {
        assert_eq!(
            leaf_hash(b"").to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn hex_must_be_lower_case_and_64_digits() {
        assert!(Hash::from_hex(&"a".repeat(64)).is_ok());
        assert!(Hash::from_hex(&"A".repeat(64)).is_err());
        assert!(Hash::from_hex(&"a".repeat(63)).is_err());
        assert!(Hash::from_hex(&"a".repeat(65)).is_err());
        assert_eq!(
            Hash::from_hex(&"0g".repeat(32)),
            Err(format!(
                "{:?} is not 64 lower-case hex digits",
                "0g".repeat(32)
            ))
        );
        let digits = "0123456789abcdef";
        for (i, c) in (0..=255u8).map(char::from).enumerate() {
            let text = format!("{}{c}", &digits.repeat(4)[..63]);
            assert_eq!(
                Hash::from_hex(&text).is_ok(),
                digits.contains(c),
                "byte {i}"
            );
            if let Ok(h) = Hash::from_hex(&text) {
                assert_eq!(h.to_hex(), text);
                let mut expected = [0u8; 32];
                hex::decode_to_slice(&text, &mut expected).unwrap();
                assert_eq!(h.0, expected);
            }
        }
    }

    /// Edge values (every byte value in every position, all zeros, all ones) and a
    /// stream of pseudo-random hashes.
    fn sample_hashes() -> Vec<Hash> {
        let mut out = vec![Hash([0; 32]), Hash([0xff; 32])];
        for position in 0..32 {
            for value in 0..=255u8 {
                let mut h = [0u8; 32];
                h[position] = value;
                out.push(Hash(h));
            }
        }
        let mut h = Hash([7; 32]);
        for _ in 0..2000 {
            h = sha256(&h.0);
            out.push(h);
        }
        out
    }

    #[test]
    fn hex_is_what_the_hex_crate_writes() {
        for h in sample_hashes() {
            let expected = hex::encode(h.0);

            assert_eq!(h.to_hex(), expected);
            assert_eq!(h.hex().as_str(), expected);
            assert_eq!(h.to_string(), expected);
            assert_eq!(format!("{h:?}"), expected);
            assert_eq!(
                serde_json::to_string(&h).expect("json"),
                format!("\"{expected}\"")
            );
            assert_eq!(Hash::from_hex(&expected), Ok(h));
        }
    }
}
