//! Properties of the ledger core that must hold for every input, not just the examples:
//! Merkle proofs, tamper detection by the bundle verifier, and exact money formatting.

use crate::helpers::ledger::{bundle_of, random_ledger, LedgerBuilder, Rng};
use fundtrail::ledger::hash::{leaf_hash, node_hash};
use fundtrail::ledger::merkle::{
    consistency_proof, inclusion_proof, root_of, verify_consistency, verify_inclusion, CompactTree,
};
use fundtrail::ledger::{verify_bundle, CheckpointSigner, Currency, Hash, Minor, VerifyError};
use fundtrail::statement::parse_amount;
use proptest::prelude::*;
use std::sync::OnceLock;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

/// The Merkle tree hash straight from its definition (RFC 9162 §2.1.1).
fn mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => fundtrail::ledger::hash::sha256(b""),
        1 => leaves[0],
        n => {
            let k = 1 << (usize::BITS - 1 - (n - 1).leading_zeros());
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

fn flip_bit(proof: &[Hash], rng: &mut Rng) -> Vec<Hash> {
    let mut bad = proof.to_vec();
    let i = rng.next() as usize % bad.len();
    let bit = rng.next() % 256;
    bad[i].0[(bit / 8) as usize] ^= 1 << (bit % 8);
    bad
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_proof_of_a_random_tree_verifies_and_no_proof_with_a_flipped_bit_does(
        size in 1usize..=300,
        seed in any::<u64>(),
    ) {
        let leaves: Vec<Hash> = (0..size)
            .map(|i| leaf_hash(format!("{seed} leaf {i}").as_bytes()))
            .collect();
        let root = mth(&leaves);
        let mut rng = Rng::new(seed);

        let mut tree = CompactTree::new();
        for (i, leaf) in leaves.iter().enumerate() {
            tree.push(*leaf);
            prop_assert_eq!(tree.size(), i as u64 + 1);
            if i % 17 == 0 {
                prop_assert_eq!(tree.root(), mth(&leaves[..=i]));
            }
        }
        prop_assert_eq!(tree.root(), root);
        prop_assert_eq!(root_of(&leaves), root);

        let n = size as u64;
        for i in 0..size {
            let proof = inclusion_proof(&leaves, i).unwrap();
            prop_assert_eq!(verify_inclusion(i as u64, n, &leaves[i], &proof, &root), Ok(()));
            if !proof.is_empty() {
                let bad = flip_bit(&proof, &mut rng);
                prop_assert!(verify_inclusion(i as u64, n, &leaves[i], &bad, &root).is_err());
            }
            let mut bad_leaf = leaves[i];
            bad_leaf.0[rng.next() as usize % 32] ^= 1;
            prop_assert!(verify_inclusion(i as u64, n, &bad_leaf, &proof, &root).is_err());
        }
        for m in 1..=size {
            let old_root = mth(&leaves[..m]);
            let proof = consistency_proof(&leaves, m).unwrap();
            prop_assert_eq!(verify_consistency(m as u64, n, &old_root, &root, &proof), Ok(()));
            if !proof.is_empty() {
                let bad = flip_bit(&proof, &mut rng);
                prop_assert!(verify_consistency(m as u64, n, &old_root, &root, &bad).is_err());
            }
        }
    }
}

fn signer() -> &'static CheckpointSigner {
    static SIGNER: OnceLock<CheckpointSigner> = OnceLock::new();
    SIGNER.get_or_init(|| {
        CheckpointSigner::generate("test.fundtrail.example/ledger")
            .unwrap()
            .0
    })
}

/// Verifies a bundle of `leaves` whose checkpoint is the honest one of `ledger`.
fn verify_tampered(ledger: &LedgerBuilder, leaves: &[Vec<u8>]) -> Result<u64, VerifyError> {
    let bundle = bundle_of(leaves, signer(), ledger.len(), &ledger.root());
    verify_bundle(bundle.as_slice(), None, None, |_| {}).map(|r| r.size)
}

fn error_of(result: Result<u64, VerifyError>) -> String {
    match result {
        Ok(size) => panic!("a tampered bundle of {size} entries verified"),
        Err(e) => e.to_string(),
    }
}

