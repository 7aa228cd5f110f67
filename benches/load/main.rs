//! Load generator ("Prove it holds"): runs the real `fundtrail` binary as a separate process
//! and measures it from the outside. Results are recorded in BENCHMARKS.md.
//!
//! 1. SQLite appends over HTTP: `init`, a recorder token, `serve` on a free loopback port, one
//!    VND campaign, then N concurrent keep-alive clients `POST /api/v1/donations` until a
//!    fixed total is appended. Every answer must be 201 with an inclusion proof that verifies
//!    against the checkpoint root it came with. Prints appends/s, latency p50/p99/max, mean
//!    group-commit batch (entries per signed checkpoint) and the server's peak RSS.
//! 2. Baseline in the same run: the same leaves (from `GET /api/v1/export`) written by a
//!    minimal sqlx program into a fresh SQLite file (WAL, synchronous=FULL), one transaction
//!    per 64 rows, table `entries (seq, leaf, leaf_hash)`.
//! 3. The same load and baseline on PostgreSQL (a throwaway cluster), with the CPU the
//!    cluster's processes spent per append; then a second baseline, the same entries rows
//!    written by binary `COPY` into a scratch table, as many rows per `COPY` as the run's mean
//!    group commit, printed against the run's appends/s, p99 and time per group commit.
//!    Skipped with a notice when PostgreSQL is not installed.
//! 4. Reads at scale: a 1,000,000-entry ledger built with the library, written as a bundle and
//!    loaded with `fundtrail import`; start-up time, RSS, and requests/s with p50/p99 for
//!    /checkpoint, /totals, /proof/inclusion?index=random, /entries?start=random&limit=100.
//!
//! 5. Witnesses and tiles (part `witnesses`, not run by default): the SQLite append load with
//!    no witness, then with three `fundtrail witness` processes in the policy; then tile reads
//!    per second from the server's `/log/` and from the same files written by
//!    `fundtrail tiles` and served by a minimal static file server.
//!
//! Environment (all optional):
//! - `FUNDTRAIL_LOAD_APPENDS` (20000): appends per run.
//! - `FUNDTRAIL_LOAD_CLIENTS` (64): concurrent clients; a list such as `1,8,64` runs the
//!   SQLite append test once per count, each on a fresh ledger.
//! - `FUNDTRAIL_LOAD_BIG` (1000000): entries of the read-test ledger.
//! - `FUNDTRAIL_LOAD_BIG_APPENDS` (2000) with `FUNDTRAIL_LOAD_BIG_CLIENTS` (64): appends to the
//!   big ledger after the reads (0 skips them).
//! - `FUNDTRAIL_LOAD_READ_SECS` (5): seconds per read endpoint; `FUNDTRAIL_LOAD_READERS` (16).
//! - `FUNDTRAIL_LOAD_PARTS` (`sqlite,postgres,reads`): which parts to run (also `witnesses`).
//! - `FUNDTRAIL_LOAD_ROUNDS` (1): append runs per store, each on a fresh ledger, each
//!   followed by its own baseline (64 rows per transaction), then one line with the median
//!   and range over the rounds: the machine's speed drifts between runs, so one run is a
//!   sample, and the ratio to the baseline measured just after it is the steadier figure.
//! - `FUNDTRAIL_LOAD_IDEMPOTENCY=1`: every append carries a random `Idempotency-Key`.
//! - `FUNDTRAIL_LOAD_BIN=PATH`: the server binary to run (default: the one cargo built).
//! - `FUNDTRAIL_LOAD_SERVER_LOG=PATH`: keep each append run's server log (stderr) as
//!   `PATH.<store>-<clients>`; with `RUST_LOG=sqlx::query=debug` it times every statement.
//! - `FUNDTRAIL_LOAD_LEDGER=DIR`: run the reads on a copy of a ledger built before with
//!   `FUNDTRAIL_LOAD_MAKE_LEDGER` (set `FUNDTRAIL_LOAD_BIG` to its size).
//! - `FUNDTRAIL_LOAD_MAKE_LEDGER=DIR`: only build a `FUNDTRAIL_LOAD_BIG`-entry ledger into the
//!   data folder DIR (for tests/web/bench-browser.mjs) and exit.
//!
//! Run with `cargo bench --bench load`.

