//! Recognising amounts written with separators between thousands (`200.000`, `1,000.50`,
//! `1 000 000`), so the API can refuse them with the accepted form instead of reading a
//! grouping dot as a decimal point.

use super::{Currency, Minor, MoneyError};

/// Characters people put between groups of three digits: dot (Vietnamese, German), comma
/// (English), apostrophe (Swiss), and the spaces (plain, no-break, narrow no-break).
const GROUP_SEPARATORS: [char; 6] = ['.', ',', '\'', ' ', '\u{a0}', '\u{202f}'];

/// Splits `t` into its whole and fraction digits when it is plain decimal text: one or more
/// ASCII digits, optionally followed by `.` and one or more digits. `None` otherwise.
pub(super) fn plain_parts(t: &str) -> Option<(&str, &str)> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match t.split_once('.') {
        Some((whole, frac)) => (digits(whole) && digits(frac)).then_some((whole, frac)),
        None => digits(t).then_some((t, "")),
    }
}

/// The refusal for text that groups thousands, or `None` when `t` does not look grouped.
///
/// `t` looks grouped when it is `D{1,3}` (not starting with `0`) followed by one or more
/// `S DDD` with one separator `S` throughout, then optionally a decimal mark (the other of
/// `.` and `,`) and digits. When that reading is a valid amount of `currency` the refusal
/// is [`MoneyError::Grouped`] with the accepted form; otherwise it is the reason that
/// reading is invalid too (too many decimals, too large), quoting `t`.
pub(super) fn refuse_grouped(t: &str, currency: Currency) -> Option<MoneyError> {
    let (whole, frac) = ungrouped(t)?;
    let suggestion = if frac.is_empty() {
        whole.clone()
    } else {
        format!("{whole}.{frac}")
    };
    Some(match Minor::from_plain_parts(&whole, frac, t, currency) {
        Ok(_) => MoneyError::Grouped {
            text: t.to_string(),
            currency,
            suggestion,
        },
        Err(e) => e,
    })
}

/// The whole digits (separators removed) and the fraction digits of grouped text.
fn ungrouped(t: &str) -> Option<(String, &str)> {
    let first = t.chars().next()?;
    if !first.is_ascii_digit() || first == '0' {
        return None;
    }
    let separator = t.chars().find(|c| !c.is_ascii_digit())?;
    if !GROUP_SEPARATORS.contains(&separator) {
        return None;
    }
    // The decimal part follows the last `.` or `,` that is not the separator.
    let (grouped, frac) = match t.rfind(|c| (c == '.' || c == ',') && c != separator) {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    if grouped.len() < t.len() && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let mut groups = grouped.split(separator);
    let lead = groups.next()?;
    let lead_ok = (1..=3).contains(&lead.len()) && lead.bytes().all(|b| b.is_ascii_digit());
    let mut whole = lead.to_string();
    let mut count = 0;
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        whole.push_str(g);
        count += 1;
    }
    (lead_ok && count > 0).then_some((whole, frac))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::parse(code).expect("currency")
    }

    #[test]
    fn grouped_text_is_read_with_its_separators_removed() {
        let cases = [
            ("200.000", Some(("200000", ""))),
            ("1.000.000", Some(("1000000", ""))),
            ("1,000", Some(("1000", ""))),
            ("1,000.50", Some(("1000", "50"))),
            ("1.000,50", Some(("1000", "50"))),
            ("200 000", Some(("200000", ""))),
            ("1 000,5", Some(("1000", "5"))),
            ("1'000.25", Some(("1000", "25"))),
            ("1\u{a0}000", Some(("1000", ""))),
            ("12,50", None),
            ("0.500", None),
            ("1.00.000", None),
            ("1.000,", None),
            ("1,000,50", None),
            ("1.000,000", Some(("1000", "000"))),
            ("1,000.000.5", None),
            ("1.000 000", None),
            ("+1.000", None),
            ("1000", None),
            ("1234.567", None),
            ("", None),
        ];
        for (text, expected) in cases {
            let got = ungrouped(text);
            assert_eq!(
                got.as_ref().map(|(w, f)| (w.as_str(), *f)),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_grouped_reading_that_is_no_valid_amount_is_refused_for_that_reason() {
        assert!(matches!(
            refuse_grouped("1.000,505", currency("USD")),
            Some(MoneyError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            refuse_grouped("18,446,744,073,709,551,616", currency("VND")),
            Some(MoneyError::Overflow(_))
        ));
        assert_eq!(
            refuse_grouped("1,000", currency("USD")),
            Some(MoneyError::Grouped {
                text: "1,000".into(),
                currency: currency("USD"),
                suggestion: "1000".into()
            })
        );
    }
}
