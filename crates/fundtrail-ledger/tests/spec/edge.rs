//! `tests/vectors/edge/`: whole bundles at the edges of the format, each with what verifying
//! it must give (`expected.json`: size, root and totals, or the error). They pin the bundle
//! of an empty ledger (SPEC.md §10), the totals of a reversed transfer (SPEC.md §8: it counts
//! for both campaigns but not for the currency) and reversals that would overdraw a campaign
//! (SPEC.md §7). The JavaScript verifier must give the same (tests/web/spec.test.mjs).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec edge` rewrites
//! the folder; otherwise it must be exactly what this generates.

use crate::companion::Ledger;
use fundtrail_ledger::entry::{
    CampaignOpen, Channel, Disbursement, Donation, Reversal, ReversalReason, Transfer,
};
use fundtrail_ledger::{verify_bundle, Body, Currency, Minor};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn minor(amount: u64) -> Minor {
    Minor::new(amount).expect("an amount")
}

fn open(id: &str, title: &str) -> Body {
    Body::CampaignOpen(CampaignOpen {
        approval: None,
        accounts: vec![],
        currency: vnd(),
        ends_on: None,
        goal: None,
        id: id.into(),
        purpose: "Nước sạch cho vùng lũ".into(),
        title: title.into(),
    })
}

fn donation(campaign: &str, amount: u64) -> Body {
    Body::Donation(Donation {
        amount: minor(amount),
        campaign: campaign.into(),
        channel: Channel::Cash,
        commitment: None,
        currency: vnd(),
        donor: "Anonymous".into(),
        in_kind: None,
        memo: None,
        pledge: None,
        received_at: "2026-11-01".into(),
        reference: None,
    })
}

fn disbursement(campaign: &str, amount: u64) -> Body {
    Body::Disbursement(Disbursement {
        approval: None,
        amount: minor(amount),
        budget_line: None,
        campaign: campaign.into(),
        currency: vnd(),
        evidence: vec![],
        paid_at: "2026-11-01".into(),
        purpose: "Bồn nước".into(),
        recipient: "Hợp tác xã Quảng Ninh".into(),
        reference: None,
    })
}

fn transfer(from: &str, to: &str, amount: u64) -> Body {
    Body::Transfer(Transfer {
        approval: None,
        amount: minor(amount),
        currency: vnd(),
        from: from.into(),
        reason: "Mái trường cần trước".into(),
        reference: None,
        to: to.into(),
    })
}

fn reversal(reverses: u64) -> Body {
    Body::Reversal(Reversal {
        note: None,
        reason: ReversalReason::Error,
        reverses,
    })
}

/// Two campaigns: 1,000,000 donated to the first, 300,000 moved to the second and that move
/// undone, 50,000 donated to the second and that donation undone.
fn reversed_transfer() -> Ledger {
    let mut l = Ledger::new();
    l.append(open("water", "Nước sạch"));
    l.append(open("roofs", "Mái trường"));
    l.append(donation("water", 1_000_000));
    let moved = l.append(transfer("water", "roofs", 300_000));
    l.append(reversal(moved));
    let gift = l.append(donation("roofs", 50_000));
    l.append(reversal(gift));
    l
}

/// 600 moved to a campaign that then pays out 500: undoing the move would take 600 from the
/// 100 it holds.
fn reversal_of_a_transfer_overdraws() -> Ledger {
    let mut l = Ledger::new();
    l.append(open("water", "Nước sạch"));
    l.append(open("roofs", "Mái trường"));
    l.append(donation("water", 1_000));
    let moved = l.append(transfer("water", "roofs", 600));
    l.append(disbursement("roofs", 500));
    l.append_unchecked(reversal(moved));
    l
}

/// 1,000 donated and 800 paid out: undoing the donation would take 1,000 from 200.
fn reversal_of_a_donation_overdraws() -> Ledger {
    let mut l = Ledger::new();
    l.append(open("water", "Nước sạch"));
    let gift = l.append(donation("water", 1_000));
    l.append(disbursement("water", 800));
    l.append_unchecked(reversal(gift));
    l
}

/// Every file of the folder, by path relative to the repository root.
fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let signer = crate::companion::demo_signer();
    let bundles = [
        ("empty.txt", Ledger::new().bundle(&signer)),
        ("reversed-transfer.txt", reversed_transfer().bundle(&signer)),
        (
            "reversal-of-a-transfer-overdraws.txt",
            reversal_of_a_transfer_overdraws().bundle(&signer),
        ),
        (
            "reversal-of-a-donation-overdraws.txt",
            reversal_of_a_donation_overdraws().bundle(&signer),
        ),
    ];
    let dir = Path::new("tests/vectors/edge");
    let mut files = BTreeMap::new();
    let mut index = serde_json::Map::new();
    for (name, bundle) in bundles {
        let outcome = match verify_bundle(bundle.as_slice(), None, None, |_| {}) {
            Ok(report) => serde_json::json!({
                "size": report.size,
                "root": report.root.to_hex(),
                "totals": report.totals,
            }),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        };
        index.insert(name.to_string(), outcome);
        files.insert(dir.join(name), bundle);
    }
    files.insert(
        dir.join("expected.json"),
        crate::companion::pretty(&serde_json::Value::Object(index)),
    );
    files
}

#[test]
fn the_committed_edge_vectors_are_exactly_what_the_core_generates() {
    crate::companion::write_or_compare(&generate());
}

#[test]
fn an_empty_ledger_is_a_header_a_blank_line_and_the_checkpoint_of_the_empty_tree() {
    let signer = crate::companion::demo_signer();

    let bundle = String::from_utf8(Ledger::new().bundle(&signer)).expect("UTF-8");
    let report = verify_bundle(bundle.as_bytes(), Some(signer.verifier_key()), None, |_| {})
        .expect("an empty ledger verifies");

    let header = format!("fundtrail-bundle v1\nkey {}\n\n\n", signer.verifier_key());
    assert!(bundle.starts_with(&header), "{bundle}");
    assert!(bundle[header.len()..].starts_with(
        "demo.fundtrail.example/ledger\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n"
    ));
    assert_eq!(report.size, 0);
    assert_eq!(
        report.root.to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert!(report.totals.campaigns.is_empty() && report.totals.currencies.is_empty());
}

#[test]
fn reversals_that_would_overdraw_a_campaign_are_refused_with_the_balance_and_the_need() {
    let signer = crate::companion::demo_signer();
    let outcome = |l: Ledger| {
        verify_bundle(l.bundle(&signer).as_slice(), None, None, |_| {})
            .expect_err("an overdraft")
            .to_string()
    };

    assert_eq!(
        outcome(reversal_of_a_transfer_overdraws()),
        "entry 5: campaign \"roofs\" holds 100 minor units of VND, 600 needed"
    );
    assert_eq!(
        outcome(reversal_of_a_donation_overdraws()),
        "entry 3: campaign \"water\" holds 200 minor units of VND, 1000 needed"
    );
}
