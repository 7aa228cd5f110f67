//! Signed checkpoints (SPEC.md §6): a C2SP tlog-checkpoint body (origin, tree size,
//! base64 root) signed as a C2SP signed note with Ed25519. Key strings are the signed-note
//! forms `PRIVATE+KEY+name+keyid+base64` and `name+keyid+base64`.
//!
//! We use Cloudflare's `signed_note` (a port of Go's golang.org/x/mod/sumdb/note) and
//! `tlog_tiles` (of Go's tlog) so the bytes match Go's implementations exactly.

use super::hash::Hash;
use signed_note::{
    Note, Signer as _, StandardSigner, StandardVerifier, Verifier as _, VerifierList,
};

/// Why a checkpoint or key is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The verifier key text is not a valid Ed25519 signed-note key.
    #[error("malformed verifier key {0:?}")]
    BadVerifierKey(String),
    /// The signing key text is not valid.
    #[error("malformed signing key")]
    BadSigningKey,
    /// The note is not a well-formed signed note.
    #[error("checkpoint: not a well-formed signed note")]
    MalformedNote,
    /// No signature by the given key, or it does not verify.
    #[error("checkpoint: signature does not verify with key {0}")]
    BadSignature(String),
    /// The note's text is not a tlog-checkpoint.
    #[error("checkpoint: malformed body (expected origin, size and base64 root lines)")]
    MalformedBody,
    /// The checkpoint's origin is not the key's name.
    #[error("checkpoint: origin {origin:?} does not match key name {key_name:?}")]
    WrongOrigin { origin: String, key_name: String },
}

/// The content of a verified checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line, equal to the key name.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// Merkle root of those leaves.
    pub root: Hash,
}

impl Checkpoint {
    /// The unsigned checkpoint body: `origin\nsize\nbase64(root)\n`.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        )
    }
}

/// A signing key and the name (origin) it signs for.
#[derive(Clone)]
pub struct CheckpointSigner {
    signer: StandardSigner,
    vkey: String,
    /// The Ed25519 seed, kept only to derive other secrets ([`CheckpointSigner::derive_secret`]).
    seed: [u8; 32],
}

impl std::fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CheckpointSigner({})", self.vkey)
    }
}

/// Reports whether `origin` can be a key name: non-empty, no spaces, no `+`.
pub fn is_valid_origin(origin: &str) -> bool {
    signed_note::is_key_name_valid(origin)
}

impl CheckpointSigner {
    /// Generates a fresh key for `origin` from the operating system's randomness.
    /// Returns the signer and the private key text to store (mode 0600).
    ///
    /// # Errors
    /// [`CheckpointError::BadSigningKey`] when `origin` is not a valid key name.
    #[cfg(feature = "os-rng")]
    pub fn generate(origin: &str) -> Result<(CheckpointSigner, String), CheckpointError> {
        Self::generate_with(&mut rand_core::OsRng, origin)
    }

    /// Generates a fresh key for `origin` from `rng`, which must be a cryptographically
    /// secure generator: the key is only as secret as its output. Returns the signer and the
    /// private key text to store.
    ///
    /// # Errors
    /// [`CheckpointError::BadSigningKey`] when `origin` is not a valid key name.
    pub fn generate_with(
        rng: &mut impl rand_core::CryptoRngCore,
        origin: &str,
    ) -> Result<(CheckpointSigner, String), CheckpointError> {
        if !is_valid_origin(origin) {
            return Err(CheckpointError::BadSigningKey);
        }
        let (skey, _vkey) = signed_note::generate_key(rng, origin);
        Ok((Self::from_private_key(&skey)?, skey))
    }

    /// Loads a `PRIVATE+KEY+name+keyid+base64` key.
    ///
    /// # Errors
    /// [`CheckpointError::BadSigningKey`] when the text is not such a key.
    pub fn from_private_key(skey: &str) -> Result<CheckpointSigner, CheckpointError> {
        let signer =
            StandardSigner::new(skey.trim()).map_err(|_| CheckpointError::BadSigningKey)?;
        // The verifier key shares name and id; its base64 part is the public key.
        let seed = skey.trim().splitn(5, '+').nth(4).unwrap_or_default();
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(seed)
            .map_err(|_| CheckpointError::BadSigningKey)?;
        let secret: [u8; 32] = raw
            .get(1..33)
            .and_then(|s| s.try_into().ok())
            .ok_or(CheckpointError::BadSigningKey)?;
        let public = ed25519_dalek::SigningKey::from_bytes(&secret).verifying_key();
        let vkey = signed_note::new_ed25519_verifier_key(signer.name(), &public);
        Ok(CheckpointSigner {
            signer,
            vkey,
            seed: secret,
        })
    }

    /// A 32-byte secret for `purpose`, derived from the signing key: SHA-256 of a domain
    /// separator, the purpose and the key's seed. Whoever holds the key can derive it,
    /// nobody else; distinct purposes give independent secrets, none reveals the key.
    pub fn derive_secret(&self, purpose: &str) -> [u8; 32] {
        let mut input = Vec::with_capacity(64 + purpose.len());
        input.extend_from_slice(b"fundtrail derived secret v1\0");
        input.extend_from_slice(purpose.as_bytes());
        input.push(0);
        input.extend_from_slice(&self.seed);
        super::hash::sha256(&input).0
    }

