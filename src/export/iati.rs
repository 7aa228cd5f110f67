//! IATI 2.03 activity XML: one `<iati-activity>` per campaign, each donation an incoming
//! funds transaction (code 1), each disbursement a disbursement (code 3). Transfers are a
//! disbursement from one campaign and incoming funds of the other; a reversal is a
//! negative transaction of the reversed entry's type. Values are in the major unit with
//! `value-date`. Only published display names appear; nothing else about donors.
//!
//! The document is written in pieces, in order: [`document_head`], then per activity
//! [`activity_head`], its transactions ([`write_transactions`], one entry at a time) and
//! [`ACTIVITY_TAIL`], then [`DOCUMENT_TAIL`]; [`super::stream::IatiStream`] reads each
//! campaign's entries from the store to do so. The output validates against
//! `iati-activities-schema.xsd` (tests/data/iati-2.03).

use super::{signed_decimal, ExportError};
use crate::ledger::entry::{Body, Entry};
use crate::ledger::money::Currency;

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
/// A pledge (SPEC.md §19): money promised, not yet received (codelist TransactionType, 2.03).
const INCOMING_PLEDGE: &str = "13";

/// One IATI transaction of an activity.
struct Transaction {
    seq: u64,
    code: &'static str,
    date: String,
    value: i128,
    description: String,
    /// (name, activity id) of the provider (incoming) or receiver (disbursement).
    party: Option<(String, Option<String>)>,
}

/// What an activity's opening says, written before its transactions.
#[derive(Debug, Clone)]
pub struct ActivityHead {
    /// The campaign id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its purpose.
    pub purpose: String,
    /// Its currency.
    pub currency: Currency,
    /// `recorded_at` of its `campaign.open`.
    pub opened_at: String,
    /// `recorded_at` of its `campaign.close`, if it was closed.
    pub closed_at: Option<String>,
    /// `recorded_at` of the last entry touching it.
    pub updated_at: String,
    /// Its last day, when its `campaign.open` names one.
    pub ends_on: Option<String>,
    /// Its budgets and pledges at the exported size (SPEC.md §18, §19).
    pub plans: std::sync::Arc<crate::ledger::plans::Plans>,
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

fn day(timestamp: &str) -> String {
    timestamp.get(..10).unwrap_or(timestamp).to_string()
}

/// The start of the document, stamped `generated` (an `xsd:dateTime` such as
/// `2026-11-24T10:00:00Z`).
pub fn document_head(generated: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\" generated-datetime=\"{}\">\n",
        escape(generated)
    )
}

/// The end of the document.
pub const DOCUMENT_TAIL: &str = "</iati-activities>\n";

/// The end of an activity.
pub const ACTIVITY_TAIL: &str = "  </iati-activity>\n";

/// The start of an activity: identifier, organisations, title, status and dates.
pub fn activity_head(org: &Organisation, a: &ActivityHead) -> String {
    let mut x = String::new();
    let org_id = escape(&org.id);
    let org_name = escape(&org.name);
    let updated = a
        .updated_at
        .get(..19)
        .map_or(a.updated_at.clone(), |s| format!("{s}Z"));
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
    let status = if a.closed_at.is_some() { "4" } else { "2" };
    x.push_str(&format!("    <activity-status code=\"{status}\"/>\n"));
    // 2: actual start; 4: actual end.
    x.push_str(&format!(
        "    <activity-date type=\"2\" iso-date=\"{}\"/>\n",
        escape(&day(&a.opened_at))
    ));
    if let Some(end) = &a.closed_at {
        x.push_str(&format!(
            "    <activity-date type=\"4\" iso-date=\"{}\"/>\n",
            escape(&day(end))
        ));
    }
    x.push_str(&super::iati_plans::sectors_and_budget(a, &a.plans));
    x
}

