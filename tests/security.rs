//! Rate limits, closed CORS for staff routes, security headers: what an attacker meets.

mod common;

use common::{spawn_app, spawn_app_with_limits};
use fundtrail::http::limits::Limits;
use serde_json::json;

#[tokio::test]
async fn public_reads_beyond_the_per_address_limit_are_refused_with_429() {
    let app = spawn_app_with_limits(Limits {
        reads_per_second: 5,
        reads_burst: 5,
        failed_auth_per_minute: 0,
        ..Limits::OFF
    })
    .await;

    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(app.get("/totals").await.status());
    }

    assert!(statuses[..5].iter().all(|s| *s == 200), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn staff_appends_are_not_counted_against_the_read_limit() {
    let app = spawn_app_with_limits(Limits {
        reads_per_second: 1,
        reads_burst: 1,
        failed_auth_per_minute: 0,
        ..Limits::OFF
    })
    .await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    for i in 0..10 {
        let r = app
            .post(
                "/donations",
                &json!({"campaign": campaign, "amount": "1000", "reference": format!("R{i}")}),
                Some(&app.recorder_token),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text());
    }
}

#[tokio::test]
async fn repeated_failed_authentication_is_refused_with_429_even_with_a_valid_token_afterwards() {
    let app = spawn_app_with_limits(Limits {
        reads_per_second: 0,
        reads_burst: 0,
        failed_auth_per_minute: 3,
        ..Limits::OFF
    })
    .await;
    let body = json!({"campaign": "x", "amount": "1"});

    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            app.post("/donations", &body, Some("ft_wrong"))
                .await
                .status(),
        );
    }
    let with_valid_token = app
        .post("/donations", &body, Some(&app.recorder_token))
        .await;

    assert_eq!(&statuses[..3], &[401, 401, 401], "{statuses:?}");
    assert_eq!(statuses[3..], [429, 429], "{statuses:?}");
    assert_eq!(with_valid_token.status(), 429);
    assert_eq!(with_valid_token.json()["error"], "too_many_failed_attempts");
}

#[tokio::test]
async fn staff_routes_send_no_cors_permission_and_every_response_carries_the_security_headers() {
    let app = spawn_app().await;

    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/donations", app.address),
        )
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .expect("preflight");
    let page = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("page");

    assert!(preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert!(preflight
        .headers()
        .get("access-control-allow-headers")
        .is_none());
    let h = page.headers();
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap_or("")
        .contains("default-src 'self'"));
    assert!(!h["content-security-policy"]
        .to_str()
        .unwrap_or("")
        .contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
}

/// Every staff route, with the role it needs.
const STAFF_ROUTES: &[(&str, &str, bool)] = &[
    // (method, path, admin only)
    ("POST", "/campaigns", true),
    ("POST", "/campaigns/flood-2026/close", true),
    ("POST", "/donations", false),
    ("POST", "/disbursements", false),
    ("POST", "/transfers", false),
    ("POST", "/reversals", false),
    ("POST", "/evidence", false),
    ("POST", "/statements?campaign=flood-2026", false),
    ("GET", "/donors/1", true),
    ("DELETE", "/donors/1", true),
];

async fn call(app: &common::TestApp, method: &str, path: &str, token: Option<&str>) -> u16 {
    let url = format!("{}/api/v1{path}", app.address);
    let mut request = match method {
        "POST" => app
            .client
            .post(url)
            .header("content-type", "application/json")
            .body("{}"),
        "DELETE" => app.client.delete(url),
        _ => app.client.get(url),
    };
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.expect("request").status().as_u16()
}

