//! Two organisations on one server: separate keys, ledgers and staff; a token of one is
//! refused by the other on every method, and the platform's tokens and theirs never mix.

use crate::harness::{account, spawn_platform};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn two_organisations_on_one_server_have_their_own_keys_ledgers_and_staff() {
    let platform = spawn_platform().await;
    let a = platform
        .create_org("ngo-a", json!([account("Vietcombank", "0011002233")]))
        .await;
    let b = platform
        .create_org("ngo-b", json!([account("BIDV", "9988776655")]))
        .await;

    let opened_a = platform
        .open_campaign(&a, "flood", json!([account("Vietcombank", "0011002233")]))
        .await;
    let opened_b = platform
        .open_campaign(&b, "flood", json!([account("BIDV", "9988776655")]))
        .await;
    let donated = platform.donate(&a, "flood", "500000").await;

    assert_eq!(opened_a.status(), 201, "{}", opened_a.text());
    assert_eq!(opened_b.status(), 201, "{}", opened_b.text());
    assert_eq!(donated.status(), 201, "{}", donated.text());
    assert_ne!(a.verifier_key, b.verifier_key);
    let info_a = platform.get("/o/ngo-a/api/v1/info").await.json();
    let info_b = platform.get("/o/ngo-b/api/v1/info").await.json();
    assert_eq!(info_a["key"], a.verifier_key.as_str());
    assert_eq!(info_b["key"], b.verifier_key.as_str());
    assert!(a.verifier_key.starts_with("platform.test/o/ngo-a+"));
    assert_eq!(info_a["size"], 2);
    assert_eq!(info_b["size"], 1);
    let orgs = platform.get("/api/v1/platform/orgs").await.json();
    let slugs: Vec<&str> = orgs["orgs"]
        .as_array()
        .expect("orgs")
        .iter()
        .filter_map(|o| o["slug"].as_str())
        .collect();
    assert_eq!(slugs, ["ngo-a", "ngo-b"]);
    assert_eq!(orgs["orgs"][0]["status"], "active");
    assert_eq!(orgs["orgs"][0]["url"], "/o/ngo-a/");
}

/// Staff routes of every method, each with a body it would accept.
fn staff_routes() -> Vec<(Method, &'static str, Option<serde_json::Value>)> {
    vec![
        (Method::GET, "/api/v1/tokens", None),
        (
            Method::POST,
            "/api/v1/tokens",
            Some(json!({ "name": "intruder", "role": "admin" })),
        ),
        (Method::DELETE, "/api/v1/tokens/1", None),
        (
            Method::POST,
            "/api/v1/campaigns",
            Some(json!({ "id": "stolen", "title": "Stolen", "purpose": "x", "currency": "VND" })),
        ),
        (
            Method::POST,
            "/api/v1/donations",
            Some(json!({ "campaign": "flood", "amount": "1000" })),
        ),
        (Method::GET, "/api/v1/proposals", None),
        (Method::GET, "/api/v1/webhooks", None),
        (Method::DELETE, "/api/v1/webhooks/1", None),
    ]
}

#[tokio::test]
async fn a_token_of_one_organisation_is_refused_by_the_other_on_every_method_both_ways() {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;
    let b = platform.create_org("ngo-b", json!([])).await;
    assert_eq!(
        platform
            .open_campaign(&a, "flood", json!([]))
            .await
            .status(),
        201
    );
    assert_eq!(
        platform
            .open_campaign(&b, "flood", json!([]))
            .await
            .status(),
        201
    );
    let (size_a, size_b) = (
        platform.size_of("ngo-a").await,
        platform.size_of("ngo-b").await,
    );

    for (token, other) in [(&a.admin_token, "ngo-b"), (&b.admin_token, "ngo-a")] {
        for (method, path, body) in staff_routes() {
            let response = platform
                .send(
                    method.clone(),
                    &format!("/o/{other}{path}"),
                    Some(token),
                    body.as_ref(),
                )
                .await;

            assert_eq!(
                response.status(),
                401,
                "{method} /o/{other}{path} with the other organisation's token: {}",
                response.text()
            );
        }
    }

    assert_eq!(platform.size_of("ngo-a").await, size_a);
    assert_eq!(platform.size_of("ngo-b").await, size_b);
    // Each token still works at home, so the refusals above are about the organisation.
    let home = platform
        .send(
            Method::GET,
            "/o/ngo-a/api/v1/tokens",
            Some(&a.admin_token),
            None,
        )
        .await;
    assert_eq!(home.status(), 200, "{}", home.text());
}

#[tokio::test]
async fn platform_and_organisation_tokens_never_open_each_others_doors() {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;

    let org_token_on_platform = platform
        .post(
            "/api/v1/platform/orgs",
            &a.admin_token,
            &json!({ "slug": "ngo-c", "name": "C", "kind": "ngo" }),
        )
        .await;
    let org_token_suspends = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/suspend",
            &a.admin_token,
            &json!({ "reason": "self" }),
        )
        .await;
    let platform_token_on_org = platform
        .send(
            Method::GET,
            "/o/ngo-a/api/v1/tokens",
            Some(&platform.admin_token),
            None,
        )
        .await;

    assert_eq!(
        org_token_on_platform.status(),
        401,
        "{}",
        org_token_on_platform.text()
    );
    assert_eq!(
        org_token_suspends.status(),
        401,
        "{}",
        org_token_suspends.text()
    );
    assert_eq!(
        platform_token_on_org.status(),
        401,
        "{}",
        platform_token_on_org.text()
    );
    let orgs = platform.get("/api/v1/platform/orgs").await.json();
    assert_eq!(orgs["orgs"].as_array().map(Vec::len), Some(1));
    assert_eq!(orgs["orgs"][0]["status"], "active");
}

#[tokio::test]
async fn an_organisation_created_while_serving_answers_at_once_and_an_unknown_one_is_404() {
    let platform = spawn_platform().await;

    let before = platform.get("/o/ngo-late/api/v1/info").await;
    platform.create_org("ngo-late", json!([])).await;
    let after = platform.get("/o/ngo-late/api/v1/info").await;
    let page = platform.get("/o/ngo-late/").await;

    assert_eq!(before.status(), 404, "{}", before.text());
    assert_eq!(before.json()["error"], "unknown_organisation");
    assert_eq!(after.status(), 200, "{}", after.text());
    assert_eq!(page.status(), 200);
    assert!(page.text().contains("<html"), "the organisation's page");
}

#[tokio::test]
async fn an_organisations_sign_in_links_and_session_cookie_stay_under_its_own_prefix() {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;

    let made = platform
        .post(
            "/o/ngo-a/api/v1/tokens",
            &a.admin_token,
            &json!({ "name": "Lan", "role": "recorder" }),
        )
        .await;
    let signed_in = platform
        .client
        .post(format!("{}/o/ngo-a/api/v1/session", platform.address))
        .json(&json!({ "token": made.json()["token"] }))
        .send()
        .await
        .expect("request sent");

    assert_eq!(made.status(), 201, "{}", made.text());
    let link = made.json()["link"].as_str().unwrap_or_default().to_string();
    assert!(
        link.starts_with(&format!("{}/o/ngo-a/staff/", platform.address)),
        "{link}"
    );
    assert_eq!(signed_in.status(), 201);
    let cookie = signed_in
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cookie.contains("; Path=/o/ngo-a/;"), "{cookie}");
}