    /// The origin (key name).
    pub fn origin(&self) -> &str {
        self.signer.name()
    }

    /// The verifier key text, `name+keyid+base64`.
    pub fn verifier_key(&self) -> &str {
        &self.vkey
    }

    /// The Ed25519 signature of `message` by this key. Only for messages whose first line
    /// says what they are (a key rotation, SPEC.md §23), so that no signature made here can
    /// pass for a checkpoint's.
    pub(crate) fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer as _;
        ed25519_dalek::SigningKey::from_bytes(&self.seed)
            .sign(message)
            .to_bytes()
    }

    /// Signs the checkpoint for a tree of `size` leaves with `root`; returns the note text.
    pub fn sign(&self, size: u64, root: &Hash) -> String {
        let cp = Checkpoint {
            origin: self.origin().to_string(),
            size,
            root: *root,
        };
        let mut note = match Note::new(cp.body().as_bytes(), &[]) {
            Ok(n) => n,
            // The body is origin (a valid key name), digits and base64: always a valid note.
            Err(_) => return String::new(),
        };
        if note.add_sigs(&[&self.signer]).is_err() {
            return String::new();
        }
        String::from_utf8(note.to_bytes()).unwrap_or_default()
    }
}

/// Checks a verifier key's form and returns its name.
///
/// # Errors
/// [`CheckpointError::BadVerifierKey`].
pub fn parse_verifier_key(vkey: &str) -> Result<String, CheckpointError> {
    Ok(verifier(vkey)?.name().to_string())
}

