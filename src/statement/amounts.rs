//! Amounts and dates as banks print them, read exactly: no floating point, and any amount
//! the API accepts means the same number here.

use super::columns::{Columns, Layout};
use super::Direction;
use crate::ledger::money::{Currency, Minor, MoneyError};

/// The direction and amount of one line, or the column at fault and why.
pub(super) fn line_amount<'a>(
    l: &Layout,
    columns: &Columns,
    cell: impl Fn(usize) -> &'a str,
    currency: Currency,
) -> Result<(Direction, Minor), (String, String)> {
    let col = |c: &Option<String>| c.clone().unwrap_or_default();
    if let Some(credit) = l.credit {
        let read = |i: usize, column: &Option<String>| -> Result<u64, (String, String)> {
            let text = cell(i);
            if text.is_empty() {
                return Ok(0);
            }
            parse_amount(text, currency)
                .map(|(_, units)| units)
                .map_err(|p| (col(column), p))
        };
        let money_in = read(credit, &columns.credit)?;
        let money_out = match l.debit {
            Some(d) => read(d, &columns.debit)?,
            None => 0,
        };
        return match (money_in, money_out) {
            (0, 0) => Err((
                col(&columns.credit),
                "no amount: the credit and debit cells are both empty or zero".into(),
            )),
            (i, 0) => Ok((
                Direction::In,
                Minor::new(i).map_err(|e| (col(&columns.credit), e.to_string()))?,
            )),
            (0, o) => Ok((
                Direction::Out,
                Minor::new(o).map_err(|e| (col(&columns.debit), e.to_string()))?,
            )),
            _ => Err((
                col(&columns.debit),
                "both the credit and the debit cell hold an amount".into(),
            )),
        };
    }
    let i = l.amount.unwrap_or_default();
    let column = col(&columns.amount);
    let text = cell(i);
    if text.is_empty() {
        return Err((column, "empty: every line needs an amount".into()));
    }
    let (negative, units) = parse_amount(text, currency).map_err(|p| (column.clone(), p))?;
    let amount = Minor::new(units).map_err(|e| (column, e.to_string()))?;
    Ok((
        if negative {
            Direction::Out
        } else {
            Direction::In
        },
        amount,
    ))
}

/// Parses an amount as banks print it, exactly, in `currency`'s minor units: Vietnamese
/// `1.000.000` and `1.000.000,50`, English `1,000,000.50`, plain `250000`, with an optional
/// sign (`-`, `+`, or parentheses) and currency mark (`VND`, `đ`, `₫`). A single separator
/// followed by exactly three digits groups thousands (`1.000` is one thousand); otherwise
/// it is the decimal mark. In a currency with three decimals (KWD) a single `.` is the
/// decimal mark and a single `,` before three digits is refused as ambiguous, so any text
/// the API accepts ([`Minor::parse_decimal`]) means the same number here. Returns whether
/// it was negative, and the units (maybe zero).
///
/// # Errors
/// A sentence saying why the text is not an amount in `currency`.
pub fn parse_amount(text: &str, currency: Currency) -> Result<(bool, u64), String> {
    let not = || format!("{text:?} is not an amount");
    let (negative, t) = sign_and_number(text, currency);
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(not());
    }
    let (group, decimal) = separators(text, t, currency)?;
    let (whole, frac) = match decimal {
        Some(d) => {
            let at = t.rfind(d).unwrap_or(0);
            (&t[..at], &t[at + 1..])
        }
        None => (t, ""),
    };
    if decimal.is_some() && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit())) {
        return Err(not());
    }
    let digits = match group {
        Some(g) => ungrouped(whole, g).ok_or_else(not)?,
        None => whole.to_string(),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not());
    }
    if digits.bytes().all(|b| b == b'0') && frac.bytes().all(|b| b == b'0') {
        return Ok((negative, 0));
    }
    // Banks pad decimals (`1.000.000,00` for dong): zeros after the last significant
    // decimal change nothing.
    let frac = frac.trim_end_matches('0');
    let plain = if frac.is_empty() {
        digits
    } else {
        format!("{digits}.{frac}")
    };
    match Minor::parse_decimal(&plain, currency) {
        Ok(m) => Ok((negative, m.get())),
        Err(MoneyError::TooManyDecimals { .. }) => Err(format!(
            "{text:?} has more decimals than {currency} allows ({})",
            currency.exponent()
        )),
        Err(MoneyError::Overflow(_)) => Err(format!("{text:?} is too large")),
        Err(_) => Err(not()),
    }
}

/// Whether `text` is negative (`-`, or in parentheses), and the number in it without its
/// sign and currency marks.
fn sign_and_number(text: &str, currency: Currency) -> (bool, &str) {
    let mut t = text.trim();
    for mark in [currency.code(), "VNĐ", "VND", "đ", "₫", "$"] {
        t = t.trim_end_matches(mark).trim_start_matches(mark).trim();
    }
    let mut negative = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        negative = true;
        t = inner.trim();
    }
    if let Some(rest) = t.strip_prefix('-') {
        negative = true;
        t = rest.trim_start();
    } else if let Some(rest) = t.strip_prefix('+') {
        t = rest.trim_start();
    }
    (negative, t)
}

