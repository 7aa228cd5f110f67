//! Parts 1 and 3: donations appended over HTTP by concurrent clients, every answer's
//! inclusion proof checked, with throughput, latency, group commits, memory and CPU reported.

use crate::clients::{http_client, on_client_thread, ClientConnection, DonationRequest};
use crate::ledgers::Rng;
use crate::report::{cluster_cpu_delta, cluster_cpu_ms, cpu_delta, ms, thread_cpu, Stats};
use crate::server::{init_ledger, serve, Server};
use crate::{DONORS, MEMOS};
use fundtrail::ledger::{verify_inclusion, Hash};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The postmaster of the PostgreSQL cluster the PostgreSQL part runs on, once started: its
/// processes' CPU is reported with each run on PostgreSQL.
pub static POSTMASTER: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

/// One append run: its clients, latency statistics, failures, group commits (signed
/// checkpoints written), the server's peak memory and, when asked, the leaves it appended.
pub struct AppendRun {
    pub clients: usize,
    pub stats: Stats,
    pub failures: u64,
    pub batches: u64,
    pub rss_peak_mb: f64,
    pub leaves: Vec<Vec<u8>>,
}

/// The parts of an append answer the load generator checks (the rest is skipped unread).
#[derive(serde::Deserialize)]
pub struct AppendAnswer<'a> {
    #[serde(borrow)]
    pub checkpoint: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub proof: AnswerProof<'a>,
}

/// `proof` of an append answer.
#[derive(serde::Deserialize)]
pub struct AnswerProof<'a> {
    pub index: u64,
    pub size: u64,
    pub leaf_hash: &'a str,
    pub root: &'a str,
    #[serde(borrow)]
    pub proof: Vec<&'a str>,
}

/// Checks one append answer: 201, and its inclusion proof verifies against its checkpoint.
pub fn check_append(status: hyper::StatusCode, body: &[u8]) -> Result<(), String> {
    if status != 201 {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(body)));
    }
    let a: AppendAnswer = serde_json::from_slice(body).map_err(|e| {
        format!(
            "not an append answer ({e}): {}",
            String::from_utf8_lossy(body)
        )
    })?;
    let p = &a.proof;
    let path: Vec<Hash> = p
        .proof
        .iter()
        .map(|h| Hash::from_hex(h))
        .collect::<Result<_, _>>()?;
    let leaf = Hash::from_hex(p.leaf_hash)?;
    let root = Hash::from_hex(p.root)?;
    if !a.checkpoint.contains(&root.to_base64()) {
        return Err("the proof's root is not the checkpoint's".into());
    }
    verify_inclusion(p.index, p.size, &leaf, &path, &root).map_err(|e| e.to_string())
}

/// A fresh ledger in `data` (on PostgreSQL at `database_url` if given) served by its own
/// process, one campaign opened, then [`drive_appends`] with its leaves exported.
pub async fn append_load(
    data: &Path,
    database_url: Option<&str>,
    clients: usize,
    total: u64,
    label: &str,
) -> AppendRun {
    append_load_prepared(data, database_url, clients, total, label, |_| {}).await
}

/// [`append_load`], running `prepare` on the data folder between `init` and `serve` (e.g.
/// to write a witness policy).
pub async fn append_load_prepared(
    data: &Path,
    database_url: Option<&str>,
    clients: usize,
    total: u64,
    label: &str,
    prepare: impl FnOnce(&Path),
) -> AppendRun {
    let (admin, recorder) = init_ledger(data, database_url);
    prepare(data);
    let server = serve(data, database_url).await;
    let client = http_client(clients);
    let base = server.base.clone();
    let r = client
        .post(format!("{base}/api/v1/campaigns"))
        .bearer_auth(&admin)
        .json(&json!({
            "id": "flood-relief-2026",
            "title": "Cứu trợ lũ lụt miền Trung 2026",
            "purpose": "Food, drinking water and roof repairs for families in Quảng Bình and Quảng Trị",
            "currency": "VND",
            "accounts": [{"bank": "Vietcombank", "number": "0071000123456", "holder": "Quỹ Cứu trợ Cộng đồng"}],
        }))
        .send()
        .await
        .expect("open campaign");
    assert_eq!(
        r.status(),
        201,
        "open campaign: {}",
        r.text().await.unwrap_or_default()
    );
    drive_appends(
        server,
        data,
        database_url,
        &recorder,
        clients,
        total,
        label,
        true,
    )
    .await
}

