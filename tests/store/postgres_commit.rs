//! The PostgreSQL group commit (one statement per batch): a batch that fails on any row
//! writes no row of any table, many appends at once keep the ledger's order and chain, and
//! the chain check looks up the entry before each new one instead of reading the table, and
//! a donor's row must name an entry.
//! Skipped with a notice where PostgreSQL is not installed.

use crate::helpers::postgres;
use fundtrail::demo::demo_entries;
use fundtrail::ledger::canonical::encode;
use fundtrail::ledger::checkpoint::CheckpointSigner;
use fundtrail::ledger::entry::{Body, Channel, Donation, Entry};
use fundtrail::ledger::hash::{leaf_hash, Hash};
use fundtrail::ledger::money::{Currency, Minor};
use fundtrail::ledger::verify::{bundle_header, bundle_trailer, verify_bundle};
use fundtrail::ledger::{decode, ZERO_HASH};
use fundtrail::sequencer::{AppendRequest, Appended, Sequencer, SequencerHandle};
use fundtrail::store::{
    Batch, DonorPrivate, NewEntry, PostgresStore, Store, StoreError, StoredCheckpoint,
};
use sqlx::Connection;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

fn signer() -> CheckpointSigner {
    CheckpointSigner::from_private_key(include_str!("../vectors/demo/signing-key.txt"))
        .expect("test key")
}

/// A clock from 2026-11-20 00:00:00 UTC (after every day the entries name), one second per
/// reading.
fn fixed_clock() -> fundtrail::sequencer::Clock {
    let tick = Arc::new(AtomicI64::new(0));
    Arc::new(move || {
        let n = tick.fetch_add(1, Ordering::SeqCst);
        chrono::DateTime::from_timestamp(1_795_132_800 + n, 0).expect("valid time")
    })
}

fn donation(reference: &str) -> Body {
    Body::Donation(Donation {
        pledge: None,
        amount: Minor::new(10_000).expect("positive"),
        campaign: "flood-2026".into(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: Currency::parse("VND").expect("currency"),
        donor: "Anonymous".into(),
        in_kind: None,
        memo: Some("Ủng hộ đồng bào vùng lũ".into()),
        received_at: "2026-11-20".into(),
        reference: Some(reference.into()),
    })
}

fn request(body: Body, key: Option<String>, private: Option<DonorPrivate>) -> AppendRequest {
    AppendRequest {
        body,
        recorded_by: "tester".into(),
        idempotency_key: key,
        separate_gift: false,
        private,
    }
}

fn email(address: &str) -> Option<DonorPrivate> {
    Some(DonorPrivate {
        email: Some(address.into()),
        ..DonorPrivate::default()
    })
}

/// A PostgreSQL store on a fresh database of `cluster` holding the demo ledger, its URL,
/// and the sequencer that appended it.
async fn demo_ledger(cluster: &postgres::Cluster) -> (Store, String, SequencerHandle) {
    let url = cluster.new_database().await;
    let store = Store::Postgres(PostgresStore::open(&url).await.expect("open postgres"));
    let (h, _task) = Sequencer::start_with_clock(store.clone(), signer(), fixed_clock())
        .await
        .expect("start the sequencer");
    for body in demo_entries() {
        h.append(request(body, None, None))
            .await
            .expect("demo entry accepted");
    }
    (store, url, h)
}

/// Rows in every table a group commit writes, in one read.
async fn row_counts(url: &str) -> [i64; 8] {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let row: (i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from entries), (select count(*) from donors), \
         (select count(*) from idempotency), (select count(*) from tree_hashes), \
         (select count(*) from campaigns), (select count(*) from search_keys), \
         (select count(*) from search_days), (select count(*) from checkpoints)",
    )
    .fetch_one(&mut conn)
    .await
    .expect("count rows");
    let _ = conn.close().await;
    [row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7]
}

