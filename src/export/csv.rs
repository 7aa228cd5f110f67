//! A CSV of entries (RFC 4180, UTF-8 with a byte-order mark, `\r\n`) with a running balance
//! per campaign, for spreadsheets and auditors. Built row by row so callers can stream it.
//!
//! The byte-order mark makes Excel read the file as UTF-8 (Vietnamese names stay
//! readable). Amounts come twice: `amount_minor`, `balance_minor` and
//! `counterpart_balance_minor` are plain signed integers of the currency's minor unit (đồng,
//! cents), which a spreadsheet reads as numbers in any locale (a Vietnamese-locale one reads
//! `1.000` as one thousand and `12.50` as text: an integer without separators is the only
//! form every locale agrees on); `amount`, `balance` and `counterpart_balance` are the same
//! as signed decimals in the major unit (`-12.50`), to read. Amounts are signed for
//! `campaign`: money in is positive, money out (a payment, a transfer out, a reversed gift)
//! negative; `direction` says `in` or `out`. See docs/api.md "Exports" for every column.
//!
//! Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`)
//! are prefixed with `'`.

use super::ExportError;
use crate::ledger::entry::{Body, Entry, Evidence, ReversalReason};
use crate::ledger::hash::Hash;
use crate::ledger::money::Currency;
use std::collections::{HashMap, HashSet};

/// The header line, after the byte-order mark.
pub const HEADER: &str = "\u{FEFF}seq,recorded_at,date,kind,campaign,campaign_title,counterpart_campaign,direction,amount_minor,amount,currency,channel,donor_or_recipient,reference,purpose_or_memo,in_kind_description,evidence,reversed_seq,reversed_by_seq,reversal_reason,leaf_hash,balance_minor,balance,counterpart_balance_minor,counterpart_balance,budget_line,budget_category,pledge\r\n";

/// Which entries become rows, and whose balances are kept.
#[derive(Debug, Default)]
enum Scope {
    /// Every entry; every campaign's balance.
    #[default]
    All,
    /// Entries touching `id`; balances of `id` and of `tracked` (the campaigns it
    /// exchanged transfers with), the only balances its rows show.
    Campaign {
        id: String,
        tracked: HashSet<String>,
    },
}

/// The CSV generator's state: what it covers, the balances and titles of the campaigns it
/// tracks (one number and one title per campaign, whatever the ledger's size), and where
/// evidence files are downloaded.
#[derive(Debug, Default)]
pub struct CsvExport {
    scope: Scope,
    balances: HashMap<String, (Currency, i128)>,
    titles: HashMap<String, String>,
    /// The category of each line of each campaign's budget in force, by (campaign, line).
    categories: HashMap<(String, String), String>,
    evidence_base: String,
}

/// Quotes a cell when it needs it (RFC 4180).
fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A free-text cell: quoted, and never run as a spreadsheet formula.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        cell(&format!("'{text}"))
    } else {
        cell(text)
    }
}

/// A reversal reason as the ledger writes it (`refund`, `duplicate`, `error`).
fn reason_text(reason: ReversalReason) -> &'static str {
    match reason {
        ReversalReason::Refund => "refund",
        ReversalReason::Duplicate => "duplicate",
        ReversalReason::Error => "error",
    }
}

/// One row before it is written.
#[derive(Default)]
struct Row {
    date: String,
    campaign: String,
    counterpart: String,
    /// The amount, signed for `campaign`, with its currency (none for opening and closing).
    amount: Option<(i128, Currency)>,
    currency: String,
    channel: String,
    party: String,
    reference: String,
    memo: String,
    in_kind: String,
    evidence: String,
    reversed: String,
    reason: String,
    budget_line: String,
    budget_category: String,
    pledge: String,
}

impl CsvExport {
    /// A generator of a row for every entry. It must be given every entry, in order.
    pub fn all() -> Self {
        Self::default()
    }