#[tokio::test]
async fn every_staff_route_refuses_a_missing_token_a_revoked_token_and_the_wrong_role() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    app.donate("flood-2026", "1000").await;
    let revoked = fundtrail::http::auth::new_token();
    let id = app
        .store
        .create_token(
            "gone",
            "admin",
            &fundtrail::ledger::hash::sha256(revoked.as_bytes()),
        )
        .await
        .expect("token");
    assert_ne!(
        call(&app, "POST", "/campaigns", Some(&revoked)).await,
        401,
        "works before revocation"
    );
    app.store.revoke_token(id).await.expect("revoke");
    let size = app.checkpoint_size().await;

    for (method, path, admin_only) in STAFF_ROUTES {
        assert_eq!(
            call(&app, method, path, None).await,
            401,
            "{method} {path} without a token"
        );
        assert_eq!(
            call(&app, method, path, Some("ft_not-a-token")).await,
            401,
            "{method} {path} unknown token"
        );
        assert_eq!(
            call(&app, method, path, Some(&revoked)).await,
            401,
            "{method} {path} revoked token"
        );
        if *admin_only {
            assert_eq!(
                call(&app, method, path, Some(&app.recorder_token)).await,
                403,
                "{method} {path} as recorder"
            );
        }
    }
    assert_eq!(app.checkpoint_size().await, size, "nothing was appended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundreds_of_concurrent_appends_mixing_retries_and_invalid_requests_give_one_clean_chain() {
    let app = std::sync::Arc::new(spawn_app().await);
    app.open_campaign("flood-2026", "VND").await;
    let base = app.checkpoint_size().await;

    let mut tasks = Vec::new();
    for n in 0..300u32 {
        let app = std::sync::Arc::clone(&app);
        tasks.push(tokio::spawn(async move {
            let (body, key) = match n % 3 {
                // Five concurrent retries of each logical donation share one key.
                0 => (json!({"campaign": "flood-2026", "amount": "1000", "reference": format!("K{}", n / 15)}), Some(format!("key-{}", n / 15))),
                // Invalid: overdraft, unknown campaign, too many decimals.
                1 => match n % 9 {
                    1 => (json!({"campaign": "flood-2026", "amount": "999999999999", "recipient": "x", "purpose": "y"}), None),
                    4 => (json!({"campaign": "nowhere", "amount": "1000"}), None),
                    _ => (json!({"campaign": "flood-2026", "amount": "10.5"}), None),
                },
                _ => (json!({"campaign": "flood-2026", "amount": "2000", "reference": format!("U{n}")}), None),
            };
            let route = if n % 9 == 1 { "/disbursements" } else { "/donations" };
            let r = app
                .post_with(route, body.to_string().into_bytes(), Some(&app.recorder_token), key.as_deref())
                .await;
            (n, r.status(), r.json()["seq"].as_u64())
        }));
    }
    let mut by_key: std::collections::HashMap<u32, Vec<u64>> = std::collections::HashMap::new();
    let mut unique = Vec::new();
    for t in tasks {
        let (n, status, seq) = t.await.expect("task");
        match n % 3 {
            0 => {
                assert!(status == 201 || status == 200, "retry {n}: {status}");
                by_key.entry(n / 15).or_default().push(seq.expect("seq"));
            }
            1 => assert!((400..500).contains(&status), "invalid {n}: {status}"),
            _ => {
                assert_eq!(status, 201, "unique {n}");
                unique.push(seq.expect("seq"));
            }
        }
    }
    let mut seqs: Vec<u64> = unique;
    for (key, group) in &by_key {
        assert!(
            group.iter().all(|s| *s == group[0]),
            "key {key}: one entry for all retries {group:?}"
        );
        seqs.push(group[0]);
    }
    seqs.sort_unstable();
    let expected: Vec<u64> = (base..base + seqs.len() as u64).collect();
    assert_eq!(seqs, expected, "one gap-free chain, no duplicate");
    assert_eq!(app.checkpoint_size().await, base + seqs.len() as u64);
    let bundle = app.get_text("/export").await;
    fundtrail::ledger::verify_bundle(bundle.as_bytes(), None, None, |_| {}).expect("verifies");
}

#[tokio::test]
async fn a_request_whose_body_never_finishes_is_cut_off_with_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with_limits(Limits {
        request_timeout: std::time::Duration::from_millis(500),
        ..Limits::OFF
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/donations HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"campaign\":",
        app.recorder_token
    );

    socket
        .write_all(head.as_bytes())
        .await
        .expect("send a partial request");
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut answer))
        .await
        .expect("the server answers before the client gives up")
        .expect("read");

    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
