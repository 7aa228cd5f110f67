//! `POST /api/v1/updates`: a campaign's narrative update with a photo, in the ledger and
//! its verified bundle; bad input named, nothing appended.

use crate::helpers::app::{spawn_app, TestApp};
use crate::helpers::multipart::{self, file};
use fundtrail::ledger::{decode, verify_bundle, Body};
use serde_json::{json, Value};

/// A 1×1 PNG's first bytes: enough for the evidence store's type check.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// Uploads a photo as recorder; returns its evidence object.
pub async fn upload_photo(app: &TestApp) -> Value {
    let parts = [file("giao-gao.png", "image/png", PNG)];
    let r = multipart::post(&app.client, &app.address, app.recorder(), &parts).await;
    assert_eq!(r.status().as_u16(), 201);
    let body: Value = r.json().await.expect("JSON");
    body["evidence"][0].clone()
}

/// Records an update on `campaign` with `evidence`; returns the answer's status and body.
pub async fn record_update(app: &TestApp, campaign: &str, evidence: Value) -> (u16, Value) {
    let r = app
        .post(
            "/updates",
            &json!({
                "campaign": campaign,
                "title": "Gạo đã đến tay bà con",
                "text": "600 kg gạo cho 120 hộ ở Nghĩa Hành.\nẢnh chụp lúc giao.",
                "date": "2026-11-10",
                "evidence": evidence,
            }),
            app.recorder(),
        )
        .await;
    (r.status(), r.json())
}

#[tokio::test]
async fn an_update_with_a_photo_is_appended_and_the_bundle_still_verifies() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let photo = upload_photo(&app).await;

    let (status, body) = record_update(&app, "flood-2026", json!([photo])).await;

    assert_eq!(status, 201, "{body}");
    let seq = body["seq"].as_u64().expect("seq");
    let entry = app.get_json(&format!("/entries/{seq}")).await;
    let leaf = entry["leaf"].as_str().expect("leaf");
    let Body::Update(u) = decode(leaf.as_bytes()).expect("a valid leaf").body else {
        panic!("not an update: {leaf}");
    };
    assert_eq!(u.title, "Gạo đã đến tay bà con");
    assert_eq!(u.evidence.len(), 1);
    assert_eq!(u.evidence[0].sha256.to_hex(), photo["sha256"]);
    let bundle = app.export().await;
    verify_bundle(bundle.as_bytes(), None, None, |_| {}).expect("the bundle verifies");
}

#[tokio::test]
async fn an_update_of_a_campaign_never_opened_is_refused_naming_the_campaign_and_appends_nothing() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let before = app.checkpoint_size().await;

    let (status, body) = record_update(&app, "school-roofs", json!([])).await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "campaign");
    assert_eq!(app.checkpoint_size().await, before);
}

#[tokio::test]
async fn an_update_without_a_title_is_refused_naming_the_title() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let r = app
        .post(
            "/updates",
            &json!({"campaign": "flood-2026", "title": " ", "text": "Đã giao."}),
            app.recorder(),
        )
        .await;

    assert_eq!(r.status(), 422, "{}", r.text());
    assert_eq!(r.json()["field"], "title");
}

#[tokio::test]
async fn an_update_listing_a_file_never_uploaded_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let ghost = json!([{"media_type": "image/png", "sha256": "ab".repeat(32), "size": 10}]);

    let (status, body) = record_update(&app, "flood-2026", ghost).await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "evidence");
}

#[tokio::test]
async fn an_update_after_the_campaign_closed_is_accepted() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    app.close_campaign("flood-2026").await;

    let (status, body) = record_update(&app, "flood-2026", json!([])).await;

    assert_eq!(status, 201, "{body}");
}
