//! `tests/vectors/registry/` (SPEC.md §22): a platform's registry with three organisations
//! registered, one's accounts replaced and key rotated, one suspended, resumed, suspended
//! again and closed, and a fourth taking the closed one's released account; with the state of
//! every organisation and the answers of account look-ups every verifier computes from it;
//! and registries that must fail, each with the entry number and words of its first broken
//! rule: one per registry rule, a few field rules, and a tampered entry. The JavaScript
//! verifier reads the same files (`tests/web/registry.test.mjs`).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec registry` rewrites
//! the folder; otherwise it must be exactly what this generates.

use crate::companion::{demo_signer, pretty, write_or_compare, Ledger};
use fundtrail_ledger::entry::Account;
use fundtrail_ledger::registry::{
    OrgAccounts, OrgChecks, OrgClose, OrgEntry, OrgKey, OrgKind, OrgRegister, OrgResume,
    OrgSuspend, Registry,
};
use fundtrail_ledger::{encode, verify_bundle, Body, Report};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const PLATFORM: &str = "quyminhbach.example";

fn origin(slug: &str) -> String {
    format!("{PLATFORM}/o/{slug}")
}

/// The verifier key of `name` drawn from a fixed seed, so the vectors never change.
fn key(name: &str, seed: u8) -> String {
    let public = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key();
    signed_note::new_ed25519_verifier_key(name, &public)
}

fn account(bank: &str, number: &str, holder: &str) -> Account {
    Account {
        bank: bank.into(),
        holder: holder.into(),
        number: number.into(),
    }
}

fn register(slug: &str, name: &str, kind: OrgKind, seed: u8, accounts: Vec<Account>) -> Body {
    Body::Org(OrgEntry::Register(OrgRegister {
        accounts,
        checks: OrgChecks::default(),
        kind,
        name: name.into(),
        origin: origin(slug),
        slug: slug.into(),
        verifier_key: key(&origin(slug), seed),
    }))
}

fn accounts(org: &str, list: Vec<Account>, note: Option<&str>) -> Body {
    Body::Org(OrgEntry::Accounts(OrgAccounts {
        accounts: list,
        note: note.map(String::from),
        org: org.into(),
    }))
}

fn rotate(org: &str, verifier_key: String) -> Body {
    Body::Org(OrgEntry::Key(OrgKey {
        note: Some("Khóa cũ lưu trên máy tính đã hỏng".into()),
        org: org.into(),
        verifier_key,
    }))
}

fn suspend(org: &str) -> Body {
    Body::Org(OrgEntry::Suspend(OrgSuspend {
        org: org.into(),
        reason: "Người dân báo sao kê không khớp; tạm dừng để kiểm tra".into(),
    }))
}

fn resume(org: &str) -> Body {
    Body::Org(OrgEntry::Resume(OrgResume {
        note: Some("Đã kiểm tra sao kê".into()),
        org: org.into(),
    }))
}

fn close(org: &str) -> Body {
    Body::Org(OrgEntry::Close(OrgClose {
        org: org.into(),
        reason: "Người gây quỹ đề nghị đóng sau khi kết thúc đợt cứu trợ".into(),
    }))
}

const NGO: &str = "quy-mien-trung";
const PERSON: &str = "anh-tuan-gay-quy";
const COMMUNE: &str = "xa-hoa-binh";
const WARD: &str = "phuong-7-cuu-tro";

fn vietcombank() -> Account {
    account("Vietcombank", "0071000123456", "QUY CUU TRO MIEN TRUNG")
}

fn techcombank() -> Account {
    account("Techcombank", "1903 6677 8899 00", "NGUYEN ANH TUAN")
}

/// The clean registry, entry by entry (the seqs the bad registries refer to are fixed here).
fn clean() -> Ledger {
    let mut l = Ledger::new();
    let mut ngo = register(
        NGO,
        "Quỹ Cứu trợ Miền Trung",
        OrgKind::Ngo,
        1,
        vec![
            vietcombank(),
            account("BIDV", "1234 5678 90", "QUY CUU TRO MIEN TRUNG"),
        ],
    );
    if let Body::Org(OrgEntry::Register(r)) = &mut ngo {
        r.checks = OrgChecks {
            document_sha256: Some(fundtrail_ledger::hash::sha256(b"quyet-dinh-123.pdf")),
            note: Some("Đã đối chiếu quyết định thành lập với bản gốc".into()),
            registration_number: Some("123/QĐ-BNV".into()),
        };
    }
    assert_eq!(l.append(ngo), 0);
    l.append(register(
        PERSON,
        "Anh Tuấn gây quỹ",
        OrgKind::Individual,
        2,
        vec![techcombank()],
    ));
    l.append(accounts(
        NGO,
        vec![
            vietcombank(),
            account("Agribank", "3100-2050-60789", "QUY CUU TRO MIEN TRUNG"),
        ],
        Some("Thôi dùng tài khoản BIDV"),
    ));
    assert_eq!(l.append(rotate(NGO, key(&origin(NGO), 3))), 3);
    l.append(register(
        COMMUNE,
        "Ban cứu trợ xã Hòa Bình",
        OrgKind::LocalAuthority,
        4,
        vec![account("bidv", "1234567890", "UBND XA HOA BINH")],
    ));
    assert_eq!(l.append(suspend(PERSON)), 5);
    l.append(resume(PERSON));
    l.append(suspend(PERSON));
    assert_eq!(l.append(close(PERSON)), 8);
    l.append(register(
        WARD,
        "Ban cứu trợ phường 7",
        OrgKind::LocalAuthority,
        5,
        vec![account("TECHCOMBANK", "19036677889900", "UBND PHUONG 7")],
    ));
    l
}

