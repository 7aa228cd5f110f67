//! Many organisations on one PostgreSQL server (issue 19): each organisation a ledger (a
//! store and its sequencer) in a schema of its own, all in one database of a throwaway
//! cluster, all in this process. Results are recorded in BENCHMARKS.md.
//!
//! 1. One ledger (the database's default schema, as a single-organisation deployment keeps
//!    it): one VND campaign, then C concurrent clients append donations through the
//!    sequencer until N are appended. Appends/s, p50, p99.
//! 2. Memory per idle organisation: this process's RSS before and after opening `ORGS`
//!    organisations (schema created and migrated, sequencer started and leading, genesis
//!    checkpoint signed), once their connections have gone idle, divided by `ORGS`; the
//!    connections the server counts to the database while opening (peak) and once idle.
//! 3. The same C clients, spread over C of those organisations (one client each, the
//!    organisations evenly spaced among all of them), append N donations in all, with the
//!    other organisations idle. Appends/s, p50, p99, against run 1.
//!
//! Every append must be acknowledged; afterwards each busy organisation's ledger is read
//! back and checked with the offline verifier.
//!
//! Environment (all optional): `FUNDTRAIL_ORGS` (1000), `FUNDTRAIL_ORGS_CLIENTS` (64),
//! `FUNDTRAIL_ORGS_APPENDS` (20000), `FUNDTRAIL_ORGS_IDLE_SECS` (5: the stores' idle
//! timeout), `FUNDTRAIL_ORGS_OPENING` (2: organisations opened at once),
//! `FUNDTRAIL_ORGS_MAX_CONNECTIONS` (200: the cluster's `max_connections`),
//! `FUNDTRAIL_ORGS_BUDGET` (0: none; otherwise the organisations share a connection budget
//! of that size with pools of at most 2, as a platform's do, SPEC.md §24.1).
//!
//! Run with `cargo bench --bench orgs`.

#[path = "../tests/helpers/ledger.rs"]
mod ledgers;
#[path = "../tests/helpers/postgres.rs"]
mod postgres;

use fundtrail::ledger::checkpoint::CheckpointSigner;
use fundtrail::ledger::entry::Body;
use fundtrail::ledger::verify::{bundle_header, bundle_trailer, verify_bundle};
use fundtrail::sequencer::{AppendRequest, Sequencer, SequencerHandle};
use fundtrail::store::{ConnectionBudget, PgSchema, PostgresSettings, PostgresStore, Store};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// An organisation: its store, sequencer and key.
struct Org {
    store: PostgresStore,
    handle: SequencerHandle,
    signer: CheckpointSigner,
}

async fn start_org(store: PostgresStore, origin: &str) -> Org {
    let signer = CheckpointSigner::generate(origin).expect("key").0;
    let (handle, _task) = Sequencer::start(Store::Postgres(store.clone()), signer.clone())
        .await
        .expect("sequencer starts");
    Org {
        store,
        handle,
        signer,
    }
}

fn request(body: Body) -> AppendRequest {
    AppendRequest {
        body,
        recorded_by: "bench".into(),
        idempotency_key: None,
        separate_gift: false,
        private: None,
    }
}

fn gift(n: u64) -> Body {
    let Body::Donation(mut d) =
        ledgers::donation("flood-2026", "VND", 10_000 + n % 997, "Nguyễn Thị Mai")
    else {
        unreachable!("the helper builds a donation")
    };
    d.reference = Some(format!("FT26{n:012}"));
    d.memo = Some("Ủng hộ đồng bào miền Trung".into());
    Body::Donation(d)
}

async fn open_campaign(org: &Org) {
    org.handle
        .append(request(ledgers::open(
            "flood-2026",
            "VND",
            "Lũ miền Trung 2026",
        )))
        .await
        .expect("campaign opens");
}

/// Appends and their latencies.
struct Run {
    latencies: Vec<Duration>,
    secs: f64,
}

