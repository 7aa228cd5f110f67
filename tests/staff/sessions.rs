//! Sessions: cookies, CSRF, sign-out, expiry, revocation, and sessions shared by the servers of one PostgreSQL database.

use crate::helpers::app::{spawn_app, spawn_app_configured};
use crate::helpers::binary as server;
use crate::helpers::binary::fundtrail;
use crate::helpers::postgres as pg;
use crate::*;
use fundtrail::http::client::TrustedProxies;
use fundtrail::http::limits::Limits;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn signing_in_sets_an_http_only_strict_cookie_without_secure_on_loopback() {
    let app = spawn_app().await;

    let answer = sign_in_answer(&app, &app.recorder_token).await;

    assert_eq!(answer.status, 201, "{}", answer.body);
    let cookie = answer.header("set-cookie");
    assert!(cookie.starts_with("fundtrail_session="), "{cookie}");
    for flag in [
        "; Path=/",
        "; HttpOnly",
        "; SameSite=Strict",
        "; Max-Age=43200",
    ] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert_eq!(answer.header("cache-control"), "no-store");
    let body = answer.json();
    assert_eq!(body["staff"]["name"], "test-recorder");
    assert_eq!(body["staff"]["role"], "recorder");
    assert_eq!(body["staff"]["id"], app.recorder_token_id);
    assert!(body["csrf"].as_str().is_some_and(|c| c.len() >= 32));
    for at in ["expires_at", "idle_expires_at"] {
        let text = body[at].as_str().expect(at);
        assert!(chrono::DateTime::parse_from_rfc3339(text).is_ok(), "{text}");
    }
}

#[tokio::test]
async fn the_cookie_is_secure_for_a_public_host_and_behind_a_trusted_proxy_that_says_https() {
    let direct = spawn_app().await;
    let proxied = app_with(|a| {
        a.with_trusted_proxies(TrustedProxies::new(["127.0.0.1".parse().expect("ip")]))
    })
    .await;
    let sign_in_via = |app: &TestApp, host: &str, proto: Option<&str>| {
        let mut r = request(app, Method::POST, "/session")
            .header("host", host)
            .json(&json!({ "token": app.admin_token }));
        if let Some(p) = proto {
            r = r.header("x-forwarded-proto", p);
        }
        send(r)
    };

    let public = sign_in_via(&direct, "ledger.example.org", None).await;
    let behind_https = sign_in_via(&proxied, "ledger.example.org", Some("https")).await;
    let behind_https_loopback = sign_in_via(&proxied, "127.0.0.1", Some("https")).await;
    let behind_http_loopback = sign_in_via(&proxied, "127.0.0.1", Some("http")).await;

    for (answer, secure) in [
        (&public, true),
        (&behind_https, true),
        (&behind_https_loopback, true),
        (&behind_http_loopback, false),
    ] {
        assert_eq!(answer.status, 201, "{}", answer.body);
        let cookie = answer.header("set-cookie");
        assert_eq!(cookie.ends_with("; Secure"), secure, "{cookie}");
        assert!(cookie.contains("; HttpOnly; SameSite=Strict"), "{cookie}");
    }
}

#[tokio::test]
async fn a_session_reads_and_records_with_its_csrf_header_from_the_same_origin() {
    let app = app_with_campaign().await;
    let browser = sign_in(&app, &app.recorder_token).await;

    let who = send(from_console(&app, &browser, Method::GET, "/session")).await;
    let recorded =
        send(from_console(&app, &browser, Method::POST, "/donations").json(&donation())).await;

    assert_eq!(who.status, 200, "{}", who.body);
    assert_eq!(who.header("cache-control"), "no-store");
    assert_eq!(who.json()["csrf"], browser.csrf.as_str());
    assert_eq!(who.json()["staff"]["name"], "test-recorder");
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let recorded_by = &recorded.json()["entry"]["recorded_by"];
    assert_eq!(
        recorded_by.as_str(),
        Some(format!("test-recorder #{}", app.recorder_token_id).as_str())
    );
}

#[tokio::test]
async fn signing_in_again_from_the_same_browser_replaces_its_session() {
    let app = spawn_app().await;
    let first = sign_in(&app, &app.recorder_token).await;

    let again = send(
        request(&app, Method::POST, "/session")
            .header("cookie", &first.cookie)
            .json(&json!({ "token": app.admin_token })),
    )
    .await;

    assert_eq!(again.status, 201, "{}", again.body);
    let second = browser_of(&again);
    let old = send(from_console(&app, &first, Method::GET, "/session")).await;
    let new = send(from_console(&app, &second, Method::GET, "/session")).await;
    assert_eq!(old.status, 401, "{}", old.body);
    assert_eq!(new.json()["staff"]["role"], "admin");
}

