//! `fundtrail demo` records a statement of its Vietcombank account that reconciles cleanly
//! through 2026-11-15, its interest line explained, so the page's `#/accounts` has content.

use crate::helpers::binary;
use std::process::{Command, Stdio};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_ledger_holds_a_statement_of_its_account_reconciled_with_its_interest_explained() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let port = binary::free_port();
    let mut command = Command::new(binary::BIN);
    command
        .args(["demo", "--read-limit", "0"])
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .arg("--data")
        .arg(dir.path().join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let demo = binary::start(command, port).await;

    let r: serde_json::Value =
        reqwest::get(format!("{}/api/v1/statements/reconciliation", demo.base))
            .await
            .expect("sent")
            .json()
            .await
            .expect("JSON");

    assert_eq!(r["findings"], serde_json::json!([]), "{r}");
    let account = &r["accounts"][0];
    assert_eq!(account["account"]["number"], "0071 0012 34567", "{r}");
    assert_eq!(account["reconciled_through"], "2026-11-15", "{r}");
    assert_eq!(account["bank_balance"], "37262345", "{r}");
    assert_eq!(account["excluded"].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(account["excluded"][0]["reason"], "interest", "{r}");
}
