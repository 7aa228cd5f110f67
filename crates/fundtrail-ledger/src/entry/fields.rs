//! The rules on field values every verifier checks (SPEC.md §2.1, §2.2, §2.3): text
//! lengths and characters, slugs, media types, the rules between the fields of one body, and
//! the envelope's `recorded_at` and `recorded_by`.

use super::dates::{is_date, is_recorded_at};
use super::{Body, Channel, Entry, MAX_LONG_TEXT, MAX_SHORT_TEXT};

impl Body {
    /// Checks every field's shape (lengths, slugs, dates, hashes), naming the first bad field.
    ///
    /// # Errors
    /// A [`FieldError`] whose `field` is the JSON key inside `body`.
    pub fn validate(&self) -> Result<(), FieldError> {
        match self {
            Body::CampaignOpen(b) => {
                slug("id", &b.id)?;
                short("title", &b.title)?;
                long("purpose", &b.purpose)?;
                if let Some(d) = &b.ends_on {
                    date("ends_on", d)?;
                }
                if b.accounts.len() > 20 {
                    return Err(FieldError::new("accounts", "at most 20 accounts"));
                }
                for a in &b.accounts {
                    short("accounts.bank", &a.bank)?;
                    short("accounts.number", &a.number)?;
                    short("accounts.holder", &a.holder)?;
                }
                b.approval.as_ref().map_or(Ok(()), |r| r.validate())
            }
            Body::CampaignClose(b) => {
                slug("campaign", &b.campaign)?;
                opt_long("note", &b.note)
            }
            Body::Donation(b) => {
                slug("campaign", &b.campaign)?;
                date("received_at", &b.received_at)?;
                short("donor", &b.donor)?;
                opt_short("reference", &b.reference)?;
                opt_long("memo", &b.memo)?;
                match (&b.channel, &b.in_kind) {
                    (Channel::InKind, None) => Err(FieldError::new(
                        "in_kind",
                        "an in_kind donation needs in_kind.description",
                    )),
                    (Channel::InKind, Some(k)) => long("in_kind.description", &k.description),
                    (_, Some(_)) => Err(FieldError::new(
                        "in_kind",
                        "only allowed when channel is in_kind",
                    )),
                    (_, None) => Ok(()),
                }
            }
            Body::Disbursement(b) => {
                slug("campaign", &b.campaign)?;
                date("paid_at", &b.paid_at)?;
                if let Some(line) = &b.budget_line {
                    slug("budget_line", line)?;
                }
                short("recipient", &b.recipient)?;
                long("purpose", &b.purpose)?;
                opt_short("reference", &b.reference)?;
                evidence_list(&b.evidence)?;
                b.approval.as_ref().map_or(Ok(()), |a| a.validate())
            }
            Body::Transfer(b) => {
                slug("from", &b.from)?;
                slug("to", &b.to)?;
                if b.from == b.to {
                    return Err(FieldError::new("to", "must differ from `from`"));
                }
                opt_short("reference", &b.reference)?;
                long("reason", &b.reason)?;
                b.approval.as_ref().map_or(Ok(()), |a| a.validate())
            }
            Body::Reversal(b) => opt_long("note", &b.note),
            Body::Statement(b) => statement(b),
            Body::Update(b) => b.validate(),
            Body::ApprovalPolicy(p) => p.validate(),
            Body::Budget(b) => crate::budget::validate(b),
            Body::Pledge(b) => crate::pledge::validate_pledge(b),
            Body::PledgeCancel(b) => crate::pledge::validate_cancel(b),
            Body::Org(b) => crate::registry::validate(b),
            Body::KeyRotate(b) => b.validate(),
        }
    }
}

/// The field rules of a `statement` body (SPEC.md §16.1).
fn statement(b: &super::Statement) -> Result<(), FieldError> {
    short("account.bank", &b.account.bank)?;
    short("account.number", &b.account.number)?;
    short("account.holder", &b.account.holder)?;
    date("from", &b.from)?;
    date("to", &b.to)?;
    if b.to < b.from {
        return Err(FieldError::new("to", "must not be before `from`"));
    }
    if b.lines == 0 && b.lines_root != crate::merkle::empty_root() {
        return Err(FieldError::new(
            "lines_root",
            "a statement without lines has the empty tree's root",
        ));
    }
    if b.lines == 0 && b.lines_sha256 != crate::hash::sha256(b"") {
        return Err(FieldError::new(
            "lines_sha256",
            "a statement without lines publishes the empty file",
        ));
    }
    let mut previous = 0;
    for x in &b.exclusions {
        if x.line <= previous {
            return Err(FieldError::new(
                "exclusions.line",
                "lines must be listed once each, in increasing order",
            ));
        }
        if x.line > b.lines {
            return Err(FieldError::new(
                "exclusions.line",
                format!("line {} is past the statement's {} lines", x.line, b.lines),
            ));
        }
        opt_long("exclusions.note", &x.note)?;
        previous = x.line;
    }
    Ok(())
}

/// A field whose value is not acceptable, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    /// The JSON key (dotted for nested keys).
    pub field: String,
    /// What is wrong, in words.
    pub problem: String,
}

impl FieldError {
    /// A new field error.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

fn text(field: &str, value: &str, max: usize, newlines: bool) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    let (chars, control) = scan_text(value, newlines);
    if chars > max {
        return Err(FieldError::new(
            field,
            format!("longer than {max} characters"),
        ));
    }
    if control {
        return Err(FieldError::new(field, "contains control characters"));
    }
    Ok(())
}