#[tokio::test]
async fn a_cookie_request_that_changes_something_without_the_csrf_header_or_from_another_site_is_refused_and_appends_nothing(
) {
    let app = app_with_campaign().await;
    let browser = sign_in(&app, &app.recorder_token).await;
    let before = app.checkpoint_size().await;
    let post = || {
        request(&app, Method::POST, "/donations")
            .header("cookie", &browser.cookie)
            .json(&donation())
    };

    let refused = [
        ("no CSRF header", post()),
        (
            "a wrong CSRF header",
            post().header("x-csrf-token", "x".repeat(43)),
        ),
        (
            "a foreign Origin",
            post()
                .header("x-csrf-token", &browser.csrf)
                .header("origin", "https://evil.example"),
        ),
        (
            "a cross-site fetch",
            post()
                .header("x-csrf-token", &browser.csrf)
                .header("sec-fetch-site", "cross-site"),
        ),
    ];

    for (what, r) in refused {
        let answer = send(r).await;
        assert_eq!(answer.status, 403, "{what}: {}", answer.body);
        assert_eq!(answer.json()["error"], "csrf", "{what}");
        assert!(
            answer.json()["message"]
                .as_str()
                .is_some_and(|m| m.contains("did not come from the staff console page")),
            "{what}"
        );
    }
    assert_eq!(app.checkpoint_size().await, before, "nothing was appended");
    let fine = send(post().header("x-csrf-token", &browser.csrf)).await;
    assert_eq!(
        fine.status, 201,
        "with the header and no Origin: {}",
        fine.body
    );
}