    /// A generator of the rows touching `campaign`, given only the entries that touch
    /// `campaign` or one of `partners`, in order. Running balances depend only on each
    /// campaign's own entries, so with `partners` every campaign `campaign` exchanged
    /// transfers with ([`crate::store::Store::transfer_partners`]), every balance its rows
    /// show is the one the full export shows.
    pub fn of_campaign(campaign: &str, partners: impl IntoIterator<Item = String>) -> Self {
        let mut tracked: HashSet<String> = partners.into_iter().collect();
        tracked.insert(campaign.to_string());
        CsvExport {
            scope: Scope::Campaign {
                id: campaign.to_string(),
                tracked,
            },
            ..Self::default()
        }
    }

    /// Writes evidence links as `<base>/api/v1/evidence/<sha256>` (the server's public URL);
    /// without a base they are paths from the server's address.
    pub fn with_evidence_base(mut self, base: &str) -> Self {
        self.evidence_base = base.trim_end_matches('/').to_string();
        self
    }

    fn add(&mut self, seq: u64, campaign: &str, delta: i128) -> Result<(), ExportError> {
        match self.balances.get_mut(campaign) {
            Some((_, balance)) => {
                *balance += delta;
                Ok(())
            }
            // The other side of a partner's transfer with a campaign this export skips.
            None if matches!(&self.scope, Scope::Campaign { tracked, .. } if !tracked.contains(campaign)) => {
                Ok(())
            }
            None => Err(ExportError::Inconsistent {
                seq,
                problem: format!("campaign {campaign:?} was never opened"),
            }),
        }
    }

    /// The balance of `campaign` as (minor units, decimal), or two empty cells.
    fn balance(&self, campaign: &str) -> [String; 2] {
        self.balances.get(campaign).map_or_else(
            || [String::new(), String::new()],
            |(c, b)| [b.to_string(), super::signed_decimal(*b, *c)],
        )
    }

