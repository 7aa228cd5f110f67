//! A small realistic demo ledger: two VND campaigns and one USD campaign, bank, cash and
//! in-kind donations, disbursements with evidence hashes, a transfer and a reversal, and a
//! two-person approval rule with one payment approved under it (SPEC.md §17), and a budget
//! with its revision, payments naming its lines and pledges (one partly fulfilled, one
//! cancelled; SPEC.md §18, §19).

use crate::ledger::approval::{Approval, ApprovalPolicy};
use crate::ledger::budget::{suggested_sector, Budget, BudgetLine};
use crate::ledger::entry::{
    Account, Body, CampaignOpen, Channel, Disbursement, Donation, Evidence, InKind, Reversal,
    ReversalReason, Transfer,
};
use crate::ledger::hash::sha256;
use crate::ledger::money::{Currency, Minor};
use crate::ledger::pledge::{Pledge, PledgeCancel};
use crate::sequencer::{AppendError, AppendRequest, SequencerHandle};

/// The IATI organisation identifier of the demo ledger's configuration: a made-up one in
/// the form of IATI-assigned identifiers (`XI-IATI-…`), so the demo's IATI export works; a
/// real organisation configures its own (`"iati_org_id"` in `config.json`).
pub const IATI_ORG_ID: &str = "XI-IATI-DEMO";

fn vnd() -> Currency {
    Currency::parse("VND").unwrap_or_else(|_| unreachable!("VND is in the ISO 4217 table"))
}

fn usd() -> Currency {
    Currency::parse("USD").unwrap_or_else(|_| unreachable!("USD is in the ISO 4217 table"))
}

fn minor(text: &str, c: Currency) -> Minor {
    Minor::parse_decimal(text, c).unwrap_or_else(|e| unreachable!("demo amount {text}: {e}"))
}

fn donation(
    campaign: &str,
    c: Currency,
    amount: &str,
    day: &str,
    channel: Channel,
    reference: Option<&str>,
    donor: &str,
) -> Body {
    Body::Donation(Donation {
        amount: minor(amount, c),
        campaign: campaign.into(),
        channel,
        commitment: None,
        currency: c,
        donor: donor.into(),
        in_kind: None,
        memo: None,
        pledge: None,
        received_at: day.into(),
        reference: reference.map(Into::into),
    })
}

fn evidence(name: &str, media_type: &str, content: &str) -> Evidence {
    Evidence {
        media_type: media_type.into(),
        name: Some(name.into()),
        sha256: sha256(content.as_bytes()),
        size: content.len() as u64,
    }
}

