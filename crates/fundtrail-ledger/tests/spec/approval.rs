//! `tests/vectors/approval/`: bundles about two-person approval (SPEC.md §17), each with
//! what verifying it must give (`expected.json`: size, root and totals, or the error with
//! the entry's number). A clean ledger whose rules change over time (a payment made before
//! a rule needs no approval; a rule declared at opening, tightened ledger-wide, then
//! lifted), a payment that skipped approval, a proposer approving their own payment, too
//! few distinct approvers, and an approver listed twice. The JavaScript verifier must give
//! the same (tests/web/approval-vectors.test.mjs).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec approval`
//! rewrites the folder; otherwise it must be exactly what this generates.

use crate::companion::Ledger;
use fundtrail_ledger::approval::{Approval, ApprovalPolicy, OpeningRule};
use fundtrail_ledger::entry::{CampaignOpen, Channel, Disbursement, Donation, Transfer};
use fundtrail_ledger::{verify_bundle, Body, Currency, Minor};
use std::collections::BTreeMap;
use std::path::Path;

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn minor(amount: u64) -> Minor {
    Minor::new(amount).expect("an amount")
}

fn open(id: &str, rule: Option<(u64, u64)>) -> Body {
    Body::CampaignOpen(CampaignOpen {
        accounts: vec![],
        approval: rule.map(|(approvers, threshold)| OpeningRule {
            approvers,
            threshold: minor(threshold),
        }),
        currency: vnd(),
        ends_on: None,
        goal: None,
        id: id.into(),
        purpose: "Nước sạch cho vùng lũ".into(),
        title: "Nước sạch".into(),
    })
}