/// `n` donations after the last stored entry, chained, each with an idempotency key
/// (`key(i)`) and a donor's e-mail, with a tree node and a checkpoint each; entry
/// `broken_link`, if any, names the wrong entry before it.
async fn batch_after(
    store: &Store,
    n: u64,
    key: impl Fn(u64) -> String,
    broken_link: Option<u64>,
) -> Batch {
    let last = store.last_entry().await.expect("read").expect("an entry");
    let mut prev = last.leaf_hash;
    let mut batch = Batch::default();
    for i in 0..n {
        let seq = last.seq + 1 + i;
        let entry = Entry {
            seq,
            prev: if broken_link == Some(i) {
                ZERO_HASH
            } else {
                prev
            },
            recorded_at: format!("2026-11-21T00:00:0{i}.000000Z"),
            recorded_by: "tester".into(),
            body: donation(&format!("BATCH-{seq}")),
        };
        let leaf = encode(&entry);
        let hash = leaf_hash(&leaf);
        // The nodes are placeholders at indexes no tree of this size uses: no proof is read.
        batch.hashes.push((1_000_000 + seq, hash));
        batch.entries.push(NewEntry {
            entry,
            leaf,
            leaf_hash: hash,
            idempotency_key: Some((key(i), Hash([i as u8; 32]))),
            private: email(&format!("donor{seq}@example.vn")),
        });
        prev = hash;
    }
    batch.checkpoint = Some(StoredCheckpoint {
        size: last.seq + 1 + n,
        root: Hash([7; 32]),
        note: "a placeholder note".into(),
    });
    batch
}

#[tokio::test]
async fn a_postgres_group_commit_that_fails_on_one_row_writes_no_row_of_any_table() {
    let Some(cluster) = postgres::Cluster::start("postgres_group_commit_fails_whole") else {
        return;
    };
    let (store, url, _h) = demo_ledger(&cluster).await;
    let before = row_counts(&url).await;
    let distinct = |i: u64| format!("batch-key-{i}");
    // The third entry reuses the first's idempotency key (a unique violation in the batch).
    let duplicate_key = batch_after(&store, 3, |i| distinct(i % 2), None).await;
    // The second entry's `prev` is not the first's leaf hash (the chain trigger refuses it).
    let broken_chain = batch_after(&store, 3, distinct, Some(1)).await;
    // The first entry's `prev` is not the leaf hash of the last entry already stored.
    let broken_first = batch_after(&store, 3, distinct, Some(0)).await;

    let refused_key = store.append_batch(&duplicate_key).await;
    let after_key = row_counts(&url).await;
    let refused_link = store.append_batch(&broken_chain).await;
    let after_link = row_counts(&url).await;
    let refused_first = store.append_batch(&broken_first).await;
    let after_first = row_counts(&url).await;
    let keys: Vec<String> = (0..3).map(distinct).collect();
    let keys_found = store.idempotent_seqs(&keys).await.expect("look-up");
    let good = batch_after(&store, 3, distinct, None).await;
    let written = store.append_batch(&good).await;
    let after_good = row_counts(&url).await;

    assert!(
        matches!(refused_key, Err(StoreError::Database(_))),
        "duplicate key: {refused_key:?}"
    );
    assert_eq!(after_key, before, "the refused batch left no row");
    assert!(
        matches!(&refused_link, Err(StoreError::Database(e)) if e.to_string().contains("chain")),
        "broken link: {refused_link:?}"
    );
    assert_eq!(after_link, before, "the refused batch left no row");
    assert!(
        matches!(&refused_first, Err(StoreError::Database(e)) if e.to_string().contains("chain")),
        "broken first link: {refused_first:?}"
    );
    assert_eq!(after_first, before, "the refused batch left no row");
    assert!(keys_found.is_empty(), "{keys_found:?}");
    written.expect("the same batch without the fault is written");
    let grown: Vec<i64> = after_good.iter().zip(before).map(|(a, b)| a - b).collect();
    assert_eq!(
        &grown[..5],
        &[3, 3, 3, 3, 0],
        "entries, donors, keys, nodes, campaigns"
    );
    assert_eq!(
        &grown[5..7],
        &[0, 0],
        "search rows: the background indexer's, not the commit's"
    );
    assert_eq!(grown[7], 1, "one checkpoint");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_appends_on_postgres_keep_seq_and_chain_order() {
    let Some(cluster) = postgres::Cluster::start("postgres_concurrent_appends") else {
        return;
    };
    let (store, _url, h) = demo_ledger(&cluster).await;
    let n = demo_entries().len() as u64;
    const APPENDS: u64 = 300;

    let tasks: Vec<_> = (0..APPENDS)
        .map(|i| {
            let h = h.clone();
            let private = (i % 3 == 0)
                .then(|| email(&format!("d{i}@example.vn")))
                .flatten();
            let r = request(donation(&format!("C-{i}")), Some(format!("c-{i}")), private);
            tokio::spawn(async move { h.append(r).await })
        })
        .collect();
    let mut appended: Vec<Appended> = Vec::new();
    for t in tasks {
        appended.push(t.await.expect("task").expect("append acknowledged"));
    }
    let stored = store.entries(0, n + APPENDS + 1).await.expect("entries");
    let keys: Vec<String> = (0..APPENDS).map(|i| format!("c-{i}")).collect();
    let by_key = store.idempotent_seqs(&keys).await.expect("keys");
    let cp = h.view().checkpoint.clone();

    let mut seqs: Vec<u64> = appended.iter().map(|a| a.seq).collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (n..n + APPENDS).collect::<Vec<_>>(),
        "one seq each, no gap"
    );
    assert_eq!(stored.len() as u64, n + APPENDS);
    let mut prev = ZERO_HASH;
    for (i, e) in stored.iter().enumerate() {
        let entry = decode(&e.leaf).expect("decodes");
        assert_eq!(
            (e.seq, entry.seq),
            (i as u64, i as u64),
            "stored in seq order"
        );
        assert_eq!(e.leaf_hash, leaf_hash(&e.leaf), "entry {i}'s leaf hash");
        assert_eq!(entry.prev, prev, "entry {i} links to the entry before");
        prev = e.leaf_hash;
    }
    for a in &appended {
        assert_eq!(
            a.leaf, stored[a.seq as usize].leaf,
            "entry {} as acknowledged",
            a.seq
        );
    }
    assert_eq!(by_key.len() as u64, APPENDS, "every idempotency key stored");
    for (i, key) in keys.iter().enumerate() {
        let seq = by_key[key].0;
        let entry = decode(&stored[seq as usize].leaf).expect("decodes");
        assert!(
            matches!(&entry.body, Body::Donation(d) if d.reference.as_deref() == Some(format!("C-{i}").as_str())),
            "{key} names its own entry"
        );
    }
    let mut bundle = bundle_header(signer().verifier_key()).into_bytes();
    for e in &stored {
        bundle.extend_from_slice(&e.leaf);
        bundle.push(b'\n');
    }
    bundle.extend_from_slice(bundle_trailer(&cp.note).as_bytes());
    let report = verify_bundle(&bundle[..], Some(signer().verifier_key()), None, |_| {})
        .expect("the ledger verifies");
    assert_eq!((report.size, report.root), (cp.size, cp.root));
}

