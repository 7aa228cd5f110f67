//! The shared test vectors in tests/vectors/, read by every independent verifier (the
//! JavaScript one in web/ among them): a demo ledger that verifies, and tampered bundles that
//! must not, each with the substring of the error this verifier gives.
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test --test vectors` (re)writes the files; otherwise this
//! test regenerates them in memory and requires the committed files to be byte for byte equal.
//! Either way it then verifies every file.

mod ledger_common;

use fundtrail::ledger::entry::{
    Account, CampaignOpen, Channel, Disbursement, Donation, Evidence, InKind, Reversal,
    ReversalReason, Transfer,
};
use fundtrail::ledger::hash::{donor_commitment, sha256};
use fundtrail::ledger::{verify_bundle, Body, CheckpointSigner, Hash};
use ledger_common::{bundle_of, close, currency, minor, recorded_at, LedgerBuilder};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
const ORIGIN: &str = "demo.fundtrail.example/ledger";

fn account(bank: &str, number: &str, holder: &str) -> Account {
    Account {
        bank: bank.into(),
        holder: holder.into(),
        number: number.into(),
    }
}

fn evidence(media_type: &str, name: &str, contents: &str, size: u64) -> Evidence {
    Evidence {
        media_type: media_type.into(),
        name: Some(name.into()),
        sha256: sha256(contents.as_bytes()),
        size,
    }
}

struct Gift<'a> {
    campaign: &'a str,
    code: &'a str,
    amount: u64,
    channel: Channel,
    donor: &'a str,
    received_at: &'a str,
}

impl Gift<'_> {
    fn body(&self, reference: Option<&str>, memo: Option<&str>) -> Donation {
        Donation {
            amount: minor(self.amount),
            campaign: self.campaign.into(),
            channel: self.channel,
            commitment: None,
            currency: currency(self.code),
            donor: self.donor.into(),
            in_kind: None,
            memo: memo.map(Into::into),
            received_at: self.received_at.into(),
            reference: reference.map(Into::into),
        }
    }
}

fn gift(campaign: &str, code: &str, amount: u64, channel: Channel, donor: &str) -> Donation {
    Gift {
        campaign,
        code,
        amount,
        channel,
        donor,
        received_at: "2026-11-02",
    }
    .body(None, None)
}

fn paid(
    campaign: &str,
    code: &str,
    amount: u64,
    recipient: &str,
    purpose: &str,
    evidence: Vec<Evidence>,
) -> Body {
    Body::Disbursement(Disbursement {
        amount: minor(amount),
        campaign: campaign.into(),
        currency: currency(code),
        evidence,
        paid_at: "2026-11-05".into(),
        purpose: purpose.into(),
        recipient: recipient.into(),
    })
}

/// The demo ledger: 20 entries over three campaigns, every kind of entry, every channel that
/// matters, hostile and non-ASCII text, a donor commitment, a reversal, a transfer, a close.
fn demo() -> LedgerBuilder {
    let mut b = LedgerBuilder::new();
    b.append(
        "lan",
        Body::CampaignOpen(CampaignOpen {
            accounts: vec![
                account("Vietcombank", "0071001234567", "Quỹ Cứu trợ Miền Trung"),
                account("BIDV", "12010000998877", "Quỹ Cứu trợ Miền Trung"),
            ],
            currency: currency("VND"),
            ends_on: Some("2026-12-31".into()),
            goal: Some(minor(500_000_000)),
            id: "flood-2026".into(),
            purpose: "Nước uống, lương thực và chỗ ở tạm cho các gia đình vùng lũ Quảng Bình."
                .into(),
            title: "Lũ lụt miền Trung 2026".into(),
        }),
    );
    b.append(
        "lan",
        Body::CampaignOpen(CampaignOpen {
            accounts: vec![account(
                "Vietcombank",
                "0071009876543",
                "Quỹ Cứu trợ Miền Trung",
            )],
            currency: currency("VND"),
            ends_on: None,
            goal: Some(minor(50_000_000)),
            id: "school-roofs-2026".into(),
            purpose: "Lợp lại mái cho ba điểm trường bị lũ cuốn.".into(),
            title: "Mái trường vùng lũ".into(),
        }),
    );
    b.append(
        "minh",
        Body::CampaignOpen(CampaignOpen {
            accounts: vec![account(
                "Bank of America",
                "4830 1122 9034",
                "Fundtrail Demo Inc.",
            )],
            currency: currency("USD"),
            ends_on: Some("2027-03-31".into()),
            goal: Some(minor(2_000_000)),
            id: "medical-kits".into(),
            purpose: "First-aid and medicine kits for commune health stations.".into(),
            title: "Medical kits for flooded communes".into(),
        }),
    );
    // 3
    let mut hong = Gift {
        campaign: "flood-2026",
        code: "VND",
        amount: 5_000_000,
        channel: Channel::BankTransfer,
        donor: "Nguyễn Thị Hồng Nhung",
        received_at: "2026-11-01",
    }
    .body(Some("FT26305000123"), Some("Ủng hộ bà con miền Trung"));
    hong.memo = Some("Ủng hộ bà con miền Trung\nChúc mọi người bình an".into());
    b.append("token:bank-import", Body::Donation(hong));
    // 4
    b.append(
        "lan",
        Body::Donation(gift(
            "flood-2026",
            "VND",
            2_000_000,
            Channel::Cash,
            "<img src=x onerror=alert(1)>",
        )),
    );
    // 5
    let mut rice = gift(
        "flood-2026",
        "VND",
        15_000_000,
        Channel::InKind,
        "Công ty TNHH Gạo Ngon",
    );
    rice.in_kind = Some(InKind {
        description: "200 bao gạo, mỗi bao 10 kg".into(),
    });
    b.append("lan", Body::Donation(rice));
    // 6: a donor who can later prove this gift is theirs without publishing their name.
    let mut committed = gift(
        "flood-2026",
        "VND",
        10_000_000,
        Channel::BankTransfer,
        "Anonymous",
    );
    committed.commitment = Some(donor_commitment(&[0x5a; 32], "tran.van.binh@example.vn"));
    committed.reference = Some("FT26306000456".into());
    b.append("token:bank-import", Body::Donation(committed));
    // 7, 8, 9
    b.append(
        "minh",
        Body::Donation(gift(
            "medical-kits",
            "USD",
            25_000,
            Channel::Card,
            "Jane Doe",
        )),
    );
    let mut acme = gift(
        "medical-kits",
        "USD",
        100_000,
        Channel::BankTransfer,
        "Acme Foundation",
    );
    acme.reference = Some("WIRE-2026-11-02-0042".into());
    b.append("minh", Body::Donation(acme));
    b.append(
        "lan",
        Body::Donation(gift(
            "school-roofs-2026",
            "VND",
            3_000_000,
            Channel::MobileMoney,
            "Lê Minh Tuấn",
        )),
    );
    // 10, 11
    b.append(
        "lan",
        paid(
            "flood-2026",
            "VND",
            12_000_000,
            "HTX Nông nghiệp Hòa Bình",
            "200 thùng nước uống và 300 thùng mì gói",
            vec![
                evidence(
                    "application/pdf",
                    "hoa-don-0042.pdf",
                    "invoice 0042",
                    48_213,
                ),
                evidence("image/jpeg", "giao-hang.jpg", "delivery photo", 1_204_511),
            ],
        ),
    );
    b.append(
        "minh",
        paid(
            "medical-kits",
            "USD",
            80_000,
            "Pharmacity",
            "40 first-aid kits",
            vec![evidence(
                "application/pdf",
                "receipt.pdf",
                "pharmacity receipt",
                20_991,
            )],
        ),
    );
    // 12, then its reversal 13: the same bank transfer was imported twice.
    b.append(
        "token:bank-import",
        Body::Donation(gift(
            "flood-2026",
            "VND",
            1_000_000,
            Channel::BankTransfer,
            "Phạm Văn Đức",
        )),
    );
    b.append(
        "lan",
        Body::Reversal(Reversal {
            note: Some("Imported twice from the same bank statement".into()),
            reason: ReversalReason::Duplicate,
            reverses: 12,
        }),
    );
    // 14, 15, 16
    b.append(
        "lan",
        Body::Transfer(Transfer {
            amount: minor(5_000_000),
            currency: currency("VND"),
            from: "flood-2026".into(),
            reason: "Relief phase over; the board moved the surplus to school roofs.".into(),
            to: "school-roofs-2026".into(),
        }),
    );
    b.append(
        "lan",
        paid(
            "school-roofs-2026",
            "VND",
            7_500_000,
            "Công ty Xây dựng An Phát",
            "Tôn lợp mái cho điểm trường Tân Hóa",
            vec![evidence(
                "application/pdf",
                "hop-dong.pdf",
                "contract",
                310_442,
            )],
        ),
    );
    let mut other = gift("medical-kits", "USD", 5_000, Channel::Other, "Anonymous");
    other.memo = Some("Collected at the church fair".into());
    b.append("minh", Body::Donation(other));
    // 17, 18, 19
    b.append("lan", close("school-roofs-2026"));
    b.append(
        "token:bank-import",
        Body::Donation(
            Gift {
                campaign: "flood-2026",
                code: "VND",
                amount: 750_000,
                channel: Channel::BankTransfer,
                donor: "Đỗ Thị Mai",
                received_at: "2026-11-06",
            }
            .body(Some("FT26310000789"), None),
        ),
    );
    b.append(
        "minh",
        Body::Donation(gift(
            "medical-kits",
            "USD",
            1_999,
            Channel::Card,
            "Ahmed Al-Sayed",
        )),
    );
    b
}

fn signer() -> CheckpointSigner {
    let path = Path::new(DIR).join("demo/signing-key.txt");
    let key = match std::fs::read_to_string(&path) {
        Ok(key) => key,
        Err(_) if writing() => {
            let (_, key) = CheckpointSigner::generate(ORIGIN).unwrap();
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("{key}\n")).unwrap();
            key
        }
        Err(e) => panic!("{}: {e}", path.display()),
    };
    CheckpointSigner::from_private_key(&key).unwrap()
}

/// A verifier key for the demo origin that is not the demo key.
fn other_key() -> String {
    let public = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    signed_note::new_ed25519_verifier_key(ORIGIN, &public)
}

fn writing() -> bool {
    std::env::var_os("FUNDTRAIL_WRITE_VECTORS").is_some_and(|v| v == "1")
}

fn text(leaf: &[u8]) -> String {
    String::from_utf8(leaf.to_vec()).unwrap()
}

/// Replaces the one occurrence of `from` in `leaf`.
fn edit(leaf: &[u8], from: &str, to: &str) -> Vec<u8> {
    let t = text(leaf);
    assert_eq!(t.matches(from).count(), 1, "{from:?} in {t}");
    t.replacen(from, to, 1).into_bytes()
}

/// A bad case: its bundle and the substring of the error it must produce.
struct Bad {
    name: &'static str,
    bundle: Vec<u8>,
    error_contains: String,
}

fn bad_cases(demo: &LedgerBuilder, signer: &CheckpointSigner) -> Vec<Bad> {
    let (n, root) = (demo.len(), demo.root());
    // Tampered leaves under the honest checkpoint, as a forger without the key would serve.
    let forged = |leaves: &[Vec<u8>]| bundle_of(leaves, signer, n, &root);
    let with = |k: usize, leaf: Vec<u8>| {
        let mut l = demo.leaves.clone();
        l[k] = leaf;
        forged(&l)
    };
    let mut cases = Vec::new();
    let mut case = |name, bundle, error: &str| {
        cases.push(Bad {
            name,
            bundle,
            error_contains: error.to_string(),
        })
    };

    case(
        "amount-changed.txt",
        with(4, edit(&demo.leaves[4], "\"2000000\"", "\"200000\"")),
        "entry 5: prev does not match the leaf hash of entry 4",
    );
    case(
        "donor-changed.txt",
        with(3, edit(&demo.leaves[3], "Hồng Nhung", "Hồng Nhưng")),
        "entry 4: prev does not match the leaf hash of entry 3",
    );
    let prev9 = demo.hashes[9].to_hex();
    let mut wrong = demo.hashes[9];
    wrong.0[31] ^= 1;
    case(
        "prev-changed.txt",
        with(10, edit(&demo.leaves[10], &prev9, &wrong.to_hex())),
        "entry 10: prev does not match the leaf hash of entry 9",
    );
    case(
        "last-entry-changed.txt",
        with(19, edit(&demo.leaves[19], "Ahmed", "Ahmad")),
        "checkpoint: root ",
    );
    let mut l = demo.leaves.clone();
    l.remove(12);
    case(
        "entry-deleted.txt",
        forged(&l),
        "entry 12: seq is 13, expected 12",
    );
    let mut l = demo.leaves.clone();
    l.swap(8, 9);
    case(
        "entries-swapped.txt",
        forged(&l),
        "entry 8: seq is 9, expected 8",
    );
    let mut l = demo.leaves.clone();
    l.insert(7, demo.leaves[6].clone());
    case(
        "entry-inserted.txt",
        forged(&l),
        "entry 7: seq is 6, expected 7",
    );
    case(
        "tail-truncated.txt",
        forged(&demo.leaves[..17]),
        "checkpoint: covers 20 entries, but the ledger has 17",
    );
    case(
        "old-checkpoint-replayed.txt",
        bundle_of(
            &demo.leaves,
            signer,
            17,
            &fundtrail::ledger::merkle::root_of(&demo.hashes[..17]),
        ),
        "checkpoint: covers 17 entries, but the ledger has 20",
    );
    case(
        "non-canonical-whitespace.txt",
        with(2, edit(&demo.leaves[2], "\"kind\":", "\"kind\": ")),
        "entry 2: bytes are not the canonical encoding",
    );
    case(
        "unknown-field.txt",
        with(
            7,
            edit(&demo.leaves[7], "\"amount\":", "\"admin\":true,\"amount\":"),
        ),
        "entry 7: not a valid entry: body: unknown field `admin`",
    );

    // The checkpoint itself.
    let honest = String::from_utf8(demo.bundle(signer)).unwrap();
    let sig_line = honest.lines().last().unwrap().to_string();
    let sig = sig_line.rsplit(' ').next().unwrap();
    // Change one character well inside the 64 signature bytes (after the 4-byte key id).
    let pos = 40;
    let c = sig.as_bytes()[pos];
    let mut bad_sig = sig.as_bytes().to_vec();
    bad_sig[pos] = if c == b'A' { b'B' } else { b'A' };
    let bad_sig = String::from_utf8(bad_sig).unwrap();
    case(
        "signature-changed.txt",
        honest.replacen(sig, &bad_sig, 1).into_bytes(),
        "checkpoint: signature does not verify",
    );
    case(
        "key-swapped.txt",
        honest
            .replacen(signer.verifier_key(), &other_key(), 1)
            .into_bytes(),
        "checkpoint: signature does not verify",
    );

    // Validly linked and signed, but breaking a ledger rule.
    let mut overdraft = LedgerBuilder::new();
    for e in &demo.entries[..11] {
        overdraft.append(&e.recorded_by, e.body.clone());
    }
    overdraft.append_unchecked(
        "minh",
        paid(
            "medical-kits",
            "USD",
            200_000,
            "Pharmacity",
            "100 first-aid kits",
            vec![evidence(
                "application/pdf",
                "receipt-2.pdf",
                "receipt 2",
                20_001,
            )],
        ),
    );
    case(
        "overdraft.txt",
        overdraft.bundle(signer),
        "entry 11: campaign \"medical-kits\" holds 125000 minor units of USD, 200000 needed",
    );
    let mut twice = LedgerBuilder::new();
    for e in &demo.entries[..14] {
        twice.append(&e.recorded_by, e.body.clone());
    }
    twice.append_unchecked(
        "lan",
        Body::Reversal(Reversal {
            note: None,
            reason: ReversalReason::Error,
            reverses: 13,
        }),
    );
    case(
        "reversal-of-reversal.txt",
        twice.bundle(signer),
        "entry 14: entry 13 cannot be reversed",
    );
    let mut closed = LedgerBuilder::new();
    for e in &demo.entries {
        closed.append(&e.recorded_by, e.body.clone());
    }
    closed.append_unchecked(
        "lan",
        Body::Donation(gift(
            "school-roofs-2026",
            "VND",
            1_000_000,
            Channel::Cash,
            "Late Donor",
        )),
    );
    case(
        "donation-to-closed-campaign.txt",
        closed.bundle(signer),
        "entry 20: campaign \"school-roofs-2026\" is closed",
    );
    cases
}

/// Every generated file, by path relative to tests/vectors.
fn generate() -> (BTreeMap<PathBuf, Vec<u8>>, Vec<Bad>) {
    let signer = signer();
    let demo = demo();
    assert_eq!(demo.entries[19].recorded_at, recorded_at(19));
    let bundle = demo.bundle(&signer);
    let report = verify_bundle(bundle.as_slice(), None, None, |_| {}).unwrap();
    let expected = serde_json::json!({
        "size": demo.len(),
        "root": demo.root().to_hex(),
        "key": signer.verifier_key(),
        "leaf_hashes": demo.hashes.iter().map(Hash::to_hex).collect::<Vec<_>>(),
        "totals": report.totals,
    });
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("demo/bundle.txt"), bundle);
    files.insert(PathBuf::from("demo/expected.json"), pretty(&expected));

    let bad = bad_cases(&demo, &signer);
    let mut index = serde_json::Map::new();
    for b in &bad {
        files.insert(Path::new("bad").join(b.name), b.bundle.clone());
        index.insert(
            b.name.to_string(),
            serde_json::json!({ "error_contains": b.error_contains }),
        );
    }
    files.insert(
        PathBuf::from("bad/expected.json"),
        pretty(&serde_json::Value::Object(index)),
    );
    (files, bad)
}

fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap();
    out.push(b'\n');
    out
}

/// Writes the vectors (FUNDTRAIL_WRITE_VECTORS=1) or checks them, once per test run, so
/// the tests that read them never see a half-written directory.
fn vectors_on_disk() {
    static DONE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    DONE.get_or_init(write_or_compare);
}

#[test]
fn the_committed_vectors_are_exactly_what_the_ledger_core_generates() {
    vectors_on_disk();
}

/// SHA-256 of the published `demo/bundle.txt`. Regenerating the vectors rewrites the file
/// from the core; this constant does not move with it, so a change to the demo bundle's
/// bytes fails here even under FUNDTRAIL_WRITE_VECTORS=1.
const DEMO_BUNDLE_SHA256: &str = "ca1456830a20037da9c14b6f03f0867b84e1c9b20ce09c1c973c5a80ea1c5f38";

#[test]
fn the_demo_bundle_is_byte_identical_to_the_published_vector() {
    vectors_on_disk();
    let published = std::fs::read(Path::new(DIR).join("demo/bundle.txt")).unwrap();

    let built = demo().bundle(&signer());

    assert!(
        built == published,
        "the demo ledger's bundle differs from tests/vectors/demo/bundle.txt"
    );
    assert_eq!(sha256(&built).to_hex(), DEMO_BUNDLE_SHA256);
}

#[test]
fn every_generated_bad_case_fails_with_its_expected_error() {
    let (_, bad) = generate();

    for b in bad {
        let error = verify_bundle(b.bundle.as_slice(), None, None, |_| {}).unwrap_err();

        assert!(
            error.to_string().contains(&b.error_contains),
            "{}: {error}",
            b.name
        );
    }
}

fn write_or_compare() {
    let (files, _) = generate();

    for (path, bytes) in &files {
        let full = Path::new(DIR).join(path);
        if writing() {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, bytes).unwrap();
        } else {
            let committed = std::fs::read(&full)
                .unwrap_or_else(|e| panic!("{}: {e} (FUNDTRAIL_WRITE_VECTORS=1)", full.display()));
            assert!(
                committed == *bytes,
                "{} differs from what the ledger core generates",
                path.display()
            );
        }
    }
    let on_disk: Vec<_> = std::fs::read_dir(Path::new(DIR).join("bad"))
        .unwrap()
        .map(|e| Path::new("bad").join(e.unwrap().file_name()))
        .collect();
    for path in on_disk {
        assert!(files.contains_key(&path), "{} is stale", path.display());
    }
}

#[test]
fn the_demo_bundle_verifies_with_the_expected_root_size_and_totals() {
    vectors_on_disk();
    let dir = Path::new(DIR).join("demo");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let bundle = std::fs::read(dir.join("bundle.txt")).unwrap();

    let report = verify_bundle(
        bundle.as_slice(),
        Some(expected["key"].as_str().unwrap()),
        None,
        |_| {},
    )
    .unwrap();

    assert_eq!(report.size, 20);
    assert_eq!(serde_json::json!(report.size), expected["size"]);
    assert_eq!(report.root.to_hex(), expected["root"]);
    assert_eq!(
        serde_json::to_value(&report.totals).unwrap(),
        expected["totals"]
    );
    let checkpoint = report.checkpoint.unwrap();
    assert_eq!(
        (checkpoint.size, checkpoint.root),
        (report.size, report.root)
    );
    assert_eq!(checkpoint.origin, ORIGIN);
}

#[test]
fn every_committed_bad_bundle_fails_with_its_expected_error() {
    vectors_on_disk();
    let dir = Path::new(DIR).join("bad");
    let expected: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    assert!(expected.len() >= 12);

    for (name, want) in &expected {
        let bundle = std::fs::read(dir.join(name)).unwrap();
        let want = want["error_contains"].as_str().unwrap();

        let result = verify_bundle(bundle.as_slice(), None, None, |_| {});

        match result {
            Ok(report) => panic!("{name}: verified, {} entries", report.size),
            Err(e) => assert!(
                e.to_string().contains(want),
                "{name}: error {e:?} does not contain {want:?}"
            ),
        }
    }
}
