//! Registry entries (SPEC.md §22): leaves, one per line, decoded and folded into a registry.
//! Nothing panics; whatever is accepted is canonical; a refused entry leaves the registry as it
//! was; no account is ever held by two organisations; and an account look-up of any text
//! answers without panicking.
#![no_main]

use fundtrail::ledger::registry::{AccountKey, OrgStatus, Registry};
use fundtrail::ledger::{decode, encode};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;

fuzz_target!(|data: &[u8]| {
    let mut registry = Registry::new();
    for (seq, line) in data.split(|b| *b == b'\n').enumerate() {
        let Ok(mut entry) = decode(line) else {
            let text = String::from_utf8_lossy(line);
            let (bank, number) = text.split_once(' ').unwrap_or((&text, &text));
            let _ = registry.find_account(bank, number);
            continue;
        };
        assert_eq!(encode(&entry), line, "a non-canonical leaf was accepted");
        entry.seq = seq as u64;
        let before = format!("{:?}", registry.orgs());
        if registry.apply(&entry).is_err() {
            assert_eq!(format!("{:?}", registry.orgs()), before, "a refused entry changed the registry");
        }
    }
    let mut held = HashSet::new();
    for org in registry.orgs().iter().filter(|o| o.status != OrgStatus::Closed) {
        for a in &org.accounts {
            assert!(held.insert(AccountKey::of(a)), "an account is held twice");
        }
    }
});
