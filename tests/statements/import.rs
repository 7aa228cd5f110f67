//! `POST /api/v1/statements` with the fixture statements: a dry run, an import keyed on the
//! bank's transaction ids, payer names, re-imports, and statements refused whole.

use crate::helpers::app::spawn_app;
use crate::{expected_outcomes, outcomes, upload, BAD_STATEMENT, STATEMENT};

#[tokio::test]
async fn a_dry_run_lists_every_line_and_appends_nothing() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;

    let response = upload(&app, &format!("campaign={flood}&dry_run=true"), STATEMENT).await;

    assert_eq!(response.status(), 200, "{}", response.text());
    let report = response.json();
    assert_eq!(outcomes(&report), expected_outcomes());
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["to_record"], 4);
    assert_eq!(report["recorded"], 0);
    assert_eq!(report["to_record_amount"], "4200000");
    let returned = &report["lines"][4];
    assert_eq!(returned["of_line"], 6);
    assert!(
        returned["reason"]
            .as_str()
            .is_some_and(|r| r.contains("record as a reversal of the disbursement")),
        "{returned}"
    );
    assert_eq!(report["lines"][0]["date"], "2026-11-24");
    assert_eq!(report["lines"][0]["amount"], "1000000");
    assert_eq!(report["lines"][0]["donor"], "Anonymous");
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn an_import_records_exactly_the_new_credits_keyed_on_the_bank_transaction_id() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;

    let response = upload(&app, &format!("campaign={flood}"), STATEMENT).await;

    assert_eq!(response.status(), 201, "{}", response.text());
    let report = response.json();
    assert_eq!(report["recorded"], 4);
    assert_eq!(app.checkpoint_size().await, size + 4);
    let totals = app.campaign_totals(&flood).await;
    assert_eq!(totals["donated"], "4200000");
    assert_eq!(totals["donations"], 4);
    let found = app.get_json("/search?reference=FT26329004").await;
    let entry = &found["results"][0]["entry"]["body"];
    assert_eq!(entry["amount"], "2500000");
    assert_eq!(entry["received_at"], "2026-11-25");
    assert_eq!(entry["donor"], "Anonymous");
    assert_eq!(entry["channel"], "bank_transfer");
    let returned = app.get_json("/search?reference=FT26330005").await;
    assert_eq!(returned["results"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn payer_names_become_donor_names_only_when_asked() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = upload(
        &app,
        &format!("campaign={flood}&publish_payer_names=true"),
        STATEMENT,
    )
    .await;

    assert_eq!(response.status(), 201, "{}", response.text());
    let found = app.get_json("/search?reference=FT26328001").await;
    assert_eq!(
        found["results"][0]["entry"]["body"]["donor"],
        "NGUYEN VAN AN"
    );
    let no_name = app.get_json("/search?reference=FT26330006").await;
    assert_eq!(no_name["results"][0]["entry"]["body"]["donor"], "Anonymous");
}

#[tokio::test]
async fn re_importing_an_overlapping_statement_adds_nothing_twice() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    upload(&app, &format!("campaign={flood}"), STATEMENT).await;
    let size = app.checkpoint_size().await;
    let overlapping = format!("{STATEMENT}27/11/2026,FT26331007,ung ho them,,300.000,PHAM VAN C\n");

    let response = upload(&app, &format!("campaign={flood}"), &overlapping).await;

    assert_eq!(response.status(), 201, "{}", response.text());
    let report = response.json();
    assert_eq!(report["recorded"], 1);
    let already: Vec<String> = outcomes(&report)
        .into_iter()
        .filter(|(_, o)| o == "already_recorded")
        .map(|(r, _)| r)
        .collect();
    assert_eq!(
        already,
        ["FT26328001", "FT26328002", "FT26329004", "FT26330006"]
    );
    assert_eq!(app.checkpoint_size().await, size + 1);
    assert_eq!(app.campaign_totals(&flood).await["donated"], "4500000");
}

