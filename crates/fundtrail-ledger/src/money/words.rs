//! Money errors in plain words, with the accepted form written out (`write 200000 for two
//! hundred thousand dong`), so a treasurer who typed `200.000` knows what to type instead.

use super::grouping::plain_parts;
use super::{Currency, MoneyError};

/// What a person calls the currency in a sentence: `dong`, `US dollars`, else its code.
fn name_of(currency: Currency) -> String {
    match currency.code() {
        "VND" => "dong".to_string(),
        "USD" => "US dollars".to_string(),
        code => code.to_string(),
    }
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [&str; 7] = [
    "",
    " thousand",
    " million",
    " billion",
    " trillion",
    " quadrillion",
    " quintillion",
];

/// 1 to 999 in words: `two hundred forty-five`.
fn below_thousand(n: u64) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    let mut parts = Vec::new();
    if hundreds > 0 {
        parts.push(format!("{} hundred", ONES[hundreds as usize]));
    }
    match rest {
        0 => {}
        1..=19 => parts.push(ONES[rest as usize].to_string()),
        _ if rest % 10 == 0 => parts.push(TENS[(rest / 10) as usize].to_string()),
        _ => parts.push(format!(
            "{}-{}",
            TENS[(rest / 10) as usize],
            ONES[(rest % 10) as usize]
        )),
    }
    parts.join(" ")
}

/// `n` in English words (short scale, no "and"): 200000 is `two hundred thousand`,
/// 1250 is `one thousand two hundred fifty`.
pub fn english_words(n: u64) -> String {
    if n == 0 {
        return ONES[0].to_string();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut parts = Vec::new();
    for (scale, group) in groups.iter().enumerate().rev() {
        if *group > 0 {
            parts.push(format!("{}{}", below_thousand(*group), SCALES[scale]));
        }
    }
    parts.join(" ")
}

/// An accepted amount text (`1000.50`) in words with the currency:
/// `one thousand and 50/100 US dollars`, as on a cheque. `None` when it is not plain text
/// of a number that fits.
fn amount_in_words(text: &str, currency: Currency) -> Option<String> {
    let (whole, frac) = plain_parts(text)?;
    let mut words = english_words(whole.parse().ok()?);
    if frac.bytes().any(|b| b != b'0') {
        words.push_str(&format!(" and {frac}/1{}", "0".repeat(frac.len())));
    }
    Some(format!("{words} {}", name_of(currency)))
}

/// `12.50` written with `currency`'s number of decimals (`12.500` for KWD).
fn example(currency: Currency) -> String {
    format!(
        "12.{:0<width$}",
        5,
        width = usize::from(currency.exponent())
    )
}

impl MoneyError {
    /// The error in plain words, naming the request field `field` (e.g. `goal`), and for
    /// refused text the form that is accepted.
    pub fn describe(&self, field: &str) -> String {
        describe(self, field)
    }

    /// A stable short name of the refusal, as the shared vectors write it
    /// (`tests/vectors/amounts/cases.json`): `grouped`, `too_many_decimals`, `not_a_number`,
    /// `zero`, `negative`, `overflow` or `unknown_currency`.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::UnknownCurrency(_) => "unknown_currency",
            MoneyError::NotANumber(_) => "not_a_number",
            MoneyError::Grouped { .. } => "grouped",
            MoneyError::TooManyDecimals { .. } => "too_many_decimals",
            MoneyError::Zero => "zero",
            MoneyError::Negative => "negative",
            MoneyError::Overflow(_) => "overflow",
        }
    }
}

/// The error in plain words, naming `field`.
fn describe(error: &MoneyError, field: &str) -> String {
    match error {
        MoneyError::UnknownCurrency(code) => format!(
            "{field}: unknown currency {code:?} (expected an ISO 4217 code such as VND or USD)"
        ),
        MoneyError::NotANumber(text) if text.trim().is_empty() => format!(
            "{field} is empty: write it in digits, such as 250000 or 12.50"
        ),
        MoneyError::NotANumber(text) => format!(
            "{field} {text:?} is not a number: write digits with at most one \".\" before the decimals, such as 250000 or 12.50"
        ),
        MoneyError::Grouped {
            text,
            currency,
            suggestion,
        } => {
            let meaning = amount_in_words(suggestion, *currency)
                .map_or_else(String::new, |w| format!(" for {w}"));
            format!(
                "{field} {text:?} is not accepted for {currency}: write {suggestion}{meaning} (no dots, commas or spaces between thousands)"
            )
        }
        MoneyError::TooManyDecimals { text, currency, .. } => {
            too_many_decimals(field, text, *currency)
        }
        MoneyError::Zero => format!("{field} must be greater than zero"),
        MoneyError::Negative => format!(
            "{field} must not be negative: write it without a sign (money going back is recorded as a reversal)"
        ),
        MoneyError::Overflow(text) => format!("{field} {text:?} is too large"),
    }
}

