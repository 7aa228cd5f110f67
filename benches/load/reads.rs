//! Part 4: reads at scale. A large ledger built with the library and imported, start-up
//! time and memory, requests per second for the public reads, then appends to it.

use crate::appends::drive_appends;
use crate::clients::{on_client_thread, ClientConnection};
use crate::ledgers::Rng;
use crate::random_ledger::{write_random_ledger, Shape};
use crate::report::{ms, Stats};
use crate::server::{run_cli, serve};
use crate::{env_u64, BIN, DONORS, MEMOS};
use fundtrail::ledger::CheckpointSigner;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Makes the path of the next read request.
type PathMaker = Box<dyn Fn(&mut Rng) -> String + Send + Sync>;

/// Writes a bundle of `n` valid entries (three campaigns, donations with unique references
/// and memos, a disbursement every 20th entry) to `path`; returns the mean leaf size.
fn write_bundle(path: &Path, n: u64) -> u64 {
    let (signer, _) = CheckpointSigner::generate("load.fundtrail.local/ledger").expect("key");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("bundle file"));
    let shape = Shape {
        campaigns: [
            ("flood-relief-2026", "VND"),
            ("medical-kits", "USD"),
            ("school-roofs", "VND"),
        ],
        donors: DONORS,
        cash_one_in: 4,
        memos: Some(MEMOS),
    };
    let bytes = write_random_ledger(&mut out, n, &signer, &shape);
    out.flush().expect("bundle written");
    bytes / n.max(1)
}

