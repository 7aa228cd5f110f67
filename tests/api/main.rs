//! The HTTP API end to end: a real server on a loopback port (in this process, see
//! `helpers::app`), real tokens, real SQLite; one module per topic. Where a route is part
//! of a feature with its own area (donors, evidence, statements, exports), its tests are
//! there.

#[path = "../helpers/mod.rs"]
mod helpers;

mod appends;
mod auth;
mod bad_input_words;
mod bad_inputs;
mod bank_references;
mod connections;
mod corrections;
mod fuzzed_bodies;
mod idempotency;
mod memory;
mod openapi;
mod proofs;
mod reads;
mod reversal_marks;
mod rules;
mod search;
mod search_indexer;
mod security;
mod tokens;
mod totals;
mod vietqr;

use fundtrail::ledger::Hash;
use helpers::app::{TestApp, TestResponse};
use serde_json::{json, Value};

/// A hash written as hex in an answer.
fn hash(v: &Value) -> Hash {
    Hash::from_hex(v.as_str().expect("a hex string")).expect("a hash")
}

/// A list of hashes written as hex in an answer.
fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .expect("a list of hashes")
        .iter()
        .map(hash)
        .collect()
}

/// Asserts a refusal with `status`, `code` and `field` and a message in words, returns the
/// message, and checks the ledger still has `size_before` entries.
async fn refused(
    app: &TestApp,
    response: &TestResponse,
    status: u16,
    code: &str,
    field: Option<&str>,
    size_before: u64,
) -> String {
    assert_eq!(response.status(), status, "{}", response.text());
    let body = response.json();
    assert_eq!(body["error"], code, "{body}");
    assert_eq!(body["field"], json!(field), "{body}");
    assert_eq!(app.checkpoint_size().await, size_before, "{body}");
    let message = body["message"].as_str().expect("a message").to_string();
    assert!(!message.is_empty(), "{body}");
    message
}

/// [`refused`], when the message's words do not matter to the test.
async fn assert_refused(
    app: &TestApp,
    response: &TestResponse,
    status: u16,
    code: &str,
    field: Option<&str>,
    size_before: u64,
) {
    refused(app, response, status, code, field, size_before).await;
}
