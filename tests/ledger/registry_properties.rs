//! The registry's bodies and rules (SPEC.md §22), generated: every valid registry body is
//! exactly its canonical leaf and parses back to itself, no mutation of a registry leaf makes
//! the parser panic or accept a non-canonical byte string, accounts compare the same however
//! they are spaced, punctuated or capitalised, and no sequence of registry entries, valid or
//! not, ever leaves an account held by two organisations or changes the registry when refused.

use fundtrail::ledger::entry::Account;
use fundtrail::ledger::registry::{
    AccountKey, OrgAccounts, OrgChecks, OrgClose, OrgEntry, OrgKey, OrgKind, OrgRegister,
    OrgResume, OrgStatus, OrgSuspend, Registry,
};
use fundtrail::ledger::{decode, encode, Body, Entry, ZERO_HASH};
use proptest::prelude::*;
use std::collections::HashMap;

const PLATFORM: &str = "platform.example";
const SLUGS: [&str; 4] = ["quy-a", "quy-b", "xa-c", "anh-d"];

fn key(slug: &str, seed: u8) -> String {
    let public = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key();
    signed_note::new_ed25519_verifier_key(&format!("{PLATFORM}/o/{slug}"), &public)
}

fn text() -> impl Strategy<Value = String> {
    "[ A-Za-z0-9ăâđêôơưĂÂĐÊÔƠƯàáạảãÀÁ.,/-]{1,30}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn account() -> impl Strategy<Value = Account> {
    (
        prop::sample::select(vec!["Vietcombank", "BIDV", "Techcombank", "Agribank"]),
        "[0-9]{1,2}",
        text(),
    )
        .prop_map(|(bank, number, holder)| Account {
            bank: bank.into(),
            holder,
            number,
        })
}

fn accounts() -> impl Strategy<Value = Vec<Account>> {
    prop::collection::vec(account(), 0..4).prop_map(|list| {
        // One list never names one account twice (a field rule, SPEC.md §22.2).
        let mut seen = std::collections::HashSet::new();
        list.into_iter()
            .filter(|a| seen.insert(AccountKey::of(a)))
            .collect()
    })
}

fn slug() -> impl Strategy<Value = String> {
    prop::sample::select(SLUGS.to_vec()).prop_map(String::from)
}

/// Any registry body over a few slugs, accounts and keys: valid fields, rules not guaranteed.
fn org_entry() -> impl Strategy<Value = OrgEntry> {
    prop_oneof![
        (slug(), accounts(), text(), 1u8..4, prop::option::of(text())).prop_map(
            |(slug, accounts, name, seed, number)| {
                OrgEntry::Register(OrgRegister {
                    accounts,
                    checks: OrgChecks {
                        document_sha256: None,
                        note: None,
                        registration_number: number,
                    },
                    kind: OrgKind::Ngo,
                    name,
                    origin: format!("{PLATFORM}/o/{slug}"),
                    verifier_key: key(&slug, seed),
                    slug,
                })
            }
        ),
        (slug(), accounts(), prop::option::of(text())).prop_map(|(org, accounts, note)| {
            OrgEntry::Accounts(OrgAccounts {
                accounts,
                note,
                org,
            })
        }),
        (slug(), 1u8..4).prop_map(|(org, seed)| OrgEntry::Key(OrgKey {
            note: None,
            verifier_key: key(&org, seed),
            org,
        })),
        (slug(), text()).prop_map(|(org, reason)| OrgEntry::Suspend(OrgSuspend { org, reason })),
        (slug(), prop::option::of(text()))
            .prop_map(|(org, note)| OrgEntry::Resume(OrgResume { note, org })),
        (slug(), text()).prop_map(|(org, reason)| OrgEntry::Close(OrgClose { org, reason })),
    ]
}

fn entry(seq: u64, body: OrgEntry) -> Entry {
    Entry {
        seq,
        prev: ZERO_HASH,
        recorded_at: "2026-11-30T10:00:00.000000Z".into(),
        recorded_by: "admin".into(),
        body: Body::Org(body),
    }
}

/// Applies `edits` (position, byte; 0 deletes) to `bytes`.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8)]) -> Vec<u8> {
    for (pos, b) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = pos % bytes.len();
        if *b == 0 {
            bytes.remove(i);
        } else {
            bytes[i] = *b;
        }
    }
    bytes
}

/// Who holds each account, recomputed from the organisations' state alone (SPEC.md §22.4).
fn holders(r: &Registry) -> Result<HashMap<AccountKey, String>, String> {
    let mut out = HashMap::new();
    for org in r.orgs().iter().filter(|o| o.status != OrgStatus::Closed) {
        for a in &org.accounts {
            if let Some(other) = out.insert(AccountKey::of(a), org.slug.clone()) {
                return Err(format!("{a:?} held by {other} and {}", org.slug));
            }
        }
    }
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_valid_registry_body_parses_back_from_its_canonical_leaf(body in org_entry()) {
        let e = entry(0, body);
        prop_assert_eq!(e.body.validate(), Ok(()));
        let leaf = encode(&e);

        prop_assert_eq!(decode(&leaf), Ok(e));
    }

    #[test]
    fn a_mutated_registry_leaf_is_either_refused_or_exactly_canonical(
        body in org_entry(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let mutated = mutate(encode(&entry(0, body)), &edits);
        if let Ok(e) = decode(&mutated) {
            prop_assert_eq!(encode(&e), mutated);
        }
    }

    #[test]
    fn an_account_compares_the_same_however_it_is_spaced_punctuated_or_capitalised(
        a in account(),
        gaps in prop::collection::vec((any::<usize>(), prop::sample::select(vec![" ", "-", ".", "\u{3000}"])), 0..4),
    ) {
        let mut number: Vec<&str> = a.number.split_inclusive(|_| true).collect();
        for (at, gap) in &gaps {
            let i = at % (number.len() + 1);
            number.insert(i, gap);
        }
        let number = number.concat();
        let bank = format!("  {} ", a.bank.to_uppercase());

        prop_assert_eq!(AccountKey::new(&bank, &number), AccountKey::of(&a));
    }

    #[test]
    fn no_sequence_of_registry_entries_leaves_an_account_held_twice_or_changes_on_refusal(
        bodies in prop::collection::vec(org_entry(), 1..25),
    ) {
        let mut r = Registry::new();
        for (seq, body) in bodies.into_iter().enumerate() {
            let before = format!("{:?}", r.orgs());
            let e = entry(seq as u64, body);
            if r.apply(&e).is_err() {
                prop_assert_eq!(format!("{:?}", r.orgs()), before);
            }
            let held = holders(&r).map_err(TestCaseError::fail)?;
            for (k, slug) in &held {
                let found = r.find_account(&k.bank, &k.number).map(|(s, _)| s.to_string());
                prop_assert_eq!(found.as_deref(), Some(slug.as_str()));
            }
        }
    }
}