impl Run {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.secs
    }
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[i]
    }
    fn line(&self, what: &str) -> String {
        format!(
            "| {what} | {:.0} | {:.2} ms | {:.2} ms | {:.2} ms |",
            self.rate(),
            self.percentile(0.50).as_secs_f64() * 1e3,
            self.percentile(0.99).as_secs_f64() * 1e3,
            self.percentile(1.0).as_secs_f64() * 1e3,
        )
    }
}

/// `clients` concurrent clients, client `i` appending to `targets[i % targets.len()]`, until
/// `total` appends are acknowledged.
async fn append_load(targets: &[SequencerHandle], clients: usize, total: u64) -> Run {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let handle = targets[i % targets.len()].clone();
        let next = Arc::clone(&next);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return latencies;
                }
                let sent = Instant::now();
                handle
                    .append(request(gift(n)))
                    .await
                    .expect("every append is acknowledged");
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("client"));
    }
    Run {
        latencies,
        secs: started.elapsed().as_secs_f64(),
    }
}

/// Checks `org`'s whole ledger with the offline verifier; returns its size.
async fn verify(org: &Org) -> u64 {
    let cp = org.handle.view().checkpoint.clone();
    let store = Store::Postgres(org.store.clone());
    let mut bundle = bundle_header(org.signer.verifier_key()).into_bytes();
    for e in store.entries(0, cp.size).await.expect("entries") {
        bundle.extend_from_slice(&e.leaf);
        bundle.push(b'\n');
    }
    bundle.extend_from_slice(bundle_trailer(&cp.note).as_bytes());
    let report = verify_bundle(&bundle[..], Some(org.signer.verifier_key()), None, |_| {})
        .expect("the ledger verifies");
    assert_eq!(report.root, cp.root);
    report.size
}

/// This process's resident memory, from `/proc/self/status` (kB).
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// This process's CPU time so far (user + system), from `/proc/self/stat`, in clock ticks.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

/// Connections the server counts to `database`.
async fn connections(admin: &str, database: &str) -> i64 {
    use sqlx::Connection;
    let Ok(mut conn) = sqlx::PgConnection::connect(admin).await else {
        return -1;
    };
    let n = sqlx::query_scalar("select count(*) from pg_stat_activity where datname = $1")
        .bind(database)
        .fetch_one(&mut conn)
        .await
        .unwrap_or(-1);
    let _ = conn.close().await;
    n
}