fn ledger_strategy() -> impl Strategy<Value = LedgerBuilder> {
    (any::<u64>(), 4u64..=40).prop_map(|(seed, n)| random_ledger(seed, n))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_random_valid_ledger_verifies_with_its_root_and_size(ledger in ledger_strategy()) {
        let report = verify_bundle(ledger.bundle(signer()).as_slice(), None, None, |_| {}).unwrap();

        prop_assert_eq!(report.size, ledger.len());
        prop_assert_eq!(report.root, ledger.root());
    }

    #[test]
    fn any_changed_byte_is_found_at_the_entry_that_holds_it_or_the_next_link(
        ledger in ledger_strategy(),
        k in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let k = k.index(ledger.leaves.len());
        let mut leaves = ledger.leaves.clone();
        let p = at.index(leaves[k].len());
        prop_assume!(leaves[k][p] != byte);
        leaves[k][p] = byte;

        let error = error_of(verify_tampered(&ledger, &leaves));

        let last = k + 1 == leaves.len();
        let here = error.starts_with(&format!("entry {k}: "));
        let next_link = error
            == format!("entry {}: prev does not match the leaf hash of entry {k}", k + 1);
        let root = last && error.starts_with("checkpoint: root ");
        if byte == b'\n' && p == 0 {
            // The leaf list now ends early; what follows is not a valid checkpoint.
            prop_assert!(error.starts_with("checkpoint: "), "{}", error);
        } else {
            prop_assert!(here || next_link || root, "byte {} of entry {}: {}", p, k, error);
        }
    }

    #[test]
    fn swapped_deleted_duplicated_and_truncated_entries_are_found_where_they_happen(
        ledger in ledger_strategy(),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
    ) {
        let n = ledger.leaves.len();
        let (i, j) = (a.index(n), b.index(n));
        let (i, j) = (i.min(j), i.max(j));

        if i != j {
            let mut swapped = ledger.leaves.clone();
            swapped.swap(i, j);
            prop_assert_eq!(
                error_of(verify_tampered(&ledger, &swapped)),
                format!("entry {i}: seq is {j}, expected {i}")
            );
        }

        let mut deleted = ledger.leaves.clone();
        deleted.remove(i);
        let want = if i + 1 == n {
            format!("checkpoint: covers {n} entries, but the ledger has {}", n - 1)
        } else {
            format!("entry {i}: seq is {}, expected {i}", i + 1)
        };
        prop_assert_eq!(error_of(verify_tampered(&ledger, &deleted)), want);

        let mut duplicated = ledger.leaves.clone();
        duplicated.insert(i + 1, ledger.leaves[i].clone());
        prop_assert_eq!(
            error_of(verify_tampered(&ledger, &duplicated)),
            format!("entry {}: seq is {i}, expected {}", i + 1, i + 1)
        );

        let truncated = &ledger.leaves[..i];
        prop_assert_eq!(
            error_of(verify_tampered(&ledger, truncated)),
            format!("checkpoint: covers {n} entries, but the ledger has {i}")
        );
    }

    #[test]
    fn a_decimal_amount_parses_back_to_the_same_minor_units(
        units in 1u64..=u64::MAX,
        code in prop::sample::select(vec!["VND", "USD", "KWD"]),
    ) {
        let currency = Currency::parse(code).unwrap();
        let m = Minor::new(units).unwrap();

        let text = m.to_decimal(currency);

        prop_assert_eq!(Minor::parse_decimal(&text, currency), Ok(m));
        prop_assert_eq!(text.contains('.'), currency.exponent() > 0);
    }
}

proptest! {
    // Parsing a short text takes microseconds: many cases cost nothing.
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn any_amount_text_the_api_accepts_round_trips_through_its_decimal_form(
        text in amount_text(),
        code in prop::sample::select(vec!["VND", "USD", "KWD"]),
    ) {
        let currency = Currency::parse(code).unwrap();

        if let Ok(m) = Minor::parse_decimal(&text, currency) {
            prop_assert_eq!(Minor::parse_decimal(&m.to_decimal(currency), currency), Ok(m));
        }
    }

    #[test]
    fn statement_import_never_reads_an_amount_the_api_accepts_as_another_number(
        text in amount_text(),
        code in prop::sample::select(vec!["VND", "USD", "KWD"]),
    ) {
        let currency = Currency::parse(code).unwrap();

        if let Ok(m) = Minor::parse_decimal(&text, currency) {
            prop_assert_eq!(parse_amount(&text, currency), Ok((false, m.get())), "{:?} {}", text, code);
        }
    }
}

