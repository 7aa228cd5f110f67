//! Pledges through the HTTP API: recorded, fulfilled by donations naming them, cancelled
//! with a reason, read back as pledged / received / outstanding / cancelled; an
//! over-fulfilment and a gift after cancellation refused in words, appending nothing.

use crate::helpers::app::{spawn_app, TestApp, TestResponse};
use serde_json::json;

async fn pledge(app: &TestApp, amount: &str, donor: &str) -> u64 {
    app.post(
        "/pledges",
        &json!({"campaign": "flood-2026", "amount": amount, "donor": donor, "expected_on": "2026-12-15"}),
        app.recorder(),
    )
    .await
    .seq()
}

async fn give(app: &TestApp, amount: &str, pledge: u64) -> TestResponse {
    app.post(
        "/donations",
        &json!({"campaign": "flood-2026", "amount": amount, "donor": "Công ty Hòa Bình", "pledge": pledge}),
        app.recorder(),
    )
    .await
}

async fn cancel(app: &TestApp, pledge: u64) -> TestResponse {
    app.post(
        &format!("/pledges/{pledge}/cancel"),
        &json!({"reason": "The company withdrew its offer"}),
        app.recorder(),
    )
    .await
}

#[tokio::test]
async fn a_pledge_partly_fulfilled_and_one_cancelled_add_up_to_what_was_pledged() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let kept = pledge(&app, "10000000", "Công ty Hòa Bình").await;
    let withdrawn = pledge(&app, "3000000", "Hội Phụ nữ xã").await;

    give(&app, "4000000", kept).await.seq();
    let cancelled = cancel(&app, withdrawn).await.seq();
    let status = app.get_json("/campaigns/flood-2026/pledges").await;

    assert_eq!(status["pledges"], 2);
    assert_eq!(status["pledged"], "13000000");
    assert_eq!(status["received"], "4000000");
    assert_eq!(status["outstanding"], "6000000");
    assert_eq!(status["cancelled"], "3000000");
    assert_eq!(status["list"][0]["seq"], kept);
    assert_eq!(status["list"][0]["expected_on"], "2026-12-15");
    assert_eq!(status["list"][1]["cancelled_by"], cancelled);
    let entry = app.get_json(&format!("/entries/{cancelled}")).await;
    assert_eq!(entry["entry"]["kind"], "pledge.cancel");
    assert_eq!(entry["entry"]["body"]["pledge"], withdrawn);
}

#[tokio::test]
async fn an_over_fulfilment_is_refused_naming_the_amount_and_appends_nothing() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let p = pledge(&app, "10000000", "Công ty Hòa Bình").await;
    give(&app, "4000000", p).await.seq();
    let size = app.checkpoint_size().await;

    let over = give(&app, "6000001", p).await;

    assert_eq!(over.status(), 409, "{}", over.text());
    assert_eq!(over.json()["error"], "pledge_over_fulfilled");
    assert_eq!(over.json()["field"], "amount");
    assert_eq!(
        over.json()["message"],
        format!("pledge {p} promised 10000000 minor units and 4000000 were received; 6000001 more would over-fulfil it")
    );
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn a_cancelled_pledge_takes_no_gift_and_cannot_be_cancelled_twice() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let p = pledge(&app, "3000000", "Hội Phụ nữ xã").await;
    cancel(&app, p).await.seq();

    let late = give(&app, "1000", p).await;
    let again = cancel(&app, p).await;

    assert_eq!(late.status(), 409);
    assert_eq!(late.json()["error"], "pledge_cancelled");
    assert_eq!(late.json()["field"], "pledge");
    assert_eq!(again.json()["error"], "pledge_already_cancelled");
}

#[tokio::test]
async fn a_donation_or_cancellation_naming_what_is_not_a_pledge_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    app.open_campaign("school", "VND").await;
    let other = app
        .post(
            "/pledges",
            &json!({"campaign": "school", "amount": "5000", "donor": "Anonymous"}),
            app.recorder(),
        )
        .await
        .seq();

    let wrong_campaign = give(&app, "1000", other).await;
    let not_pledge = cancel(&app, 0).await;

    assert_eq!(wrong_campaign.status(), 422);
    assert_eq!(wrong_campaign.json()["error"], "not_a_pledge");
    assert_eq!(not_pledge.status(), 422);
    assert_eq!(not_pledge.json()["error"], "not_a_pledge");
}

#[tokio::test]
async fn a_reversed_gift_makes_its_pledge_outstanding_again_after_a_restart() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let p = pledge(&app, "5000", "Anonymous").await;
    let gift = give(&app, "5000", p).await.seq();
    let app = app.stop().await.restart().await;

    app.reverse(gift).await.seq();
    let status = app.get_json("/campaigns/flood-2026/pledges").await;
    let again = give(&app, "5000", p).await;

    assert_eq!(status["received"], "0");
    assert_eq!(status["outstanding"], "5000");
    again.seq();
}
