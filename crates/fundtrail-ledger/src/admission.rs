//! Rules for new entries only (SPEC.md §2.5): what the server refuses to append, on top of
//! the format rules every verifier checks ([`Body::validate`]).
//!
//! A verifier must not apply these to entries already published: a published entry can never
//! be corrected, so a ledger that holds such text or dates stays valid, and every reader of
//! it (the exports among them) must cope with them.

use super::entry::{Body, Entry, FieldError};
use chrono::NaiveDate;

/// The earliest day a donation may have been received or a payment made.
pub const EARLIEST_DAY: &str = "1900-01-01";

/// Checks the text and dates of an entry about to be appended, against its own
/// `recorded_at` (the server's clock when it is recorded).
///
/// # Errors
/// A [`FieldError`] naming the first field that breaks a rule.
pub fn check_new_entry(entry: &Entry) -> Result<(), FieldError> {
    visible_text("recorded_by", &entry.recorded_by)?;
    let today = entry.recorded_at.get(..10).unwrap_or(&entry.recorded_at);
    check_new_body(&entry.body, today)
}

/// Checks the text fields and dates of `body` for an entry recorded on `today`
/// (`YYYY-MM-DD`): no Unicode noncharacters or bidirectional overrides and isolates in any
/// text; received and paid days from 1900-01-01 to the day after `today`; a campaign's
/// `ends_on` not before `today`.
///
/// # Errors
/// A [`FieldError`] naming the first field that breaks a rule.
pub fn check_new_body(body: &Body, today: &str) -> Result<(), FieldError> {
    for (field, text) in texts(body) {
        visible_text(field, text)?;
    }
    match body {
        Body::Donation(d) => plausible_day("received_at", &d.received_at, today),
        Body::Disbursement(d) => plausible_day("paid_at", &d.paid_at, today),
        Body::Update(u) => plausible_day("date", &u.date, today),
        Body::CampaignOpen(o) => match &o.ends_on {
            Some(end) if end.as_str() < today => Err(FieldError::new(
                "ends_on",
                format!("{end} is before the campaign opens ({today})"),
            )),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Every free-text field of `body`, named as [`Body::validate`] names them.
fn texts(body: &Body) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    match body {
        Body::CampaignOpen(o) => {
            out.push(("title", o.title.as_str()));
            out.push(("purpose", o.purpose.as_str()));
            for a in &o.accounts {
                out.push(("accounts.bank", a.bank.as_str()));
                out.push(("accounts.number", a.number.as_str()));
                out.push(("accounts.holder", a.holder.as_str()));
            }
        }
        Body::CampaignClose(c) => out.extend(c.note.as_deref().map(|n| ("note", n))),
        Body::Donation(d) => {
            out.push(("donor", d.donor.as_str()));
            out.extend(d.reference.as_deref().map(|r| ("reference", r)));
            out.extend(d.memo.as_deref().map(|m| ("memo", m)));
            out.extend(
                d.in_kind
                    .as_ref()
                    .map(|k| ("in_kind.description", k.description.as_str())),
            );
        }
        Body::Disbursement(d) => {
            out.push(("recipient", d.recipient.as_str()));
            out.push(("purpose", d.purpose.as_str()));
            out.extend(d.reference.as_deref().map(|r| ("reference", r)));
            for e in &d.evidence {
                out.extend(e.name.as_deref().map(|n| ("evidence.name", n)));
            }
        }
        Body::Transfer(t) => {
            out.push(("reason", t.reason.as_str()));
            out.extend(t.reference.as_deref().map(|r| ("reference", r)));
        }
        Body::Reversal(r) => out.extend(r.note.as_deref().map(|n| ("note", n))),
        Body::Update(u) => {
            out.push(("title", u.title.as_str()));
            out.push(("text", u.text.as_str()));
            for e in &u.evidence {
                out.extend(e.name.as_deref().map(|n| ("evidence.name", n)));
            }
        }
        Body::ApprovalPolicy(p) => out.extend(p.note.as_deref().map(|n| ("note", n))),
        Body::Budget(b) => {
            for l in &b.lines {
                out.push(("lines.label", l.label.as_str()));
            }
            out.extend(b.note.as_deref().map(|n| ("note", n)));
        }
        Body::Pledge(p) => {
            out.push(("donor", p.donor.as_str()));
            out.extend(p.note.as_deref().map(|n| ("note", n)));
        }
        Body::PledgeCancel(c) => out.push(("reason", c.reason.as_str())),
        Body::Org(o) => out.extend(o.texts()),
        Body::KeyRotate(k) => out.extend(k.note.as_deref().map(|n| ("note", n))),
        Body::Statement(s) => {
            out.push(("account.bank", s.account.bank.as_str()));
            out.push(("account.number", s.account.number.as_str()));
            out.push(("account.holder", s.account.holder.as_str()));
            for x in &s.exclusions {
                out.extend(x.note.as_deref().map(|n| ("exclusions.note", n)));
            }
        }
    }
    out
}

/// A character that must not appear in new text, and why, or `None`.
pub fn hidden_character(text: &str) -> Option<(char, &'static str)> {
    text.chars().find_map(|c| {
        let code = u32::from(c);
        if (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE {
            Some((c, "is a Unicode noncharacter, not text"))
        } else if (0x202A..=0x202E).contains(&code) || (0x2066..=0x2069).contains(&code) {
            Some((
                c,
                "is an invisible direction control that makes text display in another order than it is stored",
            ))
        } else {
            None
        }
    })
}

/// Refuses Unicode noncharacters and bidirectional overrides and isolates in `text`.
///
/// # Errors
/// A [`FieldError`] naming `field` and the character.
pub fn visible_text(field: &str, text: &str) -> Result<(), FieldError> {
    match hidden_character(text) {
        Some((c, why)) => Err(FieldError::new(
            field,
            format!("contains U+{:04X}, which {why}; remove it", u32::from(c)),
        )),
        None => Ok(()),
    }
}

/// The day after `day` (`YYYY-MM-DD`), or `day` itself when it is not a date.
fn day_after(day: &str) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .map_or_else(|| day.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// `value` is a day from [`EARLIEST_DAY`] to the day after `today`.
fn plausible_day(field: &str, value: &str, today: &str) -> Result<(), FieldError> {
    let latest = day_after(today);
    if value < EARLIEST_DAY || value > latest.as_str() {
        return Err(FieldError::new(
            field,
            format!(
                "must be a day from {EARLIEST_DAY} to {latest} (tomorrow by the server's clock), not {value}"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{CampaignOpen, Channel, Donation, Reversal, ReversalReason};
    use crate::money::{Currency, Minor};

    fn donation(received_at: &str, donor: &str) -> Body {
        Body::Donation(Donation {
            amount: Minor::new(1000).expect("amount"),
            campaign: "flood-2026".into(),
            channel: Channel::Cash,
            commitment: None,
            currency: Currency::parse("VND").expect("VND"),
            donor: donor.into(),
            in_kind: None,
            memo: None,
            pledge: None,
            received_at: received_at.into(),
            reference: None,
        })
    }

    #[test]
    fn noncharacters_and_direction_controls_are_found_and_ordinary_text_is_not() {
        for c in [
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{FDEF}',
            '\u{1FFFE}',
            '\u{10FFFF}',
            '\u{202A}',
            '\u{202E}',
            '\u{2066}',
            '\u{2069}',
        ] {
            assert!(hidden_character(&format!("Lan {c}x")).is_some(), "{c:?}");
        }
        for text in [
            "Nguyễn Văn An",
            "<img src=x>",
            "مرحبا",
            "😀",
            "\u{FDCF} \u{FDF0} \u{FFFD} \u{200F} \u{2065}",
        ] {
            assert_eq!(hidden_character(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_donation_is_refused_for_a_hidden_character_or_an_implausible_day() {
        let today = "2026-11-30";
        assert_eq!(
            check_new_body(&donation("2026-11-30", "Lan"), today),
            Ok(())
        );
        assert_eq!(
            check_new_body(&donation("2026-12-01", "Lan"), today),
            Ok(())
        );
        assert_eq!(
            check_new_body(&donation("1900-01-01", "Lan"), today),
            Ok(())
        );
        for day in ["2026-12-02", "9999-12-31", "1899-12-31", "0000-01-01"] {
            let e = check_new_body(&donation(day, "Lan"), today).expect_err(day);
            assert_eq!(e.field, "received_at");
            assert_eq!(
                e.problem,
                format!("must be a day from 1900-01-01 to 2026-12-01 (tomorrow by the server's clock), not {day}")
            );
        }
        let e = check_new_body(&donation(today, "Lan\u{202E}gnp.exe"), today).expect_err("RLO");
        assert_eq!(e.field, "donor");
        assert!(e.problem.starts_with("contains U+202E"), "{}", e.problem);
    }

    #[test]
    fn a_campaign_may_not_end_before_it_opens() {
        let open = |ends_on: &str| {
            Body::CampaignOpen(CampaignOpen {
                approval: None,
                accounts: vec![],
                currency: Currency::parse("VND").expect("VND"),
                ends_on: Some(ends_on.into()),
                goal: None,
                id: "flood-2026".into(),
                purpose: "Water".into(),
                title: "Flood".into(),
            })
        };
        assert_eq!(check_new_body(&open("2026-11-30"), "2026-11-30"), Ok(()));
        let e = check_new_body(&open("2026-11-29"), "2026-11-30").expect_err("past");
        assert_eq!(
            (e.field.as_str(), e.problem.as_str()),
            (
                "ends_on",
                "2026-11-29 is before the campaign opens (2026-11-30)"
            )
        );
    }

    #[test]
    fn notes_and_the_recorder_are_checked_too() {
        let reversal = Body::Reversal(Reversal {
            note: Some("typo\u{FFFF}".into()),
            reason: ReversalReason::Error,
            reverses: 1,
        });
        assert_eq!(
            check_new_body(&reversal, "2026-11-30").map_err(|e| e.field),
            Err("note".to_string())
        );
        let entry = Entry {
            seq: 2,
            prev: crate::hash::ZERO_HASH,
            recorded_at: "2026-11-30T10:00:00.000000Z".into(),
            recorded_by: "admin\u{2066} #1".into(),
            body: donation("2026-11-30", "Lan"),
        };
        assert_eq!(
            check_new_entry(&entry).map_err(|e| e.field),
            Err("recorded_by".to_string())
        );
    }
}
