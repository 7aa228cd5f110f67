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

#[tokio::test]
async fn a_key_rotation_is_a_registry_entry_and_the_ledger_verifies_across_it_with_either_key() {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;
    assert_eq!(
        platform
            .open_campaign(&a, "flood", json!([]))
            .await
            .status(),
        201
    );

    let rotated = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/rotate-key",
            &platform.admin_token,
            &json!({ "note": "Treasurer's laptop replaced." }),
        )
        .await;
    let donated = platform.donate(&a, "flood", "100000").await;

    assert_eq!(rotated.status(), 200, "{}", rotated.text());
    let new_key = rotated.json()["verifier_key"]
        .as_str()
        .expect("key")
        .to_string();
    assert_ne!(new_key, a.verifier_key);
    assert_eq!(rotated.json()["previous_key"], a.verifier_key.as_str());
    assert_eq!(donated.status(), 201, "{}", donated.text());
    let orgs = platform.get("/api/v1/platform/orgs").await.json();
    assert_eq!(orgs["orgs"][0]["verifier_key"], new_key.as_str());
    let entries = platform.get("/registry/api/v1/entries").await;
    let last = entries.text().lines().last().expect("an entry").to_string();
    assert!(
        last.contains("\"org.key\"") && last.contains(&new_key),
        "{last}"
    );
    for key in [a.verifier_key.clone(), new_key] {
        let url = format!("{}/o/ngo-a", platform.address);
        let verified =
            tokio::task::spawn_blocking(move || fundtrail(&["verify", &url, "--key", &key]))
                .await
                .expect("verify ran");
        assert!(verified.status.success(), "{}", said(&verified));
    }
    let registry_url = format!("{}/registry", platform.address);
    let registry = tokio::task::spawn_blocking(move || fundtrail(&["verify", &registry_url]))
        .await
        .expect("verify ran");
    assert!(registry.status.success(), "{}", said(&registry));
}

#[tokio::test]
async fn a_closed_organisation_cannot_rotate_its_key_and_nothing_is_recorded() {
    let platform = spawn_platform().await;
    platform.create_org("ngo-a", json!([])).await;
    let closed = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/close",
            &platform.admin_token,
            &json!({ "reason": "Dissolved." }),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let size = platform.size_of("ngo-a").await;

    let rotated = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/rotate-key",
            &platform.admin_token,
            &json!({}),
        )
        .await;

    assert_eq!(rotated.status(), 409, "{}", rotated.text());
    assert_eq!(rotated.json()["error"], "organisation_closed");
    assert_eq!(platform.size_of("ngo-a").await, size);
}

#[tokio::test]
async fn after_a_key_rotation_the_running_organisation_publishes_a_witness_policy_naming_the_new_key(
) {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;
    std::fs::write(
        platform.root().join("orgs/ngo-a/witness-policy.txt"),
        format!("log {}\nquorum none\n", a.verifier_key),
    )
    .expect("policy written");
    let before = platform.get("/o/ngo-a/log/policy").await;

    let rotated = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/rotate-key",
            &platform.admin_token,
            &json!({ "note": "Yearly rotation." }),
        )
        .await;
    let after = platform.get("/o/ngo-a/log/policy").await;

    assert_eq!(before.status(), 200, "{}", before.text());
    assert_eq!(
        before.text(),
        format!("log {}\nquorum none\n", a.verifier_key)
    );
    assert_eq!(rotated.status(), 200, "{}", rotated.text());
    let new_key = rotated.json()["verifier_key"]
        .as_str()
        .expect("new key")
        .to_string();
    assert_eq!(
        after.text(),
        format!("log {new_key}\nquorum none\n"),
        "the running server publishes the policy naming the key that now signs"
    );
    let file = std::fs::read_to_string(platform.root().join("orgs/ngo-a/witness-policy.txt"))
        .expect("policy file");
    assert_eq!(
        file,
        after.text(),
        "the file says the same for the next start"
    );
}
