//! Budgets and categories (SPEC.md §18): the `budget` body, its field rules, and
//! [`BudgetBook`], the rules that keep a campaign's budget history honest.
//!
//! A budget is never edited: a revision is a new `budget` entry naming, in `revises`, the
//! budget in force. A revision may re-plan, add, drop or rename lines nothing was paid
//! against, but a line already paid against keeps its id, label, category and sector, and
//! is never planned below what was paid: otherwise a revision would rewrite what the money
//! was spent on.

mod book;

pub use book::{BudgetBook, LineStatus};

use crate::entry::{long_text, short_text, slug_field, FieldError};
use crate::money::{Currency, Minor};
use serde::{Deserialize, Serialize};

/// The most lines one budget may hold.
pub const MAX_LINES: usize = 200;

/// The fixed categories (SPEC.md §18.1), each with the IATI (OECD DAC 5-digit) sector code
/// a line of that category is suggested to carry, when one exists.
pub const CATEGORIES: [(&str, Option<&str>); 10] = [
    ("food", Some("72040")),
    ("water", Some("14030")),
    ("shelter", Some("72010")),
    ("health", Some("72011")),
    ("education", Some("72012")),
    ("cash", None),
    ("logistics", Some("72050")),
    ("reconstruction", Some("73010")),
    ("administration", Some("91010")),
    ("other", None),
];

/// The prefix of a custom category: `x-` then a slug, e.g. `x-boat-repair`.
pub const CUSTOM_PREFIX: &str = "x-";

/// `budget`: a campaign's planned spending, line by line, in the campaign's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// The campaign budgeted.
    pub campaign: String,
    /// Must equal the campaign's currency.
    pub currency: Currency,
    /// The lines, 1 to [`MAX_LINES`], ids unique.
    pub lines: Vec<BudgetLine>,
    /// Optional explanation (of a revision, typically).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// `seq` of the budget in force this one replaces; absent for a campaign's first budget.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub revises: Option<u64>,
}

/// One line of a budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetLine {
    /// Planned amount in minor units of the campaign's currency.
    pub amount: Minor,
    /// A fixed category ([`CATEGORIES`]) or a custom one (`x-` and a slug).
    pub category: String,
    /// Slug naming the line; disbursements name it in `budget_line`.
    pub id: String,
    /// What the line is for, as shown to donors.
    pub label: String,
    /// Optional IATI sector code (OECD DAC 5-digit purpose code).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sector: Option<String>,
}

/// Whether `category` is a fixed category or a custom one (`x-` and a slug, at most 64 bytes).
pub fn is_category(category: &str) -> bool {
    CATEGORIES.iter().any(|(c, _)| *c == category)
        || category
            .strip_prefix(CUSTOM_PREFIX)
            .is_some_and(|rest| category.len() <= 64 && crate::entry::is_slug(rest))
}

/// The suggested IATI sector code of a fixed category, when one exists.
pub fn suggested_sector(category: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .and_then(|(_, s)| *s)
}

/// Checks a budget's fields (SPEC.md §18.1), in the order the spec lists them.
///
/// # Errors
/// A [`FieldError`] naming the first bad field of the body.
pub fn validate(b: &Budget) -> Result<(), FieldError> {
    slug_field("campaign", &b.campaign)?;
    if b.lines.is_empty() {
        return Err(FieldError::new("lines", "a budget needs at least one line"));
    }
    if b.lines.len() > MAX_LINES {
        return Err(FieldError::new(
            "lines",
            format!("at most {MAX_LINES} lines"),
        ));
    }
    for (i, line) in b.lines.iter().enumerate() {
        slug_field("lines.id", &line.id)?;
        if b.lines[..i].iter().any(|l| l.id == line.id) {
            return Err(FieldError::new(
                "lines.id",
                format!("line \"{}\" is listed twice", line.id),
            ));
        }
        short_text("lines.label", &line.label)?;
        if !is_category(&line.category) {
            return Err(FieldError::new(
                "lines.category",
                "must be food, water, shelter, health, education, cash, logistics, reconstruction, administration, other, or x- and a custom name",
            ));
        }
        if let Some(sector) = &line.sector {
            if sector.len() != 5 || !sector.bytes().all(|c| c.is_ascii_digit()) {
                return Err(FieldError::new(
                    "lines.sector",
                    "must be an IATI sector code of 5 digits, such as 72040",
                ));
            }
        }
    }
    if let Some(note) = &b.note {
        long_text("note", note)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
