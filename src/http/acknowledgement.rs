//! The answer to an append: `{checkpoint, entry, leaf, leaf_hash, proof, replayed, seq}`, and
//! for a donation also `receipt` (SPEC.md §12). It is written in one pass from borrowed
//! parts into one buffer, with every object's keys in sorted order: byte for byte the
//! answer the server has always given (it used to build a `serde_json::Value` tree, whose
//! maps sort their keys).
//!
//! `entry` is the leaf itself, copied in as raw JSON when the leaf is exactly the text
//! serde_json would print for it (every canonical leaf is, SPEC.md §3); any other leaf is
//! parsed and printed as before, so even a damaged leaf gets the answer it always got.

use super::error::ApiError;
use crate::ledger::hash::Hash;
use crate::ledger::receipt::{leaf_text, ReceiptParts, SortedProof, SortedReceipt};
use crate::sequencer::Appended;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;

/// The acknowledgement of an append, keys in sorted order.
#[derive(Serialize)]
struct Acknowledgement<'a> {
    checkpoint: &'a str,
    entry: EntryJson<'a>,
    leaf: Cow<'a, str>,
    leaf_hash: Hash,
    proof: SortedProof<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt: Option<SortedReceipt<'a>>,
    replayed: bool,
    seq: u64,
}

/// The `entry` member: the leaf copied through, or (for a leaf that is not in serde_json's
/// own printed form) the leaf parsed into a [`Value`], `null` when it is not JSON at all.
enum EntryJson<'a> {
    Raw(&'a RawValue),
    Parsed(Value),
}

impl<'a> EntryJson<'a> {
    /// The entry of `leaf`, whose text (from [`leaf_text`]) is `text`.
    fn of(leaf: &'a [u8], text: &Cow<'a, str>) -> EntryJson<'a> {
        let raw = match text {
            Cow::Borrowed(text) => raw_entry(text),
            Cow::Owned(_) => None,
        };
        match raw {
            Some(raw) => EntryJson::Raw(raw),
            None => EntryJson::Parsed(serde_json::from_slice(leaf).unwrap_or(Value::Null)),
        }
    }
}

impl Serialize for EntryJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            EntryJson::Raw(raw) => raw.serialize(s),
            EntryJson::Parsed(value) => value.serialize(s),
        }
    }
}

/// The leaf's text as raw JSON when copying it through writes exactly what parsing it
/// into a [`Value`] and printing that would write; `None` otherwise.
fn raw_entry(text: &str) -> Option<&RawValue> {
    if !prints_as_itself(text) {
        return None;
    }
    serde_json::from_str(text).ok()
}

fn acknowledgement<'a>(a: &'a Appended, receipt: Option<SortedReceipt<'a>>) -> Acknowledgement<'a> {
    let leaf = leaf_text(&a.leaf);
    Acknowledgement {
        checkpoint: &a.checkpoint.note,
        entry: EntryJson::of(&a.leaf, &leaf),
        leaf,
        leaf_hash: a.leaf_hash,
        proof: SortedProof {
            index: a.seq,
            leaf_hash: a.leaf_hash,
            proof: &a.proof,
            root: a.checkpoint.root,
            size: a.checkpoint.size,
        },
        receipt,
        replayed: a.replayed,
        seq: a.seq,
    }
}

/// The JSON body acknowledging any append.
///
/// # Errors
/// An internal [`ApiError`] if serde_json fails to write it, which it does not for these
/// parts.
pub(super) fn body(a: &Appended) -> Result<Vec<u8>, ApiError> {
    write(a, &acknowledgement(a, None))
}

/// The JSON body acknowledging a donation: [`body`] plus its receipt, signed with the
/// checkpoint of its batch and carrying `salt` when given (the donor's own copy).
///
/// # Errors
/// As [`body`].
pub(super) fn donation_body(
    a: &Appended,
    key: &str,
    salt: Option<&[u8; 32]>,
) -> Result<Vec<u8>, ApiError> {
    let receipt = SortedReceipt::new(
        ReceiptParts {
            seq: a.seq,
            leaf: &a.leaf,
            checkpoint: &a.checkpoint.note,
            size: a.checkpoint.size,
            root: a.checkpoint.root,
            proof: &a.proof,
            key,
            salt,
        },
        a.leaf_hash,
    );
    write(a, &acknowledgement(a, Some(receipt)))
}