#[tokio::test]
async fn a_bearer_request_needs_no_csrf_header_whatever_its_origin() {
    let app = app_with_campaign().await;

    let answer = send(
        request(&app, Method::POST, "/donations")
            .bearer_auth(&app.recorder_token)
            .header("origin", "https://evil.example")
            .json(&donation()),
    )
    .await;

    assert_eq!(answer.status, 201, "{}", answer.body);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server_and_clears_the_cookie() {
    let app = app_with_campaign().await;
    let browser = sign_in(&app, &app.recorder_token).await;

    let without_csrf =
        send(request(&app, Method::DELETE, "/session").header("cookie", &browser.cookie)).await;
    let still = send(from_console(&app, &browser, Method::GET, "/session")).await;
    let out = send(from_console(&app, &browser, Method::DELETE, "/session")).await;
    let after_read = send(from_console(&app, &browser, Method::GET, "/session")).await;
    let after_write =
        send(from_console(&app, &browser, Method::POST, "/donations").json(&donation())).await;

    assert_eq!(without_csrf.status, 403, "{}", without_csrf.body);
    assert_eq!(still.status, 200, "a refused sign-out changes nothing");
    assert_eq!(out.status, 204, "{}", out.body);
    let cleared = out.header("set-cookie");
    assert!(cleared.starts_with("fundtrail_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(after_read.status, 401, "{}", after_read.body);
    assert!(after_read.header("set-cookie").contains("Max-Age=0"));
    assert_eq!(after_write.status, 401, "{}", after_write.body);
    assert_eq!(app.checkpoint_size().await, 1, "only the campaign");
}

#[tokio::test]
async fn an_unused_session_ends_after_the_idle_time_and_each_use_slides_it() {
    let app = app_with(|a| a.with_sessions(policy(2_000, 60_000))).await;
    let browser = sign_in(&app, &app.recorder_token).await;

    // Used every half second for three seconds: longer than the idle time, never idle.
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let used = send(from_console(&app, &browser, Method::GET, "/session")).await;
        assert_eq!(used.status, 200, "a used session lives: {}", used.body);
    }
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let idle = send(from_console(&app, &browser, Method::GET, "/session")).await;
    let write =
        send(from_console(&app, &browser, Method::POST, "/donations").json(&donation())).await;

    assert_eq!(idle.status, 401, "{}", idle.body);
    assert_eq!(write.status, 401, "{}", write.body);
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_expiry_however_busy() {
    let app = app_with(|a| a.with_sessions(policy(60_000, 2_000))).await;
    let answer = sign_in_answer(&app, &app.recorder_token).await;
    let browser = browser_of(&answer);
    assert!(answer.header("set-cookie").contains("Max-Age=2"));

    let mut last = 200;
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        last = send(from_console(&app, &browser, Method::GET, "/session"))
            .await
            .status;
    }

    assert_eq!(last, 401, "2.5 s after sign-in, past the 2 s limit");
}

#[tokio::test]
async fn revoking_a_token_over_the_api_ends_its_sessions_at_once() {
    let app = app_with_campaign().await;
    let browser = sign_in(&app, &app.recorder_token).await;

    let revoked = send(
        request(
            &app,
            Method::DELETE,
            &format!("/tokens/{}", app.recorder_token_id),
        )
        .bearer_auth(&app.admin_token),
    )
    .await;
    let after =
        send(from_console(&app, &browser, Method::POST, "/donations").json(&donation())).await;

    assert_eq!(revoked.status, 204, "{}", revoked.body);
    assert_eq!(after.status, 401, "{}", after.body);
    let bearer = app.donate("relief", "1000").await;
    assert_eq!(bearer.status(), 401, "the token itself is revoked too");
}

#[tokio::test]
async fn revoking_a_token_from_the_command_line_ends_its_sessions_within_a_second() {
    let app = app_with_campaign().await;
    let browser = sign_in(&app, &app.recorder_token).await;
    let data = app.data_dir().display().to_string();

    let revoked = fundtrail(&[
        "token",
        "revoke",
        &app.recorder_token_id.to_string(),
        "--data",
        &data,
    ]);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let after = send(from_console(&app, &browser, Method::GET, "/session")).await;

    assert_eq!(
        revoked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert_eq!(after.status, 401, "{}", after.body);
}

#[tokio::test]
async fn the_database_keeps_only_a_hash_of_the_session_id() {
    let app = spawn_app().await;
    let browser = sign_in(&app, &app.recorder_token).await;
    let stopped = app.stop().await;

    let mut files = Vec::new();
    for name in ["ledger.db", "ledger.db-wal"] {
        files.extend(std::fs::read(stopped.data_dir().join(name)).unwrap_or_default());
    }
    let contains = |needle: &[u8]| files.windows(needle.len()).any(|w| w == needle);

    assert!(!files.is_empty());
    assert!(!contains(browser.id.as_bytes()), "the session id is stored");
    assert!(
        !contains(browser.csrf.as_bytes()),
        "the CSRF value is stored"
    );
    let hash = fundtrail::auth::session::session_hash(&browser.id);
    assert!(contains(&hash.0), "its hash is what is stored");
}

#[tokio::test]
async fn a_bad_token_is_refused_unechoed_and_counted_as_a_failed_authentication() {
    let limits = Limits {
        failed_auth_per_minute: 2,
        ..Limits::OFF
    };
    let app = spawn_app_configured(limits, |a| a).await;
    let guess = format!("ft_{}", "A".repeat(43));

    let first = sign_in_answer(&app, &guess).await;
    let second = sign_in_answer(&app, &guess).await;
    let third = sign_in_answer(&app, &guess).await;
    let valid = sign_in_answer(&app, &app.admin_token).await;

    for answer in [&first, &second] {
        assert_eq!(answer.status, 401, "{}", answer.body);
        assert_eq!(answer.json()["error"], "unauthorized");
        assert!(!answer.body.contains(&guess));
        assert!(answer.header("set-cookie").is_empty());
    }
    assert_eq!(third.status, 429, "{}", third.body);
    assert!(!third.header("retry-after").is_empty());
    assert_eq!(
        valid.status, 201,
        "a valid token is never refused: {}",
        valid.body
    );
}

#[tokio::test]
async fn a_session_made_on_one_server_works_on_another_of_the_same_postgres_database_and_ends_on_both(
) {
    let Some(cluster) = pg::Cluster::start("sessions_on_postgres") else {
        return;
    };
    let url = cluster.new_database().await;
    let folder = tempfile::tempdir().expect("folder");
    let (a, b) = (folder.path().join("a"), folder.path().join("b"));
    let admin = server::init(&a, &["--database-url", &url]);
    std::fs::create_dir_all(&b).expect("mkdir");
    for f in ["config.json", "signing.key"] {
        std::fs::copy(a.join(f), b.join(f)).expect("copy data folder");
    }
    let first = server::serve(&a, &["--database-url", &url]).await;
    let second = server::serve(&b, &["--database-url", &url]).await;
    let client = reqwest::Client::new();
    let session = |base: &str, cookie: &str| {
        client
            .get(format!("{base}/api/v1/session"))
            .header("cookie", cookie)
            .send()
    };

    let signed = client
        .post(format!("{}/api/v1/session", first.base))
        .json(&json!({ "token": admin }))
        .send()
        .await
        .expect("sign in");
    let cookie = signed.headers()["set-cookie"]
        .to_str()
        .expect("text")
        .split(';')
        .next()
        .expect("cookie")
        .to_string();
    let csrf = signed.json::<Value>().await.expect("json")["csrf"]
        .as_str()
        .expect("csrf")
        .to_string();
    let on_second = session(&second.base, &cookie)
        .await
        .expect("answer")
        .status();
    let out = client
        .delete(format!("{}/api/v1/session", second.base))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("sign out")
        .status();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let on_first = session(&first.base, &cookie)
        .await
        .expect("answer")
        .status();

    assert_eq!(on_second, 200);
    assert_eq!(out, 204);
    assert_eq!(on_first, 401, "signed out on the other server");
}
