//! Staff token names: plain and unique, refused in plain words by `fundtrail token create`,
//! duplicates from older ledgers renamed by the migration on both stores, and every entry
//! naming its recorder by token name and id.

use crate::helpers::app::spawn_app;
use crate::helpers::binary::{fundtrail, text};
use crate::helpers::postgres;
use fundtrail::auth::new_token;
use fundtrail::ledger::hash::sha256;
use fundtrail::store::{PostgresStore, SqliteStore, Store, StoreError};
use serde_json::json;
use std::path::Path;

/// `fundtrail init` in a new folder under `parent`; returns the folder.
fn new_ledger(parent: &Path) -> String {
    let data = parent.join("data").display().to_string();
    let init = fundtrail(&["init", "--data", &data]);
    assert_eq!(init.status.code(), Some(0), "{}", text(&init.stderr));
    data
}

fn create(data: &str, name: &str) -> std::process::Output {
    fundtrail(&[
        "token", "create", "--role", "recorder", "--name", name, "--data", data,
    ])
}

#[test]
fn token_create_refuses_names_that_are_not_plain_and_says_what_is_allowed() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let data = new_ledger(folder.path());

    for name in [
        "<img src=x onerror=alert(1)>",
        "Lan\u{202E}gnp",
        "",
        " Lan",
        "Lan #2",
    ] {
        let created = create(&data, name);

        assert_eq!(created.status.code(), Some(2), "{name:?}");
        let said = text(&created.stderr);
        assert!(said.contains("--name"), "{name:?}: {said}");
        assert!(said.contains("a token name"), "{name:?}: {said}");
    }
    let listed = text(&fundtrail(&["token", "list", "--data", &data]).stdout);
    assert_eq!(
        listed.lines().count(),
        1,
        "only init's admin token: {listed}"
    );
}

#[test]
fn token_create_refuses_a_name_already_used_ignoring_case_even_by_a_revoked_token() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let data = new_ledger(folder.path());
    let first = create(&data, "Lan (finance)");
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let revoked = fundtrail(&["token", "revoke", "2", "--data", &data]);
    assert_eq!(revoked.status.code(), Some(0), "{}", text(&revoked.stderr));

    let again = create(&data, "LAN (Finance)");
    let admin = create(&data, "Admin");
    let other = create(&data, "Lan (field)");

    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("a token named \"Lan (finance)\" already exists"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(admin.status.code(), Some(2), "init's token is named admin");
    assert_eq!(other.status.code(), Some(0), "{}", text(&other.stderr));
    assert!(
        text(&other.stderr).contains("recorded by \"Lan (field) #3\""),
        "{}",
        text(&other.stderr)
    );
}

#[tokio::test]
async fn an_entry_names_its_recorder_by_token_name_and_id() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;

    let donated = app.donate(&flood, "500000").await;

    assert_eq!(
        donated.json()["entry"]["recorded_by"],
        format!("test-recorder #{}", app.recorder_token_id)
    );
}

#[tokio::test]
async fn a_token_whose_old_name_cannot_be_recorded_gets_a_plain_refusal_and_appends_nothing() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let token = new_token();
    // As `token create` allowed before names were checked.
    app.store
        .create_token("Lan\u{202E}gnp", "recorder", &sha256(token.as_bytes()))
        .await
        .expect("token stored");

    let response = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "1000" }),
            Some(&token),
        )
        .await;

    assert_eq!(response.status(), 422, "{}", response.text());
    let body = response.json();
    assert_eq!(body["error"], "unusable_token_name");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("fundtrail token create")),
        "{body}"
    );
    assert_eq!(app.checkpoint_size().await, 1);
}

/// Two tokens of each of two names and one other, as an older ledger may hold them.
const DUPLICATES: &[&str] = &["admin", "Lan", "admin", "Lan", "Minh"];

/// The names the migration leaves: the oldest keeps its name.
const RENAMED: &[&str] = &["admin", "Lan", "admin (token 3)", "Lan (token 4)", "Minh"];

