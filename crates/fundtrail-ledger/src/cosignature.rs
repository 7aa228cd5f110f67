//! Witness cosignatures (C2SP tlog-cosignature, Ed25519 `cosignature/v1`; SPEC.md §14): a
//! witness's signature line on a checkpoint it checked to be consistent with everything it
//! cosigned before, with the time it did.
//!
//! A cosignature line is `— <witness name> base64(key id || timestamp || signature)`: the
//! key id is `SHA-256(name || "\n" || 0x04 || public key)[:4]`, the timestamp a big-endian
//! `u64` of POSIX seconds (at most 2^63 − 1), and the Ed25519 signature is over
//! `"cosignature/v1\ntime <timestamp>\n"` followed by the checkpoint body (origin line
//! through the last extension line, with its `\n`).
//!
//! Keys are text like the log's (SPEC.md §6) with algorithm byte `0x04`: the verifier key
//! `<name>+<key id>+base64(0x04 || public key)` and the signing key
//! `PRIVATE+KEY+<name>+<key id>+base64(0x04 || seed)`.

use base64::Engine;
use ed25519_dalek::{Signer as _, Verifier as _};
use signed_note::{Note, VerifierList};

/// The signed-note algorithm byte of Ed25519 `cosignature/v1` keys.
pub const COSIGNATURE_V1: u8 = 0x04;
/// The largest timestamp a cosignature may carry.
pub const MAX_TIMESTAMP: u64 = (1 << 63) - 1;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Why a witness key or cosignature is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignatureError {
    /// Not a `name+keyid+base64(0x04 || key)` verifier key.
    #[error("malformed witness key {0:?} (expected name+keyid+base64 of 0x04 and an Ed25519 public key)")]
    BadVerifierKey(String),
    /// Not a `PRIVATE+KEY+name+keyid+base64(0x04 || seed)` signing key.
    #[error("malformed witness signing key")]
    BadSigningKey,
    /// The name cannot be a key name (empty, spaces or `+`).
    #[error("{0:?} cannot be a witness name: it must be non-empty, without spaces or '+'")]
    BadName(String),
    /// The note is not a well-formed signed note.
    #[error("not a well-formed signed note")]
    MalformedNote,
    /// The witness's line is there but does not verify.
    #[error("the cosignature of {0} does not verify")]
    BadSignature(String),
    /// The timestamp is over 2^63 − 1.
    #[error("the cosignature of {0} has a timestamp over 2^63 - 1")]
    BadTimestamp(String),
}

/// The key id of `name` and an encoded public key (`algorithm byte || key`).
fn key_id(name: &str, encoded: &[u8]) -> u32 {
    signed_note::key_id(name, encoded)
}

/// The message a `cosignature/v1` signs for `body` at `timestamp`.
fn signed_message(body: &[u8], timestamp: u64) -> Vec<u8> {
    let mut msg = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    msg.extend_from_slice(body);
    msg
}

/// A witness's signing key.
#[derive(Clone)]
pub struct WitnessSigner {
    name: String,
    id: u32,
    key: ed25519_dalek::SigningKey,
}

impl std::fmt::Debug for WitnessSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WitnessSigner({})", self.verifier_key())
    }
}