fn too_many_decimals(field: &str, text: &str, currency: Currency) -> String {
    let refused = format!("{field} {text:?} is not accepted for {currency}");
    let parts = plain_parts(text.trim());
    if currency.exponent() == 0 {
        let whole = match parts {
            Some((whole, frac)) if frac.bytes().all(|b| b == b'0') => whole.to_string(),
            _ => "250000".to_string(),
        };
        return format!(
            "{refused}: {currency} takes no decimals; write a whole number of {}, such as {whole}",
            name_of(currency)
        );
    }
    let mut message = format!(
        "{refused}: {currency} takes at most {} decimals, e.g. {}",
        currency.exponent(),
        example(currency)
    );
    // `12.500` may have meant twelve thousand five hundred.
    if let Some((whole, frac)) = parts.filter(|(w, f)| w.len() <= 3 && f.len() == 3) {
        let thousands = format!("{whole}{frac}");
        if let Some(words) = amount_in_words(&thousands, currency) {
            message.push_str(&format!("; for {words} write {thousands}"));
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_english_words() {
        let cases = [
            (0, "zero"),
            (1, "one"),
            (12, "twelve"),
            (20, "twenty"),
            (45, "forty-five"),
            (100, "one hundred"),
            (105, "one hundred five"),
            (999, "nine hundred ninety-nine"),
            (1000, "one thousand"),
            (12_500, "twelve thousand five hundred"),
            (100_000, "one hundred thousand"),
            (200_000, "two hundred thousand"),
            (1_000_001, "one million one"),
            (2_500_000_000, "two billion five hundred million"),
            (
                u64::MAX,
                "eighteen quintillion four hundred forty-six quadrillion seven hundred forty-four trillion seventy-three billion seven hundred nine million five hundred fifty-one thousand six hundred fifteen",
            ),
        ];
        for (n, words) in cases {
            assert_eq!(english_words(n), words, "{n}");
        }
    }

    #[test]
    fn amounts_in_words_name_the_currency_and_the_fraction() {
        let usd = Currency::parse("USD").expect("USD");
        let vnd = Currency::parse("VND").expect("VND");
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(
            amount_in_words("200000", vnd).as_deref(),
            Some("two hundred thousand dong")
        );
        assert_eq!(
            amount_in_words("1000.50", usd).as_deref(),
            Some("one thousand and 50/100 US dollars")
        );
        assert_eq!(
            amount_in_words("1000.00", usd).as_deref(),
            Some("one thousand US dollars")
        );
        assert_eq!(amount_in_words("7", kwd).as_deref(), Some("seven KWD"));
        assert_eq!(amount_in_words("1,000", usd), None);
    }

    #[test]
    fn refusals_show_the_accepted_form() {
        let usd = Currency::parse("USD").expect("USD");
        let vnd = Currency::parse("VND").expect("VND");
        let grouped = MoneyError::Grouped {
            text: "200.000".into(),
            currency: vnd,
            suggestion: "200000".into(),
        };
        assert_eq!(
            grouped.to_string(),
            "amount \"200.000\" is not accepted for VND: write 200000 for two hundred thousand dong (no dots, commas or spaces between thousands)"
        );
        let decimals = |text: &str, currency: Currency| {
            describe(
                &MoneyError::TooManyDecimals {
                    text: text.into(),
                    currency,
                    exponent: currency.exponent(),
                },
                "goal",
            )
        };
        assert_eq!(
            decimals("12.505", usd),
            "goal \"12.505\" is not accepted for USD: USD takes at most 2 decimals, e.g. 12.50; for twelve thousand five hundred five US dollars write 12505"
        );
        assert_eq!(
            decimals("1234.505", usd),
            "goal \"1234.505\" is not accepted for USD: USD takes at most 2 decimals, e.g. 12.50"
        );
        assert_eq!(
            decimals("12.500", usd),
            "goal \"12.500\" is not accepted for USD: USD takes at most 2 decimals, e.g. 12.50; for twelve thousand five hundred US dollars write 12500"
        );
        assert_eq!(
            decimals("250000.00", vnd),
            "goal \"250000.00\" is not accepted for VND: VND takes no decimals; write a whole number of dong, such as 250000"
        );
        assert_eq!(
            decimals("1.5", vnd),
            "goal \"1.5\" is not accepted for VND: VND takes no decimals; write a whole number of dong, such as 250000"
        );
    }
}
