//! What the API refuses and how it says so: amounts written with thousands separators, text
//! that could disguise itself, impossible dates, and JSON of the wrong shape. Every refusal
//! names the request field, says in plain words what is accepted, and appends nothing.

mod common;

use common::{spawn_app, TestApp, TestResponse};
use serde_json::{json, Value};

/// Asserts a refusal with `status`, `code` and `field`, returns its message, and checks the
/// ledger still has `size_before` entries.
async fn refused(
    app: &TestApp,
    response: &TestResponse,
    status: u16,
    code: &str,
    field: Option<&str>,
    size_before: u64,
) -> String {
    assert_eq!(response.status(), status, "{}", response.text());
    let body = response.json();
    assert_eq!(body["error"], code, "{body}");
    assert_eq!(body["field"], json!(field), "{body}");
    assert_eq!(app.checkpoint_size().await, size_before, "{body}");
    body["message"].as_str().expect("a message").to_string()
}

fn campaign_with_goal(id: &str, currency: &str, goal: &str) -> Value {
    json!({
        "id": id, "title": "Flood relief", "purpose": "Water and rice.",
        "currency": currency, "goal": goal,
    })
}

// Amounts: one rule for every amount field (SPEC.md §3.4).

#[tokio::test]
async fn a_dong_amount_written_with_thousands_dots_is_refused_with_the_accepted_form() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app.donate(&flood, "200.000").await;

    let message = refused(&app, &response, 422, "invalid_field", Some("amount"), 1).await;
    assert_eq!(
        message,
        "amount \"200.000\" is not accepted for VND: write 200000 for two hundred thousand dong (no dots, commas or spaces between thousands)"
    );
}

#[tokio::test]
async fn a_campaign_goal_written_with_thousands_dots_is_refused_and_opens_nothing() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/campaigns",
            &campaign_with_goal("flood-2026", "VND", "100.000"),
            app.admin(),
        )
        .await;

    let message = refused(&app, &response, 422, "invalid_field", Some("goal"), 0).await;
    assert!(
        message.starts_with(
            "goal \"100.000\" is not accepted for VND: write 100000 for one hundred thousand dong"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn grouped_and_over_precise_amounts_are_refused_in_every_amount_field() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    app.donate(&flood, "5000000").await.seq();
    app.donate(&kits, "5000").await.seq();

    let disbursed = app.disburse(&flood, "1.000.000").await;
    let moved = app.transfer(&flood, &schools, "200 000").await;
    let dollars = app.donate(&kits, "1,000.50").await;
    let cents = app.donate(&kits, "12.505").await;
    let dong_decimals = app.donate(&flood, "250000.00").await;

    let message = refused(&app, &disbursed, 422, "invalid_field", Some("amount"), 5).await;
    assert!(
        message.contains("write 1000000 for one million dong"),
        "{message}"
    );
    let message = refused(&app, &moved, 422, "invalid_field", Some("amount"), 5).await;
    assert!(message.contains("write 200000"), "{message}");
    let message = refused(&app, &dollars, 422, "invalid_field", Some("amount"), 5).await;
    assert!(
        message.contains("write 1000.50 for one thousand and 50/100 US dollars"),
        "{message}"
    );
    let message = refused(&app, &cents, 422, "invalid_field", Some("amount"), 5).await;
    assert!(
        message.contains("USD takes at most 2 decimals, e.g. 12.50"),
        "{message}"
    );
    let message = refused(
        &app,
        &dong_decimals,
        422,
        "invalid_field",
        Some("amount"),
        5,
    )
    .await;
    assert!(message.contains("VND takes no decimals"), "{message}");
}

#[tokio::test]
async fn plain_amounts_are_recorded_as_the_number_written() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;

    let dong = app.donate(&flood, "200000").await;
    let dollars = app.donate(&kits, "12.5").await;

    assert_eq!(dong.json()["entry"]["body"]["amount"], "200000");
    assert_eq!(dollars.json()["entry"]["body"]["amount"], "1250");
}
