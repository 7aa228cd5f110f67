//! VietQR payloads (NAPAS's profile of the EMVCo merchant-presented QR code): the text a
//! Vietnamese banking app reads from a QR code to fill in a transfer to an account, with
//! the amount (optional) and the transfer message. Pure: the route that draws them is
//! `http/vietqr.rs`.
//!
//! A payload is a list of EMVCo data objects, each `ID` (2 digits), length (2 digits, in
//! characters) and value; nested templates hold data objects of their own:
//!
//! | ID | value |
//! | --- | --- |
//! | `00` | payload format indicator `01` |
//! | `01` | point of initiation: `11` static (no amount), `12` dynamic (with an amount) |
//! | `38` | merchant account information: `00` GUID `A000000727` (NAPAS), `01` beneficiary (`00` the bank's BIN, `01` the account number), `02` service code `QRIBFTTA` (transfer to an account) |
//! | `53` | currency, ISO 4217 numeric `704` (VND) |
//! | `54` | amount, digits (optional) |
//! | `58` | country code `VN` |
//! | `62` | additional data: `08` purpose of the transaction (the transfer message) |
//! | `63` | CRC: `04` and 4 upper-case hex digits, CRC-16/CCITT-FALSE of everything before them, `6304` included |

/// A major Vietnamese bank and the names it goes by.
struct Bank {
    /// Its NAPAS BIN (bank identification number).
    bin: &'static str,
    /// The short name most people write.
    name: &'static str,
    /// Names matched as a part of the written name (lower case, without spaces).
    long: &'static [&'static str],
    /// Names matched only as a whole word (short ones, which other names may contain).
    short: &'static [&'static str],
}

/// The major banks whose BIN this server knows. An account at another bank gets no VietQR
/// code (the campaign's page still lists it).
const BANKS: &[Bank] = &[
    Bank {
        bin: "970436",
        name: "Vietcombank",
        long: &["vietcombank", "ngoạithương", "ngoaithuong"],
        short: &["vcb"],
    },
    Bank {
        bin: "970415",
        name: "VietinBank",
        long: &["vietinbank", "côngthương", "congthuong"],
        short: &["ctg"],
    },
    Bank {
        bin: "970418",
        name: "BIDV",
        long: &["đầutưvàpháttriển", "dautuvaphattrien"],
        short: &["bidv"],
    },
    Bank {
        bin: "970405",
        name: "Agribank",
        long: &["agribank", "nôngnghiệp", "nongnghiep"],
        short: &[],
    },
    Bank {
        bin: "970407",
        name: "Techcombank",
        long: &["techcombank", "kỹthương", "kythuong"],
        short: &["tcb"],
    },
    Bank {
        bin: "970422",
        name: "MB",
        long: &["mbbank", "quânđội", "quandoi"],
        short: &["mb"],
    },
    Bank {
        bin: "970416",
        name: "ACB",
        long: &["áchâu", "achau"],
        short: &["acb"],
    },
    Bank {
        bin: "970432",
        name: "VPBank",
        long: &["vpbank", "thịnhvượng", "thinhvuong"],
        short: &[],
    },
    Bank {
        bin: "970423",
        name: "TPBank",
        long: &["tpbank", "tiênphong", "tienphong"],
        short: &[],
    },
    Bank {
        bin: "970403",
        name: "Sacombank",
        long: &["sacombank", "sàigònthươngtín", "saigonthuongtin"],
        short: &["stb"],
    },
];

/// The NAPAS BIN and short name of the bank `written` names (`Vietcombank`,
/// `Ngân hàng TMCP Ngoại thương Việt Nam`, `VCB - CN Đà Nẵng`), or `None` for a bank not in
/// the table.
pub fn bank_bin(written: &str) -> Option<(&'static str, &'static str)> {
    let lower = written.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let compact: String = words.concat();
    BANKS
        .iter()
        .find(|b| {
            b.long.iter().any(|l| compact.contains(l)) || b.short.iter().any(|s| words.contains(s))
        })
        .map(|b| (b.bin, b.name))
}

/// CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR) of
/// `bytes`, table-driven.
pub fn crc16_ccitt_false(bytes: &[u8]) -> u16 {
    const TABLE: [u16; 256] = {
        let mut table = [0u16; 256];
        let mut i = 0;
        while i < 256 {
            let mut crc = (i as u16) << 8;
            let mut bit = 0;
            while bit < 8 {
                crc = if crc & 0x8000 != 0 {
                    (crc << 1) ^ 0x1021
                } else {
                    crc << 1
                };
                bit += 1;
            }
            table[i] = crc;
            i += 1;
        }
        table
    };
    bytes.iter().fold(0xFFFF, |crc, &b| {
        (crc << 8) ^ TABLE[usize::from((crc >> 8) as u8 ^ b)]
    })
}

/// Why no payload can be made for an account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VietQrError {
    /// The account's bank is not in the table.
    #[error("unknown bank {0:?}: this server knows the NAPAS BIN of Vietcombank, VietinBank, BIDV, Agribank, Techcombank, MB, ACB, VPBank, TPBank and Sacombank only")]
    UnknownBank(String),
    /// The account number is not 1 to 19 letters and digits (separators aside).
    #[error("account number {0:?} is not 1 to 19 letters and digits")]
    BadAccount(String),
    /// A data object's value is longer than 99 characters, or not ASCII.
    #[error("{0} cannot be written in a VietQR code")]
    Unwritable(&'static str),
}