fn write(a: &Appended, ack: &Acknowledgement<'_>) -> Result<Vec<u8>, ApiError> {
    // The leaf appears up to three times (raw as `entry`, escaped as `leaf` and again in a
    // receipt, each escaped quote a byte longer); the note and the proof twice.
    let hint = 4 * a.leaf.len() + 2 * a.checkpoint.note.len() + 140 * a.proof.len() + 1024;
    let mut out = Vec::with_capacity(hint);
    match serde_json::to_writer(&mut out, ack) {
        Ok(()) => Ok(out),
        Err(e) => {
            tracing::error!(error = %e, seq = a.seq, "writing an acknowledgement failed");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; see the server log",
            ))
        }
    }
}

/// The response acknowledging `a` with `body` (from [`body`] or [`donation_body`]): 201, or
/// 200 for a replayed retry, with the headers `axum::Json` would send.
pub(super) fn respond(a: &Appended, body: Vec<u8>) -> Response {
    let status = if a.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        Body::from(body),
    )
        .into_response()
}

/// Deeper than any entry, and short of serde_json's own nesting limit.
const MAX_DEPTH: usize = 64;

/// Whether `text` is one JSON value written exactly as serde_json prints it back after
/// parsing it into a [`Value`]: no whitespace, object keys strictly ascending bytewise and
/// without escapes, strings escaped the way serde_json escapes them (only `"`, `\` and
/// control characters, as `\b \t \n \f \r` or `\u00xx` in lower case), and integers only,
/// in the range a [`Value`] keeps exact. It may refuse text that would print as itself;
/// it never accepts text that would not.
fn prints_as_itself(text: &str) -> bool {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
    };
    scan.value(0) && scan.at == scan.bytes.len()
}

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.at += usize::from(hit);
        hit
    }

    fn value(&mut self, depth: usize) -> bool {
        match self.peek() {
            Some(b'{') if depth < MAX_DEPTH => self.object(depth + 1),
            Some(b'[') if depth < MAX_DEPTH => self.array(depth + 1),
            Some(b'"') => self.string().is_some(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.integer(),
            _ => false,
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        let hit = self.bytes[self.at..].starts_with(word);
        self.at += if hit { word.len() } else { 0 };
        hit
    }

    fn object(&mut self, depth: usize) -> bool {
        self.at += 1;
        if self.eat(b'}') {
            return true;
        }
        let mut previous: Option<&'a [u8]> = None;
        loop {
            let Some((key, escaped)) = self.string() else {
                return false;
            };
            // A Value's map sorts and deduplicates decoded keys; compare only plain ones.
            if escaped || previous.is_some_and(|p| p >= key) {
                return false;
            }
            previous = Some(key);
            if !self.eat(b':') || !self.value(depth) {
                return false;
            }
            if self.eat(b'}') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    fn array(&mut self, depth: usize) -> bool {
        self.at += 1;
        if self.eat(b']') {
            return true;
        }
        loop {
            if !self.value(depth) {
                return false;
            }
            if self.eat(b']') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    /// A string in serde_json's escaping: its contents between the quotes and whether it
    /// has any escape, or `None`.
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        let bytes = self.bytes;
        if !self.eat(b'"') {
            return None;
        }
        let start = self.at;
        let mut escaped = false;
        loop {
            match *bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some((&bytes[start..self.at - 1], escaped));
                }
                b'\\' => {
                    escaped = true;
                    match *bytes.get(self.at + 1)? {
                        b'"' | b'\\' | b'b' | b't' | b'n' | b'f' | b'r' => self.at += 2,
                        b'u' => {
                            let code = bytes.get(self.at + 2..self.at + 6)?;
                            let control = match code {
                                [b'0', b'0', hi @ (b'0' | b'1'), lo] => {
                                    let lo = match lo {
                                        b'0'..=b'9' => lo - b'0',
                                        b'a'..=b'f' => lo - b'a' + 10,
                                        _ => return None,
                                    };
                                    ((hi - b'0') << 4) | lo
                                }
                                _ => return None,
                            };
                            // These five have short escapes, which serde_json prefers.
                            if matches!(control, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                                return None;
                            }
                            self.at += 6;
                        }
                        _ => return None,
                    }
                }
                0x00..=0x1f => return None,
                _ => self.at += 1,
            }
        }
    }

    /// An integer a [`Value`] holds exactly: `0`, or no leading zero and at most
    /// `u64::MAX` (down to `i64::MIN` when negative; never `-0`); no fraction, no exponent.
    fn integer(&mut self) -> bool {
        let negative = self.eat(b'-');
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let digits = &self.bytes[start..self.at];
        let Some((&first, _)) = digits.split_first() else {
            return false;
        };
        if first == b'0' && (digits.len() > 1 || negative) {
            return false;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return false;
        }
        // serde_json keeps a negative integer as an i64 down to i64::MIN, any other
        // integer as a u64, and turns the rest into floats.
        let limit = if negative {
            i64::MIN.unsigned_abs()
        } else {
            u64::MAX
        };
        let mut n: u64 = 0;
        for &d in digits {
            match n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d - b'0')))
            {
                Some(next) if next <= limit => n = next,
                _ => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::canonical::encode;
    use crate::ledger::checkpoint::CheckpointSigner;
    use crate::ledger::entry::{
        Account, Body as EntryBody, CampaignOpen, Channel, Disbursement, Donation, Entry, Evidence,
        Reversal, ReversalReason,
    };
    use crate::ledger::hash::{donor_commitment, leaf_hash, sha256};
    use crate::ledger::money::{Currency, Minor};
    use crate::ledger::receipt::build;
    use crate::store::StoredCheckpoint;
    use proptest::prelude::*;
    use serde_json::json;

    /// The acknowledgement as the server used to build it: a Value tree, its receipt
    /// converted with `to_value`, written by `axum::Json` (`serde_json::to_writer`).
    fn reference(a: &Appended, donation: Option<(&str, Option<&[u8; 32]>)>) -> Vec<u8> {
        let entry: Value = serde_json::from_slice(&a.leaf).unwrap_or(Value::Null);
        let mut body = json!({
            "seq": a.seq,
            "leaf_hash": a.leaf_hash.to_hex(),
            "leaf": String::from_utf8_lossy(&a.leaf),
            "entry": entry,
            "checkpoint": a.checkpoint.note,
            "proof": {
                "index": a.seq, "size": a.checkpoint.size, "leaf_hash": a.leaf_hash.to_hex(),
                "root": a.checkpoint.root.to_hex(),
                "proof": a.proof.iter().map(Hash::to_hex).collect::<Vec<_>>(),
            },
            "replayed": a.replayed,
        });
        if let Some((key, salt)) = donation {
            let receipt = build(ReceiptParts {
                seq: a.seq,
                leaf: &a.leaf,
                checkpoint: &a.checkpoint.note,
                size: a.checkpoint.size,
                root: a.checkpoint.root,
                proof: &a.proof,
                key,
                salt,
            });
            body["receipt"] = serde_json::to_value(receipt).expect("value");
        }
        let mut out = Vec::new();
        serde_json::to_writer(&mut out, &body).expect("json");
        out
    }

    /// Answers are UTF-8 (serde_json writes nothing else); as text, a mismatch reads.
    fn text(answer: Vec<u8>) -> String {
        String::from_utf8(answer).expect("an answer is UTF-8")
    }

    fn copied(a: &Appended) -> bool {
        matches!(
            EntryJson::of(&a.leaf, &leaf_text(&a.leaf)),
            EntryJson::Raw(_)
        )
    }

    const TRICKY: &str =
        "Nguyễn \"Bé\" \\ <script>alert('x')</script> \u{1F49A} \u{2028} tab\there\nline \u{7f}";

    fn vnd() -> Currency {
        Currency::parse("VND").expect("VND")
    }

    fn entry(seq: u64, body: EntryBody) -> Entry {
        Entry {
            seq,
            prev: sha256(&seq.to_be_bytes()),
            recorded_at: "2026-11-02T08:00:00.000000Z".into(),
            recorded_by: "Lan \"finance\" <b>".into(),
            body,
        }
    }

    fn donation(seq: u64, commitment: Option<Hash>, text: &str) -> Vec<u8> {
        encode(&entry(
            seq,
            EntryBody::Donation(Donation {
                amount: Minor::parse_decimal("18446744073709", vnd()).expect("amount"),
                campaign: "flood-2026".into(),
                channel: Channel::BankTransfer,
                commitment,
                currency: vnd(),
                donor: text.into(),
                in_kind: None,
                memo: Some(format!("memo: {text}")),
                received_at: "2026-11-01".into(),
                reference: Some("FT\\2611/\"x\"".into()),
            }),
        ))
    }

    fn leaves() -> Vec<(&'static str, Vec<u8>)> {
        let disbursement = encode(&entry(
            7,
            EntryBody::Disbursement(Disbursement {
                amount: Minor::parse_decimal("1000", vnd()).expect("amount"),
                campaign: "flood-2026".into(),
                currency: vnd(),
                evidence: vec![Evidence {
                    media_type: "application/pdf".into(),
                    name: Some("hóa đơn \"1\".pdf".into()),
                    sha256: sha256(b"invoice"),
                    size: 18_446_744_073_709_551_615,
                }],
                paid_at: "2026-11-03".into(),
                purpose: TRICKY.into(),
                recipient: "Xã </script> Hòa".into(),
            }),
        ));
        let open = encode(&entry(
            0,
            EntryBody::CampaignOpen(CampaignOpen {
                accounts: vec![Account {
                    bank: "Vietcombank".into(),
                    holder: TRICKY.into(),
                    number: "0011 0022".into(),
                }],
                currency: vnd(),
                ends_on: None,
                goal: None,
                id: "flood-2026".into(),
                purpose: "purpose".into(),
                title: "Lũ \u{0001} 2026".into(),
            }),
        ));
        let reversal = encode(&entry(
            9,
            EntryBody::Reversal(Reversal {
                note: Some("typed \\u0041 by hand".into()),
                reason: ReversalReason::Error,
                reverses: 8,
            }),
        ));
        vec![
            ("disbursement", disbursement),
            ("campaign.open", open),
            ("reversal", reversal),
        ]
    }

    /// Leaves that are not canonical, or not JSON, or not UTF-8: the old answer for each.
    fn odd_leaves() -> Vec<Vec<u8>> {
        [
            &b"\xff\xfe{\"a\":1}"[..],
            b"",
            b"not json",
            b"{\"b\":1,\"a\":2}",
            b"{\"a\":1,\"a\":2}",
            b"{ \"a\" : 1 }",
            b"{\"a\":\"\\/\"}",
            b"{\"a\":\"\\u0041\"}",
            b"{\"a\":\"\\u000A\"}",
            b"{\"a\":\"\\u000a\"}",
            b"{\"a\\u0062\":1}",
            b"{\"a\":1.0}",
            b"{\"a\":1e3}",
            b"{\"a\":-0}",
            b"{\"a\":18446744073709551616}",
            b"{\"a\":-9223372036854775808}",
            b"{\"a\":-9223372036854775809}",
            b"{\"a\":01}",
            b"[1,2,3] ",
            b"{\"a\":1}{}",
            b"\"\\ud83d\\udc9a\"",
        ]
        .iter()
        .map(|b| b.to_vec())
        .chain(std::iter::once(
            format!("{}1{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
        ))
        .collect()
    }

    fn appended(leaf: Vec<u8>, seq: u64, replayed: bool, signer: &CheckpointSigner) -> Appended {
        let root = sha256(&leaf);
        Appended {
            seq,
            leaf_hash: leaf_hash(&leaf),
            leaf,
            checkpoint: StoredCheckpoint {
                size: seq + 3,
                root,
                note: signer.sign(seq + 3, &root),
            },
            proof: (0..seq % 5 + 1).map(|i| sha256(&[i as u8])).collect(),
            replayed,
        }
    }

    #[test]
    fn the_answers_are_byte_for_byte_the_value_tree_answers() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");
        let key = signer.verifier_key();
        let salt = [0x5a; 32];
        let commitment = donor_commitment(&salt, "tran.van.binh@example.vn");
        let mut copied_through = 0;
        for replayed in [false, true] {
            for (seq, donor) in [(1, "Anonymous"), (2, TRICKY), (3, "\u{0}\u{1f}\u{8}")] {
                let plain = appended(donation(seq, None, donor), seq, replayed, &signer);
                let committed = appended(
                    donation(seq, Some(commitment), donor),
                    seq,
                    replayed,
                    &signer,
                );

                for (a, salt) in [
                    (&plain, None),
                    (&committed, Some(&salt)),
                    (&committed, None),
                ] {
                    assert_eq!(
                        text(donation_body(a, key, salt).expect("body")),
                        text(reference(a, Some((key, salt)))),
                        "donation {seq} {donor:?} salt {salt:?}"
                    );
                    assert_eq!(text(body(a).expect("body")), text(reference(a, None)));
                    copied_through += usize::from(copied(a));
                }
            }
            for (kind, leaf) in leaves() {
                let a = appended(leaf, 7, replayed, &signer);
                assert_eq!(
                    text(body(&a).expect("body")),
                    text(reference(&a, None)),
                    "{kind}"
                );
                copied_through += usize::from(copied(&a));
            }
        }
        assert_eq!(
            copied_through,
            2 * (9 + 3),
            "every canonical leaf is copied through"
        );
    }

    #[test]
    fn leaves_that_are_not_canonical_json_get_the_answer_they_always_got() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");
        for leaf in odd_leaves() {
            let a = appended(leaf.clone(), 4, false, &signer);

            let fresh = body(&a).expect("body");
            let receipted = donation_body(&a, signer.verifier_key(), Some(&[1; 32])).expect("body");

            let leaf = String::from_utf8_lossy(&leaf);
            let with_receipt = reference(&a, Some((signer.verifier_key(), Some(&[1; 32]))));
            assert_eq!(text(fresh), text(reference(&a, None)), "{leaf:?}");
            assert_eq!(text(receipted), text(with_receipt), "{leaf:?}");
        }
    }

    #[test]
    fn the_response_is_json_with_the_status_of_the_append() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");
        let fresh = appended(donation(1, None, "x"), 1, false, &signer);
        let retried = appended(donation(1, None, "x"), 1, true, &signer);

        let response = respond(&fresh, body(&fresh).expect("body"));
        let replayed = respond(&retried, body(&retried).expect("body"));

        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(replayed.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/json"))
        );
    }

    /// JSON values without floats (which a leaf never holds), nested a few levels.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[a-z\\\\\"\u{0}-\u{1f}\u{7f}é]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_ !~é]{0,5}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn what_serde_json_prints_is_copied_through(v in json_value()) {
            let text = serde_json::to_string(&v).expect("json");

            prop_assert!(prints_as_itself(&text), "{}", text);
        }

        #[test]
        fn text_accepted_prints_as_itself(
            v in json_value(),
            cut in any::<prop::sample::Index>(),
            insert in prop::sample::select(vec![
                "", " ", "0", "-", ".5", "e1", "\\u0041", "\\/", "\\n", "\"", ",", "}", "]",
                "{}", "[]", "\"a\":1,", "\\u001F", "\\u001f", "\u{1}",
            ]),
        ) {
            let printed = serde_json::to_string_pretty(&v).expect("json");
            for base in [serde_json::to_string(&v).expect("json"), printed] {
                let at = cut.index(base.len() + 1);
                if !base.is_char_boundary(at) {
                    continue;
                }
                let text = format!("{}{insert}{}", &base[..at], &base[at..]);

                if prints_as_itself(&text) {
                    let parsed: Value = serde_json::from_str(&text).expect("accepted text parses");
                    prop_assert_eq!(serde_json::to_string(&parsed).expect("json"), text);
                }
            }
        }
    }
}
