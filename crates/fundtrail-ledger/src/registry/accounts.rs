//! How two accounts compare (SPEC.md §22.3): by bank, ignoring case and white space, and by
//! number, keeping only its letters and digits and ignoring case. The holder's name plays no
//! part: one bank account has one number, however its holder is spelled.

use crate::entry::Account;

/// The bank name as compared: every character that is not Unicode `White_Space` (Rust's
/// `char::is_whitespace`), each lower-cased on its own (`char::to_lowercase`).
pub fn normalise_bank(bank: &str) -> String {
    bank.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The account number as compared: only its Unicode letters and digits
/// (`char::is_alphanumeric`: `Alphabetic` or a numeric general category), each lower-cased on
/// its own. `0011 0022-33` and `00110022 33` are both `0011002233`.
pub fn normalise_number(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// An account as compared: its normalised bank and number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountKey {
    /// [`normalise_bank`] of the bank.
    pub bank: String,
    /// [`normalise_number`] of the number.
    pub number: String,
}

impl AccountKey {
    /// The key of a bank name and account number as a donor types them.
    pub fn new(bank: &str, number: &str) -> Self {
        AccountKey {
            bank: normalise_bank(bank),
            number: normalise_number(number),
        }
    }

    /// The key of `account`.
    pub fn of(account: &Account) -> Self {
        AccountKey::new(&account.bank, &account.number)
    }
}
