//! Part 5: appends with three witnesses configured against none (the witness client works in
//! the background, so appends should not slow down), and tile reads per second from the
//! server's `/log/` and from static files.

use crate::appends::{append_load, append_load_prepared};
use crate::reads::read_load;
use crate::report::ms;
use crate::server::{run_cli, serve};
use crate::BIN;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `fundtrail witness serve` process, killed when dropped.
struct WitnessProcess {
    child: Child,
    dir: PathBuf,
    key: String,
    url: String,
}

impl Drop for WitnessProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn witness_cli(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(&*BIN)
        .arg("witness")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run fundtrail witness");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn start_witness(work: &Path, i: usize) -> WitnessProcess {
    let dir = work.join(format!("witness-{i}"));
    let out = witness_cli(&dir, &["init", "--name", &format!("w{i}.load.example")]);
    let key = out.lines().last().expect("the key").trim().to_string();
    let port = crate::server::free_port();
    let child = Command::new(&*BIN)
        .arg("witness")
        .arg("--dir")
        .arg(&dir)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a witness");
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..500 {
        if client
            .get(format!("{url}/checkpoint/x"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    WitnessProcess {
        child,
        dir,
        key,
        url,
    }
}

/// A minimal static file server for `root` on a free loopback port.
async fn static_files(root: PathBuf) -> std::net::SocketAddr {
    use axum::extract::{Path as UrlPath, State};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let app = axum::Router::new()
        .route(
            "/{*path}",
            axum::routing::get(
                |State(root): State<PathBuf>, UrlPath(path): UrlPath<String>| async move {
                    match tokio::fs::read(root.join(path)).await {
                        Ok(b) => (axum::http::StatusCode::OK, b),
                        Err(_) => (axum::http::StatusCode::NOT_FOUND, Vec::new()),
                    }
                },
            ),
        )
        .with_state(root);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// Part 5: `FUNDTRAIL_LOAD_WITNESS_ROUNDS` (3) rounds of the append load with no witness
/// and with three, alternating on fresh ledgers (the machine is shared: the median of the
/// per-round ratios is the figure), then the tile reads.
pub async fn witnesses(work: &Path, clients: usize, total: u64) {
    let rounds = crate::env_u64("FUNDTRAIL_LOAD_WITNESS_ROUNDS", 3).max(1);
    let mut ratios = Vec::new();
    let mut data = PathBuf::new();
    let client = reqwest::Client::new();
    for round in 0..rounds {
        // Fresh witnesses: every round's ledger has the same origin under a new key.
        let ws = vec![
            start_witness(work, 3 * round as usize).await,
            start_witness(work, 3 * round as usize + 1).await,
            start_witness(work, 3 * round as usize + 2).await,
        ];
        let none_dir = work.join(format!("w-none-{round}"));
        let none = append_load(&none_dir, None, clients, total, "sqlite, no witnesses").await;
        data = work.join(format!("w-three-{round}"));
        let three =
            append_load_prepared(&data, None, clients, total, "sqlite, 3 witnesses", |data| {
                let skey = std::fs::read_to_string(data.join("signing.key")).expect("key");
                let signer =
                    fundtrail::ledger::CheckpointSigner::from_private_key(&skey).expect("key");
                let mut policy = format!("log {}\n", signer.verifier_key());
                for (i, w) in ws.iter().enumerate() {
                    witness_cli(&w.dir, &["add-log", signer.verifier_key()]);
                    policy.push_str(&format!("witness w{i} {} {}\n", w.key, w.url));
                }
                policy.push_str("group all 2 w0 w1 w2\nquorum all\n");
                std::fs::write(data.join("witness-policy.txt"), policy).expect("policy");
            })
            .await;
        let (a, b) = (none.stats.rate(), three.stats.rate());
        ratios.push(b / a);
        println!(
            "witnesses: round {round}, {clients} clients: {a:.0} appends/s with no witness, {b:.0} with three ({:+.1}%), p99 {} vs {}",
            (b - a) / a * 100.0,
            ms(none.stats.p99),
            ms(three.stats.p99)
        );
        let mut sizes = Vec::new();
        for w in &ws {
            let note = client
                .get(format!("{}/checkpoint/load.fundtrail.local/ledger", w.url))
                .send()
                .await
                .expect("witness")
                .text()
                .await
                .unwrap_or_default();
            sizes.push(note.lines().nth(1).unwrap_or("none").to_string());
        }
        println!(
            "witnesses: round {round}: the witnesses last cosigned sizes {} (the ledger ended at {})",
            sizes.join(", "),
            total + 1
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "witnesses: median over {rounds} rounds: three witnesses at {:.1}% of the rate with none",
        ratios[ratios.len() / 2] * 100.0
    );

    // Tile reads: the server's /log/, then the same files from a static server.
    let secs = crate::env_u64("FUNDTRAIL_LOAD_READ_SECS", 5) as f64;
    let readers = crate::env_u64("FUNDTRAIL_LOAD_READERS", 16) as usize;
    let server = serve(&data, None).await;
    let out = work.join("tiles");
    run_cli(&["tiles", "--out", &out.display().to_string()], &data, None);
    let files = static_files(out).await;
    let paths = [
        "/log/tile/0/000",
        "/log/tile/entries/000",
        "/log/checkpoint",
    ];
    for (label, addr, prefix) in [("server", server.addr, ""), ("static", files, "/log")] {
        for path in paths {
            let path = if prefix.is_empty() {
                path.to_string()
            } else {
                path.replacen("/log", "", 1)
            };
            let p = path.clone();
            let (stats, failures) = read_load(addr, move |_| p.clone(), readers, secs).await;
            println!(
                "tiles: {label:<6} GET {path:<24} {readers} clients: {:>7.0} req/s, p50 {}, p99 {} (failures {failures})",
                stats.rate(),
                ms(stats.p50),
                ms(stats.p99)
            );
        }
    }
    server.stop();
}
