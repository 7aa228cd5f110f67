//! The server's side of bank statements (SPEC.md §16): recording one with its lines in one
//! step, the published lines, a donor's line with both proofs, a provable omission, the
//! refusals that leave no trace, and `fundtrail verify URL` reconciling from the server.

use crate::helpers::app::{spawn_app, TestApp};
use crate::helpers::binary::{explain, fundtrail, text};
use fundtrail::ledger::hash::{sha256, Hash};
use fundtrail::ledger::merkle::verify_inclusion;
use fundtrail::ledger::reconcile::decode_lines;
use fundtrail::ledger::{decode, leaf_hash, verify_checkpoint, Body};
use serde_json::{json, Value};

fn vcb() -> Value {
    json!({"bank": "Vietcombank", "holder": "Quỹ Cứu trợ", "number": "0071000123456"})
}

async fn books() -> TestApp {
    let app = spawn_app().await;
    let opened = app
        .post(
            "/campaigns",
            &json!({"id": "yagi", "title": "Bão Yagi", "purpose": "Cứu trợ", "currency": "VND",
                    "accounts": [vcb()]}),
            app.admin(),
        )
        .await;
    assert_eq!(opened.status(), 201, "{}", opened.text());
    let gift = app
        .post(
            "/donations",
            &json!({"campaign": "yagi", "amount": "500000", "donor": "Anonymous",
                    "channel": "bank_transfer", "reference": "FT1", "received_at": "2024-09-10"}),
            app.recorder(),
        )
        .await;
    assert_eq!(gift.status(), 201, "{}", gift.text());
    app
}

fn september(closing: &str) -> Value {
    json!({
        "account": vcb(), "currency": "VND", "from": "2024-09-01", "to": "2024-09-30",
        "opening": "0", "closing": closing, "file_sha256": "11".repeat(32),
        "lines": [
            {"amount": "500000", "date": "2024-09-10", "id": "FT1", "memo": "ung ho"},
            {"amount": "70000", "counterparty": "TRAN THI BINH", "date": "2024-09-12", "id": "FT9"},
            {"amount": "-11000", "date": "2024-09-30", "id": "FEE9"},
        ],
        "exclusions": [{"line": 3, "reason": "fee"}],
    })
}

async fn record(app: &TestApp, body: &Value) -> crate::helpers::app::TestResponse {
    app.post("/statements/entries", body, app.recorder()).await
}

#[tokio::test]
async fn a_recorded_statement_publishes_its_lines_and_a_donor_proves_an_omission() {
    let app = books().await;
    let recorded = record(&app, &september("559000")).await;
    assert_eq!(recorded.status(), 201, "{}", recorded.text());
    let entry = decode(
        app.get_json(&format!("/entries/{}", recorded.seq())).await["leaf"]
            .as_str()
            .expect("leaf")
            .as_bytes(),
    );
    let Ok(Body::Statement(st)) = entry.map(|e| e.body) else {
        panic!("not a statement entry");
    };
    // The published lines are the committed ones.
    let file = app
        .get_text(&format!("/statements/{}/lines", st.lines_sha256))
        .await;
    assert_eq!(sha256(file.as_bytes()), st.lines_sha256);
    let lines = decode_lines(file.as_bytes()).expect("canonical lines");
    assert_eq!(
        fundtrail::ledger::reconcile::lines_root(&lines),
        st.lines_root
    );
    // The donor's line FT9: in the statement, named by no donation.
    let found = app.get_json("/statements/lines?id=FT9").await;
    let m = &found["matches"][0];
    assert_eq!(m["omission"], true, "{found}");
    assert_eq!(m["line_number"], 2);
    let line = m["line"].as_str().expect("line");
    let hashes = |v: &Value| -> Vec<Hash> {
        v.as_array()
            .expect("hashes")
            .iter()
            .map(|h| Hash::from_hex(h.as_str().expect("hex")).expect("hash"))
            .collect()
    };
    verify_inclusion(
        1,
        3,
        &leaf_hash(line.as_bytes()),
        &hashes(&m["line_proof"]),
        &st.lines_root,
    )
    .expect("the line is in the statement's root");
    let note = found["checkpoint"].as_str().expect("checkpoint");
    let checkpoint = verify_checkpoint(note, &app.key().await).expect("signed");
    let entry_leaf = m["entry"].as_str().expect("entry");
    verify_inclusion(
        recorded.seq(),
        checkpoint.size,
        &leaf_hash(entry_leaf.as_bytes()),
        &hashes(&m["entry_proof"]["proof"]),
        &checkpoint.root,
    )
    .expect("the statement is in the signed ledger");
    // FT1 is named by the donation; by amount and date finds FT9 too.
    let named = app.get_json("/statements/lines?id=FT1").await;
    assert_eq!(named["matches"][0]["omission"], false);
    assert_eq!(named["matches"][0]["named_by"], json!([1]));
    let by_amount = app
        .get_json("/statements/lines?amount=70000&date=2024-09-12")
        .await;
    assert_eq!(by_amount["matches"][0]["line_number"], 2);
    // The reconciliation reports the omission with its line and day.
    let r = app.get_json("/statements/reconciliation").await;
    assert_eq!(
        r["findings"],
        json!([format!("statement {} line 2 (2024-09-12): credit 70000 (FT9) is in the statement but no donation names it", recorded.seq())])
    );
}

