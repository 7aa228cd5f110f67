//! Stores sharing a connection budget (a platform's organisations in one PostgreSQL
//! database): together they never hold more writing connections than the budget allows,
//! and a store that finds it spent waits for an idle one to close instead of failing.

use crate::helpers::ledger::{donation, open};
use crate::helpers::postgres::Cluster;
use fundtrail::ledger::checkpoint::CheckpointSigner;
use fundtrail::sequencer::{AppendRequest, Sequencer};
use fundtrail::store::{
    ConnectionBudget, PgSchema, PostgresSettings, PostgresStore, Store, WRITER_APPLICATION_NAME,
};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn request(body: fundtrail::ledger::entry::Body) -> AppendRequest {
    AppendRequest {
        body,
        recorded_by: "tester".into(),
        idempotency_key: None,
        separate_gift: false,
        private: None,
    }
}

/// The writing connections to the database `url` names, as PostgreSQL counts them.
async fn writers_on(admin: &mut sqlx::PgConnection, database: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from pg_stat_activity where datname = $1 and application_name = $2",
    )
    .bind(database)
    .bind(WRITER_APPLICATION_NAME)
    .fetch_one(admin)
    .await
    .expect("count connections")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_sharing_a_budget_of_two_never_hold_more_than_two_writing_connections_and_every_append_succeeds(
) {
    let Some(cluster) = Cluster::start("stores_sharing_a_budget") else {
        return;
    };
    let url = cluster.new_database().await;
    let database = url.rsplit('/').next().expect("database").to_string();
    let budget = ConnectionBudget::new(2);
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicI64::new(0));
    let watcher = {
        let (stop, peak, admin_url) = (Arc::clone(&stop), Arc::clone(&peak), cluster.admin_url());
        tokio::spawn(async move {
            use sqlx::Connection;
            let mut admin = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("admin connection");
            while !stop.load(Ordering::Relaxed) {
                let n = writers_on(&mut admin, &database).await;
                peak.fetch_max(n, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    let mut ledgers = Vec::new();
    for i in 0..5 {
        let settings = PostgresSettings {
            schema: Some(PgSchema::new(&format!("org_{i}")).expect("schema name")),
            idle_timeout: Duration::from_millis(200),
            budget: Some(budget.clone()),
            ..PostgresSettings::default()
        };
        let store = PostgresStore::open_with(&url, &settings)
            .await
            .expect("store opens");
        let signer = CheckpointSigner::generate(&format!("example.org/o/org-{i}"))
            .expect("key")
            .0;
        ledgers.push(
            Sequencer::start(Store::Postgres(store), signer)
                .await
                .expect("sequencer starts")
                .0,
        );
    }
    let appends = ledgers.iter().map(|h| {
        let h = h.clone();
        async move {
            h.append(request(open("flood", "VND", "Lũ miền Trung")))
                .await
                .map(|_| ())?;
            h.append(request(donation("flood", "VND", 100_000, "Nguyễn Văn An")))
                .await
                .map(|_| ())
        }
    });
    let results = futures_util::future::join_all(appends).await;
    stop.store(true, Ordering::Relaxed);
    watcher.await.expect("watcher");

    for (i, result) in results.iter().enumerate() {
        assert!(result.is_ok(), "organisation {i}: {result:?}");
    }
    for h in &ledgers {
        assert_eq!(h.view().checkpoint.size, 2);
    }
    let peak = peak.load(Ordering::Relaxed);
    assert!(peak >= 1, "the watcher saw the writing connections");
    assert!(
        peak <= 2,
        "{peak} writing connections at once, over the budget of 2"
    );
    assert!(budget.in_use() <= 2);
}

#[tokio::test]
async fn a_store_finding_the_budget_spent_closes_another_stores_unused_writing_connection_instead_of_waiting(
) {
    let Some(cluster) = Cluster::start("a_store_finding_the_budget_spent") else {
        return;
    };
    let url = cluster.new_database().await;
    let budget = ConnectionBudget::new(1);
    let mut ledgers = Vec::new();
    for i in 0..2 {
        let settings = PostgresSettings {
            schema: Some(PgSchema::new(&format!("org_{i}")).expect("schema name")),
            // Long enough that no connection closes for being idle during the test.
            idle_timeout: Duration::from_secs(600),
            budget: Some(budget.clone()),
            ..PostgresSettings::default()
        };
        let store = PostgresStore::open_with(&url, &settings)
            .await
            .expect("store opens");
        let signer = CheckpointSigner::generate(&format!("example.org/o/org-{i}"))
            .expect("key")
            .0;
        let started = tokio::time::timeout(
            Duration::from_secs(20),
            Sequencer::start(Store::Postgres(store), signer),
        )
        .await
        .expect("the second store did not wait for the first one's idle timeout");
        ledgers.push(started.expect("sequencer starts").0);
    }

    for round in 0..2 {
        for (i, h) in ledgers.iter().enumerate() {
            let id = format!("flood-{round}");
            let appended = tokio::time::timeout(
                Duration::from_secs(20),
                h.append(request(open(&id, "VND", "Lũ miền Trung"))),
            )
            .await
            .expect("an append waited for another store's idle timeout");
            assert!(
                appended.is_ok(),
                "organisation {i}, round {round}: {appended:?}"
            );
        }
    }

    assert_eq!(budget.in_use(), 1);
    for h in &ledgers {
        assert_eq!(h.view().checkpoint.size, 2);
    }
}
