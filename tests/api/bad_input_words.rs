//! What the API refuses and how it says so: amounts written with thousands separators, text
//! that could disguise itself, impossible dates, and JSON of the wrong shape. Every refusal
//! names the request field, says in plain words what is accepted, and appends nothing.

use crate::helpers::app::spawn_app;
use crate::refused;
use serde_json::{json, Value};

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

// JSON of the wrong shape: the request field and what it accepts, in plain words.

#[tokio::test]
async fn an_amount_sent_as_a_json_number_is_refused_asking_for_text_in_quotes() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": 200000 }),
            app.recorder(),
        )
        .await;

    let message = refused(&app, &response, 422, "invalid_field", Some("amount"), 1).await;
    assert_eq!(
        message,
        "amount must be text such as \"250000\" (in quotes), not a number"
    );
}

#[tokio::test]
async fn an_unknown_channel_is_refused_listing_every_channel() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "1000", "channel": "bank" }),
            app.recorder(),
        )
        .await;

    let message = refused(&app, &response, 422, "invalid_field", Some("channel"), 1).await;
    assert_eq!(
        message,
        "channel must be one of: bank_transfer, cash, card, mobile_money, in_kind, other (not \"bank\")"
    );
}

#[tokio::test]
async fn an_unknown_field_is_refused_listing_the_fields_the_request_accepts() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/transfers",
            &json!({ "from": flood, "to": "x", "amount": "1000", "reason": "r", "foo": 1 }),
            app.recorder(),
        )
        .await;

    let message = refused(&app, &response, 422, "invalid_field", Some("foo"), 1).await;
    assert_eq!(
        message,
        "unknown field \"foo\": this request accepts from, to, amount, currency, reason, reference"
    );
}

#[tokio::test]
async fn a_missing_field_is_named_as_required() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let no_amount = app
        .post("/donations", &json!({ "campaign": flood }), app.recorder())
        .await;
    let no_hash = app
        .post(
            "/disbursements",
            &json!({
                "campaign": flood, "amount": "1000", "recipient": "Commune", "purpose": "Water",
                "evidence": [{ "size": 10, "media_type": "application/pdf" }],
            }),
            app.recorder(),
        )
        .await;

    let message = refused(&app, &no_amount, 422, "invalid_field", Some("amount"), 1).await;
    assert_eq!(message, "amount is required");
    let message = refused(
        &app,
        &no_hash,
        422,
        "invalid_field",
        Some("evidence[0].sha256"),
        1,
    )
    .await;
    assert_eq!(message, "evidence[0].sha256 is required");
}

#[tokio::test]
async fn an_in_kind_gift_without_its_description_names_the_request_field() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let undescribed = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "1000", "channel": "in_kind" }),
            app.recorder(),
        )
        .await;
    let blank = app
        .post(
            "/donations",
            &json!({
                "campaign": flood, "amount": "1000", "channel": "in_kind",
                "in_kind_description": "  ",
            }),
            app.recorder(),
        )
        .await;
    let not_goods = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "1000", "in_kind_description": "rice" }),
            app.recorder(),
        )
        .await;

    for response in [&undescribed, &blank, &not_goods] {
        let message = refused(
            &app,
            response,
            422,
            "invalid_field",
            Some("in_kind_description"),
            1,
        )
        .await;
        assert!(message.starts_with("in_kind_description"), "{message}");
        assert!(!message.contains("in_kind."), "{message}");
    }
}

#[tokio::test]
async fn malformed_json_is_refused_in_words_that_say_where() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post_with(
            "/donations",
            format!(r#"{{"campaign": "{flood}", "amount": "1000",}}"#).into_bytes(),
            app.recorder(),
            None,
        )
        .await;

    let message = refused(&app, &response, 400, "malformed_json", None, 1).await;
    assert!(
        message.starts_with("the request body is not valid JSON: check the quotes, commas and braces near line 1, column"),
        "{message}"
    );
}

#[tokio::test]
async fn a_closing_note_of_the_wrong_shape_is_refused_in_the_same_words() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            &format!("/campaigns/{flood}/close"),
            &json!({ "notes": "done" }),
            app.admin(),
        )
        .await;

    let message = refused(&app, &response, 422, "invalid_field", Some("notes"), 1).await;
    assert_eq!(
        message,
        "unknown field \"notes\": this request accepts note"
    );
}