#[tokio::test]
async fn a_statement_whose_lines_do_not_reach_its_closing_balance_is_refused_and_leaves_no_trace() {
    let app = books().await;
    let before = app.checkpoint_size().await;
    let refused = record(&app, &september("560000")).await;
    assert_eq!(refused.status(), 422, "{}", refused.text());
    assert_eq!(refused.json()["field"], "closing");
    assert_eq!(app.checkpoint_size().await, before);
    assert_eq!(
        app.get_json("/statements/lines?id=FT9").await["matches"],
        json!([])
    );
}

#[tokio::test]
async fn an_overlapping_statement_and_an_unknown_account_are_refused_naming_the_field() {
    let app = books().await;
    assert_eq!(record(&app, &september("559000")).await.status(), 201);
    let mut again = september("0");
    again["from"] = json!("2024-09-15");
    again["to"] = json!("2024-10-14");
    again["lines"] = json!([]);
    again["exclusions"] = json!([]);
    let overlap = record(&app, &again).await;
    assert_eq!(overlap.status(), 409, "{}", overlap.text());
    assert_eq!(overlap.json()["field"], "from");
    let mut other = september("559000");
    other["from"] = json!("2024-10-01");
    other["to"] = json!("2024-10-31");
    other["lines"] = json!([]);
    other["closing"] = json!("0");
    other["exclusions"] = json!([]);
    other["account"]["number"] = json!("999");
    let unknown = record(&app, &other).await;
    assert_eq!(unknown.status(), 422, "{}", unknown.text());
    assert_eq!(unknown.json()["field"], "account");
}

#[tokio::test]
async fn fundtrail_verify_of_a_server_fetches_the_published_lines_and_reports_the_omission() {
    let app = books().await;
    assert_eq!(record(&app, &september("559000")).await.status(), 201);
    let address = app.address.clone();
    let output = tokio::task::spawn_blocking(move || fundtrail(&["verify", &address]))
        .await
        .expect("verify ran");
    assert!(output.status.success(), "{}", explain(&output));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(
            "line 2 (2024-09-12): credit 70000 (FT9) is in the statement but no donation names it"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 3 (2024-09-30): -11000 (FEE9) explained as fee"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_disbursement_naming_the_payment_out_accounts_for_its_debit_line() {
    let app = books().await;
    let mut body = september("339000");
    body["lines"] = json!([
        {"amount": "500000", "date": "2024-09-10", "id": "FT1"},
        {"amount": "-150000", "date": "2024-09-20", "id": "DB7"},
        {"amount": "-11000", "date": "2024-09-30", "id": "FEE9"},
    ]);
    assert_eq!(record(&app, &body).await.status(), 201);
    let before = app.get_json("/statements/reconciliation").await;
    assert_eq!(
        before["findings"].as_array().map(Vec::len),
        Some(1),
        "{before}"
    );
    let paid = app
        .post(
            "/disbursements",
            &json!({"campaign": "yagi", "amount": "150000", "paid_at": "2024-09-20", "recipient": "HTX Nghĩa Hành",
                    "purpose": "Gạo", "reference": "DB7"}),
            app.recorder(),
        )
        .await;
    assert_eq!(paid.status(), 201, "{}", paid.text());
    let after = app.get_json("/statements/reconciliation").await;
    assert_eq!(after["findings"], json!([]), "{after}");
    assert_eq!(after["accounts"][0]["reconciled_through"], "2024-09-30");
}
