//! Tiles mirrors (SPEC.md §13): a server lists them in `/api/v1/info` and lets the page
//! connect to exactly them (CSP `connect-src`); an unusable mirror URL stops `serve` with
//! words naming it.

use crate::helpers::binary::{explain, fundtrail, init, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_mirrors_are_in_info_and_the_only_other_origins_the_page_may_connect_to() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    init(&data, &["--origin", "mirrors.example.org"]);
    std::fs::write(
        data.join("tiles-mirrors.txt"),
        "# our mirrors\nhttps://cdn.example.org/log\n\nhttps://mirror.partner.example/fundtrail/log/\n",
    )
    .expect("mirrors written");

    let server = serve(&data, &[]).await;
    let answer = reqwest::get(format!("{}/api/v1/info", server.base))
        .await
        .expect("info");
    let csp = answer.headers()["content-security-policy"]
        .to_str()
        .expect("text")
        .to_string();
    let info: serde_json::Value = answer.json().await.expect("json");

    assert_eq!(
        info["tiles_mirrors"],
        serde_json::json!([
            "https://cdn.example.org/log/",
            "https://mirror.partner.example/fundtrail/log/"
        ])
    );
    assert!(csp.starts_with("default-src 'self';"), "{csp}");
    assert!(
        csp.ends_with("; connect-src 'self' https://cdn.example.org/log/ https://mirror.partner.example/fundtrail/log/"),
        "{csp}"
    );
}

#[test]
fn a_plain_http_mirror_elsewhere_than_loopback_stops_serve_with_words_naming_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    init(&data, &["--origin", "mirrors.example.org"]);

    let out = fundtrail(&[
        "serve",
        "--data",
        data.to_str().expect("utf-8 path"),
        "--addr",
        "127.0.0.1:0",
        "--tiles-mirror",
        "http://cdn.example.org/log",
    ]);

    assert_eq!(out.status.code(), Some(2), "{}", explain(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("http://cdn.example.org/log") && said.contains("https://"),
        "{said}"
    );
}
