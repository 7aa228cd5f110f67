//! Exact money: ISO 4217 currencies and amounts in minor units. No floats anywhere.
//!
//! See SPEC.md §3 (Money).

use serde::{Deserialize, Serialize};
use std::fmt;

mod grouping;
mod words;

/// Active ISO 4217 codes with their minor-unit exponents (the number of decimals).
const ISO_4217: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// A three-byte code as a number that sorts like the code.
const fn currency_key(b: [u8; 3]) -> u32 {
    (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32
}

/// The keys of [`ISO_4217`], in the same order.
const ISO_4217_KEYS: [u32; ISO_4217.len()] = {
    let mut keys = [0u32; ISO_4217.len()];
    let mut i = 0;
    while i < keys.len() {
        let b = ISO_4217[i].0.as_bytes();
        keys[i] = currency_key([b[0], b[1], b[2]]);
        i += 1;
    }
    keys
};

/// Errors from parsing currencies and amounts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The code is not an active ISO 4217 currency.
    #[error("unknown currency {0:?} (expected an ISO 4217 code such as VND or USD)")]
    UnknownCurrency(String),
    /// The text is not a decimal number.
    #[error("{}", self.describe("amount"))]
    NotANumber(String),
    /// The text groups thousands (`200.000`, `1,000`, `1 000 000`): refused, because a
    /// reader cannot tell a grouping dot from a decimal point. `suggestion` is the same
    /// number written as accepted (`200000`); it is always a valid amount of `currency`.
    #[error("{}", self.describe("amount"))]
    Grouped {
        text: String,
        currency: Currency,
        suggestion: String,
    },
    /// More decimals than the currency's minor unit allows.
    #[error("{}", self.describe("amount"))]
    TooManyDecimals {
        text: String,
        currency: Currency,
        exponent: u8,
    },
    /// Zero is never a valid amount.
    #[error("{}", self.describe("amount"))]
    Zero,
    /// Amounts are positive; direction comes from the entry kind.
    #[error("{}", self.describe("amount"))]
    Negative,
    /// The value does not fit in 64 bits of minor units.
    #[error("{}", self.describe("amount"))]
    Overflow(String),
}

/// An active ISO 4217 currency. Always one of the codes in the table above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

