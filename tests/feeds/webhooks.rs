//! Outgoing webhooks (SPEC.md §20.3): a loopback receiver that fails the first delivery and
//! accepts the second; the event is signed with HMAC-SHA256 over `<t>.<body>`, retried in
//! the background (the append answered at once), and both attempts are in the admin's log.

use crate::helpers::app::{spawn_app, spawn_app_on_database, TestApp};
use crate::helpers::postgres;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the receiver got: each request's headers and body.
type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A receiver on a loopback port answering 500 to its first request and 200 after.
async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let seen = Arc::clone(&got);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let seen = Arc::clone(&seen);
            async move {
                let mut all = seen.lock().expect("lock");
                all.push((headers, body));
                if all.len() == 1 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}/hook", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, got)
}

/// HMAC-SHA256 of `<t>.<body>` with `secret`, hex: what the receiver recomputes.
fn expected_signature(secret: &str, header: &str, body: &[u8]) -> (String, String) {
    let t = header
        .split(',')
        .find_map(|p| p.strip_prefix("t="))
        .expect("t=")
        .to_string();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(body);
    let tag = hex::encode(ring::hmac::sign(&key, &signed).as_ref());
    (t, tag)
}

/// Waits (at most 30 s) until `check` holds.
async fn until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..300 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within 30 s");
}

#[tokio::test]
async fn a_failed_delivery_is_retried_and_both_carry_a_valid_hmac_signature_and_are_logged() {
    retried_and_signed(&spawn_app().await).await;
}

#[tokio::test]
async fn webhooks_are_delivered_and_logged_on_postgresql_too() {
    let Some(cluster) = postgres::Cluster::start("webhooks_on_postgresql") else {
        return;
    };
    let url = cluster.new_database().await;
    retried_and_signed(&spawn_app_on_database(&url).await).await;
}

/// Registers a webhook on `app`, records a gift, and checks both deliveries and the log.
async fn retried_and_signed(app: &TestApp) {
    app.open_campaign("flood-2026", "VND").await;
    let (url, got) = receiver().await;
    let secret = "a shared secret of the staff system";
    let made = app
        .post(
            "/webhooks",
            &json!({"url": url, "secret": secret}),
            app.admin(),
        )
        .await;
    assert_eq!(made.status(), 201, "{}", made.text());
    let id = made.json()["id"].as_i64().expect("id");

    let gift = app.donate("flood-2026", "250000").await;

    assert_eq!(
        gift.status(),
        201,
        "the append does not wait for the receiver"
    );
    let seq = gift.seq();
    until("two deliveries", || got.lock().expect("lock").len() >= 2).await;
    let received = got.lock().expect("lock").clone();
    assert_eq!(
        received[0].1, received[1].1,
        "the retry sends the same event"
    );
    for (headers, body) in &received {
        let header = headers["fundtrail-signature"].to_str().expect("ASCII");
        let (t, tag) = expected_signature(secret, header, body);
        assert_eq!(header, format!("t={t},v1={tag}"));
        let wrong = expected_signature("another secret entirely", header, body).1;
        assert_ne!(tag, wrong);
    }
    let event: Value = serde_json::from_slice(&received[0].1).expect("JSON");
    assert_eq!(event["seq"], seq);
    assert_eq!(event["kind"], "donation");
    assert_eq!(event["campaign"], "flood-2026");
    let leaf_hash = fundtrail::ledger::leaf_hash(event["leaf"].as_str().expect("leaf").as_bytes());
    assert_eq!(
        event["id"],
        format!("urn:fundtrail:leaf:{}", leaf_hash.to_hex())
    );
    assert_eq!(
        received[0].0["fundtrail-event"],
        event["id"].as_str().expect("id")
    );

    let log = app
        .client
        .get(format!("{}/api/v1/webhooks/{id}/deliveries", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("sent")
        .json::<Value>()
        .await
        .expect("JSON");
    let attempts = log["deliveries"].as_array().expect("deliveries");
    assert_eq!(attempts.len(), 2, "{log}");
    assert_eq!(attempts[1]["attempt"], 1);
    assert_eq!(attempts[1]["status"], 500);
    assert_eq!(attempts[1]["delivered"], false);
    assert_eq!(attempts[0]["attempt"], 2);
    assert_eq!(attempts[0]["delivered"], true);
}

#[tokio::test]
async fn webhooks_are_admin_only_and_never_show_their_secret_again() {
    let app = spawn_app().await;
    let body = json!({"url": "http://127.0.0.1:9/hook"});

    let as_recorder = app.post("/webhooks", &body, app.recorder()).await;
    let made = app.post("/webhooks", &body, app.admin()).await;

    assert_eq!(as_recorder.status(), 403);
    assert_eq!(made.status(), 201);
    let secret = made.json()["secret"]
        .as_str()
        .expect("a secret made")
        .to_string();
    assert_eq!(secret.len(), 64);
    let list = app
        .client
        .get(format!("{}/api/v1/webhooks", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(!list.contains(&secret), "{list}");
}

#[tokio::test]
async fn a_webhook_address_that_is_not_http_is_refused_naming_the_url() {
    let app = spawn_app().await;

    let r = app
        .post(
            "/webhooks",
            &json!({"url": "file:///etc/passwd"}),
            app.admin(),
        )
        .await;

    assert_eq!(r.status(), 422, "{}", r.text());
    assert_eq!(r.json()["field"], "url");
}