/// Appends `total` donations to campaign flood-relief-2026 with `clients` clients, prints
/// what the run measured, and stops `server`; panics if an append failed or the ledger did
/// not grow by exactly `total`.
#[allow(clippy::too_many_arguments)]
pub async fn drive_appends(
    server: Server,
    data: &Path,
    database_url: Option<&str>,
    recorder: &str,
    clients: usize,
    total: u64,
    label: &str,
    export: bool,
) -> AppendRun {
    let client = http_client(clients);
    let base = server.base.clone();
    let before = size_of(&client, &base).await;

    let cpu_before = thread_cpu(server.pid());
    let postmaster = database_url.and(POSTMASTER.get().copied());
    let pg_before = postmaster.map(cluster_cpu_ms);
    let own_before = thread_cpu(std::process::id());
    let started = Instant::now();
    let with_keys = std::env::var("FUNDTRAIL_LOAD_IDEMPOTENCY").is_ok_and(|v| v == "1");
    let auth: hyper::header::HeaderValue = format!("Bearer {recorder}")
        .parse()
        .expect("a token fits a header");
    let results = run_clients(server.addr, auth, clients, total, with_keys).await;
    let secs = started.elapsed().as_secs_f64();
    let server_cpu = cpu_delta(&cpu_before, &thread_cpu(server.pid()));
    let pg_cpu = postmaster
        .zip(pg_before)
        .map(|(p, b)| cluster_cpu_delta(&b, &cluster_cpu_ms(p)));
    let own_cpu = cpu_delta(&own_before, &thread_cpu(std::process::id()));
    let after = size_of(&client, &base).await;
    let batches = count_checkpoints(data, database_url, before).await;
    let rss_peak_mb = server.peak_rss_mb();
    let leaves = if export {
        export_leaves(&client, &base).await
    } else {
        Vec::new()
    };
    server.stop();
    if let Ok(keep) = std::env::var("FUNDTRAIL_LOAD_SERVER_LOG") {
        let to = format!("{keep}.{label}-{clients}");
        let _ = std::fs::copy(data.join("serve.log"), &to);
        println!("{label}: server log kept in {to}");
    }
    let run = AppendRun {
        clients,
        stats: Stats::of(results.latencies, secs),
        failures: results.failures,
        batches,
        rss_peak_mb,
        leaves,
    };
    print_run(label, &run, after - before, &server_cpu, &own_cpu, total);
    if let Some(pg) = pg_cpu {
        let per_append = |ms: f64| ms * 1e3 / total as f64;
        println!(
            "{label}:      CPU per append of PostgreSQL's processes: {:.0} µs ({})",
            per_append(pg.iter().map(|x| x.1).sum()),
            pg.iter()
                .filter(|(_, ms)| *ms > 0.0)
                .map(|(k, ms)| format!("{k} {:.0} µs", per_append(*ms)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if run.failures > 0 {
        panic!(
            "{} of {total} appends failed; first: {}",
            run.failures,
            results.first_failure.unwrap_or_default()
        );
    }
    assert_eq!(
        after - before,
        total,
        "ledger grew by {} for {total} appends",
        after - before
    );
    run
}

/// What the clients of one append run saw: each answered append's latency, and how many
/// appends failed (the first one's reason kept).
struct ClientResults {
    latencies: Vec<Duration>,
    failures: u64,
    first_failure: Option<String>,
}

/// `clients` clients, each on its own connection to `addr`, append donations numbered
/// 0..`total` between them as `auth` (with a random `Idempotency-Key` each when
/// `with_keys`), checking every answer.
async fn run_clients(
    addr: std::net::SocketAddr,
    auth: hyper::header::HeaderValue,
    clients: usize,
    total: u64,
    with_keys: bool,
) -> ClientResults {
    let next = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let first_failure = Arc::new(std::sync::Mutex::new(None::<String>));
    let (next2, failures2, first_failure2) = (
        Arc::clone(&next),
        Arc::clone(&failures),
        Arc::clone(&first_failure),
    );
    let lat = on_client_thread(move || async move {
        let (next, failures, first_failure) = (next2, failures2, first_failure2);
        let mut tasks = Vec::new();
        for c in 0..clients {
            let auth = auth.clone();
            let (next, failures, first_failure) = (
                Arc::clone(&next),
                Arc::clone(&failures),
                Arc::clone(&first_failure),
            );
            tasks.push(tokio::spawn(async move {
                let mut conn = ClientConnection::open(addr)
                    .await
                    .expect("connect to the server");
                let mut rng = Rng::new(1000 + c as u64);
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let body = serde_json::to_vec(&DonationRequest {
                        campaign: "flood-relief-2026",
                        amount: &format!("{}000", rng.range(10, 5_000)),
                        donor: rng.pick::<&str>(DONORS),
                        reference: &format!("FT26{:04}{:08}", c, i),
                        memo: rng.pick::<&str>(MEMOS),
                        received_at: "2026-11-02",
                    })
                    .expect("request body");
                    // Random, as clients make them (e.g. a UUID per request).
                    let key = with_keys.then(|| format!("{:016x}{:016x}", rng.next(), rng.next()));
                    let t = Instant::now();
                    let result = match conn
                        .post("/api/v1/donations", &auth, key.as_deref(), body)
                        .await
                    {
                        Ok((status, b)) => {
                            lat.push(t.elapsed());
                            check_append(status, &b)
                        }
                        Err(e) => Err(e),
                    };
                    if let Err(e) = result {
                        failures.fetch_add(1, Ordering::Relaxed);
                        first_failure.lock().unwrap().get_or_insert(e);
                    }
                }
                lat
            }));
        }
        let mut lat = Vec::new();
        for t in tasks {
            lat.extend(t.await.expect("client task"));
        }
        lat
    })
    .await;
    let first_failure = first_failure.lock().unwrap().clone();
    ClientResults {
        latencies: lat,
        failures: failures.load(Ordering::Relaxed),
        first_failure,
    }
}

/// Prints one append run: throughput, latency, group commits, memory, then CPU per append
/// by thread group of the server and of the load generator.
fn print_run(
    label: &str,
    run: &AppendRun,
    grown: u64,
    server_cpu: &[(String, f64)],
    own_cpu: &[(String, f64)],
    total: u64,
) {
    let (clients, failures, batches) = (run.clients, run.failures, run.batches);
    let (stats, secs) = (&run.stats, run.stats.secs);
    println!(
        "{label}: {clients:>3} clients, {} appends in {:.1} s: {:>7.0} appends/s, latency p50 {}, p99 {}, max {}; \
         {} group commits (mean {:.1} entries each); server peak RSS {:.1} MB; failures {failures}",
        stats.n,
        secs,
        stats.rate(),
        ms(stats.p50),
        ms(stats.p99),
        ms(stats.max),
        batches,
        grown as f64 / batches.max(1) as f64,
        run.rss_peak_mb,
    );
    let per_append = |v: &[(String, f64)]| v.iter().map(|x| x.1).sum::<f64>() * 1e3 / total as f64;
    println!(
        "{label}:      CPU per append: server {:.0} µs ({}), load generator {:.0} µs; wall per group commit {:.2} ms",
        per_append(server_cpu),
        server_cpu
            .iter()
            .map(|(k, ms)| format!("{k} {:.0} µs", ms * 1e3 / total as f64))
            .collect::<Vec<_>>()
            .join(", "),
        per_append(own_cpu),
        secs * 1e3 / batches.max(1) as f64,
    );
}

/// The ledger's size from `GET /api/v1/info`.
pub async fn size_of(client: &reqwest::Client, base: &str) -> u64 {
    let v: Value = client
        .get(format!("{base}/api/v1/info"))
        .send()
        .await
        .expect("info")
        .json()
        .await
        .expect("info JSON");
    v["size"].as_u64().expect("info.size")
}

/// Signed checkpoints written after size `before`: one per group commit.
pub async fn count_checkpoints(data: &Path, database_url: Option<&str>, before: u64) -> u64 {
    let sql = "select count(*) from checkpoints where size > $1";
    let n: i64 = match database_url {
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.expect("connect");
            let n = sqlx::query_scalar(sql)
                .bind(before as i64)
                .fetch_one(&pool)
                .await
                .expect("count checkpoints");
            pool.close().await;
            n
        }
        None => {
            let url = format!("sqlite://{}?mode=ro", data.join("ledger.db").display());
            let pool = sqlx::SqlitePool::connect(&url)
                .await
                .expect("open ledger.db");
            let n = sqlx::query_scalar(sql)
                .bind(before as i64)
                .fetch_one(&pool)
                .await
                .expect("count checkpoints");
            pool.close().await;
            n
        }
    };
    n as u64
}

/// Every leaf of `GET /api/v1/export`, in order.
pub async fn export_leaves(client: &reqwest::Client, base: &str) -> Vec<Vec<u8>> {
    let bundle = client
        .get(format!("{base}/api/v1/export"))
        .send()
        .await
        .expect("export")
        .bytes()
        .await
        .expect("export body");
    bundle
        .split(|b| *b == b'\n')
        .skip(3)
        .take_while(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}
