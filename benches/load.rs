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
//! 3. The same load and baseline on PostgreSQL (a throwaway cluster); skipped with a notice
//!    when PostgreSQL is not installed.
//! 4. Reads at scale: a 1,000,000-entry ledger built with the library, written as a bundle and
//!    loaded with `fundtrail import`; start-up time, RSS, and requests/s with p50/p99 for
//!    /checkpoint, /totals, /proof/inclusion?index=random, /entries?start=random&limit=100.
//!
//! Environment (all optional):
//! - `FUNDTRAIL_LOAD_APPENDS` (20000): appends per run.
//! - `FUNDTRAIL_LOAD_CLIENTS` (64): concurrent clients; a list such as `1,8,64` runs the
//!   SQLite append test once per count, each on a fresh ledger.
//! - `FUNDTRAIL_LOAD_BIG` (1000000): entries of the read-test ledger.
//! - `FUNDTRAIL_LOAD_BIG_APPENDS` (2000) with `FUNDTRAIL_LOAD_BIG_CLIENTS` (64): appends to the
//!   big ledger after the reads (0 skips them).
//! - `FUNDTRAIL_LOAD_READ_SECS` (5): seconds per read endpoint; `FUNDTRAIL_LOAD_READERS` (16).
//! - `FUNDTRAIL_LOAD_PARTS` (`sqlite,postgres,reads`): which parts to run.
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

#[path = "../tests/ledger_common/mod.rs"]
mod ledger_common;
#[path = "../tests/support/postgres.rs"]
mod pg;

use fundtrail::ledger::entry::Channel;
use fundtrail::ledger::verify::{bundle_header, bundle_trailer};
use fundtrail::ledger::ZERO_HASH;
use fundtrail::ledger::{
    encode, leaf_hash, verify_inclusion, Body, CheckpointSigner, CompactTree, Entry, Hash,
};
use ledger_common::{disbursement, donation, open, recorded_at, Rng};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

// ------------------------------------------------------------------------------------------
// The server process

struct Server {
    child: Child,
    base: String,
    addr: std::net::SocketAddr,
    /// Time from spawn until `/api/v1/info` answered 200.
    startup: Duration,
    /// Time from then until the full audit the server runs at start had finished; every
    /// measurement starts after it, so the audit does not share the cores with the load.
    audit: Duration,
    sampler: Option<RssSampler>,
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident memory: max of the sampled VmRSS and the kernel's VmHWM, in MB.
    fn peak_rss_mb(&self) -> f64 {
        let hwm = proc_status_kb(self.pid(), "VmHWM:").unwrap_or(0);
        let sampled = self
            .sampler
            .as_ref()
            .map_or(0, |s| s.peak.load(Ordering::Relaxed));
        hwm.max(sampled) as f64 / 1024.0
    }

    fn rss_mb(&self) -> f64 {
        proc_status_kb(self.pid(), "VmRSS:").unwrap_or(0) as f64 / 1024.0
    }