/// The thousands separator and the decimal mark of the number `t` (digits, `.` and `,`)
/// written as `text`, as the rules of [`parse_amount`] read them.
///
/// # Errors
/// The sentence for `1,234` in a three-decimal currency, which could be either.
fn separators(
    text: &str,
    t: &str,
    currency: Currency,
) -> Result<(Option<char>, Option<char>), String> {
    let dots = t.matches('.').count();
    let commas = t.matches(',').count();
    let last = |c: char| t.rfind(c);
    Ok(match (dots, commas) {
        (0, 0) => (None, None),
        (_, 0) | (0, _) => {
            let sep = if dots > 0 { '.' } else { ',' };
            let count = dots + commas;
            let after = t.len() - last(sep).unwrap_or(0) - 1;
            if count == 1 && after == 3 && currency.exponent() >= 3 {
                // `1.234` is a decimal in a three-decimal currency, as the API reads it;
                // `1,234` could be either.
                if sep == ',' {
                    return Err(format!(
                        "{text:?} could be {} with three decimals or a whole {currency} amount: write it with a decimal point",
                        t.replace(',', ".")
                    ));
                }
                (None, Some(sep))
            } else if count > 1 || after == 3 {
                (Some(sep), None)
            } else {
                (None, Some(sep))
            }
        }
        _ => {
            if last('.') > last(',') {
                (Some(','), Some('.'))
            } else {
                (Some('.'), Some(','))
            }
        }
    })
}

/// The digits of `whole` grouped in thousands by `group` (one to three digits, then groups
/// of three), or `None` when the groups are not so.
fn ungrouped(whole: &str, group: char) -> Option<String> {
    let groups: Vec<&str> = whole.split(group).collect();
    let ok = groups.iter().enumerate().all(|(i, part)| {
        part.bytes().all(|b| b.is_ascii_digit())
            && if i == 0 {
                (1..=3).contains(&part.len())
            } else {
                part.len() == 3
            }
    });
    ok.then(|| groups.concat())
}

/// Parses `24/11/2026`, `24-11-2026`, `24.11.2026`, `2026-11-24` or `2026/11/24`, with an
/// optional time after a space (ignored), into `YYYY-MM-DD`.
///
/// # Errors
/// A sentence saying why the text is not a date.
pub fn parse_date(text: &str) -> Result<String, String> {
    let not = || format!("{text:?} is not a date (expected 24/11/2026 or 2026-11-24)");
    let day = text.split_whitespace().next().ok_or_else(not)?;
    let parts: Vec<&str> = day.split(['/', '-', '.']).collect();
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = match parts.as_slice() {
        [a, b, c] if a.len() == 4 => (number(a), number(b), number(c)),
        [a, b, c] if c.len() == 4 => (number(c), number(b), number(a)),
        _ => return Err(not()),
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(not());
    };
    let date = chrono::NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(not)?;
    Ok(date.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vnd() -> Currency {
        Currency::parse("VND").expect("VND")
    }
    fn usd() -> Currency {
        Currency::parse("USD").expect("USD")
    }

    #[test]
    fn vietnamese_and_english_amounts_parse_exactly() {
        assert_eq!(parse_amount("1.000.000", vnd()), Ok((false, 1_000_000)));
        assert_eq!(parse_amount("500.000 đ", vnd()), Ok((false, 500_000)));
        assert_eq!(parse_amount("-200.000", vnd()), Ok((true, 200_000)));
        assert_eq!(
            parse_amount("1.000.000,50", usd()),
            Ok((false, 100_000_050))
        );
        assert_eq!(
            parse_amount("1,000,000.50", usd()),
            Ok((false, 100_000_050))
        );
        assert_eq!(parse_amount("12.5", usd()), Ok((false, 1250)));
        assert_eq!(parse_amount("12,50", usd()), Ok((false, 1250)));
        assert_eq!(parse_amount("1.000", vnd()), Ok((false, 1000)));
        assert_eq!(parse_amount("(1,234)", vnd()), Ok((true, 1234)));
        assert_eq!(parse_amount("250000", vnd()), Ok((false, 250_000)));
        assert_eq!(parse_amount("0", vnd()), Ok((false, 0)));
    }

    #[test]
    fn padded_decimals_and_three_decimal_currencies_read_as_the_api_reads_them() {
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(parse_amount("1.000.000,00", vnd()), Ok((false, 1_000_000)));
        assert_eq!(parse_amount("250000.00", vnd()), Ok((false, 250_000)));
        assert_eq!(parse_amount("1.234", kwd), Ok((false, 1234)));
        assert_eq!(parse_amount("1,234.500", kwd), Ok((false, 1_234_500)));
        assert!(parse_amount("1,234", kwd).is_err_and(|e| e.contains("could be 1.234")));
    }

    #[test]
    fn malformed_amounts_say_why() {
        assert_eq!(
            parse_amount("1.000.0x0", vnd()),
            Err("\"1.000.0x0\" is not an amount".into())
        );
        assert!(parse_amount("1.00.000", vnd()).is_err());
        assert!(parse_amount("1,000.000,5", vnd()).is_err());
        assert!(parse_amount("12.", usd()).is_err());
        assert!(parse_amount("", vnd()).is_err());
        assert!(parse_amount("100,50", vnd()).is_err_and(|e| e.contains("more decimals than VND")));
        assert!(parse_amount("99999999999999999999", vnd()).is_err_and(|e| e.contains("too large")));
    }

    #[test]
    fn day_first_and_iso_dates_parse_and_impossible_ones_do_not() {
        assert_eq!(parse_date("24/11/2026"), Ok("2026-11-24".into()));
        assert_eq!(parse_date("2026-11-24"), Ok("2026-11-24".into()));
        assert_eq!(parse_date("4/1/2026 09:15:00"), Ok("2026-01-04".into()));
        assert!(parse_date("31/02/2026").is_err());
        assert!(parse_date("11/24").is_err());
        assert!(parse_date("").is_err());
    }
}