/// Appends to `x` the transactions `entry` adds to the activity of campaign `activity`
/// (whose currency is `currency`): a donation is incoming funds, a disbursement a
/// disbursement, a transfer a disbursement of its source and incoming funds of its
/// destination, a reversal a negative transaction of the type it undoes, a pledge an
/// incoming pledge (code 13) and its cancellation a negative one of what it gave up (from
/// `plans`, the campaign's budgets and pledges). For a reversal, `reversed` is the body of
/// the entry it reverses.
///
/// # Errors
/// [`ExportError::Inconsistent`] when a reversal comes without the entry it reverses or
/// reverses one that moved no money.
pub fn write_transactions(
    x: &mut String,
    org: &Organisation,
    activity: &str,
    currency: Currency,
    entry: &Entry,
    reversed: Option<&Body>,
    plans: &crate::ledger::plans::Plans,
) -> Result<(), ExportError> {
    let seq = entry.seq;
    let at = &entry.recorded_at;
    let units = |m: crate::ledger::Minor| i128::from(m.get());
    let mut write = |t: Transaction| transaction(x, &t, currency, &org.id);
    match &entry.body {
        Body::CampaignOpen(_)
        | Body::CampaignClose(_)
        | Body::Statement(_)
        | Body::Update(_)
        | Body::ApprovalPolicy(_)
        | Body::Budget(_)
        | Body::Org(_)
        | Body::KeyRotate(_) => {}
        Body::PledgeCancel(c) if c.campaign == activity => write(Transaction {
            seq,
            code: INCOMING_PLEDGE,
            date: day(at),
            value: -super::iati_plans::cancelled_value(plans, c.pledge),
            description: format!("Cancellation of pledge {}: {}", c.pledge, c.reason),
            party: None,
        }),
        Body::PledgeCancel(_) => {}
        Body::Pledge(p) if p.campaign == activity => write(Transaction {
            seq,
            code: INCOMING_PLEDGE,
            date: day(at),
            value: units(p.amount),
            description: match &p.expected_on {
                Some(d) => format!("Pledge, expected {d}"),
                None => "Pledge".into(),
            },
            party: Some((p.donor.clone(), None)),
        }),
        Body::Pledge(_) => {}
        Body::Donation(d) if d.campaign == activity => write(Transaction {
            seq,
            code: INCOMING_FUNDS,
            date: d.received_at.clone(),
            value: units(d.amount),
            description: "Donation".into(),
            party: Some((d.donor.clone(), None)),
        }),
        Body::Disbursement(d) if d.campaign == activity => write(Transaction {
            seq,
            code: DISBURSEMENT,
            date: d.paid_at.clone(),
            value: units(d.amount),
            description: d.purpose.clone(),
            party: Some((d.recipient.clone(), None)),
        }),
        Body::Donation(_) | Body::Disbursement(_) => {}
        Body::Transfer(t) if t.from == activity => write(Transaction {
            seq,
            code: DISBURSEMENT,
            date: day(at),
            value: units(t.amount),
            description: format!("Transfer to campaign {}: {}", t.to, t.reason),
            party: Some((String::new(), Some(t.to.clone()))),
        }),
        Body::Transfer(t) if t.to == activity => write(Transaction {
            seq,
            code: INCOMING_FUNDS,
            date: day(at),
            value: units(t.amount),
            description: format!("Transfer from campaign {}: {}", t.from, t.reason),
            party: Some((String::new(), Some(t.from.clone()))),
        }),
        Body::Transfer(_) => {}
        Body::Reversal(r) => {
            let m = super::reversed_movement(seq, r.reverses, reversed)?;
            let code = if m.campaign == activity {
                match m.kind {
                    "donation" => Some(INCOMING_FUNDS),
                    _ => Some(DISBURSEMENT),
                }
            } else if m.kind == "transfer" && m.to.as_deref() == Some(activity) {
                Some(INCOMING_FUNDS)
            } else {
                None
            };
            if let Some(code) = code {
                write(Transaction {
                    seq,
                    code,
                    date: day(at),
                    value: -units(m.amount),
                    description: format!("Reversal of entry {}", r.reverses),
                    party: None,
                });
            }
        }
    }
    Ok(())
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
