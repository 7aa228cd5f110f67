//! The other party and the message of an MT940 `:86:` field (information to the account
//! owner), in the forms banks write it:
//!
//! - **structured subfields** (the German/SEPA form many banks use): a three-digit
//!   transaction code, then subfields each opened by a separator (usually `?`) and two digits:
//!   `?20`–`?29` and `?60`–`?63` the message, `?32`–`?33` the other party's name
//!   (`166?00GUTSCHRIFT?20ung ho bao Yagi?32NGUYEN VAN?33 AN`);
//! - **keyword form** (SWIFT's and Dutch banks'): `/NAME/` after `/ORDP/`, `/BENM/` or on its
//!   own, `/REMI/` the message (`/TRTP/SEPA/NAME/Tran Thi B/REMI/ung ho/EREF/123`);
//! - **a named sender in text**: `Người chuyển: NGUYEN VAN A; Nội dung: …`, `Remitter:`,
//!   `Ordering party:`, `Payer:` or `From:`, the name running to the next `;`, `|` or
//!   field label.
//!
//! Anything else is the message as it stands, with no name: a name is never guessed.

/// Names a statement may label its sender with (compared without case).
const NAME_LABELS: &[&str] = &[
    "người chuyển:",
    "nguoi chuyen:",
    "tên người chuyển:",
    "ten nguoi chuyen:",
    "ordering party:",
    "remitter:",
    "payer:",
    "from:",
];

/// Labels that end a name in text (compared without case).
const NEXT_LABELS: &[&str] = &["nội dung", "noi dung", "nd:", "memo:", "message:", "ref:"];

/// Keywords of the keyword form.
const KEYWORDS: &[&str] = &[
    "NAME", "REMI", "EREF", "IBAN", "BIC", "TRTP", "CSID", "MARF", "ORDP", "BENM", "ULTC", "ULTD",
    "PURP", "RTRN", "ACCW", "USTD", "STRD", "SVCL", "CNTP",
];

/// The other party's name and the message of a `:86:` field's text.
pub fn counterparty_and_memo(text: &str) -> (Option<String>, Option<String>) {
    let text = text.trim();
    if let Some(found) = subfields(text) {
        return found;
    }
    if let Some(found) = keywords(text) {
        return found;
    }
    (
        named_in_text(text),
        Some(text.to_string()).filter(|t| !t.is_empty()),
    )
}

fn non_empty(s: String) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(s).filter(|s| !s.is_empty())
}

/// The structured subfield form, when `text` is in it.
fn subfields(text: &str) -> Option<(Option<String>, Option<String>)> {
    let mut chars = text.chars();
    let code: String = chars.by_ref().take(3).collect();
    let sep = chars.next()?;
    if code.len() != 3
        || !code.chars().all(|c| c.is_ascii_digit())
        || sep.is_alphanumeric()
        || sep.is_whitespace()
    {
        return None;
    }
    let (mut name, mut memo) = (String::new(), String::new());
    let mut any = false;
    for piece in text[3..].split(sep).skip(1) {
        let (Some(tag), Some(value)) = (piece.get(..2), piece.get(2..)) else {
            continue;
        };
        let Ok(tag) = tag.parse::<u8>() else {
            return None;
        };
        any = true;
        match tag {
            20..=29 | 60..=63 => memo.push_str(value),
            32 | 33 => name.push_str(value),
            _ => {}
        }
    }
    any.then(|| (non_empty(name), non_empty(memo)))
}

/// The keyword form (`/NAME/…/REMI/…`), when `text` is in it.
fn keywords(text: &str) -> Option<(Option<String>, Option<String>)> {
    if !text.starts_with('/') || !(text.contains("/NAME/") || text.contains("/REMI/")) {
        return None;
    }
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut rest = text;
    while let Some(after) = rest.strip_prefix('/') {
        let Some((key, tail)) = after.split_once('/') else {
            break;
        };
        if !KEYWORDS.contains(&key) {
            match fields.last_mut() {
                Some((_, v)) => v.push('/'),
                None => return None,
            }
            if let Some((_, v)) = fields.last_mut() {
                v.push_str(key);
            }
            rest = &after[key.len()..];
            continue;
        }
        let end = next_keyword(tail);
        fields.push((key, tail[..end].to_string()));
        rest = &tail[end..];
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.clone())
    };
    let memo = get("REMI").map(|m| m.trim_start_matches("USTD").trim_matches('/').to_string());
    Some((get("NAME").and_then(non_empty), memo.and_then(non_empty)))
}

