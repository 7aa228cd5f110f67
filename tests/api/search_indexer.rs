//! The search index is built by a background indexer, off the append path: a gift is found
//! the moment its append is acknowledged (read from its leaf while the index does not hold
//! it), the indexer then writes its index rows, and a ledger written by older code (whose
//! group commit indexed each entry) keeps working.

use crate::helpers::app::{spawn_app_on_database, TestApp};
use fundtrail::store::Store;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Records a donation of 200.000 VND received on 2025-11-24, reference `FT26305000123`,
/// memo `ung ho mien trung`; returns its seq.
async fn the_gift(app: &TestApp) -> u64 {
    let body = json!({
        "campaign": "flood-2026", "amount": "200000", "received_at": "2025-11-24",
        "channel": "bank_transfer", "reference": "FT26305000123", "memo": "ung ho mien trung",
    });
    let response = app.post("/donations", &body, app.recorder()).await;
    assert_eq!(response.status(), 201, "{}", response.text());
    response.seq()
}

/// The seqs of a search answer's results.
fn seqs(answer: &Value) -> Vec<u64> {
    answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results: {answer}"))
        .iter()
        .map(|r| r["seq"].as_u64().expect("seq"))
        .collect()
}

/// The four ways a donor finds [`the_gift`]: whole reference, part of it, memo words, and
/// amount with the day; each answer's seqs.
async fn found_every_way(app: &TestApp) -> Vec<Vec<u64>> {
    let mut found = Vec::new();
    for query in [
        "q=FT26305000123",
        "q=5000%20123",
        "q=mien%20Trung",
        "amount=200.000&date=24/11/2025",
    ] {
        let answer = app.get_json(&format!("/search?{query}")).await;
        assert_eq!(answer["indexing"], false, "{query}: {answer}");
        found.push(seqs(&answer));
    }
    found
}

/// Whether the store's index (not the leaves) holds `seq` by reference, memo and day.
async fn indexed(store: &Store, seq: u64) -> bool {
    let (by_reference, _) = store
        .search_keys("ft26305000123", false)
        .await
        .expect("index read");
    let (by_memo, _) = store.search_keys("mientrung", true).await.expect("read");
    let amounts = BTreeSet::from(["200000".to_string()]);
    let (by_day, _) = store
        .search_days("2025-11-24", &amounts)
        .await
        .expect("index read");
    by_reference.contains(&seq) && by_memo.contains(&seq) && by_day.contains(&seq)
}

/// Waits (at most 20 s) until the index holds `seq` and reaches the ledger's size.
async fn wait_until_indexed(app: &TestApp, seq: u64) {
    let size = app.checkpoint_size().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let below = app.store.search_indexed_below().await.expect("read");
        if below >= size && indexed(&app.store, seq).await {
            return;
        }
        assert!(Instant::now() < deadline, "not indexed within 20 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Holds the indexer, appends [`the_gift`], checks it is found every way though the index
/// does not hold it; releases the indexer and checks it indexes the gift.
async fn found_at_once_then_indexed(app: &TestApp) {
    let hold = app.store.hold_search_indexer().await;
    let seq = the_gift(app).await;

    let before_indexing = found_every_way(app).await;
    let in_index_meanwhile = indexed(&app.store, seq).await;
    drop(hold);
    wait_until_indexed(app, seq).await;
    let after_indexing = found_every_way(app).await;

    assert_eq!(before_indexing, vec![vec![seq]; 4]);
    assert!(!in_index_meanwhile, "the group commit wrote no index row");
    assert_eq!(after_indexing, vec![vec![seq]; 4]);
}

#[tokio::test]
async fn a_gift_is_found_every_way_before_the_indexer_runs_and_indexed_once_it_does() {
    let app = crate::helpers::app::spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    found_at_once_then_indexed(&app).await;
}

#[tokio::test]
async fn on_postgresql_a_gift_is_found_before_the_indexer_runs_and_indexed_once_it_does() {
    let Some(cluster) = crate::helpers::postgres::Cluster::start("search_indexer_on_postgres")
    else {
        return;
    };
    let app = spawn_app_on_database(&cluster.new_database().await).await;
    app.open_campaign("flood-2026", "VND").await;

    found_at_once_then_indexed(&app).await;
}

#[tokio::test]
async fn a_ledger_whose_group_commit_indexed_its_entries_is_found_once_each_and_indexed_to_its_size(
) {
    let app = crate::helpers::app::spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let seq = the_gift(&app).await;
    wait_until_indexed(&app, seq).await;
    let stopped = app.stop().await;
    // As older code left it: the entries from `below` on were indexed by their group
    // commit, and the catch-up of the entries before `below` was done.
    stopped
        .execute("update search_backfill set below = 1, done = 1")
        .await
        .expect("older layout");

    let app = stopped.restart().await;

    assert_eq!(found_every_way(&app).await, vec![vec![seq]; 4]);
    wait_until_indexed(&app, seq).await;
    assert_eq!(found_every_way(&app).await, vec![vec![seq]; 4]);
}

#[tokio::test]
async fn past_the_cap_only_the_newest_unindexed_entries_are_read_and_the_read_says_it_is_incomplete(
) {
    let app = crate::helpers::app::spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let _hold = app.store.hold_search_indexer().await;
    let seq = the_gift(&app).await;
    let cap = fundtrail::store::MAX_UNINDEXED;

    let whole = app
        .store
        .unindexed_donations(0, seq + 1, |_| true, 10)
        .await
        .expect("read");
    // As if `cap` more entries followed the gift: the read starts at the gift.
    let newest = app
        .store
        .unindexed_donations(0, seq + cap, |_| true, 10)
        .await
        .expect("read");
    let past_it = app
        .store
        .unindexed_donations(0, seq + 1 + cap, |_| true, 10)
        .await
        .expect("read");
    let over_limit = app
        .store
        .unindexed_donations(0, seq + 1, |_| true, 0)
        .await
        .expect("read");

    let seqs_of = |u: &fundtrail::store::Unindexed| -> Vec<u64> {
        u.donations.iter().map(|(e, _)| e.seq).collect()
    };
    assert_eq!(
        (seqs_of(&whole), whole.complete, whole.more),
        (vec![seq], true, false)
    );
    assert_eq!((seqs_of(&newest), newest.complete), (vec![seq], false));
    assert_eq!((seqs_of(&past_it), past_it.complete), (vec![], false));
    assert_eq!((seqs_of(&over_limit), over_limit.more), (vec![], true));
}
