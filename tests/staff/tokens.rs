//! Tokens over the API (admin only), sign-in links, and `token create --link`.

use crate::helpers::app::spawn_app;
use crate::helpers::binary::fundtrail;
use crate::*;
use reqwest::Method;
use serde_json::{json, Value};

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
