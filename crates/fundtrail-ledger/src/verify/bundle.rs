//! Export bundles (SPEC.md §10): the header and trailer around the leaves, and
//! [`verify_bundle`], which reads one from any buffered input.

use super::pipeline::{read_line_into, Pipeline};
use super::{Report, Verifier, VerifyError};
use crate::checkpoint::{parse_verifier_key, CheckpointError};
use crate::totals::Totals;
use std::io::BufRead;

/// The first line of every bundle.
pub const BUNDLE_MAGIC: &str = "fundtrail-bundle v1";

/// The header of a bundle signed by `vkey` (SPEC.md §10); leaves follow, one per line.
pub fn bundle_header(vkey: &str) -> String {
    format!("{BUNDLE_MAGIC}\nkey {vkey}\n\n")
}

/// The trailer of a bundle: a blank line, then the signed checkpoint note.
pub fn bundle_trailer(note: &str) -> String {
    format!("\n{note}")
}

/// Verifies a whole bundle read from `input`. The bundle's key is the ledger's first key;
/// when `pinned_key` is given, it must be that key or one the ledger's verified rotations
/// put in force (SPEC.md §9 step 1, §23): a pinned key of another name is refused before
/// any leaf is read, one of the same name once the rotations are known. `progress` is called with the number of entries checked, every 4096.
///
/// With the `threads` feature (on by default) and more than one CPU, leaves are decoded and
/// hashed on a second thread while this one reads the input and applies them in order (see
/// [`Pipeline`]); the error reported is always the one a one-leaf-at-a-time [`Verifier`]
/// would report first.
///
/// # Errors
/// The first [`VerifyError`]; I/O errors are reported as [`VerifyError::Bundle`].
pub fn verify_bundle<R: BufRead>(
    input: R,
    pinned_key: Option<&str>,
    claimed: Option<&Totals>,
    progress: impl FnMut(u64),
) -> Result<Report, VerifyError> {
    verify_bundle_with(
        input,
        pinned_key,
        claimed,
        progress,
        Pipeline::new(Pipeline::worker_helps()),
    )
}

pub(super) fn verify_bundle_with<R: BufRead>(
    mut input: R,
    pinned_key: Option<&str>,
    claimed: Option<&Totals>,
    mut progress: impl FnMut(u64),
    pipeline: Pipeline,
) -> Result<Report, VerifyError> {
    let mut line = Vec::with_capacity(1024);
    let read_line = |input: &mut R, line: &mut Vec<u8>| -> Result<bool, VerifyError> {
        line.clear();
        read_line_into(input, line)
    };
    if !read_line(&mut input, &mut line)? || line != BUNDLE_MAGIC.as_bytes() {
        return Err(VerifyError::Bundle(format!(
            "first line is not {BUNDLE_MAGIC:?}"
        )));
    }
    if !read_line(&mut input, &mut line)? || !line.starts_with(b"key ") {
        return Err(VerifyError::Bundle(
            "second line is not `key <verifier key>`".into(),
        ));
    }
    let key = String::from_utf8(line[4..].to_vec())
        .map_err(|_| VerifyError::Bundle("key is not UTF-8".into()))?;
    let pinned_mismatch = pinned_key.filter(|pinned| pinned.trim() != key);
    if let Some(pinned) = pinned_mismatch {
        if !could_be_later_key(pinned, &key) {
            return Err(different_key(pinned, &key));
        }
    }
    if !read_line(&mut input, &mut line)? || !line.is_empty() {
        return Err(VerifyError::Bundle("third line must be empty".into()));
    }
    let mut verifier = Verifier::with_first_key(&key);
    pipeline.run(&mut input, &mut verifier, &mut progress)?;
    let mut note = Vec::new();
    while read_line(&mut input, &mut line)? {
        note.extend_from_slice(&line);
        note.push(b'\n');
    }
    let note = String::from_utf8(note)
        .map_err(|_| VerifyError::Bundle("checkpoint is not UTF-8".into()))?;
    progress(verifier.size());
    let report = verifier.finish(Some((&note, &key)), claimed)?;
    match pinned_mismatch {
        Some(pinned) if !report.keys.iter().any(|(_, k)| k == pinned.trim()) => {
            Err(different_key(pinned, &key))
        }
        _ => Ok(report),
    }
}

/// Whether `pinned` may be a key the bundle's ledger rotated to from its first key `first`
/// (SPEC.md §23): both well-formed keys of the same name. Only the ledger's verified
/// rotations can tell whether it is.
fn could_be_later_key(pinned: &str, first: &str) -> bool {
    match (parse_verifier_key(pinned), parse_verifier_key(first)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The error of a bundle whose ledger was never signed with the pinned key (SPEC.md §9
/// step 1).
fn different_key(pinned: &str, key: &str) -> VerifyError {
    VerifyError::Checkpoint(CheckpointError::BadSignature(format!(
        "{pinned} (the bundle names a different key, {key})"
    )))
}
