//! Webhooks are delivered independently (SPEC.md §20.3): a receiver that accepts a request
//! and never answers holds up only its own webhook. The others keep getting their entries in
//! ledger order while it waits out the delivery timeout, and the hung one is logged and
//! retried as usual. Removing a webhook abandons its delivery in flight.

use crate::helpers::app::{spawn_app, TestApp};
use axum::body::Bytes;
use axum::http::StatusCode;
use fundtrail::webhooks::DELIVERY_TIMEOUT;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Counts the requests a hanging receiver got and the ones the sender gave up on.
#[derive(Default)]
struct Hung {
    requests: AtomicUsize,
    abandoned: AtomicUsize,
}

/// Marks its request abandoned when the server drops the handler (the client went away).
struct Abandoned(Arc<Hung>);

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.abandoned.fetch_add(1, Ordering::SeqCst);
    }
}

/// Serves `app` on a loopback port; returns its `/hook` address.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}/hook", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// A receiver that accepts every request and never answers it.
async fn hanging_receiver() -> (String, Arc<Hung>) {
    let hung = Arc::new(Hung::default());
    let seen = Arc::clone(&hung);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let seen = Arc::clone(&seen);
            async move {
                seen.requests.fetch_add(1, Ordering::SeqCst);
                let _guard = Abandoned(seen);
                std::future::pending::<StatusCode>().await
            }
        }),
    );
    (serve(app).await, hung)
}

/// A receiver that acknowledges every request; returns the `seq` of each event it got.
async fn answering_receiver() -> (String, Arc<Mutex<Vec<u64>>>) {
    let got: Arc<Mutex<Vec<u64>>> = Arc::default();
    let seen = Arc::clone(&got);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: Bytes| {
            let seen = Arc::clone(&seen);
            async move {
                let event: Value = serde_json::from_slice(&body).expect("JSON");
                let seq = event["seq"].as_u64().expect("seq");
                seen.lock().expect("lock").push(seq);
                StatusCode::OK
            }
        }),
    );
    (serve(app).await, got)
}

/// Registers a webhook to `url` on `app`; returns its id.
async fn register(app: &TestApp, url: &str) -> i64 {
    let made = app
        .post("/webhooks", &json!({ "url": url }), app.admin())
        .await;
    assert_eq!(made.status(), 201, "{}", made.text());
    made.json()["id"].as_i64().expect("id")
}

/// Waits at most `limit` until `check` holds; whether it did.
async fn within(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check()
}

/// The delivery log of webhook `id`, newest first.
async fn deliveries(app: &TestApp, id: i64) -> Vec<Value> {
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
    log["deliveries"].as_array().expect("deliveries").clone()
}

/// Less than the delivery timeout: what a webhook may wait while another one hangs.
fn well_before_the_timeout() -> Duration {
    DELIVERY_TIMEOUT - Duration::from_secs(3)
}

#[tokio::test]
async fn a_receiver_that_never_answers_does_not_hold_up_another_webhooks_deliveries() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let (hung_url, hung) = hanging_receiver().await;
    let (good_url, got) = answering_receiver().await;
    let hung_id = register(&app, &hung_url).await;
    register(&app, &good_url).await;
    let mut seqs = Vec::new();
    for amount in ["100000", "200000", "300000"] {
        let gift = app.donate("flood-2026", amount).await;
        assert_eq!(gift.status(), 201, "{}", gift.text());
        seqs.push(gift.seq());
    }

    let all_delivered = within(well_before_the_timeout(), || {
        got.lock().expect("lock").len() >= seqs.len()
    })
    .await;

    assert!(
        all_delivered,
        "the answering receiver got only {:?} of {seqs:?} while the other one hung",
        got.lock().expect("lock")
    );
    assert_eq!(
        *got.lock().expect("lock"),
        seqs,
        "in ledger order, once each"
    );
    assert_eq!(
        hung.requests.load(Ordering::SeqCst),
        1,
        "one delivery of a webhook at a time: the hung one is still waiting"
    );
    let retried = within(DELIVERY_TIMEOUT * 2, || {
        hung.requests.load(Ordering::SeqCst) >= 2
    })
    .await;
    assert!(retried, "the hung webhook is retried after its timeout");
    let log = deliveries(&app, hung_id).await;
    let first = log.last().expect("the first attempt is logged");
    assert_eq!(first["seq"], seqs[0]);
    assert_eq!(first["attempt"], 1);
    assert_eq!(first["delivered"], false);
    assert!(first["error"].is_string(), "{first}");
}

#[tokio::test]
async fn removing_a_webhook_abandons_its_delivery_in_flight_without_waiting_for_the_timeout() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let (hung_url, hung) = hanging_receiver().await;
    let id = register(&app, &hung_url).await;
    let gift = app.donate("flood-2026", "100000").await;
    assert_eq!(gift.status(), 201, "{}", gift.text());
    let sent = within(well_before_the_timeout(), || {
        hung.requests.load(Ordering::SeqCst) == 1
    })
    .await;
    assert!(sent, "the entry was sent");

    let removed = app
        .client
        .delete(format!("{}/api/v1/webhooks/{id}", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("sent");

    assert_eq!(removed.status(), 204);
    let abandoned = within(well_before_the_timeout(), || {
        hung.abandoned.load(Ordering::SeqCst) == 1
    })
    .await;
    assert!(abandoned, "the delivery in flight is dropped once removed");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        hung.requests.load(Ordering::SeqCst),
        1,
        "a removed webhook is sent nothing more"
    );
}
