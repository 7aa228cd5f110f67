//! The staff console's server side: a token traded for a session cookie, the cookie
//! accepted by every staff route with a CSRF check, sessions ending on sign-out, idle and
//! absolute expiry and token revocation (`sessions.rs`), nothing secret in the log
//! (`logs.rs`), tokens managed over the API and sign-in links (`tokens.rs`), and QR codes
//! of receipt pages (`qr.rs`). All against a real server on a loopback port. Its own test
//! binary, because `logs.rs` captures every log line of the process at TRACE.

#[path = "../helpers/mod.rs"]
mod helpers;

mod logs;
mod qr;
mod sessions;
mod tokens;

use fundtrail::auth::session::SessionPolicy;
use fundtrail::http::limits::Limits;
use helpers::app::{spawn_app, spawn_app_configured, TestApp};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
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
