//! A proposal sent again with its `Idempotency-Key` (a retry after a lost answer) is the
//! same proposal: never a second one that two approvers could turn into a second payment.

use crate::api::{app_with_rule, get_as, recorder};
use crate::helpers::app::{TestApp, TestResponse};
use serde_json::{json, Value};

fn proposal(amount: &str) -> Vec<u8> {
    json!({ "disbursement": {
        "campaign": "water", "amount": amount,
        "recipient": "Hợp tác xã Quảng Ninh", "purpose": "Bồn nước",
    }})
    .to_string()
    .into_bytes()
}

async fn send(app: &TestApp, amount: &str, token: &str, key: &str) -> TestResponse {
    app.post_with("/proposals", proposal(amount), Some(token), Some(key))
        .await
}

async fn pending(app: &TestApp, token: &str) -> Vec<Value> {
    get_as(app, "/proposals?status=pending", token)
        .await
        .as_array()
        .expect("a list")
        .clone()
}

#[tokio::test]
async fn a_proposal_sent_twice_with_one_idempotency_key_is_stored_once_and_answered_twice() {
    let app = app_with_rule().await;
    let (lan, _) = recorder(&app, "Lan").await;

    let first = send(&app, "5000000", &lan, "pay-tanks-1").await;
    let again = send(&app, "5000000", &lan, "pay-tanks-1").await;

    assert_eq!(first.status(), 201, "{}", first.text());
    assert_eq!(again.status(), 200, "{}", again.text());
    assert_eq!(first.json()["id"], again.json()["id"]);
    assert_eq!(pending(&app, &lan).await.len(), 1);
}

#[tokio::test]
async fn two_sends_of_one_proposal_at_once_store_one_proposal() {
    let app = app_with_rule().await;
    let (lan, _) = recorder(&app, "Lan").await;

    let (a, b) = tokio::join!(
        send(&app, "5000000", &lan, "pay-tanks-2"),
        send(&app, "5000000", &lan, "pay-tanks-2")
    );

    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201], "{} {}", a.text(), b.text());
    assert_eq!(a.json()["id"], b.json()["id"]);
    assert_eq!(pending(&app, &lan).await.len(), 1);
}

#[tokio::test]
async fn a_key_used_for_another_proposal_is_refused_naming_the_header_and_stores_nothing() {
    let app = app_with_rule().await;
    let (lan, _) = recorder(&app, "Lan").await;
    let (mai, _) = recorder(&app, "Mai").await;
    assert_eq!(
        send(&app, "5000000", &lan, "pay-tanks-3").await.status(),
        201
    );

    let other_amount = send(&app, "6000000", &lan, "pay-tanks-3").await;
    let other_proposer = send(&app, "5000000", &mai, "pay-tanks-3").await;

    for refused in [&other_amount, &other_proposer] {
        assert_eq!(refused.status(), 422, "{}", refused.text());
        assert_eq!(refused.json()["error"], "idempotency_mismatch");
        assert_eq!(refused.json()["field"], "Idempotency-Key");
    }
    assert_eq!(pending(&app, &lan).await.len(), 1);
}

#[tokio::test]
async fn proposals_sent_without_a_key_are_each_stored() {
    let app = app_with_rule().await;
    let (lan, _) = recorder(&app, "Lan").await;

    for _ in 0..2 {
        let r = app
            .post_with("/proposals", proposal("5000000"), Some(&lan), None)
            .await;
        assert_eq!(r.status(), 201, "{}", r.text());
    }

    assert_eq!(pending(&app, &lan).await.len(), 2);
}

#[tokio::test]
async fn on_postgresql_a_proposal_sent_twice_with_one_key_is_stored_once() {
    let Some(cluster) = crate::helpers::postgres::Cluster::start("proposal_keys_on_postgres")
    else {
        return;
    };
    let url = cluster.new_database().await;
    let app = crate::helpers::app::spawn_app_on_database(&url).await;
    app.open_campaign("water", "VND").await;
    assert_eq!(app.donate("water", "10000000").await.status(), 201);
    let rule = crate::api::declare(
        &app,
        json!({ "campaign": "water", "approvers": 2, "threshold": "1000000" }),
    )
    .await;
    assert_eq!(rule.status(), 201, "{}", rule.text());
    let (lan, _) = recorder(&app, "Lan").await;

    let (a, b) = tokio::join!(
        send(&app, "5000000", &lan, "pay-tanks-pg"),
        send(&app, "5000000", &lan, "pay-tanks-pg")
    );
    let again = send(&app, "5000000", &lan, "pay-tanks-pg").await;

    assert_eq!(a.json()["id"], b.json()["id"], "{} {}", a.text(), b.text());
    assert_eq!(again.status(), 200, "{}", again.text());
    assert_eq!(pending(&app, &lan).await.len(), 1);
}
