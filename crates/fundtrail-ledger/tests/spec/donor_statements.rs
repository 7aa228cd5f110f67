//! `tests/vectors/donor-statement/` (SPEC.md §21): a donor statement of two gifts (one with a
//! donor commitment and its salt) against one signed checkpoint, what it verifies to, and
//! tampered copies each with the Rust verifier's first error. The JavaScript verifier reads
//! the same files (`tests/web/donor-statement.test.mjs`).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec donor` rewrites the
//! folder; otherwise it must be exactly what this generates.

use crate::companion::{demo_signer, pretty, write_or_compare, Ledger};
use fundtrail_ledger::donor_statement::{build, verify_statement, DonorStatement};
use fundtrail_ledger::entry::{CampaignOpen, Channel, Donation};
use fundtrail_ledger::hash::donor_commitment;
use fundtrail_ledger::merkle::inclusion_proof;
use fundtrail_ledger::receipt::{self, ReceiptParts};
use fundtrail_ledger::{leaf_hash, Body, Currency, Hash, Minor};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SALT: [u8; 32] = [0x5a; 32];
const IDENTIFIER: &str = "tran.van.binh@example.vn";

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn donation(amount: u64, day: &str, commitment: Option<Hash>) -> Body {
    Body::Donation(Donation {
        pledge: None,
        amount: Minor::new(amount).expect("amount"),
        campaign: "flood-2026".into(),
        channel: Channel::BankTransfer,
        commitment,
        currency: vnd(),
        donor: "Anonymous".into(),
        in_kind: None,
        memo: None,
        received_at: day.into(),
        reference: None,
    })
}

fn ledger() -> Ledger {
    let mut l = Ledger::new();
    l.append(Body::CampaignOpen(CampaignOpen {
        accounts: vec![],
        approval: None,
        currency: vnd(),
        ends_on: None,
        goal: None,
        id: "flood-2026".into(),
        purpose: "Gạo".into(),
        title: "Lũ 2026".into(),
    }));
    l.append(donation(250_000, "2026-03-02", None));
    l.append(donation(100_000, "2026-04-01", None));
    l.append(donation(
        500_000,
        "2026-11-02",
        Some(donor_commitment(&SALT, IDENTIFIER)),
    ));
    l
}

/// The statement of gifts 1 and 3 for the year 2026.
fn statement(l: &Ledger) -> DonorStatement {
    let hashes: Vec<Hash> = l.leaves.iter().map(|x| leaf_hash(x)).collect();
    let signer = demo_signer();
    let note = signer.sign(l.leaves.len() as u64, &l.tree.root());
    let receipts = [(1usize, None), (3, Some(&SALT))]
        .into_iter()
        .map(|(seq, salt)| {
            let proof = inclusion_proof(&hashes, seq).expect("a proof");
            receipt::build(ReceiptParts {
                seq: seq as u64,
                leaf: &l.leaves[seq],
                checkpoint: &note,
                size: l.leaves.len() as u64,
                root: l.tree.root(),
                proof: &proof,
                key: signer.verifier_key(),
                salt,
            })
        })
        .collect();
    build("2026-01-01", "2026-12-31", receipts)
}

/// Tampered copies of `st` (as JSON), each with the error verifying it gives.
fn tampered(st: &Value) -> Vec<(&'static str, Value)> {
    let mut cases = Vec::new();
    let mut t = st.clone();
    t["totals"][0]["amount"] = json!("850000");
    cases.push(("total-raised", t));
    let mut t = st.clone();
    let leaf = t["receipts"][0]["leaf"].as_str().expect("leaf").to_string();
    t["receipts"][0]["leaf"] = json!(leaf.replace("\"250000\"", "\"2500000\""));
    cases.push(("gift-amount-raised", t));
    let mut t = st.clone();
    t["to"] = json!("2026-10-31");
    cases.push(("range-narrowed", t));
    let mut t = st.clone();
    let gifts = t["receipts"].as_array().expect("gifts").clone();
    t["receipts"] = json!([gifts[1], gifts[0]]);
    cases.push(("gifts-swapped", t));
    let mut t = st.clone();
    let gifts = t["receipts"].as_array().expect("gifts").clone();
    t["receipts"] = json!([gifts[0]]);
    cases.push(("gift-dropped", t));
    let mut t = st.clone();
    t["type"] = json!("fundtrail-receipt");
    cases.push(("not-a-statement", t));
    cases
}

fn verify_json(v: &Value, identifier: Option<&str>) -> Result<(), String> {
    let st: DonorStatement = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    verify_statement(&st, demo_signer().verifier_key(), identifier)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = Path::new("tests/vectors/donor-statement");
    let st = serde_json::to_value(statement(&ledger())).expect("JSON");
    let cases: Vec<Value> = tampered(&st)
        .into_iter()
        .map(|(name, v)| {
            let error = verify_json(&v, None).expect_err(name);
            json!({"name": name, "statement": v, "error": error})
        })
        .collect();
    let expected = json!({
        "statement": "statement.json",
        "key": demo_signer().verifier_key(),
        "gifts": [1, 3],
        "totals": st["totals"],
        "identifier": IDENTIFIER,
        "wrong_identifier_error": verify_json(&st, Some("someone.else@example.vn")).expect_err("wrong identifier"),
    });
    let mut files = BTreeMap::new();
    files.insert(dir.join("statement.json"), pretty(&st));
    files.insert(dir.join("expected.json"), pretty(&expected));
    files.insert(dir.join("cases.json"), pretty(&json!(cases)));
    files
}

#[test]
fn the_donor_statement_vectors_are_what_the_core_generates() {
    write_or_compare(&generate());
}

#[test]
fn a_statement_of_two_gifts_verifies_with_its_totals() {
    let st = statement(&ledger());
    let v = verify_statement(&st, demo_signer().verifier_key(), None).expect("verifies");
    let seqs: Vec<u64> = v.gifts.iter().map(|g| g.0).collect();
    assert_eq!(seqs, [1, 3]);
    assert_eq!(v.totals[0].amount, "750000");
    assert_eq!(v.totals[0].gifts, 2);
}

#[test]
fn a_statement_with_a_raised_total_is_refused_naming_both_sums() {
    let st = serde_json::to_value(statement(&ledger())).expect("JSON");
    let cases = tampered(&st);
    let (_, raised) = cases.iter().find(|c| c.0 == "total-raised").expect("case");
    let error = verify_json(raised, None).expect_err("refused");
    assert_eq!(
        error,
        "statement: the totals say 850000 VND in 2 gifts, the gifts add up to 750000 VND in 2 gifts"
    );
}

#[test]
fn every_tampered_statement_is_refused() {
    let st = serde_json::to_value(statement(&ledger())).expect("JSON");
    for (name, v) in tampered(&st) {
        assert!(verify_json(&v, None).is_err(), "{name}");
    }
}

#[test]
fn the_identifier_is_checked_against_every_gift_and_a_gift_without_salt_fails_it() {
    let st = serde_json::to_value(statement(&ledger())).expect("JSON");
    let error = verify_json(&st, Some(IDENTIFIER)).expect_err("gift 1 has no salt");
    assert!(error.starts_with("statement: gift 1 "), "{error}");
}