#[tokio::test]
async fn a_reference_stored_by_another_process_is_found_by_the_next_look_up() {
    let Some(cluster) = postgres::Cluster::start("postgres_references_of_others") else {
        return;
    };
    let (store, url, _h) = demo_ledger(&cluster).await;
    let other = Store::Postgres(PostgresStore::open(&url).await.expect("open again"));
    let of = |batch: &Batch| -> Vec<String> {
        batch
            .entries
            .iter()
            .map(|e| match &e.entry.body {
                Body::Donation(d) => d.reference.clone().expect("a reference"),
                _ => unreachable!("donations only"),
            })
            .collect()
    };
    // The first look-up loads the store's references into memory.
    let before = store
        .existing_references(&["NEVER-SEEN".into()])
        .await
        .expect("look-up");
    let theirs = batch_after(&other, 2, |i| format!("theirs-{i}"), None).await;
    other
        .append_batch(&theirs)
        .await
        .expect("written by the other");
    let found_theirs = store.existing_references(&of(&theirs)).await;
    let ours = batch_after(&store, 2, |i| format!("ours-{i}"), None).await;
    store
        .append_batch(&ours)
        .await
        .expect("written by this one");
    let found_ours = store.existing_references(&of(&ours)).await;
    let found_none = store.existing_references(&["NEVER-SEEN".into()]).await;

    assert!(before.is_empty(), "{before:?}");
    let pairs = |refs: Vec<String>| -> std::collections::HashSet<(String, String)> {
        refs.into_iter().map(|r| ("flood-2026".into(), r)).collect()
    };
    assert_eq!(found_theirs.expect("look-up"), pairs(of(&theirs)));
    assert_eq!(found_ours.expect("look-up"), pairs(of(&ours)));
    assert!(found_none.expect("look-up").is_empty());
}

#[tokio::test]
async fn a_donation_stored_by_another_process_is_never_recorded_twice_by_this_sequencer() {
    let Some(cluster) = postgres::Cluster::start("postgres_references_never_twice") else {
        return;
    };
    let (store, url, h) = demo_ledger(&cluster).await;
    h.append(request(donation("WARM-UP"), None, None))
        .await
        .expect("an append loads the references");
    let other = Store::Postgres(PostgresStore::open(&url).await.expect("open again"));
    let theirs = batch_after(&other, 1, |i| format!("theirs-{i}"), None).await;
    let reference = match &theirs.entries[0].entry.body {
        Body::Donation(d) => d.reference.clone().expect("a reference"),
        _ => unreachable!("a donation"),
    };
    other
        .append_batch(&theirs)
        .await
        .expect("written by the other");

    let first = h.append(request(donation(&reference), None, None)).await;
    let second = h.append(request(donation(&reference), None, None)).await;
    let stored = store.find_by_reference(&reference, 10).await.expect("read");

    assert!(first.is_err(), "{first:?}");
    assert!(second.is_err(), "{second:?}");
    assert_eq!(stored.len(), 1, "recorded once, by the other process");
}