/// In one pass over the bytes: the number of characters of `value` and whether it holds a
/// control character (`char::is_control`: U+0000 to U+001F and U+007F to U+009F), not
/// counting `\n` when `newlines` is set.
fn scan_text(value: &str, newlines: bool) -> (usize, bool) {
    let b = value.as_bytes();
    let mut chars = 0;
    let mut control = false;
    for (i, &c) in b.iter().enumerate() {
        // Every byte that is not a UTF-8 continuation byte starts a character.
        chars += usize::from(c & 0xC0 != 0x80);
        // U+0080 to U+009F are the two bytes 0xC2 0x80..=0x9F.
        control |= (c < 0x20 && !(newlines && c == b'\n'))
            || c == 0x7F
            || (c == 0xC2 && b.get(i + 1).is_some_and(|n| *n <= 0x9F));
    }
    (chars, control)
}

fn short(field: &str, value: &str) -> Result<(), FieldError> {
    text(field, value, MAX_SHORT_TEXT, false)
}

fn long(field: &str, value: &str) -> Result<(), FieldError> {
    text(field, value, MAX_LONG_TEXT, true)
}

fn opt_short(field: &str, value: &Option<String>) -> Result<(), FieldError> {
    value.as_deref().map_or(Ok(()), |v| short(field, v))
}

fn opt_long(field: &str, value: &Option<String>) -> Result<(), FieldError> {
    value.as_deref().map_or(Ok(()), |v| long(field, v))
}

/// The short-text rule (SPEC.md §2.2), for the statement lines' fields.
pub(crate) fn short_text(field: &str, value: &str) -> Result<(), FieldError> {
    short(field, value)
}

/// The short-text rule for an optional field.
pub(crate) fn opt_short_text(field: &str, value: &Option<String>) -> Result<(), FieldError> {
    opt_short(field, value)
}

/// The long-text rule for an optional field.
pub(crate) fn opt_long_text(field: &str, value: &Option<String>) -> Result<(), FieldError> {
    opt_long(field, value)
}

/// The rules of an evidence list (SPEC.md §2.3): at most 100 documents, each with a media
/// type and an optional short name.
pub(crate) fn evidence_list(list: &[super::Evidence]) -> Result<(), FieldError> {
    if list.len() > 100 {
        return Err(FieldError::new("evidence", "at most 100 documents"));
    }
    for e in list {
        media_type("evidence.media_type", &e.media_type)?;
        opt_short("evidence.name", &e.name)?;
    }
    Ok(())
}

/// The long-text rule (SPEC.md §2.2).
pub(crate) fn long_text(field: &str, value: &str) -> Result<(), FieldError> {
    long(field, value)
}

/// The slug rule (SPEC.md §2.2).
pub(crate) fn slug_field(field: &str, value: &str) -> Result<(), FieldError> {
    slug(field, value)
}

/// The date rule (SPEC.md §2.2).
pub(crate) fn date_field(field: &str, value: &str) -> Result<(), FieldError> {
    date(field, value)
}

/// Reports whether `s` is a valid campaign slug (SPEC.md §2.2).
pub fn is_slug(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

fn slug(field: &str, value: &str) -> Result<(), FieldError> {
    if is_slug(value) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be 1-64 lower-case letters, digits or '-', starting with a letter or digit",
        ))
    }
}

fn date(field: &str, value: &str) -> Result<(), FieldError> {
    if is_date(value) {
        Ok(())
    } else {
        Err(FieldError::new(field, "must be a date written YYYY-MM-DD"))
    }
}

fn media_type(field: &str, value: &str) -> Result<(), FieldError> {
    let ok = value.len() <= 100
        && value.split_once('/').is_some_and(|(t, s)| {
            let token = |x: &str| {
                !x.is_empty()
                    && x.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&c))
            };
            token(t) && token(s)
        });
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be a media type such as application/pdf",
        ))
    }
}

/// Checks `recorded_at` and `recorded_by`.
///
/// # Errors
/// A [`FieldError`] naming the field.
pub fn validate_envelope(entry: &Entry) -> Result<(), FieldError> {
    if !is_recorded_at(&entry.recorded_at) {
        return Err(FieldError::new(
            "recorded_at",
            "must be UTC written YYYY-MM-DDTHH:MM:SS.ffffffZ",
        ));
    }
    let by = &entry.recorded_by;
    if by.is_empty() || by.chars().count() > MAX_SHORT_TEXT || by.chars().any(char::is_control) {
        return Err(FieldError::new(
            "recorded_by",
            "must be 1-200 printable characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_scan_agrees_with_chars() {
        let naive = |v: &str, newlines: bool| {
            (
                v.chars().count(),
                v.chars()
                    .any(|c| c.is_control() && !(newlines && c == '\n')),
            )
        };
        for v in [
            "Nguyễn Văn An",
            "line\nbreak",
            "tab\there",
            "del\u{7f}",
            "c1 \u{80} \u{9f}",
            "not c1 \u{a0} \u{ff} \u{100}",
            "😀 emoji",
            "\u{85}",
            "",
        ] {
            for newlines in [false, true] {
                assert_eq!(scan_text(v, newlines), naive(v, newlines), "{v:?}");
            }
        }
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let v = format!("a{c}b");
            assert_eq!(scan_text(&v, false), naive(&v, false), "{c:?}");
            assert_eq!(scan_text(&v, true), naive(&v, true), "{c:?}");
        }
    }
}
