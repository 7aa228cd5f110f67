//! Bank statement import, through the API and the CLI, on a real server: a Vietnamese
//! bank export with a preamble, thousands separators, a repeated line, an outgoing
//! transfer and money that came back from it.

mod common;

use common::{fundtrail, spawn_app, spawn_app_with_limits, TestApp};
use serde_json::Value;

const STATEMENT: &str = include_str!("data/statements/vcb-2026-11.csv");
const BAD_STATEMENT: &str = include_str!("data/statements/bad-amount-line-17.csv");

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/data/statements/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A statement upload's answer.
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn status(&self) -> u16 {
        self.status
    }
    fn text(&self) -> &str {
        &self.body
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {}", self.body))
    }
}

/// `POST /api/v1/statements?{query}` with the CSV text as body, as recorder.
async fn upload(app: &TestApp, query: &str, csv: &str) -> Answer {
    upload_as(app, query, Some("text/csv"), csv.as_bytes().to_vec()).await
}

/// `POST /api/v1/statements?{query}` with `body` sent as `content_type`, as recorder.
async fn upload_as(
    app: &TestApp,
    query: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Answer {
    let mut request = app
        .client
        .post(format!("{}/api/v1/statements?{query}", app.address))
        .bearer_auth(&app.recorder_token)
        .body(body);
    if let Some(t) = content_type {
        request = request.header("content-type", t);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    Answer { status, body }
}

fn outcomes(report: &Value) -> Vec<(String, String)> {
    report["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["reference"].as_str().unwrap_or_default().to_string(),
                l["outcome"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn expected_outcomes() -> Vec<(String, String)> {
    [
        ("FT26328001", "record"),
        ("FT26328002", "record"),
        ("FT26329003", "outgoing"),
        ("FT26329004", "record"),
        ("FT26330005", "returned_transfer"),
        ("FT26328002", "duplicate_line"),
        ("FT26330006", "record"),
    ]
    .iter()
    .map(|(r, o)| (r.to_string(), o.to_string()))
    .collect()
}

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
async fn the_cli_previews_imports_and_re_imports_a_statement() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;
    let ledger = app.stop().await;
    let data = ledger.data_dir().display().to_string();
    let file = fixture("vcb-2026-11.csv");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "import-statement",
            &file,
            "--campaign",
            &flood,
            "--data",
            &data,
        ];
        args.extend_from_slice(extra);
        fundtrail(&args)
    };

    let preview = run(&["--dry-run"]);
    let imported = run(&[]);
    let again = run(&["--json"]);

    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        preview.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&preview.stderr)
    );
    assert!(
        text(&preview).contains("Dry run: would record 4 donation(s)"),
        "{}",
        text(&preview)
    );
    assert!(
        text(&preview)
            .contains("line 6: 2026-11-25 -15000000 VND ref FT26329003: skipped: outgoing"),
        "{}",
        text(&preview)
    );
    assert!(
        text(&preview).contains("returned transfer (of line 6)"),
        "{}",
        text(&preview)
    );
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(
        text(&imported).contains("Recorded 4 donation(s)"),
        "{}",
        text(&imported)
    );
    let report: Value = serde_json::from_str(&text(&again)).expect("JSON report");
    assert_eq!(report["recorded"], 0);
    let app = ledger.restart().await;
    assert_eq!(app.checkpoint_size().await, size + 4);
    assert_eq!(app.campaign_totals(&flood).await["donated"], "4200000");
}

#[tokio::test]
async fn the_cli_refuses_a_malformed_statement_and_records_nothing() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;
    let ledger = app.stop().await;
    let data = ledger.data_dir().display().to_string();

    let output = fundtrail(&[
        "import-statement",
        &fixture("bad-amount-line-17.csv"),
        "--campaign",
        &flood,
        "--data",
        &data,
    ]);

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 17, column \"Số tiền\": \"1.000.0x0\" is not an amount"),
        "{stderr}"
    );
    let app = ledger.restart().await;
    assert_eq!(app.checkpoint_size().await, size);
}

/// A statement of `n` credits, one per line, with transaction ids `ORD00000`….
fn credits(n: usize) -> String {
    let mut csv = String::from("Date,Transaction ID,Amount,Description\n");
    for i in 0..n {
        csv.push_str(&format!("2026-11-24,ORD{i:05},{},gift {i}\n", 1000 + i));
    }
    csv
}

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
