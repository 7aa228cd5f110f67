//! Append acknowledgements and `/proof/*` answers carry the newest checkpoint witnesses
//! cosigned that covers what they prove (with the proof from their tree to it), or say in
//! so many words that witnesses have not yet cosigned one (`pending`) or that the ledger
//! has none (`none`). The cosignatures are checked with `signed_note` and the spec's
//! verifier, the proofs with the core's RFC 6962 verifiers.

use crate::helpers::app::{spawn_app, spawn_app_configured};
use crate::helpers::binary::free_port;
use crate::network::{cosigners, entry, trust, with_policy};
use crate::{eventually, start_witness, RunningWitness};
use fundtrail::http::limits::Limits;
use fundtrail::ledger::hash::Hash;
use fundtrail::ledger::merkle::{verify_consistency, verify_inclusion};
use serde_json::Value;

fn hash(v: &Value) -> Hash {
    Hash::from_hex(v.as_str().expect("hex")).expect("a hash")
}

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array().expect("a list").iter().map(hash).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_witness_policy_acknowledgements_and_proofs_say_there_are_no_witnesses() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let ack = app.donate("flood-2026", "5000").await.json();
    let proof = app.get_json("/proof/inclusion?index=1").await;
    let consistency = app.get_json("/proof/consistency?from=1").await;

    for answer in [&ack, &proof, &consistency] {
        assert_eq!(
            answer["witnesses"],
            serde_json::json!({"status": "none"}),
            "{answer}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_no_witness_has_cosigned_acknowledgements_and_proofs_say_pending() {
    let down = start_witness("w1.example", &[]).await;
    let unreachable = (
        "w1",
        down.key.clone(),
        format!("http://127.0.0.1:{}", free_port()),
    );
    let app = spawn_app_configured(
        Limits::OFF,
        with_policy(vec![unreachable], 1, Default::default()),
    )
    .await;
    app.open_campaign("flood-2026", "VND").await;

    let ack = app.donate("flood-2026", "5000").await.json();
    let proof = app.get_json("/proof/inclusion?index=1").await;
    let consistency = app.get_json("/proof/consistency?from=1").await;

    for answer in [&ack, &proof, &consistency] {
        assert_eq!(
            answer["witnesses"],
            serde_json::json!({"status": "pending"}),
            "{answer}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_carry_the_newest_cosigned_checkpoint_with_a_proof_that_reaches_it() {
    let ws = [
        start_witness("w1.example", &[]).await,
        start_witness("w2.example", &[]).await,
    ];
    let list = vec![entry(&ws[0], "w1"), entry(&ws[1], "w2")];
    let app = spawn_app_configured(Limits::OFF, with_policy(list, 2, Default::default())).await;
    let all: Vec<&RunningWitness> = ws.iter().collect();
    trust(&app, &all).await;
    app.open_campaign("flood-2026", "VND").await;
    for i in 0..5 {
        let r = app.donate("flood-2026", &format!("{}", 5000 + i)).await;
        assert_eq!(r.status(), 201, "{}", r.text());
    }
    let size = app.checkpoint_size().await;
    eventually("both witnesses cosigned the latest checkpoint", || async {
        app.get_json("/proof/inclusion?index=1").await["witnesses"]["size"] == size
    })
    .await;

    // The entry's proof against an older tree still reaches the cosigned one.
    let answer = app.get_json("/proof/inclusion?index=1&size=3").await;
    let w = &answer["witnesses"];
    assert_eq!(w["status"], "cosigned", "{answer}");
    let note = w["checkpoint"].as_str().expect("a note");
    assert_eq!(cosigners(note, &all), [true, true]);
    assert!(note.contains(&format!("\n{size}\n")), "{note}");
    verify_inclusion(
        1,
        size,
        &hash(&answer["leaf_hash"]),
        &hashes(&w["proof"]),
        &hash(&w["root"]),
    )
    .expect("the entry is in the cosigned tree");

    let answer = app.get_json("/proof/consistency?from=1&to=3").await;
    let w = &answer["witnesses"];
    assert_eq!(w["status"], "cosigned", "{answer}");
    assert_eq!(w["size"], size);
    verify_consistency(
        3,
        size,
        &hash(&answer["root_to"]),
        &hash(&w["root"]),
        &hashes(&w["proof"]),
    )
    .expect("the tree of 3 entries is a prefix of the cosigned tree");

    // A newer checkpoint no witness has cosigned yet: the receipt as a tlog-proof file is
    // still issued against the cosigned one.
    let r = app.donate("flood-2026", "9000").await;
    assert_eq!(r.status(), 201, "{}", r.text());
    let leaf_hash = answer_leaf_hash(&app, 1).await;
    let proof = app
        .get_text(&format!(
            "/receipts/R-1-{}/receipt.tlog-proof",
            &leaf_hash[..8]
        ))
        .await;
    let (_, checkpoint) = proof.split_once("\n\n").expect("a tlog-proof");
    assert_eq!(cosigners(checkpoint, &all), [true, true], "{proof}");
}

async fn answer_leaf_hash(app: &crate::helpers::app::TestApp, seq: u64) -> String {
    app.get_json(&format!("/entries/{seq}")).await["leaf_hash"]
        .as_str()
        .expect("hex")
        .to_string()
}
