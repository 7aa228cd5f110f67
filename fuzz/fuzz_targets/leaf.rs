//! Leaf decoding: never panics, and whatever is accepted is exactly the canonical encoding of
//! the entry it decodes to (SPEC.md §4: one entry, one byte string).
#![no_main]

use fundtrail::ledger::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|leaf: &[u8]| {
    if let Ok(entry) = decode(leaf) {
        assert_eq!(encode(&entry), leaf, "a non-canonical leaf was accepted");
        // Validation of an accepted entry never panics either.
        let _ = entry.body.validate();
    }
});
