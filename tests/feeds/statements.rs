//! Donor statements (SPEC.md §21): `POST /api/v1/donor-statements` by receipt codes or by
//! identifier and salt, `fundtrail statement-for-donor`, and the offline check
//! (`fundtrail verify-receipt`), which refuses a tampered statement.

use crate::helpers::app::{spawn_app, spawn_app_on_database, TestApp};
use crate::helpers::binary::fundtrail;
use crate::helpers::postgres;
use fundtrail::ledger::donor_statement::{verify_statement, DonorStatement};
use serde_json::{json, Value};

/// Records a gift received on `day` with the donor's e-mail committed to; returns the
/// answer (with the receipt and its salt).
async fn gift(app: &TestApp, amount: &str, day: &str, email: Option<&str>) -> Value {
    let mut body = json!({"campaign": "flood-2026", "amount": amount, "received_at": day});
    if let Some(e) = email {
        body["donor_private"] = json!({"email": e});
    }
    let r = app.post("/donations", &body, app.recorder()).await;
    assert_eq!(r.status(), 201, "{}", r.text());
    r.json()
}

/// Three gifts: two by Bình in 2026 (one with a commitment), one in 2025.
async fn three_gifts(app: &TestApp) -> [Value; 3] {
    app.open_campaign("flood-2026", "VND").await;
    [
        gift(app, "250000", "2025-12-30", None).await,
        gift(app, "500000", "2026-03-02", Some("binh@example.vn")).await,
        gift(app, "100000", "2026-11-02", Some("binh@example.vn")).await,
    ]
}

fn code(answer: &Value) -> String {
    answer["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string()
}

async fn ask(app: &TestApp, body: Value) -> (u16, Value) {
    let r = app.post("/donor-statements", &body, None).await;
    (r.status(), r.json())
}

#[tokio::test]
async fn a_statement_by_receipt_codes_lists_the_years_gifts_with_totals_and_verifies_offline() {
    let app = spawn_app().await;
    let gifts = three_gifts(&app).await;
    let codes: Vec<String> = gifts.iter().map(code).collect();

    let (status, body) = ask(
        &app,
        json!({"from": "2026-01-01", "to": "2026-12-31", "codes": codes}),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    let st: DonorStatement = serde_json::from_value(body).expect("a statement");
    assert_eq!(st.receipts.len(), 2, "the 2025 gift is left out");
    assert_eq!(st.totals[0].amount, "600000");
    let v = verify_statement(&st, &app.key().await, None).expect("verifies");
    assert_eq!(v.gifts.len(), 2);
}

#[tokio::test]
async fn a_statement_by_identifier_and_one_salt_lists_every_gift_of_that_identifier_with_salts() {
    by_identifier(&spawn_app().await).await;
}

#[tokio::test]
async fn a_statement_by_identifier_works_on_postgresql_too() {
    let Some(cluster) = postgres::Cluster::start("donor_statement_on_postgresql") else {
        return;
    };
    let url = cluster.new_database().await;
    by_identifier(&spawn_app_on_database(&url).await).await;
}

/// Asks `app` for Bình's 2026 statement by identifier and one salt; checks it.
async fn by_identifier(app: &TestApp) {
    let gifts = three_gifts(app).await;
    let salt = gifts[1]["receipt"]["salt"].as_str().expect("salt");

    let (status, body) = ask(
        app,
        json!({"from": "2026-01-01", "to": "2026-12-31", "identifier": " Binh@Example.vn", "salt": salt}),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    let st: DonorStatement = serde_json::from_value(body).expect("a statement");
    assert_eq!(st.receipts.len(), 2);
    verify_statement(&st, &app.key().await, Some("binh@example.vn")).expect("every gift is hers");
}

#[tokio::test]
async fn an_identifier_with_a_salt_of_someone_else_is_refused_naming_the_salt() {
    let app = spawn_app().await;
    three_gifts(&app).await;

    let (status, body) = ask(
        &app,
        json!({"from": "2026-01-01", "to": "2026-12-31", "identifier": "binh@example.vn", "salt": "5a".repeat(32)}),
    )
    .await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "salt");
}

#[tokio::test]
async fn an_unknown_receipt_code_is_refused_naming_the_codes() {
    let app = spawn_app().await;
    three_gifts(&app).await;

    let (status, body) = ask(
        &app,
        json!({"from": "2026-01-01", "to": "2026-12-31", "codes": ["R-2-00000000"]}),
    )
    .await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "codes");
    assert!(body["message"]
        .as_str()
        .expect("message")
        .contains("R-2-00000000"));
}

#[tokio::test]
async fn the_cli_makes_the_same_statement_and_verify_receipt_checks_it_and_refuses_it_tampered() {
    let app = spawn_app().await;
    let gifts = three_gifts(&app).await;
    let key = app.key().await;
    let stopped = app.stop().await;
    let out = stopped.dir.path().join("statement.json");

    let made = fundtrail(&[
        "statement-for-donor",
        "--data",
        stopped.data_dir().to_str().expect("path"),
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--identifier",
        "binh@example.vn",
        "--out",
        out.to_str().expect("path"),
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("written");
    let st: DonorStatement = serde_json::from_str(&text).expect("a statement");
    assert_eq!(st.receipts.len(), 2);
    assert_eq!(st.receipts[0].code, code(&gifts[1]));

    let ok = fundtrail(&["verify-receipt", out.to_str().expect("path"), "--key", &key]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Verified donor statement"));

    std::fs::write(&out, text.replacen("\"600000\"", "\"6000000\"", 1)).expect("tamper");
    let bad = fundtrail(&["verify-receipt", out.to_str().expect("path"), "--key", &key]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("the totals say 6000000 VND"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