/// `entries`' sequential scans and inserted rows so far, as PostgreSQL's statistics report
/// them once they count at least `inserted` rows (a backend reports its counts about a second
/// after its last transaction; waits at most 30 s).
async fn scans_of_entries(url: &str, inserted: i64) -> (i64, i64) {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let _ = sqlx::query("select pg_stat_clear_snapshot()")
            .execute(&mut conn)
            .await;
        let (scans, ins): (i64, i64) = sqlx::query_as(
            "select coalesce(seq_scan, 0), coalesce(n_tup_ins, 0) \
             from pg_stat_user_tables where relname = 'entries'",
        )
        .fetch_one(&mut conn)
        .await
        .expect("read the statistics");
        if ins >= inserted || std::time::Instant::now() > deadline {
            let _ = conn.close().await;
            return (scans, ins);
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_chain_check_looks_up_each_new_entry_even_when_a_connection_starts_with_a_large_batch()
{
    let Some(cluster) = postgres::Cluster::start("postgres_chain_check_plan") else {
        return;
    };
    let (store, url, _h) = demo_ledger(&cluster).await;
    let stored = store.size().await.expect("size") as i64;
    let (scans_before, _) = scans_of_entries(&url, stored).await;
    // A second store on the same database: its writing connection first checks a batch of
    // 300 entries against a ledger of a few dozen, the case in which PostgreSQL would keep a
    // plan that reads the whole table for every later batch.
    let fresh = Store::Postgres(PostgresStore::open(&url).await.expect("open postgres"));
    let first = batch_after(&fresh, 300, |i| format!("large-{i}"), None).await;
    fresh.append_batch(&first).await.expect("the large batch");
    const LATER: i64 = 20;
    for round in 0..LATER {
        let batch = batch_after(&fresh, 30, |i| format!("later-{round}-{i}"), None).await;
        fresh.append_batch(&batch).await.expect("a later batch");
    }
    let (scans_after, inserted) = scans_of_entries(&url, stored + 300 + 30 * LATER).await;

    assert_eq!(
        inserted,
        stored + 300 + 30 * LATER,
        "the statistics count every row"
    );
    assert!(
        scans_after - scans_before < LATER,
        "{} sequential scans of entries for {} batches: the chain check reads the whole table",
        scans_after - scans_before,
        LATER + 1
    );
}

#[tokio::test]
async fn a_donor_row_naming_no_entry_is_refused_and_one_naming_an_entry_of_the_same_batch_is_kept()
{
    let Some(cluster) = postgres::Cluster::start("postgres_donor_names_an_entry") else {
        return;
    };
    let (store, url, _h) = demo_ledger(&cluster).await;
    let size = store.size().await.expect("size") as i64;
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    let slipped = sqlx::query(
        "insert into donors (seq, email, consent_publish_name, consent_recorded_at) \
         values ($1, 'ghost@example.vn', false, '2026-12-01T00:00:00Z')",
    )
    .bind(size + 5)
    .execute(&mut conn)
    .await;
    let donors_after: i64 = sqlx::query_scalar("select count(*) from donors where seq = $1")
        .bind(size + 5)
        .fetch_one(&mut conn)
        .await
        .expect("count");
    let _ = conn.close().await;
    // A batch's donors name entries of the same statement: the check sees them.
    let good = batch_after(&store, 3, |i| format!("donor-batch-{i}"), None).await;
    let before = row_counts(&url).await;
    let written = store.append_batch(&good).await;
    let after = row_counts(&url).await;

    let refused = slipped.expect_err("a donor row without its entry is refused");
    assert!(
        refused
            .to_string()
            .contains(&format!("there is no entry {}", size + 5)),
        "{refused}"
    );
    assert_eq!(donors_after, 0, "the refused row is not kept");
    written.expect("donors of the batch's own entries are kept");
    assert_eq!(
        [after[0] - before[0], after[1] - before[1]],
        [3, 3],
        "entries and donors"
    );
}
