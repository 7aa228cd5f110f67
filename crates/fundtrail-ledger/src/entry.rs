//! Ledger entries: the common envelope and the six kinds of body. See SPEC.md §2.
//!
//! Struct fields are declared in ascending key order so that serializing them with
//! `serde_json` yields canonical JSON directly (see [`super::canonical`]).

use super::hash::Hash;
use super::money::{Currency, Minor};
use serde::{Deserialize, Serialize};

/// The entry format version written in every leaf's `v` field.
pub const FORMAT_VERSION: u64 = 1;

/// The longest text accepted in a short field (names, titles, references).
pub const MAX_SHORT_TEXT: usize = 200;
/// The longest text accepted in a long field (purposes, memos, reasons).
pub const MAX_LONG_TEXT: usize = 2000;

/// One ledger entry: position, link to the previous leaf, who and when, and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the ledger, starting at 0.
    pub seq: u64,
    /// Leaf hash of entry `seq - 1`; all zeros for entry 0.
    pub prev: Hash,
    /// UTC time of recording, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, never decreasing.
    pub recorded_at: String,
    /// The staff member or token name that appended the entry.
    pub recorded_by: String,
    /// What happened.
    pub body: Body,
}

/// What an entry records. The variant gives the entry's `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Body {
    /// `campaign.open`
    CampaignOpen(CampaignOpen),
    /// `campaign.close`
    CampaignClose(CampaignClose),
    /// `donation`
    Donation(Donation),
    /// `disbursement`
    Disbursement(Disbursement),
    /// `transfer`
    Transfer(Transfer),
    /// `reversal`
    Reversal(Reversal),
}

impl Body {
    /// The `kind` string written into the leaf.
    pub fn kind(&self) -> &'static str {
        match self {
            Body::CampaignOpen(_) => "campaign.open",
            Body::CampaignClose(_) => "campaign.close",
            Body::Donation(_) => "donation",
            Body::Disbursement(_) => "disbursement",
            Body::Transfer(_) => "transfer",
            Body::Reversal(_) => "reversal",
        }
    }

    /// The campaign this entry belongs to (for transfers, the source campaign).
    pub fn campaign(&self) -> &str {
        match self {
            Body::CampaignOpen(b) => &b.id,
            Body::CampaignClose(b) => &b.campaign,
            Body::Donation(b) => &b.campaign,
            Body::Disbursement(b) => &b.campaign,
            Body::Transfer(b) => &b.from,
            Body::Reversal(_) => "",
        }
    }

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
                Ok(())
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
                short("recipient", &b.recipient)?;
                long("purpose", &b.purpose)?;
                if b.evidence.len() > 100 {
                    return Err(FieldError::new("evidence", "at most 100 documents"));
                }
                for e in &b.evidence {
                    media_type("evidence.media_type", &e.media_type)?;
                    opt_short("evidence.name", &e.name)?;
                }
                Ok(())
            }
            Body::Transfer(b) => {
                slug("from", &b.from)?;
                slug("to", &b.to)?;
                if b.from == b.to {
                    return Err(FieldError::new("to", "must differ from `from`"));
                }
                long("reason", &b.reason)
            }
            Body::Reversal(b) => opt_long("note", &b.note),
        }
    }
}

/// `campaign.open`: a new campaign with its currency and official receiving accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignOpen {
    /// Official accounts donors should pay into; anything else is an impostor.
    pub accounts: Vec<Account>,
    /// The campaign's only currency.
    pub currency: Currency,
    /// Optional last day, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ends_on: Option<String>,
    /// Optional fundraising goal in minor units.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goal: Option<Minor>,
    /// Slug: lower-case letters, digits and `-`, 1 to 64 characters, starting alphanumeric.
    pub id: String,
    /// What the money is for.
    pub purpose: String,
    /// Display title.
    pub title: String,
}

/// An official receiving account of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Bank or provider name.
    pub bank: String,
    /// Account holder's name.
    pub holder: String,
    /// Account number as printed by the bank.
    pub number: String,
}

/// `campaign.close`: no more donations, disbursements or incoming transfers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignClose {
    /// The campaign being closed.
    pub campaign: String,
    /// Optional explanation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// How a donation arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Bank transfer.
    BankTransfer,
    /// Cash in hand.
    Cash,
    /// Card payment.
    Card,
    /// Mobile money wallet.
    MobileMoney,
    /// Goods or services; the amount is the declared value.
    InKind,
    /// Anything else.
    Other,
}

/// `donation`: money (or goods of a declared value) received for a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Donation {
    /// Minor units; for in-kind gifts the declared value.
    pub amount: Minor,
    /// The receiving campaign.
    pub campaign: String,
    /// How it arrived.
    pub channel: Channel,
    /// Optional donor commitment (SPEC.md §2.4), hex.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub commitment: Option<Hash>,
    /// Must equal the campaign's currency.
    pub currency: Currency,
    /// The name the donor consented to publish, or `"Anonymous"`.
    pub donor: String,
    /// Present exactly when `channel` is `in_kind`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub in_kind: Option<InKind>,
    /// Optional public memo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memo: Option<String>,
    /// Day received, `YYYY-MM-DD`.
    pub received_at: String,
    /// Bank transaction id, transfer message or receipt number, so a donor can find it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<String>,
}

