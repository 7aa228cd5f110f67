//! Bank statement import, through the API and the CLI, on a real server, and the memory it
//! holds for a long statement. The fixture (`tests/data/statements/`) is a Vietnamese bank's
//! export with a preamble, thousands separators, a repeated line, an outgoing transfer and
//! money that came back from it.

#[path = "../helpers/mod.rs"]
mod helpers;

mod cli;
mod import;
mod memory;
mod streaming;

use helpers::app::{TestApp, TestResponse};
use serde_json::Value;

/// The fixture statement, and one whose line 17 holds an amount that cannot be read.
const STATEMENT: &str = include_str!("../data/statements/vcb-2026-11.csv");
const BAD_STATEMENT: &str = include_str!("../data/statements/bad-amount-line-17.csv");

/// The path of the fixture `name`.
fn fixture(name: &str) -> String {
    format!(
        "{}/tests/data/statements/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `POST /api/v1/statements?{query}` with the CSV text as body, as recorder.
async fn upload(app: &TestApp, query: &str, csv: &str) -> TestResponse {
    upload_as(app, query, Some("text/csv"), csv.as_bytes().to_vec()).await
}

/// `POST /api/v1/statements?{query}` with `body` sent as `content_type`, as recorder.
async fn upload_as(
    app: &TestApp,
    query: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> TestResponse {
    let mut request = app
        .client
        .post(format!("{}/api/v1/statements?{query}", app.address))
        .bearer_auth(&app.recorder_token)
        .body(body);
    if let Some(t) = content_type {
        request = request.header("content-type", t);
    }
    TestResponse::read(request.send().await.expect("request sent")).await
}

/// Each line of an import report as (reference, outcome).
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

/// What the fixture statement's lines come to, in order.
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

/// A statement of `n` credits, one per line, with transaction ids `ORD00000`….
fn credits(n: usize) -> String {
    let mut csv = String::from("Date,Transaction ID,Amount,Description\n");
    for i in 0..n {
        csv.push_str(&format!("2026-11-24,ORD{i:05},{},gift {i}\n", 1000 + i));
    }
    csv
}
