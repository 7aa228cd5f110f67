//! The HTTP API end to end: a real server on a loopback port, real tokens, real SQLite.

mod common;

use common::{spawn_app, TestApp, TestResponse};
use fundtrail::ledger::{
    leaf_hash, verify_bundle, verify_checkpoint, verify_consistency, verify_inclusion, Hash,
};
use serde_json::{json, Value};

fn hash(v: &Value) -> Hash {
    Hash::from_hex(v.as_str().expect("a hex string")).expect("a hash")
}

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .expect("a list of hashes")
        .iter()
        .map(hash)
        .collect()
}

/// Asserts a refusal with exactly this status, code and field, and that the ledger did not grow.
async fn assert_refused(
    app: &TestApp,
    response: &TestResponse,
    status: u16,
    code: &str,
    field: Option<&str>,
    size_before: u64,
) {
    assert_eq!(response.status(), status, "{}", response.text());
    let body = response.json();
    assert_eq!(body["error"], code, "{body}");
    assert_eq!(body["field"], json!(field), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(app.checkpoint_size().await, size_before);
}

// Appending and reading back.

#[tokio::test]
async fn a_recorded_donation_reads_back_as_the_exact_leaf_by_seq_and_in_the_ndjson_page() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let appended = app.donate(&campaign, "500000").await;

    assert_eq!(appended.status(), 201);
    let appended = appended.json();
    assert_eq!(appended["seq"], 1);
    let leaf = appended["leaf"].as_str().expect("leaf text").to_string();
    assert_eq!(appended["entry"]["body"]["amount"], "500000");
    assert_eq!(
        appended["entry"]["recorded_by"],
        format!("test-recorder #{}", app.recorder_token_id)
    );
    let read = app.get_json("/entries/1").await;
    assert_eq!(read["leaf"], leaf.as_str());
    assert_eq!(read["leaf_hash"], leaf_hash(leaf.as_bytes()).to_hex());
    assert_eq!(read["leaf_hash"], appended["leaf_hash"]);
    let page = app.get_text("/entries?start=0&limit=10").await;
    let lines: Vec<&str> = page.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1], leaf);
    assert_eq!(
        serde_json::from_str::<Value>(lines[0]).unwrap()["kind"],
        "campaign.open"
    );
}

#[tokio::test]
async fn an_entry_beyond_the_end_of_the_ledger_is_not_found() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app.get("/entries/1").await;

    assert_eq!(response.status(), 404);
    assert_eq!(response.json()["error"], "not_found");
}

// Totals.

#[tokio::test]
async fn totals_after_donations_a_disbursement_a_transfer_and_a_reversal_are_exact() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    app.donate(&flood, "500000").await.seq();
    let mistaken = app.donate(&flood, "200000").await.seq();
    app.disburse(&flood, "150000").await.seq();
    app.transfer(&flood, &schools, "100000").await.seq();
    app.donate(&kits, "12.50").await.seq();
    app.donate(&kits, "7.5").await.seq();

    app.reverse(mistaken).await.seq();

    let flood = app.campaign_totals("flood-2026").await;
    assert_eq!(flood["donated"], "500000");
    assert_eq!(flood["disbursed"], "150000");
    assert_eq!(flood["transferred_out"], "100000");
    assert_eq!(flood["reversed"], "200000");
    assert_eq!(flood["balance"], "250000");
    assert_eq!(flood["donations"], 1);
    assert_eq!(flood["disbursements"], 1);
    let schools = app.campaign_totals("school-roofs").await;
    assert_eq!(schools["transferred_in"], "100000");
    assert_eq!(schools["balance"], "100000");
    let kits = app.campaign_totals("medical-kits").await;
    assert_eq!(kits["donated"], "2000");
    assert_eq!(kits["balance"], "2000");
    let totals = app.get_json("/totals").await;
    assert_eq!(totals["size"], 10);
    assert_eq!(totals["currencies"]["VND"]["donated"], "500000");
    assert_eq!(totals["currencies"]["VND"]["disbursed"], "150000");
    assert_eq!(totals["currencies"]["VND"]["balance"], "350000");
    assert_eq!(totals["currencies"]["USD"]["donated"], "2000");
    assert_eq!(totals["currencies"]["USD"]["balance"], "2000");
}