/// What an in-kind gift was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InKind {
    /// E.g. "200 bags of rice, 10 kg each".
    pub description: String,
}

/// `disbursement`: money paid out of a campaign, with hashes of its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disbursement {
    /// Minor units.
    pub amount: Minor,
    /// The paying campaign.
    pub campaign: String,
    /// Must equal the campaign's currency.
    pub currency: Currency,
    /// Invoices, receipts, beneficiary lists: by hash.
    pub evidence: Vec<Evidence>,
    /// Day paid, `YYYY-MM-DD`.
    pub paid_at: String,
    /// What it paid for.
    pub purpose: String,
    /// Who was paid.
    pub recipient: String,
}

/// A document proving a disbursement, named by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// MIME type, e.g. `application/pdf`.
    pub media_type: String,
    /// Optional original file name (display only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: Hash,
    /// Size in bytes.
    pub size: u64,
}

/// `transfer`: earmarked money moved between two campaigns of the same currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Minor units.
    pub amount: Minor,
    /// Currency of both campaigns.
    pub currency: Currency,
    /// Source campaign.
    pub from: String,
    /// Why the money moves; required, since moving earmarked money must be explained.
    pub reason: String,
    /// Destination campaign.
    pub to: String,
}

/// Why an entry is reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReversalReason {
    /// Money returned to the donor or from the recipient.
    Refund,
    /// The entry recorded something already recorded.
    Duplicate,
    /// The entry was wrong.
    Error,
}

/// `reversal`: undoes one earlier donation, disbursement or transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reversal {
    /// Optional explanation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// Why.
    pub reason: ReversalReason,
    /// `seq` of the entry being reversed.
    pub reverses: u64,
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

/// Reports whether `s` is a calendar date written exactly `YYYY-MM-DD`.
///
/// Accepts exactly the strings that chrono parses with `%Y-%m-%d` and formats back to the
/// same text (checked against chrono in the tests), without chrono's cost.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && date_ok(b)
}

/// The value of the ASCII decimal digits `b`, or `None` when any byte is not a digit.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// `b` (10 bytes) is `YYYY-MM-DD`, a day of the proleptic Gregorian calendar.
fn date_ok(b: &[u8]) -> bool {
    if b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
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

/// Formats a time as `recorded_at` is written: UTC, microseconds, `Z`. The same text as
/// chrono's `%Y-%m-%dT%H:%M:%S%.6fZ` (tested), without parsing that pattern on each call
/// for the usual case (years 0 to 9999, no leap second).
pub fn format_recorded_at(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let (year, nanos) = (t.year(), t.nanosecond());
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    }
    format!(
        "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        nanos / 1000
    )
}

/// Reports whether `s` is a `recorded_at` value in the one fixed format.
///
/// Accepts exactly the strings that chrono parses with `%Y-%m-%dT%H:%M:%S%.6fZ` and
/// formats back to the same text (checked against chrono in the tests).
pub fn is_recorded_at(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 27
        && date_ok(&b[..10])
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[26] == b'Z'
        && digits(&b[11..13]).is_some_and(|h| h <= 23)
        && digits(&b[14..16]).is_some_and(|m| m <= 59)
        && digits(&b[17..19]).is_some_and(|s| s <= LAST_SECOND)
        && digits(&b[20..26]).is_some()
}

/// The largest seconds value chrono's round trip accepts (a leap second is written 60).
const LAST_SECOND: u32 = 60;

#[cfg(test)]
mod tests {
    use super::*;

    /// The definitions these fast checks replace: a chrono parse and format round trip.
    fn is_date_chrono(s: &str) -> bool {
        s.len() == 10
            && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .is_ok_and(|d| d.format("%Y-%m-%d").to_string() == s)
    }

