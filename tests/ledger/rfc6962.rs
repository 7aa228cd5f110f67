//! Known-answer tests for the RFC 6962 / RFC 9162 proof verifiers, from transparency-dev/merkle
//! (tests/data/rfc6962/README.md). Every file is checked; a file with `"wantErr": true` must be
//! rejected and every other file accepted.
//!
//! Our API takes [`Hash`], a 32-byte value, so hashes of any other length are handled at the
//! edge, the way a verifier reading them from the wire would:
//! - a leaf hash or proof element that is not 32 bytes cannot be a SHA-256 node hash, so the
//!   proof is rejected before it reaches the verifier (Go's verifier checks the leaf size too);
//! - roots are compared as opaque values by the reference verifier, so a root of another
//!   length is replaced by a 32-byte stand-in that is equal exactly when the bytes are equal.

use base64::Engine;
use fundtrail::ledger::hash::{sha256, Hash};
use fundtrail::ledger::merkle::{verify_consistency, verify_inclusion};
use serde::Deserialize;
use std::path::{Path, PathBuf};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rfc6962");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InclusionCase {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    proof: Option<Vec<String>>,
    want_err: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsistencyCase {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    want_err: bool,
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
}

fn bytes(b64: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

/// A node hash: exactly 32 bytes, or nothing.
fn node(b64: &str) -> Option<Hash> {
    bytes(b64).try_into().ok().map(Hash)
}

/// A root: opaque bytes, mapped to a 32-byte stand-in when they are not 32 bytes long.
fn root(b64: &str) -> Hash {
    let b = bytes(b64);
    match <[u8; 32]>::try_from(b.as_slice()) {
        Ok(h) => Hash(h),
        Err(_) => sha256(&[b"not a 32-byte root: ".as_slice(), &b].concat()),
    }
}

fn proof(p: &Option<Vec<String>>) -> Option<Vec<Hash>> {
    p.iter().flatten().map(|h| node(h)).collect()
}

/// Returns whether the case's proof was accepted.
fn inclusion_accepted(path: &Path) -> (bool, bool) {
    let c: InclusionCase = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let accepted = match (node(&c.leaf_hash), proof(&c.proof)) {
        (Some(leaf), Some(proof)) => {
            verify_inclusion(c.leaf_idx, c.tree_size, &leaf, &proof, &root(&c.root)).is_ok()
        }
        _ => false,
    };
    (accepted, c.want_err)
}

fn consistency_accepted(path: &Path) -> (bool, bool) {
    let c: ConsistencyCase = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let accepted = match proof(&c.proof) {
        Some(proof) => {
            verify_consistency(c.size1, c.size2, &root(&c.root1), &root(&c.root2), &proof).is_ok()
        }
        None => false,
    };
    (accepted, c.want_err)
}

fn check_all(kind: &str, check: fn(&Path) -> (bool, bool)) -> (usize, usize) {
    let mut files = Vec::new();
    json_files(&Path::new(VECTORS).join(kind), &mut files);
    let mut wrong = Vec::new();
    let mut accepted_count = 0;
    for path in &files {
        let (accepted, want_err) = check(path);
        if accepted == want_err {
            wrong.push(format!(
                "{}: {} but wantErr is {want_err}",
                path.strip_prefix(VECTORS).unwrap().display(),
                if accepted { "accepted" } else { "rejected" }
            ));
        }
        accepted_count += usize::from(accepted);
    }
    assert!(
        wrong.is_empty(),
        "{} cases wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    (files.len(), accepted_count)
}

#[test]
fn every_inclusion_vector_is_accepted_or_rejected_as_the_reference_says() {
    let (files, accepted) = check_all("inclusion", inclusion_accepted);

    assert_eq!(files, 98);
    assert_eq!(accepted, 6);
}

#[test]
fn every_consistency_vector_is_accepted_or_rejected_as_the_reference_says() {
    let (files, accepted) = check_all("consistency", consistency_accepted);

    assert_eq!(files, 98);
    assert_eq!(accepted, 6);
}
