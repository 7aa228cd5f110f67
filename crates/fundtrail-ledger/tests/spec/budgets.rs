//! `tests/vectors/budget/` (SPEC.md §18, §19): a ledger with a budget, its revision,
//! payments naming lines, a pledge partly fulfilled and one cancelled, with the budget vs
//! actual and pledge figures every verifier computes from it (§8.1); and ledgers that must
//! fail, each with the entry number and words of its first broken rule: a revision that
//! rewrites history, a payment naming a missing line, an over-fulfilled pledge, a pledge
//! fulfilled after its cancellation. The JavaScript verifier reads the same files
//! (`tests/web/budget.test.mjs`).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec budget` rewrites
//! the folder; otherwise it must be exactly what this generates.

use crate::companion::{demo_signer, pretty, write_or_compare, Ledger};
use fundtrail_ledger::budget::{suggested_sector, Budget, BudgetLine};
use fundtrail_ledger::entry::{Account, CampaignOpen, Channel, Disbursement, Donation};
use fundtrail_ledger::pledge::{Pledge, PledgeCancel};
use fundtrail_ledger::{verify_bundle, Body, Currency, Minor, Report};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CAMPAIGN: &str = "flood-2026";

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn minor(n: u64) -> Minor {
    Minor::new(n).expect("amount")
}

fn line(id: &str, label: &str, category: &str, amount: u64) -> BudgetLine {
    BudgetLine {
        amount: minor(amount),
        category: category.into(),
        id: id.into(),
        label: label.into(),
        sector: suggested_sector(category).map(String::from),
    }
}

fn budget(revises: Option<u64>, lines: Vec<BudgetLine>, note: Option<&str>) -> Body {
    Body::Budget(Budget {
        campaign: CAMPAIGN.into(),
        currency: vnd(),
        lines,
        note: note.map(String::from),
        revises,
    })
}

fn payment(line: Option<&str>, amount: u64, purpose: &str) -> Body {
    Body::Disbursement(Disbursement {
        approval: None,
        amount: minor(amount),
        budget_line: line.map(String::from),
        campaign: CAMPAIGN.into(),
        currency: vnd(),
        evidence: vec![],
        paid_at: "2026-11-01".into(),
        purpose: purpose.into(),
        recipient: "Hợp tác xã Thành Công".into(),
        reference: None,
    })
}