impl WitnessSigner {
    /// A fresh key for `name` from `rng` (a cryptographically secure generator). Returns the
    /// signer and the signing key text to keep secret.
    ///
    /// # Errors
    /// [`CosignatureError::BadName`].
    pub fn generate_with(
        rng: &mut impl rand_core::CryptoRngCore,
        name: &str,
    ) -> Result<(WitnessSigner, String), CosignatureError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(CosignatureError::BadName(name.to_string()));
        }
        let key = ed25519_dalek::SigningKey::generate(rng);
        let signer = WitnessSigner::new(name, key);
        let mut seed = vec![COSIGNATURE_V1];
        seed.extend_from_slice(&signer.key.to_bytes());
        let text = format!("PRIVATE+KEY+{name}+{:08x}+{}", signer.id, B64.encode(seed));
        Ok((signer, text))
    }

    fn new(name: &str, key: ed25519_dalek::SigningKey) -> WitnessSigner {
        let mut public = vec![COSIGNATURE_V1];
        public.extend_from_slice(key.verifying_key().as_bytes());
        WitnessSigner {
            name: name.to_string(),
            id: key_id(name, &public),
            key,
        }
    }

    /// Loads a `PRIVATE+KEY+name+keyid+base64(0x04 || seed)` key.
    ///
    /// # Errors
    /// [`CosignatureError::BadSigningKey`] when the text is not such a key, or its key id
    /// is not the one of its public key.
    pub fn from_private_key(text: &str) -> Result<WitnessSigner, CosignatureError> {
        let bad = || CosignatureError::BadSigningKey;
        let parts: Vec<&str> = text.trim().splitn(5, '+').collect();
        let [priv1, priv2, name, id, key] = parts[..] else {
            return Err(bad());
        };
        if priv1 != "PRIVATE" || priv2 != "KEY" || !signed_note::is_key_name_valid(name) {
            return Err(bad());
        }
        let raw = B64.decode(key).map_err(|_| bad())?;
        let (&alg, seed) = raw.split_first().ok_or_else(bad)?;
        let seed: [u8; 32] = seed.try_into().map_err(|_| bad())?;
        if alg != COSIGNATURE_V1 {
            return Err(bad());
        }
        let signer = WitnessSigner::new(name, ed25519_dalek::SigningKey::from_bytes(&seed));
        if id.len() != 8 || u32::from_str_radix(id, 16).ok() != Some(signer.id) {
            return Err(bad());
        }
        Ok(signer)
    }

    /// The witness's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The verifier key text, `name+keyid+base64(0x04 || public key)`.
    pub fn verifier_key(&self) -> String {
        let mut public = vec![COSIGNATURE_V1];
        public.extend_from_slice(self.key.verifying_key().as_bytes());
        format!("{}+{:08x}+{}", self.name, self.id, B64.encode(public))
    }

    /// The cosignature line (with its `\n`) on the checkpoint `body` at `timestamp`.
    pub fn cosign(&self, body: &str, timestamp: u64) -> String {
        let sig = self.key.sign(&signed_message(body.as_bytes(), timestamp));
        let mut bytes = self.id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&timestamp.to_be_bytes());
        bytes.extend_from_slice(&sig.to_bytes());
        format!("— {} {}\n", self.name, B64.encode(bytes))
    }
}

/// A witness's verifier key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessKey {
    name: String,
    id: u32,
    public: ed25519_dalek::VerifyingKey,
    text: String,
}

impl WitnessKey {
    /// Parses `name+keyid+base64(0x04 || public key)` (white space around it ignored).
    ///
    /// # Errors
    /// [`CosignatureError::BadVerifierKey`].
    pub fn parse(text: &str) -> Result<WitnessKey, CosignatureError> {
        let trimmed = text.trim();
        let bad = || CosignatureError::BadVerifierKey(trimmed.to_string());
        let parts: Vec<&str> = trimmed.splitn(3, '+').collect();
        let [name, id, key] = parts[..] else {
            return Err(bad());
        };
        if !signed_note::is_key_name_valid(name)
            || id.len() != 8
            || !id.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(bad());
        }
        let raw = B64.decode(key).map_err(|_| bad())?;
        if raw.len() != 33 || raw[0] != COSIGNATURE_V1 {
            return Err(bad());
        }
        let id = u32::from_str_radix(id, 16).map_err(|_| bad())?;
        if id != key_id(name, &raw) {
            return Err(bad());
        }
        let bytes: [u8; 32] = raw[1..].try_into().map_err(|_| bad())?;
        let public = ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
        Ok(WitnessKey {
            name: name.to_string(),
            id,
            public,
            text: trimmed.to_string(),
        })
    }

    /// The witness's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 32-byte public key (two keys wrapping the same one are duplicates in a policy).
    pub fn public_bytes(&self) -> [u8; 32] {
        self.public.to_bytes()
    }

    /// The time of this witness's cosignature on the signed note `note`: `Ok(None)` when
    /// the note has no line with this key's name and id (lines of other keys are ignored;
    /// only the first line of this key counts).
    ///
    /// # Errors
    /// [`CosignatureError::MalformedNote`] for a note that is not a signed note;
    /// [`CosignatureError::BadSignature`] when this key's line does not verify;
    /// [`CosignatureError::BadTimestamp`] for a timestamp over 2^63 − 1.
    pub fn cosigned_at(&self, note: &str) -> Result<Option<u64>, CosignatureError> {
        let parsed =
            Note::from_bytes(note.as_bytes()).map_err(|_| CosignatureError::MalformedNote)?;
        let list = VerifierList::new(vec![Box::new(self.clone())]);
        let sig = match parsed.verify(&list) {
            Ok((verified, _)) => verified.into_iter().next(),
            Err(signed_note::NoteError::UnverifiedNote) => return Ok(None),
            Err(_) => return Err(CosignatureError::BadSignature(self.name.clone())),
        };
        let Some(sig) = sig else { return Ok(None) };
        let stamp = sig
            .signature()
            .first_chunk::<8>()
            .map(|b| u64::from_be_bytes(*b))
            .ok_or_else(|| CosignatureError::BadSignature(self.name.clone()))?;
        if stamp > MAX_TIMESTAMP {
            return Err(CosignatureError::BadTimestamp(self.name.clone()));
        }
        Ok(Some(stamp))
    }

    /// Whether `line` (one signature line, with or without its `\n`) is a valid
    /// cosignature by this key on the checkpoint `body`, and its time.
    pub fn check_line(&self, body: &str, line: &str) -> Option<u64> {
        let note = format!("{body}\n{}\n", line.trim_end_matches('\n'));
        self.cosigned_at(&note).ok().flatten()
    }
}

