//! Building, verifying and serializing receipts.

use super::*;
use crate::canonical::encode;
use crate::checkpoint::CheckpointSigner;
use crate::entry::{Channel, Entry};
use crate::merkle::CompactTree;
use crate::money::{Currency, Minor};

const SALT: [u8; 32] = [0x5a; 32];
const IDENTIFIER: &str = "tran.van.binh@example.vn";

fn donation_leaf(seq: u64, prev: Hash, commitment: Option<Hash>) -> Vec<u8> {
    let currency = Currency::parse("VND").expect("VND");
    encode(&Entry {
        seq,
        prev,
        recorded_at: "2026-11-02T08:00:00.000000Z".into(),
        recorded_by: "lan".into(),
        body: Body::Donation(Donation {
            amount: Minor::parse_decimal("250000", currency).expect("amount"),
            campaign: "flood-2026".into(),
            channel: Channel::Cash,
            commitment,
            currency,
            donor: "Anonymous".into(),
            in_kind: None,
            memo: None,
            pledge: None,
            received_at: "2026-11-02".into(),
            reference: None,
        }),
    })
}

/// A three-donation tree; the receipt is for the middle one, with a commitment.
fn receipt() -> (Receipt, CheckpointSigner) {
    let (signer, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");
    let mut tree = CompactTree::new();
    let mut leaves = Vec::new();
    let mut prev = crate::ZERO_HASH;
    for seq in 0..3 {
        let commitment = (seq == 1).then(|| donor_commitment(&SALT, IDENTIFIER));
        let leaf = donation_leaf(seq, prev, commitment);
        prev = leaf_hash(&leaf);
        tree.push(prev);
        leaves.push(leaf);
    }
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
    let proof = crate::merkle::inclusion_proof(&hashes, 1).expect("proof");
    let note = signer.sign(3, &tree.root());
    let r = build(ReceiptParts {
        seq: 1,
        leaf: &leaves[1],
        checkpoint: &note,
        size: 3,
        root: tree.root(),
        proof: &proof,
        key: signer.verifier_key(),
        salt: Some(&SALT),
    });
    (r, signer)
}

#[test]
fn a_built_receipt_verifies_with_its_key_and_the_donors_identifier() {
    let (r, signer) = receipt();

    let verified = verify_receipt(&r, signer.verifier_key(), Some(IDENTIFIER)).expect("ok");

    assert_eq!(verified.seq, 1);
    assert!(verified.identifier_checked);
    assert_eq!(verified.checkpoint.size, 3);
    assert_eq!(r.code, receipt_code(1, &r.leaf_hash));
}

#[test]
fn a_wrong_identifier_is_refused() {
    let (r, signer) = receipt();

    let e = verify_receipt(&r, signer.verifier_key(), Some("someone@else")).unwrap_err();

    assert_eq!(e, ReceiptError::IdentifierMismatch { seq: 1 });
}

#[test]
fn the_public_copy_without_salt_verifies_but_cannot_check_an_identifier() {
    let (r, signer) = receipt();
    let public = r.without_salt();

    assert!(verify_receipt(&public, signer.verifier_key(), None).is_ok());
    assert_eq!(
        verify_receipt(&public, signer.verifier_key(), Some(IDENTIFIER)).unwrap_err(),
        ReceiptError::NoCommitment
    );
}

#[test]
fn changing_any_byte_of_leaf_proof_or_checkpoint_is_refused() {
    let (r, signer) = receipt();
    let key = signer.verifier_key();
    let mut leaf = r.clone();
    leaf.leaf = leaf.leaf.replace("250000", "250001");
    let mut proof = r.clone();
    proof.proof.proof[0].0[0] ^= 1;
    let mut note = r.clone();
    note.checkpoint = note.checkpoint.replacen("\n3\n", "\n4\n", 1);
    let mut code = r.clone();
    code.code = "R-1-00000000".into();

    for bad in [leaf, proof, note, code] {
        assert!(verify_receipt(&bad, key, None).is_err(), "{bad:?}");
    }
}

#[test]
fn another_key_does_not_verify_the_checkpoint() {
    let (r, _) = receipt();
    let (other, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");

    let e = verify_receipt(&r, other.verifier_key(), None).unwrap_err();

    assert!(matches!(e, ReceiptError::Checkpoint(_)), "{e}");
}

#[test]
fn codes_parse_only_in_their_exact_form() {
    assert_eq!(parse_code("R-12-0a1b2c3d"), Some((12, "0a1b2c3d")));
    assert_eq!(parse_code("R-0-0a1b2c3d"), Some((0, "0a1b2c3d")));
    for bad in [
        "R-012-0a1b2c3d",
        "R--0a1b2c3d",
        "R-1-0A1B2C3D",
        "R-1-0a1b2c3",
        "12",
        "R-1-0a1b2c3d-",
        "R-99999999999999999999-0a1b2c3d",
    ] {
        assert_eq!(parse_code(bad), None, "{bad}");
    }
}

#[test]
fn the_sorted_writer_writes_the_built_receipt_with_sorted_keys() {
    let (signer, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");
    let leaf = donation_leaf(0, crate::ZERO_HASH, None);
    let hash = leaf_hash(&leaf);
    let note = signer.sign(1, &hash);
    let proof = [Hash([0x0f; 32]), Hash([0xf0; 32])];
    for salt in [None, Some(&SALT)] {
        let parts = ReceiptParts {
            seq: 0,
            leaf: &leaf,
            checkpoint: &note,
            size: 1,
            root: hash,
            proof: &proof,
            key: signer.verifier_key(),
            salt,
        };

        let mut sorted = Vec::new();
        write_sorted(&mut sorted, &parts, &SharedJson::of(&parts, hash));

        let value = serde_json::to_value(build(parts)).expect("value");
        assert_eq!(sorted, serde_json::to_vec(&value).expect("json"));
        let back: Receipt = serde_json::from_slice(&sorted).expect("a receipt");
        assert_eq!(back, build(parts));
    }
}

#[test]
fn a_receipt_round_trips_through_json() {
    let (r, _) = receipt();

    let text = serde_json::to_string(&r).expect("json");
    let back: Receipt = serde_json::from_str(&text).expect("parses");

    assert_eq!(back, r);
    assert!(text.starts_with("{\"type\":\"fundtrail-receipt\",\"v\":1,"));
}

#[test]
fn the_shared_pieces_are_what_serde_json_prints() {
    for n in [0, 7, 10, 99, 1_000_000, u64::MAX] {
        let mut out = b"x".to_vec();
        push_u64(&mut out, n);
        assert_eq!(out, format!("x{n}").into_bytes());
    }
    let hash = Hash([0xab; 32]);
    assert_eq!(
        quoted_hex(&hash).to_vec(),
        serde_json::to_vec(&hash).expect("json")
    );
    let text = "Nguyễn \"Bé\" \\ </script> \u{1F49A} \u{2028} \u{0}\t\n\u{7f}";
    assert_eq!(json_string(text), serde_json::to_vec(text).expect("json"));
}
