//! The staff console's server side (issue 14): a token traded for a session cookie, the
//! cookie accepted by every staff route with a CSRF check, sessions ending on sign-out,
//! idle and absolute expiry and token revocation, tokens managed over the API, sign-in
//! links, and QR codes of receipt pages. All against a real server on a loopback port.

mod common;
#[path = "support/postgres.rs"]
mod pg;
#[path = "support/server.rs"]
mod server;

use common::{fundtrail, spawn_app, spawn_app_configured, TestApp};
use fundtrail::auth::session::SessionPolicy;
use fundtrail::http::client::TrustedProxies;
use fundtrail::http::limits::Limits;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// An answer with its headers, read in full.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("text").to_string())
            .unwrap_or_default()
    }
}

/// A signed-in browser: its cookie (as the browser sends it) and CSRF value.
struct Browser {
    /// `fundtrail_session=<id>`.
    cookie: String,
    /// The session id alone.
    id: String,
    csrf: String,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("request sent");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.expect("body"),
    }
}

fn request(app: &TestApp, method: Method, path: &str) -> reqwest::RequestBuilder {
    app.client
        .request(method, format!("{}/api/v1{path}", app.address))
}

async fn sign_in_answer(app: &TestApp, token: &str) -> Answer {
    send(request(app, Method::POST, "/session").json(&json!({ "token": token }))).await
}

/// Signs in with `token`; panics unless it succeeds.
async fn sign_in(app: &TestApp, token: &str) -> Browser {
    let answer = sign_in_answer(app, token).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    browser_of(&answer)
}

fn browser_of(answer: &Answer) -> Browser {
    let set = answer.header("set-cookie");
    let cookie = set.split(';').next().expect("cookie").to_string();
    let id = cookie
        .strip_prefix("fundtrail_session=")
        .expect("the session cookie")
        .to_string();
    Browser {
        cookie,
        id,
        csrf: answer.json()["csrf"].as_str().expect("csrf").to_string(),
    }
}

/// A request as the console page makes it: the cookie, and for a change the CSRF header
/// and the page's own origin.
fn from_console(app: &TestApp, b: &Browser, method: Method, path: &str) -> reqwest::RequestBuilder {
    let changes = method != Method::GET;
    let mut r = request(app, method, path).header("cookie", &b.cookie);
    if changes {
        r = r
            .header("x-csrf-token", &b.csrf)
            .header("origin", &app.address)
            .header("sec-fetch-site", "same-origin");
    }
    r
}

fn donation() -> Value {
    json!({ "campaign": "relief", "amount": "200000", "donor": "Chị Mai" })
}

async fn app_with_campaign() -> TestApp {
    let app = spawn_app().await;
    app.open_campaign("relief", "VND").await;
    app
}

async fn app_with(
    configure: impl FnOnce(fundtrail::startup::Application) -> fundtrail::startup::Application,
) -> TestApp {
    let app = spawn_app_configured(Limits::OFF, configure).await;
    app.open_campaign("relief", "VND").await;
    app
}

fn policy(idle_ms: u64, max_ms: u64) -> SessionPolicy {
    SessionPolicy {
        idle: Duration::from_millis(idle_ms),
        max: Duration::from_millis(max_ms),
    }
}

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

/// A writer collecting everything the server logs, at every level, from every test of this
/// file (tokens are random, so one test's token never appears in another's lines).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;
    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

fn server_log() -> Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Log::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(log.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        log
    })
    .clone()
}

