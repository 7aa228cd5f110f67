//! One shared suite run against both stores (SQLite and a throwaway PostgreSQL cluster):
//! the same appends give byte-identical leaves, roots and checkpoints, and every rule holds
//! on both. PostgreSQL cases print a skip notice where PostgreSQL is not installed.

use crate::helpers::postgres;
use fundtrail::demo::demo_entries;
use fundtrail::ledger::checkpoint::{verify_checkpoint, CheckpointSigner};
use fundtrail::ledger::decode;
use fundtrail::ledger::entry::{Body, Channel, Donation, Entry, Reversal, ReversalReason};
use fundtrail::ledger::merkle::{verify_consistency, verify_inclusion};
use fundtrail::ledger::money::{Currency, Minor};
use fundtrail::ledger::verify::{bundle_header, bundle_trailer, verify_bundle};
use fundtrail::sequencer::{AppendError, AppendRequest, Clock, Sequencer, SequencerHandle};
use fundtrail::store::{DonorPrivate, Erasure, PostgresStore, SqliteStore, Store};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

fn signer() -> CheckpointSigner {
    CheckpointSigner::from_private_key(include_str!("../vectors/demo/signing-key.txt"))
        .expect("test key")
}

/// A clock that starts at 2026-11-20 00:00:00 UTC (after every day the entries name, which
/// the server refuses when later than tomorrow) and advances one second per reading.
fn fixed_clock() -> Clock {
    let tick = Arc::new(AtomicI64::new(0));
    Arc::new(move || {
        let n = tick.fetch_add(1, Ordering::SeqCst);
        chrono::DateTime::from_timestamp(1_795_132_800 + n, 0).expect("valid time")
    })
}

async fn sqlite(dir: &tempfile::TempDir) -> Store {
    Store::Sqlite(
        SqliteStore::open(&dir.path().join("ledger.db"))
            .await
            .expect("open sqlite"),
    )
}

async fn postgres(cluster: &postgres::Cluster) -> Store {
    Store::Postgres(
        PostgresStore::open(&cluster.new_database().await)
            .await
            .expect("open postgres"),
    )
}

fn request(body: Body) -> AppendRequest {
    AppendRequest {
        body,
        recorded_by: "tester".into(),
        idempotency_key: None,
        separate_gift: false,
        private: None,
    }
}

async fn start(store: &Store) -> SequencerHandle {
    let (handle, _task) = Sequencer::start_with_clock(store.clone(), signer(), fixed_clock())
        .await
        .expect("start");
    handle
}

async fn append_demo(h: &SequencerHandle) {
    for body in demo_entries() {
        h.append(request(body)).await.expect("demo entry accepted");
    }
}

/// The ledger as a bundle, read back from the store.
async fn bundle_of(store: &Store, h: &SequencerHandle) -> Vec<u8> {
    let cp = h.view().checkpoint.clone();
    let mut out = bundle_header(signer().verifier_key()).into_bytes();
    for e in store.entries(0, cp.size).await.expect("entries") {
        out.extend_from_slice(&e.leaf);
        out.push(b'\n');
    }
    out.extend_from_slice(bundle_trailer(&cp.note).as_bytes());
    out
}