/// Texts that look like amounts: digits with separators, signs and spaces in any order,
/// and well-formed numbers with every kind of grouping and decimals.
fn amount_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9.,' +-]{0,14}",
        "[1-9][0-9]{0,2}([.,' ][0-9]{3}){0,4}([.,][0-9]{1,4})?",
        "[0-9]{1,21}(\\.[0-9]{0,4})?",
    ]
}

/// The shared amount vectors (`tests/vectors/amounts/cases.json`) that the JavaScript
/// parser is tested against too.
fn amount_vectors(table: &str) -> Vec<serde_json::Value> {
    let text = include_str!("../vectors/amounts/cases.json");
    let cases: serde_json::Value = serde_json::from_str(text).expect("cases.json is JSON");
    cases[table].as_array().expect("a table of cases").clone()
}

#[test]
fn every_api_amount_vector_is_accepted_or_refused_as_listed() {
    let cases = amount_vectors("api");
    assert!(cases.len() > 30);
    for case in cases {
        let text = case["text"].as_str().expect("text");
        let currency = Currency::parse(case["currency"].as_str().expect("currency")).unwrap();

        let got = Minor::parse_decimal(text, currency)
            .map(|m| m.get().to_string())
            .map_err(|e| e.code());

        let expected = match (case["minor"].as_str(), case["error"].as_str()) {
            (Some(minor), None) => Ok(minor.to_string()),
            (None, Some(code)) => Err(code),
            _ => panic!("a case has minor or error: {case}"),
        };
        assert_eq!(got, expected, "{text:?} {currency}");
    }
}

#[test]
fn statement_import_reads_every_api_amount_vector_as_the_api_does_or_refuses_it_too() {
    for table in ["api", "local"] {
        for case in amount_vectors(table) {
            let text = case["text"].as_str().expect("text");
            let currency = Currency::parse(case["currency"].as_str().expect("currency")).unwrap();

            let (api, statement) = (
                Minor::parse_decimal(text, currency),
                parse_amount(text, currency),
            );

            if let Ok(m) = api {
                assert_eq!(statement, Ok((false, m.get())), "{text:?} {currency}");
            }
        }
    }
}

#[test]
fn a_grouped_amount_is_refused_with_the_number_it_means_written_as_accepted() {
    let vnd = Currency::parse("VND").unwrap();

    let error = Minor::parse_decimal("200.000", vnd).unwrap_err();

    assert_eq!(
        error.to_string(),
        "amount \"200.000\" is not accepted for VND: write 200000 for two hundred thousand dong (no dots, commas or spaces between thousands)"
    );
    assert_eq!(parse_amount("200.000", vnd), Ok((false, 200_000)));
}

/// A log that shows one history to one client and a rewritten one to another signs two
/// checkpoints that no consistency proof can connect: the fork is caught from the two
/// checkpoints alone.
#[test]
fn a_forked_history_shown_to_two_clients_has_no_consistency_proof() {
    use fundtrail::ledger::merkle::{consistency_proof, root_of, verify_consistency};
    let honest = random_ledger(7, 40);
    // The fork agrees on the first 30 entries, then differs (a different ledger from there).
    let other = random_ledger(8, 45);
    let mut fork: Vec<Hash> = honest.hashes[..30].to_vec();
    fork.extend_from_slice(&other.hashes[30..45]);
    let (honest_root, fork_root) = (root_of(&honest.hashes), root_of(&fork));

    // Client A holds the honest checkpoint (40); the log now shows client B a 45-entry fork.
    let best_effort = consistency_proof(&fork, 40).expect("proof");
    assert!(
        verify_consistency(40, 45, &honest_root, &fork_root, &best_effort).is_err(),
        "A's checkpoint cannot be extended to the fork"
    );
    // Nor can any older honest checkpoint after the point of divergence.
    for old in 31..=40u64 {
        let proof = consistency_proof(&fork, old as usize).expect("proof from the fork");
        let a_old_root = root_of(&honest.hashes[..old as usize]);
        assert!(verify_consistency(old, 45, &a_old_root, &fork_root, &proof).is_err());
    }
    // Before the divergence both histories agree, and the proof holds.
    let shared = root_of(&honest.hashes[..30]);
    assert!(verify_consistency(
        30,
        45,
        &shared,
        &fork_root,
        &consistency_proof(&fork, 30).expect("proof")
    )
    .is_ok());
}