fn donation(campaign: &str, amount: u64) -> Body {
    Body::Donation(Donation {
        pledge: None,
        amount: minor(amount),
        campaign: campaign.into(),
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

fn approval(proposed_by: &str, approved_by: &[&str]) -> Option<Approval> {
    Some(Approval {
        approved_by: approved_by.iter().map(|s| s.to_string()).collect(),
        proposed_by: proposed_by.into(),
    })
}

fn payment(campaign: &str, amount: u64, approval: Option<Approval>) -> Body {
    Body::Disbursement(Disbursement {
        budget_line: None,
        amount: minor(amount),
        approval,
        campaign: campaign.into(),
        currency: vnd(),
        evidence: vec![],
        paid_at: "2026-11-01".into(),
        purpose: "Bồn nước".into(),
        recipient: "Hợp tác xã Quảng Ninh".into(),
        reference: None,
    })
}

fn transfer(from: &str, to: &str, amount: u64, approval: Option<Approval>) -> Body {
    Body::Transfer(Transfer {
        amount: minor(amount),
        approval,
        currency: vnd(),
        from: from.into(),
        reason: "Mái trường cần trước".into(),
        reference: None,
        to: to.into(),
    })
}

fn policy(campaign: Option<&str>, approvers: u64, threshold: u64) -> Body {
    Body::ApprovalPolicy(ApprovalPolicy {
        approvers,
        campaign: campaign.map(str::to_string),
        currency: vnd(),
        note: Some("Quyết định của ban điều hành".into()),
        threshold: minor(threshold),
    })
}

/// Rules that change over time, every payment keeping the rule in force at its `seq`.
fn clean() -> Ledger {
    let mut l = Ledger::new();
    l.append(open("water", Some((2, 1_000_000))));
    l.append(open("roofs", None));
    l.append(donation("water", 10_000_000));
    // Below the campaign's threshold: no approval needed.
    l.append(payment("water", 999_999, None));
    // At the threshold: two approvers other than the proposer.
    l.append(payment(
        "water",
        1_000_000,
        approval("staff-1", &["staff-2", "staff-3"]),
    ));
    // Before any ledger-wide rule, a transfer out of a campaign without a rule is free.
    l.append(donation("roofs", 5_000_000));
    l.append(transfer("roofs", "water", 2_000_000, None));
    // A ledger-wide rule for VND from here on: one approver from 500,000.
    l.append(policy(None, 1, 500_000));
    l.append(transfer(
        "roofs",
        "water",
        500_000,
        approval("staff-2", &["staff-4"]),
    ));
    // The campaign's rule is lifted; the ledger-wide one still asks one approver.
    l.append(policy(Some("water"), 0, 1));
    l.append(payment(
        "water",
        3_000_000,
        approval("staff-1", &["staff-2"]),
    ));
    l.append(payment("water", 400_000, None));
    l
}

/// A campaign opened with a rule of two approvers, then a payment above it with none.
fn base() -> Ledger {
    let mut l = Ledger::new();
    l.append(open("water", Some((2, 1_000_000))));
    l.append(donation("water", 10_000_000));
    l
}

fn skipped() -> Ledger {
    let mut l = base();
    l.append_unchecked(payment("water", 5_000_000, None));
    l
}

fn self_approved() -> Ledger {
    let mut l = base();
    l.append_unchecked(payment(
        "water",
        5_000_000,
        approval("staff-1", &["staff-1", "staff-2"]),
    ));
    l
}

fn too_few() -> Ledger {
    let mut l = base();
    l.append_unchecked(payment(
        "water",
        5_000_000,
        approval("staff-1", &["staff-2"]),
    ));
    l
}

fn listed_twice() -> Ledger {
    let mut l = base();
    l.append_unchecked(payment(
        "water",
        5_000_000,
        approval("staff-1", &["staff-2", "staff-2"]),
    ));
    l
}

/// A ledger-wide rule at entry 2 covers a transfer at entry 4 that names no approval.
fn ledger_rule_skipped() -> Ledger {
    let mut l = Ledger::new();
    l.append(open("water", None));
    l.append(open("roofs", None));
    l.append(policy(None, 2, 100));
    l.append(donation("water", 1_000));
    l.append_unchecked(transfer("water", "roofs", 100, None));
    l
}

fn cases() -> Vec<(&'static str, Ledger)> {
    vec![
        ("clean.txt", clean()),
        ("skipped-approval.txt", skipped()),
        ("self-approval.txt", self_approved()),
        ("too-few-approvers.txt", too_few()),
        ("approver-listed-twice.txt", listed_twice()),
        ("ledger-rule-skipped.txt", ledger_rule_skipped()),
    ]
}

fn outcome(bundle: &[u8]) -> serde_json::Value {
    match verify_bundle(bundle, None, None, |_| {}) {
        Ok(report) => serde_json::json!({
            "size": report.size,
            "root": report.root.to_hex(),
            "totals": report.totals,
        }),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}

fn generate() -> BTreeMap<std::path::PathBuf, Vec<u8>> {
    let signer = crate::companion::demo_signer();
    let dir = Path::new("tests/vectors/approval");
    let mut files = BTreeMap::new();
    let mut index = serde_json::Map::new();
    for (name, ledger) in cases() {
        let bundle = ledger.bundle(&signer);
        index.insert(name.to_string(), outcome(&bundle));
        files.insert(dir.join(name), bundle);
    }
    files.insert(
        dir.join("expected.json"),
        crate::companion::pretty(&serde_json::Value::Object(index)),
    );
    files
}

#[test]
fn the_committed_approval_vectors_are_exactly_what_the_core_generates() {
    crate::companion::write_or_compare(&generate());
}

fn error_of(l: Ledger) -> String {
    let signer = crate::companion::demo_signer();
    verify_bundle(l.bundle(&signer).as_slice(), None, None, |_| {})
        .expect_err("a broken approval rule")
        .to_string()
}

#[test]
fn a_ledger_whose_payments_keep_the_rule_in_force_at_their_seq_verifies() {
    let signer = crate::companion::demo_signer();

    let report = verify_bundle(clean().bundle(&signer).as_slice(), None, None, |_| {});

    assert_eq!(report.expect("a clean ledger").size, 12);
}

#[test]
fn a_payment_that_skipped_approval_is_caught_with_its_entry_number() {
    assert_eq!(
        error_of(skipped()),
        "entry 2: approval: a payment of 5000000 minor units of VND needs 2 approvers other \
         than its proposer under the rule of entry 0, and names none"
    );
    assert!(error_of(ledger_rule_skipped()).starts_with("entry 4: approval: "));
}

#[test]
fn a_proposer_approving_their_own_payment_is_caught_with_its_entry_number() {
    assert_eq!(
        error_of(self_approved()),
        "entry 2: field body.approval.approved_by: staff-1 proposed this payment and cannot \
         approve it too"
    );
}

#[test]
fn too_few_distinct_approvers_are_caught_with_their_entry_number() {
    assert_eq!(
        error_of(too_few()),
        "entry 2: approval: a payment of 5000000 minor units of VND needs 2 distinct approvers \
         other than its proposer under the rule of entry 0, and names 1"
    );
    assert_eq!(
        error_of(listed_twice()),
        "entry 2: field body.approval.approved_by: lists staff-2 twice"
    );
}