#[path = "../../tests/helpers/ledger.rs"]
mod ledgers;
#[path = "../../tests/helpers/postgres.rs"]
mod postgres;
#[path = "../shared/random_ledger.rs"]
mod random_ledger;

mod appends;
mod baseline;
mod clients;
mod copy_baseline;
mod reads;
mod report;
mod server;
mod witnesses;

use appends::{append_load, AppendRun};
use baseline::{baseline_pg, baseline_sqlite, print_baseline};
use reads::{make_ledger, reads};
use report::{machine, ms, Rounds};
use std::path::{Path, PathBuf};

const BUILT_BIN: &str = env!("CARGO_BIN_EXE_fundtrail");

/// The server binary: `FUNDTRAIL_LOAD_BIN` (e.g. a copy, so a rebuild during a run cannot
/// swap it), else the one cargo built for this bench.
static BIN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    std::env::var("FUNDTRAIL_LOAD_BIN").unwrap_or_else(|_| BUILT_BIN.to_string())
});

const DONORS: &[&str] = &[
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Anonymous",
    "Lê Hoàng Minh",
    "Công ty TNHH Sao Mai",
    "Phạm Thu Hà",
    "Jane Doe",
    "Hội Phụ nữ phường 7",
];
const MEMOS: &[&str] = &[
    "Ủng hộ đồng bào vùng lũ",
    "Gia đình chúng tôi góp một phần nhỏ",
    "For the families in Quảng Bình",
    "Chuyển khoản qua ứng dụng ngân hàng",
];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

