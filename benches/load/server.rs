//! The server under load: `fundtrail init` and `serve` as a separate process on a free
//! loopback port, started and stopped the way an operator would, with its memory sampled.

use crate::BIN;
use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A running `fundtrail serve` process (stopped when dropped).
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its address, for the load's own connections.
    pub addr: std::net::SocketAddr,
    /// Time from spawn until `/api/v1/info` answered 200.
    pub startup: Duration,
    /// Time from then until the full audit the server runs at start had finished; every
    /// measurement starts after it, so the audit does not share the cores with the load.
    pub audit: Duration,
    sampler: Option<RssSampler>,
}

impl Server {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident memory: max of the sampled VmRSS and the kernel's VmHWM, in MB.
    pub fn peak_rss_mb(&self) -> f64 {
        let hwm = proc_status_kb(self.pid(), "VmHWM:").unwrap_or(0);
        let sampled = self
            .sampler
            .as_ref()
            .map_or(0, |s| s.peak.load(Ordering::Relaxed));
        hwm.max(sampled) as f64 / 1024.0
    }

    /// Resident memory now, in MB.
    pub fn rss_mb(&self) -> f64 {
        proc_status_kb(self.pid(), "VmRSS:").unwrap_or(0) as f64 / 1024.0
    }

    /// Stops the server gracefully (SIGTERM), killing it after 10 s.
    pub fn stop(mut self) {
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

/// A thread recording the peak resident memory of a process every 50 ms.
struct RssSampler {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

/// A `kB` field of `/proc/PID/status`.
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

/// Starts sampling the resident memory of `pid`.
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

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `fundtrail ARGS --data DATA` (and `--database-url`), asserting success; its output.
pub fn run_cli(args: &[&str], data: &Path, database_url: Option<&str>) -> String {
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
pub fn init_ledger(data: &Path, database_url: Option<&str>) -> (String, String) {
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

/// Serves `data` with rate and connection limits off, waits until it answers and its
/// start-up audit has passed; its log goes to `data/serve.log`.
pub async fn serve(data: &Path, database_url: Option<&str>) -> Server {
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
pub async fn wait_for_the_audit(client: &reqwest::Client, base: &str) -> Duration {
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