fn donation(campaign: &str, amount: u64, currency: &str, reference: &str) -> Body {
    Body::Donation(Donation {
        amount: Minor::new(amount).expect("positive"),
        campaign: campaign.into(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: Currency::parse(currency).expect("currency"),
        donor: "Anonymous".into(),
        in_kind: None,
        memo: None,
        pledge: None,
        received_at: "2026-11-20".into(),
        reference: Some(reference.into()),
    })
}

/// Every check of the shared suite, on one store.
/// Whether entry `seq` of `all` moves money of `campaign` (a reversal, through the entry
/// it reverses) or opens or closes it.
fn touches(all: &[Entry], seq: u64, campaign: &str) -> bool {
    match &all[seq as usize].body {
        Body::Transfer(t) => t.from == campaign || t.to == campaign,
        Body::Reversal(r) => touches(all, r.reverses, campaign),
        other => other.campaign() == campaign,
    }
}

/// Each campaign's entries, walked two at a time oldest first and newest first, are
/// exactly the entries touching it; its transfer partners are the campaigns it moved
/// money with.
async fn campaign_reads_walk_every_entry_of_a_campaign_once(store: &Store, n: u64) {
    let all: Vec<Entry> = store
        .entries(0, n)
        .await
        .expect("entries")
        .iter()
        .map(|e| decode(&e.leaf).expect("decodes"))
        .collect();
    let partners = [
        ("flood-2026", vec!["school-roofs"]),
        ("school-roofs", vec!["flood-2026"]),
        ("clean-water-usd", vec![]),
    ];
    for (campaign, expected_partners) in partners {
        let expected: Vec<u64> = (0..n).filter(|s| touches(&all, *s, campaign)).collect();
        let (mut forward, mut from) = (Vec::new(), 0);
        loop {
            let page = store
                .campaign_entries_from(campaign, from, n, 2)
                .await
                .expect("page");
            forward.extend(page.iter().map(|e| e.seq));
            match page.last() {
                Some(last) if page.len() == 2 => from = last.seq + 1,
                _ => break,
            }
        }
        let (mut backward, mut before) = (Vec::new(), n);
        loop {
            let page = store
                .campaign_entries(campaign, before, 2)
                .await
                .expect("page");
            backward.extend(page.iter().map(|e| e.seq));
            match page.last() {
                Some(last) if page.len() == 2 => before = last.seq,
                _ => break,
            }
        }
        backward.reverse();
        let found = store
            .transfer_partners(campaign, n)
            .await
            .expect("partners");

        assert!(expected.len() > 2, "{campaign}: {expected:?}");
        assert_eq!(forward, expected, "{campaign}, oldest first");
        assert_eq!(backward, expected, "{campaign}, newest first");
        assert_eq!(found, expected_partners, "{campaign}'s transfer partners");
    }
}

/// Every check the two stores must pass alike, run on one `store`: the demo ledger appended
/// through the sequencer, then its bundle, proofs, reads, rules and donor erasure. Longer than
/// 80 lines because it is one suite over one ledger, each part using what the one before
/// appended.
async fn shared_suite(store: Store) {
    let h = start(&store).await;
    append_demo(&h).await;
    let n = demo_entries().len() as u64;

    // The bundle verifies, with the totals the view publishes.
    let bundle = bundle_of(&store, &h).await;
    let view = h.view();
    let report = verify_bundle(
        &bundle[..],
        Some(signer().verifier_key()),
        Some(&view.totals),
        |_| {},
    )
    .expect("bundle verifies");
    assert_eq!(report.size, n);
    assert_eq!(report.root, view.checkpoint.root);

    // Every inclusion proof verifies against the signed checkpoint.
    let cp = verify_checkpoint(&view.checkpoint.note, signer().verifier_key()).expect("checkpoint");
    for e in store.entries(0, n).await.expect("entries") {
        let proof = store.inclusion_proof(e.seq, cp.size).await.expect("proof");
        verify_inclusion(e.seq, cp.size, &e.leaf_hash, &proof, &cp.root)
            .expect("inclusion proof verifies");
    }
    // Consistency between every stored checkpoint and the latest.
    for old in 1..n {
        let Some(earlier) = store.checkpoint_at(old).await.expect("checkpoint") else {
            continue;
        };
        let proof = store.consistency_proof(old, n).await.expect("consistency");
        verify_consistency(old, n, &earlier.root, &cp.root, &proof)
            .expect("consistency proof verifies");
        assert_eq!(store.tree_root(old).await.expect("root"), earlier.root);
    }

    campaign_reads_walk_every_entry_of_a_campaign_once(&store, n).await;

    // Refusals leave no trace.
    let refused = [
        h.append(request(donation("flood-2026", 1, "USD", "X-1")))
            .await,
        h.append(request(donation("nope", 1, "VND", "X-2"))).await,
        h.append(request(donation("flood-2026", 1, "VND", "FT26306001234")))
            .await,
        h.append(request(Body::Reversal(Reversal {
            note: None,
            reason: ReversalReason::Error,
            reverses: 14,
        })))
        .await,
        h.append(request(Body::Reversal(Reversal {
            note: None,
            reason: ReversalReason::Error,
            reverses: 13,
        })))
        .await,
        h.append(request(Body::Reversal(Reversal {
            note: None,
            reason: ReversalReason::Error,
            reverses: 0,
        })))
        .await,
    ];
    assert!(
        matches!(refused[0], Err(AppendError::Invariant(_))),
        "currency mismatch: {:?}",
        refused[0]
    );
    assert!(
        matches!(refused[1], Err(AppendError::Invariant(_))),
        "unknown campaign"
    );
    assert!(
        matches!(refused[2], Err(AppendError::DuplicateReference { .. })),
        "duplicate reference"
    );
    for r in &refused[3..] {
        assert!(
            matches!(r, Err(AppendError::Invariant(_))),
            "reversal rules: {r:?}"
        );
    }
    assert_eq!(h.view().checkpoint.size, n);
    assert_eq!(store.size().await.expect("size"), n);

    // Idempotency: the same key returns the same entry; another request under it is refused.
    let mut keyed = request(donation("flood-2026", 100_000, "VND", "IDEM-1"));
    keyed.idempotency_key = Some("key-1".into());
    let first = h.append(keyed.clone()).await.expect("first");
    let again = h.append(keyed.clone()).await.expect("retry");
    assert_eq!((first.seq, again.seq, again.replayed), (n, n, true));
    keyed.body = donation("flood-2026", 200_000, "VND", "IDEM-2");
    assert!(matches!(
        h.append(keyed).await,
        Err(AppendError::IdempotencyMismatch)
    ));
    assert_eq!(store.size().await.expect("size"), n + 1);

    // The donor's personal data is part of the request: another donor under the same key
    // is refused, and once the data is erased even the same request is.
    let mut personal = request(donation("flood-2026", 300_000, "VND", "IDEM-3"));
    personal.idempotency_key = Some("key-2".into());
    personal.private = Some(DonorPrivate {
        email: Some("binh@example.vn".into()),
        ..DonorPrivate::default()
    });
    let gift = h.append(personal.clone()).await.expect("personal");
    assert!(h.append(personal.clone()).await.expect("retry").replayed);
    let mut other_donor = personal.clone();
    other_donor.private = Some(DonorPrivate {
        email: Some("an@example.vn".into()),
        ..DonorPrivate::default()
    });
    assert!(matches!(
        h.append(other_donor).await,
        Err(AppendError::IdempotencyMismatch)
    ));
    let erased = store
        .erase_donor(gift.seq, std::time::Duration::from_secs(5))
        .await
        .expect("erased");
    assert_eq!(erased, Erasure::Purged);
    assert!(matches!(
        h.append(personal).await,
        Err(AppendError::IdempotencyMismatch)
    ));
    assert_eq!(store.size().await.expect("size"), n + 2);

    // A restart resumes from the store: same head, and the chain continues.
    drop(h);
    let h = start(&store).await;
    assert_eq!(h.view().checkpoint.size, n + 2);
    let next = h
        .append(request(donation("school-roofs", 5, "VND", "AFTER-RESTART")))
        .await
        .expect("append after restart");
    assert_eq!(next.seq, n + 2);
    let bundle = bundle_of(&store, &h).await;
    verify_bundle(
        &bundle[..],
        Some(signer().verifier_key()),
        Some(&h.view().totals),
        |_| {},
    )
    .expect("still verifies");
}

#[tokio::test]
async fn the_shared_suite_passes_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    shared_suite(sqlite(&dir).await).await;
}

