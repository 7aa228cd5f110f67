//! IATI 2.03 activity XML: one `<iati-activity>` per campaign, each donation an incoming
//! funds transaction (code 1), each disbursement a disbursement (code 3). Transfers are a
//! disbursement from one campaign and incoming funds of the other; a reversal is a
//! negative transaction of the reversed entry's type. Values are in the major unit with
//! `value-date`. Only published display names appear; nothing else about donors.
//!
//! The output validates against `iati-activities-schema.xsd` (tests/data/iati-2.03).

use super::{signed_decimal, ExportError, Movements};
use crate::ledger::entry::{Body, Entry};
use crate::ledger::money::Currency;
use std::collections::HashMap;

/// The reporting organisation.
#[derive(Debug, Clone)]
pub struct Organisation {
    /// IATI organisation identifier, e.g. `VN-MOHA-123`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// IATI organisation type code (`22`: national NGO).
    pub kind: String,
}

impl Organisation {
    /// An organisation of type `22` (national NGO).
    pub fn new(id: String, name: String) -> Self {
        Organisation {
            id,
            name,
            kind: "22".into(),
        }
    }
}

/// IATI transaction type codes used here.
const INCOMING_FUNDS: &str = "1";
const DISBURSEMENT: &str = "3";

struct Transaction {
    seq: u64,
    code: &'static str,
    date: String,
    value: i128,
    description: String,
    /// (name, activity id) of the provider (incoming) or receiver (disbursement).
    party: Option<(String, Option<String>)>,
}

struct Activity {
    id: String,
    title: String,
    purpose: String,
    currency: Currency,
    opened: String,
    closed: Option<String>,
    updated: String,
    transactions: Vec<Transaction>,
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production): not the C0 controls
/// other than tab, newline and carriage return, and not U+FFFE or U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text for XML content and attribute values. A character XML 1.0 does not allow
/// at all (a ledger may hold U+FFFE from before such text was refused, SPEC.md §2.5) is
/// written as U+FFFD, so the document is always well-formed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            _ => out.push(c),
        }
    }
    out
}

/// The IATI generator's state: activities and the movements reversals refer to.
#[derive(Default)]
pub struct IatiExport {
    activities: Vec<Activity>,
    index: HashMap<String, usize>,
    moves: Movements,
}

fn day(timestamp: &str) -> String {
    timestamp.get(..10).unwrap_or(timestamp).to_string()
}

impl IatiExport {
    /// An empty generator.
    pub fn new() -> Self {
        Self::default()
    }

    fn activity(&mut self, seq: u64, id: &str) -> Result<&mut Activity, ExportError> {
        let i = *self
            .index
            .get(id)
            .ok_or_else(|| ExportError::Inconsistent {
                seq,
                problem: format!("campaign {id:?} was never opened"),
            })?;
        Ok(&mut self.activities[i])
    }

    fn add(&mut self, campaign: &str, updated: &str, t: Transaction) -> Result<(), ExportError> {
        let a = self.activity(t.seq, campaign)?;
        a.updated = updated.to_string();
        a.transactions.push(t);
        Ok(())
    }

    /// Takes the next entry. Entries must come in ledger order, from seq 0.
    ///
    /// # Errors
    /// [`ExportError::Inconsistent`] when an entry names a campaign never opened or
    /// reverses an entry that moved no money.
    pub fn push(&mut self, entry: &Entry) -> Result<(), ExportError> {
        let seq = entry.seq;
        let at = &entry.recorded_at;
        self.moves.remember(seq, &entry.body);
        let units = |m: crate::ledger::Minor| i128::from(m.get());
        match &entry.body {
            Body::CampaignOpen(o) => {
                self.index.insert(o.id.clone(), self.activities.len());
                self.activities.push(Activity {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    purpose: o.purpose.clone(),
                    currency: o.currency,
                    opened: day(at),
                    closed: None,
                    updated: at.clone(),
                    transactions: Vec::new(),
                });
            }
            Body::CampaignClose(c) => {
                let a = self.activity(seq, &c.campaign)?;
                a.closed = Some(day(at));
                a.updated = at.clone();
            }
            Body::Donation(d) => self.add(
                &d.campaign,
                at,
                Transaction {
                    seq,
                    code: INCOMING_FUNDS,
                    date: d.received_at.clone(),
                    value: units(d.amount),
                    description: "Donation".into(),
                    party: Some((d.donor.clone(), None)),
                },
            )?,
            Body::Disbursement(d) => self.add(
                &d.campaign,
                at,
                Transaction {
                    seq,
                    code: DISBURSEMENT,
                    date: d.paid_at.clone(),
                    value: units(d.amount),
                    description: d.purpose.clone(),
                    party: Some((d.recipient.clone(), None)),
                },
            )?,
            Body::Transfer(t) => {
                let from_id = self.activity(seq, &t.from)?.id.clone();
                let to_id = self.activity(seq, &t.to)?.id.clone();
                self.add(
                    &t.from,
                    at,
                    Transaction {
                        seq,
                        code: DISBURSEMENT,
                        date: day(at),
                        value: units(t.amount),
                        description: format!("Transfer to campaign {to_id}: {}", t.reason),
                        party: Some((String::new(), Some(to_id))),
                    },
                )?;
                self.add(
                    &t.to,
                    at,
                    Transaction {
                        seq,
                        code: INCOMING_FUNDS,
                        date: day(at),
                        value: units(t.amount),
                        description: format!("Transfer from campaign {from_id}: {}", t.reason),
                        party: Some((String::new(), Some(from_id))),
                    },
                )?;
            }
            Body::Reversal(r) => {
                let m = self.moves.reversed(seq, r.reverses)?.clone();
                let value = -units(m.amount);
                let description = format!("Reversal of entry {}", r.reverses);
                let (code, counter_code) = match m.kind {
                    "donation" => (INCOMING_FUNDS, None),
                    "disbursement" => (DISBURSEMENT, None),
                    _ => (DISBURSEMENT, Some(INCOMING_FUNDS)),
                };
                let t = |code| Transaction {
                    seq,
                    code,
                    date: day(at),
                    value,
                    description: description.clone(),
                    party: None,
                };
                self.add(&m.campaign, at, t(code))?;
                if let (Some(to), Some(code)) = (&m.to, counter_code) {
                    self.add(to, at, t(code))?;
                }
            }
        }
        Ok(())
    }

