//! The shared test vectors in tests/vectors/, read by every independent verifier (the
//! JavaScript one in web/ among them): a demo ledger that verifies, and tampered bundles that
//! must not, each with the substring of the error this verifier gives.
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test --test ledger vectors` (re)writes the files; otherwise this
//! test regenerates them in memory and requires the committed files to be byte for byte equal.
//! Either way it then verifies every file.

use crate::bad_bundles::{bad_cases, Bad};
use crate::demo_ledger::demo;
use crate::helpers::ledger::recorded_at;
use fundtrail::ledger::hash::sha256;
use fundtrail::ledger::{verify_bundle, CheckpointSigner, Hash};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
const ORIGIN: &str = "demo.fundtrail.example/ledger";

fn signer() -> CheckpointSigner {
    let path = Path::new(DIR).join("demo/signing-key.txt");
    let key = match std::fs::read_to_string(&path) {
        Ok(key) => key,
        Err(_) if writing() => {
            let (_, key) = CheckpointSigner::generate(ORIGIN).unwrap();
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("{key}\n")).unwrap();
            key
        }
        Err(e) => panic!("{}: {e}", path.display()),
    };
    CheckpointSigner::from_private_key(&key).unwrap()
}

/// A verifier key for the demo origin that is not the demo key.
pub fn other_key() -> String {
    let public = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    signed_note::new_ed25519_verifier_key(ORIGIN, &public)
}

fn writing() -> bool {
    std::env::var_os("FUNDTRAIL_WRITE_VECTORS").is_some_and(|v| v == "1")
}

/// Every generated file, by path relative to tests/vectors.
fn generate() -> (BTreeMap<PathBuf, Vec<u8>>, Vec<Bad>) {
    let signer = signer();
    let demo = demo();
    assert_eq!(demo.entries[19].recorded_at, recorded_at(19));
    let bundle = demo.bundle(&signer);
    let report = verify_bundle(bundle.as_slice(), None, None, |_| {}).unwrap();
    let expected = serde_json::json!({
        "size": demo.len(),
        "root": demo.root().to_hex(),
        "key": signer.verifier_key(),
        "leaf_hashes": demo.hashes.iter().map(Hash::to_hex).collect::<Vec<_>>(),
        "totals": report.totals,
    });
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("demo/bundle.txt"), bundle);
    files.insert(PathBuf::from("demo/expected.json"), pretty(&expected));

    let bad = bad_cases(&demo, &signer);
    let mut index = serde_json::Map::new();
    for b in &bad {
        files.insert(Path::new("bad").join(b.name), b.bundle.clone());
        index.insert(
            b.name.to_string(),
            serde_json::json!({ "error_contains": b.error_contains }),
        );
    }
    files.insert(
        PathBuf::from("bad/expected.json"),
        pretty(&serde_json::Value::Object(index)),
    );
    (files, bad)
}

fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap();
    out.push(b'\n');
    out
}

/// Writes the vectors (FUNDTRAIL_WRITE_VECTORS=1) or checks them, once per test run, so
/// the tests that read them never see a half-written directory.
pub fn vectors_on_disk() {
    static DONE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    DONE.get_or_init(write_or_compare);
}

#[test]
fn the_committed_vectors_are_exactly_what_the_ledger_core_generates() {
    vectors_on_disk();
}

/// SHA-256 of the published `demo/bundle.txt`. Regenerating the vectors rewrites the file
/// from the core; this constant does not move with it, so a change to the demo bundle's
/// bytes fails here even under FUNDTRAIL_WRITE_VECTORS=1.
const DEMO_BUNDLE_SHA256: &str = "ca1456830a20037da9c14b6f03f0867b84e1c9b20ce09c1c973c5a80ea1c5f38";

#[test]
fn the_demo_bundle_is_byte_identical_to_the_published_vector() {
    vectors_on_disk();
    let published = std::fs::read(Path::new(DIR).join("demo/bundle.txt")).unwrap();

    let built = demo().bundle(&signer());

    assert!(
        built == published,
        "the demo ledger's bundle differs from tests/vectors/demo/bundle.txt"
    );
    assert_eq!(sha256(&built).to_hex(), DEMO_BUNDLE_SHA256);
}

#[test]
fn every_generated_bad_case_fails_with_its_expected_error() {
    let (_, bad) = generate();

    for b in bad {
        let error = verify_bundle(b.bundle.as_slice(), None, None, |_| {}).unwrap_err();

        assert!(
            error.to_string().contains(&b.error_contains),
            "{}: {error}",
            b.name
        );
    }
}

fn write_or_compare() {
    let (files, _) = generate();

    for (path, bytes) in &files {
        let full = Path::new(DIR).join(path);
        if writing() {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, bytes).unwrap();
        } else {
            let committed = std::fs::read(&full)
                .unwrap_or_else(|e| panic!("{}: {e} (FUNDTRAIL_WRITE_VECTORS=1)", full.display()));
            assert!(
                committed == *bytes,
                "{} differs from what the ledger core generates",
                path.display()
            );
        }
    }
    let on_disk: Vec<_> = std::fs::read_dir(Path::new(DIR).join("bad"))
        .unwrap()
        .map(|e| Path::new("bad").join(e.unwrap().file_name()))
        .collect();
    for path in on_disk {
        assert!(files.contains_key(&path), "{} is stale", path.display());
    }
}

#[test]
fn the_demo_bundle_verifies_with_the_expected_root_size_and_totals() {
    vectors_on_disk();
    let dir = Path::new(DIR).join("demo");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let bundle = std::fs::read(dir.join("bundle.txt")).unwrap();

    let report = verify_bundle(
        bundle.as_slice(),
        Some(expected["key"].as_str().unwrap()),
        None,
        |_| {},
    )
    .unwrap();

    assert_eq!(report.size, 20);
    assert_eq!(serde_json::json!(report.size), expected["size"]);
    assert_eq!(report.root.to_hex(), expected["root"]);
    assert_eq!(
        serde_json::to_value(&report.totals).unwrap(),
        expected["totals"]
    );
    let checkpoint = report.checkpoint.unwrap();
    assert_eq!(
        (checkpoint.size, checkpoint.root),
        (report.size, report.root)
    );
    assert_eq!(checkpoint.origin, ORIGIN);
}

#[test]
fn every_committed_bad_bundle_fails_with_its_expected_error() {
    vectors_on_disk();
    let dir = Path::new(DIR).join("bad");
    let expected: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    assert!(expected.len() >= 12);

    for (name, want) in &expected {
        let bundle = std::fs::read(dir.join(name)).unwrap();
        let want = want["error_contains"].as_str().unwrap();

        let result = verify_bundle(bundle.as_slice(), None, None, |_| {});

        match result {
            Ok(report) => panic!("{name}: verified, {} entries", report.size),
            Err(e) => assert!(
                e.to_string().contains(want),
                "{name}: error {e:?} does not contain {want:?}"
            ),
        }
    }
}
