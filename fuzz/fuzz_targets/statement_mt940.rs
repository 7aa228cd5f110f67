//! SWIFT MT940 and ISO 20022 camt.053 statements: reading never panics, and every line a
//! reader hands over either becomes a canonical line that reads back the same (SPEC.md
//! §16.2) or is refused in words.
#![no_main]

use fundtrail::ledger::reconcile::decode_line;
use fundtrail::statement::formats::{camt053, mt940, Publish, Transaction};
use libfuzzer_sys::fuzz_target;

fn check(t: Transaction, index: usize) {
    let publish = Publish { names: true, memos: true };
    if let Ok(line) = t.canonical(publish, index) {
        let bytes = line.encode();
        assert_eq!(decode_line(&bytes, 1).as_ref(), Ok(&line), "a canonical line reads back");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut n = 0;
    let _ = mt940::read(data, |t| {
        n += 1;
        check(t, n);
        Ok(())
    });
    let _ = camt053::read(data, |t| {
        n += 1;
        check(t, n);
        Ok(())
    });
});
