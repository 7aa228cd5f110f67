//! Bank references: a second donation with the same reference in a campaign is a duplicate
//! unless marked as a separate gift, in another campaign it is not, and concurrent duplicates
//! record one gift.

use crate::assert_refused;
use crate::helpers::app::spawn_app;
use serde_json::json;

#[tokio::test]
async fn a_second_donation_with_the_same_bank_reference_in_a_campaign_is_refused() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate_with_reference(&campaign, "500000", "FT26305000123")
        .await
        .seq();

    let duplicate = app
        .donate_with_reference(&campaign, "500000", "FT26305000123")
        .await;

    assert_refused(
        &app,
        &duplicate,
        409,
        "duplicate_reference",
        Some("reference"),
        2,
    )
    .await;
}

#[tokio::test]
async fn a_second_donation_with_the_same_bank_reference_is_accepted_as_a_separate_gift() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate_with_reference(&campaign, "500000", "FT26305000123")
        .await
        .seq();

    let second = app
        .post(
            "/donations",
            &json!({
                "campaign": campaign, "amount": "500000",
                "reference": "FT26305000123", "separate_gift": true,
            }),
            app.recorder(),
        )
        .await;

    assert_eq!(second.status(), 201, "{}", second.text());
    assert_eq!(app.checkpoint_size().await, 3);
    assert_eq!(
        app.campaign_totals("flood-2026").await["donated"],
        "1000000"
    );
}

#[tokio::test]
async fn the_same_bank_reference_in_another_campaign_is_not_a_duplicate() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    app.donate_with_reference(&flood, "500000", "FT26305000123")
        .await
        .seq();

    let other = app
        .donate_with_reference(&schools, "500000", "FT26305000123")
        .await;

    assert_eq!(other.status(), 201, "{}", other.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_donations_with_one_bank_reference_record_one_gift() {
    let app = std::sync::Arc::new(spawn_app().await);
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let app = std::sync::Arc::clone(&app);
            let campaign = campaign.clone();
            tokio::spawn(async move {
                app.donate_with_reference(&campaign, "500000", "FT-SAME")
                    .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let response = task.await.expect("task finished");
        if response.status() == 409 {
            assert_eq!(response.json()["error"], "duplicate_reference");
        }
        statuses.push(response.status());
    }

    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19);
    assert_eq!(app.checkpoint_size().await, 2);
    assert_eq!(app.campaign_totals("flood-2026").await["donated"], "500000");
}