#[tokio::test]
async fn a_usd_amount_of_twelve_fifty_is_stored_as_1250_cents() {
    let app = spawn_app().await;
    let kits = app.open_campaign("medical-kits", "USD").await;

    let response = app.donate(&kits, "12.50").await;

    assert_eq!(response.status(), 201);
    assert_eq!(response.json()["entry"]["body"]["amount"], "1250");
    assert_eq!(response.json()["entry"]["body"]["currency"], "USD");
}

// Proofs.

#[tokio::test]
async fn the_inclusion_proof_in_an_append_response_verifies_against_its_signed_checkpoint() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    for _ in 0..4 {
        app.donate(&campaign, "100000").await.seq();
    }

    let appended = app.donate(&campaign, "500000").await.json();

    let key = app.key().await;
    let checkpoint = verify_checkpoint(appended["checkpoint"].as_str().unwrap(), &key)
        .expect("the checkpoint in the response is signed by the published key");
    let leaf = leaf_hash(appended["leaf"].as_str().unwrap().as_bytes());
    let proof = &appended["proof"];
    assert_eq!(checkpoint.size, 6);
    assert_eq!(proof["size"], 6);
    assert_eq!(hash(&proof["root"]), checkpoint.root);
    assert_eq!(hash(&proof["leaf_hash"]), leaf);
    verify_inclusion(
        5,
        checkpoint.size,
        &leaf,
        &hashes(&proof["proof"]),
        &checkpoint.root,
    )
    .expect("the entry is in the signed tree");
}

#[tokio::test]
async fn the_inclusion_proof_served_for_an_old_entry_verifies_against_the_latest_checkpoint() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let leaf = app.donate(&campaign, "500000").await.json()["leaf"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..5 {
        app.donate(&campaign, "100000").await.seq();
    }

    let served = app.get_json("/proof/inclusion?index=1").await;

    let checkpoint = app.checkpoint().await;
    assert_eq!(served["size"], checkpoint.size);
    let leaf = leaf_hash(leaf.as_bytes());
    assert_eq!(hash(&served["leaf_hash"]), leaf);
    verify_inclusion(
        1,
        checkpoint.size,
        &leaf,
        &hashes(&served["proof"]),
        &checkpoint.root,
    )
    .expect("the entry is in the signed tree");
    assert!(verify_inclusion(
        2,
        checkpoint.size,
        &leaf,
        &hashes(&served["proof"]),
        &checkpoint.root
    )
    .is_err());
}

#[tokio::test]
async fn a_consistency_proof_between_two_signed_checkpoints_verifies() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    for _ in 0..2 {
        app.donate(&campaign, "100000").await.seq();
    }
    let older = app.checkpoint().await;
    for _ in 0..4 {
        app.donate(&campaign, "200000").await.seq();
    }
    let newer = app.checkpoint().await;

    let served = app
        .get_json(&format!(
            "/proof/consistency?from={}&to={}",
            older.size, newer.size
        ))
        .await;

    assert_eq!((older.size, newer.size), (3, 7));
    assert_eq!(hash(&served["root_from"]), older.root);
    assert_eq!(hash(&served["root_to"]), newer.root);
    let proof = hashes(&served["proof"]);
    verify_consistency(older.size, newer.size, &older.root, &newer.root, &proof)
        .expect("the older tree is a prefix of the newer");
    assert!(verify_consistency(older.size, newer.size, &newer.root, &older.root, &proof).is_err());
}

// Idempotency.