// Text that disguises itself, and impossible days: append-time rules (SPEC.md §2.5).

#[tokio::test]
async fn a_donor_name_with_a_direction_override_is_refused_naming_the_character() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "1000", "donor": "Lan\u{202E}gnp.exe" }),
            app.recorder(),
        )
        .await;

    let message = refused(&app, &response, 422, "invalid_field", Some("donor"), 1).await;
    assert!(
        message.starts_with("donor: contains U+202E, which is an invisible direction control"),
        "{message}"
    );
}

#[tokio::test]
async fn noncharacters_and_isolates_are_refused_in_every_text_field_of_a_new_entry() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    app.donate(&flood, "500000").await.seq();
    let cases = [
        (
            "/campaigns",
            json!({ "id": "x", "title": "Flood\u{FDD0}", "purpose": "p", "currency": "VND" }),
            "title",
        ),
        (
            "/campaigns",
            json!({
                "id": "y", "title": "t", "purpose": "p", "currency": "VND",
                "accounts": [{ "bank": "BIDV", "number": "1\u{2066}2", "holder": "Quỹ" }],
            }),
            "accounts.number",
        ),
        (
            "/disbursements",
            json!({
                "campaign": flood, "amount": "1000", "recipient": "Công ty\u{FFFE}",
                "purpose": "Rice",
            }),
            "recipient",
        ),
        (
            "/donations",
            json!({ "campaign": flood, "amount": "1000", "memo": "thanks\u{FFFF}" }),
            "memo",
        ),
        (
            "/transfers",
            json!({ "from": flood, "to": schools, "amount": "1000", "reason": "r\u{2069}" }),
            "reason",
        ),
        (
            "/reversals",
            json!({ "reverses": 2, "reason": "error", "note": "\u{202B}typo" }),
            "note",
        ),
    ];

    for (path, body, field) in cases {
        let response = app.post(path, &body, app.admin()).await;

        let message = refused(&app, &response, 422, "invalid_field", Some(field), 3).await;
        assert!(message.contains("contains U+"), "{path} {message}");
    }
}

#[tokio::test]
async fn a_received_day_before_1900_or_after_tomorrow_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();

    for day in ["0000-01-01", "1899-12-31", "9999-12-31"] {
        let response = app
            .post(
                "/donations",
                &json!({ "campaign": flood, "amount": "1000", "received_at": day }),
                app.recorder(),
            )
            .await;

        let message = refused(
            &app,
            &response,
            422,
            "invalid_field",
            Some("received_at"),
            1,
        )
        .await;
        assert!(
            message.starts_with("received_at: must be a day from 1900-01-01 to "),
            "{message}"
        );
        assert!(message.ends_with(&format!("not {day}")), "{message}");
    }
    let first = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "1000", "received_at": "1900-01-01" }),
            app.recorder(),
        )
        .await;
    assert_eq!(first.status(), 201, "{}", first.text());
    let next = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "1000", "received_at": tomorrow }),
            app.recorder(),
        )
        .await;
    assert_eq!(next.status(), 201, "{}", next.text());
}

#[tokio::test]
async fn a_paid_day_in_the_far_future_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    app.donate(&flood, "500000").await.seq();

    let response = app
        .post(
            "/disbursements",
            &json!({
                "campaign": flood, "amount": "1000", "recipient": "Commune",
                "purpose": "Water", "paid_at": "9999-12-31",
            }),
            app.recorder(),
        )
        .await;

    refused(&app, &response, 422, "invalid_field", Some("paid_at"), 2).await;
}

#[tokio::test]
async fn a_campaign_that_ends_before_it_opens_is_refused() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/campaigns",
            &json!({
                "id": "flood-2026", "title": "Flood", "purpose": "Water",
                "currency": "VND", "ends_on": "2020-01-01",
            }),
            app.admin(),
        )
        .await;

    let message = refused(&app, &response, 422, "invalid_field", Some("ends_on"), 0).await;
    assert!(
        message.starts_with("ends_on: 2020-01-01 is before the campaign opens ("),
        "{message}"
    );
}
