//! `tests/vectors/leaves/cases.json`: single leaves and the step of SPEC.md §9 (2.1 to 2.5)
//! that must refuse each, or none. They pin what the spec says in words: which characters
//! count as whitespace and as control characters, how lengths are counted, the range of
//! integers, years 0000 and leap seconds, and which step refuses `1.0`, duplicate keys, a
//! byte-order mark or a `null`. Each case states its intended outcome here; the file
//! records the Rust verifier's, and the JavaScript verifier must give the same
//! (tests/web/spec.test.mjs).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec leaves` rewrites the
//! file; otherwise it must be exactly what this generates.

use fundtrail_ledger::entry::{
    Channel, Donation, InKind, Reversal, ReversalReason, Transfer, MAX_SHORT_TEXT,
};
use fundtrail_ledger::{decode, encode, Body, Currency, Entry, Hash, LeafError, Minor};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where §9 step 2 stops a leaf: the name written in the file.
fn step(result: &Result<Entry, LeafError>) -> &'static str {
    match result {
        Ok(_) => "accepted",
        Err(LeafError::Malformed(_)) => "parse",
        Err(LeafError::UnsupportedVersion(_)) => "version",
        Err(LeafError::UnknownKind(_)) => "kind",
        Err(LeafError::NotCanonical) => "canonical",
        Err(LeafError::Field(_)) => "field",
    }
}

/// What a case must do: be accepted, be refused at a step with this exact message, or be
/// refused by the typed parse (whose wording is the parser's own).
enum Expect {
    Accepted,
    Parse,
    Refused(&'static str, &'static str),
}