#[tokio::test]
async fn a_retried_append_with_the_same_idempotency_key_returns_the_original_entry_once() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let body = json!({ "campaign": campaign, "amount": "500000", "reference": "FT001" })
        .to_string()
        .into_bytes();
    let token = app.recorder();
    let first = app
        .post_with("/donations", body.clone(), token, Some("retry-7f3a"))
        .await;

    let retry = app
        .post_with("/donations", body, token, Some("retry-7f3a"))
        .await;

    assert_eq!(first.status(), 201);
    assert_eq!(first.json()["replayed"], false);
    assert_eq!(retry.status(), 200);
    assert_eq!(retry.json()["replayed"], true);
    assert_eq!(retry.json()["seq"], first.json()["seq"]);
    assert_eq!(retry.json()["leaf"], first.json()["leaf"]);
    assert_eq!(app.checkpoint_size().await, 2);
}

// Bank references.

#[tokio::test]
async fn a_second_donation_with_the_same_bank_reference_in_a_campaign_is_refused() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate_with_reference(&campaign, "500000", "FT26305000123")
        .await
        .seq();

    let duplicate = app
        .donate_with_reference(&campaign, "500000", "FT26305000123")
        .await;

    assert_refused(
        &app,
        &duplicate,
        409,
        "duplicate_reference",
        Some("reference"),
        2,
    )
    .await;
}

#[tokio::test]
async fn a_second_donation_with_the_same_bank_reference_is_accepted_as_a_separate_gift() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate_with_reference(&campaign, "500000", "FT26305000123")
        .await
        .seq();

    let second = app
        .post(
            "/donations",
            &json!({
                "campaign": campaign, "amount": "500000",
                "reference": "FT26305000123", "separate_gift": true,
            }),
            app.recorder(),
        )
        .await;

    assert_eq!(second.status(), 201, "{}", second.text());
    assert_eq!(app.checkpoint_size().await, 3);
    assert_eq!(
        app.campaign_totals("flood-2026").await["donated"],
        "1000000"
    );
}

#[tokio::test]
async fn the_same_bank_reference_in_another_campaign_is_not_a_duplicate() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    app.donate_with_reference(&flood, "500000", "FT26305000123")
        .await
        .seq();

    let other = app
        .donate_with_reference(&schools, "500000", "FT26305000123")
        .await;

    assert_eq!(other.status(), 201, "{}", other.text());
}

// Authentication and roles.

#[tokio::test]
async fn an_append_without_an_authorization_header_is_refused_with_401() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": campaign, "amount": "1000" }),
            None,
        )
        .await;

    assert_refused(&app, &response, 401, "unauthorized", None, 1).await;
}

#[tokio::test]
async fn an_append_with_an_unknown_token_is_refused_with_401() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": campaign, "amount": "1000" }),
            Some("ft_this-token-was-never-issued"),
        )
        .await;

    assert_refused(&app, &response, 401, "unauthorized", None, 1).await;
}

#[tokio::test]
async fn a_recorder_cannot_open_or_close_a_campaign() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let open = app
        .post(
            "/campaigns",
            &json!({ "id": "mine", "title": "Mine", "purpose": "Mine", "currency": "VND" }),
            app.recorder(),
        )
        .await;
    let close = app
        .post("/campaigns/flood-2026/close", &json!({}), app.recorder())
        .await;

    assert_refused(&app, &open, 403, "forbidden", None, 1).await;
    assert_refused(&app, &close, 403, "forbidden", None, 1).await;
}

