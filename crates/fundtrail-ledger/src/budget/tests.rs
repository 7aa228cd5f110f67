//! The budget and pledge rules of SPEC.md §18.2 and §19.2, applied after the ledger rules.

use super::{Budget, BudgetLine};
use crate::entry::{
    Account, Body, CampaignOpen, Channel, Disbursement, Donation, Entry, Reversal, ReversalReason,
};
use crate::hash::ZERO_HASH;
use crate::money::{Currency, Minor, Total};
use crate::plans::{PlanError, Plans};
use crate::pledge::{Pledge, PledgeCancel};
use crate::state::LedgerState;

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn minor(n: u64) -> Minor {
    Minor::new(n).expect("amount")
}

/// A ledger in memory: the state of §7 and the plans, applied in that order.
struct Books {
    state: LedgerState,
    plans: Plans,
}

impl Books {
    fn new() -> Self {
        let mut b = Books {
            state: LedgerState::new(),
            plans: Plans::new(),
        };
        for id in ["flood", "school"] {
            b.append(Body::CampaignOpen(CampaignOpen {
                approval: None,
                accounts: vec![Account {
                    bank: "VCB".into(),
                    holder: "Quỹ".into(),
                    number: "1".into(),
                }],
                currency: vnd(),
                ends_on: None,
                goal: None,
                id: id.into(),
                purpose: "Relief".into(),
                title: "Relief".into(),
            }))
            .expect("opened");
        }
        b.append(donation("flood", 10_000_000, None))
            .expect("money in");
        b
    }

    /// Appends `body` as the next entry; returns its seq or the plan rule it breaks.
    fn append(&mut self, body: Body) -> Result<u64, PlanError> {
        let seq = self.state.size();
        let entry = Entry {
            seq,
            prev: self.state.last_hash(),
            recorded_at: "2026-11-30T10:00:00.000000Z".into(),
            recorded_by: "Lan #1".into(),
            body,
        };
        entry.body.validate().expect("fields");
        self.state.check(&entry.body).expect("ledger rules");
        self.plans.check(&entry)?;
        self.state.apply(&entry, ZERO_HASH).expect("ledger rules");
        self.plans.apply(&entry).expect("checked");
        Ok(seq)
    }
}

fn line(id: &str, label: &str, category: &str, amount: u64) -> BudgetLine {
    BudgetLine {
        amount: minor(amount),
        category: category.into(),
        id: id.into(),
        label: label.into(),
        sector: super::suggested_sector(category).map(String::from),
    }
}

fn budget(revises: Option<u64>, lines: Vec<BudgetLine>) -> Body {
    Body::Budget(Budget {
        campaign: "flood".into(),
        currency: vnd(),
        lines,
        note: None,
        revises,
    })
}

fn first_lines() -> Vec<BudgetLine> {
    vec![
        line("rice", "Rice for 500 families", "food", 5_000_000),
        line("boats", "Boat repair", "x-boat-repair", 3_000_000),
    ]
}

fn payment(line: Option<&str>, amount: u64) -> Body {
    Body::Disbursement(Disbursement {
        approval: None,
        amount: minor(amount),
        budget_line: line.map(String::from),
        campaign: "flood".into(),
        currency: vnd(),
        evidence: vec![],
        paid_at: "2026-11-30".into(),
        purpose: "Rice".into(),
        recipient: "Mill".into(),
        reference: None,
    })
}