/// Builds an `n`-entry SQLite ledger in `data` (bundle, then `fundtrail import`).
pub fn make_ledger(data: &Path, work: &Path, n: u64) {
    let bundle = work.join("bundle.txt");
    let t = Instant::now();
    let mean = write_bundle(&bundle, n);
    println!(
        "reads: wrote a {n}-entry bundle ({:.0} MB, mean leaf {mean} bytes) in {:.1} s",
        std::fs::metadata(&bundle).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let out = Command::new(&*BIN)
        .args(["import", "--name", "Load test", "--data"])
        .arg(data)
        .arg(&bundle)
        .stderr(Stdio::null())
        .output()
        .expect("fundtrail import");
    assert!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    println!(
        "reads: fundtrail import of {n} entries took {:.1} s ({:.0} entries/s); ledger.db {:.0} MB",
        t.elapsed().as_secs_f64(),
        n as f64 / t.elapsed().as_secs_f64(),
        dir_size(data) as f64 / 1e6
    );
    let _ = std::fs::remove_file(&bundle);
}

/// The bytes of the files directly in `dir`.
fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// `readers` clients, each on its own keep-alive connection, GET `path(rng)` for `secs`.
pub(crate) async fn read_load(
    addr: std::net::SocketAddr,
    path: impl Fn(&mut Rng) -> String + Send + Sync + 'static,
    readers: usize,
    secs: f64,
) -> (Stats, u64) {
    let path = Arc::new(path);
    let failures = Arc::new(AtomicU64::new(0));
    let failures2 = Arc::clone(&failures);
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(secs);
    let lat = on_client_thread(move || async move {
        let mut tasks = Vec::new();
        for r in 0..readers {
            let (path, failures) = (Arc::clone(&path), Arc::clone(&failures2));
            tasks.push(tokio::spawn(async move {
                let mut conn = ClientConnection::open(addr)
                    .await
                    .expect("connect to the server");
                let mut rng = Rng::new(77 + r as u64);
                let mut lat = Vec::new();
                while Instant::now() < until {
                    let path = path(&mut rng);
                    let t = Instant::now();
                    let ok = matches!(conn.get(&path).await, Ok((status, _)) if status == 200);
                    lat.push(t.elapsed());
                    if !ok {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
                lat
            }));
        }
        let mut lat = Vec::new();
        for t in tasks {
            lat.extend(t.await.expect("reader"));
        }
        lat
    })
    .await;
    let secs = started.elapsed().as_secs_f64();
    (Stats::of(lat, secs), failures.load(Ordering::Relaxed))
}

/// Reads at scale: a `FUNDTRAIL_LOAD_BIG`-entry ledger (built, or a copy of
/// `FUNDTRAIL_LOAD_LEDGER`), its start-up time and memory, the public reads alone and under
/// `FUNDTRAIL_LOAD_READERS` clients, then appends to it.
pub async fn reads(work: &Path) {
    let n = env_u64("FUNDTRAIL_LOAD_BIG", 1_000_000).max(10);
    let secs = env_u64("FUNDTRAIL_LOAD_READ_SECS", 5) as f64;
    let readers = env_u64("FUNDTRAIL_LOAD_READERS", 16) as usize;
    let data = work.join("big");
    match std::env::var("FUNDTRAIL_LOAD_LEDGER") {
        Ok(ready) => {
            // A copy, since the appends at scale below add to it.
            let copied = Command::new("cp")
                .arg("-a")
                .arg(&ready)
                .arg(&data)
                .status()
                .expect("cp");
            assert!(copied.success(), "could not copy {ready}");
            println!("reads: a copy of the {n}-entry ledger {ready}");
        }
        Err(_) => make_ledger(&data, work, n),
    }
    let mut startups = Vec::new();
    for _ in 0..2 {
        let s = serve(&data, None).await;
        startups.push(s.startup);
        s.stop();
    }
    let server = serve(&data, None).await;
    startups.push(server.startup);
    let idle_rss = server.rss_mb();
    println!(
        "reads: start-up until /api/v1/info answers, {n} entries: {} (three starts); RSS after start {:.1} MB",
        startups
            .iter()
            .map(|d| ms(*d))
            .collect::<Vec<_>>()
            .join(", "),
        idle_rss
    );
    println!(
        "reads: the full audit at start (in the background, before any measurement) took {}",
        ms(server.audit)
    );
    read_each_route(server.addr, n, readers, secs).await;
    println!(
        "reads: server peak RSS over start-up and all reads: {:.1} MB",
        server.peak_rss_mb()
    );
    server.stop();
    appends_at_scale(&data, n).await;
}

/// The public reads of an `n`-entry ledger served at `addr`, each first by one client
/// (service time without queueing) for half of `secs`, then by `readers` clients for `secs`.
async fn read_each_route(addr: std::net::SocketAddr, n: u64, readers: usize, secs: f64) {
    let runs: Vec<(&str, PathMaker)> = vec![
        (
            "GET /api/v1/checkpoint",
            Box::new(|_| "/api/v1/checkpoint".into()),
        ),
        ("GET /api/v1/totals", Box::new(|_| "/api/v1/totals".into())),
        (
            "GET /api/v1/proof/inclusion?index=random",
            Box::new(move |r| format!("/api/v1/proof/inclusion?index={}", r.next() % n)),
        ),
        (
            "GET /api/v1/entries?start=random&limit=100",
            Box::new(move |r| format!("/api/v1/entries?start={}&limit=100", r.next() % (n - 100))),
        ),
    ];
    for (label, path) in runs {
        let path: Arc<dyn Fn(&mut Rng) -> String + Send + Sync> = Arc::from(path);
        for (clients, secs) in [(1, (secs / 2.0).max(1.0)), (readers, secs)] {
            let p = Arc::clone(&path);
            let (stats, failures) = read_load(addr, move |r| p(r), clients, secs).await;
            println!(
                "reads: {label:<44} {clients:>2} clients: {:>7.0} req/s, p50 {}, p99 {}, max {} ({} requests, failures {failures})",
                stats.rate(),
                ms(stats.p50),
                ms(stats.p99),
                ms(stats.max),
                stats.n
            );
            assert_eq!(failures, 0, "{label}: {failures} requests failed");
        }
    }
}

/// Appends at scale: the same donation load against the `n`-entry ledger in `data`
/// (`FUNDTRAIL_LOAD_BIG_APPENDS` donations, 0 skips it).
async fn appends_at_scale(data: &Path, n: u64) {
    let appends = env_u64("FUNDTRAIL_LOAD_BIG_APPENDS", 2_000);
    if appends == 0 {
        return;
    }
    // Token names are unique, and this ledger may be one kept from an earlier run.
    let name = format!("load {}", std::process::id());
    let recorder = run_cli(
        &["token", "create", "--role", "recorder", "--name", &name],
        data,
        None,
    )
    .trim()
    .to_string();
    let server = serve(data, None).await;
    let clients = env_u64("FUNDTRAIL_LOAD_BIG_CLIENTS", 64) as usize;
    let label = format!("sqlite at {n} entries");
    drive_appends(
        server, data, None, &recorder, clients, appends, &label, false,
    )
    .await;
}
