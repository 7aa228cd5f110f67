//! Donation receipts (SPEC.md §12) as the server gives them: with every donation (cash and in
//! kind too), the same again for a retry, re-issued with the salt to admins only, and public
//! by code without the salt. `tests/cli/verify_receipt.rs` checks the CLI's verdicts.

use crate::helpers::app::spawn_app;
use crate::helpers::binary::explain;
use crate::helpers::receipts::{code, private_donation, verify_receipt, write, EMAIL};
use serde_json::{json, Value};

#[tokio::test]
async fn the_public_receipt_by_code_has_no_salt_and_still_verifies() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    app.donate(&campaign, "1000").await.seq();
    let code_text = answer["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();

    let public = app.get_json(&format!("/receipts/{code_text}")).await;
    let path = write(&app, "public.json", &public);
    let verified = verify_receipt(&path, &["--key", &app.key().await]);
    let with_identifier = verify_receipt(&path, &["--identifier", EMAIL]);

    assert!(public.get("salt").is_none(), "{public}");
    assert_eq!(public["leaf"], answer["leaf"]);
    assert_eq!(public["proof"]["size"], 3);
    assert_eq!(code(&verified), 0, "{}", explain(&verified));
    assert_eq!(code(&with_identifier), 1, "{}", explain(&with_identifier));
}

#[tokio::test]
async fn receipt_codes_that_do_not_name_a_donation_are_not_found() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let seq = app.donate(&campaign, "1000").await.seq();
    let hash = app.get_json(&format!("/entries/{seq}")).await["leaf_hash"]
        .as_str()
        .expect("hash")
        .to_string();
    let campaign_hash = app.get_json("/entries/0").await["leaf_hash"]
        .as_str()
        .expect("hash")
        .to_string();

    let right = app.get(&format!("/receipts/R-{seq}-{}", &hash[..8])).await;
    let wrong_prefix = app.get(&format!("/receipts/R-{seq}-00000000")).await;
    let beyond = app.get(&format!("/receipts/R-99-{}", &hash[..8])).await;
    let not_a_donation = app
        .get(&format!("/receipts/R-0-{}", &campaign_hash[..8]))
        .await;
    let garbage = app.get("/receipts/hello").await;

    assert_eq!(right.status(), 200, "{}", right.text());
    assert_eq!(wrong_prefix.status(), 404);
    assert_eq!(beyond.status(), 404);
    assert_eq!(not_a_donation.status(), 404);
    assert_eq!(garbage.status(), 404);
}

#[tokio::test]
async fn admins_reissue_a_receipt_with_the_salt_and_recorders_cannot() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    app.donate(&campaign, "1000").await.seq();
    let seq = answer["seq"].as_u64().expect("seq");

    let as_admin = app
        .client
        .get(format!("{}/api/v1/receipts/{seq}", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("sent");
    let as_admin: Value = as_admin.json().await.expect("json");
    let as_recorder = app
        .client
        .get(format!("{}/api/v1/receipts/{seq}", app.address))
        .bearer_auth(&app.recorder_token)
        .send()
        .await
        .expect("sent");
    let anonymous = app.get(&format!("/receipts/{seq}")).await;

    assert_eq!(as_admin["salt"], answer["receipt"]["salt"]);
    assert_eq!(as_admin["proof"]["size"], 3);
    let path = write(&app, "reissued.json", &as_admin);
    let verified = verify_receipt(&path, &["--identifier", EMAIL]);
    assert_eq!(code(&verified), 0, "{}", explain(&verified));
    assert_eq!(as_recorder.status(), 403);
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn cash_and_in_kind_gifts_get_receipts_the_same_way() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let key = app.key().await;

    let cash = private_donation(&app, &campaign, json!({ "channel": "cash" })).await;
    let in_kind = app
        .post(
            "/donations",
            &json!({
                "campaign": campaign, "amount": "3000000", "channel": "in_kind",
                "in_kind_description": "20 bags of rice, 25 kg each",
            }),
            app.recorder(),
        )
        .await;

    assert_eq!(in_kind.status(), 201, "{}", in_kind.text());
    let in_kind = in_kind.json();
    assert!(in_kind["receipt"].get("salt").is_none());
    for (name, answer) in [("cash", cash), ("in-kind", in_kind)] {
        let path = write(&app, &format!("{name}.json"), &answer["receipt"]);
        let output = verify_receipt(&path, &["--key", &key]);
        assert_eq!(code(&output), 0, "{name}: {}", explain(&output));
    }
}

#[tokio::test]
async fn a_retried_donation_returns_the_same_receipt_and_salt() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let body = json!({
        "campaign": campaign, "amount": "250000",
        "donor_private": { "email": EMAIL }, "publish_name": false,
    })
    .to_string()
    .into_bytes();

    let first = app
        .post_with("/donations", body.clone(), app.recorder(), Some("gift-1"))
        .await;
    let retry = app
        .post_with("/donations", body, app.recorder(), Some("gift-1"))
        .await;

    assert_eq!(first.status(), 201, "{}", first.text());
    assert_eq!(retry.status(), 200, "{}", retry.text());
    assert_eq!(retry.json()["replayed"], true);
    assert_eq!(
        retry.json()["receipt"]["salt"],
        first.json()["receipt"]["salt"]
    );
    assert_eq!(retry.json()["seq"], first.json()["seq"]);
    assert_eq!(app.checkpoint_size().await, 2);
}

#[tokio::test]
async fn a_phone_number_typed_another_way_than_it_was_recorded_still_proves_the_gift() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(
        &app,
        &campaign,
        json!({"donor_private": {"name": "Trần Văn Bình", "phone": "0912 345 678"}}),
    )
    .await;
    let path = write(&app, "phone.json", &answer["receipt"]);

    let spaced = verify_receipt(&path, &["--identifier", "+84 912-345-678"]);
    let plain = verify_receipt(&path, &["--identifier", "84912345678"]);
    let other = verify_receipt(&path, &["--identifier", "0912 345 679"]);

    assert_eq!(code(&spaced), 0, "{}", explain(&spaced));
    assert_eq!(code(&plain), 0, "{}", explain(&plain));
    assert_eq!(code(&other), 1, "{}", explain(&other));
}
