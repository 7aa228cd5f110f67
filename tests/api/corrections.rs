//! `POST /corrections`: a donation's reversal and its corrected version, appended together
//! in one group commit or not at all, keeping the bank reference; retried safely with an
//! `Idempotency-Key`.

use crate::helpers::app::{spawn_app, TestApp};
use serde_json::{json, Value};

/// Records a donation of `amount` with `reference` in `campaign`; returns its seq.
async fn gift(app: &TestApp, campaign: &str, amount: &str, reference: &str) -> u64 {
    app.donate_with_reference(campaign, amount, reference)
        .await
        .seq()
}

/// The body of a correction of `seq` into a donation of `amount` to `campaign` with
/// `reference`.
fn correction(seq: u64, campaign: &str, amount: &str, reference: &str) -> Value {
    json!({
        "reverses": seq, "reason": "error", "note": "amount typed wrong",
        "donation": {"campaign": campaign, "amount": amount, "reference": reference},
    })
}

#[tokio::test]
async fn a_correction_reverses_and_re_records_at_consecutive_seqs_keeping_the_reference() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let seq = gift(&app, &flood, "200000", "FT26305000123").await;

    let response = app
        .post(
            "/corrections",
            &correction(seq, &flood, "250000", "FT26305000123"),
            app.recorder(),
        )
        .await;

    assert_eq!(response.status(), 201, "{}", response.text());
    let answer = response.json();
    let reversal = answer["reversal"]["seq"].as_u64().expect("reversal seq");
    let donation = answer["donation"]["seq"].as_u64().expect("donation seq");
    assert_eq!((reversal, donation), (seq + 1, seq + 2));
    assert_eq!(
        answer["reversal"]["checkpoint"],
        answer["donation"]["checkpoint"]
    );
    assert_eq!(answer["reversal"]["entry"]["body"]["reverses"], seq);
    assert_eq!(answer["donation"]["entry"]["body"]["amount"], "250000");
    assert!(
        answer["donation"]["receipt"]["code"].is_string(),
        "{answer}"
    );
    let found = app.get_json("/search?q=FT26305000123").await;
    let marks: Vec<(u64, Value)> = found["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| (r["seq"].as_u64().unwrap(), r["reversed_by"].clone()))
        .collect();
    assert_eq!(
        marks,
        vec![
            (
                seq,
                json!({"seq": reversal, "reason": "error", "note": "amount typed wrong"})
            ),
            (donation, Value::Null)
        ]
    );
    assert_eq!(app.campaign_totals(&flood).await["donated"], "250000");
}

#[tokio::test]
async fn a_corrected_donation_the_ledger_refuses_leaves_no_reversal_behind() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let closed = app.open_campaign("closed-2025", "VND").await;
    app.close_campaign(&closed).await;
    let seq = gift(&app, &flood, "200000", "FT1").await;
    let size = app.checkpoint_size().await;

    let response = app
        .post(
            "/corrections",
            &correction(seq, &closed, "250000", "FT1"),
            app.recorder(),
        )
        .await;

    assert_eq!(response.status(), 409, "{}", response.text());
    assert_eq!(response.json()["field"], "donation.campaign");
    assert_eq!(app.checkpoint_size().await, size);
    // Nothing of the refused group stayed in the sequencer's head either.
    assert_eq!(app.reverse(seq).await.status(), 201);
}

#[tokio::test]
async fn a_bad_field_of_the_corrected_donation_is_named_inside_donation() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let seq = gift(&app, &flood, "200000", "FT1").await;
    let size = app.checkpoint_size().await;

    let response = app
        .post(
            "/corrections",
            &correction(seq, &flood, "200.000", "FT1"),
            app.recorder(),
        )
        .await;

    assert_eq!(response.status(), 422, "{}", response.text());
    assert_eq!(response.json()["field"], "donation.amount");
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn a_retried_correction_with_the_same_key_answers_the_same_two_entries() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let seq = gift(&app, &flood, "200000", "FT1").await;
    let body = correction(seq, &flood, "250000", "FT1")
        .to_string()
        .into_bytes();

    let first = app
        .post_with("/corrections", body.clone(), app.recorder(), Some("fix-1"))
        .await;
    let size = app.checkpoint_size().await;
    let again = app
        .post_with("/corrections", body, app.recorder(), Some("fix-1"))
        .await;

    assert_eq!(first.status(), 201, "{}", first.text());
    assert_eq!(again.status(), 200, "{}", again.text());
    let (first, again) = (first.json(), again.json());
    assert_eq!(again["reversal"]["seq"], first["reversal"]["seq"]);
    assert_eq!(again["donation"]["seq"], first["donation"]["seq"]);
    assert_eq!(again["donation"]["replayed"], true);
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn only_a_donation_can_be_corrected_and_only_by_staff() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    gift(&app, &flood, "500000", "FT1").await;
    let paid = app.disburse(&flood, "100000").await.seq();
    let size = app.checkpoint_size().await;

    let disbursement = app
        .post(
            "/corrections",
            &correction(paid, &flood, "100000", "FT2"),
            app.recorder(),
        )
        .await;
    let anonymous = app
        .post(
            "/corrections",
            &correction(0, &flood, "100000", "FT2"),
            None,
        )
        .await;

    assert_eq!(disbursement.status(), 422, "{}", disbursement.text());
    assert_eq!(disbursement.json()["field"], "reverses");
    assert_eq!(anonymous.status(), 401);
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn outside_a_correction_a_reversed_gifts_reference_is_still_a_duplicate() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let seq = gift(&app, &flood, "200000", "FT1").await;
    app.reverse(seq).await.seq();

    let again = app.donate_with_reference(&flood, "200000", "FT1").await;

    assert_eq!(again.status(), 409, "{}", again.text());
    assert_eq!(again.json()["error"], "duplicate_reference");
}