#[tokio::test]
async fn an_admin_can_open_and_close_campaigns_and_record_every_kind_of_entry() {
    let app = spawn_app().await;
    let admin = app.admin();
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;

    let donated = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "500000" }),
            admin,
        )
        .await;
    let disbursed = app
        .post(
            "/disbursements",
            &json!({ "campaign": flood, "amount": "100000", "recipient": "A", "purpose": "B" }),
            admin,
        )
        .await;
    let transferred = app
        .post(
            "/transfers",
            &json!({ "from": flood, "to": schools, "amount": "50000", "reason": "C" }),
            admin,
        )
        .await;
    let reversed = app
        .post(
            "/reversals",
            &json!({ "reverses": 3, "reason": "error" }),
            admin,
        )
        .await;
    let closed = app
        .post("/campaigns/school-roofs/close", &json!({}), admin)
        .await;

    for response in [&donated, &disbursed, &transferred, &reversed, &closed] {
        assert_eq!(response.status(), 201, "{}", response.text());
        // The admin token is the first one created.
        assert_eq!(response.json()["entry"]["recorded_by"], "test-admin #1");
    }
    assert_eq!(app.checkpoint_size().await, 7);
    assert_eq!(
        app.campaign_totals("school-roofs").await["status"],
        "closed"
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_with_401() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "1000").await.seq();
    assert!(app
        .store
        .revoke_token(app.recorder_token_id)
        .await
        .expect("revoked"));

    let response = app.donate(&campaign, "1000").await;

    assert_refused(&app, &response, 401, "unauthorized", None, 2).await;
}

// Bad inputs: each refused with its own status, code and field, and nothing appended.

#[tokio::test]
async fn a_negative_amount_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app.donate(&campaign, "-500000").await;

    assert_refused(&app, &response, 422, "invalid_field", Some("amount"), 1).await;
}

#[tokio::test]
async fn a_zero_amount_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app.donate(&campaign, "0").await;

    assert_refused(&app, &response, 422, "invalid_field", Some("amount"), 1).await;
}

#[tokio::test]
async fn an_amount_with_more_decimals_than_the_currency_has_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let thousandths_of_a_dollar = app.donate(&kits, "1.234").await;
    let half_a_dong = app.donate(&flood, "0.5").await;

    assert_refused(
        &app,
        &thousandths_of_a_dollar,
        422,
        "invalid_field",
        Some("amount"),
        2,
    )
    .await;
    assert_refused(&app, &half_a_dong, 422, "invalid_field", Some("amount"), 2).await;
}

#[tokio::test]
async fn a_campaign_in_an_unknown_currency_is_refused_and_appends_nothing() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/campaigns",
            &json!({ "id": "gold", "title": "Gold", "purpose": "Gold", "currency": "XAU1" }),
            app.admin(),
        )
        .await;

    assert_refused(&app, &response, 422, "invalid_field", Some("currency"), 0).await;
}

#[tokio::test]
async fn a_disbursement_larger_than_the_campaign_balance_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "500000").await.seq();

    let response = app.disburse(&campaign, "600000").await;

    assert_refused(
        &app,
        &response,
        409,
        "insufficient_balance",
        Some("amount"),
        2,
    )
    .await;
    assert_eq!(app.campaign_totals("flood-2026").await["balance"], "500000");
}

#[tokio::test]
async fn a_donation_to_an_unknown_campaign_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app.donate("no-such-campaign", "500000").await;

    assert_refused(
        &app,
        &response,
        422,
        "unknown_campaign",
        Some("campaign"),
        1,
    )
    .await;
}

#[tokio::test]
async fn a_reversal_of_a_reversal_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let donation = app.donate(&campaign, "500000").await.seq();
    let reversal = app.reverse(donation).await.seq();

    let response = app.reverse(reversal).await;

    assert_refused(&app, &response, 422, "not_reversible", Some("reverses"), 3).await;
}

#[tokio::test]
async fn reversing_the_same_entry_twice_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "900000").await.seq();
    let donation = app.donate(&campaign, "500000").await.seq();
    app.reverse(donation).await.seq();

    let response = app.reverse(donation).await;

    assert_refused(
        &app,
        &response,
        409,
        "already_reversed",
        Some("reverses"),
        4,
    )
    .await;
    assert_eq!(app.campaign_totals("flood-2026").await["balance"], "900000");
}

#[tokio::test]
async fn a_donation_to_a_closed_campaign_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.close_campaign(&campaign).await;

    let response = app.donate(&campaign, "500000").await;

    assert_refused(&app, &response, 409, "campaign_closed", Some("campaign"), 2).await;
}