/// Runs the parts `FUNDTRAIL_LOAD_PARTS` names, or only builds a ledger when
/// `FUNDTRAIL_LOAD_MAKE_LEDGER` is set.
async fn run() {
    let work = tempfile::Builder::new()
        .prefix("fundtrail-load-")
        .tempdir()
        .expect("temporary folder");
    if let Ok(dir) = std::env::var("FUNDTRAIL_LOAD_MAKE_LEDGER") {
        let n = env_u64("FUNDTRAIL_LOAD_BIG", 100_000);
        make_ledger(&PathBuf::from(dir), work.path(), n);
        return;
    }
    let parts = std::env::var("FUNDTRAIL_LOAD_PARTS").unwrap_or("sqlite,postgres,reads".into());
    let total = env_u64("FUNDTRAIL_LOAD_APPENDS", 20_000);
    let client_counts: Vec<usize> = std::env::var("FUNDTRAIL_LOAD_CLIENTS")
        .unwrap_or("64".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!("machine: {}; server: {}", machine(), *BIN);

    let mut sqlite_runs = Vec::new();
    if parts.contains("sqlite") {
        sqlite_runs = sqlite_appends(work.path(), &client_counts, total).await;
    }
    let mut pg_run = None;
    if parts.contains("postgres") {
        let clients = *client_counts.last().unwrap_or(&64);
        pg_run = postgres_appends(work.path(), clients, total).await;
    }
    if !sqlite_runs.is_empty() || pg_run.is_some() {
        print_summary(&sqlite_runs, pg_run.as_ref());
    }

    if parts.contains("reads") {
        reads(work.path()).await;
    }
    if parts.contains("witnesses") {
        let clients = *client_counts.last().unwrap_or(&64);
        witnesses::witnesses(work.path(), clients, total).await;
    }
}

/// Parts 1 and 2 on SQLite: one append run per count of clients, each on a fresh ledger,
/// the last count `FUNDTRAIL_LOAD_ROUNDS` times; then the baseline with the last run's
/// leaves.
async fn sqlite_appends(work: &Path, client_counts: &[usize], total: u64) -> Vec<AppendRun> {
    let mut runs = Vec::new();
    let (last, earlier) = client_counts.split_last().expect("a count of clients");
    for (i, &clients) in earlier.iter().enumerate() {
        let data = work.join(format!("sqlite-{i}"));
        runs.push(append_load(&data, None, clients, total, "sqlite").await);
    }
    let mut rounds = Rounds::default();
    for round in 0..rounds_wanted() {
        let data = work.join(format!("sqlite-last-{round}"));
        let run = append_load(&data, None, *last, total, "sqlite").await;
        if rounds_wanted() > 1 {
            let base =
                baseline_sqlite(&work.join(format!("round-{round}.db")), &run.leaves, 64).await;
            rounds.add("sqlite", round, &run, base);
        }
        keep_leaves_of_last(&mut runs, run);
    }
    rounds.print("sqlite");
    let run = runs.last().expect("a run");
    let b = |name: &str| work.join(name);
    let rate64 = baseline_sqlite(&b("base64.db"), &run.leaves, 64).await;
    let rate1 = baseline_sqlite(&b("base1.db"), &run.leaves[..run.leaves.len().min(500)], 1).await;
    let rate1024 = baseline_sqlite(&b("base1024.db"), &run.leaves, 1024).await;
    print_baseline("sqlite", run, rate64, rate1, rate1024);
    runs
}

/// Part 3: the same load and baseline on a throwaway PostgreSQL cluster, the append run
/// `FUNDTRAIL_LOAD_ROUNDS` times on fresh databases; `None` (after a notice) where
/// PostgreSQL is not installed.
async fn postgres_appends(work: &Path, clients: usize, total: u64) -> Option<AppendRun> {
    let cluster = postgres::Cluster::start("load bench (PostgreSQL part)")?;
    if let Some(pid) = postmaster_of(&cluster) {
        let _ = appends::POSTMASTER.set(pid);
    }
    let mut runs = Vec::new();
    let mut rounds = Rounds::default();
    for round in 0..rounds_wanted() {
        let url = cluster.new_database().await;
        let data = work.join(format!("pg-{round}"));
        let run = append_load(&data, Some(&url), clients, total, "postgres").await;
        if rounds_wanted() > 1 {
            let base = baseline_pg(&cluster.new_database().await, &run.leaves, 64).await;
            rounds.add("postgres", round, &run, base);
        }
        keep_leaves_of_last(&mut runs, run);
    }
    rounds.print("postgres");
    let run = runs.pop().expect("a run");
    let copy = copy_baseline::baseline_pg_copy(
        &cluster.new_database().await,
        &run.leaves,
        copy_baseline::mean_batch(&run),
    )
    .await;
    let rate64 = baseline_pg(&cluster.new_database().await, &run.leaves, 64).await;
    let rate1 = baseline_pg(
        &cluster.new_database().await,
        &run.leaves[..run.leaves.len().min(500)],
        1,
    )
    .await;
    let rate1024 = baseline_pg(&cluster.new_database().await, &run.leaves, 1024).await;
    print_baseline("postgres", &run, rate64, rate1, rate1024);
    copy_baseline::print_copy_baseline("postgres", &run, &copy);
    Some(run)
}

/// `FUNDTRAIL_LOAD_ROUNDS`: append runs of the last count of clients, per store.
fn rounds_wanted() -> u64 {
    env_u64("FUNDTRAIL_LOAD_ROUNDS", 1).max(1)
}

/// Adds `run` to `runs`, dropping the leaves of the run before it (only the last run's
/// leaves feed the baselines; a round's 20,000 leaves are 8 MB).
fn keep_leaves_of_last(runs: &mut Vec<AppendRun>, run: AppendRun) {
    if let Some(before) = runs.last_mut() {
        before.leaves = Vec::new();
    }
    runs.push(run);
}

/// The postmaster's process id, from the first line of the cluster's `postmaster.pid`.
fn postmaster_of(cluster: &postgres::Cluster) -> Option<u32> {
    let text = std::fs::read_to_string(cluster.path().join("data").join("postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

/// One line per append run, against the target.
fn print_summary(sqlite_runs: &[AppendRun], pg_run: Option<&AppendRun>) {
    println!(
        "summary of appends (target: >= 20,000 appends/s with 64 clients on SQLite, p99 < 25 ms):"
    );
    for (label, r) in sqlite_runs
        .iter()
        .map(|r| ("sqlite", r))
        .chain(pg_run.into_iter().map(|r| ("postgres", r)))
    {
        println!(
            "  {label:<8} {:>3} clients: {:>7.0} appends/s, p99 {}, {:.1} entries per commit, peak RSS {:.1} MB, failures {}",
            r.clients,
            r.stats.rate(),
            ms(r.stats.p99),
            r.stats.n as f64 / r.batches.max(1) as f64,
            r.rss_peak_mb,
            r.failures
        );
    }
}