    fn stop(mut self) {
        // SIGTERM for a graceful stop, then make sure.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.sampler.take() {
            s.stop.store(true, Ordering::Relaxed);
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

struct RssSampler {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

fn proc_status_kb(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn sample_rss(pid: u32) -> RssSampler {
    let peak = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (p, s) = (Arc::clone(&peak), Arc::clone(&stop));
    std::thread::spawn(move || {
        while !s.load(Ordering::Relaxed) {
            match proc_status_kb(pid, "VmRSS:") {
                Some(kb) => {
                    p.fetch_max(kb, Ordering::Relaxed);
                }
                None => return,
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    RssSampler { peak, stop }
}

/// CPU time (user + system, in clock ticks of 10 ms) per thread name of process `pid`.
/// CPU ticks of every live thread of `pid`, keyed by (name stem, thread id).
fn thread_cpu(pid: u32) -> std::collections::BTreeMap<(String, String), u64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for t in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(t.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ... field 14 utime, 15 stime (1-based, counting from pid).
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = stat[open + 1..close].to_string();
        let rest: Vec<&str> = stat[close + 2..].split(' ').collect();
        let ticks = rest
            .get(11)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            + rest
                .get(12)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        // Number-suffixed thread names (sqlx-sqlite-worker-3) are grouped by their stem.
        let stem = comm
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
            .to_string();
        let tid = t.file_name().to_string_lossy().into_owned();
        out.insert((stem, tid), ticks);
    }
    out
}

/// CPU milliseconds spent per thread group between two [`thread_cpu`] snapshots.
///
/// Threads are matched by id, so a thread that ended in between is left out (its last
/// slice of CPU is lost) rather than making a group's total go down.
fn cpu_delta(
    before: &std::collections::BTreeMap<(String, String), u64>,
    after: &std::collections::BTreeMap<(String, String), u64>,
) -> Vec<(String, f64)> {
    let mut groups = std::collections::BTreeMap::<String, u64>::new();
    for (key, a) in after {
        let spent = a.saturating_sub(before.get(key).copied().unwrap_or(0));
        *groups.entry(key.0.clone()).or_insert(0) += spent;
    }
    let mut v: Vec<(String, f64)> = groups
        .into_iter()
        .map(|(k, ticks)| (k, ticks as f64 * 10.0))
        .filter(|(_, ms)| *ms > 0.0)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn run_cli(args: &[&str], data: &Path, database_url: Option<&str>) -> String {
    let mut c = Command::new(&*BIN);
    c.args(args).arg("--data").arg(data);
    if let Some(url) = database_url {
        c.args(["--database-url", url]);
    }
    let out = c.output().expect("run fundtrail");
    assert!(
        out.status.success(),
        "fundtrail {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// `fundtrail init` then a recorder token; returns (admin token, recorder token).
fn init_ledger(data: &Path, database_url: Option<&str>) -> (String, String) {
    let out = run_cli(
        &[
            "init",
            "--name",
            "Load test",
            "--origin",
            "load.fundtrail.local/ledger",
        ],
        data,
        database_url,
    );
    let admin = out
        .lines()
        .find_map(|l| l.strip_prefix("Admin token (shown once; store it safely): "))
        .expect("init prints the admin token")
        .trim()
        .to_string();
    let recorder = run_cli(
        &["token", "create", "--role", "recorder", "--name", "load"],
        data,
        database_url,
    )
    .trim()
    .to_string();
    (admin, recorder)
}

/// Makes the path of the next read request.
type PathMaker = Box<dyn Fn(&mut Rng) -> String + Send + Sync>;

async fn serve(data: &Path, database_url: Option<&str>) -> Server {
    let port = free_port();
    let log = std::fs::File::create(data.join("serve.log")).expect("log file");
    let mut c = Command::new(&*BIN);
    // Rate and connection limits off: the load comes from one address on purpose.
    c.args([
        "serve",
        "--read-limit",
        "0",
        "--max-connections-per-address",
        "0",
        "--data",
    ])
    .arg(data)
    .args(["--addr", &format!("127.0.0.1:{port}")]);
    if let Some(url) = database_url {
        c.args(["--database-url", url]);
    }
    let started = Instant::now();
    let child = c
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start fundtrail serve");
    let mut server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        startup: Duration::ZERO,
        audit: Duration::ZERO,
        sampler: None,
    };
    server.sampler = Some(sample_rss(server.pid()));
    let client = reqwest::Client::new();
    let deadline = started + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(r) = client
            .get(format!("{}/api/v1/info", server.base))
            .send()
            .await
        {
            if r.status() == 200 {
                server.startup = started.elapsed();
                server.audit = wait_for_the_audit(&client, &server.base).await;
                return server;
            }
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "fundtrail serve exited with {status}:\n{}",
                std::fs::read_to_string(data.join("serve.log")).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("fundtrail serve did not answer /api/v1/info in 120 s");
}

/// Waits until `GET /api/v1/info` reports the start-up audit passed; returns how long.
async fn wait_for_the_audit(client: &reqwest::Client, base: &str) -> Duration {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(600) {
        let info: Value = match client.get(format!("{base}/api/v1/info")).send().await {
            Ok(r) => r.json().await.unwrap_or_default(),
            Err(_) => Value::Null,
        };
        match info["audit"]["state"].as_str() {
            Some("passed") => return started.elapsed(),
            Some("failed") => panic!("the server's audit failed: {}", info["audit"]),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    panic!("the server's audit did not finish in 600 s");
}

// ------------------------------------------------------------------------------------------
// Latency statistics

struct Stats {
    n: usize,
    secs: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

impl Stats {
    fn of(mut lat: Vec<Duration>, secs: f64) -> Stats {
        lat.sort_unstable();
        let at = |q: f64| {
            lat.get(((lat.len() as f64 * q).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        Stats {
            n: lat.len(),
            secs,
            p50: at(0.50),
            p99: at(0.99),
            max: lat.last().copied().unwrap_or_default(),
        }
    }

    fn rate(&self) -> f64 {
        self.n as f64 / self.secs
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

// ------------------------------------------------------------------------------------------
// 1 and 3: appends over HTTP

struct AppendRun {
    clients: usize,
    stats: Stats,
    failures: u64,
    batches: u64,
    rss_peak_mb: f64,
    leaves: Vec<Vec<u8>>,
}

fn http_client(connections: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client")
}

/// One client's body for `POST /api/v1/donations`.
#[derive(serde::Serialize)]
struct DonationRequest<'a> {
    campaign: &'a str,
    amount: &'a str,
    donor: &'a str,
    reference: &'a str,
    memo: &'a str,
    received_at: &'a str,
}

/// One client's keep-alive HTTP/1.1 connection (hyper's plain client: no pool, no URL
/// parsing per request), so that the load generator, which shares the server's two cores,
/// spends about as little of them as a real client on another machine would.
struct ClientConnection {
    sender: hyper::client::conn::http1::SendRequest<http_body_util::Full<bytes::Bytes>>,
    host: hyper::header::HeaderValue,
}

impl ClientConnection {
    async fn open(addr: std::net::SocketAddr) -> Result<ClientConnection, String> {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        Ok(ClientConnection {
            sender,
            host: addr
                .to_string()
                .parse()
                .map_err(|_| "bad address".to_string())?,
        })
    }

    /// Posts `body` (JSON) to `path` with `auth` (and `Idempotency-Key: key` when given)
    /// and reads the whole answer.
    async fn post(
        &mut self,
        path: &str,
        auth: &hyper::header::HeaderValue,
        key: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(hyper::StatusCode, bytes::Bytes), String> {
        let mut request = hyper::Request::post(path)
            .header(hyper::header::AUTHORIZATION, auth.clone())
            .header(hyper::header::CONTENT_TYPE, "application/json");
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let request = request.body(http_body_util::Full::new(bytes::Bytes::from(body)));
        self.send(request).await
    }

    /// GETs `path` and reads the whole answer.
    async fn get(&mut self, path: &str) -> Result<(hyper::StatusCode, bytes::Bytes), String> {
        let request = hyper::Request::get(path).body(http_body_util::Full::default());
        self.send(request).await
    }

    async fn send(
        &mut self,
        request: Result<hyper::Request<http_body_util::Full<bytes::Bytes>>, hyper::http::Error>,
    ) -> Result<(hyper::StatusCode, bytes::Bytes), String> {
        use http_body_util::BodyExt;
        let mut request = request.map_err(|e| e.to_string())?;
        request
            .headers_mut()
            .insert(hyper::header::HOST, self.host.clone());
        self.sender.ready().await.map_err(|e| e.to_string())?;
        let answer = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = answer.status();
        let body = answer
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, body))
    }
}

/// Runs the future `clients` makes on a current-thread runtime of its own, on a thread
/// of its own: no wake-ups across the load generator's threads, and at most one core
/// taken from the server.
async fn on_client_thread<T, F>(clients: impl FnOnce() -> F + Send + 'static) -> T
where
    T: Send + 'static,
    F: std::future::Future<Output = T>,
{
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime")
            .block_on(clients())
    })
    .await
    .expect("client thread")
}

/// The parts of an append answer the load generator checks (the rest is skipped unread).
#[derive(serde::Deserialize)]
struct AppendAnswer<'a> {
    #[serde(borrow)]
    checkpoint: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    proof: AnswerProof<'a>,
}

/// `proof` of an append answer.
#[derive(serde::Deserialize)]
struct AnswerProof<'a> {
    index: u64,
    size: u64,
    leaf_hash: &'a str,
    root: &'a str,
    #[serde(borrow)]
    proof: Vec<&'a str>,
}

/// Checks one append answer: 201, and its inclusion proof verifies against its checkpoint.
fn check_append(status: hyper::StatusCode, body: &[u8]) -> Result<(), String> {
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

async fn append_load(
    data: &Path,
    database_url: Option<&str>,
    clients: usize,
    total: u64,
    label: &str,
) -> AppendRun {
    let (admin, recorder) = init_ledger(data, database_url);
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

/// Appends `total` donations to campaign flood-relief-2026 with `clients` clients.
#[allow(clippy::too_many_arguments)]
async fn drive_appends(
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
    let recorder = recorder.to_string();
    let before = size_of(&client, &base).await;

    let cpu_before = thread_cpu(server.pid());
    let own_before = thread_cpu(std::process::id());
    let next = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let first_failure = Arc::new(std::sync::Mutex::new(None::<String>));
    let started = Instant::now();
    let addr = server.addr;
    let with_keys = std::env::var("FUNDTRAIL_LOAD_IDEMPOTENCY").is_ok_and(|v| v == "1");
    let auth: hyper::header::HeaderValue = format!("Bearer {recorder}")
        .parse()
        .expect("a token fits a header");
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
    let secs = started.elapsed().as_secs_f64();
    let server_cpu = cpu_delta(&cpu_before, &thread_cpu(server.pid()));
    let own_cpu = cpu_delta(&own_before, &thread_cpu(std::process::id()));
    let failures = failures.load(Ordering::Relaxed);
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
    let stats = Stats::of(lat, secs);
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
        (after - before) as f64 / batches.max(1) as f64,
        rss_peak_mb,
    );
    let per_append = |v: &[(String, f64)]| v.iter().map(|x| x.1).sum::<f64>() * 1e3 / total as f64;
    println!(
        "{label}:      CPU per append: server {:.0} µs ({}), load generator {:.0} µs; wall per group commit {:.2} ms",
        per_append(&server_cpu),
        server_cpu
            .iter()
            .map(|(k, ms)| format!("{k} {:.0} µs", ms * 1e3 / total as f64))
            .collect::<Vec<_>>()
            .join(", "),
        per_append(&own_cpu),
        secs * 1e3 / batches.max(1) as f64,
    );
    if failures > 0 {
        panic!(
            "{failures} of {total} appends failed; first: {}",
            first_failure.lock().unwrap().clone().unwrap_or_default()
        );
    }
    assert_eq!(
        after - before,
        total,
        "ledger grew by {} for {total} appends",
        after - before
    );
    AppendRun {
        clients,
        stats,
        failures,
        batches,
        rss_peak_mb,
        leaves,
    }
}

async fn size_of(client: &reqwest::Client, base: &str) -> u64 {
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
async fn count_checkpoints(data: &Path, database_url: Option<&str>, before: u64) -> u64 {
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

async fn export_leaves(client: &reqwest::Client, base: &str) -> Vec<Vec<u8>> {
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

// ------------------------------------------------------------------------------------------
// 2: the baseline

/// Rows/s writing `leaves` as (seq, leaf, leaf_hash), one transaction per `batch` rows,
/// one statement per row, on one connection.
async fn baseline_sqlite(path: &Path, leaves: &[Vec<u8>], batch: usize) -> f64 {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sqlx::{ConnectOptions, Connection};
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .expect("baseline sqlite");
    sqlx::query("create table entries (seq integer primary key, leaf blob not null, leaf_hash blob not null)")
        .execute(&mut conn)
        .await
        .expect("create table");
    let start = Instant::now();
    for (b, chunk) in leaves.chunks(batch).enumerate() {
        let mut tx = conn.begin().await.expect("begin");
        for (i, leaf) in chunk.iter().enumerate() {
            sqlx::query("insert into entries (seq, leaf, leaf_hash) values (?, ?, ?)")
                .bind((b * batch + i) as i64)
                .bind(leaf)
                .bind(&leaf_hash(leaf).0[..])
                .execute(&mut *tx)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
    }
    let rate = leaves.len() as f64 / start.elapsed().as_secs_f64();
    let _ = conn.close().await;
    rate
}

async fn baseline_pg(url: &str, leaves: &[Vec<u8>], batch: usize) -> f64 {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.expect("baseline pg");
    sqlx::query("create table entries (seq bigint primary key, leaf bytea not null, leaf_hash bytea not null)")
        .execute(&mut conn)
        .await
        .expect("create table");
    let start = Instant::now();
    for (b, chunk) in leaves.chunks(batch).enumerate() {
        let mut tx = conn.begin().await.expect("begin");
        for (i, leaf) in chunk.iter().enumerate() {
            sqlx::query("insert into entries (seq, leaf, leaf_hash) values ($1, $2, $3)")
                .bind((b * batch + i) as i64)
                .bind(leaf)
                .bind(&leaf_hash(leaf).0[..])
                .execute(&mut *tx)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
    }
    let rate = leaves.len() as f64 / start.elapsed().as_secs_f64();
    let _ = conn.close().await;
    rate
}

fn print_baseline(label: &str, run: &AppendRun, rate64: f64, rate1: f64, rate1024: f64) {
    let mean_leaf = run.leaves.iter().map(Vec::len).sum::<usize>() / run.leaves.len().max(1);
    println!(
        "{label} baseline ({} leaves, mean {mean_leaf} bytes): {rate64:>7.0} rows/s with 64 rows per transaction \
         (1 row/tx: {rate1:.0} rows/s = {:.2} ms per commit; 1024 rows/tx: {rate1024:.0} rows/s = {:.1} µs per row)",
        run.leaves.len(),
        1e3 / rate1,
        1e6 / rate1024,
    );
    println!(
        "{label}: fundtrail / baseline = {:.0} / {:.0} = {:.2}",
        run.stats.rate(),
        rate64,
        run.stats.rate() / rate64
    );
}

// ------------------------------------------------------------------------------------------
// 4: reads at scale

/// Writes a bundle of `n` valid entries (three campaigns, donations with unique references
/// and memos, a disbursement every 20th entry) to `path`.
fn write_bundle(path: &Path, n: u64) -> u64 {
    let (signer, _) = CheckpointSigner::generate("load.fundtrail.local/ledger").expect("key");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("bundle file"));
    out.write_all(bundle_header(signer.verifier_key()).as_bytes())
        .unwrap();
    let mut rng = Rng::new(2026);
    let mut tree = CompactTree::new();
    let mut prev = ZERO_HASH;
    let campaigns = [
        ("flood-relief-2026", "VND"),
        ("medical-kits", "USD"),
        ("school-roofs", "VND"),
    ];
    let mut balances = [0u64; 3];
    let mut bytes = 0u64;
    for seq in 0..n {
        let c = (seq % 3) as usize;
        let (id, code) = campaigns[c];
        let body: Body = if seq < 3 {
            open(id, code, &format!("Campaign {id}"))
        } else if seq % 20 == 0 && balances[c] > 1 {
            let amount = rng.range(1, balances[c] / 2);
            balances[c] -= amount;
            disbursement(id, code, amount, "Hợp tác xã Hòa Bình")
        } else {
            let amount = if code == "VND" {
                rng.range(10, 5_000) * 1_000
            } else {
                rng.range(500, 100_000)
            };
            balances[c] += amount;
            let Body::Donation(mut d) = donation(id, code, amount, rng.pick::<&str>(DONORS)) else {
                unreachable!()
            };
            if rng.next() % 4 == 0 {
                d.channel = Channel::Cash;
                d.reference = None;
            } else {
                d.reference = Some(format!("FT26{seq:010}"));
            }
            d.memo = Some(rng.pick::<&str>(MEMOS).to_string());
            Body::Donation(d)
        };
        let entry = Entry {
            seq,
            prev,
            recorded_at: recorded_at(seq),
            recorded_by: if seq % 3 == 0 { "minh" } else { "lan" }.into(),
            body,
        };
        let leaf = encode(&entry);
        prev = leaf_hash(&leaf);
        tree.push(prev);
        bytes += leaf.len() as u64;
        out.write_all(&leaf).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.write_all(bundle_trailer(&signer.sign(n, &tree.root())).as_bytes())
        .unwrap();
    out.flush().unwrap();
    bytes / n.max(1)
}

/// Builds an `n`-entry SQLite ledger in `data` (bundle, then `fundtrail import`).
fn make_ledger(data: &Path, work: &Path, n: u64) {
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
async fn read_load(
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

async fn reads(work: &Path) {
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
        // First alone (service time without queueing), then with `readers` clients.
        for (clients, secs) in [(1, (secs / 2.0).max(1.0)), (readers, secs)] {
            let p = Arc::clone(&path);
            let (stats, failures) = read_load(server.addr, move |r| p(r), clients, secs).await;
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
    println!(
        "reads: server peak RSS over start-up and all reads: {:.1} MB",
        server.peak_rss_mb()
    );
    server.stop();

    // Appends at scale: the same donation load against the big ledger.
    let appends = env_u64("FUNDTRAIL_LOAD_BIG_APPENDS", 2_000);
    if appends > 0 {
        // Token names are unique, and this ledger may be one kept from an earlier run.
        let name = format!("load {}", std::process::id());
        let recorder = run_cli(
            &["token", "create", "--role", "recorder", "--name", &name],
            &data,
            None,
        )
        .trim()
        .to_string();
        let server = serve(&data, None).await;
        let clients = env_u64("FUNDTRAIL_LOAD_BIG_CLIENTS", 64) as usize;
        let label = format!("sqlite at {n} entries");
        drive_appends(
            server, &data, None, &recorder, clients, appends, &label, false,
        )
        .await;
    }
}

// ------------------------------------------------------------------------------------------

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}")
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

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
        for (i, &clients) in client_counts.iter().enumerate() {
            let data = work.path().join(format!("sqlite-{i}"));
            sqlite_runs.push(append_load(&data, None, clients, total, "sqlite").await);
        }
        let run = sqlite_runs.last().expect("a run");
        let b = |name: &str| work.path().join(name);
        let rate64 = baseline_sqlite(&b("base64.db"), &run.leaves, 64).await;
        let rate1 =
            baseline_sqlite(&b("base1.db"), &run.leaves[..run.leaves.len().min(500)], 1).await;
        let rate1024 = baseline_sqlite(&b("base1024.db"), &run.leaves, 1024).await;
        print_baseline("sqlite", run, rate64, rate1, rate1024);
    }

    let mut pg_run = None;
    if parts.contains("postgres") {
        if let Some(cluster) = pg::Cluster::start("load bench (PostgreSQL part)") {
            let clients = *client_counts.last().unwrap_or(&64);
            let url = cluster.new_database().await;
            let run = append_load(
                &work.path().join("pg"),
                Some(&url),
                clients,
                total,
                "postgres",
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
            pg_run = Some(run);
        }
    }

    if !sqlite_runs.is_empty() || pg_run.is_some() {
        println!("summary of appends (target: >= 20,000 appends/s with 64 clients on SQLite, p99 < 25 ms):");
        for (label, r) in sqlite_runs
            .iter()
            .map(|r| ("sqlite", r))
            .chain(pg_run.iter().map(|r| ("postgres", r)))
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

    if parts.contains("reads") {
        reads(work.path()).await;
    }
}
