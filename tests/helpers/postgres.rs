//! A throwaway PostgreSQL cluster for tests: `initdb` and `pg_ctl` from PATH or
//! `/usr/lib/postgresql/*/bin`, run as the `postgres` user when the tests run as root, on a
//! free loopback port, in a temporary folder, stopped (immediately) when dropped.
#![allow(dead_code)] // The test areas and the load benchmark each use a different part.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// A running cluster.
pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_user: Option<String>,
}

static DATABASES: AtomicU32 = AtomicU32::new(0);

fn find_bin() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("PATH") {
        for p in std::env::split_paths(&path) {
            if p.join("initdb").is_file() && p.join("pg_ctl").is_file() {
                return Some(p);
            }
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").is_file())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(54329)
}

impl Cluster {
    /// Starts a cluster (at most 200 connections), or returns `None` after printing a skip
    /// notice when PostgreSQL is not installed.
    pub fn start(test: &str) -> Option<Cluster> {
        Self::start_with_max_connections(test, 200)
    }

    /// [`Cluster::start`] with `max_connections` set to `max_connections`.
    pub fn start_with_max_connections(test: &str, max_connections: u32) -> Option<Cluster> {
        let Some(bin) = find_bin() else {
            eprintln!("SKIPPED {test}: PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin)");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("fundtrail-pg-")
            .tempdir()
            .expect("temporary folder");
        let as_user = is_root().then(|| "postgres".to_string());
        if let Some(user) = &as_user {
            let ok = Command::new("chown")
                .args(["-R", &format!("{user}:")])
                .arg(dir.path())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ok, "could not give the temporary folder to the {user} user");
        }
        let mut cluster = Cluster {
            bin,
            dir,
            port: 0,
            as_user,
        };
        let data = cluster.data_dir();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "fundtrail",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        for attempt in 0..5 {
            cluster.port = free_port();
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections={max_connections}",
                cluster.port,
                cluster.dir.path().display()
            );
            let log = cluster.dir.path().join("server.log").display().to_string();
            if cluster.try_run(
                "pg_ctl",
                &[
                    "-D", &data, "-o", &options, "-l", &log, "-w", "-t", "60", "start",
                ],
            ) {
                return Some(cluster);
            }
            eprintln!(
                "pg_ctl start failed (attempt {attempt}); log:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        panic!("PostgreSQL did not start");
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn command(&self, tool: &str, args: &[&str]) -> Command {
        let exe = self.bin.join(tool);
        match &self.as_user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(exe).args(args);
                c
            }
            None => {
                let mut c = Command::new(exe);
                c.args(args);
                c
            }
        }
    }

    fn try_run(&self, tool: &str, args: &[&str]) -> bool {
        self.command(tool, args)
            .current_dir(self.dir.path())
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self
            .command(tool, args)
            .current_dir(self.dir.path())
            .output()
            .expect("run PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The URL of the cluster's default database.
    pub fn admin_url(&self) -> String {
        format!("postgres://fundtrail@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates a fresh database and returns its URL.
    pub async fn new_database(&self) -> String {
        use sqlx::Connection;
        let name = format!("ledger_{}", DATABASES.fetch_add(1, Ordering::SeqCst));
        let mut conn = sqlx::PgConnection::connect(&self.admin_url())
            .await
            .expect("connect to the test cluster");
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&mut conn)
            .await
            .expect("create database");
        let _ = conn.close().await;
        format!("postgres://fundtrail@127.0.0.1:{}/{name}", self.port)
    }

    /// The folder holding the cluster.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self.try_run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }
}
