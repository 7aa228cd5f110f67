//! SWIFT MT940 (customer statement) read line by line: the account (`:25:`), the first
//! opening balance (`:60F:`/`:60M:`), the last closing balance (`:62F:`/`:62M:`), and each
//! statement line (`:61:`) with the information after it (`:86:`) as a transaction, handed
//! over in the file's order. No kept Rust crate reads MT940, so this is a small strict
//! reader: anything it does not understand refuses the file, naming the line.
//!
//! A `:61:` line is `YYMMDD[MMDD](C|D|RC|RD)[funds code]amount(N|F|S)xxx` then the account
//! owner's reference, then `//` and the bank's reference: the bank transaction id is the
//! bank's reference when given, else the owner's (never `NONREF`). Years are 20YY. The
//! period runs from the opening balance's day to the closing balance's. `:86:` lines are
//! joined without a separator (SWIFT wraps them at 65 characters, mid-word), then read for the
//! other party's name and the message (`mt940_86.rs`).

use super::{decimal_units, FormatError, Header, Transaction};
use crate::ledger::entry::SignedMinor;
use crate::ledger::money::Currency;
use std::io::BufRead;

/// Reads the statement from `input`, calling `each` with every transaction in order, and
/// returns the header.
///
/// # Errors
/// [`FormatError::Mt940`] naming the first line it cannot read; whatever `each` returns.
pub fn read<R: BufRead>(
    input: R,
    mut each: impl FnMut(Transaction) -> Result<(), FormatError>,
) -> Result<Header, FormatError> {
    let mut header = Header::default();
    let mut field: Option<(usize, String, String)> = None;
    let mut pending: Option<Transaction> = None;
    let mut memo_taken = false;
    let mut seen = false;
    for (n, line) in input.split(b'\n').enumerate() {
        let number = n + 1;
        let bytes = line.map_err(|e| fail(number, e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| fail(number, "not UTF-8 text".into()))?;
        let text = text.trim_end_matches('\r');
        if let Some(rest) = text.strip_prefix(':') {
            if let Some((tag, value)) = rest.split_once(':') {
                if let Some(done) = field.take() {
                    take_field(done, &mut header, &mut pending, &mut memo_taken, &mut each)?;
                }
                seen = true;
                field = Some((number, tag.to_string(), value.to_string()));
                continue;
            }
        }
        if text.trim().is_empty() {
            continue;
        }
        if text.starts_with('-') || text.starts_with('{') {
            // The end of a message (`-}`) or the start of the next one's envelope.
            if let Some(done) = field.take() {
                take_field(done, &mut header, &mut pending, &mut memo_taken, &mut each)?;
            }
            continue;
        }
        match field.as_mut() {
            Some((_, tag, value)) if tag == "86" => value.push_str(text),
            Some((_, _, value)) => {
                value.push('\n');
                value.push_str(text);
            }
            // Blank lines, `{1:…}` blocks and `-}` before the first field are envelopes.
            None => {}
        }
    }
    if let Some(done) = field.take() {
        take_field(done, &mut header, &mut pending, &mut memo_taken, &mut each)?;
    }
    if let Some(t) = pending.take() {
        each(t)?;
    }
    if !seen {
        return Err(fail(
            1,
            "no MT940 field (such as :20: or :61:) in the file".into(),
        ));
    }
    Ok(header)
}

fn fail(line: usize, problem: String) -> FormatError {
    FormatError::Mt940 { line, problem }
}

fn take_field(
    (line, tag, value): (usize, String, String),
    header: &mut Header,
    pending: &mut Option<Transaction>,
    memo_taken: &mut bool,
    each: &mut impl FnMut(Transaction) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    match tag.as_str() {
        "25" => {
            header.account.get_or_insert(value.trim().to_string());
        }
        "60F" | "60M" => {
            let (day, currency, amount) = balance(line, &value)?;
            header.currency.get_or_insert(currency);
            if header.opening.is_none() {
                header.opening = Some(amount);
                header.from = Some(day);
            }
        }
        "62F" | "62M" => {
            let (day, currency, amount) = balance(line, &value)?;
            header.currency.get_or_insert(currency);
            header.closing = Some(amount);
            header.to = Some(day);
            if let Some(t) = pending.take() {
                each(t)?;
            }
        }
        "61" => {
            if let Some(t) = pending.take() {
                each(t)?;
            }
            let currency = header.currency.ok_or_else(|| {
                fail(
                    line,
                    "a :61: line before the opening balance (:60F:)".into(),
                )
            })?;
            *pending = Some(statement_line(line, &value, currency)?);
            *memo_taken = false;
        }
        "86" => {
            if let Some(t) = pending.as_mut() {
                if !*memo_taken {
                    let (counterparty, memo) = super::mt940_86::counterparty_and_memo(&value);
                    t.counterparty = counterparty;
                    t.memo = memo;
                    *memo_taken = true;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// `YYMMDD` as `20YY-MM-DD`.
fn day(line: usize, s: &str) -> Result<String, FormatError> {
    let ok = s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit());
    let text = format!(
        "20{}-{}-{}",
        s.get(0..2).unwrap_or(""),
        s.get(2..4).unwrap_or(""),
        s.get(4..6).unwrap_or("")
    );
    if ok && crate::ledger::entry::is_date(&text) {
        Ok(text)
    } else {
        Err(fail(line, format!("{s:?} is not a day written YYMMDD")))
    }
}

/// A balance field: `C|D`, `YYMMDD`, currency, amount with a decimal comma.
fn balance(line: usize, value: &str) -> Result<(String, Currency, SignedMinor), FormatError> {
    let v = value.lines().next().unwrap_or("").trim();
    let sign = match v.get(0..1) {
        Some("C") => 1,
        Some("D") => -1,
        _ => {
            return Err(fail(
                line,
                format!("balance {v:?} does not start with C or D"),
            ))
        }
    };
    let d = day(line, v.get(1..7).unwrap_or(""))?;
    let code = v.get(7..10).unwrap_or("");
    let currency = Currency::parse(code).map_err(|e| fail(line, e.to_string()))?;
    let units =
        decimal_units(v.get(10..).unwrap_or(""), ',', currency).map_err(|p| fail(line, p))?;
    Ok((d, currency, SignedMinor(sign * units)))
}

/// A `:61:` statement line.
fn statement_line(
    line: usize,
    value: &str,
    currency: Currency,
) -> Result<Transaction, FormatError> {
    let first = value.lines().next().unwrap_or("").trim_end();
    let b = first.as_bytes();
    let date = day(line, first.get(0..6).unwrap_or(""))?;
    let mut i = 6;
    if b.len() >= 10 && b[6..10].iter().all(u8::is_ascii_digit) {
        i = 10; // the entry day, MMDD
    }
    let rest = &first[i..];
    let (credit, mark) = if rest.starts_with("RC") {
        (false, 2)
    } else if rest.starts_with("RD") {
        (true, 2)
    } else if rest.starts_with('C') {
        (true, 1)
    } else if rest.starts_with('D') {
        (false, 1)
    } else {
        return Err(fail(
            line,
            format!("{first:?}: no C, D, RC or RD after the day"),
        ));
    };
    i += mark;
    if b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        i += 1; // the funds code
    }
    let start = i;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b',') {
        i += 1;
    }
    let units = decimal_units(&first[start..i], ',', currency).map_err(|p| fail(line, p))?;
    // The type is four characters (`NTRF`); what follows is read only from a character
    // boundary, since a statement may hold any text there.
    let references = match (b.get(i), first.get(i + 4..)) {
        (Some(b'N' | b'F' | b'S'), Some(references)) => references,
        _ => {
            return Err(fail(
                line,
                format!("{first:?}: no transaction type (such as NTRF) after the amount"),
            ))
        }
    };
    let (owner, bank) = match references.split_once("//") {
        Some((o, b)) => (o.trim(), b.trim()),
        None => (references.trim(), ""),
    };
    let id = if !bank.is_empty() {
        bank
    } else if !owner.is_empty() && owner != "NONREF" {
        owner
    } else {
        return Err(fail(
            line,
            format!("{first:?}: no bank reference to name the transaction"),
        ));
    };
    Ok(Transaction {
        date,
        amount: if credit { units } else { -units },
        id: id.to_string(),
        counterparty: None,
        memo: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_all(text: &str) -> Result<(Header, Vec<Transaction>), FormatError> {
        let mut out = Vec::new();
        let h = read(text.as_bytes(), |t| {
            out.push(t);
            Ok(())
        })?;
        Ok((h, out))
    }

    const SAMPLE: &str = ":20:STMT0924\r\n:25:0071000123456\r\n:28C:00001/001\r\n:60F:C240901VND1000000,\r\n\
:61:2409090909C500000,NTRFNONREF//FT1\r\n:86:ung ho bao Yagi\r\n\
:61:240930D11000,NCHGNONREF//FEE9\r\n:86:Phi quan ly\r\n  tai khoan\r\n:62F:C240930VND1489000,\r\n-}";

    #[test]
    fn a_transaction_type_cut_inside_a_character_is_refused_not_a_panic() {
        // Found by the `statement_mt940` fuzz target: four bytes after `N` ended inside `đ`.
        let text = SAMPLE.replace("NTRFNONREF//FT1", "N\u{111}\u{111}NONREF//FT1");

        let refused = read_all(&text).expect_err("no transaction type");

        assert!(
            refused.to_string().contains("no transaction type"),
            "{refused}"
        );
    }

    #[test]
    fn a_statement_reads_into_its_header_and_lines_in_order() {
        let (h, lines) = read_all(SAMPLE).expect("an MT940 statement");
        assert_eq!(h.account.as_deref(), Some("0071000123456"));
        assert_eq!(
            (h.from.as_deref(), h.to.as_deref()),
            (Some("2024-09-01"), Some("2024-09-30"))
        );
        assert_eq!(
            (h.opening, h.closing),
            (Some(SignedMinor(1_000_000)), Some(SignedMinor(1_489_000)))
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (
                lines[0].id.as_str(),
                lines[0].amount,
                lines[0].date.as_str()
            ),
            ("FT1", 500_000, "2024-09-09")
        );
        assert_eq!(lines[1].amount, -11_000);
        assert_eq!(lines[1].memo.as_deref(), Some("Phi quan ly  tai khoan"));
    }

    #[test]
    fn an_unreadable_line_refuses_the_file_naming_it() {
        let bad = SAMPLE.replace(":61:240930D11000,", ":61:240931D11000,");
        assert!(
            matches!(read_all(&bad), Err(FormatError::Mt940 { line: 7, .. })),
            "{:?}",
            read_all(&bad)
        );
        let no_ref = SAMPLE.replace("NONREF//FT1", "NONREF");
        assert!(matches!(
            read_all(&no_ref),
            Err(FormatError::Mt940 { line: 5, .. })
        ));
    }

    proptest! {
        #[test]
        fn any_text_is_read_or_refused_never_a_panic(text in "(:[0-9]{2}[A-Z]?:)?[ -~\n]{0,200}") {
            let _ = read_all(&text);
        }

        #[test]
        fn written_lines_read_back_the_same(amounts in proptest::collection::vec((1i64..10_000_000_000, any::<bool>()), 1..20)) {
            let mut text = String::from(":20:X\n:25:1\n:60F:C240901VND0,\n");
            for (i, (units, credit)) in amounts.iter().enumerate() {
                text.push_str(&format!(":61:240902{}{units},NTRFNONREF//ID{i}\n", if *credit { 'C' } else { 'D' }));
            }
            let (_, lines) = read_all(&text).expect("readable");
            prop_assert_eq!(lines.len(), amounts.len());
            for (l, (units, credit)) in lines.iter().zip(&amounts) {
                prop_assert_eq!(l.amount, if *credit { *units } else { -*units });
            }
        }
    }
}