/// Where the next `/KEYWORD/` starts in `text` (its length if none).
fn next_keyword(text: &str) -> usize {
    let mut at = 0;
    while let Some(i) = text[at..].find('/') {
        let start = at + i;
        let after = &text[start + 1..];
        if KEYWORDS
            .iter()
            .any(|k| after.starts_with(k) && after[k.len()..].starts_with('/'))
        {
            return start;
        }
        at = start + 1;
    }
    text.len()
}

/// A sender named after a label in free text.
fn named_in_text(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    for label in NAME_LABELS {
        let Some(at) = lower.find(label) else {
            continue;
        };
        // `to_lowercase` keeps the byte length of Vietnamese letters, so offsets carry over;
        // when it does not, the name is not read.
        if lower.len() != text.len() {
            return None;
        }
        let start = at + label.len();
        let tail_lower = &lower[start..];
        let mut end = tail_lower
            .find([';', '|', '\n'])
            .unwrap_or(tail_lower.len());
        for next in NEXT_LABELS {
            if let Some(i) = tail_lower.find(next) {
                end = end.min(i);
            }
        }
        let name = text
            .get(start..start + end)?
            .trim()
            .trim_end_matches([',', '.', '-']);
        return non_empty(name.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> (Option<String>, Option<String>) {
        counterparty_and_memo(text)
    }

    #[test]
    fn structured_subfields_give_the_name_from_32_and_33_and_the_message_from_2x() {
        let (name, memo) = both(
            "166?00GUTSCHRIFT?100599?20ung ho bao?21 Yagi?30VCB?31123?32NGUYEN VAN?33 AN?34000",
        );
        assert_eq!(name.as_deref(), Some("NGUYEN VAN AN"));
        assert_eq!(memo.as_deref(), Some("ung ho bao Yagi"));
    }

    #[test]
    fn the_keyword_form_gives_name_and_remittance_information() {
        let (name, memo) = both("/TRTP/SEPA OVERBOEKING/IBAN/NL12INGB0001234567/BIC/INGBNL2A/NAME/Tran Thi B/REMI/USTD//ung ho mien Bac/EREF/NOTPROVIDED");
        assert_eq!(name.as_deref(), Some("Tran Thi B"));
        assert_eq!(memo.as_deref(), Some("ung ho mien Bac"));
        let (name, _) = both("/ORDP//NAME/Cong ty A/REMI/ung ho");
        assert_eq!(name.as_deref(), Some("Cong ty A"));
    }

    #[test]
    fn a_labelled_sender_in_text_is_read_up_to_the_next_label() {
        let (name, memo) = both("Người chuyển: NGUYỄN VĂN A; Nội dung: ung ho bao Yagi");
        assert_eq!(name.as_deref(), Some("NGUYỄN VĂN A"));
        assert_eq!(
            memo.as_deref(),
            Some("Người chuyển: NGUYỄN VĂN A; Nội dung: ung ho bao Yagi")
        );
        assert_eq!(
            both("Remitter: JOHN DOE | ref 123").0.as_deref(),
            Some("JOHN DOE")
        );
        assert_eq!(
            both("Ten nguoi chuyen: LE VAN C noi dung ung ho")
                .0
                .as_deref(),
            Some("LE VAN C")
        );
    }

    #[test]
    fn a_message_without_a_labelled_name_has_no_name() {
        assert_eq!(
            both("ung ho dong bao mien Bac"),
            (None, Some("ung ho dong bao mien Bac".into()))
        );
        assert_eq!(
            both("123 not subfields"),
            (None, Some("123 not subfields".into()))
        );
        assert_eq!(both(""), (None, None));
    }
}
