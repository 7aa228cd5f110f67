//! The `statement` body (SPEC.md §16.1): one bank statement of one account, committed by the
//! Merkle root of its canonical lines, and the signed amounts statements need.

use super::kinds::Account;
use crate::hash::Hash;
use crate::money::Currency;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `statement`: what the bank said about one account over one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The bank account, as a campaign lists it among its official accounts.
    pub account: Account,
    /// Balance at the end of `to`, in signed minor units.
    pub closing: SignedMinor,
    /// The account's currency.
    pub currency: Currency,
    /// Lines that no ledger entry names, with the reason why none should (SPEC.md §16.3).
    pub exclusions: Vec<Exclusion>,
    /// SHA-256 of the file the bank delivered, so the original can be checked too.
    pub file_sha256: Hash,
    /// First day covered, `YYYY-MM-DD`.
    pub from: String,
    /// Number of lines.
    pub lines: u64,
    /// RFC 6962 Merkle root over the canonical lines, in the statement's order.
    pub lines_root: Hash,
    /// SHA-256 of the published file of lines (SPEC.md §16.2): its name wherever it is
    /// stored, content-addressed like evidence.
    pub lines_sha256: Hash,
    /// Balance at the start of `from`, in signed minor units.
    pub opening: SignedMinor,
    /// Last day covered, `YYYY-MM-DD`, not before `from`.
    pub to: String,
}

/// A statement line that no ledger entry names, and the typed reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// The line's position in the statement, counting from 1.
    pub line: u64,
    /// Optional explanation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// Why no entry names the line.
    pub reason: ExclusionReason,
}

/// Why a bank line moves money that is not a donation, disbursement or transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// Interest the bank paid (credits only).
    Interest,
    /// A bank fee or charge (debits only).
    Fee,
    /// A transfer sent back: a donor's payment returned, or a payment that bounced.
    ReturnedTransfer,
    /// Money moved between the charity's own accounts.
    OwnAccount,
    /// The bank correcting its own earlier line.
    BankCorrection,
}

impl ExclusionReason {
    /// The name written in the leaf.
    pub fn as_str(self) -> &'static str {
        match self {
            ExclusionReason::Interest => "interest",
            ExclusionReason::Fee => "fee",
            ExclusionReason::ReturnedTransfer => "returned_transfer",
            ExclusionReason::OwnAccount => "own_account",
            ExclusionReason::BankCorrection => "bank_correction",
        }
    }

    /// Whether the reason can explain a line moving money in that direction: interest only
    /// credits, fees only debits, the others either.
    pub fn fits(self, credit: bool) -> bool {
        match self {
            ExclusionReason::Interest => credit,
            ExclusionReason::Fee => !credit,
            _ => true,
        }
    }
}

/// A signed count of minor units (balances, statement lines): canonical text is decimal digits
/// without leading zeros, with `-` before negative values, never `-0`; it fits in 64 bits
/// signed, so every verifier reads it exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SignedMinor(pub i64);

impl SignedMinor {
    /// Parses the canonical text.
    ///
    /// # Errors
    /// Words saying what is wrong with `text`.
    pub fn parse_canonical(text: &str) -> Result<SignedMinor, String> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && text != "-0";
        if !canonical {
            return Err(format!(
                "signed amount {text:?} is not canonical (digits, optional leading '-', no leading zeros, never -0)"
            ));
        }
        text.parse::<i64>()
            .map(SignedMinor)
            .map_err(|_| format!("signed amount {text:?} does not fit in 64 bits"))
    }

    /// The count of minor units.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for SignedMinor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for SignedMinor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for SignedMinor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        SignedMinor::parse_canonical(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::SignedMinor;

    #[test]
    fn signed_amounts_have_one_text_each() {
        for ok in [
            "0",
            "1",
            "-1",
            "250000",
            "-9223372036854775808",
            "9223372036854775807",
        ] {
            let v = SignedMinor::parse_canonical(ok).expect(ok);
            assert_eq!(v.to_string(), ok);
        }
        for bad in [
            "",
            "-",
            "-0",
            "00",
            "01",
            "-01",
            "+1",
            " 1",
            "1.0",
            "9223372036854775808",
        ] {
            assert!(SignedMinor::parse_canonical(bad).is_err(), "{bad:?}");
        }
    }
}
