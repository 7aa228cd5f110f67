//! The log's cosignatures in both databases (migrations `0011_cosignatures` on SQLite,
//! `0008_cosignatures` on PostgreSQL): kept once per size and witness, append-only, read
//! back by size and as each witness's largest size.

use fundtrail::store::{PostgresStore, SqliteStore, Store, StoredCosignature};

async fn kept_once_per_size_and_witness(store: &Store) {
    let line = |size: u64, w: &str, at: u64| StoredCosignature {
        size,
        witness: w.to_string(),
        line: format!("— {w} line-{size}-{at}"),
        cosigned_at: at,
    };
    for c in [
        line(3, "a", 1),
        line(3, "a", 2),
        line(3, "b", 1),
        line(5, "a", 3),
    ] {
        store.add_cosignature(&c).await.expect("kept");
    }

    let at3 = store.cosignatures_at(3).await.expect("read");
    let latest = store.latest_cosigned_sizes().await.expect("read");

    assert_eq!(
        at3,
        vec![line(3, "a", 1), line(3, "b", 1)],
        "the first one of a witness stays"
    );
    assert_eq!(latest.get("a"), Some(&5));
    assert_eq!(latest.get("b"), Some(&3));
    assert!(store.cosignatures_at(4).await.expect("read").is_empty());
}

#[tokio::test]
async fn cosignatures_are_kept_once_per_size_and_witness_on_sqlite() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = Store::Sqlite(
        SqliteStore::open(&dir.path().join("l.db"))
            .await
            .expect("open"),
    );
    kept_once_per_size_and_witness(&store).await;
}

#[tokio::test]
async fn cosignatures_are_kept_once_per_size_and_witness_on_postgresql() {
    let Some(cluster) = crate::helpers::postgres::Cluster::start("cosignatures on PostgreSQL")
    else {
        return;
    };
    let url = cluster.new_database().await;
    let store = Store::Postgres(PostgresStore::open(&url).await.expect("open"));
    kept_once_per_size_and_witness(&store).await;
}
