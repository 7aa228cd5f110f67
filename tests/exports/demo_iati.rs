//! `fundtrail demo` is configured with an IATI organisation identifier, so its IATI export
//! answers (issue 18) and validates against the IATI 2.03 schema.

use crate::helpers::binary;
use crate::validate_iati;
use std::process::{Command, Stdio};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_ledgers_iati_export_answers_with_its_organisation_identifier() {
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

    let response = reqwest::get(format!("{}/api/v1/export/iati", demo.base))
        .await
        .expect("sent");

    assert_eq!(response.status().as_u16(), 200);
    let xml = response.text().await.expect("body");
    assert!(
        xml.contains("<iati-identifier>XI-IATI-DEMO-flood-2026</iati-identifier>"),
        "{xml}"
    );
    if let Some(result) = validate_iati(&xml, dir.path()) {
        result.unwrap_or_else(|e| panic!("the demo's IATI file is not valid: {e}"));
    }
}
