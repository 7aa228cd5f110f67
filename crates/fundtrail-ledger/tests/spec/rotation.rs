//! `tests/vectors/rotation/`: key rotation inside a ledger (SPEC.md §23). A ledger signed by
//! the demo key that rotates once to a new key (`bundle.txt`, its checkpoint signed by the
//! new key), what verifying it gives with either key (`expected.json`), and refused copies:
//! a rotation signed by a stranger's key, one copied from another history (its signature over
//! another `prev`), a rotation to a key of another name, a checkpoint after the rotation
//! still signed by the old key. The JavaScript verifier must give the same answers
//! (tests/web/rotation-vectors.test.mjs).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec rotation`
//! rewrites the folder; otherwise it must be exactly what this generates.

use crate::companion::{demo_signer, pretty, write_or_compare, Ledger};
use fundtrail_ledger::entry::{CampaignOpen, Channel, Donation};
use fundtrail_ledger::rotation::KeyRotate;
use fundtrail_ledger::{verify_bundle, Body, CheckpointSigner, Currency, Hash, Minor};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NEW_SIGNING_KEY: &str =
    include_str!("../../../../tests/vectors/rotation/new-signing-key.txt");
const STRANGER_SIGNING_KEY: &str =
    include_str!("../../../../tests/vectors/rotation/stranger-signing-key.txt");

fn new_signer() -> CheckpointSigner {
    CheckpointSigner::from_private_key(NEW_SIGNING_KEY).expect("a signing key")
}

fn stranger() -> CheckpointSigner {
    CheckpointSigner::from_private_key(STRANGER_SIGNING_KEY).expect("a signing key")
}

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn open() -> Body {
    Body::CampaignOpen(CampaignOpen {
        accounts: vec![],
        approval: None,
        currency: vnd(),
        ends_on: None,
        goal: None,
        id: "flood-2026".into(),
        purpose: "Gạo cho vùng lũ".into(),
        title: "Lũ lụt".into(),
    })
}

fn donation(amount: u64) -> Body {
    Body::Donation(Donation {
        pledge: None,
        amount: Minor::new(amount).expect("an amount"),
        campaign: "flood-2026".into(),
        channel: Channel::Cash,
        commitment: None,
        currency: vnd(),
        donor: "Anonymous".into(),
        in_kind: None,
        memo: None,
        received_at: "2026-11-01".into(),
        reference: None,
    })
}

/// The `prev` of the next entry of `l`.
fn next_prev(l: &Ledger) -> Hash {
    l.next_entry(donation(1)).prev
}

/// Two entries, then a rotation to `new_key` signed by `by` over `prev` (the ledger's own
/// when `None`), then a donation.
fn rotated_with(by: &CheckpointSigner, new_key: &str, prev: Option<Hash>) -> Ledger {
    let mut l = Ledger::new();
    l.append(open());
    l.append(donation(500_000));
    let prev = prev.unwrap_or_else(|| next_prev(&l));
    let note = Some("Khóa cũ được thay theo lịch.\nScheduled key change.".to_string());
    l.append(Body::KeyRotate(KeyRotate::signed(by, new_key, &prev, note)));
    l.append(donation(250_000));
    l
}

/// The ledger rotated once, as it should be.
fn rotated() -> Ledger {
    rotated_with(&demo_signer(), new_signer().verifier_key(), None)
}

/// The bundle of `l` (first key: the demo key) with its checkpoint signed by `signer`.
fn bundle_signed_by(l: &Ledger, signer: &CheckpointSigner) -> Vec<u8> {
    let note = signer.sign(l.leaves.len() as u64, &l.tree.root());
    l.bundle_with_note(demo_signer().verifier_key(), &note)
}

fn refused(bundle: &[u8], pinned: Option<&str>) -> String {
    verify_bundle(bundle, pinned, None, |_| {})
        .expect_err("refused")
        .to_string()
}

/// The refused bundles, by file name.
fn refused_bundles() -> Vec<(&'static str, Vec<u8>)> {
    let new = new_signer();
    let other_history = {
        let mut other = Ledger::new();
        other.append(open());
        next_prev(&other)
    };
    vec![
        (
            "signed-by-stranger.txt",
            bundle_signed_by(&rotated_with(&stranger(), new.verifier_key(), None), &new),
        ),
        (
            "other-history.txt",
            bundle_signed_by(
                &rotated_with(&demo_signer(), new.verifier_key(), Some(other_history)),
                &new,
            ),
        ),
        (
            "old-key-checkpoint.txt",
            bundle_signed_by(&rotated(), &demo_signer()),
        ),
        (
            "same-key.txt",
            bundle_signed_by(
                &rotated_with(&demo_signer(), demo_signer().verifier_key(), None),
                &demo_signer(),
            ),
        ),
    ]
}

fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = Path::new("tests/vectors/rotation");
    let l = rotated();
    let bundle = bundle_signed_by(&l, &new_signer());
    let report = verify_bundle(&bundle[..], None, None, |_| {}).expect("a valid ledger");
    let refused_list: Vec<_> = refused_bundles()
        .iter()
        .map(|(file, b)| json!({"file": file, "error": refused(b, None)}))
        .collect();
    let stranger_key = stranger().verifier_key().to_string();
    let expected = json!({
        "bundle": "bundle.txt",
        "size": report.size,
        "root": report.root.to_hex(),
        "rotation_seq": 2,
        "rotation_leaf": String::from_utf8(l.leaves[2].clone()).expect("UTF-8"),
        "rotation_prev": l.next_entry(donation(1)).prev.to_hex(),
        "keys": report.keys.iter().map(|(from, k)| json!({"from": from, "key": k})).collect::<Vec<_>>(),
        "verifies_with": [demo_signer().verifier_key(), new_signer().verifier_key()],
        "refused_with": [{"key": stranger_key, "error": refused(&bundle, Some(&stranger_key))}],
        "refused_bundles": refused_list,
    });
    let mut files = BTreeMap::new();
    files.insert(dir.join("bundle.txt"), bundle);
    for (file, b) in refused_bundles() {
        files.insert(dir.join(file), b);
    }
    files.insert(dir.join("expected.json"), pretty(&expected));
    files
}

#[test]
fn the_rotation_vectors_are_what_the_core_generates() {
    write_or_compare(&generate());
}

#[test]
fn a_ledger_rotated_once_verifies_with_its_first_key_and_with_its_new_key() {
    let bundle = bundle_signed_by(&rotated(), &new_signer());
    for key in [demo_signer().verifier_key(), new_signer().verifier_key()] {
        let report = verify_bundle(&bundle[..], Some(key), None, |_| {}).expect("verifies");
        assert_eq!(report.size, 4);
        assert_eq!(
            report.keys,
            vec![
                (0, demo_signer().verifier_key().to_string()),
                (3, new_signer().verifier_key().to_string())
            ]
        );
    }
}

#[test]
fn a_key_of_the_same_name_the_ledger_never_rotated_to_is_refused_when_pinned() {
    let bundle = bundle_signed_by(&rotated(), &new_signer());
    let error = refused(&bundle, Some(stranger().verifier_key()));
    assert!(
        error.starts_with("checkpoint: signature does not verify with key "),
        "{error}"
    );
    assert!(
        error.contains("the bundle names a different key"),
        "{error}"
    );
}

#[test]
fn a_rotation_signed_by_another_key_than_the_one_in_force_is_refused_at_its_entry() {
    let (_, bundle) = &refused_bundles()[0];
    let error = refused(bundle, None);
    assert!(
        error.starts_with("entry 2: key rotation: signature does not verify with the key in force demo.fundtrail.example/ledger+c33ff523+"),
        "{error}"
    );
}

#[test]
fn a_rotation_copied_from_another_history_is_refused_at_its_entry() {
    let (_, bundle) = &refused_bundles()[1];
    assert!(refused(bundle, None).starts_with("entry 2: key rotation: signature does not verify"));
}

#[test]
fn a_checkpoint_after_a_rotation_still_signed_by_the_old_key_is_refused() {
    let (_, bundle) = &refused_bundles()[2];
    let error = refused(bundle, None);
    assert_eq!(
        error,
        format!(
            "checkpoint: signature does not verify with key {}",
            new_signer().verifier_key()
        )
    );
}

#[test]
fn a_rotation_to_the_key_already_in_force_is_refused() {
    let (_, bundle) = &refused_bundles()[3];
    assert_eq!(
        refused(bundle, None),
        "entry 2: key rotation: the new key is the key already in force"
    );
}

#[test]
fn a_ledger_without_rotations_still_verifies_with_one_key() {
    let mut l = Ledger::new();
    l.append(open());
    let report = verify_bundle(&l.bundle(&demo_signer())[..], None, None, |_| {}).expect("ok");
    assert_eq!(
        report.keys,
        vec![(0, demo_signer().verifier_key().to_string())]
    );
}