impl Currency {
    /// Looks up an ISO 4217 code (upper case, exactly three letters).
    ///
    /// # Errors
    /// [`MoneyError::UnknownCurrency`] for anything not in the table.
    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        // The table is sorted by code (checked in the tests), so its keys are too.
        let key = match code.as_bytes() {
            [a, b, c] => currency_key([*a, *b, *c]),
            _ => u32::MAX,
        };
        ISO_4217_KEYS
            .binary_search(&key)
            .ok()
            .map(|i| {
                let (c, e) = ISO_4217[i];
                let b = c.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    exponent: e,
                }
            })
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }

    /// The three-letter code, e.g. `"VND"`.
    pub fn code(&self) -> &str {
        // The table holds ASCII only.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// The number of decimals of the minor unit (VND 0, USD 2, KWD 3).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// A positive count of minor units. In canonical JSON it is a string of decimal digits
/// without sign or leading zeros (`"250000"`), so no verifier loses precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Minor(u64);

impl Minor {
    /// Wraps a count of minor units.
    ///
    /// # Errors
    /// [`MoneyError::Zero`] for zero.
    pub fn new(units: u64) -> Result<Minor, MoneyError> {
        if units == 0 {
            Err(MoneyError::Zero)
        } else {
            Ok(Minor(units))
        }
    }

    /// The count of minor units.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Parses an amount as the API accepts it (SPEC.md §3.4), in `currency`: decimal
    /// digits, optionally `.` and at most the currency's number of decimals; no sign, no
    /// separators between thousands, no spaces inside (spaces around are ignored).
    /// `"12.50"` and `"12.5"` USD are 1250 minor units, `"250000"` VND is 250000.
    ///
    /// Text that groups thousands (`"200.000"` VND, `"1,000"`) is refused as
    /// [`MoneyError::Grouped`], never read as a smaller number; every text accepted here
    /// means the same number to the server's bank statement reader (`statement::parse_amount`).
    ///
    /// # Errors
    /// [`MoneyError::Grouped`], [`MoneyError::TooManyDecimals`], [`MoneyError::Zero`],
    /// [`MoneyError::Negative`], [`MoneyError::NotANumber`] or [`MoneyError::Overflow`].
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Minor, MoneyError> {
        let t = text.trim();
        if t.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        if let Some((whole, frac)) = grouping::plain_parts(t) {
            let parsed = Minor::from_plain_parts(whole, frac, t, currency);
            if let Err(MoneyError::TooManyDecimals { .. }) = parsed {
                if currency.exponent == 0 {
                    if let Some(refusal) = grouping::refuse_grouped(t, currency) {
                        return Err(refusal);
                    }
                }
            }
            return parsed;
        }
        Err(grouping::refuse_grouped(t, currency)
            .unwrap_or_else(|| MoneyError::NotANumber(text.to_string())))
    }

    /// The value of `whole.frac` (plain ASCII digits, `frac` possibly empty) in `currency`;
    /// errors quote `text`.
    fn from_plain_parts(
        whole: &str,
        frac: &str,
        text: &str,
        currency: Currency,
    ) -> Result<Minor, MoneyError> {
        let exp = usize::from(currency.exponent);
        if frac.len() > exp {
            return Err(MoneyError::TooManyDecimals {
                text: text.to_string(),
                currency,
                exponent: currency.exponent,
            });
        }
        let overflow = || MoneyError::Overflow(text.to_string());
        let mut units: u64 = 0;
        let padded = frac.bytes().chain(std::iter::repeat(b'0')).take(exp);
        for b in whole.bytes().chain(padded) {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(u64::from(b - b'0')))
                .ok_or_else(overflow)?;
        }
        Minor::new(units)
    }

    /// Parses the canonical form: decimal digits, no sign, no leading zero, not zero.
    ///
    /// # Errors
    /// [`MoneyError::NotANumber`], [`MoneyError::Zero`] or [`MoneyError::Overflow`].
    pub fn parse_canonical(text: &str) -> Result<Minor, MoneyError> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotANumber(text.to_string()));
        }
        if text.starts_with('0') {
            return if text == "0" {
                Err(MoneyError::Zero)
            } else {
                Err(MoneyError::NotANumber(text.to_string()))
            };
        }
        let units: u64 = text
            .parse()
            .map_err(|_| MoneyError::Overflow(text.to_string()))?;
        Minor::new(units)
    }

    /// Formats as a decimal in `currency`'s major unit: 1250 USD is `"12.50"`.
    pub fn to_decimal(self, currency: Currency) -> String {
        format_decimal(u128::from(self.0), currency)
    }
}

/// Formats any non-negative count of minor units as a decimal in the major unit.
pub fn format_decimal(units: u128, currency: Currency) -> String {
    let exp = u32::from(currency.exponent);
    if exp == 0 {
        return units.to_string();
    }
    let scale = 10u128.pow(exp);
    format!(
        "{}.{:0width$}",
        units / scale,
        units % scale,
        width = exp as usize
    )
}

impl fmt::Display for Minor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Minor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Minor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Minor::parse_canonical(&text).map_err(serde::de::Error::custom)
    }
}

/// A total of minor units (sums of [`Minor`]), serialized as a decimal string.
/// Arithmetic is checked: overflow is an error, never a wrap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Total(pub u128);

impl Total {
    /// Adds `amount`, or `None` on overflow.
    pub fn checked_add(self, amount: Minor) -> Option<Total> {
        self.0.checked_add(u128::from(amount.0)).map(Total)
    }
    /// Subtracts `amount`, or `None` when the result would be negative.
    pub fn checked_sub(self, amount: Minor) -> Option<Total> {
        self.0.checked_sub(u128::from(amount.0)).map(Total)
    }
}