/// Whether `signature` is `vkey`'s Ed25519 signature of `message`.
///
/// # Errors
/// [`CheckpointError::BadVerifierKey`] when `vkey` is malformed.
pub(crate) fn verifies_bytes(
    vkey: &str,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, CheckpointError> {
    Ok(verifier(vkey)?.verify(message, signature))
}

/// The verifier of a key text (SPEC.md §6): White_Space around the text is ignored (Rust's
/// `str::trim`); the key id is exactly 8 hex digits, of either case (`signed_note` alone
/// would also take a leading `+`).
fn verifier(vkey: &str) -> Result<StandardVerifier, CheckpointError> {
    let bad = || CheckpointError::BadVerifierKey(vkey.to_string());
    let text = vkey.trim();
    let id = text.split('+').nth(1).unwrap_or_default();
    if id.len() != 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    StandardVerifier::new(text).map_err(|_| bad())
}

/// Verifies a signed checkpoint note with `vkey` and returns its content. The checks run in
/// the order of SPEC.md §9 step 3, the first failure being the error: the key's form; the
/// note's form (every signature line is read before any is checked); the first signature by
/// the key (lines by other keys and repeats are ignored); the body's form (extension lines
/// after the root are accepted and ignored); the origin against the key's name.
///
/// # Errors
/// [`CheckpointError`] naming what failed.
pub fn verify_checkpoint(note: &str, vkey: &str) -> Result<Checkpoint, CheckpointError> {
    let verifier = verifier(vkey)?;
    let key_name = verifier.name().to_string();
    let parsed = Note::from_bytes(note.as_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
    let list = VerifierList::new(vec![Box::new(verifier)]);
    parsed
        .verify(&list)
        .map_err(|_| CheckpointError::BadSignature(vkey.trim().to_string()))?;
    let cp = parse_body(parsed.text())?;
    if cp.origin != key_name {
        return Err(CheckpointError::WrongOrigin {
            origin: cp.origin,
            key_name,
        });
    }
    Ok(cp)
}

/// Reads a checkpoint note's body without checking any signature (for display only).
///
/// # Errors
/// [`CheckpointError::MalformedNote`] or [`CheckpointError::MalformedBody`].
pub fn read_unverified(note: &str) -> Result<Checkpoint, CheckpointError> {
    let parsed = Note::from_bytes(note.as_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
    parse_body(parsed.text())
}

fn parse_body(text: &[u8]) -> Result<Checkpoint, CheckpointError> {
    let cp =
        tlog_tiles::Checkpoint::from_bytes(text).map_err(|_| CheckpointError::MalformedBody)?;
    Ok(Checkpoint {
        origin: cp.origin().to_string(),
        size: cp.size(),
        root: Hash(cp.hash().0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The known-answer vector of Go's golang.org/x/mod/sumdb/note tests.
    #[test]
    fn signs_exactly_like_go_sumdb_note() {
        let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let signer = CheckpointSigner::from_private_key(skey).unwrap();
        assert_eq!(
            signer.verifier_key(),
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        );
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
        let mut note = Note::new(text.as_bytes(), &[]).unwrap();
        note.add_sigs(&[&signer.signer]).unwrap();
        let want = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        assert_eq!(String::from_utf8(note.to_bytes()).unwrap(), want);
    }

    #[test]
    fn derived_secrets_depend_on_the_key_and_the_purpose_and_never_equal_the_seed() {
        let (signer, skey) = CheckpointSigner::generate("example.org/ledger").unwrap();
        let (other, _) = CheckpointSigner::generate("example.org/ledger").unwrap();
        let again = CheckpointSigner::from_private_key(&skey).unwrap();

        let secret = signer.derive_secret("a");

        assert_eq!(secret, again.derive_secret("a"));
        assert_ne!(secret, signer.derive_secret("b"));
        assert_ne!(secret, other.derive_secret("a"));
        assert_ne!(secret, signer.seed);
    }

    /// `note` with the body `body`, signed by `signer`.
    fn signed(signer: &CheckpointSigner, body: &str) -> String {
        let mut note = Note::new(body.as_bytes(), &[]).expect("a note");
        note.add_sigs(&[&signer.signer]).expect("signed");
        String::from_utf8(note.to_bytes()).expect("UTF-8")
    }

    #[test]
    fn extension_lines_after_the_root_are_accepted_and_ignored() {
        let (signer, _) = CheckpointSigner::generate("example.org/ledger").expect("key");
        let root = Hash([7; 32]);
        let body = format!("example.org/ledger\n3\n{}\n", root.to_base64());

        let plain = verify_checkpoint(&signed(&signer, &body), signer.verifier_key());
        let extended = verify_checkpoint(
            &signed(&signer, &format!("{body}ext one\n— not a signature\n")),
            signer.verifier_key(),
        );
        let empty_extension = verify_checkpoint(
            &signed(&signer, &format!("{body}ext\n\nlast\n")),
            signer.verifier_key(),
        );

        assert_eq!(plain, extended);
        assert_eq!(extended.map(|c| c.size), Ok(3));
        assert!(empty_extension.is_err());
    }

    #[test]
    fn only_the_first_signature_by_the_key_counts_and_a_malformed_line_is_found_first() {
        let (signer, _) = CheckpointSigner::generate("example.org/ledger").expect("key");
        let note = signer.sign(5, &Hash([9; 32]));
        let sig_line = note.lines().last().expect("a signature line").to_string();
        let mut broken = sig_line.clone();
        let end = broken.len() - 4..broken.len() - 2;
        let other = if &broken[end.clone()] == "AA" {
            "BB"
        } else {
            "AA"
        };
        broken.replace_range(end, other);
        let key = signer.verifier_key();

        let repeat_broken = format!("{note}{broken}\n");
        let broken_first = note.replace(&sig_line, &format!("{broken}\n{sig_line}"));
        let then_malformed = note.replacen(&sig_line, &format!("{broken}\n— x"), 1);

        assert!(verify_checkpoint(&repeat_broken, key).is_ok());
        assert!(matches!(
            verify_checkpoint(&broken_first, key),
            Err(CheckpointError::BadSignature(_))
        ));
        assert_eq!(
            verify_checkpoint(&then_malformed, key),
            Err(CheckpointError::MalformedNote)
        );
    }

    #[test]
    fn a_key_id_is_exactly_eight_hex_digits_and_the_key_text_may_be_padded_with_white_space() {
        // A key whose id starts with 0, so that `+` and the other seven digits would parse to it.
        let (name, vkey) = (1u8..=255)
            .map(|i| {
                let public = ed25519_dalek::SigningKey::from_bytes(&[i; 32]).verifying_key();
                let name = "example.org/ledger";
                (name, signed_note::new_ed25519_verifier_key(name, &public))
            })
            .find(|(_, vkey)| vkey.split('+').nth(1).is_some_and(|id| id.starts_with('0')))
            .expect("one of 255 keys has an id starting with 0");
        let id = vkey.split('+').nth(1).expect("an id");
        let signed_id = vkey.replacen(&format!("+{id}+"), &format!("++{}+", &id[1..]), 1);
        let upper = vkey.replacen(id, &id.to_uppercase(), 1);

        assert_eq!(
            parse_verifier_key(&format!("\u{85} {vkey}\u{3000}\n")).as_deref(),
            Ok(name)
        );
        assert_eq!(parse_verifier_key(&upper).as_deref(), Ok(name));
        assert_eq!(
            parse_verifier_key(&signed_id),
            Err(CheckpointError::BadVerifierKey(signed_id.clone()))
        );
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_a_changed_one_does_not() {
        let (signer, _) = CheckpointSigner::generate("example.org/ledger").unwrap();
        let root = Hash([7; 32]);
        let note = signer.sign(12, &root);
        let cp = verify_checkpoint(&note, signer.verifier_key()).unwrap();
        assert_eq!(
            (cp.size, cp.root, cp.origin.as_str()),
            (12, root, "example.org/ledger")
        );
        let forged = note.replacen("\n12\n", "\n13\n", 1);
        assert!(matches!(
            verify_checkpoint(&forged, signer.verifier_key()),
            Err(CheckpointError::BadSignature(_))
        ));
        let (other, _) = CheckpointSigner::generate("example.org/ledger").unwrap();
        assert!(verify_checkpoint(&note, other.verifier_key()).is_err());
    }
}
