use super::*;
use crate::entry::{
    CampaignOpen, Channel, Disbursement, Donation, Exclusion, ExclusionReason, Reversal,
    ReversalReason,
};
use crate::hash::{Hash, ZERO_HASH};

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn account() -> Account {
    Account {
        bank: "Vietcombank".into(),
        holder: "Quỹ Cứu trợ".into(),
        number: "0011004455667".into(),
    }
}

fn entry(seq: u64, body: Body) -> Entry {
    Entry {
        seq,
        prev: ZERO_HASH,
        recorded_at: "2024-10-01T00:00:00.000000Z".into(),
        recorded_by: "test".into(),
        body,
    }
}

fn open() -> Body {
    Body::CampaignOpen(CampaignOpen {
        approval: None,
        accounts: vec![account()],
        currency: vnd(),
        ends_on: None,
        goal: None,
        id: "yagi".into(),
        purpose: "Relief".into(),
        title: "Yagi".into(),
    })
}

fn donation(reference: &str, amount: u64) -> Body {
    Body::Donation(Donation {
        amount: Minor::new(amount).expect("amount"),
        campaign: "yagi".into(),
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

fn disbursement(reference: &str, amount: u64) -> Body {
    Body::Disbursement(Disbursement {
        approval: None,
        amount: Minor::new(amount).expect("amount"),
        budget_line: None,
        campaign: "yagi".into(),
        currency: vnd(),
        evidence: vec![],
        paid_at: "2024-09-11".into(),
        purpose: "Rice".into(),
        recipient: "Co-op".into(),
        reference: Some(reference.into()),
    })
}

fn line(date: &str, id: &str, amount: i64) -> StatementLine {
    StatementLine {
        amount: SignedMinor(amount),
        counterparty: None,
        counterparty_commitment: None,
        date: date.into(),
        id: id.into(),
        memo: None,
    }
}

fn statement(
    from: &str,
    to: &str,
    opening: i64,
    lines: &[StatementLine],
    exclusions: Vec<Exclusion>,
) -> Statement {
    let sum: i64 = lines.iter().map(|l| l.amount.get()).sum();
    Statement {
        account: account(),
        closing: SignedMinor(opening + sum),
        currency: vnd(),
        exclusions,
        file_sha256: Hash([7; 32]),
        from: from.into(),
        lines: lines.len() as u64,
        lines_root: lines_root(lines),
        lines_sha256: crate::hash::sha256(&encode_lines(lines)),
        opening: SignedMinor(opening),
        to: to.into(),
    }
}

/// Reconciles `bodies` (entry 0 opens the campaign), with each statement's lines published.
fn reconcile(bodies: Vec<Body>, published: &[Vec<StatementLine>]) -> Reconciliation {
    let mut r = Reconciler::new();
    r.observe(&entry(0, open()));
    for (i, b) in bodies.into_iter().enumerate() {
        r.observe(&entry(i as u64 + 1, b));
    }
    r.finish(|s| {
        published
            .iter()
            .find(|l| lines_root(l) == s.lines_root)
            .map(|l| encode_lines(l))
    })
}

fn kinds(r: &Reconciliation) -> Vec<(Option<u64>, FindingKind)> {
    r.findings().map(|f| (f.line, f.kind.clone())).collect()
}

#[test]
fn a_statement_whose_every_line_is_named_once_reconciles_through_its_last_day() {
    let lines = vec![
        line("2024-09-10", "FT1", 500_000),
        line("2024-09-11", "FT2", -200_000),
    ];
    let s = statement("2024-09-01", "2024-09-30", 0, &lines, vec![]);
    let r = reconcile(
        vec![
            donation("FT1", 500_000),
            disbursement("FT2", 200_000),
            Body::Statement(s),
        ],
        &[lines],
    );
    assert!(r.is_clean(), "{:?}", kinds(&r));
    let a = &r.accounts[0];
    assert_eq!(a.reconciled_through.as_deref(), Some("2024-09-30"));
    assert_eq!(a.bank_balance, SignedMinor(300_000));
    assert_eq!(a.ledger_balance, 300_000);
}

#[test]
fn a_credit_no_donation_names_is_reported_with_its_line_and_date() {
    let lines = vec![
        line("2024-09-10", "FT1", 500_000),
        line("2024-09-12", "FT9", 70_000),
    ];
    let s = statement("2024-09-01", "2024-09-30", 0, &lines, vec![]);
    let r = reconcile(vec![donation("FT1", 500_000), Body::Statement(s)], &[lines]);
    let f: Vec<&Finding> = r.findings().collect();
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].line, f[0].date.as_str()), (Some(2), "2024-09-12"));
    assert!(matches!(f[0].kind, FindingKind::UnmatchedCredit { .. }));
    assert!(f[0].to_string().contains("no donation names it"));
    assert_eq!(r.accounts[0].reconciled_through, None);
    assert_eq!(r.accounts[0].ledger_balance, 500_000);
}

