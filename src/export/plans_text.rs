//! Budgets and pledges in words for the exports' memo cells: neither moves money, so their
//! amounts are told in the text, never in an amount column a spreadsheet would add up.

use crate::ledger::budget::Budget;
use crate::ledger::pledge::Pledge;

/// `revises entry 12; rice: Rice for 500 families (food, sector 72040) 5000000 VND; …`
/// then the note, amounts in the currency's minor unit.
pub(crate) fn budget_memo(b: &Budget) -> String {
    let mut parts = Vec::with_capacity(b.lines.len() + 2);
    if let Some(r) = b.revises {
        parts.push(format!("revises entry {r}"));
    }
    for l in &b.lines {
        let sector = l
            .sector
            .as_ref()
            .map(|s| format!(", sector {s}"))
            .unwrap_or_default();
        parts.push(format!(
            "{}: {} ({}{}) {} {}",
            l.id,
            l.label,
            l.category,
            sector,
            l.amount.to_decimal(b.currency),
            b.currency
        ));
    }
    parts.extend(b.note.clone());
    parts.join("; ")
}

/// `pledged 5000000 VND, expected 2026-12-15; <note>`.
pub(crate) fn pledge_memo(p: &Pledge) -> String {
    let mut text = format!("pledged {} {}", p.amount.to_decimal(p.currency), p.currency);
    if let Some(day) = &p.expected_on {
        text.push_str(&format!(", expected {day}"));
    }
    if let Some(note) = &p.note {
        text.push_str("; ");
        text.push_str(note);
    }
    text
}