#[tokio::test]
async fn a_body_larger_than_64_kib_is_refused_with_413_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let memo = "x".repeat(65 * 1024);

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": campaign, "amount": "500000", "memo": memo }),
            app.recorder(),
        )
        .await;

    assert_refused(&app, &response, 413, "too_large", None, 1).await;
}

#[tokio::test]
async fn malformed_json_is_refused_with_400_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let body = format!(r#"{{"campaign": "{campaign}", "amount": "500000""#).into_bytes();

    let response = app
        .post_with("/donations", body, app.recorder(), None)
        .await;

    assert_refused(&app, &response, 400, "malformed_json", None, 1).await;
}

#[tokio::test]
async fn an_unknown_field_is_refused_with_422_naming_it_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": campaign, "amount": "500000", "colour": "red" }),
            app.recorder(),
        )
        .await;

    assert_refused(&app, &response, 422, "invalid_field", Some("colour"), 1).await;
}

// Search and export.

#[tokio::test]
async fn a_donor_finds_their_donation_by_its_bank_reference() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate_with_reference(&campaign, "100000", "FT-OTHER")
        .await
        .seq();
    let seq = app
        .donate_with_reference(&campaign, "500000", "FT26305000123")
        .await
        .seq();

    let found = app.get_json("/search?reference=FT26305000123").await;

    let results = found["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["seq"], seq);
    assert_eq!(results[0]["entry"]["body"]["amount"], "500000");
    assert_eq!(results[0]["entry"]["body"]["reference"], "FT26305000123");
    let nothing = app.get_json("/search?reference=FT-NEVER").await;
    assert_eq!(nothing["results"], json!([]));
}

#[tokio::test]
async fn the_exported_bundle_verifies_with_the_root_of_the_signed_checkpoint() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    app.donate(&flood, "500000").await.seq();
    app.donate(&kits, "12.50").await.seq();
    app.disburse(&flood, "100000").await.seq();

    let bundle = app.export().await;

    let key = app.key().await;
    let report =
        verify_bundle(bundle.as_bytes(), Some(&key), None, |_| {}).expect("the bundle verifies");
    let checkpoint = app.checkpoint().await;
    assert_eq!(report.size, 5);
    assert_eq!(report.root, checkpoint.root);
    assert_eq!(report.checkpoint.map(|c| c.root), Some(checkpoint.root));
    let served: fundtrail::ledger::Totals =
        serde_json::from_value(app.get_json("/totals").await).expect("totals");
    assert_eq!(served, report.totals);
}

// Concurrency.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_appends_form_one_gap_free_verifiable_chain() {
    let app = std::sync::Arc::new(spawn_app().await);
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let app = std::sync::Arc::clone(&app);
            let campaign = campaign.clone();
            tokio::spawn(async move {
                app.donate_with_reference(&campaign, "1000", &format!("FT-{i:03}"))
                    .await
            })
        })
        .collect();
    let key = app.key().await;
    let mut seqs = Vec::new();
    for task in tasks {
        let response = task.await.expect("task finished");
        assert_eq!(response.status(), 201, "{}", response.text());
        let acknowledged = response.json();
        let seq = response.seq();
        // Each acknowledgement proves its entry against the checkpoint of its own group commit.
        let checkpoint =
            verify_checkpoint(acknowledged["checkpoint"].as_str().unwrap(), &key).unwrap();
        let leaf = leaf_hash(acknowledged["leaf"].as_str().unwrap().as_bytes());
        verify_inclusion(
            seq,
            checkpoint.size,
            &leaf,
            &hashes(&acknowledged["proof"]["proof"]),
            &checkpoint.root,
        )
        .unwrap_or_else(|e| panic!("entry {seq} in size {}: {e}", checkpoint.size));
        seqs.push(seq);
    }

    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<u64>>());
    let bundle = app.export().await;
    let report = verify_bundle(bundle.as_bytes(), Some(&app.key().await), None, |_| {})
        .expect("the chain verifies");
    assert_eq!(report.size, 201);
    assert_eq!(report.root, app.checkpoint().await.root);
    assert_eq!(app.campaign_totals("flood-2026").await["donated"], "200000");
}