/// A registry that keeps the rules up to entry `prefix`, then appends `last`.
fn broken(prefix: usize, last: Body) -> Ledger {
    let full = clean();
    let mut l = Ledger::new();
    for leaf in &full.leaves[..prefix] {
        let entry = fundtrail_ledger::decode(leaf).expect("a clean leaf");
        l.append(entry.body);
    }
    l.append_unchecked(last);
    l
}

/// The clean registry with entry 2's first account number changed after the fact.
fn tampered() -> Ledger {
    let mut l = clean();
    let mut entry = fundtrail_ledger::decode(&l.leaves[2]).expect("a clean leaf");
    if let Body::Org(OrgEntry::Accounts(a)) = &mut entry.body {
        a.accounts[0].number = "0071000999999".into();
    }
    l.leaves[2] = encode(&entry);
    l
}

/// The bad registries: name and the registry.
fn bad() -> Vec<(&'static str, Ledger)> {
    let with_key = |slug: &str, verifier_key: String| {
        let mut b = register(slug, "Quỹ mới", OrgKind::Ngo, 9, vec![]);
        if let Body::Org(OrgEntry::Register(r)) = &mut b {
            r.verifier_key = verifier_key;
        }
        b
    };
    let upper_id = {
        let k = key(&origin("quy-moi"), 9);
        let id = k.split('+').nth(1).expect("an id").to_string();
        k.replacen(&id, &id.to_uppercase(), 1)
    };
    vec![
        (
            "slug-taken",
            broken(2, register(NGO, "Quỹ giả", OrgKind::Ngo, 9, vec![])),
        ),
        (
            "account-held-at-register",
            broken(
                1,
                register(
                    "quy-gia-mao",
                    "Quỹ giả mạo",
                    OrgKind::Ngo,
                    9,
                    vec![account(" VIETCOMBANK ", "0071 0001 23456", "QUY CUU TRO")],
                ),
            ),
        ),
        (
            "account-held-by-update",
            broken(2, accounts(PERSON, vec![vietcombank()], None)),
        ),
        ("unknown-org", broken(1, suspend("khong-ton-tai"))),
        (
            "closed-org",
            broken(9, accounts(PERSON, vec![techcombank()], None)),
        ),
        ("suspended-twice", broken(6, suspend(PERSON))),
        ("resume-active", broken(2, resume(NGO))),
        (
            "key-for-another-origin",
            broken(4, rotate(NGO, key("khac.example/o/quy-mien-trung", 6))),
        ),
        ("same-key", broken(4, rotate(NGO, key(&origin(NGO), 3)))),
        (
            "register-key-for-another-origin",
            broken(1, with_key("quy-moi", key("khac.example/o/quy-moi", 9))),
        ),
        (
            "register-key-id-upper-case",
            broken(1, with_key("quy-moi", upper_id)),
        ),
        (
            "reserved-slug",
            broken(
                1,
                register("registry", "Sổ đăng ký", OrgKind::Ngo, 9, vec![]),
            ),
        ),
        (
            "account-listed-twice",
            broken(
                1,
                accounts(
                    NGO,
                    vec![
                        vietcombank(),
                        account("vietcombank", "0071-000-123-456", "Q"),
                    ],
                    None,
                ),
            ),
        ),
        ("tampered-entry", tampered()),
    ]
}

/// The state of every organisation and the account look-ups, as the vectors write them.
fn figures(registry: &Registry) -> Value {
    let lookups: Vec<Value> = [
        (" VIETCOMBANK ", "0071-0001-23456"),
        ("Agribank", "3100205060789"),
        ("BIDV", "1234 5678 90"),
        ("Techcombank", "19036677889900"),
        ("Vietcombank", "19036677889900"),
        ("Vietcombank", "---"),
    ]
    .into_iter()
    .map(|(bank, number)| {
        let found = registry
            .find_account(bank, number)
            .map(|(slug, seq)| json!({"slug": slug, "seq": seq}));
        json!({"bank": bank, "number": number, "found": found})
    })
    .collect();
    json!({
        "orgs": serde_json::to_value(registry.orgs()).expect("JSON"),
        "lookups": lookups,
    })
}

