//! The answer to an append: `{checkpoint, entry, leaf, leaf_hash, proof, replayed, seq,
//! witnesses}`, and for a donation also `receipt` (SPEC.md §12); `witnesses` says whether
//! witnesses have cosigned a checkpoint that includes the entry yet (SPEC.md §14). It is
//! written in one pass into one buffer, with every object's keys in sorted order: byte for
//! byte the answer the server has always given (it used to build a `serde_json::Value`
//! tree, whose maps sort their keys; the tests compare the two).
//!
//! The leaf, the checkpoint and the proof appear twice in a donation's answer (at the top
//! and in its receipt): each is written once ([`SharedJson`]) and copied into both places.
//!
//! `entry` is the leaf itself, copied in as raw JSON when it is a canonical leaf (the text
//! serde_json prints for the entry, SPEC.md §3): a fresh append's leaf always is, a replayed
//! one read back from the store is checked; any other leaf is parsed and printed as before,
//! so even a damaged leaf gets the answer it always got.

use super::error::ApiError;
use super::witnessed::{covering, status_of, WitnessesJson};
use super::AppState;
use crate::ledger::receipt::{leaf_text, push_u64, write_sorted, ReceiptParts, SharedJson};
use crate::sequencer::Appended;
use crate::witness::cosigned::Witnessed;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;

/// The `witnesses` member of `a`'s acknowledgement: the newest cosigned checkpoint that
/// includes the entry (for a fresh append there is none yet: `pending`, read from memory,
/// so the append path does no more work), with the entry's audit path in its tree.
///
/// # Errors
/// [`ApiError`] when the audit path in an older cosigned tree cannot be read.
pub(super) async fn witnesses(s: &AppState, a: &Appended) -> Result<WitnessesJson, ApiError> {
    Ok(match covering(s, a.seq + 1) {
        Witnessed::Cosigned(c) if c.size == a.checkpoint.size => {
            WitnessesJson::cosigned(c, a.proof.clone())
        }
        Witnessed::Cosigned(c) => {
            let path = s.store.inclusion_proof(a.seq, c.size).await?;
            WitnessesJson::cosigned(c, path)
        }
        other => WitnessesJson::without(status_of(&other)),
    })
}

/// The `entry` member: the leaf copied through, or (for a leaf that is not in serde_json's
/// own printed form) the leaf parsed into a [`Value`], `null` when it is not JSON at all.
enum EntryJson<'a> {
    Fresh(&'a [u8]),
    Raw(&'a RawValue),
    Parsed(Value),
}

impl<'a> EntryJson<'a> {
    /// The entry of `a`, whose leaf's text (from [`leaf_text`]) is `text`. A fresh append's
    /// leaf is the canonical encoding the sequencer made of the entry it admitted, so it is
    /// copied through unread; a replayed one was read back from the store, so it is
    /// checked first.
    fn of(a: &'a Appended, text: &Cow<'a, str>) -> EntryJson<'a> {
        if !a.replayed {
            debug_assert!(
                crate::ledger::decode(&a.leaf).is_ok(),
                "a fresh leaf is canonical"
            );
            return EntryJson::Fresh(&a.leaf);
        }
        let raw = match text {
            Cow::Borrowed(text) => raw_entry(text),
            Cow::Owned(_) => None,
        };
        match raw {
            Some(raw) => EntryJson::Raw(raw),
            None => EntryJson::Parsed(serde_json::from_slice(&a.leaf).unwrap_or(Value::Null)),
        }
    }

    /// Appends the member's JSON to `out`.
    fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        match self {
            EntryJson::Fresh(leaf) => {
                out.extend_from_slice(leaf);
                Ok(())
            }
            EntryJson::Raw(raw) => {
                out.extend_from_slice(raw.get().as_bytes());
                Ok(())
            }
            EntryJson::Parsed(value) => serde_json::to_writer(out, value),
        }
    }
}

/// The leaf's text as raw JSON when it is a canonical leaf (SPEC.md §3): the ledger's
/// decoder accepts only the exact bytes serde_json prints for the entry, keys sorted, so
/// copying it through writes what parsing it into a [`Value`] and printing that would.
/// `None` otherwise.
fn raw_entry(text: &str) -> Option<&RawValue> {
    crate::ledger::decode(text.as_bytes()).ok()?;
    serde_json::from_str(text).ok()
}