// More proofs: every entry, every pair of checkpoints.

#[tokio::test]
async fn every_entry_has_an_inclusion_proof_against_every_later_signed_checkpoint() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let mut leaves = vec![leaf_hash(
        app.get_json("/entries/0").await["leaf"]
            .as_str()
            .unwrap()
            .as_bytes(),
    )];
    let mut checkpoints = vec![app.checkpoint().await];
    for _ in 0..10 {
        let appended = app.donate(&campaign, "1000").await.json();
        leaves.push(leaf_hash(appended["leaf"].as_str().unwrap().as_bytes()));
        checkpoints.push(app.checkpoint().await);
    }

    for checkpoint in &checkpoints {
        for (index, leaf) in leaves.iter().enumerate().take(checkpoint.size as usize) {
            let served = app
                .get_json(&format!(
                    "/proof/inclusion?index={index}&size={}",
                    checkpoint.size
                ))
                .await;
            assert_eq!(hash(&served["root"]), checkpoint.root);
            verify_inclusion(
                index as u64,
                checkpoint.size,
                leaf,
                &hashes(&served["proof"]),
                &checkpoint.root,
            )
            .unwrap_or_else(|e| panic!("entry {index} in size {}: {e}", checkpoint.size));
        }
    }
}

#[tokio::test]
async fn every_signed_checkpoint_is_consistent_with_every_later_one() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let mut checkpoints = vec![app.checkpoint().await];
    for _ in 0..9 {
        app.donate(&campaign, "1000").await.seq();
        checkpoints.push(app.checkpoint().await);
    }

    for older in &checkpoints {
        for newer in checkpoints.iter().filter(|c| c.size >= older.size) {
            let served = app
                .get_json(&format!(
                    "/proof/consistency?from={}&to={}",
                    older.size, newer.size
                ))
                .await;
            verify_consistency(
                older.size,
                newer.size,
                &older.root,
                &newer.root,
                &hashes(&served["proof"]),
            )
            .unwrap_or_else(|e| panic!("{} -> {}: {e}", older.size, newer.size));
        }
    }
}

#[tokio::test]
async fn an_inclusion_proof_for_a_size_beyond_the_ledger_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app.get("/proof/inclusion?index=0&size=2").await;

    assert_eq!(response.status(), 400);
    assert_eq!(response.json()["field"], "size");
}

// More idempotency.

#[tokio::test]
async fn an_idempotency_key_reused_for_a_different_request_is_refused() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let first = json!({ "campaign": campaign, "amount": "500000" });
    let different = json!({ "campaign": campaign, "amount": "900000" });
    app.post_with(
        "/donations",
        first.to_string().into_bytes(),
        app.recorder(),
        Some("key-1"),
    )
    .await
    .seq();

    let response = app
        .post_with(
            "/donations",
            different.to_string().into_bytes(),
            app.recorder(),
            Some("key-1"),
        )
        .await;

    assert_refused(
        &app,
        &response,
        422,
        "idempotency_mismatch",
        Some("Idempotency-Key"),
        2,
    )
    .await;
    assert_eq!(
        response.json()["message"],
        "this Idempotency-Key was used for a different request"
    );
}

