//! Bad input, generated: the parsers and verifiers of everything that comes from outside
//! never panic, never hang, and refuse what they must. These are proptest properties over
//! random and mutated inputs, run with every `cargo test` (case counts set by
//! `PROPTEST_CASES`); the coverage-guided targets are in `fuzz/` (TESTING.md has both).

use crate::{demo_bundle, demo_signer as signer};
use fundtrail::ledger::checkpoint::{read_unverified, verify_checkpoint};
use fundtrail::ledger::merkle::{verify_consistency, verify_inclusion};
use fundtrail::ledger::verify::verify_bundle;
use fundtrail::ledger::{decode, Hash};
use proptest::prelude::*;

/// Applies `edits` (position, byte; 0 deletes, 1 duplicates) to `bytes`.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8)]) -> Vec<u8> {
    for (pos, b) in edits {
        if bytes.is_empty() {
            bytes.push(*b);
            continue;
        }
        let i = pos % bytes.len();
        match b {
            0 => {
                bytes.remove(i);
            }
            1 => {
                let c = bytes[i];
                bytes.insert(i, c);
            }
            _ => bytes[i] = *b,
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn leaf_parsing_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn a_mutated_leaf_is_either_refused_or_a_different_canonical_entry(
        index in 0usize..20,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let bundle = demo_bundle();
        let leaves: Vec<&[u8]> = bundle.split(|b| *b == b'\n').filter(|l| l.starts_with(b"{")).collect();
        let leaf = leaves[index % leaves.len()].to_vec();
        let mutated = mutate(leaf.clone(), &edits);
        if let Ok(entry) = decode(&mutated) {
            // Whatever parses is exactly the canonical encoding of what it parsed to.
            prop_assert_eq!(fundtrail::ledger::encode(&entry), mutated);
        }
    }

    #[test]
    fn checkpoint_parsing_never_panics_and_a_mutated_note_never_verifies(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let s = signer();
        let note = s.sign(20, &Hash([9; 32]));
        let mutated = mutate(note.clone().into_bytes(), &edits);
        let text = String::from_utf8_lossy(&mutated).into_owned();
        let _ = read_unverified(&text);
        if text != note {
            let verified = verify_checkpoint(&text, s.verifier_key());
            // Only a change that leaves the signed text and signature intact may pass.
            if let Ok(cp) = verified {
                prop_assert_eq!((cp.size, cp.root), (20, Hash([9; 32])));
            }
        }
    }

    #[test]
    fn random_notes_and_keys_never_panic(note in ".{0,300}", key in ".{0,120}") {
        let _ = read_unverified(&note);
        let _ = verify_checkpoint(&note, &key);
        let _ = fundtrail::ledger::checkpoint::parse_verifier_key(&key);
    }

    #[test]
    fn proof_verification_never_panics_on_any_indexes_sizes_or_lengths(
        index in any::<u64>(),
        size in any::<u64>(),
        size2 in any::<u64>(),
        proof in proptest::collection::vec(any::<[u8; 32]>(), 0..70),
    ) {
        let proof: Vec<Hash> = proof.into_iter().map(Hash).collect();
        let _ = verify_inclusion(index, size, &Hash([1; 32]), &proof, &Hash([2; 32]));
        let _ = verify_consistency(size.min(size2), size.max(size2), &Hash([1; 32]), &Hash([2; 32]), &proof);
        let _ = verify_consistency(size, size2, &Hash([1; 32]), &Hash([2; 32]), &proof);
    }

    #[test]
    fn a_mutated_bundle_never_panics_and_never_verifies_with_other_content(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..3),
    ) {
        let bundle = demo_bundle();
        let mutated = mutate(bundle.clone(), &edits);
        let result = verify_bundle(&mutated[..], None, None, |_| {});
        if let Ok(report) = result {
            // Only edits that leave every leaf, the key and the signed checkpoint intact pass
            // (e.g. a changed character in the signature line's key name is refused).
            let original = verify_bundle(&bundle[..], None, None, |_| {}).expect("demo verifies");
            prop_assert_eq!(report.root, original.root);
            prop_assert_eq!(report.size, original.size);
        }
    }
}
