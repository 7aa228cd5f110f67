//! Running the real `fundtrail` binary from tests: `init` a data folder, `serve` it on a free
//! loopback port (killed with SIGKILL when dropped), run other commands and read what they
//! said and how they exited.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_fundtrail");

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A `fundtrail serve` process.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `fundtrail serve --data DATA` with `extra` arguments (read limit off) and waits
/// until it answers.
pub async fn serve(data: &Path, extra: &[&str]) -> Server {
    let port = free_port();
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--read-limit", "0", "--data"])
        .arg(data)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    start(command, port).await
}

/// Spawns `command`, a `fundtrail serve` listening on 127.0.0.1:`port`, and waits until it
/// answers `GET /api/v1/info` (at most 30 s).
pub async fn start(mut command: Command, port: u16) -> Server {
    let server = Server {
        child: command.spawn().expect("start fundtrail serve"),
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if client
            .get(format!("{}/api/v1/info", server.base))
            .send()
            .await
            .is_ok()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fundtrail serve did not start");
}

/// Runs `fundtrail ARGS`, asserting success; returns its standard output.
pub fn run(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("run fundtrail");
    assert!(
        out.status.success(),
        "fundtrail {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `fundtrail init --data DATA EXTRA…`; returns the admin token it prints.
pub fn init(data: &Path, extra: &[&str]) -> String {
    let data = data.display().to_string();
    let mut args = vec!["init", "--data", data.as_str()];
    args.extend_from_slice(extra);
    run(&args)
        .lines()
        .find_map(|l| l.strip_prefix("Admin token (shown once; store it safely): "))
        .expect("admin token printed")
        .to_string()
}

/// The binary with colours off, ready for arguments.
pub fn command() -> Command {
    let mut command = Command::new(BIN);
    command.env("NO_COLOR", "1");
    command
}

/// Runs the built `fundtrail` binary with `args`, whatever its exit code.
pub fn fundtrail(args: &[&str]) -> Output {
    command()
        .args(args)
        .output()
        .expect("fundtrail binary runs")
}

/// `fundtrail verify --data DIR`.
pub fn verify_data(dir: &Path) -> Output {
    fundtrail(&["verify", "--data", &dir.display().to_string()])
}

/// The `root:` line of a successful `fundtrail verify` report.
pub fn reported_root(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("root:").map(|r| r.trim().to_string()))
        .unwrap_or_else(|| panic!("no root in the report: {stdout}"))
}

/// Bytes a command wrote, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Both streams of a command, for an assertion's message.
pub fn explain(output: &Output) -> String {
    format!(
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    )
}