fn verify(bundle: &[u8]) -> Result<Report, String> {
    verify_bundle(bundle, None, None, |_| {}).map_err(|e| e.to_string())
}

fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = Path::new("tests/vectors/registry");
    let signer = demo_signer();
    let mut files = BTreeMap::new();
    let clean_bundle = clean().bundle(&signer);
    let report = verify(&clean_bundle).expect("the clean registry verifies");
    let mut bad_cases = Vec::new();
    for (name, ledger) in bad() {
        let bundle = ledger.bundle(&signer);
        let error = verify(&bundle).expect_err(name);
        let file = format!("{name}.txt");
        bad_cases.push(json!({"name": name, "bundle": file, "error": error}));
        files.insert(dir.join(file), bundle);
    }
    let expected = json!({
        "clean": {"bundle": "clean.txt", "size": report.size, "figures": figures(&report.registry)},
        "bad": bad_cases,
    });
    files.insert(dir.join("clean.txt"), clean_bundle);
    files.insert(dir.join("expected.json"), pretty(&expected));
    files
}

#[test]
fn the_registry_vectors_are_what_the_core_generates() {
    write_or_compare(&generate());
}

#[test]
fn each_broken_registry_rule_is_caught_with_its_entry_number_and_words() {
    let errors: Vec<(&str, String)> = bad()
        .into_iter()
        .map(|(name, l)| (name, verify(&l.bundle(&demo_signer())).unwrap_err()))
        .collect();
    let want = [
        ("slug-taken", "entry 2: organisation \"quy-mien-trung\" is already registered (entry 0)"),
        ("account-held-at-register", "entry 1: account 0071 0001 23456 at VIETCOMBANK is already an official account of organisation \"quy-mien-trung\" (entry 0)"),
        ("account-held-by-update", "entry 2: account 0071000123456 at Vietcombank is already an official account of organisation \"quy-mien-trung\" (entry 0)"),
        ("unknown-org", "entry 1: organisation \"khong-ton-tai\" is not registered"),
        ("closed-org", "entry 9: organisation \"anh-tuan-gay-quy\" was closed by entry 8"),
        ("suspended-twice", "entry 6: organisation \"anh-tuan-gay-quy\" is already suspended (entry 5)"),
        ("resume-active", "entry 2: organisation \"quy-mien-trung\" is not suspended"),
        ("key-for-another-origin", "entry 4: the key's name khac.example/o/quy-mien-trung is not organisation \"quy-mien-trung\"'s origin quyminhbach.example/o/quy-mien-trung"),
        ("same-key", "entry 4: this key is already organisation \"quy-mien-trung\"'s key (entry 3)"),
        ("register-key-for-another-origin", "entry 1: field body.verifier_key: its name khac.example/o/quy-moi is not the origin quyminhbach.example/o/quy-moi"),
        ("register-key-id-upper-case", "entry 1: field body.verifier_key: must be an Ed25519 verifier key written name+keyid+base64, the key id in lower-case hex"),
        ("reserved-slug", "entry 1: field body.slug: \"registry\" is reserved for the platform's own pages"),
        ("account-listed-twice", "entry 1: field body.accounts: account 0071-000-123-456 at vietcombank is listed twice"),
        ("tampered-entry", "entry 3: prev does not match the leaf hash of entry 2"),
    ];
    assert_eq!(errors.len(), want.len());
    for ((name, got), (want_name, want)) in errors.iter().zip(want) {
        assert_eq!((*name, got.as_str()), (want_name, want));
    }
}

#[test]
fn the_clean_registry_finds_accounts_however_they_are_typed_and_never_a_closed_orgs() {
    let report = verify(&clean().bundle(&demo_signer())).expect("verifies");
    let r = &report.registry;

    assert_eq!(
        r.find_account("vietcombank", "0071 0001 23456"),
        Some((NGO, 2))
    );
    assert_eq!(r.find_account("BIDV", "1234567890"), Some((COMMUNE, 4)));
    assert_eq!(
        r.find_account("Techcombank", "1903-6677-8899-00"),
        Some((WARD, 9))
    );
    let statuses: Vec<(&str, &str)> = r
        .orgs()
        .iter()
        .map(|o| (o.slug.as_str(), o.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (NGO, "active"),
            (PERSON, "closed"),
            (COMMUNE, "active"),
            (WARD, "active")
        ]
    );
    assert_eq!(r.org(NGO).map(|o| o.key_seq), Some(3));
}