fn donation(campaign: &str, amount: u64, pledge: Option<u64>) -> Body {
    Body::Donation(Donation {
        amount: minor(amount),
        campaign: campaign.into(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: vnd(),
        donor: "Hoa".into(),
        in_kind: None,
        memo: None,
        pledge,
        received_at: "2026-11-30".into(),
        reference: None,
    })
}

fn pledge(campaign: &str, amount: u64) -> Body {
    Body::Pledge(Pledge {
        amount: minor(amount),
        campaign: campaign.into(),
        currency: vnd(),
        donor: "Công ty Hòa Bình".into(),
        expected_on: Some("2026-12-15".into()),
        note: None,
    })
}

fn cancel(pledge: u64) -> Body {
    Body::PledgeCancel(PledgeCancel {
        campaign: "flood".into(),
        pledge,
        reason: "The company withdrew its offer".into(),
    })
}

fn reversal(reverses: u64) -> Body {
    Body::Reversal(Reversal {
        note: None,
        reason: ReversalReason::Error,
        reverses,
    })
}

#[test]
fn a_revision_that_names_the_budget_in_force_replaces_it_and_keeps_what_was_paid() {
    let mut b = Books::new();
    let first = b.append(budget(None, first_lines())).expect("budget");
    b.append(payment(Some("rice"), 2_000_000)).expect("paid");
    let mut lines = first_lines();
    lines[0].amount = minor(2_000_000);
    lines[1] = line("water", "Water filters", "water", 1_000_000);
    let second = b.append(budget(Some(first), lines)).expect("revision");
    let book = b.plans.budget("flood");
    assert_eq!(book.in_force(), Some(second));
    assert_eq!(book.entries(), 2);
    let ids: Vec<_> = book.lines().iter().map(|s| s.line.id.clone()).collect();
    assert_eq!(ids, ["rice", "water"]);
    assert_eq!(book.paid_against("rice"), Total(2_000_000));
}

#[test]
fn a_second_budget_that_does_not_name_the_first_is_refused() {
    let mut b = Books::new();
    let first = b.append(budget(None, first_lines())).expect("budget");
    let e = b.append(budget(None, first_lines())).unwrap_err();
    assert_eq!(
        e,
        PlanError::RevisionUnnamed {
            campaign: "flood".into(),
            in_force: first
        }
    );
    assert_eq!(e.field(), "revises");
}

#[test]
fn a_revision_of_a_budget_no_longer_in_force_is_refused() {
    let mut b = Books::new();
    let first = b.append(budget(None, first_lines())).expect("budget");
    let second = b
        .append(budget(Some(first), first_lines()))
        .expect("revision");
    let e = b.append(budget(Some(first), first_lines())).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "revises entry {first}, but campaign \"flood\"'s budget in force is entry {second}"
        )
    );
}

#[test]
fn a_first_budget_that_names_something_to_revise_is_refused() {
    let mut b = Books::new();
    let e = b.append(budget(Some(2), first_lines())).unwrap_err();
    assert_eq!(e.code(), "nothing_to_revise");
}

#[test]
fn a_revision_that_drops_renames_or_underplans_a_paid_line_is_refused() {
    let mut b = Books::new();
    let first = b.append(budget(None, first_lines())).expect("budget");
    b.append(payment(Some("rice"), 2_000_000)).expect("paid");

    let dropped = vec![first_lines()[1].clone()];
    let e = b.append(budget(Some(first), dropped)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line \"rice\" has 2000000 minor units paid against it, so a revision must keep it"
    );

    let mut renamed = first_lines();
    renamed[0].label = "Noodles".into();
    assert_eq!(
        b.append(budget(Some(first), renamed)).unwrap_err().code(),
        "paid_line_renamed"
    );
    let mut recategorised = first_lines();
    recategorised[0].category = "other".into();
    assert_eq!(
        b.append(budget(Some(first), recategorised))
            .unwrap_err()
            .code(),
        "paid_line_renamed"
    );

    let mut under = first_lines();
    under[0].amount = minor(1_999_999);
    let e = b.append(budget(Some(first), under)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line \"rice\" plans 1999999 minor units, below the 2000000 already paid against it"
    );
    assert_eq!(e.field(), "lines.amount");
    assert_eq!(b.plans.budget("flood").in_force(), Some(first));
}

#[test]
fn a_reversed_payment_no_longer_binds_its_line() {
    let mut b = Books::new();
    let first = b.append(budget(None, first_lines())).expect("budget");
    let paid = b.append(payment(Some("rice"), 2_000_000)).expect("paid");
    b.append(reversal(paid)).expect("reversed");
    assert_eq!(b.plans.budget("flood").paid_against("rice"), Total(0));
    let dropped = vec![first_lines()[1].clone()];
    b.append(budget(Some(first), dropped))
        .expect("a line with nothing paid may go");
}

