//! Bank statement CSV: reading never panics, and the lines read (or the refusal) are the same
//! whatever pieces the bytes arrive in, as over the network.
#![no_main]

use fundtrail::ledger::Currency;
use fundtrail::statement::{Mapping, StatementLines};
use libfuzzer_sys::fuzz_target;

/// Reads `text` fed in pieces of `piece` bytes: every line, or the refusal's words.
fn read(text: &[u8], piece: usize, currency: Currency) -> Result<Vec<String>, String> {
    let mut reader = StatementLines::new(Mapping::default(), currency);
    let mut lines = Vec::new();
    for chunk in text.chunks(piece.max(1)) {
        reader.feed(chunk).map_err(|e| e.to_string())?;
        while let Some(line) = reader.next_line() {
            lines.push(format!("{line:?}"));
        }
    }
    reader.finish().map_err(|e| e.to_string())?;
    while let Some(line) = reader.next_line() {
        lines.push(format!("{line:?}"));
    }
    Ok(lines)
}

fuzz_target!(|data: &[u8]| {
    let Some((&[piece, money], text)) = data.split_first_chunk::<2>() else {
        return;
    };
    let code = ["VND", "USD", "KWD"][usize::from(money % 3)];
    let currency = Currency::parse(code).expect("a known currency");
    let whole = read(text, text.len().max(1), currency);
    let pieces = read(text, usize::from(piece), currency);
    assert_eq!(whole, pieces, "pieces of {piece} bytes read differently");
});
