//! The command line of a platform: `platform init`, `platform org create|suspend` on the
//! stopped folder, then `platform serve` answering for the organisation it made.

use crate::helpers::binary::{command, free_port, fundtrail, start};
use serde_json::Value;

fn said(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The value after `label` on a line of `text`.
fn after(text: &str, label: &str) -> String {
    text.lines()
        .find_map(|l| l.split_once(label).map(|(_, v)| v.trim().to_string()))
        .unwrap_or_else(|| panic!("no {label:?} in {text}"))
}

#[tokio::test]
async fn platform_init_org_create_and_suspend_from_the_command_line_then_serve() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("platform");
    let data = data.to_str().expect("path");

    let init = fundtrail(&[
        "platform",
        "init",
        "--data",
        data,
        "--name",
        "Nền tảng",
        "--origin",
        "plat.test/registry",
    ]);
    let created = fundtrail(&[
        "platform",
        "org",
        "create",
        "--data",
        data,
        "--slug",
        "ngo-a",
        "--name",
        "Hội A",
        "--kind",
        "local_authority",
        "--account",
        "Vietcombank:Hội A: chi nhánh 1:0011002233",
        "--registration-number",
        "123/QĐ",
    ]);
    let bad_slug = fundtrail(&[
        "platform", "org", "create", "--data", data, "--slug", "API", "--name", "x",
    ]);
    let suspended = fundtrail(&[
        "platform",
        "org",
        "suspend",
        "--data",
        data,
        "--slug",
        "ngo-a",
        "--reason",
        "Thiếu sao kê.",
    ]);

    assert!(init.status.success(), "{}", said(&init));
    assert!(created.status.success(), "{}", said(&created));
    assert_eq!(bad_slug.status.code(), Some(2), "{}", said(&bad_slug));
    assert!(said(&bad_slug).contains("slug"), "{}", said(&bad_slug));
    assert!(suspended.status.success(), "{}", said(&suspended));
    let token = after(
        &String::from_utf8_lossy(&created.stdout),
        "(shown once; give it to the organisation):",
    );
    let port = free_port();
    let mut serve = command();
    serve
        .args(["platform", "serve", "--read-limit", "0", "--data", data])
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let server = start(serve, port).await;
    let client = reqwest::Client::new();
    let orgs: Value = client
        .get(format!("{}/api/v1/platform/orgs", server.base))
        .send()
        .await
        .expect("orgs")
        .json()
        .await
        .expect("JSON");
    let append = client
        .post(format!("{}/o/ngo-a/api/v1/campaigns", server.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "id": "flood", "title": "Lũ", "purpose": "Gạo", "currency": "VND" }))
        .send()
        .await
        .expect("append");

    assert_eq!(orgs["orgs"][0]["slug"], "ngo-a");
    assert_eq!(orgs["orgs"][0]["kind"], "local_authority");
    assert_eq!(orgs["orgs"][0]["status"], "suspended");
    assert_eq!(
        orgs["orgs"][0]["accounts"][0]["holder"],
        "Hội A: chi nhánh 1"
    );
    assert_eq!(append.status().as_u16(), 423);
}