/// The demo entries, in order.
pub fn demo_entries() -> Vec<Body> {
    let (v, u) = (vnd(), usd());
    let open = |id: &str,
                title: &str,
                purpose: &str,
                c: Currency,
                goal: Option<&str>,
                ends_on: Option<&str>| {
        Body::CampaignOpen(CampaignOpen {
            approval: None,
            accounts: vec![Account {
                bank: "Vietcombank".into(),
                holder: "Quỹ Cứu trợ Cộng đồng".into(),
                number: "0071 0012 34567".into(),
            }],
            currency: c,
            ends_on: ends_on.map(Into::into),
            goal: goal.map(|g| minor(g, c)),
            id: id.into(),
            purpose: purpose.into(),
            title: title.into(),
        })
    };
    let mut entries = vec![
        open("flood-2026", "Central Vietnam flood relief 2026", "Rice, clean water and roof repairs for flooded families in Quảng Ngãi.", v, Some("500000000"), Some("2026-12-31")),
        open("school-roofs", "School roofs before the rains", "New roofs for three village schools.", v, Some("120000000"), None),
        open("clean-water-usd", "Water filters (international donors)", "Ceramic water filters for 400 households.", u, Some("25000.00"), None),
        donation("flood-2026", v, "5000000", "2026-11-02", Channel::BankTransfer, Some("FT26306001234"), "Nguyễn Văn An"),
        donation("flood-2026", v, "250000", "2026-11-02", Channel::BankTransfer, Some("FT26306009876"), "Anonymous"),
        donation("flood-2026", v, "12000000", "2026-11-03", Channel::BankTransfer, Some("FT26307004455"), "Công ty TNHH Hòa Bình"),
        donation("flood-2026", v, "500000", "2026-11-03", Channel::Cash, Some("CASH-0001"), "<img src=x onerror=alert(1)>"),
        Body::Donation(Donation {
            amount: minor("3000000", v),
            campaign: "flood-2026".into(),
            channel: Channel::InKind,
            commitment: None,
            currency: v,
            donor: "Chợ Đông Ba traders".into(),
            in_kind: Some(InKind { description: "200 kg of rice".into() }),
            memo: Some("Delivered to the Quảng Ngãi warehouse".into()),
            pledge: None,
            received_at: "2026-11-04".into(),
            reference: Some("INKIND-0001".into()),
        }),
        donation("school-roofs", v, "20000000", "2026-11-04", Channel::BankTransfer, Some("FT26308001111"), "Trần Thị Bình"),
        donation("clean-water-usd", u, "150.00", "2026-11-05", Channel::Card, Some("CARD-7781"), "Jane Doe"),
        donation("clean-water-usd", u, "2500.50", "2026-11-06", Channel::BankTransfer, Some("WIRE-20261106-1"), "Anonymous"),
        Body::Disbursement(Disbursement {
            approval: None,
            amount: minor("9000000", v),
            budget_line: None,
            campaign: "flood-2026".into(),
            currency: v,
            evidence: vec![
                evidence("invoice-rice-0412.pdf", "application/pdf", "demo invoice: 600 kg rice"),
                evidence("beneficiaries-xa-nghia-hanh.csv", "text/csv", "demo list of 120 families"),
            ],
            paid_at: "2026-11-07".into(),
            purpose: "600 kg of rice for 120 families in Nghĩa Hành".into(),
            recipient: "Hợp tác xã Nông nghiệp Nghĩa Hành".into(),
            reference: None,
        }),
        Body::Transfer(Transfer {
            approval: None,
            amount: minor("2000000", v),
            currency: v,
            from: "flood-2026".into(),
            reason: "Board decision 2026-11-08: roof repairs at the flooded school are covered by the schools campaign".into(),
            reference: None,
            to: "school-roofs".into(),
        }),
        donation("flood-2026", v, "250000", "2026-11-08", Channel::BankTransfer, Some("FT26306009876-DUP"), "Anonymous"),
        Body::Reversal(Reversal { note: Some("Recorded twice from the bank statement".into()), reason: ReversalReason::Duplicate, reverses: 13 }),
        Body::Disbursement(Disbursement {
            approval: None,
            amount: minor("1200.00", u),
            budget_line: None,
            campaign: "clean-water-usd".into(),
            currency: u,
            evidence: vec![evidence("filters-po-2026-031.pdf", "application/pdf", "demo purchase order: 100 filters")],
            paid_at: "2026-11-09".into(),
            purpose: "100 ceramic water filters".into(),
            recipient: "Hanoi Water Filters Co.".into(),
            reference: None,
        }),
    ];
    entries.extend(budget_and_pledges(v));
    entries.extend(approved_payment(v));
    entries
}

/// The flood campaign's two-person approval rule and one payment approved under it
/// (SPEC.md §17): entries 24 and 25.
fn approved_payment(v: Currency) -> Vec<Body> {
    vec![
        Body::ApprovalPolicy(ApprovalPolicy {
            approvers: 2,
            campaign: Some("flood-2026".into()),
            currency: v,
            note: Some(
                "Board decision 2026-11-10: two staff approve every payment of 3,000,000 ₫ or more"
                    .into(),
            ),
            threshold: minor("3000000", v),
        }),
        Body::Disbursement(Disbursement {
            amount: minor("5000000", v),
            approval: Some(Approval {
                approved_by: vec![DEMO_APPROVERS[0].into(), DEMO_APPROVERS[1].into()],
                proposed_by: DEMO_PROPOSER.into(),
            }),
            budget_line: None,
            campaign: "flood-2026".into(),
            currency: v,
            evidence: vec![],
            paid_at: "2026-11-10".into(),
            purpose: "Roof sheets for 25 flooded houses in Sơn Tịnh".into(),
            recipient: "Công ty Tôn Thép Quảng Ngãi".into(),
            reference: None,
        }),
    ]
}