impl fmt::Display for Total {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Total {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Total {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty()
            || !text.bytes().all(|b| b.is_ascii_digit())
            || (text.len() > 1 && text.starts_with('0'))
        {
            return Err(serde::de::Error::custom(format!(
                "total {text:?} is not canonical"
            )));
        }
        text.parse()
            .map(Total)
            .map_err(|_| serde::de::Error::custom("total overflows"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }
    fn vnd() -> Currency {
        Currency::parse("VND").unwrap()
    }

    #[test]
    fn decimals_parse_exactly_in_minor_units() {
        assert_eq!(Minor::parse_decimal("12.50", usd()).unwrap().get(), 1250);
        assert_eq!(Minor::parse_decimal("12.5", usd()).unwrap().get(), 1250);
        assert_eq!(Minor::parse_decimal("12", usd()).unwrap().get(), 1200);
        assert_eq!(Minor::parse_decimal("250000", vnd()).unwrap().get(), 250000);
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(Minor::parse_decimal("1.234", kwd).unwrap().get(), 1234);
    }

    #[test]
    fn bad_amounts_are_rejected_with_the_reason() {
        assert!(matches!(
            Minor::parse_decimal("12.505", usd()),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            Minor::parse_decimal("0.5", vnd()),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        assert_eq!(Minor::parse_decimal("0", usd()), Err(MoneyError::Zero));
        assert_eq!(Minor::parse_decimal("0.00", usd()), Err(MoneyError::Zero));
        assert_eq!(Minor::parse_decimal("-5", usd()), Err(MoneyError::Negative));
        assert!(matches!(
            Minor::parse_decimal("1e3", usd()),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Minor::parse_decimal("1,000", usd()),
            Err(MoneyError::Grouped { .. })
        ));
        assert!(matches!(
            Minor::parse_decimal("250000.00", vnd()),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            Minor::parse_decimal(".5", usd()),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Minor::parse_decimal("18446744073709551616", vnd()),
            Err(MoneyError::Overflow(_))
        ));
        assert!(matches!(
            Minor::parse_decimal("184467440737095516.16", usd()),
            Err(MoneyError::Overflow(_))
        ));
        assert!(matches!(
            Currency::parse("XYZ"),
            Err(MoneyError::UnknownCurrency(_))
        ));
        assert!(matches!(
            Currency::parse("usd"),
            Err(MoneyError::UnknownCurrency(_))
        ));
    }

    #[test]
    fn canonical_amounts_have_no_leading_zeros() {
        assert_eq!(Minor::parse_canonical("1250").unwrap().get(), 1250);
        assert!(Minor::parse_canonical("01250").is_err());
        assert!(Minor::parse_canonical("0").is_err());
        assert!(Minor::parse_canonical("+1").is_err());
        assert!(Minor::parse_canonical("").is_err());
    }

    #[test]
    fn the_currency_table_is_sorted_so_lookups_can_bisect() {
        assert!(ISO_4217.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ISO_4217.iter().all(|(c, _)| c.len() == 3));
        assert!(ISO_4217_KEYS.windows(2).all(|w| w[0] < w[1]));
        for (code, exponent) in ISO_4217 {
            let c = Currency::parse(code).unwrap();
            assert_eq!((c.code(), c.exponent()), (*code, *exponent));
        }
        for code in ["", "A", "AE", "AEDX", "aed", "ZZZ", "AAA", "VNd", "Đ"] {
            assert_eq!(
                Currency::parse(code),
                Err(MoneyError::UnknownCurrency(code.to_string()))
            );
        }
    }

    #[test]
    fn formatting_shows_the_major_unit() {
        assert_eq!(Minor::new(1250).unwrap().to_decimal(usd()), "12.50");
        assert_eq!(Minor::new(5).unwrap().to_decimal(usd()), "0.05");
        assert_eq!(Minor::new(250000).unwrap().to_decimal(vnd()), "250000");
    }
}