fn gift(amount: u64, pledge: Option<u64>, donor: &str) -> Body {
    Body::Donation(Donation {
        amount: minor(amount),
        campaign: CAMPAIGN.into(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: vnd(),
        donor: donor.into(),
        in_kind: None,
        memo: None,
        pledge,
        received_at: "2026-11-01".into(),
        reference: None,
    })
}

fn pledge(amount: u64, donor: &str, expected_on: Option<&str>) -> Body {
    Body::Pledge(Pledge {
        amount: minor(amount),
        campaign: CAMPAIGN.into(),
        currency: vnd(),
        donor: donor.into(),
        expected_on: expected_on.map(String::from),
        note: None,
    })
}

/// The clean ledger, entry by entry (the seqs the bad ledgers refer to are fixed here).
fn clean() -> Ledger {
    let mut l = Ledger::new();
    l.append(Body::CampaignOpen(CampaignOpen {
        approval: None,
        accounts: vec![Account {
            bank: "Vietcombank".into(),
            holder: "Quỹ Cứu trợ Miền Trung".into(),
            number: "0071000123456".into(),
        }],
        currency: vnd(),
        ends_on: None,
        goal: Some(minor(30_000_000)),
        id: CAMPAIGN.into(),
        purpose: "Gạo, sửa thuyền và nước sạch cho bà con vùng lũ".into(),
        title: "Lũ miền Trung 2026".into(),
    }));
    l.append(gift(20_000_000, None, "Nguyễn Văn An"));
    let first = l.append(budget(
        None,
        vec![
            line("rice", "Gạo cho 500 hộ", "food", 8_000_000),
            line("boats", "Sửa thuyền", "x-boat-repair", 5_000_000),
            line("admin", "Chi phí quản lý", "administration", 1_000_000),
        ],
        None,
    ));
    assert_eq!(first, 2);
    l.append(payment(Some("rice"), 3_000_000, "Gạo đợt 1"));
    let second = l.append(budget(
        Some(first),
        vec![
            line("rice", "Gạo cho 500 hộ", "food", 8_000_000),
            line("boats", "Sửa thuyền", "x-boat-repair", 4_000_000),
            line("water", "Lọc nước", "water", 2_000_000),
        ],
        Some("Bớt sửa thuyền, thêm lọc nước; bỏ chi phí quản lý"),
    ));
    assert_eq!(second, 4);
    l.append(payment(Some("boats"), 1_500_000, "Sửa 3 thuyền"));
    let p = l.append(pledge(10_000_000, "Công ty Hòa Bình", Some("2026-12-15")));
    assert_eq!(p, 6);
    l.append(gift(4_000_000, Some(p), "Công ty Hòa Bình"));
    let q = l.append(pledge(3_000_000, "Hội Phụ nữ xã", None));
    assert_eq!(q, 8);
    l.append(Body::PledgeCancel(PledgeCancel {
        campaign: CAMPAIGN.into(),
        pledge: q,
        reason: "Hội đã chuyển tiền cho chiến dịch khác".into(),
    }));
    l.append(payment(None, 200_000, "Phí vận chuyển"));
    l
}

/// A ledger that keeps the rules of §7 but breaks one of §18/§19 at its last entry.
fn broken(prefix: usize, last: Body) -> Ledger {
    let full = clean();
    let mut l = Ledger::new();
    for leaf in &full.leaves[..prefix] {
        let entry = fundtrail_ledger::decode(leaf).expect("a clean leaf");
        l.append(entry.body);
    }
    l.append(last);
    l
}

/// The bad ledgers: name, the ledger, and what a verifier must say.
fn bad() -> Vec<(&'static str, Ledger)> {
    let rewritten = vec![
        line("rice", "Gạo cho 500 hộ", "food", 2_000_000),
        line("boats", "Sửa thuyền", "x-boat-repair", 5_000_000),
    ];
    let dropped = vec![line("boats", "Sửa thuyền", "x-boat-repair", 5_000_000)];
    let stale = vec![line("rice", "Gạo cho 500 hộ", "food", 9_000_000)];
    vec![
        (
            "rewriting-revision",
            broken(4, budget(Some(2), rewritten, None)),
        ),
        (
            "dropped-paid-line",
            broken(4, budget(Some(2), dropped, None)),
        ),
        ("stale-revision", broken(6, budget(Some(2), stale, None))),
        (
            "missing-line",
            broken(6, payment(Some("tents"), 100_000, "Lều bạt")),
        ),
        (
            "over-fulfilled-pledge",
            broken(8, gift(6_000_001, Some(6), "Công ty Hòa Bình")),
        ),
        (
            "fulfilled-after-cancel",
            broken(10, gift(1_000_000, Some(8), "Hội Phụ nữ xã")),
        ),
    ]
}

/// Budget vs actual and pledge figures of the campaign, as the vectors write them.
fn figures(report: &Report) -> Value {
    let book = report.plans.budget(CAMPAIGN);
    let lines: Vec<Value> = book
        .lines()
        .iter()
        .map(|s| {
            json!({
                "id": s.line.id,
                "label": s.line.label,
                "category": s.line.category,
                "sector": s.line.sector,
                "planned": s.line.amount.to_string(),
                "paid": s.paid.to_string(),
            })
        })
        .collect();
    let t = report.plans.pledge_totals(CAMPAIGN);
    let list: Vec<Value> = report
        .plans
        .pledges()
        .of_campaign(CAMPAIGN)
        .map(|(seq, p)| {
            json!({
                "seq": seq,
                "donor": p.donor,
                "amount": p.amount.to_string(),
                "received": p.received.to_string(),
                "outstanding": p.outstanding().to_string(),
                "cancelled": p.cancelled().to_string(),
                "cancelled_by": p.cancelled_by,
            })
        })
        .collect();
    json!({
        "campaign": CAMPAIGN,
        "budget": {"in_force": book.in_force(), "budgets": book.entries(), "lines": lines},
        "pledges": {
            "pledges": t.pledges,
            "pledged": t.pledged.to_string(),
            "received": t.received.to_string(),
            "outstanding": t.outstanding.to_string(),
            "cancelled": t.cancelled.to_string(),
            "list": list,
        },
    })
}

fn verify(bundle: &[u8]) -> Result<Report, String> {
    verify_bundle(bundle, None, None, |_| {}).map_err(|e| e.to_string())
}

fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = Path::new("tests/vectors/budget");
    let signer = demo_signer();
    let mut files = BTreeMap::new();
    let clean_bundle = clean().bundle(&signer);
    let report = verify(&clean_bundle).expect("the clean ledger verifies");
    let mut bad_cases = Vec::new();
    for (name, ledger) in bad() {
        let bundle = ledger.bundle(&signer);
        let error = verify(&bundle).expect_err(name);
        let file = format!("{name}.txt");
        bad_cases.push(json!({"name": name, "bundle": file, "error": error}));
        files.insert(dir.join(file), bundle);
    }
    let expected = json!({
        "clean": {"bundle": "clean.txt", "size": report.size, "figures": figures(&report)},
        "bad": bad_cases,
    });
    files.insert(dir.join("clean.txt"), clean_bundle);
    files.insert(dir.join("expected.json"), pretty(&expected));
    files
}

