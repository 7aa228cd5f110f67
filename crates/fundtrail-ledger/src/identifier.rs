//! Donor identifiers as the commitment takes them (SPEC.md §2.4.1): the same e-mail
//! address or phone number written differently (`0912 345 678`, `+84 912-345-678`,
//! `Binh@Example.VN `) becomes one text, so a donor who types it another way than the
//! treasurer did still proves their gift. `web/verify/identifier.js` implements the same
//! rule separately; `tests/vectors/identifiers/normalise.json` holds both to it.

/// The characters trimmed from an identifier's ends, and removed from a phone number:
/// tab, line feed, vertical tab, form feed, carriage return, space and no-break space.
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}')
}

/// Characters people put between a phone number's digits.
fn is_phone_separator(c: char) -> bool {
    is_space(c) || matches!(c, '-' | '.' | '(' | ')')
}

/// `text` trimmed, then: an e-mail address with its ASCII letters lower-cased; a phone
/// number as `+` and its digits, Vietnamese numbers (`0…`, `84…`, `+84…`, `0084…`) as
/// `+84` and the subscriber number; anything else as trimmed (SPEC.md §2.4.1).
pub fn normalise_identifier(text: &str) -> String {
    let trimmed = text.trim_matches(is_space);
    if let Some(email) = email(trimmed) {
        return email;
    }
    if let Some(phone) = phone(trimmed) {
        return phone;
    }
    trimmed.to_string()
}

/// `t` lower-cased (ASCII letters) when it is an e-mail address: one `@` with text on
/// both sides, a dot in the domain, and no space anywhere.
fn email(t: &str) -> Option<String> {
    let (local, domain) = t.split_once('@')?;
    let looks_like = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !t.chars().any(is_space);
    looks_like.then(|| t.to_ascii_lowercase())
}

/// `t` as `+<digits>` when it is a phone number: without its separators
/// ([`is_phone_separator`]), an optional `+` and 8 to 15 ASCII digits. Vietnamese forms
/// become `+84` and the number without its trunk `0`: `0` and 9 or 10 digits; `84` and 9
/// or 10 digits; `+84` or `0084` and digits (a `0` right after `84` dropped). Other numbers
/// with `+` or `00` keep their digits after `+`; digits alone that fit none of these stay
/// as they are, without separators (their country is unknown).
fn phone(t: &str) -> Option<String> {
    let compact: String = t.chars().filter(|&c| !is_phone_separator(c)).collect();
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let vietnamese =
        |subscriber: &str| format!("+84{}", subscriber.strip_prefix('0').unwrap_or(subscriber));
    let international = if plus {
        Some(digits)
    } else {
        digits.strip_prefix("00")
    };
    Some(match international {
        Some(i) => match i.strip_prefix("84") {
            Some(subscriber) if !subscriber.is_empty() => vietnamese(subscriber),
            _ => format!("+{i}"),
        },
        None => match (digits.strip_prefix('0'), digits.strip_prefix("84")) {
            (Some(subscriber), _) if matches!(subscriber.len(), 9 | 10) => vietnamese(subscriber),
            (None, Some(subscriber)) if matches!(subscriber.len(), 9 | 10) => {
                vietnamese(subscriber)
            }
            _ => digits.to_string(),
        },
    })
}

/// The texts to try, in order, when checking a commitment against what a donor typed: the
/// normalised form, then the text exactly as typed when that differs (commitments made
/// before normalisation, or by other software, were computed from the raw text).
pub fn identifier_candidates(typed: &str) -> Vec<String> {
    let normalised = normalise_identifier(typed);
    if normalised == typed {
        vec![normalised]
    } else {
        vec![normalised, typed.to_string()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_mobile_numbers_written_five_ways_become_one() {
        for typed in [
            "0912 345 678",
            "+84 912 345 678",
            "84912345678",
            "(+84) 912-345-678",
            "0084 912.345.678",
            "+84 (0) 912 345 678",
        ] {
            assert_eq!(normalise_identifier(typed), "+84912345678", "{typed}");
        }
    }

    #[test]
    fn e_mail_addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalise_identifier("  Tran.Van.Binh@Example.VN\n"),
            "tran.van.binh@example.vn"
        );
    }

    #[test]
    fn other_countries_keep_their_code_and_unknown_text_is_only_trimmed() {
        assert_eq!(normalise_identifier("+1 (415) 555-0100"), "+14155550100");
        assert_eq!(normalise_identifier("0044 20 7946 0958"), "+442079460958");
        assert_eq!(normalise_identifier(" my secret words "), "my secret words");
        assert_eq!(normalise_identifier("1234"), "1234");
    }

    #[test]
    fn candidates_try_the_normalised_form_then_the_text_as_typed() {
        assert_eq!(
            identifier_candidates("0912 345 678"),
            vec!["+84912345678".to_string(), "0912 345 678".to_string()]
        );
        assert_eq!(identifier_candidates("abc"), vec!["abc".to_string()]);
    }
}
