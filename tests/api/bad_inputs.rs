//! Bad inputs: each refused with its own status, code and field, and nothing appended
//! (`bad_input_words` checks the words of the messages).

use crate::assert_refused;
use crate::helpers::app::spawn_app;
use serde_json::json;

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
async fn an_amount_too_large_for_the_ledger_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app.donate(&campaign, "99999999999999999999").await;

    assert_refused(&app, &response, 422, "invalid_field", Some("amount"), 1).await;
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
