//! `tests/vectors/update/` (SPEC.md §20): a signed bundle whose ledger holds `update`
//! entries (with and without evidence, one after the campaign closed), the update's leaf, its
//! leaf hash and the Atom id naming it, leaves a verifier must refuse with the Rust
//! verifier's words, and a bundle whose update names a campaign never opened. The
//! JavaScript verifier reads the same files (`tests/web/update.test.mjs`).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec update` rewrites
//! the folder; otherwise it must be exactly what this generates.

use crate::companion::{demo_signer, pretty, write_or_compare, Ledger};
use fundtrail_ledger::entry::{
    Account, CampaignClose, CampaignOpen, Channel, Donation, Evidence, Update,
};
use fundtrail_ledger::{decode, leaf_hash, verify_bundle, Body, Currency, Hash, Minor};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn photo() -> Evidence {
    Evidence {
        media_type: "image/jpeg".into(),
        name: Some("giao-gao-nghia-hanh.jpg".into()),
        sha256: Hash([0x3c; 32]),
        size: 48_213,
    }
}

fn update(campaign: &str, evidence: Vec<Evidence>) -> Update {
    Update {
        campaign: campaign.into(),
        date: "2026-11-01".into(),
        evidence,
        text: "Đã giao 600 kg gạo cho 120 hộ ở Nghĩa Hành.\nẢnh chụp lúc giao.".into(),
        title: "Gạo đã đến tay bà con".into(),
    }
}

fn ledger() -> Ledger {
    let mut l = Ledger::new();
    l.append(Body::CampaignOpen(CampaignOpen {
        accounts: vec![Account {
            bank: "Vietcombank".into(),
            holder: "Quỹ Cứu trợ".into(),
            number: "0011004455667".into(),
        }],
        approval: None,
        currency: vnd(),
        ends_on: None,
        goal: Some(Minor::new(10_000_000).expect("goal")),
        id: "flood-2026".into(),
        purpose: "Gạo và nước sạch".into(),
        title: "Lũ miền Trung 2026".into(),
    }));
    l.append(Body::Donation(Donation {
        pledge: None,
        amount: Minor::new(500_000).expect("amount"),
        campaign: "flood-2026".into(),
        channel: Channel::Cash,
        commitment: None,
        currency: vnd(),
        donor: "Anonymous".into(),
        in_kind: None,
        memo: None,
        received_at: "2026-11-01".into(),
        reference: None,
    }));
    l.append(Body::Update(update("flood-2026", vec![photo()])));
    l.append(Body::CampaignClose(CampaignClose {
        campaign: "flood-2026".into(),
        note: None,
    }));
    l.append(Body::Update(Update {
        title: "Báo cáo cuối".into(),
        ..update("flood-2026", vec![])
    }));
    l
}

/// The update's leaf with `from` replaced by `to` (each must occur once).
fn edited(leaf: &str, from: &str, to: &str) -> String {
    assert_eq!(leaf.matches(from).count(), 1, "{from}");
    leaf.replacen(from, to, 1)
}

/// Leaves a verifier must refuse, each with the step and the Rust decoder's words.
fn refused(leaf: &str) -> Vec<serde_json::Value> {
    let cases = [
        (
            "empty-title",
            edited(
                leaf,
                "\"title\":\"Gạo đã đến tay bà con\"",
                "\"title\":\" \"",
            ),
        ),
        (
            "bad-date",
            edited(leaf, "\"date\":\"2026-11-01\"", "\"date\":\"2026-02-30\""),
        ),
        (
            "campaign-not-a-slug",
            edited(
                leaf,
                "\"campaign\":\"flood-2026\"",
                "\"campaign\":\"Flood 2026\"",
            ),
        ),
        (
            "evidence-media-type",
            edited(
                leaf,
                "\"media_type\":\"image/jpeg\"",
                "\"media_type\":\"jpeg\"",
            ),
        ),
        (
            "evidence-missing",
            edited(
                leaf,
                &format!(
                    "\"evidence\":[{}],",
                    serde_json::to_string(&photo()).expect("JSON")
                ),
                "",
            ),
        ),
        (
            "unknown-member",
            edited(leaf, "\"title\":", "\"amount\":\"1\",\"title\":"),
        ),
    ];
    cases
        .into_iter()
        .map(|(name, text)| {
            let error = decode(text.as_bytes()).expect_err(name);
            let step = match error {
                fundtrail_ledger::LeafError::Field(_) => "field",
                fundtrail_ledger::LeafError::NotCanonical => "canonical",
                _ => "parse",
            };
            json!({"name": name, "leaf": text, "step": step, "error": error.to_string()})
        })
        .collect()
}

/// A ledger whose entry 1 is an update of a campaign never opened.
fn unknown_campaign() -> Ledger {
    let mut l = Ledger::new();
    l.append(Body::CampaignOpen(CampaignOpen {
        accounts: vec![],
        approval: None,
        currency: vnd(),
        ends_on: None,
        goal: None,
        id: "flood-2026".into(),
        purpose: "Gạo".into(),
        title: "Lũ".into(),
    }));
    l.append_unchecked(Body::Update(update("school-roofs", vec![])));
    l
}

fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = Path::new("tests/vectors/update");
    let l = ledger();
    let leaf = String::from_utf8(l.leaves[2].clone()).expect("UTF-8");
    let hash = leaf_hash(leaf.as_bytes());
    let bad = unknown_campaign().bundle(&demo_signer());
    let bad_error = verify_bundle(&bad[..], None, None, |_| {})
        .expect_err("an unknown campaign")
        .to_string();
    let expected = json!({
        "bundle": "bundle.txt",
        "size": l.leaves.len(),
        "update_seq": 2,
        "update_leaf": leaf,
        "update_leaf_hash": hash.to_hex(),
        "atom_id": format!("urn:fundtrail:leaf:{}", hash.to_hex()),
        "after_close_seq": 4,
        "refused_bundles": [{"file": "unknown-campaign.txt", "error_contains": bad_error}],
    });
    let mut files = BTreeMap::new();
    files.insert(dir.join("bundle.txt"), l.bundle(&demo_signer()));
    files.insert(dir.join("unknown-campaign.txt"), bad);
    files.insert(dir.join("expected.json"), pretty(&expected));
    files.insert(dir.join("cases.json"), pretty(&json!(refused(&leaf))));
    files
}

#[test]
fn the_update_vectors_are_what_the_core_generates() {
    write_or_compare(&generate());
}

#[test]
fn a_ledger_with_updates_verifies_even_one_recorded_after_its_campaign_closed() {
    let bundle = ledger().bundle(&demo_signer());
    let report = verify_bundle(&bundle[..], None, None, |_| {}).expect("a valid ledger");
    assert_eq!(report.size, 5);
}

#[test]
fn an_update_naming_a_campaign_never_opened_is_caught_with_its_entry_number() {
    let bundle = unknown_campaign().bundle(&demo_signer());
    let error = verify_bundle(&bundle[..], None, None, |_| {})
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("entry 1: campaign \"school-roofs\" does not exist"),
        "{error}"
    );
}

#[test]
fn every_refused_update_leaf_names_its_field_or_is_a_parse_error() {
    let l = ledger();
    let leaf = String::from_utf8(l.leaves[2].clone()).expect("UTF-8");
    let cases = refused(&leaf);
    let field = |name: &str| {
        cases
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["error"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    assert_eq!(field("empty-title"), "field body.title: must not be empty");
    assert!(field("bad-date").starts_with("field body.date:"));
    assert!(field("evidence-media-type").starts_with("field body.evidence.media_type:"));
}