    /// The XML document, for every campaign or only `campaign`, stamped `generated`
    /// (an `xsd:dateTime` such as `2026-11-24T10:00:00Z`).
    ///
    /// # Errors
    /// [`ExportError::UnknownCampaign`], or [`ExportError::NoCampaigns`] (IATI needs at
    /// least one activity).
    pub fn finish(
        &self,
        org: &Organisation,
        campaign: Option<&str>,
        generated: &str,
    ) -> Result<String, ExportError> {
        if let Some(c) = campaign {
            if !self.index.contains_key(c) {
                return Err(ExportError::UnknownCampaign(c.to_string()));
            }
        }
        if self.activities.is_empty() {
            return Err(ExportError::NoCampaigns);
        }
        let mut x = String::new();
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str(&format!(
            "<iati-activities version=\"2.03\" generated-datetime=\"{}\">\n",
            escape(generated)
        ));
        let org_id = escape(&org.id);
        let org_name = escape(&org.name);
        for a in &self.activities {
            if campaign.is_some_and(|c| c != a.id) {
                continue;
            }
            let updated = a
                .updated
                .get(..19)
                .map_or(a.updated.clone(), |s| format!("{s}Z"));
            x.push_str(&format!(
                "  <iati-activity default-currency=\"{}\" last-updated-datetime=\"{}\">\n",
                a.currency,
                escape(&updated)
            ));
            x.push_str(&format!(
                "    <iati-identifier>{org_id}-{}</iati-identifier>\n",
                escape(&a.id)
            ));
            x.push_str(&format!(
                "    <reporting-org ref=\"{org_id}\" type=\"{}\"><narrative>{org_name}</narrative></reporting-org>\n",
                escape(&org.kind)
            ));
            x.push_str(&format!(
                "    <title><narrative>{}</narrative></title>\n",
                escape(&a.title)
            ));
            x.push_str(&format!(
                "    <description><narrative>{}</narrative></description>\n",
                escape(&a.purpose)
            ));
            x.push_str(&format!(
                "    <participating-org ref=\"{org_id}\" role=\"4\"><narrative>{org_name}</narrative></participating-org>\n"
            ));
            // 2: implementation; 4: post-completion.
            let status = if a.closed.is_some() { "4" } else { "2" };
            x.push_str(&format!("    <activity-status code=\"{status}\"/>\n"));
            // 2: actual start; 4: actual end.
            x.push_str(&format!(
                "    <activity-date type=\"2\" iso-date=\"{}\"/>\n",
                escape(&a.opened)
            ));
            if let Some(end) = &a.closed {
                x.push_str(&format!(
                    "    <activity-date type=\"4\" iso-date=\"{}\"/>\n",
                    escape(end)
                ));
            }
            for t in &a.transactions {
                transaction(&mut x, t, a.currency, &org.id);
            }
            x.push_str("  </iati-activity>\n");
        }
        x.push_str("</iati-activities>\n");
        Ok(x)
    }
}

fn transaction(x: &mut String, t: &Transaction, currency: Currency, org_id: &str) {
    let date = escape(&t.date);
    x.push_str(&format!("    <transaction ref=\"{}\">\n", t.seq));
    x.push_str(&format!("      <transaction-type code=\"{}\"/>\n", t.code));
    x.push_str(&format!("      <transaction-date iso-date=\"{date}\"/>\n"));
    x.push_str(&format!(
        "      <value currency=\"{currency}\" value-date=\"{date}\">{}</value>\n",
        signed_decimal(t.value, currency)
    ));
    x.push_str(&format!(
        "      <description><narrative>{}</narrative></description>\n",
        escape(&t.description)
    ));
    if let Some((name, activity)) = &t.party {
        let (tag, attr) = if t.code == INCOMING_FUNDS {
            ("provider-org", "provider-activity-id")
        } else {
            ("receiver-org", "receiver-activity-id")
        };
        match activity {
            Some(id) => x.push_str(&format!(
                "      <{tag} ref=\"{}\" {attr}=\"{}-{}\"/>\n",
                escape(org_id),
                escape(org_id),
                escape(id)
            )),
            None => x.push_str(&format!(
                "      <{tag}><narrative>{}</narrative></{tag}>\n",
                escape(name)
            )),
        }
    }
    x.push_str("    </transaction>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_names_is_escaped() {
        assert_eq!(
            escape("Lan & <Minh> \"x\" 'y'"),
            "Lan &amp; &lt;Minh&gt; &quot;x&quot; &apos;y&apos;"
        );
    }

    #[test]
    fn characters_xml_does_not_allow_become_the_replacement_character() {
        assert_eq!(
            escape("a\u{FFFE}b\u{FFFF}c\u{0}d\u{1F}e\u{0B}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}"
        );
        assert_eq!(
            escape("tab\there\r \u{FDD0} \u{1FFFE} \u{202E}"),
            "tab\there\r \u{FDD0} \u{1FFFE} \u{202E}"
        );
    }
}