#[tokio::main]
async fn main() {
    let orgs = env_or("FUNDTRAIL_ORGS", 1000) as usize;
    let clients = env_or("FUNDTRAIL_ORGS_CLIENTS", 64) as usize;
    let appends = env_or("FUNDTRAIL_ORGS_APPENDS", 20_000);
    let idle = Duration::from_secs(env_or("FUNDTRAIL_ORGS_IDLE_SECS", 5));
    let opening = env_or("FUNDTRAIL_ORGS_OPENING", 2) as usize;
    let max_connections = env_or("FUNDTRAIL_ORGS_MAX_CONNECTIONS", 200) as u32;
    let budget = match env_or("FUNDTRAIL_ORGS_BUDGET", 0) as u32 {
        0 => None,
        size => Some(ConnectionBudget::new(size)),
    };
    let Some(cluster) = postgres::Cluster::start_with_max_connections("orgs", max_connections)
    else {
        return;
    };
    let url = cluster.new_database().await;
    let database = url.rsplit('/').next().unwrap_or_default().to_string();
    let admin = cluster.admin_url();
    println!(
        "{orgs} organisations, {clients} clients, {appends} appends per run, idle timeout {} s, max_connections {max_connections}",
        idle.as_secs()
    );

    // 1. One ledger.
    let single_settings = PostgresSettings {
        idle_timeout: idle,
        ..PostgresSettings::default()
    };
    let single = start_org(
        PostgresStore::open_with(&url, &single_settings)
            .await
            .expect("single ledger"),
        "bench.example/single",
    )
    .await;
    open_campaign(&single).await;
    let one = append_load(std::slice::from_ref(&single.handle), clients, appends).await;
    assert_eq!(verify(&single).await, appends + 1);
    println!("{}", one.line("one ledger"));

    // 2. Idle organisations.
    tokio::time::sleep(idle * 2).await;
    let rss_before = rss_kb();
    let peak = Arc::new(AtomicUsize::new(0));
    let sampling = {
        let (peak, admin, database) = (Arc::clone(&peak), admin.clone(), database.clone());
        tokio::spawn(async move {
            loop {
                let n = connections(&admin, &database).await;
                peak.fetch_max(usize::try_from(n).unwrap_or(0), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let opened_at = Instant::now();
    let mut all: Vec<Org> = Vec::with_capacity(orgs);
    for chunk_start in (0..orgs).step_by(opening) {
        let mut starting = Vec::new();
        for i in chunk_start..(chunk_start + opening).min(orgs) {
            let (url, budget) = (url.clone(), budget.clone());
            starting.push(tokio::spawn(async move {
                let settings = PostgresSettings {
                    schema: Some(PgSchema::new(&format!("org_{i:04}")).expect("schema name")),
                    idle_timeout: idle,
                    max_connections: if budget.is_some() {
                        fundtrail::startup::BUDGETED_POOL_MAX
                    } else {
                        PostgresSettings::default().max_connections
                    },
                    budget,
                };
                let store = PostgresStore::open_with(&url, &settings)
                    .await
                    .expect("organisation opens");
                start_org(store, &format!("bench.example/o/org-{i:04}")).await
            }));
        }
        for s in starting {
            all.push(s.await.expect("opening"));
        }
    }
    let open_secs = opened_at.elapsed().as_secs_f64();
    let deadline = Instant::now() + idle * 4;
    while all.iter().any(|o| o.store.open_connections() > 0) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    sampling.abort();
    let still_open: u32 = all.iter().map(|o| o.store.open_connections()).sum();
    let idle_connections = connections(&admin, &database).await;
    let rss_after = rss_kb();
    let ticks = cpu_ticks();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let idle_cpu_ms = (cpu_ticks() - ticks) * 1000 / 100;
    println!(
        "opened {orgs} organisations in {open_secs:.1} s ({:.1} ms each, {opening} at once); peak connections to the database while opening: {}; once idle: {idle_connections} (the organisations' stores hold {still_open}; the process's lock connection holds every leader lock)",
        open_secs * 1e3 / orgs as f64,
        peak.load(Ordering::Relaxed),
    );
    println!(
        "RSS {:.1} MB before, {:.1} MB after: {:.1} KB per idle organisation; CPU of the process over 10 s with all of them idle: {idle_cpu_ms} ms",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        (rss_after.saturating_sub(rss_before)) as f64 / orgs as f64,
    );

    // 3. The same clients over as many organisations.
    let busy: Vec<&Org> = (0..clients.min(orgs))
        .map(|k| &all[k * orgs / clients.min(orgs)])
        .collect();
    for org in &busy {
        open_campaign(org).await;
    }
    let handles: Vec<SequencerHandle> = busy.iter().map(|o| o.handle.clone()).collect();
    let peak_busy = Arc::new(AtomicUsize::new(0));
    let sampling = {
        let (peak, admin, database) = (Arc::clone(&peak_busy), admin.clone(), database.clone());
        tokio::spawn(async move {
            loop {
                let n = connections(&admin, &database).await;
                peak.fetch_max(usize::try_from(n).unwrap_or(0), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let spread = append_load(&handles, clients, appends).await;
    sampling.abort();
    let mut verified = 0;
    for org in &busy {
        verified += verify(org).await - 1;
    }
    assert_eq!(verified, appends);
    println!(
        "peak connections to the database during the spread run: {}",
        peak_busy.load(Ordering::Relaxed)
    );
    println!();
    println!("| run | appends/s | p50 | p99 | max |");
    println!("|---|---:|---:|---:|---:|");
    println!("{}", one.line(&format!("one ledger, {clients} clients")));
    println!(
        "{}",
        spread.line(&format!(
            "{} of {orgs} organisations, one client each",
            busy.len()
        ))
    );
    println!(
        "spread / one ledger: {:.2} (appends/s), p99 {:.2}x",
        spread.rate() / one.rate(),
        spread.percentile(0.99).as_secs_f64() / one.percentile(0.99).as_secs_f64()
    );
}
