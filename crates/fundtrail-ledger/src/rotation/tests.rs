use super::*;
use crate::entry::Body;
use crate::hash::ZERO_HASH;

fn signer(origin: &str) -> CheckpointSigner {
    CheckpointSigner::generate(origin).expect("a signer").0
}

#[test]
fn a_signed_rotation_has_valid_fields_and_hands_the_chain_to_its_key() {
    let (old, new) = (signer("example.org/log"), signer("example.org/log"));
    let rotation = KeyRotate::signed(&old, new.verifier_key(), &ZERO_HASH, None);
    assert_eq!(Body::KeyRotate(rotation.clone()).validate(), Ok(()));
    let mut chain = KeyChain::starting_with(old.verifier_key()).expect("a key");
    chain.apply(4, &ZERO_HASH, &rotation).expect("a rotation");
    assert_eq!(chain.in_force(), new.verifier_key());
    assert_eq!(chain.at(4), old.verifier_key());
    assert_eq!(chain.at(5), new.verifier_key());
}

#[test]
fn a_signature_that_is_not_64_bytes_of_canonical_base64_names_the_signature() {
    let (old, new) = (signer("example.org/log"), signer("example.org/log"));
    let good = KeyRotate::signed(&old, new.verifier_key(), &ZERO_HASH, None);
    for bad in [
        "",
        "AAAA",
        &good.signature[..86],
        &format!("{} ", good.signature),
    ] {
        let rotation = KeyRotate {
            signature: bad.to_string(),
            ..good.clone()
        };
        let error = rotation.validate().expect_err("refused");
        assert_eq!(error.field, "signature", "{bad:?}");
    }
}

#[test]
fn a_malformed_or_padded_verifier_key_names_the_verifier_key() {
    let (old, new) = (signer("example.org/log"), signer("example.org/log"));
    let good = KeyRotate::signed(&old, new.verifier_key(), &ZERO_HASH, None);
    for bad in ["nonsense", &format!(" {}", new.verifier_key())] {
        let rotation = KeyRotate {
            verifier_key: bad.to_string(),
            ..good.clone()
        };
        assert_eq!(
            rotation.validate().expect_err("refused").field,
            "verifier_key"
        );
    }
}

#[test]
fn a_rotation_to_a_key_of_another_name_is_refused_and_changes_nothing() {
    let old = signer("example.org/log");
    let other = signer("example.org/other");
    let rotation = KeyRotate::signed(&old, other.verifier_key(), &ZERO_HASH, None);
    let mut chain = KeyChain::starting_with(old.verifier_key()).expect("a key");
    let error = chain.apply(0, &ZERO_HASH, &rotation).expect_err("refused");
    assert!(matches!(error, RotationError::WrongName { .. }), "{error}");
    assert_eq!(chain.keys().len(), 1);
}
