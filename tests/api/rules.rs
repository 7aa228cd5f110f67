//! The ledger rules over HTTP: balances, reversals, closed and unknown campaigns, currencies;
//! each refusal with its own status, code and field, and nothing appended.

use crate::assert_refused;
use crate::helpers::app::spawn_app;
use serde_json::json;

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
async fn a_reversal_of_an_entry_that_does_not_exist_yet_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app.reverse(99).await;

    assert_refused(&app, &response, 422, "unknown_entry", Some("reverses"), 1).await;
}

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
async fn a_donation_to_a_closed_campaign_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.close_campaign(&campaign).await;

    let response = app.donate(&campaign, "500000").await;

    assert_refused(&app, &response, 409, "campaign_closed", Some("campaign"), 2).await;
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
