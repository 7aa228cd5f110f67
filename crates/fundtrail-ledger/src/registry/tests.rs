use super::*;
use crate::canonical::{decode, encode};
use crate::entry::{Body, Entry};
use crate::hash::ZERO_HASH;

fn key(name: &str, seed: u8) -> String {
    let public = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key();
    signed_note::new_ed25519_verifier_key(name, &public)
}

fn account(bank: &str, number: &str) -> Account {
    Account {
        bank: bank.into(),
        holder: "Quỹ Cứu trợ".into(),
        number: number.into(),
    }
}

fn register(slug: &str, accounts: Vec<Account>) -> Body {
    let origin = format!("platform.example/o/{slug}");
    Body::Org(OrgEntry::Register(OrgRegister {
        accounts,
        checks: OrgChecks::default(),
        kind: OrgKind::Ngo,
        name: format!("Quỹ {slug}"),
        verifier_key: key(&origin, 1),
        origin,
        slug: slug.into(),
    }))
}

fn entry(seq: u64, body: Body) -> Entry {
    Entry {
        seq,
        prev: ZERO_HASH,
        recorded_at: "2026-11-30T10:00:00.000000Z".into(),
        recorded_by: "admin".into(),
        body,
    }
}

fn apply_all(bodies: Vec<Body>) -> Result<Registry, (u64, RegistryError)> {
    let entries: Vec<Entry> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, b)| entry(i as u64, b))
        .collect();
    Registry::replay(&entries)
}

fn suspend(org: &str) -> Body {
    Body::Org(OrgEntry::Suspend(OrgSuspend {
        org: org.into(),
        reason: "Đang kiểm tra".into(),
    }))
}

fn resume(org: &str) -> Body {
    Body::Org(OrgEntry::Resume(OrgResume {
        note: None,
        org: org.into(),
    }))
}

fn close(org: &str) -> Body {
    Body::Org(OrgEntry::Close(OrgClose {
        org: org.into(),
        reason: "Giải thể".into(),
    }))
}

fn accounts(org: &str, list: Vec<Account>) -> Body {
    Body::Org(OrgEntry::Accounts(OrgAccounts {
        accounts: list,
        note: None,
        org: org.into(),
    }))
}

#[test]
fn accounts_compare_by_bank_ignoring_case_and_spaces_and_by_the_letters_and_digits_of_the_number() {
    assert_eq!(
        AccountKey::new(" Vietcom bank ", "0011 0022-33"),
        AccountKey::new("VIETCOMBANK", "00110022 33")
    );
    assert_eq!(normalise_number("AB-12.c"), "ab12c");
    assert_eq!(normalise_bank("Ngân Hàng ĐÔNG Á"), "ngânhàngđôngá");
    assert_ne!(
        AccountKey::new("Vietcombank", "0011"),
        AccountKey::new("Techcombank", "0011")
    );
}

#[test]
fn org_slugs_are_3_to_40_characters_start_with_a_letter_and_are_not_reserved() {
    for good in ["abc", "quy-mien-trung", "a12", &"a".repeat(40)] {
        assert!(is_org_slug(good), "{good}");
    }
    for bad in [
        "ab",
        "1abc",
        "abc-",
        "Abc",
        "a_b",
        "api",
        "registry",
        "",
        &"a".repeat(41),
    ] {
        assert!(!is_org_slug(bad), "{bad}");
    }
}

#[test]
fn every_registry_body_round_trips_through_its_canonical_leaf() {
    let bodies = vec![
        register("quy-a", vec![account("Vietcombank", "0071000123456")]),
        accounts("quy-a", vec![]),
        Body::Org(OrgEntry::Key(OrgKey {
            note: Some("Khóa mới".into()),
            org: "quy-a".into(),
            verifier_key: key("platform.example/o/quy-a", 2),
        })),
        suspend("quy-a"),
        resume("quy-a"),
        close("quy-a"),
    ];
    for (i, b) in bodies.into_iter().enumerate() {
        let e = entry(i as u64, b);
        let leaf = encode(&e);
        assert_eq!(decode(&leaf), Ok(e.clone()), "{}", e.body.kind());
    }
}

#[test]
fn a_register_whose_key_is_named_for_another_origin_is_refused_naming_verifier_key() {
    let mut b = register("quy-a", vec![]);
    if let Body::Org(OrgEntry::Register(r)) = &mut b {
        r.verifier_key = key("someone.else/ledger", 1);
    }
    assert_eq!(
        b.validate().map_err(|e| e.field),
        Err("verifier_key".into())
    );
}

#[test]
fn a_list_naming_one_account_twice_is_refused_naming_accounts() {
    let b = register(
        "quy-a",
        vec![
            account("Vietcombank", "0011-22"),
            account("VIETCOMBANK", "001122"),
        ],
    );
    assert_eq!(b.validate().map_err(|e| e.field), Err("accounts".into()));
}

