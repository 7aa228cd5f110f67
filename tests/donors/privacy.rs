//! Donor privacy: personal data lives off the chain in `donors` and only admins read it; the
//! chain holds "Anonymous" and a commitment unless the donor consents to their name, and a
//! refused donation keeps nothing.

use crate::helpers::app::spawn_app;
use crate::{
    admin_get, count_sqlite_donors, private_donation, salt_of, ADDRESS, EMAIL, NAME, PHONE,
};
use fundtrail::ledger::hash::donor_commitment;
use serde_json::{json, Value};

#[tokio::test]
async fn the_chain_holds_only_anonymous_and_a_commitment_while_admins_see_the_personal_data() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .post("/donations", &private_donation(&campaign), app.recorder())
        .await;

    assert_eq!(response.status(), 201, "{}", response.text());
    let answer = response.json();
    let seq = answer["seq"].as_u64().expect("seq");
    assert_eq!(answer["entry"]["body"]["donor"], "Anonymous");
    let commitment = donor_commitment(&salt_of(&answer), EMAIL).to_hex();
    assert_eq!(answer["entry"]["body"]["commitment"], commitment.as_str());
    for secret in [NAME, EMAIL, PHONE, ADDRESS] {
        assert!(!answer["leaf"].as_str().expect("leaf").contains(secret));
    }
    let (status, body) = admin_get(&app, &format!("/donors/{seq}"), &app.admin_token).await;
    assert_eq!(status, 200, "{body}");
    let donor: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(donor["name"], NAME);
    assert_eq!(donor["email"], EMAIL);
    assert_eq!(donor["phone"], PHONE);
    assert_eq!(donor["address"], ADDRESS);
    assert_eq!(donor["identifier"], EMAIL);
    assert_eq!(donor["salt"], answer["receipt"]["salt"]);
    assert_eq!(donor["consent_publish_name"], false);
    assert_eq!(donor["consent_recorded_at"], answer["entry"]["recorded_at"]);
}

#[tokio::test]
async fn consent_decides_the_published_name_and_the_identifier_falls_back_to_email_then_phone() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let app = &app;
    let donate =
        move |body: Value| async move { app.post("/donations", &body, app.recorder()).await };

    let consented = donate(json!({
        "campaign": campaign, "amount": "1000", "publish_name": true,
        "donor_private": { "name": NAME, "phone": PHONE },
    }))
    .await
    .json();
    let declined = donate(json!({
        "campaign": campaign, "amount": "1000", "donor": NAME, "publish_name": false,
    }))
    .await
    .json();
    let chosen = donate(json!({
        "campaign": campaign, "amount": "1000",
        "donor_private": { "email": EMAIL, "identifier": "my-bank-account-0042" },
    }))
    .await
    .json();
    let legacy = donate(json!({ "campaign": campaign, "amount": "1000", "donor": "Lan" }))
        .await
        .json();
    let nameless =
        donate(json!({ "campaign": campaign, "amount": "1000", "publish_name": true })).await;
    let both = donate(json!({
        "campaign": campaign, "amount": "1000", "commitment": "ab".repeat(32),
        "donor_private": { "email": EMAIL },
    }))
    .await;
    let control = donate(json!({
        "campaign": campaign, "amount": "1000", "donor_private": { "email": "a\u{7}b" },
    }))
    .await;

    assert_eq!(consented["entry"]["body"]["donor"], NAME);
    assert_eq!(
        consented["entry"]["body"]["commitment"],
        // The phone number as SPEC.md §2.4.1 normalises it, `+84 912 345 678` -> `+84912345678`.
        donor_commitment(&salt_of(&consented), "+84912345678")
            .to_hex()
            .as_str()
    );
    assert_eq!(declined["entry"]["body"]["donor"], "Anonymous");
    assert!(declined["entry"]["body"].get("commitment").is_none());
    let (_, kept) = admin_get(
        app,
        &format!("/donors/{}", declined["seq"]),
        &app.admin_token,
    )
    .await;
    assert!(kept.contains(NAME), "{kept}");
    assert_eq!(
        chosen["entry"]["body"]["commitment"],
        donor_commitment(&salt_of(&chosen), "my-bank-account-0042")
            .to_hex()
            .as_str()
    );
    assert_eq!(legacy["entry"]["body"]["donor"], "Lan");
    let (status, _) = admin_get(app, &format!("/donors/{}", legacy["seq"]), &app.admin_token).await;
    assert_eq!(status, 404);
    assert_eq!(nameless.status(), 422);
    assert_eq!(nameless.json()["field"], "publish_name");
    assert_eq!(both.status(), 422);
    assert_eq!(both.json()["field"], "commitment");
    assert_eq!(control.status(), 422);
    assert_eq!(control.json()["field"], "donor_private.email");
    assert_eq!(app.checkpoint_size().await, 5);
}

#[tokio::test]
async fn a_refused_donation_leaves_no_personal_data() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.close_campaign(&campaign).await;

    let refused = app
        .post("/donations", &private_donation(&campaign), app.recorder())
        .await;

    assert_eq!(refused.status(), 409, "{}", refused.text());
    let stopped = app.stop().await;
    let rows = count_sqlite_donors(&stopped.db_path()).await;
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn recorders_and_the_public_cannot_read_or_erase_donors() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let seq = app
        .post("/donations", &private_donation(&campaign), app.recorder())
        .await
        .seq();
    let url = format!("{}/api/v1/donors/{seq}", app.address);

    let (read_status, read_body) =
        admin_get(&app, &format!("/donors/{seq}"), &app.recorder_token).await;
    let erase = app
        .client
        .delete(&url)
        .bearer_auth(&app.recorder_token)
        .send()
        .await
        .expect("sent");
    let public = app.get(&format!("/donors/{seq}")).await;

    assert_eq!(read_status, 403);
    assert!(!read_body.contains(EMAIL));
    assert_eq!(erase.status().as_u16(), 403);
    assert_eq!(public.status(), 401);
    let (status, body) = admin_get(&app, &format!("/donors/{seq}"), &app.admin_token).await;
    assert_eq!(status, 200);
    assert!(body.contains(EMAIL));
}