#[test]
fn a_duplicated_donation_is_reported_until_one_copy_is_reversed() {
    let lines = vec![line("2024-09-10", "FT1", 500_000)];
    let s = statement("2024-09-01", "2024-09-30", 0, &lines, vec![]);
    let twice = vec![
        donation("FT1", 500_000),
        donation("FT1", 500_000),
        Body::Statement(s.clone()),
    ];
    let r = reconcile(twice.clone(), std::slice::from_ref(&lines));
    assert_eq!(
        kinds(&r),
        vec![(
            Some(1),
            FindingKind::NamedMoreThanOnce {
                id: "FT1".into(),
                entries: vec![1, 2]
            }
        )]
    );
    let mut corrected = twice;
    corrected.push(Body::Reversal(Reversal {
        note: None,
        reason: ReversalReason::Duplicate,
        reverses: 2,
    }));
    assert!(reconcile(corrected, &[lines]).is_clean());
}

#[test]
fn gaps_overlaps_and_broken_openings_between_statements_are_reported() {
    let a = vec![line("2024-09-10", "FT1", 100)];
    let b = vec![line("2024-10-10", "FT2", 100)];
    let c = vec![line("2024-10-20", "FT3", 100)];
    let d = vec![line("2024-12-02", "FT4", 100)];
    let r = reconcile(
        vec![
            donation("FT1", 100),
            donation("FT2", 100),
            donation("FT3", 100),
            donation("FT4", 100),
            Body::Statement(statement("2024-09-01", "2024-09-30", 0, &a, vec![])),
            // Opens at 50, not at September's closing 100.
            Body::Statement(statement("2024-10-01", "2024-10-31", 50, &b, vec![])),
            // Covers 15 to 31 October again.
            Body::Statement(statement("2024-10-15", "2024-10-31", 150, &c, vec![])),
            // November is missing.
            Body::Statement(statement("2024-12-01", "2024-12-31", 250, &d, vec![])),
        ],
        &[a, b, c, d],
    );
    let f: Vec<String> = r.findings().map(|f| f.to_string()).collect();
    assert_eq!(f.len(), 3, "{f:#?}");
    assert!(f[0].contains("opens at 50, but statement 5 closed at 100"));
    assert!(f[1].contains("covers 2024-10-15 to 2024-10-31, which statement 6 covers too"));
    assert!(f[2].contains("no statement covers 2024-11-01 to 2024-11-30"));
    assert_eq!(
        r.accounts[0].reconciled_through.as_deref(),
        Some("2024-09-30")
    );
}

#[test]
fn exclusions_explain_interest_fees_and_returned_transfers_but_only_in_their_direction() {
    let lines = vec![
        line("2024-09-30", "INT", 1_200),
        line("2024-09-30", "FEE", -11_000),
        line("2024-09-15", "RET", 300_000),
        line("2024-09-16", "RET-OUT", -300_000),
        line("2024-09-30", "FEE2", 5_000),
    ];
    let x = |line, reason| Exclusion {
        line,
        note: None,
        reason,
    };
    let s = statement(
        "2024-09-01",
        "2024-09-30",
        20_000,
        &lines,
        vec![
            x(1, ExclusionReason::Interest),
            x(2, ExclusionReason::Fee),
            x(3, ExclusionReason::ReturnedTransfer),
            x(4, ExclusionReason::ReturnedTransfer),
            x(5, ExclusionReason::Fee),
        ],
    );
    let r = reconcile(vec![Body::Statement(s)], &[lines]);
    assert_eq!(
        kinds(&r),
        vec![(
            Some(5),
            FindingKind::ExclusionDoesNotFit {
                reason: ExclusionReason::Fee
            }
        )]
    );
    assert_eq!(
        r.accounts[0].ledger_balance,
        20_000 + 1_200 - 11_000 + 5_000
    );
    let shown: Vec<String> = r.accounts[0]
        .excluded
        .iter()
        .map(|x| x.to_string())
        .collect();
    assert_eq!(shown.len(), 5);
    assert_eq!(
        shown[2],
        "statement 1 line 3 (2024-09-15): 300000 (RET) explained as returned_transfer"
    );
}

