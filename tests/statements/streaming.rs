//! A statement read as it arrives: its donations take seqs in the statement's line order, an
//! import may outlast the usual request time limit, and bodies of the wrong type, empty or
//! line-less statements and statements over 64 MiB are refused with nothing recorded.

use crate::helpers::app::{spawn_app, spawn_app_with_limits};
use crate::{credits, upload, upload_as, STATEMENT};
use serde_json::Value;

#[tokio::test]
async fn a_statements_donations_are_recorded_in_the_statements_line_order() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let first = app.checkpoint_size().await;

    let response = upload(&app, &format!("campaign={flood}"), &credits(6000)).await;

    assert_eq!(response.status(), 201, "{}", response.text());
    let report = response.json();
    let lines = report["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 6000);
    let out_of_order: Vec<(u64, u64)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u64, l["seq"].as_u64().expect("recorded")))
        .filter(|(i, seq)| *seq != first + i)
        .take(5)
        .collect();
    assert!(
        out_of_order.is_empty(),
        "(line index, seq): {out_of_order:?}"
    );
    let stored = app
        .get_text(&format!("/entries?start={first}&limit=1000"))
        .await;
    for (i, leaf) in stored.lines().enumerate() {
        let entry: Value = serde_json::from_str(leaf).expect("leaf");
        assert_eq!(entry["body"]["reference"], format!("ORD{i:05}"));
    }
}

#[tokio::test]
async fn a_form_encoded_statement_is_refused_with_415_naming_the_accepted_types() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;
    // `curl -d @file` sends the file as a form, with its line ends removed.
    let as_curl_d_sends_it: String = STATEMENT.lines().collect();

    let form = upload_as(
        &app,
        &format!("campaign={flood}"),
        Some("application/x-www-form-urlencoded"),
        as_curl_d_sends_it.clone().into_bytes(),
    )
    .await;
    let multipart = upload_as(
        &app,
        &format!("campaign={flood}"),
        Some("multipart/form-data; boundary=x"),
        STATEMENT.as_bytes().to_vec(),
    )
    .await;
    let untyped = upload_as(
        &app,
        &format!("campaign={flood}&dry_run=true"),
        None,
        STATEMENT.as_bytes().to_vec(),
    )
    .await;

    assert_eq!(form.status(), 415, "{}", form.text());
    assert_eq!(form.json()["error"], "unsupported_media_type");
    assert_eq!(form.json()["field"], "Content-Type");
    let message = form.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("text/csv") && message.contains("--data-binary"),
        "{message}"
    );
    assert_eq!(multipart.status(), 415, "{}", multipart.text());
    assert_eq!(untyped.status(), 200, "{}", untyped.text());
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn an_empty_statement_or_one_with_no_lines_under_its_header_is_refused_with_422() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;
    let query = format!("campaign={flood}");
    let one_line: String = STATEMENT.lines().collect();

    let empty = upload(&app, &query, "").await;
    let blank = upload(&app, &query, "\r\n\r\n").await;
    let header_only = upload(&app, &query, "Date,Transaction ID,Amount\n").await;
    let joined = upload(&app, &query, &one_line).await;

    for (what, answer) in [("empty", &empty), ("blank", &blank)] {
        assert_eq!(answer.status(), 422, "{what}: {}", answer.text());
        assert_eq!(answer.json()["error"], "invalid_statement", "{what}");
        assert!(
            answer.text().contains("the statement is empty"),
            "{what}: {}",
            answer.text()
        );
    }
    for (what, answer) in [
        ("header only", &header_only),
        ("line ends removed", &joined),
    ] {
        assert_eq!(answer.status(), 422, "{what}: {}", answer.text());
        assert!(
            answer
                .text()
                .contains("no transaction lines under its header row"),
            "{what}: {}",
            answer.text()
        );
    }
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn a_statement_over_64_mib_is_refused_with_413_and_nothing_is_recorded() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;
    let line = "2026-11-24,T0000000001,1000,a gift with a long transfer message to fill the file\n";
    let mut big = String::from("Date,Transaction ID,Amount,Description\n");
    while big.len() <= 64 * 1024 * 1024 {
        big.push_str(line);
    }

    let response = upload(&app, &format!("campaign={flood}"), &big).await;

    assert_eq!(response.status(), 413, "{}", response.text());
    assert!(
        response.text().contains("at most 64 MiB"),
        "{}",
        response.text()
    );
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn a_statement_import_may_take_longer_than_the_time_limit_of_other_requests() {
    let app = spawn_app_with_limits(fundtrail::http::limits::Limits {
        request_timeout: std::time::Duration::from_millis(50),
        ..fundtrail::http::limits::Limits::OFF
    })
    .await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let statement = credits(6000);
    let started = std::time::Instant::now();

    let response = upload(&app, &format!("campaign={flood}"), &statement).await;

    assert!(
        started.elapsed() > std::time::Duration::from_millis(50),
        "the import should outlast the limit for this test to mean anything"
    );
    assert_eq!(response.status(), 201, "{}", response.text());
    assert_eq!(response.json()["recorded"], 6000);
}
