//! Many organisations in one PostgreSQL database, one schema each: every schema is a
//! complete, independent ledger with its own leader, and an idle one gives its
//! connections back. PostgreSQL cases print a skip notice where it is not installed.

use crate::helpers::ledger::{donation, open};
use crate::helpers::postgres::Cluster;
use fundtrail::ledger::checkpoint::CheckpointSigner;
use fundtrail::ledger::entry::Body;
use fundtrail::ledger::verify::{bundle_header, bundle_trailer, verify_bundle};
use fundtrail::sequencer::{AppendRequest, Sequencer, SequencerHandle};
use fundtrail::startup::{Config, DataDir, StartupError};
use fundtrail::store::{PgSchema, PostgresSettings, PostgresStore, Store, LOCKS_APPLICATION_NAME};
use std::time::{Duration, Instant};

fn settings(schema: &str, idle_timeout: Duration) -> PostgresSettings {
    PostgresSettings {
        schema: Some(PgSchema::new(schema).expect("valid schema name")),
        idle_timeout,
        ..PostgresSettings::default()
    }
}

async fn open_in(url: &str, schema: &str, idle_timeout: Duration) -> PostgresStore {
    PostgresStore::open_with(url, &settings(schema, idle_timeout))
        .await
        .expect("open the schema's store")
}

fn signer(origin: &str) -> CheckpointSigner {
    CheckpointSigner::generate(origin).expect("key").0
}

async fn start(store: &PostgresStore, signer: &CheckpointSigner) -> SequencerHandle {
    start_task(store, signer).await.0
}

