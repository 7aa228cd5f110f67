//! Authentication and roles on the append routes: no token, an unknown or revoked token, and
//! what a recorder and an admin may do.

use crate::assert_refused;
use crate::helpers::app::spawn_app;
use serde_json::json;

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
