//! What a campaign's budget and pledges add to its IATI activity (SPEC.md §18, §19):
//! `<sector>` elements from the budget's lines (the OECD DAC 5-digit codes the lines carry,
//! vocabulary 1, and every line's category, vocabulary 99, each weighted by the planned
//! amounts so that each vocabulary's percentages add up to 100), and one `<budget>` of the
//! budget in force (type 2, revised, once it has been revised). Written only for a campaign
//! with a budget, so every other activity is exactly as before.

use super::iati::{escape, ActivityHead};
use crate::ledger::plans::Plans;
use chrono::{Duration, NaiveDate};

/// The `<sector>` and `<budget>` elements of activity `a`, in the order the schema wants
/// them (after the activity's dates, before its transactions); empty without a budget.
pub(crate) fn sectors_and_budget(a: &ActivityHead, plans: &Plans) -> String {
    let book = plans.budget(&a.id);
    let lines = book.lines();
    if lines.is_empty() {
        return String::new();
    }
    let mut x = String::new();
    let dac: Vec<(String, u128)> = merged(
        lines
            .iter()
            .filter_map(|l| l.line.sector.clone().map(|s| (s, planned(l.line)))),
    );
    for (code, share) in percentages(&dac) {
        x.push_str(&format!(
            "    <sector vocabulary=\"1\" code=\"{}\" percentage=\"{share}\"/>\n",
            escape(&code)
        ));
    }
    let categories = merged(
        lines
            .iter()
            .map(|l| (l.line.category.clone(), planned(l.line))),
    );
    for (code, share) in percentages(&categories) {
        x.push_str(&format!(
            "    <sector vocabulary=\"99\" code=\"{}\" percentage=\"{share}\"/>\n",
            escape(&code)
        ));
    }
    let total: u128 = lines.iter().map(|l| planned(l.line)).sum();
    let (start, end) = period(a);
    // Budget type 1: original, 2: revised; status 1: indicative (a published plan).
    let kind = if book.entries() > 1 { "2" } else { "1" };
    x.push_str(&format!("    <budget type=\"{kind}\" status=\"1\">\n"));
    x.push_str(&format!("      <period-start iso-date=\"{start}\"/>\n"));
    x.push_str(&format!("      <period-end iso-date=\"{end}\"/>\n"));
    x.push_str(&format!(
        "      <value currency=\"{}\" value-date=\"{start}\">{}</value>\n",
        a.currency,
        super::signed_decimal(i128::try_from(total).unwrap_or(i128::MAX), a.currency)
    ));
    x.push_str("    </budget>\n");
    x
}

fn planned(l: &crate::ledger::budget::BudgetLine) -> u128 {
    u128::from(l.amount.get())
}

/// `(code, amount)` pairs with the amounts of equal codes added, in first-seen order.
fn merged(pairs: impl Iterator<Item = (String, u128)>) -> Vec<(String, u128)> {
    let mut out: Vec<(String, u128)> = Vec::new();
    for (code, amount) in pairs {
        match out.iter_mut().find(|(c, _)| *c == code) {
            Some((_, a)) => *a += amount,
            None => out.push((code, amount)),
        }
    }
    out
}

/// Each code's share of the amounts as a percentage with two decimals, the shares adding up
/// to exactly 100 (the last takes what rounding down left).
fn percentages(parts: &[(String, u128)]) -> Vec<(String, String)> {
    let total: u128 = parts.iter().map(|(_, a)| *a).sum();
    if total == 0 {
        return Vec::new();
    }
    let mut given = 0u128;
    parts
        .iter()
        .enumerate()
        .map(|(i, (code, amount))| {
            let hundredths = if i + 1 == parts.len() {
                10_000 - given
            } else {
                amount * 10_000 / total
            };
            given += hundredths;
            (
                code.clone(),
                format!("{}.{:02}", hundredths / 100, hundredths % 100),
            )
        })
        .collect()
}

/// The budget's period: from the day the campaign opened to its last day (`ends_on`), the
/// day it closed, or else a year later (IATI budgets cover at most a year).
fn period(a: &ActivityHead) -> (String, String) {
    let start = a.opened_at.get(..10).unwrap_or(&a.opened_at).to_string();
    let year_later = NaiveDate::parse_from_str(&start, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_signed(Duration::days(364)))
        .map_or_else(|| start.clone(), |d| d.format("%Y-%m-%d").to_string());
    let end = a
        .ends_on
        .clone()
        .or_else(|| {
            a.closed_at
                .as_ref()
                .map(|c| c.get(..10).unwrap_or(c).to_string())
        })
        .filter(|end| *end >= start)
        .unwrap_or(year_later);
    (start, end)
}

/// The amount a cancellation gave up of pledge `pledge` (nothing if unknown), as the
/// negative value of its incoming pledge transaction.
pub(crate) fn cancelled_value(plans: &Plans, pledge: u64) -> i128 {
    plans
        .pledges()
        .get(pledge)
        .map_or(0, |p| i128::try_from(p.cancelled().0).unwrap_or(i128::MAX))
}
