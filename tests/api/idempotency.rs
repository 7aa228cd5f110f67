//! Idempotency keys: a retry with the same `Idempotency-Key` returns the original entry once,
//! also when twenty arrive at once; a key too long is refused; and a key replays only a true
//! retry: the same key with anything else the caller sent changed (the donor's personal data
//! included) is refused with 422 and appends nothing, so a second caller never receives the
//! first donor's receipt salt, and an erasure leaves nothing a retry could confirm.

use crate::assert_refused;
use crate::helpers::app::{spawn_app, TestApp, TestResponse};
use serde_json::{json, Value};

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

const KEY: &str = "donation-2026-11-02-0042";

/// A donation of 500000 VND in `campaign` with `private` as `donor_private`, not published.
fn private_gift(campaign: &str, private: Value) -> Value {
    json!({
        "campaign": campaign, "amount": "500000", "reference": "VCB-0042",
        "donor_private": private, "publish_name": false,
    })
}

async fn post_keyed(app: &TestApp, body: &Value) -> TestResponse {
    app.post_with(
        "/donations",
        body.to_string().into_bytes(),
        app.recorder(),
        Some(KEY),
    )
    .await
}

/// Asserts `response` is the 422 of a reused key, and nothing was appended.
async fn assert_mismatch(app: &TestApp, response: &TestResponse, size_before: u64) {
    assert_eq!(response.status(), 422, "{}", response.text());
    let body = response.json();
    assert_eq!(body["error"], "idempotency_mismatch", "{body}");
    assert_eq!(
        body["message"],
        "this Idempotency-Key was used for a different request"
    );
    assert!(body.get("receipt").is_none(), "{body}");
    assert_eq!(app.checkpoint_size().await, size_before);
}

#[tokio::test]
async fn a_key_reused_for_another_donor_with_the_same_public_body_is_refused_without_the_first_salt(
) {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let first = post_keyed(
        &app,
        &private_gift(&campaign, json!({ "email": "binh@example.vn" })),
    )
    .await;
    assert_eq!(first.status(), 201, "{}", first.text());
    let first_salt = first.json()["receipt"]["salt"]
        .as_str()
        .expect("salt")
        .to_string();

    let other_donor = post_keyed(
        &app,
        &private_gift(&campaign, json!({ "email": "an@example.vn" })),
    )
    .await;
    let other_name = post_keyed(
        &app,
        &private_gift(
            &campaign,
            json!({ "email": "binh@example.vn", "name": "Trần Văn Bình" }),
        ),
    )
    .await;
    let no_personal_data = post_keyed(
        &app,
        &json!({ "campaign": campaign, "amount": "500000", "reference": "VCB-0042" }),
    )
    .await;

    for refused in [&other_donor, &other_name, &no_personal_data] {
        assert_mismatch(&app, refused, 2).await;
        assert!(!refused.text().contains(&first_salt), "{}", refused.text());
    }
}

#[tokio::test]
async fn a_key_reused_with_another_amount_or_consent_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let gift = private_gift(&campaign, json!({ "name": "Lan", "phone": "0912345678" }));
    post_keyed(&app, &gift).await.seq();
    let mut other_amount = gift.clone();
    other_amount["amount"] = json!("900000");
    let mut published = gift.clone();
    published["publish_name"] = json!(true);

    let refused_amount = post_keyed(&app, &other_amount).await;
    let refused_consent = post_keyed(&app, &published).await;

    assert_mismatch(&app, &refused_amount, 2).await;
    assert_mismatch(&app, &refused_consent, 2).await;
}

#[tokio::test]
async fn a_true_retry_with_personal_data_replays_the_original_donation_and_its_salt() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let gift = private_gift(&campaign, json!({ "email": "binh@example.vn" }));
    let first = post_keyed(&app, &gift).await;
    assert_eq!(first.status(), 201, "{}", first.text());

    let retry = post_keyed(&app, &gift).await;

    assert_eq!(retry.status(), 200, "{}", retry.text());
    let (first, retry) = (first.json(), retry.json());
    assert_eq!(retry["replayed"], true);
    assert_eq!(retry["seq"], first["seq"]);
    assert_eq!(retry["leaf"], first["leaf"]);
    assert_eq!(retry["receipt"]["salt"], first["receipt"]["salt"]);
    assert_eq!(app.checkpoint_size().await, 2);
}

#[tokio::test]
async fn after_an_erasure_a_retry_with_the_donations_key_is_refused_and_confirms_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let gift = private_gift(&campaign, json!({ "email": "binh@example.vn" }));
    let seq = post_keyed(&app, &gift).await.seq();
    let erased = app
        .client
        .delete(format!("{}/api/v1/donors/{seq}", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("sent");
    assert_eq!(erased.status().as_u16(), 204);

    let guessed_right = post_keyed(&app, &gift).await;

    assert_mismatch(&app, &guessed_right, 2).await;
}