#[test]
fn the_budget_vectors_are_what_the_core_generates() {
    write_or_compare(&generate());
}

#[test]
fn each_broken_budget_or_pledge_rule_is_caught_with_its_entry_number() {
    let errors: Vec<(&str, String)> = bad()
        .into_iter()
        .map(|(name, l)| (name, verify(&l.bundle(&demo_signer())).unwrap_err()))
        .collect();
    let want = [
        ("rewriting-revision", "entry 4: line \"rice\" plans 2000000 minor units, below the 3000000 already paid against it"),
        ("dropped-paid-line", "entry 4: line \"rice\" has 3000000 minor units paid against it, so a revision must keep it"),
        ("stale-revision", "entry 6: revises entry 2, but campaign \"flood-2026\"'s budget in force is entry 4"),
        ("missing-line", "entry 6: budget line \"tents\" is not in campaign \"flood-2026\"'s budget in force (entry 4)"),
        ("over-fulfilled-pledge", "entry 8: pledge 6 promised 10000000 minor units and 4000000 were received; 6000001 more would over-fulfil it"),
        ("fulfilled-after-cancel", "entry 10: pledge 8 was cancelled by entry 9, so no donation can fulfil it"),
    ];
    for ((name, got), (want_name, want)) in errors.iter().zip(want) {
        assert_eq!((*name, got.as_str()), (want_name, want));
    }
}

#[test]
fn the_clean_ledger_shows_budget_vs_actual_and_pledged_received_outstanding() {
    let report = verify(&clean().bundle(&demo_signer())).expect("verifies");
    let f = figures(&report);
    assert_eq!(f["budget"]["in_force"], 4);
    assert_eq!(f["budget"]["lines"][0]["paid"], "3000000");
    assert_eq!(f["budget"]["lines"][1]["paid"], "1500000");
    assert_eq!(f["budget"]["lines"][2]["paid"], "0");
    let p = &f["pledges"];
    assert_eq!(
        [
            &p["pledged"],
            &p["received"],
            &p["outstanding"],
            &p["cancelled"]
        ],
        ["13000000", "4000000", "6000000", "3000000"]
    );
}
