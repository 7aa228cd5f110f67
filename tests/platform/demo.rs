//! `fundtrail demo` also serves a small platform on a second loopback port: its banner names
//! the platform's address and an account to check that is registered and one that is not;
//! the platform answers for both, and each organisation's ledger and the registry verify
//! with `fundtrail verify`.

use crate::helpers::binary::{explain, free_port, fundtrail, BIN};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `fundtrail demo`, killed when dropped, and what it printed up to `Open …`.
struct Demo {
    child: Child,
    banner: Vec<String>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Demo {
    /// The text after `prefix` on the banner line starting with it.
    fn line(&self, prefix: &str) -> Option<&str> {
        self.banner.iter().find_map(|l| l.strip_prefix(prefix))
    }
}

/// Starts `fundtrail demo` on a free port in a folder under `dir` with `extra` arguments
/// (its log to `dir/demo.log`) and reads its banner (at most 60 s).
async fn start_demo(dir: &std::path::Path, extra: &[&str]) -> Demo {
    let port = free_port();
    let mut child = Command::new(BIN)
        .args([
            "demo",
            "--read-limit",
            "0",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .arg("--data")
        .arg(dir.join("data"))
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("demo.log")).expect("the demo's log file"))
        .spawn()
        .expect("fundtrail demo starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let reading = tokio::task::spawn_blocking(move || {
        let mut banner = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("a line of the banner");
            let last = line.starts_with("Open http");
            banner.push(line);
            if last {
                break;
            }
        }
        banner
    });
    let mut demo = Demo {
        child,
        banner: Vec::new(),
    };
    demo.banner = tokio::time::timeout(Duration::from_secs(60), reading)
        .await
        .expect("the demo printed its banner within 60 s")
        .expect("the banner was read");
    demo
}

/// `GET url` as JSON.
async fn get_json(client: &reqwest::Client, url: &str) -> Value {
    let response = client.get(url).send().await.expect("request sent");
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    response.json().await.expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_a_platform_whose_account_check_finds_the_printed_account_and_whose_ledgers_verify(
) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let demo = start_demo(dir.path(), &[]).await;
    let banner = demo.banner.join("\n");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");

    let platform_line = demo
        .line("Demo platform of 3 organisations in ")
        .unwrap_or_else(|| panic!("no platform line in the banner:\n{banner}"));
    let (_, rest) = platform_line
        .split_once(": http://")
        .expect("the platform URL");
    let platform = format!("http://{}", rest.split('/').next().expect("host and port"));
    let slugs: Vec<String> = platform_line
        .split(&format!("{platform}/o/"))
        .skip(1)
        .map(|s| s.split('/').next().expect("a slug").to_string())
        .collect();
    let try_line = demo
        .line(&format!(
            "Try \"Check an account before you transfer\" on {platform}/: "
        ))
        .unwrap_or_else(|| panic!("no line saying what to try:\n{banner}"));
    let (registered, unregistered) = try_line.split_once("; ").expect("two accounts");
    let (number, bank) = registered
        .split_once(" is registered")
        .and_then(|(account, _)| account.split_once(" at "))
        .expect("the registered account and its bank");
    let other = unregistered
        .strip_suffix(" is not registered")
        .expect("the unregistered account");
    let demo_ledger = demo.line("Open ").expect("the demo ledger's URL");

    let page = client
        .get(format!("{platform}/"))
        .send()
        .await
        .expect("page");
    let page_url = page.url().to_string();
    let page_text = page.text().await.expect("page text");
    let found = get_json(
        &client,
        &format!("{platform}/api/v1/platform/check-account?number={number}&bank={bank}"),
    )
    .await;
    let missed = get_json(
        &client,
        &format!("{platform}/api/v1/platform/check-account?number={other}"),
    )
    .await;
    let orgs = get_json(&client, &format!("{platform}/api/v1/platform/orgs")).await;
    let info = get_json(&client, &format!("{demo_ledger}api/v1/info")).await;
    let mut verified = Vec::new();
    for path in slugs
        .iter()
        .map(|s| format!("o/{s}"))
        .chain(["registry".into()])
    {
        verified.push((
            path.clone(),
            fundtrail(&["verify", &format!("{platform}/{path}")]),
        ));
    }

    assert_ne!(format!("{platform}/"), demo_ledger, "{banner}");
    assert_eq!(page_url, format!("{platform}/platform/"));
    assert!(
        page_text.contains("id=\"registry-foot\""),
        "the platform page: {page_text}"
    );
    assert_eq!(found["registered"], true, "{found}");
    assert_eq!(found["org"]["slug"], "quy-ban-mai", "{found}");
    assert_eq!(
        found["campaigns"].as_array().map(Vec::len),
        Some(2),
        "{found}"
    );
    assert_eq!(missed["registered"], false, "{missed}");
    assert_eq!(slugs.len(), 3, "{banner}");
    let statuses: Vec<&str> = orgs["orgs"]
        .as_array()
        .expect("organisations")
        .iter()
        .filter_map(|o| o["status"].as_str())
        .collect();
    assert!(statuses.contains(&"suspended"), "{orgs}");
    assert_eq!(info["origin"], "demo.fundtrail.local/ledger", "{info}");
    for (path, output) in verified {
        assert!(
            output.status.success(),
            "verify {path}: {}",
            explain(&output)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_and_its_platform_start_without_logging_an_error() {
    let dir = tempfile::tempdir().expect("temporary folder");

    let demo = start_demo(dir.path(), &[]).await;
    // Past the background indexer's retry after a failure (5 s), so a store closed under
    // it would have logged twice.
    tokio::time::sleep(Duration::from_secs(7)).await;
    drop(demo);

    let log = std::fs::read_to_string(dir.path().join("demo.log")).expect("the demo's log");
    let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
    assert!(
        errors.is_empty(),
        "the demo logged errors:\n{}",
        errors.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_without_its_platform_serves_the_demo_ledger_alone() {
    let dir = tempfile::tempdir().expect("temporary folder");

    let demo = start_demo(dir.path(), &["--no-platform"]).await;

    let banner = demo.banner.join("\n");
    assert!(demo.line("Demo platform of").is_none(), "{banner}");
    assert!(!dir.path().join("data").join("platform").exists());
    assert!(demo.line("Open http://127.0.0.1:").is_some(), "{banner}");
}

#[test]
fn the_demo_refuses_a_platform_port_in_use_naming_it_and_exits_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port held by the test");
    let port = taken.local_addr().expect("its address").port().to_string();

    let output = Command::new(BIN)
        .args(["demo", "--addr", &format!("127.0.0.1:{}", free_port())])
        .args(["--platform-port", &port])
        .arg("--data")
        .arg(dir.path().join("data"))
        .env("NO_COLOR", "1")
        .output()
        .expect("fundtrail demo runs");

    assert_eq!(output.status.code(), Some(2), "{}", explain(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(&format!("127.0.0.1:{port}")),
        "{}",
        explain(&output)
    );
    assert!(!dir.path().join("data").join("platform").exists());
}