async fn names(store: &Store) -> Vec<String> {
    let tokens = store.list_tokens().await.expect("tokens");
    tokens.into_iter().map(|t| t.name).collect()
}

async fn a_duplicate_name_is_refused_by_the_store(store: &Store) {
    let taken = store
        .create_token("Minh", "recorder", &sha256(b"another"))
        .await;
    assert!(
        matches!(taken, Err(StoreError::TokenNameTaken { .. })),
        "{taken:?}"
    );
}

/// Copies the first `n` migrations of `backend` into a folder a [`sqlx::migrate::Migrator`]
/// reads.
fn migrations_before(backend: &str, n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut files: Vec<_> = std::fs::read_dir(&source)
        .expect("migrations")
        .map(|e| e.expect("entry").file_name())
        .collect();
    files.sort();
    for file in files.into_iter().take(n) {
        std::fs::copy(source.join(&file), dir.path().join(&file)).expect("copied");
    }
    dir
}

#[tokio::test]
async fn an_older_sqlite_ledger_with_duplicate_token_names_keeps_every_token_under_a_unique_name() {
    use sqlx::Connection;
    let folder = tempfile::tempdir().expect("temporary folder");
    let db = folder.path().join("ledger.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .create_if_missing(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("database");
    let old = migrations_before("sqlite", 5);
    sqlx::migrate::Migrator::new(old.path())
        .await
        .expect("migrations 1 to 5")
        .run(&mut conn)
        .await
        .expect("old schema");
    for (i, name) in DUPLICATES.iter().enumerate() {
        sqlx::query(
            "insert into tokens (name, role, token_hash, created_at) values (?, 'recorder', ?, '2026-01-01T00:00:00.000000Z')",
        )
        .bind(name)
        .bind(&sha256(&[i as u8]).0[..])
        .execute(&mut conn)
        .await
        .expect("token row");
    }
    conn.close().await.expect("closed");

    let store = Store::Sqlite(SqliteStore::open(&db).await.expect("upgraded"));

    assert_eq!(names(&store).await, RENAMED);
    a_duplicate_name_is_refused_by_the_store(&store).await;
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("database");
    let behind_the_back = sqlx::query(
        "insert into tokens (name, role, token_hash, created_at) values ('Minh', 'admin', x'00', 'now')",
    )
    .execute(&mut conn)
    .await;
    assert!(behind_the_back.is_err(), "the unique index refuses it");
}

#[tokio::test]
async fn an_older_postgres_ledger_with_duplicate_token_names_keeps_every_token_under_a_unique_name()
{
    use sqlx::Connection;
    let Some(cluster) = postgres::Cluster::start("duplicate_token_names_on_postgres") else {
        return;
    };
    let url = cluster.new_database().await;
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    let old = migrations_before("postgres", 3);
    sqlx::migrate::Migrator::new(old.path())
        .await
        .expect("migrations 1 to 3")
        .run(&mut conn)
        .await
        .expect("old schema");
    for (i, name) in DUPLICATES.iter().enumerate() {
        sqlx::query(
            "insert into tokens (name, role, token_hash, created_at) values ($1, 'recorder', $2, '2026-01-01T00:00:00.000000Z')",
        )
        .bind(name)
        .bind(&sha256(&[i as u8]).0[..])
        .execute(&mut conn)
        .await
        .expect("token row");
    }
    conn.close().await.expect("closed");

    let store = Store::Postgres(PostgresStore::open(&url).await.expect("upgraded"));

    assert_eq!(names(&store).await, RENAMED);
    a_duplicate_name_is_refused_by_the_store(&store).await;
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    let behind_the_back = sqlx::query(
        "insert into tokens (name, role, token_hash, created_at) values ('Minh', 'admin', '\\x00', 'now')",
    )
    .execute(&mut conn)
    .await;
    assert!(behind_the_back.is_err(), "the unique index refuses it");
}