#[tokio::test]
async fn a_malformed_statement_is_refused_whole_naming_the_line_and_column() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;

    let response = upload(&app, &format!("campaign={flood}"), BAD_STATEMENT).await;

    assert_eq!(response.status(), 422, "{}", response.text());
    let body = response.json();
    assert_eq!(body["error"], "invalid_statement");
    assert_eq!(body["field"], "Số tiền");
    assert!(
        body["message"].as_str().is_some_and(
            |m| m.starts_with("line 17, column \"Số tiền\": \"1.000.0x0\" is not an amount")
        ),
        "{body}"
    );
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn a_statement_line_dated_after_tomorrow_is_refused_whole_naming_the_date_cell() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;
    let csv = "Ngày giao dịch,Mã giao dịch,Nội dung,Ghi nợ,Ghi có,Tên người chuyển\n\
               24/11/2026,FT26328001,UNG HO,,1.000.000,NGUYEN VAN AN\n\
               24/11/2099,FT26328002,UNG HO,,500.000,TRAN THI BINH\n";

    let response = upload(&app, &format!("campaign={flood}&dry_run=true"), csv).await;

    assert_eq!(response.status(), 422, "{}", response.text());
    let body = response.json();
    assert_eq!(body["field"], "Ngày giao dịch", "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| m
            .starts_with("line 3, column \"Ngày giao dịch\": must be a day from 1900-01-01 to ")),
        "{body}"
    );
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn a_statement_for_a_closed_or_unknown_campaign_is_refused_before_anything_is_appended() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    app.close_campaign(&flood).await;
    let size = app.checkpoint_size().await;

    let closed = upload(&app, &format!("campaign={flood}"), STATEMENT).await;
    let unknown = upload(&app, "campaign=no-such-campaign", STATEMENT).await;

    assert_eq!(closed.status(), 409, "{}", closed.text());
    assert_eq!(closed.json()["error"], "campaign_closed");
    assert_eq!(unknown.status(), 422, "{}", unknown.text());
    assert_eq!(unknown.json()["error"], "unknown_campaign");
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn importing_a_statement_needs_a_recorder_token() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = app
        .client
        .post(format!(
            "{}/api/v1/statements?campaign={flood}",
            app.address
        ))
        .body(STATEMENT)
        .send()
        .await
        .expect("request sent");

    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn a_statement_larger_than_64_kib_is_accepted_on_this_route() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let mut big = String::from("Date,Transaction ID,Amount,Description\n");
    for i in 0..2000 {
        big.push_str(&format!(
            "2026-11-24,BIG{i:05},\"1,000\",a gift with a fairly long transfer message {i}\n"
        ));
    }
    assert!(big.len() > 64 * 1024);

    let response = upload(&app, &format!("campaign={flood}&dry_run=true"), &big).await;

    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.json()["to_record"], 2000);
}

#[tokio::test]
async fn with_payer_names_published_the_transfer_message_is_the_public_memo_and_is_searchable() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = upload(
        &app,
        &format!("campaign={flood}&publish_payer_names=true"),
        STATEMENT,
    )
    .await;

    assert_eq!(response.status(), 201, "{}", response.text());
    let found = app.get_json("/search?q=ba%20con%20vung%20lu").await;
    let body = &found["results"][0]["entry"]["body"];
    assert_eq!(body["reference"], "FT26328002");
    assert_eq!(body["memo"], "ung ho ba con vung lu, chuc binh an");
    assert_eq!(found["results"][0]["matched"], "memo");
}

#[tokio::test]
async fn without_payer_names_the_transfer_message_is_only_the_donors_own_commitment() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let response = upload(&app, &format!("campaign={flood}"), STATEMENT).await;

    assert_eq!(response.status(), 201, "{}", response.text());
    let found = app.get_json("/search?q=FT26328002").await;
    let hit = &found["results"][0];
    assert!(hit["entry"]["body"].get("memo").is_none(), "{hit}");
    assert!(hit["entry"]["body"]["commitment"].is_string(), "{hit}");
    let by_message = app.get_json("/search?q=ba%20con%20vung%20lu").await;
    assert_eq!(by_message["results"], serde_json::json!([]));
    let seq = hit["seq"].as_u64().expect("seq");
    let receipt = app
        .client
        .get(format!("{}/api/v1/receipts/{seq}", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("sent");
    assert_eq!(receipt.status(), 200);
    let receipt: serde_json::Value = receipt.json().await.expect("a receipt");
    let receipt: fundtrail::ledger::receipt::Receipt =
        serde_json::from_value(receipt).expect("a receipt");
    let key = app.key().await;
    fundtrail::ledger::receipt::verify_receipt(
        &receipt,
        &key,
        Some("  ung ho ba con vung lu, chuc binh an "),
    )
    .expect("the message, typed again, proves the gift");
}
