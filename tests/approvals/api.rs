//! The approval flow over the API.

use crate::helpers::app::{spawn_app, TestApp, TestResponse};
use serde_json::{json, Value};

/// A new recorder token: (token, staff id).
pub async fn recorder(app: &TestApp, name: &str) -> (String, String) {
    let created = app
        .post(
            "/tokens",
            &json!({ "name": name, "role": "recorder" }),
            app.admin(),
        )
        .await;
    assert_eq!(created.status(), 201, "{}", created.text());
    let json = created.json();
    let id = json["id"].as_i64().expect("id");
    (
        json["token"].as_str().expect("token").to_string(),
        format!("staff-{id}"),
    )
}

/// A server with campaign `water` (VND) holding 10,000,000 and a rule of two approvers
/// from 1,000,000.
pub async fn app_with_rule() -> TestApp {
    let app = spawn_app().await;
    app.open_campaign("water", "VND").await;
    assert_eq!(app.donate("water", "10000000").await.status(), 201);
    let rule = declare(
        &app,
        json!({ "campaign": "water", "approvers": 2, "threshold": "1000000" }),
    )
    .await;
    assert_eq!(rule.status(), 201, "{}", rule.text());
    app
}

pub async fn declare(app: &TestApp, body: Value) -> TestResponse {
    app.post("/approval-policies", &body, app.admin()).await
}

pub async fn propose(app: &TestApp, amount: &str, token: &str) -> TestResponse {
    app.post(
        "/proposals",
        &json!({ "disbursement": {
            "campaign": "water", "amount": amount,
            "recipient": "Hợp tác xã Quảng Ninh", "purpose": "Bồn nước",
        }}),
        Some(token),
    )
    .await
}

pub async fn approve(app: &TestApp, id: i64, token: &str) -> TestResponse {
    app.post(&format!("/proposals/{id}/approve"), &json!({}), Some(token))
        .await
}

async fn size(app: &TestApp) -> u64 {
    app.checkpoint_size().await
}

