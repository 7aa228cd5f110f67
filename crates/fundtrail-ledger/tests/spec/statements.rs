//! `tests/vectors/statement/` (SPEC.md §16): a published file of canonical lines, each line's
//! bytes, leaf hash and inclusion proof, their root, a signed bundle whose ledger commits to
//! them in a `statement` entry, what reconciling it gives, and lines that must be refused.
//! The JavaScript verifier reads the same files.
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec statement`
//! rewrites the folder; otherwise it must be exactly what this generates.

use crate::companion::{demo_signer, pretty, write_or_compare, Ledger};
use fundtrail_ledger::entry::{
    Account, CampaignOpen, Channel, Donation, Exclusion, ExclusionReason, SignedMinor, Statement,
};
use fundtrail_ledger::reconcile::{
    decode_lines, encode_lines, line_proof, lines_root, Reconciler, StatementLine,
};
use fundtrail_ledger::{decode, encode, leaf_hash, verify_bundle, Body, Currency, Hash, Minor};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn account() -> Account {
    Account {
        bank: "Vietcombank".into(),
        holder: "Quỹ Cứu trợ Miền Bắc".into(),
        number: "0011004455667".into(),
    }
}

fn line(amount: i64, date: &str, id: &str) -> StatementLine {
    StatementLine {
        amount: SignedMinor(amount),
        counterparty: None,
        counterparty_commitment: None,
        date: date.into(),
        id: id.into(),
        memo: None,
    }
}

/// Five lines: two donations (one by name, one by commitment), interest, a fee, and a
/// donation nobody recorded (a provable omission).
fn lines() -> Vec<StatementLine> {
    let mut a = line(500_000, "2024-09-09", "FT24253A1B2C");
    a.counterparty = Some("NGUYEN VAN AN".into());
    a.memo = Some("ủng hộ bão Yagi".into());
    let mut b = line(2_000_000, "2024-09-10", "FT24254D3E4F");
    b.counterparty_commitment = Some(Hash([0x5a; 32]));
    b.memo = Some("UH mien Bac \"Yagi\"".into());
    let interest = line(1_234, "2024-09-30", "INT-0924");
    let mut fee = line(-11_000, "2024-09-30", "FEE-0924");
    fee.memo = Some("Phí quản lý tài khoản".into());
    let mut missing = line(100_000, "2024-09-12", "FT24256G5H6I");
    missing.counterparty = Some("TRAN THI BINH".into());
    vec![a, b, missing, interest, fee]
}

fn statement(lines: &[StatementLine]) -> Statement {
    let x = |line, reason| Exclusion {
        line,
        note: None,
        reason,
    };
    Statement {
        account: account(),
        closing: SignedMinor(1_000_000 + lines.iter().map(|l| l.amount.get()).sum::<i64>()),
        currency: vnd(),
        exclusions: vec![x(4, ExclusionReason::Interest), x(5, ExclusionReason::Fee)],
        file_sha256: Hash([0x11; 32]),
        from: "2024-09-01".into(),
        lines: lines.len() as u64,
        lines_root: lines_root(lines),
        lines_sha256: fundtrail_ledger::hash::sha256(&encode_lines(lines)),
        opening: SignedMinor(1_000_000),
        to: "2024-09-30".into(),
    }
}

fn donation(amount: u64, reference: &str) -> Body {
    Body::Donation(Donation {
        amount: Minor::new(amount).expect("amount"),
        campaign: "yagi-2024".into(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: vnd(),
        donor: "Anonymous".into(),
        in_kind: None,
        memo: None,
        pledge: None,
        received_at: "2024-09-10".into(),
        reference: Some(reference.into()),
    })
}

fn ledger(lines: &[StatementLine]) -> Ledger {
    let mut l = Ledger::new();
    l.append(Body::CampaignOpen(CampaignOpen {
        approval: None,
        accounts: vec![account()],
        currency: vnd(),
        ends_on: None,
        goal: None,
        id: "yagi-2024".into(),
        purpose: "Cứu trợ sau bão Yagi".into(),
        title: "Bão Yagi 2024".into(),
    }));
    l.append(donation(500_000, "FT24253A1B2C"));
    l.append(donation(2_000_000, "FT24254D3E4F"));
    l.append(Body::Statement(statement(lines)));
    l
}

/// Lines a verifier must refuse, each with the Rust reader's words.
fn refused() -> Vec<(&'static str, String)> {
    let ok = r#"{"amount":"5","date":"2024-09-10","id":"FT1"}"#;
    vec![
        (
            "zero amount",
            r#"{"amount":"0","date":"2024-09-10","id":"FT1"}"#.into(),
        ),
        (
            "minus zero",
            r#"{"amount":"-0","date":"2024-09-10","id":"FT1"}"#.into(),
        ),
        (
            "plus sign",
            r#"{"amount":"+5","date":"2024-09-10","id":"FT1"}"#.into(),
        ),
        (
            "leading zero",
            r#"{"amount":"05","date":"2024-09-10","id":"FT1"}"#.into(),
        ),
        (
            "amount as a number",
            r#"{"amount":5,"date":"2024-09-10","id":"FT1"}"#.into(),
        ),
        (
            "keys out of order",
            r#"{"date":"2024-09-10","amount":"5","id":"FT1"}"#.into(),
        ),
        (
            "space",
            r#"{"amount":"5", "date":"2024-09-10","id":"FT1"}"#.into(),
        ),
        (
            "unknown member",
            r#"{"amount":"5","date":"2024-09-10","id":"FT1","x":"1"}"#.into(),
        ),
        (
            "null memo",
            r#"{"amount":"5","date":"2024-09-10","id":"FT1","memo":null}"#.into(),
        ),
        (
            "bad date",
            r#"{"amount":"5","date":"2024-02-30","id":"FT1"}"#.into(),
        ),
        (
            "empty id",
            r#"{"amount":"5","date":"2024-09-10","id":""}"#.into(),
        ),
        (
            "name and commitment",
            format!(
                r#"{{"amount":"5","counterparty":"A","counterparty_commitment":"{}","date":"2024-09-10","id":"FT1"}}"#,
                "5a".repeat(32)
            ),
        ),
        ("no final newline", ok.into()),
    ]
}

fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = Path::new("tests/vectors/statement");
    let lines = lines();
    let file = encode_lines(&lines);
    let ledger = ledger(&lines);
    let bundle = ledger.bundle(&demo_signer());
    let leaf = ledger.leaves.last().expect("the statement").clone();
    let report = reconcile(&ledger, &file);
    let per_line: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "bytes": String::from_utf8(l.encode()).expect("UTF-8"),
                "leaf_hash": l.leaf_hash().to_hex(),
                "proof": line_proof(&lines, i).expect("a line").iter().map(Hash::to_hex).collect::<Vec<_>>(),
            })
        })
        .collect();
    let expected = json!({
        "lines_file": "lines.jsonl",
        "lines": per_line,
        "root": lines_root(&lines).to_hex(),
        "empty_root": lines_root(&[]).to_hex(),
        "bundle": "bundle.txt",
        "statement_seq": ledger.leaves.len() - 1,
        "statement_leaf": String::from_utf8(leaf.clone()).expect("UTF-8"),
        "statement_leaf_hash": leaf_hash(&leaf).to_hex(),
        "reconciliation": serde_json::to_value(&report).expect("JSON"),
        "findings": report.findings().map(|f| f.to_string()).collect::<Vec<_>>(),
    });
    let cases: Vec<_> = refused()
        .into_iter()
        .map(|(name, text)| {
            let bytes = if name == "no final newline" {
                text.clone().into_bytes()
            } else {
                format!("{text}\n").into_bytes()
            };
            let error = decode_lines(&bytes).expect_err(name).to_string();
            json!({"name": name, "file": String::from_utf8(bytes).expect("UTF-8"), "error": error})
        })
        .collect();
    let mut files = BTreeMap::new();
    files.insert(dir.join("lines.jsonl"), file);
    files.insert(dir.join("bundle.txt"), bundle);
    files.insert(dir.join("expected.json"), pretty(&expected));
    files.insert(dir.join("cases.json"), pretty(&json!(cases)));
    files
}

fn reconcile(ledger: &Ledger, file: &[u8]) -> fundtrail_ledger::reconcile::Reconciliation {
    let mut r = Reconciler::new();
    for leaf in &ledger.leaves {
        r.observe(&decode(leaf).expect("a valid leaf"));
    }
    r.finish(|_| Some(file.to_vec()))
}

#[test]
fn the_statement_vectors_are_what_the_core_generates() {
    write_or_compare(&generate());
}

#[test]
fn the_statement_bundle_verifies_and_its_one_omission_is_reported_with_line_and_date() {
    let ledger = ledger(&lines());
    let bundle = ledger.bundle(&demo_signer());
    let report = verify_bundle(&bundle[..], None, None, |_| {}).expect("a valid ledger");
    assert_eq!(report.size, 4);
    let r = reconcile(&ledger, &encode_lines(&lines()));
    let findings: Vec<String> = r.findings().map(|f| f.to_string()).collect();
    assert_eq!(
        findings,
        ["statement 3 line 3 (2024-09-12): credit 100000 (FT24256G5H6I) is in the statement but no donation names it"]
    );
    assert_eq!(r.accounts[0].bank_balance, SignedMinor(3_590_234));
    assert_eq!(r.accounts[0].ledger_balance, 3_490_234);
}

#[test]
fn the_statement_entry_round_trips_through_its_canonical_bytes() {
    let ledger = ledger(&lines());
    let leaf = ledger.leaves.last().expect("a leaf");
    let entry = decode(leaf).expect("a valid leaf");
    assert_eq!(&encode(&entry), leaf);
    assert!(matches!(entry.body, Body::Statement(_)));
}

#[test]
fn a_statement_with_lines_out_of_order_in_its_exclusions_is_refused_as_a_field() {
    let ledger = ledger(&lines());
    let text = String::from_utf8(ledger.leaves.last().expect("a leaf").clone()).expect("UTF-8");
    let swapped = text.replace(
        r#"{"line":4,"reason":"interest"},{"line":5,"reason":"fee"}"#,
        r#"{"line":5,"reason":"fee"},{"line":4,"reason":"interest"}"#,
    );
    assert_ne!(swapped, text);
    let error = decode(swapped.as_bytes()).expect_err("refused").to_string();
    assert!(error.contains("body.exclusions.line"), "{error}");
}