#[tokio::test]
async fn an_idempotency_key_longer_than_200_characters_is_refused() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let body = json!({ "campaign": campaign, "amount": "500000" });

    let response = app
        .post_with(
            "/donations",
            body.to_string().into_bytes(),
            app.recorder(),
            Some(&"k".repeat(201)),
        )
        .await;

    assert_refused(
        &app,
        &response,
        400,
        "bad_query",
        Some("Idempotency-Key"),
        1,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_retries_with_one_idempotency_key_append_one_entry() {
    let app = std::sync::Arc::new(spawn_app().await);
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let body = json!({ "campaign": campaign, "amount": "500000" })
        .to_string()
        .into_bytes();

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let app = std::sync::Arc::clone(&app);
            let body = body.clone();
            tokio::spawn(async move {
                app.post_with("/donations", body, app.recorder(), Some("same-key"))
                    .await
            })
        })
        .collect();
    let mut responses = Vec::new();
    for task in tasks {
        responses.push(task.await.expect("task finished"));
    }

    let created = responses.iter().filter(|r| r.status() == 201).count();
    let replayed = responses
        .iter()
        .filter(|r| r.status() == 200 && r.json()["replayed"] == true)
        .count();
    assert_eq!((created, replayed), (1, 19));
    assert!(responses.iter().all(|r| r.seq() == 1));
    assert_eq!(app.checkpoint_size().await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_donations_with_one_bank_reference_record_one_gift() {
    let app = std::sync::Arc::new(spawn_app().await);
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let app = std::sync::Arc::clone(&app);
            let campaign = campaign.clone();
            tokio::spawn(async move {
                app.donate_with_reference(&campaign, "500000", "FT-SAME")
                    .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let response = task.await.expect("task finished");
        if response.status() == 409 {
            assert_eq!(response.json()["error"], "duplicate_reference");
        }
        statuses.push(response.status());
    }

    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19);
    assert_eq!(app.checkpoint_size().await, 2);
    assert_eq!(app.campaign_totals("flood-2026").await["donated"], "500000");
}

// More ledger rules.

#[tokio::test]
async fn reversing_a_transfer_and_a_disbursement_restores_both_balances() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    app.donate(&flood, "500000").await.seq();
    let transfer = app.transfer(&flood, &schools, "200000").await.seq();
    let disbursement = app.disburse(&schools, "50000").await.seq();

    app.reverse(disbursement).await.seq();
    app.reverse(transfer).await.seq();

    let flood = app.campaign_totals("flood-2026").await;
    let schools = app.campaign_totals("school-roofs").await;
    assert_eq!(flood["balance"], "500000");
    assert_eq!(flood["transferred_out"], "0");
    assert_eq!(schools["balance"], "0");
    assert_eq!(schools["transferred_in"], "0");
    assert_eq!(schools["disbursed"], "0");
    assert_eq!(schools["disbursements"], 0);
    assert_eq!(schools["reversed"], "250000");
}

#[tokio::test]
async fn reversing_a_donation_that_was_already_spent_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let donation = app.donate(&campaign, "500000").await.seq();
    app.disburse(&campaign, "400000").await.seq();

    let response = app.reverse(donation).await;

    assert_refused(
        &app,
        &response,
        409,
        "insufficient_balance",
        Some("amount"),
        3,
    )
    .await;
}

#[tokio::test]
async fn a_transfer_between_campaigns_in_different_currencies_is_refused() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    app.donate(&flood, "500000").await.seq();

    let response = app.transfer(&flood, &kits, "100000").await;

    assert_refused(
        &app,
        &response,
        422,
        "currency_mismatch",
        Some("currency"),
        3,
    )
    .await;
}

#[tokio::test]
async fn a_donation_naming_another_currency_than_its_campaign_is_refused() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "10", "currency": "USD" }),
            app.recorder(),
        )
        .await;

    assert_refused(
        &app,
        &response,
        422,
        "currency_mismatch",
        Some("currency"),
        1,
    )
    .await;
}

#[tokio::test]
async fn opening_a_campaign_with_an_existing_id_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/campaigns",
            &json!({ "id": "flood-2026", "title": "Again", "purpose": "Again", "currency": "VND" }),
            app.admin(),
        )
        .await;

    assert_refused(&app, &response, 409, "campaign_exists", Some("id"), 1).await;
}