/// The flood campaign's budget and its revision, payments naming lines, a pledge partly
/// fulfilled and one cancelled (SPEC.md §18, §19): entries 16 to 23.
fn budget_and_pledges(v: Currency) -> Vec<Body> {
    let line = |id: &str, label: &str, category: &str, amount: &str| BudgetLine {
        amount: minor(amount, v),
        category: category.into(),
        id: id.into(),
        label: label.into(),
        sector: suggested_sector(category).map(Into::into),
    };
    let budget = |lines, revises, note: Option<&str>| {
        Body::Budget(Budget {
            campaign: "flood-2026".into(),
            currency: v,
            lines,
            note: note.map(Into::into),
            revises,
        })
    };
    let pay = |line: &str, amount: &str, paid_at: &str, purpose: &str, recipient: &str| {
        Body::Disbursement(Disbursement {
            amount: minor(amount, v),
            approval: None,
            budget_line: Some(line.into()),
            campaign: "flood-2026".into(),
            currency: v,
            evidence: vec![],
            paid_at: paid_at.into(),
            purpose: purpose.into(),
            recipient: recipient.into(),
            reference: None,
        })
    };
    let pledge = |amount: &str, donor: &str, expected_on: Option<&str>| {
        Body::Pledge(Pledge {
            amount: minor(amount, v),
            campaign: "flood-2026".into(),
            currency: v,
            donor: donor.into(),
            expected_on: expected_on.map(Into::into),
            note: None,
        })
    };
    let mut gift = donation(
        "flood-2026",
        v,
        "10000000",
        "2026-11-12",
        Channel::BankTransfer,
        Some("FT26316007788"),
        "Công ty TNHH Hòa Bình",
    );
    if let Body::Donation(d) = &mut gift {
        d.pledge = Some(20);
    }
    vec![
        budget(
            vec![
                line("rice", "Rice for 300 families", "food", "20000000"),
                line("water", "Water filters and jerrycans", "water", "8000000"),
                line("roofs", "Roof sheets", "shelter", "15000000"),
                line(
                    "admin",
                    "Transport and administration",
                    "administration",
                    "2000000",
                ),
            ],
            None,
            None,
        ),
        pay(
            "rice",
            "6000000",
            "2026-11-10",
            "400 kg of rice for 80 families in Tư Nghĩa",
            "Hợp tác xã Nông nghiệp Tư Nghĩa",
        ),
        budget(
            vec![
                line("rice", "Rice for 300 families", "food", "20000000"),
                line("water", "Water filters and jerrycans", "water", "10000000"),
                line(
                    "boats",
                    "Repairs to fishing boats",
                    "x-boat-repair",
                    "5000000",
                ),
                line(
                    "admin",
                    "Transport and administration",
                    "administration",
                    "2000000",
                ),
            ],
            Some(16),
            Some("Roofs are now covered by the schools campaign; more filters; boat repairs added"),
        ),
        pay(
            "water",
            "2500000",
            "2026-11-11",
            "50 ceramic water filters",
            "Hanoi Water Filters Co.",
        ),
        pledge("30000000", "Công ty TNHH Hòa Bình", Some("2026-12-20")),
        gift,
        pledge("5000000", "Hội Phụ nữ phường 3", None),
        Body::PledgeCancel(PledgeCancel {
            campaign: "flood-2026".into(),
            pledge: 22,
            reason: "The association gave to the schools campaign instead".into(),
        }),
    ]
}

/// The staff ids of the demo's approved payment: its proposer (the demo recorder's token,
/// id 2) and its two approvers (the admin's, id 1, and the demo approver's, id 3), as
/// `fundtrail demo` creates those tokens.
pub const DEMO_PROPOSER: &str = "staff-2";
/// See [`DEMO_PROPOSER`].
pub const DEMO_APPROVERS: [&str; 2] = ["staff-1", "staff-3"];

/// The payment the demo leaves waiting for approval: proposed by the demo recorder under the
/// flood campaign's rule, with no approval yet.
pub fn pending_proposal() -> Disbursement {
    Disbursement {
        amount: minor("3500000", vnd()),
        approval: None,
        budget_line: None,
        campaign: "flood-2026".into(),
        currency: vnd(),
        evidence: vec![],
        paid_at: "2026-11-11".into(),
        purpose: "Clean water tanks for the Nghĩa Hành health station".into(),
        recipient: "Hợp tác xã Nông nghiệp Nghĩa Hành".into(),
        reference: None,
    }
}

/// The bytes and media type of every evidence document the demo entries list, so that
/// `fundtrail demo` can store them and the page's "check file" has something to check.
pub fn evidence_files() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("application/pdf", b"demo invoice: 600 kg rice"),
        ("text/csv", b"demo list of 120 families"),
        ("application/pdf", b"demo purchase order: 100 filters"),
    ]
}

/// Appends the demo entries through the sequencer, as `recorded_by`.
///
/// # Errors
/// The first refused append.
pub async fn populate(sequencer: &SequencerHandle, recorded_by: &str) -> Result<u64, AppendError> {
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut last = 0;
    for mut body in demo_entries() {
        // A campaign may not end before it opens (SPEC.md §2.5): a demo started after the
        // fixed end day shows that campaign without one.
        if let Body::CampaignOpen(o) = &mut body {
            if o.ends_on.as_ref().is_some_and(|end| *end < today) {
                o.ends_on = None;
            }
        }
        let a = sequencer
            .append(AppendRequest {
                body,
                recorded_by: recorded_by.into(),
                idempotency_key: None,
                separate_gift: false,
                private: None,
            })
            .await?;
        last = a.seq;
    }
    Ok(last + 1)
}