#[test]
fn a_payment_naming_a_line_the_budget_lacks_or_without_a_budget_is_refused() {
    let mut b = Books::new();
    let e = b.append(payment(Some("rice"), 1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "campaign \"flood\" has no budget, so budget_line \"rice\" names nothing"
    );
    let first = b.append(budget(None, first_lines())).expect("budget");
    let e = b.append(payment(Some("tents"), 1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "budget line \"tents\" is not in campaign \"flood\"'s budget in force (entry {first})"
        )
    );
    assert_eq!(e.field(), "budget_line");
    b.append(payment(None, 1))
        .expect("a payment outside the budget is allowed");
}

#[test]
fn a_pledge_is_never_over_fulfilled() {
    let mut b = Books::new();
    let p = b.append(pledge("flood", 5_000_000)).expect("pledge");
    b.append(donation("flood", 3_000_000, Some(p)))
        .expect("part");
    let e = b.append(donation("flood", 2_000_001, Some(p))).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("pledge {p} promised 5000000 minor units and 3000000 were received; 2000001 more would over-fulfil it")
    );
    b.append(donation("flood", 2_000_000, Some(p)))
        .expect("the rest");
    let t = b.plans.pledge_totals("flood");
    assert_eq!(
        (t.pledges, t.pledged, t.received, t.outstanding, t.cancelled),
        (1, Total(5_000_000), Total(5_000_000), Total(0), Total(0))
    );
    assert_eq!(b.append(cancel(p)).unwrap_err().code(), "pledge_fulfilled");
}

#[test]
fn a_cancelled_pledge_is_never_fulfilled_again_nor_cancelled_twice() {
    let mut b = Books::new();
    let p = b.append(pledge("flood", 5_000_000)).expect("pledge");
    b.append(donation("flood", 1_000_000, Some(p)))
        .expect("part");
    let c = b.append(cancel(p)).expect("cancelled");
    let e = b.append(donation("flood", 1, Some(p))).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("pledge {p} was cancelled by entry {c}, so no donation can fulfil it")
    );
    assert_eq!(
        b.append(cancel(p)).unwrap_err(),
        PlanError::AlreadyCancelled {
            pledge: p,
            cancelled_by: c
        }
    );
    let t = b.plans.pledge_totals("flood");
    assert_eq!(
        (t.pledged, t.received, t.outstanding, t.cancelled),
        (
            Total(5_000_000),
            Total(1_000_000),
            Total(0),
            Total(4_000_000)
        )
    );
}

#[test]
fn a_donation_naming_what_is_not_a_pledge_of_its_campaign_is_refused() {
    let mut b = Books::new();
    let p = b.append(pledge("school", 5_000)).expect("pledge");
    let e = b.append(donation("flood", 1, Some(p))).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("entry {p} is not a pledge for campaign \"flood\"")
    );
    assert_eq!(
        b.append(donation("flood", 1, Some(0))).unwrap_err().code(),
        "not_a_pledge"
    );
}

#[test]
fn a_reversed_gift_is_outstanding_again() {
    let mut b = Books::new();
    let p = b.append(pledge("flood", 5_000)).expect("pledge");
    let gift = b.append(donation("flood", 5_000, Some(p))).expect("all");
    b.append(reversal(gift)).expect("reversed");
    let t = b.plans.pledge_totals("flood");
    assert_eq!((t.received, t.outstanding), (Total(0), Total(5_000)));
    b.append(donation("flood", 5_000, Some(p)))
        .expect("the pledge can be fulfilled again");
}

#[test]
fn categories_are_the_fixed_list_or_a_custom_slug() {
    for ok in ["food", "administration", "x-boat-repair", "x-a"] {
        assert!(super::is_category(ok), "{ok}");
    }
    for bad in ["Food", "x-", "x-Boat", "custom", "", "x-a b"] {
        assert!(!super::is_category(bad), "{bad}");
    }
}
