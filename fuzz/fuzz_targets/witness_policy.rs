//! C2SP tlog-policy files (SPEC.md §15): reading never panics, and judging any note against a
//! policy that reads never panics either.
#![no_main]

use fundtrail::ledger::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first half is the policy, the rest the note it judges.
    let (policy, note) = data.split_at(data.len() / 2);
    if let Ok(policy) = Policy::parse(policy) {
        if let Ok(note) = std::str::from_utf8(note) {
            let _ = policy.judge(note);
        }
    }
});