#[test]
fn an_unknown_key_in_a_registry_body_is_refused_by_the_parser() {
    let e = entry(0, suspend("quy-a"));
    let leaf = String::from_utf8(encode(&e)).expect("utf-8");
    let bad = leaf.replace("\"org\":", "\"color\":\"red\",\"org\":");
    assert!(matches!(
        decode(bad.as_bytes()),
        Err(crate::LeafError::Malformed(_))
    ));
}

#[test]
fn a_slug_registered_twice_is_refused() {
    let got = apply_all(vec![register("quy-a", vec![]), register("quy-a", vec![])]);
    assert_eq!(
        got.map(|_| ()),
        Err((
            1,
            RegistryError::OrgExists {
                slug: "quy-a".into(),
                seq: 0
            }
        ))
    );
}

#[test]
fn an_account_held_by_another_org_is_refused_until_that_org_closes() {
    let shared = || vec![account("Vietcombank", "0011 0022")];
    let taken = apply_all(vec![
        register("quy-a", shared()),
        register("quy-b", vec![account(" vietcombank ", "00110022")]),
    ]);
    assert_eq!(
        taken.map(|_| ()).map_err(|(_, e)| e.code()),
        Err("account_held")
    );

    let released = apply_all(vec![
        register("quy-a", shared()),
        close("quy-a"),
        register("quy-b", shared()),
    ])
    .expect("a closed org's accounts are released");
    assert_eq!(
        released.find_account("VIETCOMBANK", "0011-0022"),
        Some(("quy-b", 2))
    );
}

#[test]
fn an_org_may_list_its_own_accounts_again_and_the_new_list_replaces_the_old() {
    let r = apply_all(vec![
        register("quy-a", vec![account("Vietcombank", "1")]),
        accounts(
            "quy-a",
            vec![account("Vietcombank", "1"), account("BIDV", "2")],
        ),
        accounts("quy-a", vec![account("BIDV", "2")]),
    ])
    .expect("valid");
    assert_eq!(r.find_account("bidv", "2"), Some(("quy-a", 2)));
    assert_eq!(r.find_account("Vietcombank", "1"), None);
    assert_eq!(r.org("quy-a").map(|o| o.accounts.len()), Some(1));
}

#[test]
fn suspend_resume_and_close_follow_the_status_rules() {
    let twice = apply_all(vec![
        register("quy-a", vec![]),
        suspend("quy-a"),
        suspend("quy-a"),
    ]);
    assert_eq!(
        twice.map(|_| ()).map_err(|(s, e)| (s, e.code())),
        Err((2, "organisation_suspended"))
    );

    let resume_active = apply_all(vec![register("quy-a", vec![]), resume("quy-a")]);
    assert_eq!(
        resume_active.map(|_| ()).map_err(|(_, e)| e.code()),
        Err("organisation_not_suspended")
    );

    let after_close = apply_all(vec![
        register("quy-a", vec![]),
        suspend("quy-a"),
        close("quy-a"),
        resume("quy-a"),
    ]);
    assert_eq!(
        after_close.map(|_| ()).map_err(|(_, e)| e.to_string()),
        Err("organisation \"quy-a\" was closed by entry 2".into())
    );

    let unknown = apply_all(vec![suspend("quy-z")]);
    assert_eq!(
        unknown.map(|_| ()).map_err(|(_, e)| e.code()),
        Err("unknown_organisation")
    );

    let r = apply_all(vec![
        register("quy-a", vec![]),
        suspend("quy-a"),
        resume("quy-a"),
    ])
    .expect("valid");
    assert_eq!(
        r.org("quy-a").map(|o| (o.status, o.status_seq)),
        Some((OrgStatus::Active, 2))
    );
}

#[test]
fn a_key_rotation_needs_a_new_key_named_for_the_org_origin() {
    let rotate = |k: String| {
        Body::Org(OrgEntry::Key(OrgKey {
            note: None,
            org: "quy-a".into(),
            verifier_key: k,
        }))
    };
    let origin = "platform.example/o/quy-a";
    let same = apply_all(vec![register("quy-a", vec![]), rotate(key(origin, 1))]);
    assert_eq!(same.map(|_| ()).map_err(|(_, e)| e.code()), Err("same_key"));
    let other = apply_all(vec![
        register("quy-a", vec![]),
        rotate(key("other.example", 2)),
    ]);
    assert_eq!(
        other.map(|_| ()).map_err(|(_, e)| e.code()),
        Err("key_name_mismatch")
    );
    let r = apply_all(vec![register("quy-a", vec![]), rotate(key(origin, 2))]).expect("valid");
    assert_eq!(
        r.org("quy-a").map(|o| (o.verifier_key.clone(), o.key_seq)),
        Some((key(origin, 2), 1))
    );
}

#[test]
fn a_rejected_entry_leaves_the_registry_unchanged() {
    let mut r = apply_all(vec![register("quy-a", vec![account("BIDV", "9")])]).expect("valid");
    let before = format!("{:?}", r.orgs());
    let bad = entry(1, register("quy-b", vec![account("BIDV", "9")]));
    assert!(r.apply(&bad).is_err());
    assert_eq!(format!("{:?}", r.orgs()), before);
    assert_eq!(r.org("quy-b"), None);
}