#[tokio::test]
async fn a_token_appears_in_no_log_line_and_in_no_answer_but_the_one_that_creates_it() {
    let log = server_log();
    let app = app_with_campaign().await;
    let created = send(
        request(&app, Method::POST, "/tokens")
            .bearer_auth(&app.admin_token)
            .json(&json!({ "name": "Lan (finance)", "role": "recorder" })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let token = created.json()["token"].as_str().expect("token").to_string();
    let id = created.json()["id"].as_i64().expect("id");

    let signed = sign_in_answer(&app, &token).await;
    let browser = browser_of(&signed);
    let mut answers = vec![
        signed,
        sign_in_answer(&app, &format!("{token}x")).await,
        send(request(&app, Method::POST, "/session").json(&json!({ "token": [token] }))).await,
        send(from_console(&app, &browser, Method::GET, "/session")).await,
        send(from_console(&app, &browser, Method::POST, "/donations").json(&donation())).await,
        send(request(&app, Method::GET, "/tokens").bearer_auth(&app.admin_token)).await,
        send(from_console(&app, &browser, Method::DELETE, "/session")).await,
    ];
    answers.push(
        send(request(&app, Method::DELETE, &format!("/tokens/{id}")).bearer_auth(&app.admin_token))
            .await,
    );

    for answer in &answers {
        assert!(!answer.body.contains(&token), "{}", answer.body);
        for value in answer.headers.values() {
            assert!(!value.to_str().unwrap_or("").contains(&token));
        }
    }
    let lines = String::from_utf8_lossy(&log.0.lock().expect("log")).into_owned();
    assert!(
        lines.contains("staff member signed in") && lines.contains("Lan (finance)"),
        "the server did log this test's requests"
    );
    assert!(!lines.contains(&token), "the token is in the log");
    assert!(!lines.contains(&browser.id), "the session id is in the log");
}

/// A request with a bearer `token` (the request is built before the answer is awaited, so
/// the answer borrows nothing).
fn tokens_request(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> impl std::future::Future<Output = Answer> {
    let mut r = request(app, method, path).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    send(r)
}

#[tokio::test]
async fn only_an_admin_lists_creates_and_revokes_tokens() {
    let app = spawn_app().await;
    let recorder = &app.recorder_token;
    let new = Some(json!({ "name": "Mai", "role": "admin" }));

    let list = tokens_request(&app, Method::GET, "/tokens", recorder, None).await;
    let create = tokens_request(&app, Method::POST, "/tokens", recorder, new).await;
    let revoke = tokens_request(&app, Method::DELETE, "/tokens/1", recorder, None).await;

    for answer in [&list, &create, &revoke] {
        assert_eq!(answer.status, 403, "{}", answer.body);
        assert_eq!(answer.json()["error"], "forbidden");
    }
    let listed = tokens_request(&app, Method::GET, "/tokens", &app.admin_token, None).await;
    assert_eq!(listed.json()["tokens"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_created_token_is_shown_once_with_its_sign_in_link_works_and_is_listed_without_its_value()
{
    let app = app_with_campaign().await;

    let created = tokens_request(
        &app,
        Method::POST,
        "/tokens",
        &app.admin_token,
        Some(json!({ "name": "Nguyễn Thị Lan", "role": "recorder" })),
    )
    .await;

    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.header("cache-control"), "no-store");
    let body = created.json();
    let token = body["token"].as_str().expect("token");
    assert!(token.starts_with("ft_") && token.len() == 46);
    assert_eq!(body["name"], "Nguyễn Thị Lan");
    assert_eq!(body["role"], "recorder");
    assert_eq!(
        body["link"],
        format!("{}/staff/#token={token}", app.address)
    );
    let donated = send(
        request(&app, Method::POST, "/donations")
            .bearer_auth(token)
            .json(&donation()),
    )
    .await;
    assert_eq!(donated.status, 201, "{}", donated.body);
    let id = body["id"].as_i64().expect("id");
    assert_eq!(
        donated.json()["entry"]["recorded_by"],
        format!("Nguyễn Thị Lan #{id}")
    );
    let listed = tokens_request(&app, Method::GET, "/tokens", &app.admin_token, None).await;
    assert!(!listed.body.contains(token));
    let entry = listed.json()["tokens"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == id).cloned())
        .expect("listed");
    let mut keys: Vec<&str> = entry
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["created_at", "id", "name", "role"]);
}

#[tokio::test]
async fn a_sign_in_link_begins_with_the_public_url_when_one_is_configured() {
    let app = app_with(|a| a.with_public_url(Some("https://ledger.example.org/quy".into()))).await;

    let created = tokens_request(
        &app,
        Method::POST,
        "/tokens",
        &app.admin_token,
        Some(json!({ "name": "Lan", "role": "recorder" })),
    )
    .await;

    let token = created.json()["token"].as_str().expect("token").to_string();
    assert_eq!(
        created.json()["link"],
        format!("https://ledger.example.org/quy/staff/#token={token}")
    );
}

#[tokio::test]
async fn token_names_and_roles_follow_the_command_lines_rules() {
    let app = spawn_app().await;
    let create =
        |body: Value| tokens_request(&app, Method::POST, "/tokens", &app.admin_token, Some(body));

    let markup = create(json!({ "name": "<img src=x>", "role": "recorder" })).await;
    let empty = create(json!({ "name": " ", "role": "recorder" })).await;
    let taken = create(json!({ "name": "TEST-ADMIN", "role": "recorder" })).await;
    let role = create(json!({ "name": "Lan", "role": "owner" })).await;
    let unknown = create(json!({ "name": "Lan", "role": "admin", "token": "ft_x" })).await;

    for (answer, status, code, field) in [
        (&markup, 422, "invalid_field", "name"),
        (&empty, 422, "invalid_field", "name"),
        (&taken, 409, "name_taken", "name"),
        (&role, 422, "invalid_field", "role"),
        (&unknown, 422, "invalid_field", "token"),
    ] {
        assert_eq!(answer.status, status, "{}", answer.body);
        assert_eq!(answer.json()["error"], code, "{}", answer.body);
        assert_eq!(answer.json()["field"], field, "{}", answer.body);
    }
    assert!(markup.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("a token name holds letters")));
    let listed = tokens_request(&app, Method::GET, "/tokens", &app.admin_token, None).await;
    assert_eq!(
        listed.json()["tokens"].as_array().map(Vec::len),
        Some(2),
        "none created"
    );
}

#[tokio::test]
async fn revoking_an_unknown_token_is_404_and_an_already_revoked_one_is_204() {
    let app = spawn_app().await;
    let revoke = |id: i64| {
        tokens_request(
            &app,
            Method::DELETE,
            &format!("/tokens/{id}"),
            &app.admin_token,
            None,
        )
    };

    let unknown = revoke(999).await;
    let first = revoke(app.recorder_token_id).await;
    let again = revoke(app.recorder_token_id).await;

    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(first.status, 204, "{}", first.body);
    assert_eq!(again.status, 204, "{}", again.body);
    let listed = tokens_request(&app, Method::GET, "/tokens", &app.admin_token, None).await;
    let recorder = &listed.json()["tokens"][1];
    assert!(recorder["revoked_at"].is_string(), "{recorder}");
}

#[tokio::test]
async fn an_admin_signed_in_to_the_console_manages_tokens_but_cannot_revoke_their_own() {
    let app = spawn_app().await;
    let browser = sign_in(&app, &app.admin_token).await;
    let admin_id = send(from_console(&app, &browser, Method::GET, "/session"))
        .await
        .json()["staff"]["id"]
        .as_i64()
        .expect("id");

    let own = send(from_console(
        &app,
        &browser,
        Method::DELETE,
        &format!("/tokens/{admin_id}"),
    ))
    .await;
    let created = send(
        from_console(&app, &browser, Method::POST, "/tokens")
            .json(&json!({ "name": "Mai", "role": "admin" })),
    )
    .await;
    let other = send(from_console(
        &app,
        &browser,
        Method::DELETE,
        &format!("/tokens/{}", app.recorder_token_id),
    ))
    .await;

    assert_eq!(own.status, 409, "{}", own.body);
    assert_eq!(own.json()["error"], "own_token");
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(other.status, 204, "{}", other.body);
    let still = send(from_console(&app, &browser, Method::GET, "/session")).await;
    assert_eq!(still.status, 200, "the admin is still signed in");
}

#[tokio::test]
async fn token_create_link_prints_a_sign_in_link_that_signs_in() {
    let app = spawn_app().await;
    let data = app.data_dir().display().to_string();

    let made = fundtrail(&[
        "token",
        "create",
        "--role",
        "recorder",
        "--name",
        "Lan",
        "--link",
        "--url",
        &app.address,
        "--data",
        &data,
    ]);
    let by_default = fundtrail(&[
        "token", "create", "--role", "recorder", "--name", "Mai", "--link", "--data", &data,
    ]);

    assert_eq!(
        made.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let link = String::from_utf8_lossy(&made.stdout).trim().to_string();
    let prefix = format!("{}/staff/#token=", app.address);
    let token = link
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{link}"));
    let browser = sign_in(&app, token).await;
    let who = send(from_console(&app, &browser, Method::GET, "/session")).await;
    assert_eq!(who.json()["staff"]["name"], "Lan");
    let default_link = String::from_utf8_lossy(&by_default.stdout).into_owned();
    assert!(
        default_link.starts_with("http://127.0.0.1:8080/staff/#token=ft_")
            || std::env::var_os("FUNDTRAIL_PUBLIC_URL").is_some(),
        "{default_link}"
    );
}

/// The text a QR code drawn as the server's SVG holds: the SVG's dark rectangles
/// (`M{x} {y}h{w}v{h}H{x}V{y}`) painted on a bitmap, read by a QR decoder.
fn decode_qr(svg: &str) -> String {
    let number = |name: &str| -> usize {
        svg.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in the SVG"))
    };
    let (width, height) = (number("width"), number("height"));
    let path = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a path");
    let mut dark = vec![false; width * height];
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        let numbers: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().expect("number"))
            .collect();
        let [x, y, w, h, ..] = numbers[..] else {
            panic!("not a rectangle: {rect}")
        };
        for row in y..y + h {
            for col in x..x + w {
                dark[row * width + col] = true;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| dark[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("the QR code decodes").1
}

#[tokio::test]
async fn a_receipts_qr_code_is_a_plain_svg_of_its_page_that_may_be_cached_for_ever() {
    let app = app_with_campaign().await;
    let donated = app.donate("relief", "200000").await;
    let code = donated.json()["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();

    let answer = send(request(
        &app,
        Method::GET,
        &format!("/receipts/{code}/qr.svg"),
    ))
    .await;

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("content-type"), "image/svg+xml");
    assert_eq!(
        answer.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(answer
        .header("content-security-policy")
        .starts_with("default-src 'none'"));
    assert!(answer.body.contains("<svg"));
    for banned in [
        "<script",
        "href",
        "url(",
        "<style",
        "<image",
        "<foreignObject",
    ] {
        assert!(!answer.body.contains(banned), "{banned}");
    }
    assert_eq!(
        decode_qr(&answer.body),
        format!("{}/#/receipt/{code}", app.address)
    );
}

#[tokio::test]
async fn a_qr_code_points_at_the_public_url_when_one_is_configured() {
    let app = app_with(|a| a.with_public_url(Some("https://ledger.example.org".into()))).await;
    let donated = app.donate("relief", "200000").await;
    let code = donated.json()["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();

    let answer = send(request(
        &app,
        Method::GET,
        &format!("/receipts/{code}/qr.svg"),
    ))
    .await;

    assert_eq!(
        decode_qr(&answer.body),
        format!("https://ledger.example.org/#/receipt/{code}")
    );
}

#[tokio::test]
async fn there_is_no_qr_code_for_an_unknown_or_malformed_receipt_code() {
    let app = app_with_campaign().await;
    let donated = app.donate("relief", "200000").await;
    let code = donated.json()["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();
    let wrong_hash = format!("{}-00000000", code.rsplit_once('-').expect("code").0);

    for unknown in [
        "R-99-00000000",
        wrong_hash.as_str(),
        "R-0-00000000",
        "hello",
    ] {
        let answer = send(request(
            &app,
            Method::GET,
            &format!("/receipts/{unknown}/qr.svg"),
        ))
        .await;
        assert_eq!(answer.status, 404, "{unknown}: {}", answer.body);
        assert_eq!(answer.json()["error"], "not_found");
    }
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