/// The parts of `a` a receipt is made of, signed for `key` with `salt` when given.
fn parts<'a>(a: &'a Appended, key: &'a str, salt: Option<&'a [u8; 32]>) -> ReceiptParts<'a> {
    ReceiptParts {
        seq: a.seq,
        leaf: &a.leaf,
        checkpoint: &a.checkpoint.note,
        size: a.checkpoint.size,
        root: a.checkpoint.root,
        proof: &a.proof,
        key,
        salt,
    }
}

/// The JSON body acknowledging any append, with `witnesses` (from [`witnesses`]) when given.
///
/// # Errors
/// An internal [`ApiError`] if serde_json fails to write a parsed entry or the witnesses,
/// which it does not for these parts.
pub(super) fn body(a: &Appended, witnesses: Option<&WitnessesJson>) -> Result<Vec<u8>, ApiError> {
    write(a, &parts(a, "", None), false, witnesses)
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
    witnesses: Option<&WitnessesJson>,
) -> Result<Vec<u8>, ApiError> {
    write(a, &parts(a, key, salt), true, witnesses)
}

/// The acknowledgement of `a` (made of `parts`), with a receipt when `with_receipt`:
/// `checkpoint, entry, leaf, leaf_hash, proof, receipt, replayed, seq, witnesses`.
fn write(
    a: &Appended,
    parts: &ReceiptParts<'_>,
    with_receipt: bool,
    witnesses: Option<&WitnessesJson>,
) -> Result<Vec<u8>, ApiError> {
    let shared = SharedJson::of(parts, a.leaf_hash);
    let text = leaf_text(&a.leaf);
    let entry = EntryJson::of(a, &text);
    // The leaf appears up to three times (raw as `entry`, escaped as `leaf` and again in a
    // receipt); the note and the proof twice.
    let hint =
        a.leaf.len() + 2 * (shared.leaf.len() + shared.checkpoint.len() + shared.proof.len());
    let mut out = Vec::with_capacity(hint + 512);
    out.extend_from_slice(b"{\"checkpoint\":");
    out.extend_from_slice(&shared.checkpoint);
    out.extend_from_slice(b",\"entry\":");
    entry.write(&mut out).map_err(|e| unwritten(a, &e))?;
    shared.push_leaf_members(&mut out);
    if with_receipt {
        out.extend_from_slice(b",\"receipt\":");
        write_sorted(&mut out, parts, &shared);
    }
    out.extend_from_slice(if a.replayed {
        b",\"replayed\":true"
    } else {
        b",\"replayed\":false"
    });
    out.extend_from_slice(b",\"seq\":");
    push_u64(&mut out, a.seq);
    if let Some(witnesses) = witnesses {
        out.extend_from_slice(b",\"witnesses\":");
        serde_json::to_writer(&mut out, witnesses).map_err(|e| unwritten(a, &e))?;
    }
    out.push(b'}');
    Ok(out)
}

