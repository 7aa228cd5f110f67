//! The currencies an entry may use: the active ISO 4217 codes and their minor-unit exponents
//! (SPEC.md §3.3 and its appendix, SPEC-currencies.md, which a test keeps equal to this table).

use super::MoneyError;
use serde::{Deserialize, Serialize};
use std::fmt;

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

/// An active ISO 4217 currency. Always one of the codes of [`ISO_4217`].
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
            .map(Currency::at)
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }

    /// Every accepted currency, in the order of their codes (SPEC-currencies.md lists them).
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..ISO_4217.len()).map(Currency::at)
    }

    /// Entry `i` of [`ISO_4217`].
    fn at(i: usize) -> Currency {
        let (code, exponent) = ISO_4217[i];
        let b = code.as_bytes();
        Currency {
            code: [b[0], b[1], b[2]],
            exponent,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
