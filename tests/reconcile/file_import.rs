//! `POST /statements/file`: a camt.053 or MT940 file becomes a statement entry and the
//! donations it is missing, previewed first (dry run), refused whole when it does not add up.

use crate::formats::{camt, swift};
use crate::helpers::app::{spawn_app, TestApp, TestResponse};
use serde_json::{json, Value};

async fn books() -> TestApp {
    let app = spawn_app().await;
    let opened = app
        .post(
            "/campaigns",
            &json!({"id": "yagi", "title": "Bão Yagi", "purpose": "Cứu trợ", "currency": "VND",
                    "accounts": [{"bank": "Vietcombank", "holder": "Quỹ Cứu trợ", "number": "0071 0001 23456"}]}),
            app.admin(),
        )
        .await;
    assert_eq!(opened.status(), 201, "{}", opened.text());
    // The first gift of the month is already in the ledger.
    let gift = app
        .post(
            "/donations",
            &json!({"campaign": "yagi", "amount": "500000", "donor": "Anonymous", "channel": "bank_transfer",
                    "reference": "FT24253A1B2C", "received_at": "2024-09-09"}),
            app.recorder(),
        )
        .await;
    assert_eq!(gift.status(), 201, "{}", gift.text());
    app
}

async fn send(app: &TestApp, query: &str, file: String) -> TestResponse {
    let request = app
        .client
        .post(format!("{}/api/v1/statements/file?{query}", app.address))
        .bearer_auth(&app.recorder_token)
        .header("content-type", "application/xml")
        .body(file);
    TestResponse::read(request.send().await.expect("sent")).await
}

fn lines_of(v: &Value, key: &str) -> Vec<u64> {
    v["preview"][key]
        .as_array()
        .expect(key)
        .iter()
        .map(|d| d["line"].as_u64().expect("line"))
        .collect()
}

#[tokio::test]
async fn a_camt053_file_previews_then_records_its_statement_and_only_the_missing_donations() {
    let app = books().await;
    let before = app.checkpoint_size().await;
    let preview = send(
        &app,
        "campaign=yagi&format=camt053&dry_run=true&exclude=4:interest,5:fee",
        camt(),
    )
    .await;
    assert_eq!(preview.status(), 200, "{}", preview.text());
    let p = preview.json();
    assert_eq!(lines_of(&p, "donations"), [2], "{p}");
    assert_eq!(lines_of(&p, "unnamed_debits"), [3], "{p}");
    assert_eq!(
        app.checkpoint_size().await,
        before,
        "a dry run records nothing"
    );

    let recorded = send(
        &app,
        "campaign=yagi&format=camt053&exclude=4:interest,5:fee",
        camt(),
    )
    .await;
    assert_eq!(recorded.status(), 201, "{}", recorded.text());
    let r = recorded.json();
    assert_eq!(
        r["donations"].as_array().expect("donations").len(),
        1,
        "{r}"
    );
    assert_eq!(app.checkpoint_size().await, before + 2);
    // What is left: the payment out no disbursement names, with its line and day.
    let rec = app.get_json("/statements/reconciliation").await;
    assert_eq!(
        rec["findings"],
        json!([format!("statement {} line 3 (2024-09-12): debit -1200000 (FT24256G5H6I) is in the statement but no disbursement or transfer names it", r["statement_seq"])])
    );
}

#[tokio::test]
async fn an_mt940_file_whose_lines_do_not_reach_its_closing_balance_is_refused_and_records_nothing()
{
    let app = books().await;
    let before = app.checkpoint_size().await;
    let wrong = swift().replace(":62F:C240930VND2290234,", ":62F:C240930VND2290235,");
    assert_ne!(wrong, swift());
    let refused = send(&app, "campaign=yagi&format=mt940", wrong).await;
    assert_eq!(refused.status(), 422, "{}", refused.text());
    assert!(
        refused.text().contains("is not the closing balance"),
        "{}",
        refused.text()
    );
    assert_eq!(app.checkpoint_size().await, before);
    let other = send(
        &app,
        "campaign=yagi&format=mt940",
        swift().replace(":25:0071000123456", ":25:999"),
    )
    .await;
    assert_eq!(other.status(), 422, "{}", other.text());
    assert_eq!(other.json()["field"], "account");
}

#[tokio::test]
async fn a_csv_export_is_recorded_with_the_account_period_and_balances_given_in_the_request() {
    let app = books().await;
    let query = "campaign=yagi&format=csv&account=0071000123456&from=2024-09-01&to=2024-09-30\
                 &opening=1000000&closing=2290234&exclude=4:interest,5:fee";
    let preview = send(
        &app,
        &format!("{query}&dry_run=true"),
        crate::formats::vietcombank(),
    )
    .await;
    assert_eq!(preview.status(), 200, "{}", preview.text());
    let p = preview.json();
    assert_eq!(lines_of(&p, "donations"), [2], "{p}");
    assert_eq!(p["preview"]["statement"]["lines"], 5);
    // The same lines as the camt.053 file of the same month: the same root.
    let camt = send(
        &app,
        "campaign=yagi&format=camt053&dry_run=true&exclude=4:interest,5:fee",
        camt(),
    )
    .await
    .json();
    assert_eq!(
        p["preview"]["statement"]["lines_root"],
        camt["preview"]["statement"]["lines_root"]
    );
    let wrong = send(
        &app,
        &query.replace("closing=2290234", "closing=2290000"),
        crate::formats::vietcombank(),
    )
    .await;
    assert_eq!(wrong.status(), 422, "{}", wrong.text());
}

#[tokio::test]
async fn a_file_whose_new_donation_would_be_refused_is_refused_before_anything_is_recorded() {
    let app = books().await;
    let before = app.checkpoint_size().await;
    // A gift dated in 2099: the donation it would become breaks the plausible-day rule.
    let future = ":20:X\r\n:25:0071000123456\r\n:60F:C990101VND0,\r\n:61:990102C5000,NTRFNONREF//FT99\r\n:62F:C990131VND5000,\r\n";
    let refused = send(&app, "campaign=yagi&format=mt940", future.to_string()).await;
    assert_eq!(refused.status(), 422, "{}", refused.text());
    assert!(
        refused.text().contains("line 1: the donation it becomes"),
        "{}",
        refused.text()
    );
    assert_eq!(
        app.checkpoint_size().await,
        before,
        "nothing recorded, not even the statement"
    );
    let outside = swift().replace(":61:240930D11000,", ":61:241001D11000,");
    let late = send(&app, "campaign=yagi&format=mt940", outside).await;
    assert_eq!(late.status(), 422, "{}", late.text());
    assert!(
        late.text().contains("line 5 is booked on 2024-10-01"),
        "{}",
        late.text()
    );
}
