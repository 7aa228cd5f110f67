//! Upgrading a SQLite ledger made by an older version: a ledger built with the schema of the
//! first migrations only, holding every row of a real ledger, keeps every row, donor and id
//! counter when the server migrates it, and an erasure after the upgrade leaves no copy in
//! the tables older migrations rebuilt.

use crate::helpers::app::spawn_app;
use crate::helpers::binary::verify_data;
use crate::restarts::seqs_in;
use serde_json::json;

/// Builds `ledger.db` in `data` as a ledger made before migration 3 would have it: the
/// schema of migrations 1 and 2 only (with the unique indexes on `prev` and `leaf_hash`),
/// holding a copy of every row of `current`.
async fn downgrade_to_migration_2(current: &std::path::Path, data: &std::path::Path) {
    rebuild_with_migrations(current, data, &["0001_ledger.sql", "0002_donors.sql"], &[]).await;
    assert_eq!(
        unique_indexes_on_entries(&data.join("ledger.db")).await,
        3,
        "prev, leaf_hash and reverses are unique before migration 3"
    );
}

/// Builds `ledger.db` in `data` with the schema of migrations `before` only, holding a copy
/// of every row of `current`, then applies migrations `after` to it, as an older version
/// would have (without `secure_delete`).
async fn rebuild_with_migrations(
    current: &std::path::Path,
    data: &std::path::Path,
    before: &[&str],
    after: &[&str],
) {
    use sqlx::Connection;
    let old_migrations = tempfile::tempdir().expect("temporary folder");
    for file in before {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations/sqlite")
            .join(file);
        std::fs::copy(from, old_migrations.path().join(file)).expect("migration copied");
    }
    let old = data.join("ledger.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&old)
        .create_if_missing(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("old database");
    sqlx::migrate::Migrator::new(old_migrations.path())
        .await
        .expect("migrations 1 and 2")
        .run(&mut conn)
        .await
        .expect("old schema");
    let attach = format!("attach database '{}' as current", current.display());
    sqlx::query(sqlx::AssertSqlSafe(attach))
        .execute(&mut conn)
        .await
        .expect("attached");
    for table in [
        "entries",
        "tree_hashes",
        "checkpoints",
        "campaigns",
        "idempotency",
        "tokens",
        "donors",
    ] {
        let copy = format!("insert into main.{table} select * from current.{table}");
        sqlx::query(sqlx::AssertSqlSafe(copy))
            .execute(&mut conn)
            .await
            .expect("rows copied");
    }
    // As if donors with higher ids had been erased: ids are never reused.
    sqlx::query("update sqlite_sequence set seq = 40 where name = 'donors'")
        .execute(&mut conn)
        .await
        .expect("counter set");
    sqlx::query("detach database current")
        .execute(&mut conn)
        .await
        .expect("detached");
    for file in after {
        std::fs::copy(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations/sqlite")
                .join(file),
            old_migrations.path().join(file),
        )
        .expect("migration copied");
    }
    sqlx::migrate::Migrator::new(old_migrations.path())
        .await
        .expect("later migrations")
        .run(&mut conn)
        .await
        .expect("later schema");
    conn.close().await.expect("closed");
}

/// How many unique constraints of `create table entries` have an index in `db`.
async fn unique_indexes_on_entries(db: &std::path::Path) -> i64 {
    number_in(
        db,
        "select count(*) from sqlite_master where tbl_name = 'entries' and name like 'sqlite_autoindex%'",
    )
    .await
}

/// The number `sql` selects from `db`.
async fn number_in(db: &std::path::Path, sql: impl Into<String>) -> i64 {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("database");
    let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.into()))
        .fetch_one(&mut conn)
        .await
        .expect("a number");
    conn.close().await.expect("closed");
    n
}

