//! A charity's books for the reconciliation tests: campaigns with their bank accounts,
//! entries naming bank transactions, and statements whose lines are published as files.

use crate::helpers::ledger::{currency, minor, LedgerBuilder};
use fundtrail::ledger::entry::{
    Account, CampaignOpen, Channel, Disbursement, Donation, Exclusion, ExclusionReason,
    SignedMinor, Statement,
};
use fundtrail::ledger::reconcile::{encode_lines, lines_root, StatementLine};
use fundtrail::ledger::{Body, CheckpointSigner, Hash};
use std::path::Path;
use std::process::Output;

pub fn vcb() -> Account {
    Account {
        bank: "Vietcombank".into(),
        holder: "Quỹ Cứu trợ Miền Bắc".into(),
        number: "0071000123456".into(),
    }
}

pub fn bidv() -> Account {
    Account {
        bank: "BIDV".into(),
        holder: "Quỹ Cứu trợ Miền Bắc".into(),
        number: "12010000987654".into(),
    }
}

/// A line of a statement: day, transaction id, signed amount.
pub fn line(date: &str, id: &str, amount: i64) -> StatementLine {
    StatementLine {
        amount: SignedMinor(amount),
        counterparty: None,
        counterparty_commitment: None,
        date: date.into(),
        id: id.into(),
        memo: Some(format!("giao dich {id}")),
    }
}

/// The books: the ledger, and the published lines of each statement.
pub struct Books {
    pub ledger: LedgerBuilder,
    /// Each statement's published file of lines, by its SHA-256.
    pub published: Vec<(Hash, Vec<u8>)>,
    /// Each account's last closing balance, for the next statement's opening.
    closing: Vec<(Account, i64)>,
}

impl Books {
    /// Two campaigns: `relief` paid into Vietcombank, `schools` into BIDV.
    pub fn new() -> Self {
        let mut ledger = LedgerBuilder::new();
        for (id, account) in [("relief", vcb()), ("schools", bidv())] {
            ledger.append(
                "lan",
                Body::CampaignOpen(CampaignOpen {
                    approval: None,
                    accounts: vec![account],
                    currency: currency("VND"),
                    ends_on: None,
                    goal: None,
                    id: id.into(),
                    purpose: "Cứu trợ sau bão Yagi".into(),
                    title: format!("Yagi {id}"),
                }),
            );
        }
        Books {
            ledger,
            published: Vec::new(),
            closing: Vec::new(),
        }
    }

    /// A donation to `campaign` naming bank transaction `id`.
    pub fn donation(&mut self, campaign: &str, id: &str, amount: u64) -> u64 {
        self.ledger.append(
            "lan",
            Body::Donation(Donation {
                amount: minor(amount),
                campaign: campaign.into(),
                channel: Channel::BankTransfer,
                commitment: None,
                currency: currency("VND"),
                donor: "Anonymous".into(),
                in_kind: None,
                memo: None,
                pledge: None,
                received_at: "2024-09-10".into(),
                reference: Some(id.into()),
            }),
        )
    }

    /// A disbursement from `campaign` naming bank transaction `id`.
    pub fn disbursement(&mut self, campaign: &str, id: &str, amount: u64) -> u64 {
        self.ledger.append(
            "lan",
            Body::Disbursement(Disbursement {
                approval: None,
                amount: minor(amount),
                budget_line: None,
                campaign: campaign.into(),
                currency: currency("VND"),
                evidence: vec![],
                paid_at: "2024-10-20".into(),
                purpose: "Gạo và nước sạch".into(),
                recipient: "HTX Nghĩa Hành".into(),
                reference: Some(id.into()),
            }),
        )
    }

    /// A statement of `account` from `from` to `to` opening where the account's last one
    /// closed (or at `opening` for its first), with `excluded` lines (from 1) and reasons.
    pub fn statement(
        &mut self,
        account: Account,
        (from, to): (&str, &str),
        opening: Option<i64>,
        lines: Vec<StatementLine>,
        excluded: &[(u64, ExclusionReason)],
    ) -> u64 {
        let last = self
            .closing
            .iter()
            .find(|(a, _)| *a == account)
            .map(|(_, c)| *c);
        let opening = opening.or(last).unwrap_or(0);
        let closing = opening + lines.iter().map(|l| l.amount.get()).sum::<i64>();
        self.closing.retain(|(a, _)| *a != account);
        self.closing.push((account.clone(), closing));
        let root = lines_root(&lines);
        let file = encode_lines(&lines);
        let file_sha256 = fundtrail::ledger::hash::sha256(&file);
        self.published.push((file_sha256, file));
        self.ledger.append(
            "lan",
            Body::Statement(Statement {
                account,
                closing: SignedMinor(closing),
                currency: currency("VND"),
                exclusions: excluded
                    .iter()
                    .map(|(line, reason)| Exclusion {
                        line: *line,
                        note: None,
                        reason: *reason,
                    })
                    .collect(),
                file_sha256: fundtrail::ledger::hash::sha256(from.as_bytes()),
                from: from.into(),
                lines: lines.len() as u64,
                lines_root: root,
                lines_sha256: file_sha256,
                opening: SignedMinor(opening),
                to: to.into(),
            }),
        )
    }

    /// Writes the signed bundle (`bundle.txt`) and the published lines
    /// (`lines/<lines_sha256>.jsonl`)
    /// into `dir`.
    pub fn write(&self, dir: &Path) {
        let (signer, _) = CheckpointSigner::generate("reconcile.example").expect("a key");
        std::fs::write(dir.join("bundle.txt"), self.ledger.bundle(&signer)).expect("bundle");
        std::fs::create_dir_all(dir.join("lines")).expect("lines folder");
        for (sha, bytes) in &self.published {
            std::fs::write(dir.join("lines").join(format!("{sha}.jsonl")), bytes).expect("lines");
        }
    }
}

/// `fundtrail verify <dir>/bundle.txt --statements <dir>/lines` with `extra` arguments.
pub fn verify(dir: &Path, extra: &[&str]) -> Output {
    let bundle = dir.join("bundle.txt").display().to_string();
    let lines = dir.join("lines").display().to_string();
    let mut args = vec!["verify", bundle.as_str(), "--statements", lines.as_str()];
    args.extend_from_slice(extra);
    crate::helpers::binary::fundtrail(&args)
}