    /// The evidence cell of a payment: the download link of each file, space-separated.
    fn evidence_links(&self, evidence: &[Evidence]) -> String {
        evidence
            .iter()
            .map(|e| {
                format!(
                    "{}/api/v1/evidence/{}",
                    self.evidence_base,
                    e.sha256.to_hex()
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The row for `entry` (whose leaf hash is `leaf_hash`), or `None` when it does not
    /// touch the chosen campaign. Entries must come in ledger order; for a reversal,
    /// `reversed` is the body of the entry it reverses; `reversed_by` is the seq and reason
    /// of the published reversal that undid `entry`, when one did.
    ///
    /// # Errors
    /// [`ExportError::Inconsistent`] when an entry names a campaign never opened, or a
    /// reversal comes without the entry it reverses or reverses one that moved no money.
    pub fn row(
        &mut self,
        entry: &Entry,
        leaf_hash: &Hash,
        reversed: Option<&Body>,
        reversed_by: Option<(u64, ReversalReason)>,
    ) -> Result<Option<String>, ExportError> {
        let seq = entry.seq;
        let mut row = match &entry.body {
            Body::Reversal(r) => self.reversal_row(seq, r, reversed)?,
            body => self.movement_row(seq, body)?,
        };
        if let Scope::Campaign { id, .. } = &self.scope {
            if row.campaign != *id && row.counterpart != *id {
                return Ok(None);
            }
        }
        if row.date.is_empty() {
            row.date = entry.recorded_at.chars().take(10).collect();
        }
        let reversed_by_seq = match reversed_by {
            Some((by, reason)) => {
                row.reason = reason_text(reason).to_string();
                by.to_string()
            }
            None => String::new(),
        };
        let [counterpart_minor, counterpart_decimal] = if row.counterpart.is_empty() {
            [String::new(), String::new()]
        } else {
            self.balance(&row.counterpart)
        };
        let [balance_minor, balance_decimal] = self.balance(&row.campaign);
        let (direction, amount_minor, amount) = match row.amount {
            Some((units, currency)) => (
                if units < 0 { "out" } else { "in" },
                units.to_string(),
                super::signed_decimal(units, currency),
            ),
            None => ("", String::new(), String::new()),
        };
        let title = self.titles.get(&row.campaign).cloned().unwrap_or_default();
        let fields = [
            seq.to_string(),
            cell(&entry.recorded_at),
            cell(&row.date),
            entry.body.kind().to_string(),
            cell(&row.campaign),
            text_cell(&title),
            cell(&row.counterpart),
            direction.to_string(),
            amount_minor,
            amount,
            row.currency,
            row.channel,
            text_cell(&row.party),
            text_cell(&row.reference),
            text_cell(&row.memo),
            text_cell(&row.in_kind),
            cell(&row.evidence),
            row.reversed,
            reversed_by_seq,
            row.reason,
            leaf_hash.to_hex(),
            balance_minor,
            balance_decimal,
            counterpart_minor,
            counterpart_decimal,
            cell(&row.budget_line),
            text_cell(&row.budget_category),
            row.pledge,
        ];
        Ok(Some(fields.join(",") + "\r\n"))
    }

    /// The row of an entry that is not a reversal, with the balances it moves applied.
    fn movement_row(&mut self, seq: u64, body: &Body) -> Result<Row, ExportError> {
        let signed = |m: crate::ledger::Minor| i128::from(m.get());
        Ok(match body {
            Body::CampaignOpen(o) => {
                self.balances.insert(o.id.clone(), (o.currency, 0));
                self.titles.insert(o.id.clone(), o.title.clone());
                Row {
                    campaign: o.id.clone(),
                    currency: o.currency.to_string(),
                    memo: o.purpose.clone(),
                    ..Row::default()
                }
            }
            Body::CampaignClose(c) => Row {
                campaign: c.campaign.clone(),
                currency: self
                    .balances
                    .get(&c.campaign)
                    .map_or(String::new(), |(cur, _)| cur.to_string()),
                memo: c.note.clone().unwrap_or_default(),
                ..Row::default()
            },
            Body::Donation(d) => {
                self.add(seq, &d.campaign, signed(d.amount))?;
                Row {
                    date: d.received_at.clone(),
                    campaign: d.campaign.clone(),
                    amount: Some((signed(d.amount), d.currency)),
                    currency: d.currency.to_string(),
                    channel: serde_json::to_value(d.channel)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    party: d.donor.clone(),
                    reference: d.reference.clone().unwrap_or_default(),
                    memo: d.memo.clone().unwrap_or_default(),
                    in_kind: d
                        .in_kind
                        .as_ref()
                        .map(|k| k.description.clone())
                        .unwrap_or_default(),
                    pledge: d.pledge.map(|p| p.to_string()).unwrap_or_default(),
                    ..Row::default()
                }
            }
            Body::Disbursement(d) => {
                self.add(seq, &d.campaign, -signed(d.amount))?;
                Row {
                    date: d.paid_at.clone(),
                    campaign: d.campaign.clone(),
                    amount: Some((-signed(d.amount), d.currency)),
                    currency: d.currency.to_string(),
                    party: d.recipient.clone(),
                    reference: d.reference.clone().unwrap_or_default(),
                    memo: d.purpose.clone(),
                    evidence: self.evidence_links(&d.evidence),
                    budget_category: d
                        .budget_line
                        .as_ref()
                        .and_then(|l| self.categories.get(&(d.campaign.clone(), l.clone())))
                        .cloned()
                        .unwrap_or_default(),
                    budget_line: d.budget_line.clone().unwrap_or_default(),
                    ..Row::default()
                }
            }
            Body::Transfer(t) => {
                self.add(seq, &t.from, -signed(t.amount))?;
                self.add(seq, &t.to, signed(t.amount))?;
                Row {
                    campaign: t.from.clone(),
                    counterpart: t.to.clone(),
                    amount: Some((-signed(t.amount), t.currency)),
                    currency: t.currency.to_string(),
                    reference: t.reference.clone().unwrap_or_default(),
                    memo: t.reason.clone(),
                    ..Row::default()
                }
            }
            // A bank statement moves no campaign's money (SPEC.md §16.1): a row naming it.
            Body::Statement(st) => Row {
                currency: st.currency.to_string(),
                party: st.account.number.clone(),
                memo: format!(
                    "{} {} {} to {}",
                    st.account.bank, st.account.number, st.from, st.to
                ),
                ..Row::default()
            },
            // A narrative update moves no money (SPEC.md §20.1): a row with its title and files.
            Body::Update(u) => Row {
                date: u.date.clone(),
                campaign: u.campaign.clone(),
                currency: self
                    .balances
                    .get(&u.campaign)
                    .map_or(String::new(), |(cur, _)| cur.to_string()),
                memo: u.title.clone(),
                evidence: self.evidence_links(&u.evidence),
                ..Row::default()
            },
            // A key rotation moves no money (SPEC.md §23): a row naming the new key.
            Body::KeyRotate(k) => Row {
                party: k.verifier_key.clone(),
                memo: k.note.clone().map_or_else(
                    || "key rotation".to_string(),
                    |n| format!("key rotation: {n}"),
                ),
                ..Row::default()
            },
            // An approval rule moves no money (SPEC.md §17): a row naming it.
            Body::ApprovalPolicy(p) => Row {
                campaign: p.campaign.clone().unwrap_or_default(),
                currency: p.currency.to_string(),
                memo: format!(
                    "approval rule: {} approvers from {} minor units",
                    p.approvers, p.threshold
                ),
                ..Row::default()
            },
            Body::Budget(b) => self.budget_row(b),
            Body::Pledge(p) => Row {
                date: p.expected_on.clone().unwrap_or_default(),
                campaign: p.campaign.clone(),
                currency: p.currency.to_string(),
                party: p.donor.clone(),
                memo: super::plans_text::pledge_memo(p),
                pledge: seq.to_string(),
                ..Row::default()
            },
            Body::PledgeCancel(c) => Row {
                campaign: c.campaign.clone(),
                currency: self
                    .balances
                    .get(&c.campaign)
                    .map_or(String::new(), |(cur, _)| cur.to_string()),
                memo: c.reason.clone(),
                pledge: c.pledge.to_string(),
                ..Row::default()
            },
            // A platform registry's entry moves no money: its kind and organisation.
            Body::Org(o) => Row {
                party: o.org().to_string(),
                memo: o.kind().to_string(),
                ..Row::default()
            },
            // `row` gives reversals their own row; one reaching here is not a movement.
            Body::Reversal(_) => {
                return Err(ExportError::Inconsistent {
                    seq,
                    problem: "a reversal has no movement row of its own".into(),
                })
            }
        })
    }

    /// The row of a budget (which moves no money): its lines in the memo, and their
    /// categories remembered for the payments that name them.
    fn budget_row(&mut self, b: &crate::ledger::budget::Budget) -> Row {
        self.categories
            .retain(|(campaign, _), _| *campaign != b.campaign);
        for line in &b.lines {
            self.categories
                .insert((b.campaign.clone(), line.id.clone()), line.category.clone());
        }
        Row {
            campaign: b.campaign.clone(),
            currency: b.currency.to_string(),
            memo: super::plans_text::budget_memo(b),
            ..Row::default()
        }
    }

    /// The row of reversal `r` of the movement `reversed`, with the balances it moves back.
    /// Its amount is signed for the reversed entry's campaign (a transfer's source): the
    /// opposite of the reversed entry's.
    fn reversal_row(
        &mut self,
        seq: u64,
        r: &crate::ledger::entry::Reversal,
        reversed: Option<&Body>,
    ) -> Result<Row, ExportError> {
        let m = super::reversed_movement(seq, r.reverses, reversed)?;
        let amount = i128::from(m.amount.get());
        let back = match m.kind {
            "donation" => -amount,
            _ => amount,
        };
        self.add(seq, &m.campaign, back)?;
        if let Some(to) = &m.to {
            self.add(seq, to, -amount)?;
        }
        Ok(Row {
            campaign: m.campaign.clone(),
            counterpart: m.to.clone().unwrap_or_default(),
            amount: Some((back, m.currency)),
            currency: m.currency.to_string(),
            memo: r.note.clone().unwrap_or_default(),
            reversed: r.reverses.to_string(),
            reason: reason_text(r.reason).to_string(),
            ..Row::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_with_separators_quotes_or_formulas_are_quoted_and_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text_cell("-5"), "'-5");
    }
}
