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
