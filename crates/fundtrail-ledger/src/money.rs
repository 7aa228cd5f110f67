//! Exact money: ISO 4217 currencies and amounts in minor units. No floats anywhere.
//!
//! See SPEC.md §3 (Money).

use serde::{Deserialize, Serialize};
use std::fmt;

mod currency;
mod grouping;
mod words;

pub use currency::Currency;

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
                if currency.exponent() == 0 {
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
        let exp = usize::from(currency.exponent());
        if frac.len() > exp {
            return Err(MoneyError::TooManyDecimals {
                text: text.to_string(),
                currency,
                exponent: currency.exponent(),
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
    let exp = u32::from(currency.exponent());
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
    fn formatting_shows_the_major_unit() {
        assert_eq!(Minor::new(1250).unwrap().to_decimal(usd()), "12.50");
        assert_eq!(Minor::new(5).unwrap().to_decimal(usd()), "0.05");
        assert_eq!(Minor::new(250000).unwrap().to_decimal(vnd()), "250000");
    }
}