/// The internal error of an acknowledgement serde_json could not write (logged).
fn unwritten(a: &Appended, e: &serde_json::Error) -> ApiError {
    tracing::error!(error = %e, seq = a.seq, "writing an acknowledgement failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error; see the server log",
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::canonical::{decode, encode};
    use crate::ledger::checkpoint::CheckpointSigner;
    use crate::ledger::entry::{
        Account, Body as EntryBody, CampaignOpen, Channel, Disbursement, Donation, Entry, Evidence,
        Reversal, ReversalReason,
    };
    use crate::ledger::hash::{donor_commitment, leaf_hash, sha256, Hash};
    use crate::ledger::money::{Currency, Minor};
    use crate::ledger::receipt::build;
    use crate::store::StoredCheckpoint;
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
            let receipt = build(parts(a, key, salt));
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
            EntryJson::of(a, &leaf_text(&a.leaf)),
            EntryJson::Raw(_) | EntryJson::Fresh(_)
        )
    }

    /// Quotes, a backslash, markup, an emoji and U+2028: all allowed in a ledger text.
    const TRICKY_BUT_VALID: &str =
        "Nguyễn \"Bé\" \\ <script>alert('x')</script> \u{1F49A} \u{2028} end";

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
                pledge: None,
                received_at: "2026-11-01".into(),
                reference: Some("FT\\2611/\"x\"".into()),
            }),
        ))
    }

    fn leaves() -> Vec<(&'static str, Vec<u8>)> {
        let disbursement = encode(&entry(
            7,
            EntryBody::Disbursement(Disbursement {
                approval: None,
                amount: Minor::parse_decimal("1000", vnd()).expect("amount"),
                budget_line: None,
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
                reference: None,
            }),
        ));
        let open = encode(&entry(
            0,
            EntryBody::CampaignOpen(CampaignOpen {
                approval: None,
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
            for (seq, donor) in [
                (1, "Anonymous"),
                (2, TRICKY),
                (3, "\u{0}\u{1f}\u{8}"),
                (4, TRICKY_BUT_VALID),
            ] {
                // Only a canonical leaf is ever appended fresh; any leaf may be read back.
                if !replayed && decode(&donation(seq, None, donor)).is_err() {
                    continue;
                }
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
                        text(donation_body(a, key, salt, None).expect("body")),
                        text(reference(a, Some((key, salt)))),
                        "donation {seq} {donor:?} salt {salt:?}"
                    );
                    assert_eq!(text(body(a, None).expect("body")), text(reference(a, None)));
                    assert_eq!(copied(a), decode(&a.leaf).is_ok(), "{donor:?}");
                    copied_through += usize::from(copied(a));
                }
            }
            for (kind, leaf) in leaves() {
                if !replayed && decode(&leaf).is_err() {
                    continue;
                }
                let a = appended(leaf, 7, replayed, &signer);
                assert_eq!(
                    text(body(&a, None).expect("body")),
                    text(reference(&a, None)),
                    "{kind}"
                );
                assert_eq!(copied(&a), decode(&a.leaf).is_ok(), "{kind}");
                copied_through += usize::from(copied(&a));
            }
        }
        // Anonymous and TRICKY_BUT_VALID, three answers each, fresh and replayed; the
        // other leaves hold control characters, which no appended entry can.
        assert!(
            copied_through >= 2 * 2 * 3,
            "canonical leaves are copied through"
        );
    }

    #[test]
    fn leaves_that_are_not_canonical_json_get_the_answer_they_always_got() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");
        // Only a leaf read back from the store (a replayed append's) can be damaged.
        for leaf in odd_leaves() {
            let a = appended(leaf.clone(), 4, true, &signer);

            let fresh = body(&a, None).expect("body");
            let receipted =
                donation_body(&a, signer.verifier_key(), Some(&[1; 32]), None).expect("body");

            let leaf = String::from_utf8_lossy(&leaf);
            let with_receipt = reference(&a, Some((signer.verifier_key(), Some(&[1; 32]))));
            assert_eq!(text(fresh), text(reference(&a, None)), "{leaf:?}");
            assert_eq!(text(receipted), text(with_receipt), "{leaf:?}");
        }
    }

    #[test]
    fn the_witnesses_member_comes_last_as_serde_json_writes_it() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");
        let a = appended(donation(3, None, TRICKY_BUT_VALID), 3, false, &signer);
        let cosigned = WitnessesJson {
            checkpoint: Some("cosigned\nnote \"x\"\n".into()),
            proof: Some(vec![sha256(b"a"), sha256(b"b")]),
            root: Some(sha256(b"root")),
            size: Some(9),
            status: super::super::witnessed::WitnessStatus::Cosigned,
        };
        let pending = WitnessesJson::without(super::super::witnessed::WitnessStatus::Pending);
        for w in [&cosigned, &pending] {
            let key = signer.verifier_key();
            let with = |mut reference: Vec<u8>| {
                let mut value: Value = serde_json::from_slice(&reference).expect("json");
                value["witnesses"] = serde_json::to_value(w).expect("value");
                reference.clear();
                serde_json::to_writer(&mut reference, &value).expect("json");
                text(reference)
            };

            let plain = body(&a, Some(w)).expect("body");
            let donated = donation_body(&a, key, None, Some(w)).expect("body");

            assert_eq!(text(plain), with(reference(&a, None)));
            assert_eq!(text(donated), with(reference(&a, Some((key, None)))));
        }
    }

    #[test]
    fn the_response_is_json_with_the_status_of_the_append() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.local/ledger").expect("key");
        let fresh = appended(donation(1, None, "x"), 1, false, &signer);
        let retried = appended(donation(1, None, "x"), 1, true, &signer);

        let response = respond(&fresh, body(&fresh, None).expect("body"));
        let replayed = respond(&retried, body(&retried, None).expect("body"));

        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(replayed.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/json"))
        );
    }
}
