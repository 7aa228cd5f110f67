//! Rate limits, closed CORS for staff routes, security headers: what an attacker meets.

use crate::helpers::app::{spawn_app, spawn_app_configured, spawn_app_with_limits, TestApp};
use fundtrail::http::client::TrustedProxies;
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
async fn a_refused_read_says_to_wait_at_least_one_whole_second() {
    // Five reads a second: the limiter's own wait is under a second (200 ms per read).
    let app = spawn_app_with_limits(Limits {
        reads_per_second: 5,
        reads_burst: 1,
        failed_auth_per_minute: 0,
        ..Limits::OFF
    })
    .await;
    let url = format!("{}/api/v1/totals", app.address);

    let mut refused = None;
    for _ in 0..20 {
        let response = app.client.get(&url).send().await.expect("sent");
        if response.status() == 429 {
            refused = Some(response);
            break;
        }
    }

    let refused = refused.expect("a read over the limit is refused");
    assert_eq!(retry_after(&refused), Some(1), "{:?}", refused.headers());
    let answer: serde_json::Value = refused.json().await.expect("a JSON answer");
    assert_eq!(answer["error"], "too_many_requests");
}

/// `GET /api/v1/totals` claiming to come from `forwarded_for`.
async fn read_as(app: &TestApp, forwarded_for: &str) -> u16 {
    app.client
        .get(format!("{}/api/v1/totals", app.address))
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

fn reads_only(burst: u32) -> Limits {
    Limits {
        reads_per_second: 1,
        reads_burst: burst,
        failed_auth_per_minute: 0,
        ..Limits::OFF
    }
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_read_limit() {
    let app = spawn_app_with_limits(reads_only(5)).await;

    let mut statuses = Vec::new();
    for n in 0..20 {
        statuses.push(read_as(&app, &format!("203.0.113.{n}")).await);
    }

    // One read a second with a burst of five: twenty quick reads get five or six through.
    let allowed = statuses.iter().filter(|s| **s == 200).count();
    assert!((5..=6).contains(&allowed), "{statuses:?}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance() {
    let loopback = TrustedProxies::parse("127.0.0.1,::1").expect("addresses");
    let app = spawn_app_configured(reads_only(3), |a| a.with_trusted_proxies(loopback)).await;

    let first = reads_as(&app, "203.0.113.7", 5).await;
    // A client behind the proxy cannot pick its address: the proxy's entry is the one read.
    let forged = reads_as(&app, "192.0.2.1, 203.0.113.7", 1).await;
    let second = reads_as(&app, "198.51.100.20", 3).await;

    assert_eq!(first[..3], [200, 200, 200], "{first:?}");
    assert_eq!(first[4], 429, "{first:?}");
    assert_eq!(forged, [429]);
    assert_eq!(
        second,
        [200, 200, 200],
        "a fresh allowance for another client"
    );
}

async fn reads_as(app: &TestApp, forwarded_for: &str, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(read_as(app, forwarded_for).await);
    }
    statuses
}

#[tokio::test]
async fn behind_a_trusted_proxy_failed_authentications_are_counted_per_forwarded_client() {
    let loopback = TrustedProxies::parse("127.0.0.1").expect("addresses");
    let app = spawn_app_configured(failed_auth_only(2), |a| a.with_trusted_proxies(loopback)).await;
    let guess = |client: &'static str| {
        app.client
            .post(format!("{}/api/v1/donations", app.address))
            .bearer_auth("ft_guess")
            .header("x-forwarded-for", client)
            .json(&json!({"campaign": "x", "amount": "1"}))
            .send()
    };

    let mut attacker = Vec::new();
    for _ in 0..4 {
        attacker.push(guess("203.0.113.66").await.expect("sent").status().as_u16());
    }
    let neighbour = guess("198.51.100.5").await.expect("sent").status().as_u16();

    assert_eq!(attacker, [401, 401, 429, 429]);
    assert_eq!(neighbour, 401);
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

/// Limits with only the failed-authentication allowance on.
fn failed_auth_only(per_minute: u32) -> Limits {
    Limits {
        reads_per_second: 0,
        reads_burst: 0,
        failed_auth_per_minute: per_minute,
        ..Limits::OFF
    }
}

/// The `Retry-After` of a response, in seconds.
fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

#[tokio::test]
async fn repeated_failed_authentication_is_refused_with_429_and_a_real_retry_after() {
    let app = spawn_app_with_limits(failed_auth_only(3)).await;
    let body = json!({"campaign": "x", "amount": "1"});

    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            app.post("/donations", &body, Some("ft_wrong"))
                .await
                .status(),
        );
    }
    let no_token = app
        .client
        .post(format!("{}/api/v1/donations", app.address))
        .json(&body)
        .send()
        .await
        .expect("sent");

    assert_eq!(&statuses[..3], &[401, 401, 401], "{statuses:?}");
    assert_eq!(statuses[3..], [429, 429], "{statuses:?}");
    assert_eq!(no_token.status(), 429);
    let wait = retry_after(&no_token).expect("a 429 says how long to wait");
    assert!(wait >= 1, "Retry-After: {wait}");
    let answer: serde_json::Value = no_token.json().await.expect("JSON");
    assert_eq!(answer["error"], "too_many_failed_attempts");
}

#[tokio::test]
async fn a_valid_token_still_works_after_eleven_failed_attempts_from_the_same_address() {
    let app = spawn_app_with_limits(failed_auth_only(10)).await;
    let campaign = json!({
        "id": "flood-2026", "title": "Flood relief", "purpose": "Relief", "currency": "VND"
    });

    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(
            app.post("/campaigns", &campaign, Some("ft_guess"))
                .await
                .status(),
        );
    }
    let admin = app.post("/campaigns", &campaign, app.admin()).await;
    let recorder = app.donate("flood-2026", "1000").await;
    let still_guessing = app.post("/campaigns", &campaign, Some("ft_guess")).await;

    assert_eq!(
        statuses[10], 429,
        "the address used up its allowance: {statuses:?}"
    );
    assert_eq!(admin.status(), 201, "{}", admin.text());
    assert_eq!(recorder.status(), 201, "{}", recorder.text());
    assert_eq!(still_guessing.status(), 429, "{}", still_guessing.text());
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
    ("POST", "/budgets", false),
    ("POST", "/pledges", false),
    ("POST", "/pledges/1/cancel", false),
    ("POST", "/evidence", false),
    ("POST", "/statements?campaign=flood-2026", false),
    ("POST", "/statements/entries", false),
    (
        "POST",
        "/statements/file?campaign=flood-2026&format=mt940",
        false,
    ),
    ("GET", "/donors/1", true),
    ("DELETE", "/donors/1", true),
    ("POST", "/approval-policies", true),
    ("POST", "/proposals", false),
    ("GET", "/proposals", false),
    ("GET", "/proposals/1", false),
    ("POST", "/proposals/1/approve", false),
    ("POST", "/proposals/1/reject", false),
];

async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> u16 {
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
    let revoked = fundtrail::auth::new_token();
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

#[tokio::test]
async fn a_donor_checking_a_receipt_code_many_times_is_never_counted_as_a_failed_sign_in() {
    let app = spawn_app_with_limits(Limits {
        failed_auth_per_minute: 3,
        ..Limits::OFF
    })
    .await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let donation = app.donate(&campaign, "200000").await.json();
    let code = donation["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();

    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(app.get(&format!("/receipts/{code}")).await.status());
    }
    let by_seq_without_token = app.get("/receipts/1").await.status();

    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(
        by_seq_without_token, 401,
        "a lookup by seq still needs a token"
    );
}