struct Case {
    name: &'static str,
    leaf: String,
    expect: Expect,
}

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn donation() -> Donation {
    Donation {
        amount: Minor::new(250_000).expect("amount"),
        campaign: "flood-2026".into(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: vnd(),
        donor: "Nguyễn Văn An".into(),
        in_kind: None,
        memo: Some("Cho bà con vùng lũ".into()),
        pledge: None,
        received_at: "2026-11-01".into(),
        reference: Some("FT26110".into()),
    }
}

fn entry(body: Body) -> Entry {
    Entry {
        seq: 7,
        prev: Hash([0x11; 32]),
        recorded_at: "2026-11-02T08:00:00.000000Z".into(),
        recorded_by: "lan".into(),
        body,
    }
}

/// The leaf of the base donation, changed by `change`.
fn leaf(change: impl FnOnce(&mut Entry, &mut Donation)) -> String {
    let mut d = donation();
    let mut e = entry(Body::Donation(donation()));
    change(&mut e, &mut d);
    e.body = Body::Donation(d);
    text(&e)
}

fn text(e: &Entry) -> String {
    String::from_utf8(encode(e)).expect("UTF-8")
}

/// The base donation's leaf with the one occurrence of `from` replaced by `to`.
fn edited(from: &str, to: &str) -> String {
    let base = leaf(|_, _| {});
    assert_eq!(base.matches(from).count(), 1, "{from:?} in {base}");
    base.replacen(from, to, 1)
}

fn reversal_leaf() -> String {
    text(&entry(Body::Reversal(Reversal {
        note: None,
        reason: ReversalReason::Duplicate,
        reverses: 3,
    })))
}

const DONOR_EMPTY: &str = "field body.donor: must not be empty";
const DONOR_CONTROL: &str = "field body.donor: contains control characters";
const MEMO_CONTROL: &str = "field body.memo: contains control characters";
const BY: &str = "field recorded_by: must be 1-200 printable characters";
const AT: &str = "field recorded_at: must be UTC written YYYY-MM-DDTHH:MM:SS.ffffffZ";
const NOT_CANONICAL: &str = "bytes are not the canonical encoding of the entry (SPEC.md §3)";

fn donor(name: &'static str, donor: &'static str, expect: Expect) -> Case {
    Case {
        name,
        leaf: leaf(|_, d| d.donor = donor.into()),
        expect,
    }
}

fn by(name: &'static str, by: String, expect: Expect) -> Case {
    Case {
        name,
        leaf: leaf(|e, _| e.recorded_by = by),
        expect,
    }
}

fn at(name: &'static str, at: &'static str, expect: Expect) -> Case {
    Case {
        name,
        leaf: leaf(|e, _| e.recorded_at = at.into()),
        expect,
    }
}

fn text_cases() -> Vec<Case> {
    use Expect::{Accepted, Refused};
    let emoji = |n: usize| "😀".repeat(n);
    vec![
        Case {
            name: "valid-donation",
            leaf: leaf(|_, _| {}),
            expect: Accepted,
        },
        donor(
            "donor-no-break-space-only",
            "\u{a0}",
            Refused("field", DONOR_EMPTY),
        ),
        donor(
            "donor-next-line-only",
            "\u{85}",
            Refused("field", DONOR_EMPTY),
        ),
        donor(
            "donor-ideographic-space-and-line-separator",
            "\u{3000}\u{2028}",
            Refused("field", DONOR_EMPTY),
        ),
        donor(
            "donor-with-next-line",
            "An\u{85}Bình",
            Refused("field", DONOR_CONTROL),
        ),
        donor(
            "donor-with-delete",
            "An\u{7f}",
            Refused("field", DONOR_CONTROL),
        ),
        donor(
            "donor-with-c1-control",
            "An\u{9f}",
            Refused("field", DONOR_CONTROL),
        ),
        donor("donor-zero-width-space-only", "\u{200b}", Accepted),
        donor("donor-byte-order-mark-only", "\u{feff}", Accepted),
        donor("donor-mongolian-vowel-separator-only", "\u{180e}", Accepted),
        Case {
            name: "donor-200-astral-characters",
            leaf: leaf(|_, d| d.donor = emoji(MAX_SHORT_TEXT)),
            expect: Accepted,
        },
        Case {
            name: "donor-201-astral-characters",
            leaf: leaf(|_, d| d.donor = emoji(MAX_SHORT_TEXT + 1)),
            expect: Refused("field", "field body.donor: longer than 200 characters"),
        },
        Case {
            name: "memo-with-newline",
            leaf: leaf(|_, d| d.memo = Some("hai dòng\nmột".into())),
            expect: Accepted,
        },
        Case {
            name: "memo-with-tab",
            leaf: leaf(|_, d| d.memo = Some("a\tb".into())),
            expect: Refused("field", MEMO_CONTROL),
        },
        Case {
            name: "memo-with-carriage-return",
            leaf: leaf(|_, d| d.memo = Some("a\r\nb".into())),
            expect: Refused("field", MEMO_CONTROL),
        },
        Case {
            name: "memo-newline-and-spaces-only",
            leaf: leaf(|_, d| d.memo = Some(" \n ".into())),
            expect: Refused("field", "field body.memo: must not be empty"),
        },
    ]
}

fn recorded_by_cases() -> Vec<Case> {
    use Expect::{Accepted, Refused};
    vec![
        by("recorded-by-one-space", " ".into(), Accepted),
        by("recorded-by-empty", String::new(), Refused("field", BY)),
        by(
            "recorded-by-next-line",
            "\u{85}".into(),
            Refused("field", BY),
        ),
        by("recorded-by-no-break-space", "lan\u{a0}".into(), Accepted),
        by(
            "recorded-by-201-characters",
            "a".repeat(201),
            Refused("field", BY),
        ),
    ]
}

fn date_cases() -> Vec<Case> {
    use Expect::{Accepted, Refused};
    vec![
        at(
            "recorded-at-year-0000",
            "0000-01-01T00:00:00.000000Z",
            Accepted,
        ),
        at(
            "recorded-at-leap-second",
            "2016-12-31T23:59:60.000000Z",
            Refused("field", AT),
        ),
        at(
            "recorded-at-hour-24",
            "2026-11-02T24:00:00.000000Z",
            Refused("field", AT),
        ),
        at(
            "recorded-at-without-fraction",
            "2026-11-02T08:00:00Z",
            Refused("field", AT),
        ),
        Case {
            name: "received-at-0000-02-29",
            leaf: leaf(|_, d| d.received_at = "0000-02-29".into()),
            expect: Accepted,
        },
        Case {
            name: "received-at-1900-02-29",
            leaf: leaf(|_, d| d.received_at = "1900-02-29".into()),
            expect: Refused(
                "field",
                "field body.received_at: must be a date written YYYY-MM-DD",
            ),
        },
    ]
}

fn rule_and_integer_cases() -> Vec<Case> {
    use Expect::{Accepted, Refused};
    let in_kind = InKind {
        description: "200 bao gạo".into(),
    };
    let in_kind_again = in_kind.clone();
    vec![
        Case {
            name: "in-kind-channel-without-in-kind",
            leaf: leaf(|_, d| d.channel = Channel::InKind),
            expect: Refused(
                "field",
                "field body.in_kind: an in_kind donation needs in_kind.description",
            ),
        },
        Case {
            name: "in-kind-with-another-channel",
            leaf: leaf(move |_, d| d.in_kind = Some(in_kind)),
            expect: Refused(
                "field",
                "field body.in_kind: only allowed when channel is in_kind",
            ),
        },
        Case {
            name: "in-kind-donation",
            leaf: leaf(move |_, d| {
                d.channel = Channel::InKind;
                d.in_kind = Some(in_kind_again);
            }),
            expect: Accepted,
        },
        Case {
            name: "transfer-to-itself",
            leaf: text(&entry(Body::Transfer(Transfer {
                approval: None,
                amount: Minor::new(5).expect("amount"),
                currency: vnd(),
                from: "flood-2026".into(),
                reason: "Mistake".into(),
                reference: None,
                to: "flood-2026".into(),
            }))),
            expect: Refused("field", "field body.to: must differ from `from`"),
        },
        Case {
            name: "seq-largest",
            leaf: leaf(|e, _| e.seq = u64::MAX),
            expect: Accepted,
        },
        Case {
            name: "evidence-size-beyond-2-to-the-53",
            leaf: text(&entry(Body::Disbursement(
                fundtrail_ledger::entry::Disbursement {
                    approval: None,
                    amount: Minor::new(5).expect("amount"),
                    budget_line: None,
                    campaign: "flood-2026".into(),
                    currency: vnd(),
                    evidence: vec![fundtrail_ledger::entry::Evidence {
                        media_type: "application/pdf".into(),
                        name: None,
                        sha256: Hash([0x22; 32]),
                        size: (1 << 53) + 1,
                    }],
                    paid_at: "2026-11-01".into(),
                    purpose: "Gạo".into(),
                    recipient: "Hợp tác xã".into(),
                    reference: None,
                },
            ))),
            expect: Accepted,
        },
    ]
}

/// Leaves refused while parsing (step 2.1) or by the typed reading after it: byte-order
/// mark, `1.0`, duplicate keys, `null` and the like; longer than 80 lines because it lists
/// them all.
fn parse_cases() -> Vec<Case> {
    use Expect::{Parse, Refused};
    let base = leaf(|_, _| {});
    vec![
        Case {
            name: "byte-order-mark",
            leaf: format!("\u{feff}{base}"),
            expect: Parse,
        },
        Case {
            name: "seq-as-1.0",
            leaf: edited("\"seq\":7,", "\"seq\":7.0,"),
            expect: Parse,
        },
        Case {
            name: "seq-with-exponent",
            leaf: edited("\"seq\":7,", "\"seq\":7e0,"),
            expect: Parse,
        },
        Case {
            name: "seq-negative",
            leaf: edited("\"seq\":7,", "\"seq\":-7,"),
            expect: Parse,
        },
        Case {
            name: "seq-2-to-the-64",
            leaf: edited("\"seq\":7,", "\"seq\":18446744073709551616,"),
            expect: Parse,
        },
        Case {
            name: "reverses-as-3.0",
            leaf: reversal_leaf().replacen("\"reverses\":3}", "\"reverses\":3.0}", 1),
            expect: Parse,
        },
        Case {
            name: "duplicate-envelope-key",
            leaf: edited(
                ",\"kind\":\"donation\"",
                ",\"kind\":\"donation\",\"kind\":\"donation\"",
            ),
            expect: Parse,
        },
        Case {
            name: "duplicate-body-key",
            leaf: edited(
                "\"donor\":\"Nguyễn Văn An\"",
                "\"donor\":\"Nguyễn Văn An\",\"donor\":\"Nguyễn Văn An\"",
            ),
            expect: Parse,
        },
        Case {
            name: "null-for-a-required-member",
            leaf: edited("\"donor\":\"Nguyễn Văn An\"", "\"donor\":null"),
            expect: Parse,
        },
        Case {
            name: "null-for-an-optional-member",
            leaf: edited("\"memo\":\"Cho bà con vùng lũ\"", "\"memo\":null"),
            expect: Refused("canonical", NOT_CANONICAL),
        },
        Case {
            name: "unknown-body-member",
            leaf: edited("\"amount\":", "\"tip\":\"1\",\"amount\":"),
            expect: Parse,
        },
        Case {
            name: "amount-with-leading-zero",
            leaf: edited("\"250000\"", "\"0250000\""),
            expect: Parse,
        },
        Case {
            name: "amount-as-a-number",
            leaf: edited("\"250000\"", "250000"),
            expect: Parse,
        },
        Case {
            name: "amount-2-to-the-64",
            leaf: edited("\"250000\"", "\"18446744073709551616\""),
            expect: Parse,
        },
        Case {
            name: "prev-in-upper-case",
            leaf: edited(&"11".repeat(32), &"1A".repeat(32)),
            expect: Parse,
        },
        Case {
            name: "version-2",
            leaf: edited("\"v\":1}", "\"v\":2}"),
            expect: Refused("version", "unsupported format version 2"),
        },
        Case {
            name: "unknown-kind",
            leaf: edited("\"kind\":\"donation\"", "\"kind\":\"gift\""),
            expect: Refused("kind", "unknown kind \"gift\""),
        },
    ]
}

fn canonical_cases() -> Vec<Case> {
    use Expect::Refused;
    let base = leaf(|_, _| {});
    vec![
        Case {
            name: "trailing-newline",
            leaf: format!("{base}\n"),
            expect: Refused("canonical", NOT_CANONICAL),
        },
        Case {
            name: "space-after-a-colon",
            leaf: edited("\"seq\":7,", "\"seq\": 7,"),
            expect: Refused("canonical", NOT_CANONICAL),
        },
        Case {
            name: "escaped-non-ascii-character",
            leaf: edited("Nguyễn", "Nguy\\u1ec5n"),
            expect: Refused("canonical", NOT_CANONICAL),
        },
        Case {
            name: "escaped-slash",
            leaf: leaf(|_, d| d.reference = Some("FT/26110".into())).replacen("/", "\\/", 1),
            expect: Refused("canonical", NOT_CANONICAL),
        },
        Case {
            name: "members-out-of-order",
            leaf: {
                let body_end = base.find(",\"kind\"").expect("kind");
                format!(
                    "{{\"kind\":\"donation\",{}{}",
                    &base[1..body_end],
                    &base[body_end + ",\"kind\":\"donation\"".len()..]
                )
            },
            expect: Refused("canonical", NOT_CANONICAL),
        },
        Case {
            name: "control-character-escaped-in-upper-case",
            leaf: leaf(|_, d| d.memo = Some("a\u{1f}b".into())).replacen("\\u001f", "\\u001F", 1),
            expect: Refused("canonical", NOT_CANONICAL),
        },
        Case {
            name: "control-character-escaped-canonically",
            leaf: leaf(|_, d| d.memo = Some("a\u{1f}b".into())),
            expect: Refused("field", MEMO_CONTROL),
        },
    ]
}

fn cases() -> Vec<Case> {
    let mut all = text_cases();
    all.extend(recorded_by_cases());
    all.extend(date_cases());
    all.extend(rule_and_integer_cases());
    all.extend(parse_cases());
    all.extend(canonical_cases());
    all
}

#[test]
fn every_leaf_case_is_decided_as_the_spec_says() {
    for case in cases() {
        let result = decode(case.leaf.as_bytes());

        match (&case.expect, &result) {
            (Expect::Accepted, Ok(_)) | (Expect::Parse, Err(LeafError::Malformed(_))) => {}
            (Expect::Refused(step_name, message), Err(e)) => {
                assert_eq!(
                    (step(&result), e.to_string().as_str()),
                    (*step_name, *message),
                    "{}",
                    case.name
                );
            }
            _ => panic!("{}: {result:?}", case.name),
        }
    }
}

#[test]
fn the_committed_leaf_cases_are_exactly_what_the_core_generates() {
    let cases: Vec<serde_json::Value> = cases()
        .into_iter()
        .map(|case| {
            let result = decode(case.leaf.as_bytes());
            serde_json::json!({
                "name": case.name,
                "leaf": case.leaf,
                "step": step(&result),
                "error": result.err().map(|e| e.to_string()),
            })
        })
        .collect();
    let files = BTreeMap::from([(
        PathBuf::from("tests/vectors/leaves/cases.json"),
        crate::companion::pretty(&serde_json::Value::Array(cases)),
    )]);

    crate::companion::write_or_compare(&files);
}