#[tokio::test]
async fn the_shared_suite_passes_on_postgres() {
    let Some(cluster) = postgres::Cluster::start("the_shared_suite_passes_on_postgres") else {
        return;
    };
    shared_suite(postgres(&cluster).await).await;
}

#[tokio::test]
async fn the_same_appends_give_byte_identical_leaves_roots_and_checkpoints_on_both_stores() {
    let Some(cluster) = postgres::Cluster::start("byte_identical_stores") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (sqlite(&dir).await, postgres(&cluster).await);
    let (ha, hb) = (start(&a).await, start(&b).await);
    append_demo(&ha).await;
    append_demo(&hb).await;

    assert_eq!(bundle_of(&a, &ha).await, bundle_of(&b, &hb).await);
    assert_eq!(ha.view().checkpoint, hb.view().checkpoint);
    assert_eq!(ha.view().totals, hb.view().totals);
}

#[tokio::test]
async fn entries_cannot_be_updated_or_deleted_on_postgres() {
    use sqlx::Connection;
    let Some(cluster) =
        postgres::Cluster::start("entries_cannot_be_updated_or_deleted_on_postgres")
    else {
        return;
    };
    let url = cluster.new_database().await;
    let store = Store::Postgres(PostgresStore::open(&url).await.expect("open"));
    append_demo(&start(&store).await).await;
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");

    for sql in [
        "update entries set leaf = leaf where seq = 3",
        "delete from entries where seq = 3",
        "truncate entries cascade",
        "update tree_hashes set hash = hash",
        "delete from checkpoints",
    ] {
        let err = sqlx::query(sql).execute(&mut conn).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    // A row that does not link to the entry before it: a copy of entry 3 placed next.
    let unlinked = sqlx::query(
        "insert into entries (seq, leaf, leaf_hash, prev, kind, campaign, recorded_at) \
         select (select max(seq) + 1 from entries), leaf, leaf_hash, prev, kind, campaign, recorded_at \
         from entries where seq = 3",
    )
    .execute(&mut conn)
    .await
    .expect_err("unlinked row refused");
    assert!(unlinked.to_string().contains("chain"), "{unlinked}");
}
