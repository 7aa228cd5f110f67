//! The campaign index remembers what it read: a started organisation's `campaign.open`
//! entries are read from its store once, while openings and closings show at once.

use crate::harness::spawn_platform;
use serde_json::{json, Value};

fn ids(answer: &Value) -> Vec<String> {
    answer["campaigns"]
        .as_array()
        .expect("campaigns")
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn the_index_reads_each_campaign_from_its_store_once_and_still_follows_openings_and_closings()
{
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;
    let opened = platform.open_campaign(&a, "lu-mien-trung", json!([])).await;
    assert_eq!(opened.status(), 201, "{}", opened.text());
    let first = platform.get("/api/v1/platform/campaigns").await.json();
    let read_once = platform.campaign_entries_read();

    let again = platform.get("/api/v1/platform/campaigns").await.json();
    let read_again = platform.campaign_entries_read();
    let closed = platform
        .post(
            "/o/ngo-a/api/v1/campaigns/lu-mien-trung/close",
            &a.admin_token,
            &json!({}),
        )
        .await;
    let after_close = platform.get("/api/v1/platform/campaigns").await.json();
    let reopened = platform.open_campaign(&a, "lu-ha-tinh", json!([])).await;
    let after_open = platform
        .get("/api/v1/platform/campaigns?q=HA-TINH")
        .await
        .json();

    assert_eq!(ids(&first), ["lu-mien-trung"]);
    assert_eq!(read_once, 1);
    assert_eq!(ids(&again), ["lu-mien-trung"]);
    assert_eq!(
        read_again, read_once,
        "an unchanged campaign is not read again"
    );
    assert_eq!(closed.status(), 201, "{}", closed.text());
    assert!(
        ids(&after_close).is_empty(),
        "a closed campaign leaves the index at once"
    );
    assert_eq!(reopened.status(), 201, "{}", reopened.text());
    assert_eq!(ids(&after_open), ["lu-ha-tinh"]);
    assert_eq!(
        platform.campaign_entries_read(),
        2,
        "only the new campaign is read"
    );
}
