//! The human report of `fundtrail verify`: counts and amounts with thousands separators
//! (`200,000 entries`, `VND: donated 1,250,000`), the totals of each currency and of each
//! campaign, with its budget against what was paid and its pledges.

use crate::ledger::money::format_decimal;
use crate::ledger::verify::Report;
use crate::ledger::Currency;

/// `digits` (an optional `-`, digits, an optional decimal part) with `,` between groups of
/// three digits of the whole part: `1234567.50` -> `1,234,567.50`.
pub(super) fn grouped(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(number.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `units` minor units of the currency `code` as a grouped decimal (`1,250,000`, `12.50`).
fn amount(units: u128, code: &str) -> String {
    let text = Currency::parse(code).map_or(units.to_string(), |c| format_decimal(units, c));
    grouped(&text)
}

/// Prints what verifying `source` established.
pub(super) fn print_report(report: &Report, source: &str, pinned: bool) {
    println!("Verified {source}");
    println!("  entries:    {}", grouped(&report.size.to_string()));
    println!("  root:       {}", report.root);
    if let Some(cp) = &report.checkpoint {
        println!(
            "  checkpoint: {} (size {}, signature valid{})",
            cp.origin,
            grouped(&cp.size.to_string()),
            if pinned {
                ", key pinned"
            } else {
                "; pass --key to pin the key you expect"
            }
        );
    }
    for (code, t) in &report.totals.currencies {
        println!(
            "  {code}: donated {}, disbursed {}, reversed {}, balance {}",
            amount(t.donated.0, code),
            amount(t.disbursed.0, code),
            amount(t.reversed.0, code),
            amount(t.balance.0, code)
        );
    }
    println!("  campaigns:  {}", report.totals.campaigns.len());
    for c in &report.totals.campaigns {
        let code = c.currency.as_str();
        println!(
            "    {} ({}, {code}, {}): donated {} ({} gifts), disbursed {}, transferred in {}, out {}, reversed {}, balance {}",
            c.id,
            c.title,
            c.status,
            amount(c.donated.0, code),
            grouped(&c.donations.to_string()),
            amount(c.disbursed.0, code),
            amount(c.transferred_in.0, code),
            amount(c.transferred_out.0, code),
            amount(c.reversed.0, code),
            amount(c.balance.0, code),
        );
        print_plans(report, &c.id, code);
    }
}

/// The budget in force of campaign `id` against what was paid per line, and its pledge
/// figures (SPEC.md §8.1), when it has them.
fn print_plans(report: &Report, id: &str, code: &str) {
    let book = report.plans.budget(id);
    if let Some(seq) = book.in_force() {
        let lines: Vec<String> = book
            .lines()
            .iter()
            .map(|l| {
                format!(
                    "{} planned {}, paid {}",
                    l.line.id,
                    amount(u128::from(l.line.amount.get()), code),
                    amount(l.paid.0, code)
                )
            })
            .collect();
        println!("      budget (entry {seq}): {}", lines.join("; "));
    }
    let p = report.plans.pledge_totals(id);
    if p.pledges > 0 {
        println!(
            "      pledges: {} pledged {}, received {}, outstanding {}, cancelled {}",
            grouped(&p.pledges.to_string()),
            amount(p.pledged.0, code),
            amount(p.received.0, code),
            amount(p.outstanding.0, code),
            amount(p.cancelled.0, code),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn numbers_get_a_comma_between_groups_of_three_digits() {
        assert_eq!(grouped("0"), "0");
        assert_eq!(grouped("999"), "999");
        assert_eq!(grouped("1000"), "1,000");
        assert_eq!(grouped("200000"), "200,000");
        assert_eq!(grouped("1234567.50"), "1,234,567.50");
        assert_eq!(grouped("-1250000"), "-1,250,000");
    }
}