async fn start_task(
    store: &PostgresStore,
    signer: &CheckpointSigner,
) -> (SequencerHandle, tokio::task::JoinHandle<()>) {
    Sequencer::start(Store::Postgres(store.clone()), signer.clone())
        .await
        .expect("start the sequencer")
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

/// A donation to `campaign` of `amount` VND from `donor`, with the bank reference `reference`.
fn gift(campaign: &str, amount: u64, donor: &str, reference: &str) -> Body {
    let Body::Donation(mut d) = donation(campaign, "VND", amount, donor) else {
        unreachable!("the helper builds a donation")
    };
    d.reference = Some(reference.into());
    Body::Donation(d)
}

/// Appends a campaign and `gifts` donations to it (amounts and references from `tag`);
/// returns each entry's (seq, leaf).
async fn fill(h: &SequencerHandle, campaign: &str, tag: u64, gifts: u64) -> Vec<(u64, Vec<u8>)> {
    let mut written = Vec::new();
    let opened = h
        .append(request(open(campaign, "VND", "Lũ miền Trung")))
        .await
        .expect("campaign opens");
    written.push((opened.seq, opened.leaf));
    for i in 0..gifts {
        let body = gift(
            campaign,
            10_000 * tag + i,
            "Nguyễn Văn An",
            &format!("FT{tag}{i:06}"),
        );
        let a = h.append(request(body)).await.expect("donation appended");
        written.push((a.seq, a.leaf));
    }
    written
}

/// The store's ledger as a bundle checked by the offline verifier with `signer`'s key.
async fn verifies(store: &PostgresStore, h: &SequencerHandle, signer: &CheckpointSigner) -> u64 {
    let cp = h.view().checkpoint.clone();
    let store = Store::Postgres(store.clone());
    let mut bundle = bundle_header(signer.verifier_key()).into_bytes();
    for e in store.entries(0, cp.size).await.expect("entries") {
        bundle.extend_from_slice(&e.leaf);
        bundle.push(b'\n');
    }
    bundle.extend_from_slice(bundle_trailer(&cp.note).as_bytes());
    let report = verify_bundle(&bundle[..], Some(signer.verifier_key()), None, |_| {})
        .expect("the ledger verifies");
    assert_eq!(report.root, cp.root);
    report.size
}

/// Connections to the database `url` names, other than the process's lock connection, as
/// PostgreSQL counts them.
async fn connections_to(cluster: &Cluster, url: &str, application: Option<&str>) -> i64 {
    use sqlx::Connection;
    let database = url.rsplit('/').next().expect("database in url").to_string();
    let mut admin = sqlx::PgConnection::connect(&cluster.admin_url())
        .await
        .expect("admin connection");
    let sql = match application {
        Some(_) => {
            "select count(*) from pg_stat_activity where datname = $1 and application_name = $2"
        }
        None => {
            "select count(*) from pg_stat_activity where datname = $1 and application_name <> $2"
        }
    };
    let n: i64 = sqlx::query_scalar(sql)
        .bind(database)
        .bind(application.unwrap_or(LOCKS_APPLICATION_NAME))
        .fetch_one(&mut admin)
        .await
        .expect("count connections");
    let _ = admin.close().await;
    n
}

#[tokio::test]
async fn two_schemas_in_one_database_are_independent_ledgers_that_each_verify() {
    let Some(cluster) = Cluster::start("two_schemas_in_one_database_are_independent_ledgers")
    else {
        return;
    };
    let url = cluster.new_database().await;
    let (store_a, store_b) = (
        open_in(&url, "org_a", Duration::from_secs(60)).await,
        open_in(&url, "org_b", Duration::from_secs(60)).await,
    );
    let (key_a, key_b) = (signer("example.org/o/org-a"), signer("example.org/o/org-b"));
    let (a, b) = (start(&store_a, &key_a).await, start(&store_b, &key_b).await);

    let (written_a, written_b) =
        tokio::join!(fill(&a, "flood-a", 1, 12), fill(&b, "flood-b", 2, 12));

    let seqs = |w: &[(u64, Vec<u8>)]| w.iter().map(|(s, _)| *s).collect::<Vec<_>>();
    assert_eq!(
        seqs(&written_a),
        seqs(&written_b),
        "each ledger numbers its own entries"
    );
    for ((_, leaf_a), (_, leaf_b)) in written_a.iter().zip(&written_b) {
        assert_ne!(leaf_a, leaf_b);
    }
    assert_eq!(verifies(&store_a, &a, &key_a).await, 13);
    assert_eq!(verifies(&store_b, &b, &key_b).await, 13);
    let stored_a = Store::Postgres(store_a.clone())
        .entries(0, 13)
        .await
        .expect("a's entries");
    assert!(stored_a
        .iter()
        .zip(&written_a)
        .all(|(e, (_, leaf))| &e.leaf == leaf));
    assert_ne!(a.view().checkpoint.root, b.view().checkpoint.root);
}

#[tokio::test]
async fn a_ledger_in_a_schema_restarts_where_it_stopped_and_leaves_the_other_schemas_alone() {
    let Some(cluster) = Cluster::start("a_ledger_in_a_schema_restarts_where_it_stopped") else {
        return;
    };
    let url = cluster.new_database().await;
    let key = signer("example.org/o/org-a");
    let first = open_in(&url, "org_a", Duration::from_secs(60)).await;
    let (h, task) = start_task(&first, &key).await;
    fill(&h, "flood-a", 1, 3).await;
    drop(h);
    task.await
        .expect("the sequencer stops once its handles are gone");
    Store::Postgres(first).close().await;

    let again = open_in(&url, "org_a", Duration::from_secs(60)).await;
    let other = open_in(&url, "org_b", Duration::from_secs(60)).await;
    let h = start(&again, &key).await;
    let next = h
        .append(request(gift("flood-a", 5, "Trần Thị Bình", "FT9000001")))
        .await
        .expect("appends after the restart");

    assert_eq!(next.seq, 4, "the restarted ledger continues its own chain");
    assert_eq!(verifies(&again, &h, &key).await, 5);
    assert_eq!(Store::Postgres(other).size().await.expect("size"), 0);
}

#[tokio::test]
async fn an_idle_store_gives_back_its_connections_and_opens_one_again_for_the_next_append() {
    let Some(cluster) = Cluster::start("an_idle_store_gives_back_its_connections") else {
        return;
    };
    let url = cluster.new_database().await;
    let idle = Duration::from_millis(300);
    let (store_a, store_b) = (
        open_in(&url, "org_a", idle).await,
        open_in(&url, "org_b", idle).await,
    );
    let (key_a, key_b) = (signer("example.org/o/org-a"), signer("example.org/o/org-b"));
    let (a, b) = (start(&store_a, &key_a).await, start(&store_b, &key_b).await);
    fill(&a, "flood-a", 1, 2).await;
    fill(&b, "flood-b", 2, 2).await;
    assert!(
        store_a.open_connections() > 0,
        "a busy store holds a connection"
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    while store_a.open_connections() + store_b.open_connections() > 0
        || connections_to(&cluster, &url, None).await > 0
    {
        assert!(
            Instant::now() < deadline,
            "the idle stores kept their connections"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert_eq!(
        connections_to(&cluster, &url, Some(LOCKS_APPLICATION_NAME)).await,
        1,
        "both ledgers' leader locks are held on one connection"
    );
    let next = a
        .append(request(gift("flood-a", 7, "Lê Văn Cường", "FT1999999")))
        .await
        .expect("an idle ledger appends again");
    assert_eq!(next.seq, 3);
    assert_eq!(verifies(&store_a, &a, &key_a).await, 4);
}

#[tokio::test]
async fn a_data_folder_with_a_schema_keeps_its_tables_there_and_a_bad_schema_name_is_refused() {
    let Some(cluster) = Cluster::start("a_data_folder_with_a_schema_keeps_its_tables_there") else {
        return;
    };
    let url = cluster.new_database().await;
    let folder = tempfile::tempdir().expect("temporary folder");
    let config = Config::new("Hội Chữ thập đỏ", "example.org/o/hoi-chu-thap-do");
    let data = DataDir::new(folder.path().join("org"))
        .with_database_url(Some(url.clone()))
        .with_schema(Some("org_hoi_chu_thap_do".into()));

    data.init(&config, None).await.expect("init in the schema");
    let store = data.store().await.expect("open again");

    let Store::Postgres(pg) = &store else {
        panic!("a PostgreSQL store")
    };
    let mut conn = pg_connection(&url).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_schema from information_schema.tables where table_name = 'entries'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    assert_eq!(tables, vec!["org_hoi_chu_thap_do".to_string()]);

    let bad = DataDir::new(folder.path().join("bad"))
        .with_database_url(Some(url))
        .with_schema(Some("org-x; drop table entries".into()));
    let refused = bad.init(&config, None).await;
    assert!(
        matches!(&refused, Err(StartupError::Config { message, .. }) if message.contains("schema name")),
        "{refused:?}"
    );
}

async fn pg_connection(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await.expect("connect")
}
