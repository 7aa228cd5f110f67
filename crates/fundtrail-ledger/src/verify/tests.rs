//! The bundle pipeline in every shape (worker or not, chunk sizes, read-ahead) gives the
//! answer and the progress calls of plain leaf-by-leaf verification.

use super::bundle::verify_bundle_with;
use super::pipeline::{read_line_into, Pipeline};
use super::*;
use crate::canonical::encode;
use crate::checkpoint::CheckpointSigner;
use crate::entry::{Account, Body, CampaignOpen, Channel, Donation, Entry};
use crate::hash::{leaf_hash, Hash, ZERO_HASH};
use crate::merkle::CompactTree;
use crate::money::{Currency, Minor};
use std::io::BufRead;

/// `verify_bundle` before pipelining: one leaf at a time, reading as it goes.
fn leaf_by_leaf<R: BufRead>(
    mut input: R,
    mut progress: impl FnMut(u64),
) -> Result<Report, VerifyError> {
    let mut line = Vec::new();
    let mut read_line = |line: &mut Vec<u8>| {
        line.clear();
        read_line_into(&mut input, line)
    };
    if !read_line(&mut line)? || line != BUNDLE_MAGIC.as_bytes() {
        return Err(VerifyError::Bundle("magic".into()));
    }
    if !read_line(&mut line)? || !line.starts_with(b"key ") {
        return Err(VerifyError::Bundle("key".into()));
    }
    let key = String::from_utf8(line[4..].to_vec()).unwrap_or_default();
    if !read_line(&mut line)? || !line.is_empty() {
        return Err(VerifyError::Bundle("third line".into()));
    }
    let mut verifier = Verifier::new();
    loop {
        if !read_line(&mut line)? {
            return Err(VerifyError::Bundle(format!(
                "ends after {} entries without a checkpoint",
                verifier.size()
            )));
        }
        if line.is_empty() {
            break;
        }
        verifier.push_leaf(&line)?;
        if verifier.size() % 4096 == 0 {
            progress(verifier.size());
        }
    }
    let mut note = Vec::new();
    while read_line(&mut line)? {
        note.extend_from_slice(&line);
        note.push(b'\n');
    }
    let note = String::from_utf8(note)
        .map_err(|_| VerifyError::Bundle("checkpoint is not UTF-8".into()))?;
    progress(verifier.size());
    verifier.finish(Some((&note, &key)), None)
}

fn entry(seq: u64, prev: Hash, body: Body) -> Entry {
    Entry {
        seq,
        prev,
        recorded_at: "2026-11-24T10:00:00.000000Z".into(),
        recorded_by: "lan".into(),
        body,
    }
}

fn open() -> Body {
    Body::CampaignOpen(CampaignOpen {
        approval: None,
        accounts: vec![Account {
            bank: "Vietcombank".into(),
            holder: "Quỹ".into(),
            number: "0071".into(),
        }],
        currency: Currency::parse("VND").unwrap(),
        ends_on: None,
        goal: None,
        id: "flood".into(),
        purpose: "Food".into(),
        title: "Flood".into(),
    })
}

fn donation(campaign: &str, amount: u64) -> Body {
    Body::Donation(Donation {
        amount: Minor::new(amount).unwrap(),
        campaign: campaign.into(),
        channel: Channel::Cash,
        commitment: None,
        currency: Currency::parse("VND").unwrap(),
        donor: "An \"Bé\"".into(),
        in_kind: None,
        memo: None,
        pledge: None,
        received_at: "2026-11-23".into(),
        reference: None,
    })
}

/// A bundle of `n` leaves (a campaign, then donations), all valid except that leaf
/// `bad_leaf` is not a valid leaf and leaf `bad_entry` is a donation to an unknown
/// campaign, ending with `tail` (`None`: a blank line and a valid checkpoint).
fn bundle(
    signer: &CheckpointSigner,
    n: u64,
    bad_leaf: Option<u64>,
    bad_entry: Option<u64>,
    tail: Option<&[u8]>,
) -> Vec<u8> {
    let mut tree = CompactTree::new();
    let mut out = bundle_header(signer.verifier_key()).into_bytes();
    let mut prev = ZERO_HASH;
    for seq in 0..n {
        let body = match seq {
            0 => open(),
            _ if Some(seq) == bad_entry => donation("nowhere", 5),
            _ => donation("flood", 1000 + seq),
        };
        let mut leaf = encode(&entry(seq, prev, body));
        if Some(seq) == bad_leaf {
            leaf.insert(1, b' ');
        }
        prev = leaf_hash(&leaf);
        tree.push(prev);
        out.extend_from_slice(&leaf);
        out.push(b'\n');
    }
    match tail {
        None => out.extend_from_slice(bundle_trailer(&signer.sign(n, &tree.root())).as_bytes()),
        Some(tail) => out.extend_from_slice(tail),
    }
    out
}

