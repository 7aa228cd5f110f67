//! A CSV of entries (RFC 4180, UTF-8, `\r\n`) with a running balance per campaign, for
//! spreadsheets and auditors. Built row by row so callers can stream it.
//!
//! Columns: `seq, recorded_at, kind, campaign, counterpart_campaign, amount, currency,
//! donor_or_recipient, reference, purpose_or_memo, reversed_seq, leaf_hash, balance,
//! counterpart_balance`. `amount` is a positive decimal in the major unit; `balance` is
//! what `campaign` holds after the entry and `counterpart_balance` what
//! `counterpart_campaign` (the destination of a transfer) holds. A reversal row shows the
//! campaigns and amount of the entry it undoes. Text cells that a spreadsheet would run
//! as a formula (starting with `=`, `+`, `-`, `@`) are prefixed with `'`.

use super::{signed_decimal, ExportError};
use crate::ledger::entry::{Body, Entry};
use crate::ledger::hash::Hash;
use crate::ledger::money::Currency;
use std::collections::{HashMap, HashSet};

/// The header line.
pub const HEADER: &str = "seq,recorded_at,kind,campaign,counterpart_campaign,amount,currency,donor_or_recipient,reference,purpose_or_memo,reversed_seq,leaf_hash,balance,counterpart_balance\r\n";

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

/// The CSV generator's state: what it covers and the balances of the campaigns it tracks
/// (one number per campaign, whatever the ledger's size).
#[derive(Debug, Default)]
pub struct CsvExport {
    scope: Scope,
    balances: HashMap<String, (Currency, i128)>,
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

/// One row before it is written.
#[derive(Default)]
struct Row {
    campaign: String,
    counterpart: String,
    amount: String,
    currency: String,
    party: String,
    reference: String,
    memo: String,
    reversed: String,
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
            balances: HashMap::new(),
        }
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

    fn balance(&self, campaign: &str) -> String {
        self.balances
            .get(campaign)
            .map_or(String::new(), |(c, b)| signed_decimal(*b, *c))
    }

    /// The row for `entry` (whose leaf hash is `leaf_hash`), or `None` when it does not
    /// touch the chosen campaign. Entries must come in ledger order; for a reversal,
    /// `reversed` is the body of the entry it reverses.
    ///
    /// # Errors
    /// [`ExportError::Inconsistent`] when an entry names a campaign never opened, or a
    /// reversal comes without the entry it reverses or reverses one that moved no money.
    pub fn row(
        &mut self,
        entry: &Entry,
        leaf_hash: &Hash,
        reversed: Option<&Body>,
    ) -> Result<Option<String>, ExportError> {
        let seq = entry.seq;
        let row = match &entry.body {
            Body::Reversal(r) => self.reversal_row(seq, r, reversed)?,
            body => self.movement_row(seq, body)?,
        };
        if let Scope::Campaign { id, .. } = &self.scope {
            if row.campaign != *id && row.counterpart != *id {
                return Ok(None);
            }
        }
        let counterpart_balance = if row.counterpart.is_empty() {
            String::new()
        } else {
            self.balance(&row.counterpart)
        };
        let fields = [
            seq.to_string(),
            cell(&entry.recorded_at),
            entry.body.kind().to_string(),
            cell(&row.campaign),
            cell(&row.counterpart),
            row.amount,
            row.currency,
            text_cell(&row.party),
            text_cell(&row.reference),
            text_cell(&row.memo),
            row.reversed,
            leaf_hash.to_hex(),
            self.balance(&row.campaign),
            counterpart_balance,
        ];
        Ok(Some(fields.join(",") + "\r\n"))
    }

    /// The row of an entry that is not a reversal, with the balances it moves applied.
    fn movement_row(&mut self, seq: u64, body: &Body) -> Result<Row, ExportError> {
        let signed = |m: crate::ledger::Minor| i128::from(m.get());
        Ok(match body {
            Body::CampaignOpen(o) => {
                self.balances.insert(o.id.clone(), (o.currency, 0));
                Row {
                    campaign: o.id.clone(),
                    currency: o.currency.to_string(),
                    memo: o.title.clone(),
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
                    campaign: d.campaign.clone(),
                    amount: d.amount.to_decimal(d.currency),
                    currency: d.currency.to_string(),
                    party: d.donor.clone(),
                    reference: d.reference.clone().unwrap_or_default(),
                    memo: d
                        .memo
                        .clone()
                        .or_else(|| d.in_kind.as_ref().map(|k| k.description.clone()))
                        .unwrap_or_default(),
                    ..Row::default()
                }
            }
            Body::Disbursement(d) => {
                self.add(seq, &d.campaign, -signed(d.amount))?;
                Row {
                    campaign: d.campaign.clone(),
                    amount: d.amount.to_decimal(d.currency),
                    currency: d.currency.to_string(),
                    party: d.recipient.clone(),
                    memo: d.purpose.clone(),
                    ..Row::default()
                }
            }
            Body::Transfer(t) => {
                self.add(seq, &t.from, -signed(t.amount))?;
                self.add(seq, &t.to, signed(t.amount))?;
                Row {
                    campaign: t.from.clone(),
                    counterpart: t.to.clone(),
                    amount: t.amount.to_decimal(t.currency),
                    currency: t.currency.to_string(),
                    memo: t.reason.clone(),
                    ..Row::default()
                }
            }
            // A bank statement moves no campaign's money (SPEC.md §13.1): a row naming it.
            Body::Statement(st) => Row {
                currency: st.currency.to_string(),
                party: st.account.number.clone(),
                memo: format!(
                    "{} {} {} to {}",
                    st.account.bank, st.account.number, st.from, st.to
                ),
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

    /// The row of reversal `r` of the movement `reversed`, with the balances it moves back.
    fn reversal_row(
        &mut self,
        seq: u64,
        r: &crate::ledger::entry::Reversal,
        reversed: Option<&Body>,
    ) -> Result<Row, ExportError> {
        let m = super::reversed_movement(seq, r.reverses, reversed)?;
        let amount = i128::from(m.amount.get());
        match m.kind {
            "donation" => self.add(seq, &m.campaign, -amount)?,
            "disbursement" => self.add(seq, &m.campaign, amount)?,
            _ => {
                self.add(seq, &m.campaign, amount)?;
                if let Some(to) = &m.to {
                    self.add(seq, to, -amount)?;
                }
            }
        }
        let reason = serde_json::to_value(r.reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        Ok(Row {
            campaign: m.campaign.clone(),
            counterpart: m.to.clone().unwrap_or_default(),
            amount: m.amount.to_decimal(m.currency),
            currency: m.currency.to_string(),
            memo: match &r.note {
                Some(n) => format!("{reason}: {n}"),
                None => reason,
            },
            reversed: r.reverses.to_string(),
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