// Longer than 80 lines: one ledger's life across the upgrade, every check on the same rows.
#[tokio::test]
async fn a_ledger_made_before_the_chain_trigger_migration_upgrades_with_every_row_kept() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    app.donate(&flood, "900000").await.seq();
    let private = app
        .post(
            "/donations",
            &json!({
                "campaign": flood, "amount": "500000", "reference": "VCB-0042",
                "donor_private": { "name": "Trần Văn Bình", "email": "binh@example.vn" },
                "publish_name": false,
            }),
            Some(&app.recorder_token),
        )
        .await;
    assert_eq!(private.status(), 201, "{}", private.text());
    let reversed = app.donate(&flood, "100000").await.seq();
    app.reverse(reversed).await.seq();
    let keyed_body = json!({ "campaign": flood, "amount": "7000" })
        .to_string()
        .into_bytes();
    let keyed = app
        .post_with(
            "/donations",
            keyed_body.clone(),
            app.recorder(),
            Some("retry-before-upgrade"),
        )
        .await
        .seq();
    let bundle_before = app.export().await;
    let stopped = app.stop().await;
    let current = stopped.dir.path().join("current.db");
    std::fs::rename(stopped.db_path(), &current).expect("moved aside");
    for side in ["ledger.db-wal", "ledger.db-shm"] {
        let _ = std::fs::remove_file(stopped.data_dir().join(side));
    }
    downgrade_to_migration_2(&current, &stopped.data_dir()).await;

    let app = stopped.restart().await;

    assert_eq!(app.export().await, bundle_before);
    // Migration 5: the key used before still replays its entry.
    let retry = app
        .post_with(
            "/donations",
            keyed_body,
            app.recorder(),
            Some("retry-before-upgrade"),
        )
        .await;
    assert_eq!(retry.json()["replayed"], true, "{}", retry.text());
    assert_eq!(retry.seq(), keyed);
    let next = app.donate(&flood, "1000").await;
    assert_eq!(next.status(), 201, "{}", next.text());
    assert_eq!(next.seq(), 6);
    // Migration 4: references are found from memory, loaded from the new index.
    let found = app.get_json("/search?reference=VCB-0042").await;
    assert_eq!(seqs_in(&found), vec![private.seq()]);
    let duplicate = app.donate_with_reference(&flood, "1000", "VCB-0042").await;
    assert_eq!(duplicate.json()["error"], "duplicate_reference");
    let donor = app
        .client
        .get(format!("{}/api/v1/donors/{}", app.address, private.seq()))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("donor read");
    assert_eq!(donor.status(), 200);
    let donor: serde_json::Value = donor.json().await.expect("donor JSON");
    assert!(donor.to_string().contains("binh@example.vn"), "{donor}");
    let stopped = app.stop().await;
    assert_eq!(unique_indexes_on_entries(&stopped.db_path()).await, 1);
    let index_named = |name: &str| {
        format!("select count(*) from sqlite_master where type = 'index' and name = '{name}'")
    };
    assert_eq!(
        number_in(&stopped.db_path(), index_named("entries_by_reference")).await,
        0
    );
    assert_eq!(
        number_in(&stopped.db_path(), index_named("entries_with_reference")).await,
        1
    );
    let counter = "select seq from sqlite_sequence where name = 'donors'";
    assert_eq!(number_in(&stopped.db_path(), counter).await, 40);
    let verified = verify_data(&stopped.data_dir());
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

#[tokio::test]
async fn erasing_a_donor_after_the_upgrade_leaves_no_copy_from_the_tables_older_migrations_rebuilt()
{
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    // Enough donors to fill several pages, so the rebuilt tables do not land on the bytes
    // of the old ones.
    let mut seqs = Vec::new();
    for i in 0..60 {
        let donation = json!({
            "campaign": flood, "amount": "500000",
            "donor_private": {
                "name": format!("Trần Văn Bình {i}"), "email": format!("donor-{i:02}@example.vn"),
                "address": "12 Lê Lợi, Đồng Hới, Quảng Bình",
            },
            "publish_name": false,
        });
        seqs.push(
            app.post("/donations", &donation, app.recorder())
                .await
                .seq(),
        );
    }
    let private = seqs[30];
    let stopped = app.stop().await;
    let current = stopped.dir.path().join("current.db");
    std::fs::rename(stopped.db_path(), &current).expect("moved aside");
    for side in ["ledger.db-wal", "ledger.db-shm"] {
        let _ = std::fs::remove_file(stopped.data_dir().join(side));
    }
    rebuild_with_migrations(
        &current,
        &stopped.data_dir(),
        &["0001_ledger.sql", "0002_donors.sql"],
        &[
            "0003_chain_trigger.sql",
            "0004_reference_lookups.sql",
            "0005_idempotency_by_seq.sql",
        ],
    )
    .await;
    let app = stopped.restart().await;

    let erased = app
        .client
        .delete(format!("{}/api/v1/donors/{private}", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("erasure sent");

    assert_eq!(erased.status().as_u16(), 204);
    let stopped = app.stop().await;
    for file in ["ledger.db", "ledger.db-wal"] {
        let bytes = std::fs::read(stopped.data_dir().join(file)).unwrap_or_default();
        let email = b"donor-30@example.vn";
        assert!(
            !bytes.windows(email.len()).any(|w| w == email),
            "{file} still holds the e-mail address"
        );
    }
}