#[test]
fn a_published_line_changed_after_the_fact_is_caught_and_no_line_of_it_is_matched() {
    let lines = vec![line("2024-09-10", "FT1", 500_000)];
    let s = statement("2024-09-01", "2024-09-30", 0, &lines, vec![]);
    let mut r = Reconciler::new();
    r.observe(&entry(0, open()));
    r.observe(&entry(1, Body::Statement(s)));
    let tampered = vec![line("2024-09-10", "FT1", 50_000)];
    let result = r.finish(|_| Some(encode_lines(&tampered)));
    assert_eq!(
        kinds(&result),
        vec![(
            None,
            FindingKind::LinesTampered {
                published: 1,
                committed: 1
            }
        )]
    );
}

#[test]
fn a_statement_of_an_account_no_campaign_lists_is_reported() {
    let lines = vec![line("2024-09-10", "FT1", 5)];
    let mut s = statement("2024-09-01", "2024-09-30", 0, &lines, vec![]);
    s.account.number = "999".into();
    let r = reconcile(vec![donation("FT1", 5), Body::Statement(s)], &[lines]);
    assert_eq!(kinds(&r), vec![(None, FindingKind::UnknownAccount)]);
}

#[test]
fn lines_that_do_not_sum_to_the_closing_balance_are_reported() {
    let lines = vec![line("2024-09-10", "FT1", 5)];
    let mut s = statement("2024-09-01", "2024-09-30", 0, &lines, vec![]);
    s.closing = SignedMinor(6);
    let r = reconcile(vec![donation("FT1", 5), Body::Statement(s)], &[lines]);
    assert!(matches!(
        kinds(&r)[..],
        [(None, FindingKind::SumMismatch { lines_sum: 5, .. })]
    ));
}

#[test]
fn canonical_lines_round_trip_and_anything_else_is_refused() {
    let mut l = line("2024-09-10", "FT1", -5);
    l.memo = Some("ủng hộ".into());
    let file = encode_lines(std::slice::from_ref(&l));
    assert_eq!(
        file,
        "{\"amount\":\"-5\",\"date\":\"2024-09-10\",\"id\":\"FT1\",\"memo\":\"ủng hộ\"}\n"
            .as_bytes()
    );
    assert_eq!(decode_lines(&file), Ok(vec![l]));
    for bad in [
        &b"{\"amount\":\"0\",\"date\":\"2024-09-10\",\"id\":\"FT1\"}\n"[..],
        b"{\"amount\":\"5\",\"id\":\"FT1\",\"date\":\"2024-09-10\"}\n",
        b"{\"amount\":\"5\",\"date\":\"2024-09-10\",\"id\":\"FT1\"}",
        b"{\"amount\":\"+5\",\"date\":\"2024-09-10\",\"id\":\"FT1\"}\n",
    ] {
        assert!(
            decode_lines(bad).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn changing_any_one_published_line_is_caught() {
    let lines = vec![
        line("2024-09-10", "FT1", 500_000),
        line("2024-09-11", "FT2", 20_000),
        line("2024-09-30", "FEE", -11_000),
    ];
    let s = statement("2024-09-01", "2024-09-30", 0, &lines, vec![]);
    for i in 0..lines.len() {
        for change in 0..3 {
            let mut published = lines.clone();
            match change {
                0 => published[i].amount = SignedMinor(published[i].amount.get() + 1),
                1 => published[i].date = "2024-09-29".into(),
                _ => published[i].memo = Some("changed".into()),
            }
            let mut r = Reconciler::new();
            r.observe(&entry(0, open()));
            r.observe(&entry(1, Body::Statement(s.clone())));
            let result = r.finish(|_| Some(encode_lines(&published)));
            assert!(
                matches!(
                    kinds(&result)[..],
                    [(None, FindingKind::LinesTampered { .. })]
                ),
                "line {i}, change {change}: {:?}",
                kinds(&result)
            );
        }
    }
}