/// `GET /api/v1{path}` with `token`, as JSON.
pub async fn get_as(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app
        .client
        .get(format!("{}/api/v1{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn a_payment_the_rule_covers_is_refused_when_recorded_directly_naming_the_approval_field() {
    let app = app_with_rule().await;
    let before = size(&app).await;

    let refused = app.disburse("water", "1000000").await;
    let below = app.disburse("water", "999999").await;

    assert_eq!(refused.status(), 409, "{}", refused.text());
    assert_eq!(refused.json()["error"], "approval_required");
    assert_eq!(refused.json()["field"], "approval");
    assert!(refused.json()["message"]
        .as_str()
        .unwrap_or("")
        .contains("needs 2 approvers"));
    assert_eq!(
        below.status(),
        201,
        "below the threshold payments append as before"
    );
    assert_eq!(size(&app).await, before + 1);
}

#[tokio::test]
async fn a_proposal_is_appended_with_its_approvers_once_two_other_staff_approve_it() {
    let app = app_with_rule().await;
    let (lan, lan_id) = recorder(&app, "Lan").await;
    let (mai, mai_id) = recorder(&app, "Mai").await;
    let (binh, binh_id) = recorder(&app, "Binh").await;
    let before = size(&app).await;

    let proposed = propose(&app, "5000000", &lan).await;
    assert_eq!(proposed.status(), 201, "{}", proposed.text());
    let id = proposed.json()["id"].as_i64().expect("id");
    let first = approve(&app, id, &mai).await;
    let after_one = size(&app).await;
    let second = approve(&app, id, &binh).await;

    assert_eq!(proposed.json()["needed"], 2);
    assert_eq!(first.json()["status"], "pending", "{}", first.text());
    assert_eq!(after_one, before, "one approval appends nothing");
    assert_eq!(second.json()["status"], "recorded", "{}", second.text());
    let seq = second.json()["seq"].as_u64().expect("seq");
    let entry = app.get_json(&format!("/entries/{seq}")).await;
    let body = &entry["entry"]["body"];
    assert_eq!(body["approval"]["proposed_by"], lan_id.as_str(), "{entry}");
    assert_eq!(body["approval"]["approved_by"], json!([mai_id, binh_id]));
    assert_eq!(body["amount"], "5000000");
    assert!(entry["entry"]["recorded_by"]
        .as_str()
        .unwrap_or("")
        .starts_with("Lan #"));
    assert_eq!(size(&app).await, before + 1);
}

#[tokio::test]
async fn the_proposer_cannot_approve_their_own_payment() {
    let app = app_with_rule().await;
    let (lan, _) = recorder(&app, "Lan").await;
    let id = propose(&app, "5000000", &lan).await.json()["id"]
        .as_i64()
        .expect("id");

    let own = approve(&app, id, &lan).await;

    assert_eq!(own.status(), 403, "{}", own.text());
    assert_eq!(own.json()["error"], "own_proposal");
    let p = app
        .post(&format!("/proposals/{id}/approve"), &json!({}), Some(&lan))
        .await;
    assert_eq!(p.status(), 403);
}

#[tokio::test]
async fn a_rejected_proposal_appends_nothing_and_keeps_its_reason() {
    let app = app_with_rule().await;
    let (lan, _) = recorder(&app, "Lan").await;
    let (mai, mai_id) = recorder(&app, "Mai").await;
    let (binh, _) = recorder(&app, "Binh").await;
    let id = propose(&app, "5000000", &lan).await.json()["id"]
        .as_i64()
        .expect("id");
    let before = size(&app).await;

    let empty = app
        .post(
            &format!("/proposals/{id}/reject"),
            &json!({ "reason": "  " }),
            Some(&mai),
        )
        .await;
    let rejected = app
        .post(
            &format!("/proposals/{id}/reject"),
            &json!({ "reason": "Hoá đơn thiếu chữ ký" }),
            Some(&mai),
        )
        .await;
    let late = approve(&app, id, &binh).await;

    assert_eq!(empty.status(), 422);
    assert_eq!(empty.json()["field"], "reason");
    assert_eq!(rejected.status(), 200, "{}", rejected.text());
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(rejected.json()["decided_by"], mai_id.as_str());
    assert_eq!(rejected.json()["reason"], "Hoá đơn thiếu chữ ký");
    assert_eq!(late.status(), 409);
    assert_eq!(late.json()["error"], "proposal_decided");
    assert_eq!(size(&app).await, before);
    let decided = get_as(&app, "/proposals?status=decided", &lan).await;
    assert_eq!(decided[0]["id"], id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_approvers_at_once_append_the_payment_once() {
    for _ in 0..3 {
        let app = app_with_rule().await;
        let (lan, _) = recorder(&app, "Lan").await;
        let (mai, _) = recorder(&app, "Mai").await;
        let (binh, _) = recorder(&app, "Binh").await;
        let (an, _) = recorder(&app, "An").await;
        // A rule of one approver, so each approval alone completes it.
        let lowered = declare(
            &app,
            json!({ "campaign": "water", "approvers": 1, "threshold": "1000000" }),
        )
        .await;
        assert_eq!(lowered.status(), 201);
        let id = propose(&app, "5000000", &lan).await.json()["id"]
            .as_i64()
            .expect("id");
        let before = size(&app).await;

        let (a, b, c) = tokio::join!(
            approve(&app, id, &mai),
            approve(&app, id, &binh),
            approve(&app, id, &an)
        );

        let seqs: Vec<Option<u64>> = [&a, &b, &c]
            .iter()
            .map(|r| r.json()["seq"].as_u64())
            .collect();
        assert!(
            [&a, &b, &c]
                .iter()
                .any(|r| r.json()["status"] == "recorded"),
            "{} {} {}",
            a.text(),
            b.text(),
            c.text()
        );
        assert_eq!(
            size(&app).await,
            before + 1,
            "{} {} {}",
            a.text(),
            b.text(),
            c.text()
        );
        let seq = seqs.iter().flatten().next().copied().expect("a seq");
        assert!(seqs.iter().flatten().all(|s| *s == seq));
        let p = get_as(&app, &format!("/proposals/{id}"), &lan).await;
        assert_eq!(p["status"], "recorded");
        assert_eq!(p["seq"], seq);
    }
}

#[tokio::test]
async fn a_rule_change_applies_from_its_seq_on() {
    let app = spawn_app().await;
    app.open_campaign("water", "VND").await;
    assert_eq!(app.donate("water", "10000000").await.status(), 201);
    let (lan, _) = recorder(&app, "Lan").await;

    let before_rule = app.disburse("water", "2000000").await;
    let rule = declare(
        &app,
        json!({ "currency": "VND", "approvers": 1, "threshold": "1000000" }),
    )
    .await;
    let after_rule = app.disburse("water", "2000000").await;
    let proposal = propose(&app, "2000000", &lan).await;
    let lifted = declare(
        &app,
        json!({ "currency": "VND", "approvers": 0, "threshold": "1" }),
    )
    .await;
    let after_lift = app.disburse("water", "2000000").await;

    assert_eq!(before_rule.status(), 201);
    assert_eq!(rule.status(), 201, "{}", rule.text());
    assert_eq!(after_rule.status(), 409, "{}", after_rule.text());
    assert_eq!(proposal.status(), 201, "{}", proposal.text());
    assert_eq!(lifted.status(), 201, "{}", lifted.text());
    assert_eq!(after_lift.status(), 201, "{}", after_lift.text());
    assert_eq!(
        propose(&app, "2000000", &lan).await.json()["error"],
        "approval_not_needed"
    );
}

#[tokio::test]
async fn ledger_wide_and_campaign_rules_survive_a_restart() {
    let app = spawn_app().await;
    app.open_campaign("water", "VND").await;
    app.open_campaign("usd", "USD").await;
    assert_eq!(app.donate("water", "10000000").await.status(), 201);
    assert_eq!(app.donate("usd", "100.00").await.status(), 201);
    let rule = declare(
        &app,
        json!({ "currency": "VND", "approvers": 1, "threshold": "1000000" }),
    )
    .await;
    let usd_rule = declare(
        &app,
        json!({ "campaign": "usd", "approvers": 2, "threshold": "10.00" }),
    )
    .await;
    assert_eq!(rule.status(), 201);
    assert_eq!(usd_rule.status(), 201);

    let app = app.stop().await.restart().await;
    let refused = app.disburse("water", "2000000").await;
    let refused_usd = app.disburse("usd", "10.00").await;

    assert_eq!(refused.status(), 409, "{}", refused.text());
    assert_eq!(refused.json()["error"], "approval_required");
    assert_eq!(refused_usd.status(), 409, "{}", refused_usd.text());
    assert!(refused_usd.json()["message"]
        .as_str()
        .unwrap_or("")
        .contains("needs 2 approvers"));
}

#[tokio::test]
async fn a_proposal_is_checked_as_if_appended_and_nothing_is_appended() {
    let app = app_with_rule().await;
    let (lan, _) = recorder(&app, "Lan").await;
    let before = size(&app).await;

    let too_much = propose(&app, "20000000", &lan).await;
    let bad_amount = propose(&app, "12.5", &lan).await;
    let pending = get_as(&app, "/proposals", &lan).await;

    assert_eq!(too_much.status(), 409, "{}", too_much.text());
    assert_eq!(too_much.json()["field"], "amount");
    assert_eq!(bad_amount.status(), 422);
    assert_eq!(bad_amount.json()["field"], "amount");
    assert_eq!(pending, json!([]));
    assert_eq!(size(&app).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_concurrent_approvals_append_once_under_a_ledger_wide_rule() {
    let Some(cluster) = crate::helpers::postgres::Cluster::start("approvals_on_postgres") else {
        return;
    };
    let url = cluster.new_database().await;
    let app = crate::helpers::app::spawn_app_on_database(&url).await;
    app.open_campaign("water", "VND").await;
    assert_eq!(app.donate("water", "10000000").await.status(), 201);
    let rule = declare(
        &app,
        json!({ "currency": "VND", "approvers": 1, "threshold": "1000000" }),
    )
    .await;
    assert_eq!(rule.status(), 201, "{}", rule.text());
    let (lan, _) = recorder(&app, "Lan").await;
    let (mai, _) = recorder(&app, "Mai").await;
    let (binh, _) = recorder(&app, "Binh").await;
    let id = propose(&app, "5000000", &lan).await.json()["id"]
        .as_i64()
        .expect("id");
    let before = size(&app).await;

    let (a, b) = tokio::join!(approve(&app, id, &mai), approve(&app, id, &binh));
    let refused = app.disburse("water", "2000000").await;

    assert_eq!(size(&app).await, before + 1, "{} {}", a.text(), b.text());
    assert_eq!(
        get_as(&app, &format!("/proposals/{id}"), &lan).await["status"],
        "recorded"
    );
    assert_eq!(refused.status(), 409, "{}", refused.text());
}

#[tokio::test]
async fn a_campaign_opened_with_a_rule_refuses_a_covered_payment_from_its_first_entry_on() {
    let app = spawn_app().await;
    let opened = app
        .post(
            "/campaigns",
            &json!({
                "id": "roofs", "title": "Mái trường", "purpose": "Roofs", "currency": "VND",
                "approval": { "approvers": 2, "threshold": "500000" },
            }),
            app.admin(),
        )
        .await;
    let bad = app
        .post(
            "/campaigns",
            &json!({
                "id": "wells", "title": "Giếng", "purpose": "Wells", "currency": "VND",
                "approval": { "approvers": 0, "threshold": "500000" },
            }),
            app.admin(),
        )
        .await;
    assert_eq!(opened.status(), 201, "{}", opened.text());
    assert_eq!(app.donate("roofs", "1000000").await.status(), 201);

    let refused = app.disburse("roofs", "500000").await;
    let shown = app.get_json("/campaigns/roofs").await;

    assert_eq!(refused.status(), 409, "{}", refused.text());
    assert!(refused.json()["message"]
        .as_str()
        .unwrap_or("")
        .contains("rule of entry 0"));
    assert_eq!(
        shown["approval_rules"],
        json!([{ "approvers": 2, "scope": "campaign", "since": 0, "threshold": "500000" }])
    );
    assert_eq!(bad.status(), 422, "{}", bad.text());
    assert_eq!(bad.json()["field"], "approval.approvers");
}