#[tokio::test]
async fn closing_a_campaign_that_does_not_exist_is_not_found() {
    let app = spawn_app().await;

    let response = app
        .post("/campaigns/no-such-campaign/close", &json!({}), app.admin())
        .await;

    assert_refused(&app, &response, 404, "not_found", None, 0).await;
}

#[tokio::test]
async fn a_json_body_without_a_json_content_type_is_refused_with_415() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .client
        .post(format!("{}/api/v1/donations", app.address))
        .bearer_auth(&app.recorder_token)
        .body(json!({ "campaign": campaign, "amount": "1000" }).to_string())
        .send()
        .await
        .expect("request sent");

    assert_eq!(response.status().as_u16(), 415);
    assert_eq!(app.checkpoint_size().await, 1);
}

// Reads.

#[tokio::test]
async fn an_entries_page_beyond_the_end_is_empty_and_a_zero_limit_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let beyond = app.get("/entries?start=5&limit=10").await;
    let zero = app.get("/entries?start=0&limit=0").await;

    assert_eq!(beyond.status(), 200);
    assert_eq!(beyond.text(), "");
    assert_eq!(zero.status(), 400);
    assert_eq!(zero.json()["field"], "limit");
}

#[tokio::test]
async fn a_campaigns_entries_are_listed_newest_first_in_pages() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let other = app.open_campaign("other", "VND").await;
    for _ in 0..3 {
        app.donate(&flood, "1000").await.seq();
        app.donate(&other, "1000").await.seq();
    }

    let first = app.get_json("/campaigns/flood-2026/entries?limit=2").await;
    let before = first["next_before"].as_u64().expect("another page");
    let second = app
        .get_json(&format!(
            "/campaigns/flood-2026/entries?limit=2&before={before}"
        ))
        .await;

    let seqs = |page: &Value| -> Vec<u64> {
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(seqs(&first), vec![6, 4]);
    assert_eq!(seqs(&second), vec![2, 0]);
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_refused_naming_that_field() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "1000").await.seq();

    let negative_seq = app
        .post(
            "/reversals",
            &json!({ "reverses": -1, "reason": "error" }),
            app.recorder(),
        )
        .await;
    let numeric_amount = app
        .post(
            "/donations",
            &json!({ "campaign": campaign, "amount": 5 }),
            app.recorder(),
        )
        .await;
    let unknown_channel = app
        .post(
            "/donations",
            &json!({ "campaign": campaign, "amount": "5", "channel": "pigeon" }),
            app.recorder(),
        )
        .await;
    let missing_reverses = app
        .post("/reversals", &json!({ "reason": "error" }), app.recorder())
        .await;

    assert_refused(
        &app,
        &negative_seq,
        422,
        "invalid_field",
        Some("reverses"),
        2,
    )
    .await;
    assert_refused(
        &app,
        &numeric_amount,
        422,
        "invalid_field",
        Some("amount"),
        2,
    )
    .await;
    assert_refused(
        &app,
        &unknown_channel,
        422,
        "invalid_field",
        Some("channel"),
        2,
    )
    .await;
    assert_refused(
        &app,
        &missing_reverses,
        422,
        "invalid_field",
        Some("reverses"),
        2,
    )
    .await;
}

#[tokio::test]
async fn an_amount_too_large_for_the_ledger_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app.donate(&campaign, "99999999999999999999").await;

    assert_refused(&app, &response, 422, "invalid_field", Some("amount"), 1).await;
}

#[tokio::test]
async fn a_reversal_of_an_entry_that_does_not_exist_yet_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app.reverse(99).await;

    assert_refused(&app, &response, 422, "unknown_entry", Some("reverses"), 1).await;
}

#[tokio::test]
async fn an_unknown_api_path_answers_the_json_error_body_not_the_pages_404() {
    let app = spawn_app().await;

    let answer = app.get("/no-such-route/at/all").await;

    assert_eq!(answer.status(), 404);
    assert_eq!(answer.json()["error"], "not_found");
    assert_eq!(answer.json()["message"], "no such API route");
}
