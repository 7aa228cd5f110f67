//! Suspension and closure: an organisation the platform suspended refuses every append
//! with 423 and keeps serving its reads, its page and its verification; resuming lets it
//! append again; a closed one refuses appends for good.

use crate::harness::{spawn_platform, TestPlatform};
use crate::helpers::binary::fundtrail;
use serde_json::json;

async fn suspend(platform: &TestPlatform, slug: &str) {
    let response = platform
        .post(
            &format!("/api/v1/platform/orgs/{slug}/suspend"),
            &platform.admin_token,
            &json!({ "reason": "Bank statements missing since March." }),
        )
        .await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.json()["status"], "suspended");
}

#[tokio::test]
async fn a_suspended_organisation_refuses_appends_with_423_and_still_serves_and_verifies() {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;
    assert_eq!(
        platform
            .open_campaign(&a, "flood", json!([]))
            .await
            .status(),
        201
    );
    assert_eq!(platform.donate(&a, "flood", "100000").await.status(), 201);
    let size = platform.size_of("ngo-a").await;

    suspend(&platform, "ngo-a").await;
    let donation = platform.donate(&a, "flood", "200000").await;
    let campaign = platform.open_campaign(&a, "drought", json!([])).await;

    assert_eq!(donation.status(), 423, "{}", donation.text());
    assert_eq!(donation.json()["error"], "organisation_suspended");
    assert_eq!(campaign.status(), 423, "{}", campaign.text());
    assert_eq!(platform.size_of("ngo-a").await, size);
    assert_eq!(
        platform.get("/o/ngo-a/api/v1/campaigns").await.status(),
        200
    );
    assert_eq!(platform.get("/o/ngo-a/").await.status(), 200);
    let url = format!("{}/o/ngo-a", platform.address);
    let verified = tokio::task::spawn_blocking(move || fundtrail(&["verify", &url]))
        .await
        .expect("verify ran");
    assert!(
        verified.status.success(),
        "verify --url of the suspended organisation: {}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
}

#[tokio::test]
async fn a_resumed_organisation_appends_again_and_a_closed_one_never_does() {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;
    assert_eq!(
        platform
            .open_campaign(&a, "flood", json!([]))
            .await
            .status(),
        201
    );
    suspend(&platform, "ngo-a").await;

    let resumed = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/resume",
            &platform.admin_token,
            &json!({ "note": "Statements received." }),
        )
        .await;
    let after_resume = platform.donate(&a, "flood", "100000").await;
    let closed = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/close",
            &platform.admin_token,
            &json!({ "reason": "The association was dissolved." }),
        )
        .await;
    let after_close = platform.donate(&a, "flood", "100000").await;
    let resume_closed = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/resume",
            &platform.admin_token,
            &json!({}),
        )
        .await;

    assert_eq!(resumed.status(), 200, "{}", resumed.text());
    assert_eq!(after_resume.status(), 201, "{}", after_resume.text());
    assert_eq!(closed.status(), 200, "{}", closed.text());
    assert_eq!(after_close.status(), 423, "{}", after_close.text());
    assert_eq!(after_close.json()["error"], "organisation_closed");
    assert_eq!(resume_closed.status(), 409, "{}", resume_closed.text());
    assert_eq!(platform.get("/o/ngo-a/api/v1/info").await.status(), 200);
}

#[tokio::test]
async fn suspending_an_unknown_organisation_is_404_and_records_nothing() {
    let platform = spawn_platform().await;
    let before = platform.get("/registry/api/v1/info").await.json()["size"].clone();

    let response = platform
        .post(
            "/api/v1/platform/orgs/ngo-x/suspend",
            &platform.admin_token,
            &json!({ "reason": "x" }),
        )
        .await;

    assert_eq!(response.status(), 404, "{}", response.text());
    assert_eq!(response.json()["error"], "unknown_organisation");
    assert_eq!(
        platform.get("/registry/api/v1/info").await.json()["size"],
        before
    );
}
