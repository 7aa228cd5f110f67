//! Stopping and restarting a server: acknowledged appends survive, and what the ledger
//! remembers (idempotency keys, reversals, closed campaigns) holds across a restart.

use crate::helpers::app::spawn_app;
use crate::helpers::binary::verify_data;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_append_acknowledged_before_a_graceful_stop_is_in_the_stopped_ledger() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let url = format!("{}/api/v1/donations", app.address);
    let (first_ack, mut first_ack_seen) = tokio::sync::mpsc::channel::<()>(100);
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let (client, url, token) =
                (app.client.clone(), url.clone(), app.recorder_token.clone());
            let body =
                json!({ "campaign": campaign, "amount": "1000", "reference": format!("FT-{i}") });
            let first_ack = first_ack.clone();
            tokio::spawn(async move {
                let response = client
                    .post(&url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status() == 201 => {
                        let body: serde_json::Value = r.json().await.ok()?;
                        let _ = first_ack.try_send(());
                        Some((body["seq"].as_u64()?, body["leaf"].as_str()?.to_string()))
                    }
                    _ => None,
                }
            })
        })
        .collect();
    drop(first_ack);
    // Stop as soon as one append is acknowledged, with the others still in flight.
    first_ack_seen.recv().await;

    let ledger = app.stop().await;

    let mut acknowledged = Vec::new();
    for task in tasks {
        if let Some(ack) = task.await.expect("task finished") {
            acknowledged.push(ack);
        }
    }
    let verified = verify_data(&ledger.data_dir());
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    let app = ledger.restart().await;
    let size = app.checkpoint_size().await;
    assert!(
        size > acknowledged.len() as u64,
        "{size} entries, {} acknowledged",
        acknowledged.len()
    );
    for (seq, leaf) in &acknowledged {
        assert_eq!(
            app.get_json(&format!("/entries/{seq}")).await["leaf"],
            leaf.as_str()
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_retry_after_a_restart_with_the_same_idempotency_key_is_replayed() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let body = json!({ "campaign": campaign, "amount": "500000" })
        .to_string()
        .into_bytes();
    let first = app
        .post_with(
            "/donations",
            body.clone(),
            app.recorder(),
            Some("retry-9c1e"),
        )
        .await
        .seq();
    let app = app.stop().await.restart().await;

    let retry = app
        .post_with("/donations", body, app.recorder(), Some("retry-9c1e"))
        .await;

    assert_eq!(retry.status(), 200, "{}", retry.text());
    assert_eq!(retry.json()["replayed"], true);
    assert_eq!(retry.seq(), first);
    assert_eq!(app.checkpoint_size().await, 2);
    app.stop().await;
}

#[tokio::test]
async fn what_the_ledger_remembers_holds_across_a_restart() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let closed = app.open_campaign("closed", "VND").await;
    app.donate(&flood, "900000").await.seq();
    let donation = app.donate(&flood, "500000").await.seq();
    app.donate_with_reference(&flood, "100000", "FT-ONCE")
        .await
        .seq();
    app.reverse(donation).await.seq();
    app.close_campaign(&closed).await;
    let app = app.stop().await.restart().await;

    let reversed_again = app.reverse(donation).await;
    let to_closed = app.donate(&closed, "1000").await;
    let same_reference = app.donate_with_reference(&flood, "100000", "FT-ONCE").await;
    let next = app.donate(&flood, "1000").await;

    assert_eq!(reversed_again.json()["error"], "already_reversed");
    assert_eq!(to_closed.json()["error"], "campaign_closed");
    assert_eq!(same_reference.json()["error"], "duplicate_reference");
    assert_eq!(next.seq(), 7);
    let flood = app.campaign_totals("flood-2026").await;
    assert_eq!(flood["balance"], "1001000");
    app.stop().await;
}

#[tokio::test]
async fn references_are_found_and_refused_again_after_a_restart_whichever_side_stored_them() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let medical = app.open_campaign("medical-kits", "VND").await;
    let before = app
        .donate_with_reference(&flood, "100000", "VCB-1")
        .await
        .seq();
    let again = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "2000", "reference": "VCB-1", "separate_gift": true }),
            Some(&app.recorder_token),
        )
        .await
        .seq();
    let app = app.stop().await.restart().await;
    let after = app
        .donate_with_reference(&flood, "300000", "VCB-2")
        .await
        .seq();

    let found = app.get_json("/search?reference=VCB-1").await;
    assert_eq!(seqs_in(&found), vec![before, again]);
    let found = app.get_json("/search?reference=VCB-2").await;
    assert_eq!(found["results"][0]["seq"], after);
    assert_eq!(
        app.get_json("/search?reference=VCB-3").await["results"],
        json!([])
    );
    for reference in ["VCB-1", "VCB-2"] {
        let duplicate = app.donate_with_reference(&flood, "1000", reference).await;
        assert_eq!(
            duplicate.json()["error"],
            "duplicate_reference",
            "{reference}"
        );
    }
    // The same reference in another campaign is another donation.
    let elsewhere = app.donate_with_reference(&medical, "1000", "VCB-1").await;
    assert_eq!(elsewhere.status(), 201, "{}", elsewhere.text());
    let found = app.get_json("/search?reference=VCB-1").await;
    assert_eq!(seqs_in(&found), vec![before, again, elsewhere.seq()]);
    app.stop().await;
}

/// The `seq` of each search result, in order.
pub fn seqs_in(found: &serde_json::Value) -> Vec<u64> {
    found["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["seq"].as_u64().expect("seq"))
        .collect()
}