impl signed_note::Verifier for WitnessKey {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Some((stamp, sig)) = sig.split_first_chunk::<8>() else {
            return false;
        };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
            return false;
        };
        let stamp = u64::from_be_bytes(*stamp);
        self.public
            .verify(&signed_message(msg, stamp), &sig)
            .is_ok()
    }
}

/// The body (text before the signatures) of a signed note, with its final `\n`.
///
/// # Errors
/// [`CosignatureError::MalformedNote`].
pub fn note_body(note: &str) -> Result<String, CosignatureError> {
    let parsed = Note::from_bytes(note.as_bytes()).map_err(|_| CosignatureError::MalformedNote)?;
    String::from_utf8(parsed.text().to_vec()).map_err(|_| CosignatureError::MalformedNote)
}

/// `note` with the signature `lines` added after its own (each line ending in `\n`).
pub fn with_lines<'a>(note: &str, lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = note.to_string();
    for line in lines {
        out.push_str(line.trim_end_matches('\n'));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::{verify_checkpoint, CheckpointSigner};
    use crate::hash::Hash;

    fn rng() -> rand_core::OsRng {
        rand_core::OsRng
    }

    #[test]
    fn a_cosignature_verifies_carries_its_time_and_the_log_signature_still_verifies() {
        let (log, _) = CheckpointSigner::generate("example.org/ledger").expect("log key");
        let (witness, skey) = WitnessSigner::generate_with(&mut rng(), "w1.example").expect("key");
        let note = log.sign(5, &Hash([3; 32]));
        let body = note_body(&note).expect("body");

        let cosigned = with_lines(&note, [witness.cosign(&body, 1_700_000_000).as_str()]);
        let key = WitnessKey::parse(&witness.verifier_key()).expect("vkey");

        assert_eq!(key.cosigned_at(&cosigned), Ok(Some(1_700_000_000)));
        assert_eq!(key.cosigned_at(&note), Ok(None));
        assert!(verify_checkpoint(&cosigned, log.verifier_key()).is_ok());
        let again = WitnessSigner::from_private_key(&skey).expect("reload");
        assert_eq!(again.verifier_key(), witness.verifier_key());
    }

    #[test]
    fn a_cosignature_on_another_checkpoint_or_time_does_not_verify() {
        let (log, _) = CheckpointSigner::generate("example.org/ledger").expect("log key");
        let (witness, _) = WitnessSigner::generate_with(&mut rng(), "w1.example").expect("key");
        let key = WitnessKey::parse(&witness.verifier_key()).expect("vkey");
        let five = log.sign(5, &Hash([3; 32]));
        let six = log.sign(6, &Hash([3; 32]));
        let line = witness.cosign(&note_body(&five).expect("body"), 10);

        let moved = with_lines(&six, [line.as_str()]);
        let b64 = line.rsplit(' ').next().expect("base64").trim_end();
        let mut raw = B64.decode(b64).expect("base64");
        raw[11] ^= 1; // the timestamp's last byte
        let retimed = line.replace(b64, &B64.encode(raw));

        assert_eq!(
            key.cosigned_at(&moved),
            Err(CosignatureError::BadSignature("w1.example".into()))
        );
        assert!(key
            .cosigned_at(&with_lines(&five, [retimed.as_str()]))
            .is_err());
    }

    #[test]
    fn the_key_id_commits_to_the_cosignature_algorithm_byte() {
        let (witness, _) = WitnessSigner::generate_with(&mut rng(), "w1.example").expect("key");
        let vkey = witness.verifier_key();
        let raw = B64
            .decode(vkey.splitn(3, '+').nth(2).expect("key"))
            .expect("base64");
        let public = ed25519_dalek::VerifyingKey::from_bytes(&raw[1..].try_into().expect("32"))
            .expect("point");
        // The same public key as a plain Ed25519 note key has another key id.
        let plain = signed_note::new_ed25519_verifier_key("w1.example", &public);

        assert_eq!(raw[0], COSIGNATURE_V1);
        assert_ne!(plain.split('+').nth(1), vkey.split('+').nth(1));
        assert!(WitnessKey::parse(&plain).is_err());
        assert!(WitnessKey::parse(&vkey.replace("w1.example", "w2.example")).is_err());
    }
}