fn outcome(result: Result<Report, VerifyError>) -> String {
    match result {
        Ok(r) => format!("ok: {} entries, root {}", r.size, r.root),
        Err(e) => e.to_string(),
    }
}

/// Every shape of pipeline gives the answer and the progress calls of the leaf-by-leaf
/// loop. Returns the answer.
fn agree(bundle: &[u8]) -> String {
    let mut expected_progress = Vec::new();
    let expected = leaf_by_leaf(bundle, |n| expected_progress.push(n));
    let expected = outcome(expected);
    for worker in [false, true] {
        for chunk_leaves in [1, 3, 256] {
            for in_flight in [1, 3] {
                let pipeline = Pipeline {
                    worker,
                    chunk_leaves,
                    in_flight,
                };
                let mut progress = Vec::new();
                let got = verify_bundle_with(bundle, None, None, |n| progress.push(n), pipeline);
                assert_eq!(
                    outcome(got),
                    expected,
                    "worker {worker}, {chunk_leaves} leaves a chunk, {in_flight} in flight"
                );
                assert_eq!(progress, expected_progress);
            }
        }
    }
    expected
}

#[test]
fn the_pipeline_reports_the_first_error_leaf_by_leaf_verification_reports() {
    let (signer, _) = CheckpointSigner::generate("test.fundtrail.example/ledger").unwrap();
    let n = 12;
    let tails: [Option<&[u8]>; 5] = [
        None,
        Some(b""),
        Some(b"\nnote without newline"),
        Some(b"{\"body"),
        Some(b"\nnot a checkpoint\n"),
    ];
    let spots = [None, Some(1), Some(2), Some(5), Some(6), Some(11)];
    let mut answers = std::collections::BTreeSet::new();
    for tail in tails {
        for bad_leaf in spots {
            for bad_entry in spots {
                answers.insert(agree(&bundle(&signer, n, bad_leaf, bad_entry, tail)));
            }
        }
    }
    // The cases must reach every kind of outcome.
    let all = answers.iter().cloned().collect::<Vec<_>>().join("\n");
    for needle in [
        "ok: 12 entries",
        "entry 1: bytes are not the canonical encoding",
        "entry 11: bytes are not the canonical encoding",
        "entry 1: campaign \"nowhere\" does not exist",
        "entry 11: campaign \"nowhere\" does not exist",
        "bundle: ends after 12 entries without a checkpoint",
        "bundle: file ends in the middle of a line",
        "checkpoint: ",
    ] {
        assert!(all.contains(needle), "no {needle:?} in\n{all}");
    }
}

#[test]
fn the_pipeline_reports_progress_like_leaf_by_leaf_verification() {
    let (signer, _) = CheckpointSigner::generate("test.fundtrail.example/ledger").unwrap();
    let answer = agree(&bundle(&signer, 8193, None, None, None));
    assert!(answer.starts_with("ok: 8193 entries"), "{answer}");
    let answer = agree(&bundle(&signer, 8193, Some(8192), None, None));
    assert!(answer.contains("entry 8192"), "{answer}");
}

struct FailingReader;

impl std::io::Read for FailingReader {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk on fire"))
    }
}

#[test]
fn a_read_error_counts_only_after_every_leaf_before_it_verified() {
    let (signer, _) = CheckpointSigner::generate("test.fundtrail.example/ledger").unwrap();
    for bad_entry in [None, Some(3)] {
        let good = bundle(&signer, 6, None, bad_entry, Some(b""));
        let input = || {
            let failing = std::io::Read::chain(&good[..], FailingReader);
            std::io::BufReader::with_capacity(16, failing)
        };
        let expected = outcome(leaf_by_leaf(input(), |_| {}));
        let cause = if bad_entry.is_none() {
            "bundle: disk on fire"
        } else {
            "entry 3: campaign"
        };
        assert!(expected.starts_with(cause), "{expected}");
        for worker in [false, true] {
            let pipeline = Pipeline {
                worker,
                chunk_leaves: 2,
                in_flight: 2,
            };
            let got = verify_bundle_with(input(), None, None, |_| {}, pipeline);
            assert_eq!(outcome(got), expected);
        }
    }
}