/// One data object: ID, two-digit length, value.
fn object(id: &str, value: &str, what: &'static str) -> Result<String, VietQrError> {
    if value.len() > 99 || !value.is_ascii() {
        return Err(VietQrError::Unwritable(what));
    }
    Ok(format!("{id}{:02}{value}", value.len()))
}

/// What a VietQR code asks the payer's bank to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer<'a> {
    /// The receiving bank's NAPAS BIN.
    pub bin: &'a str,
    /// The account number, as printed by the bank (spaces, `-` and `.` are dropped).
    pub account: &'a str,
    /// The amount in đồng, when the code carries one.
    pub amount: Option<u64>,
    /// The suggested transfer message (ASCII).
    pub message: &'a str,
}

/// The account number `written` without spaces, `-` and `.`, when it is then 1 to 19
/// letters and digits.
///
/// # Errors
/// [`VietQrError::BadAccount`].
pub fn account_number(written: &str) -> Result<String, VietQrError> {
    let compact: String = written
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.'))
        .collect();
    if compact.is_empty()
        || compact.len() > 19
        || !compact.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(VietQrError::BadAccount(written.to_string()));
    }
    Ok(compact)
}

/// The VietQR payload of `t`, its CRC last.
///
/// # Errors
/// [`VietQrError`] when the account number or the message cannot be written.
pub fn payload(t: &Transfer<'_>) -> Result<String, VietQrError> {
    let account = account_number(t.account)?;
    let beneficiary =
        object("00", t.bin, "the BIN")? + &object("01", &account, "the account number")?;
    let merchant = object("00", "A000000727", "the GUID")?
        + &object("01", &beneficiary, "the beneficiary")?
        + &object("02", "QRIBFTTA", "the service code")?;
    let mut out = object("00", "01", "the format")?;
    out += &object(
        "01",
        if t.amount.is_some() { "12" } else { "11" },
        "the initiation",
    )?;
    out += &object("38", &merchant, "the account information")?;
    out += &object("53", "704", "the currency")?;
    if let Some(amount) = t.amount {
        out += &object("54", &amount.to_string(), "the amount")?;
    }
    out += &object("58", "VN", "the country")?;
    if !t.message.is_empty() {
        out += &object(
            "62",
            &object("08", t.message, "the message")?,
            "the additional data",
        )?;
    }
    out += "6304";
    let crc = crc16_ccitt_false(out.as_bytes());
    Ok(format!("{out}{crc:04X}"))
}

/// The longest transfer message a VietQR code suggests (banks keep about this many
/// characters of a message).
pub const MAX_MESSAGE: usize = 25;

/// The campaign's code in transfer messages: its id upper-cased without `-` (`flood-2026`
/// -> `FLOOD2026`), so a statement line's message names the campaign however the bank
/// spaces or cuts it.
pub fn campaign_code(campaign: &str) -> String {
    campaign
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The suggested transfer message for `campaign`: `UNG HO <code>` ("donation to"), or the
/// code alone when that is longer than [`MAX_MESSAGE`], cut to it.
pub fn suggested_message(campaign: &str) -> String {
    let code = campaign_code(campaign);
    let message = format!("UNG HO {code}");
    if message.len() <= MAX_MESSAGE {
        message
    } else {
        code.chars().take(MAX_MESSAGE).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crc_gives_the_check_value_of_crc_16_ccitt_false() {
        // The standard check value: the CRC of the ASCII digits 1 to 9.
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    #[test]
    fn a_published_vietqr_payload_is_rebuilt_exactly() {
        // From the README of github.com/subiz/vietqr: 120,000 đ to VietinBank account
        // 0011001932418, message "ung ho lu lut".
        let t = Transfer {
            bin: "970415",
            account: "0011001932418",
            amount: Some(120_000),
            message: "ung ho lu lut",
        };
        assert_eq!(
            payload(&t).unwrap(),
            "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C"
        );
    }

    #[test]
    fn banks_are_found_by_their_usual_names_and_unknown_ones_are_not() {
        assert_eq!(bank_bin("Vietcombank"), Some(("970436", "Vietcombank")));
        assert_eq!(bank_bin("VCB - CN Đà Nẵng").map(|b| b.0), Some("970436"));
        assert_eq!(
            bank_bin("Ngân hàng TMCP Ngoại thương Việt Nam").map(|b| b.0),
            Some("970436")
        );
        assert_eq!(bank_bin("MB Bank").map(|b| b.0), Some("970422"));
        assert_eq!(bank_bin("BIDV").map(|b| b.0), Some("970418"));
        assert_eq!(bank_bin("Bank of America"), None);
        assert_eq!(bank_bin("Ngân hàng Nam Á"), None);
    }

    #[test]
    fn the_message_names_the_campaign_by_its_code() {
        assert_eq!(suggested_message("flood-2026"), "UNG HO FLOOD2026");
        assert_eq!(
            suggested_message("a-very-long-campaign-name-2026"),
            "AVERYLONGCAMPAIGNNAME2026"
        );
        assert_eq!(account_number("0071 0012-3456.7").unwrap(), "0071001234567");
        assert!(account_number("12/34").is_err());
    }
}
