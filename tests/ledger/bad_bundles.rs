//! The tampered bundles of the shared vectors (`tests/vectors/bad/`): each a copy of the demo
//! ledger changed the way a forger would, with the words of the error it must produce.

use crate::demo_ledger::{evidence, gift, paid};
use crate::helpers::ledger::{bundle_of, LedgerBuilder};
use crate::vectors::other_key;
use fundtrail::ledger::entry::{Channel, Reversal, ReversalReason};
use fundtrail::ledger::{Body, CheckpointSigner};

fn text(leaf: &[u8]) -> String {
    String::from_utf8(leaf.to_vec()).unwrap()
}

/// Replaces the one occurrence of `from` in `leaf`.
fn edit(leaf: &[u8], from: &str, to: &str) -> Vec<u8> {
    let t = text(leaf);
    assert_eq!(t.matches(from).count(), 1, "{from:?} in {t}");
    t.replacen(from, to, 1).into_bytes()
}

/// A bad case: its bundle and the substring of the error it must produce.
pub struct Bad {
    pub name: &'static str,
    pub bundle: Vec<u8>,
    pub error_contains: String,
}

/// Every tampered bundle with its expected error; longer than 80 lines because it lists them
/// all, each next to the change it makes.
pub fn bad_cases(demo: &LedgerBuilder, signer: &CheckpointSigner) -> Vec<Bad> {
    let (n, root) = (demo.len(), demo.root());
    // Tampered leaves under the honest checkpoint, as a forger without the key would serve.
    let forged = |leaves: &[Vec<u8>]| bundle_of(leaves, signer, n, &root);
    let with = |k: usize, leaf: Vec<u8>| {
        let mut l = demo.leaves.clone();
        l[k] = leaf;
        forged(&l)
    };
    let mut cases = Vec::new();
    let mut case = |name, bundle, error: &str| {
        cases.push(Bad {
            name,
            bundle,
            error_contains: error.to_string(),
        })
    };

    case(
        "amount-changed.txt",
        with(4, edit(&demo.leaves[4], "\"2000000\"", "\"200000\"")),
        "entry 5: prev does not match the leaf hash of entry 4",
    );
    case(
        "donor-changed.txt",
        with(3, edit(&demo.leaves[3], "Hồng Nhung", "Hồng Nhưng")),
        "entry 4: prev does not match the leaf hash of entry 3",
    );
    let prev9 = demo.hashes[9].to_hex();
    let mut wrong = demo.hashes[9];
    wrong.0[31] ^= 1;
    case(
        "prev-changed.txt",
        with(10, edit(&demo.leaves[10], &prev9, &wrong.to_hex())),
        "entry 10: prev does not match the leaf hash of entry 9",
    );
    case(
        "last-entry-changed.txt",
        with(19, edit(&demo.leaves[19], "Ahmed", "Ahmad")),
        "checkpoint: root ",
    );
    let mut l = demo.leaves.clone();
    l.remove(12);
    case(
        "entry-deleted.txt",
        forged(&l),
        "entry 12: seq is 13, expected 12",
    );
    let mut l = demo.leaves.clone();
    l.swap(8, 9);
    case(
        "entries-swapped.txt",
        forged(&l),
        "entry 8: seq is 9, expected 8",
    );
    let mut l = demo.leaves.clone();
    l.insert(7, demo.leaves[6].clone());
    case(
        "entry-inserted.txt",
        forged(&l),
        "entry 7: seq is 6, expected 7",
    );
    case(
        "tail-truncated.txt",
        forged(&demo.leaves[..17]),
        "checkpoint: covers 20 entries, but the ledger has 17",
    );
    case(
        "old-checkpoint-replayed.txt",
        bundle_of(
            &demo.leaves,
            signer,
            17,
            &fundtrail::ledger::merkle::root_of(&demo.hashes[..17]),
        ),
        "checkpoint: covers 17 entries, but the ledger has 20",
    );
    case(
        "non-canonical-whitespace.txt",
        with(2, edit(&demo.leaves[2], "\"kind\":", "\"kind\": ")),
        "entry 2: bytes are not the canonical encoding",
    );
    case(
        "unknown-field.txt",
        with(
            7,
            edit(&demo.leaves[7], "\"amount\":", "\"admin\":true,\"amount\":"),
        ),
        "entry 7: not a valid entry: body: unknown field `admin`",
    );

    // The checkpoint itself.
    let honest = String::from_utf8(demo.bundle(signer)).unwrap();
    let sig_line = honest.lines().last().unwrap().to_string();
    let sig = sig_line.rsplit(' ').next().unwrap();
    // Change one character well inside the 64 signature bytes (after the 4-byte key id).
    let pos = 40;
    let c = sig.as_bytes()[pos];
    let mut bad_sig = sig.as_bytes().to_vec();
    bad_sig[pos] = if c == b'A' { b'B' } else { b'A' };
    let bad_sig = String::from_utf8(bad_sig).unwrap();
    case(
        "signature-changed.txt",
        honest.replacen(sig, &bad_sig, 1).into_bytes(),
        "checkpoint: signature does not verify",
    );
    case(
        "key-swapped.txt",
        honest
            .replacen(signer.verifier_key(), &other_key(), 1)
            .into_bytes(),
        "checkpoint: signature does not verify",
    );

    // Validly linked and signed, but breaking a ledger rule.
    let mut overdraft = LedgerBuilder::new();
    for e in &demo.entries[..11] {
        overdraft.append(&e.recorded_by, e.body.clone());
    }
    overdraft.append_unchecked(
        "minh",
        paid(
            "medical-kits",
            "USD",
            200_000,
            "Pharmacity",
            "100 first-aid kits",
            vec![evidence(
                "application/pdf",
                "receipt-2.pdf",
                "receipt 2",
                20_001,
            )],
        ),
    );
    case(
        "overdraft.txt",
        overdraft.bundle(signer),
        "entry 11: campaign \"medical-kits\" holds 125000 minor units of USD, 200000 needed",
    );
    let mut twice = LedgerBuilder::new();
    for e in &demo.entries[..14] {
        twice.append(&e.recorded_by, e.body.clone());
    }
    twice.append_unchecked(
        "lan",
        Body::Reversal(Reversal {
            note: None,
            reason: ReversalReason::Error,
            reverses: 13,
        }),
    );
    case(
        "reversal-of-reversal.txt",
        twice.bundle(signer),
        "entry 14: entry 13 cannot be reversed",
    );
    let mut closed = LedgerBuilder::new();
    for e in &demo.entries {
        closed.append(&e.recorded_by, e.body.clone());
    }
    closed.append_unchecked(
        "lan",
        Body::Donation(gift(
            "school-roofs-2026",
            "VND",
            1_000_000,
            Channel::Cash,
            "Late Donor",
        )),
    );
    case(
        "donation-to-closed-campaign.txt",
        closed.bundle(signer),
        "entry 20: campaign \"school-roofs-2026\" is closed",
    );
    cases
}
