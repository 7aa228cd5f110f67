//! The registry is an ordinary fundtrail ledger: `fundtrail verify --url .../registry`
//! verifies it, and tampering with its database is caught by `fundtrail verify`.

use crate::harness::spawn_platform;
use crate::helpers::binary::{fundtrail, verify_data};
use serde_json::json;

fn said(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn the_registry_verifies_with_fundtrail_verify_and_records_every_change() {
    let platform = spawn_platform().await;
    platform.create_org("ngo-a", json!([])).await;
    platform.create_org("ngo-b", json!([])).await;
    let suspended = platform
        .post(
            "/api/v1/platform/orgs/ngo-b/suspend",
            &platform.admin_token,
            &json!({ "reason": "x" }),
        )
        .await;
    assert_eq!(suspended.status(), 200);

    let url = format!("{}/registry", platform.address);
    let verified = tokio::task::spawn_blocking(move || fundtrail(&["verify", &url]))
        .await
        .expect("verify ran");
    let entries = platform.get("/registry/api/v1/entries").await;

    assert!(verified.status.success(), "{}", said(&verified));
    let kinds: Vec<String> = entries
        .text()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|e| e["kind"].as_str().map(str::to_string))
        .collect();
    assert_eq!(kinds, ["org.register", "org.register", "org.suspend"]);
}

#[tokio::test]
async fn the_registry_is_not_written_through_its_own_ledger_routes() {
    let platform = spawn_platform().await;

    let response = platform
        .post(
            "/registry/api/v1/campaigns",
            &platform.admin_token,
            &json!({ "id": "x", "title": "x", "purpose": "x", "currency": "VND" }),
        )
        .await;

    assert_eq!(response.status(), 405, "{}", response.text());
    assert_eq!(
        platform.get("/registry/api/v1/info").await.json()["size"],
        0
    );
}

#[tokio::test]
async fn tampering_with_the_registry_database_is_caught_by_fundtrail_verify() {
    let platform = spawn_platform().await;
    platform.create_org("ngo-a", json!([])).await;
    platform.create_org("ngo-b", json!([])).await;
    let stopped = platform.stop().await;
    let registry = stopped.root().join("registry");
    assert!(
        verify_data(&registry).status.success(),
        "untouched registry verifies"
    );

    execute(
        &registry.join("ledger.db"),
        &[
            "drop trigger entries_are_never_updated",
            "update entries set leaf = cast(replace(leaf, '\"ngo-b\"', '\"ngo-z\"') as blob) where seq = 1",
        ],
    )
    .await;
    let verified = verify_data(&registry);

    assert_eq!(verified.status.code(), Some(1), "{}", said(&verified));
}

/// Runs `statements` on the SQLite database at `db` (the server is stopped).
async fn execute(db: &std::path::Path, statements: &[&str]) {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("database opened");
    for sql in statements {
        let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut conn)
            .await
            .expect("statement ran");
        assert!(
            sql.starts_with("drop") || done.rows_affected() == 1,
            "{sql}"
        );
    }
    conn.close().await.expect("closed");
}