    #[test]
    fn recorded_at_is_formatted_as_chrono_formats_it() {
        let chrono_text =
            |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        let mut micros: i64 = -62_167_219_200_000_000; // 0000-01-01T00:00:00Z
        let step = 7_777_777_777_777; // about 90 days and some odd microseconds
        let last = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999Z
        let mut checked = 0;
        while micros <= last {
            let t = chrono::DateTime::from_timestamp_micros(micros).expect("in range");
            assert_eq!(format_recorded_at(t), chrono_text(t), "{micros}");
            checked += 1;
            micros += step;
        }
        assert!(checked > 40_000);
        for extreme in [
            -62_167_219_200_000_001, // year -1
            253_402_300_800_000_000, // year 10000
            0,
            1_764_000_000_123_456,
        ] {
            let t = chrono::DateTime::from_timestamp_micros(extreme).expect("in range");
            assert_eq!(format_recorded_at(t), chrono_text(t), "{extreme}");
        }
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_micro_opt(23, 59, 59, 1_500_000))
            .expect("a leap second")
            .and_utc();
        assert_eq!(format_recorded_at(leap), chrono_text(leap));
    }

    fn is_recorded_at_chrono(s: &str) -> bool {
        s.len() == 27
            && chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.6fZ")
                .is_ok_and(|t| format_recorded_at(t.and_utc()) == s)
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Bytes that make interesting mutations of dates and times.
    const NOISE: &[u8] = b"0123456789-:.TZ +/aZ\x00\xff";

    fn mutate(rng: &mut Rng, s: &str) -> String {
        let mut b = s.as_bytes().to_vec();
        for _ in 0..=rng.below(2) {
            match rng.below(4) {
                0 if !b.is_empty() => {
                    let i = rng.below(b.len() as u64) as usize;
                    b[i] = NOISE[rng.below(NOISE.len() as u64) as usize];
                }
                1 if !b.is_empty() => {
                    b.remove(rng.below(b.len() as u64) as usize);
                }
                2 => {
                    let i = rng.below(b.len() as u64 + 1) as usize;
                    b.insert(i, NOISE[rng.below(NOISE.len() as u64) as usize]);
                }
                _ => {
                    let i = rng.below(b.len() as u64 + 1) as usize;
                    b.insert(i, b'0' + rng.below(10) as u8);
                }
            }
        }
        String::from_utf8_lossy(&b).into_owned()
    }

    #[test]
    fn fast_date_checks_agree_with_the_chrono_round_trip_on_edge_cases() {
        for s in [
            "2024-02-29",
            "2023-02-29",
            "2000-02-29",
            "1900-02-29",
            "2100-02-29",
            "2400-02-29",
            "0000-02-29",
            "0000-01-01",
            "9999-12-31",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-04-30",
            "2026-01-00",
            "2026-01-32",
            "2026-1-01",
            "2026-01-1",
            "+2026-01-01",
            "20260-01-01",
            "2026/01/01",
            "2026-01-01 ",
            " 2026-01-01",
            "２026-01-01",
            "",
        ] {
            assert_eq!(is_date(s), is_date_chrono(s), "{s:?}");
        }
        for s in [
            "2026-11-24T10:00:00.000000Z",
            "2024-02-29T23:59:59.999999Z",
            "2023-02-29T00:00:00.000000Z",
            "2026-12-31T23:59:60.000000Z",
            "2026-06-30T12:34:60.123456Z",
            "2026-06-30T23:59:61.000000Z",
            "2026-06-30T24:00:00.000000Z",
            "2026-06-30T23:60:00.000000Z",
            "2026-13-01T00:00:00.000000Z",
            "2026-06-30T12:00:00.00000Z",
            "2026-06-30T12:00:00.0000000Z",
            "2026-06-30T12:00:00.000000",
            "2026-06-30T12:00:00.000000z",
            "2026-06-30t12:00:00.000000Z",
            "2026-06-30 12:00:00.000000Z",
            "2026-06-30T12:00:00,000000Z",
            "2026-06-30T12:00:00.00000aZ",
            "2026-06-30T1:00:00.0000000Z",
            "2026-06-30T12:00:00.000000+00",
            "0000-01-01T00:00:00.000000Z",
            "9999-12-31T23:59:59.999999Z",
        ] {
            assert_eq!(is_recorded_at(s), is_recorded_at_chrono(s), "{s:?}");
        }
    }

    #[test]
    fn fast_date_check_agrees_with_chrono_on_every_day_of_some_years() {
        for y in [0, 1, 4, 100, 400, 1900, 1999, 2000, 2023, 2024, 2100, 9999] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let s = format!("{y:04}-{m:02}-{d:02}");
                    assert_eq!(is_date(&s), is_date_chrono(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn fast_time_check_agrees_with_chrono_on_every_time_of_day() {
        for h in 0..=25 {
            for m in 0..=61 {
                for s in [0, 1, 30, 58, 59, 60, 61, 99] {
                    let t = format!("2024-02-29T{h:02}:{m:02}:{s:02}.000500Z");
                    assert_eq!(is_recorded_at(&t), is_recorded_at_chrono(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn fast_date_checks_agree_with_chrono_on_generated_strings() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut accepted = [0usize; 2];
        for _ in 0..200_000 {
            let (y, m, d) = (rng.below(10_000), 1 + rng.below(12), 1 + rng.below(31));
            let date = format!("{y:04}-{m:02}-{d:02}");
            let (h, mi, s, f) = (
                rng.below(24),
                rng.below(60),
                rng.below(61),
                rng.below(1_000_000),
            );
            let time = format!("{date}T{h:02}:{mi:02}:{s:02}.{f:06}Z");
            for (i, s) in [date.clone(), mutate(&mut rng, &date)].iter().enumerate() {
                assert_eq!(is_date(s), is_date_chrono(s), "{s:?}");
                accepted[0] += usize::from(i == 0 && is_date(s));
            }
            for (i, s) in [time.clone(), mutate(&mut rng, &time)].iter().enumerate() {
                assert_eq!(is_recorded_at(s), is_recorded_at_chrono(s), "{s:?}");
                accepted[1] += usize::from(i == 0 && is_recorded_at(s));
            }
        }
        // The generator must exercise both answers.
        assert!(
            accepted.iter().all(|n| (100_000..200_000).contains(n)),
            "{accepted:?}"
        );
    }

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
