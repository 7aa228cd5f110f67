//! Several `fundtrail serve` processes on one PostgreSQL database: exactly one sequences,
//! the chain never forks, and when the leader is killed another takes over without losing
//! an acknowledged entry. Skips with a notice where PostgreSQL is not installed.

use crate::helpers::binary::{init, run, serve, Server};
use crate::helpers::postgres;
use fundtrail::ledger::verify::verify_bundle;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

async fn serve_on(data: &Path, url: &str) -> Server {
    serve(data, &["--database-url", url]).await
}

/// Creates a ledger in PostgreSQL with two data folders sharing its key; returns the admin token.
fn init_two(a: &Path, b: &Path, url: &str) -> String {
    let token = init(
        a,
        &["--database-url", url, "--origin", "cluster.test/ledger"],
    );
    std::fs::create_dir_all(b).expect("mkdir");
    for f in ["config.json", "signing.key"] {
        std::fs::copy(a.join(f), b.join(f)).expect("copy data folder");
    }
    token
}

/// Posts a donation with an idempotency key, retrying on any server until acknowledged.
async fn donate_until_acknowledged(
    client: &reqwest::Client,
    servers: &[String],
    token: &str,
    n: usize,
) -> Option<u64> {
    let body = json!({ "campaign": "relief", "amount": "1000", "reference": format!("REF-{n}") });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut i = n;
    while Instant::now() < deadline {
        let base = &servers[i % servers.len()];
        i += 1;
        let sent = client
            .post(format!("{base}/api/v1/donations"))
            .bearer_auth(token)
            .header("Idempotency-Key", format!("donation-{n}"))
            .json(&body)
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                let v: Value = r.json().await.ok()?;
                return v["seq"].as_u64();
            }
            Ok(r) if r.status() == 503 => tokio::time::sleep(Duration::from_millis(50)).await,
            Ok(r) => panic!(
                "donation {n} refused: {} {}",
                r.status(),
                r.text().await.unwrap_or_default()
            ),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    None
}

async fn open_campaign(client: &reqwest::Client, servers: &[String], token: &str) {
    for _ in 0..100 {
        for base in servers {
            let r = client
                .post(format!("{base}/api/v1/campaigns"))
                .bearer_auth(token)
                .header("Idempotency-Key", "open-relief")
                .json(&json!({"id": "relief", "title": "Relief", "purpose": "Test", "currency": "VND"}))
                .send()
                .await
                .expect("post");
            if r.status().is_success() {
                return;
            }
            assert_eq!(r.status(), 503, "{}", r.text().await.unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no server accepted the campaign");
}

/// Checks the exported ledger: it verifies, and every acknowledged seq holds its donation once.
/// A follower's view trails the leader's by a moment, so first wait until it has caught up.
async fn check_ledger(client: &reqwest::Client, base: &str, acknowledged: &[(usize, u64)]) {
    let needed = acknowledged
        .iter()
        .map(|(_, seq)| seq + 1)
        .max()
        .unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let info: Value = client
            .get(format!("{base}/api/v1/info"))
            .send()
            .await
            .expect("info")
            .json()
            .await
            .expect("json");
        if info["size"].as_u64().unwrap_or(0) >= needed {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{base} did not catch up to size {needed}: {info}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let bundle = client
        .get(format!("{base}/api/v1/export"))
        .send()
        .await
        .expect("export")
        .bytes()
        .await
        .expect("body");
    let report = verify_bundle(&bundle[..], None, None, |_| {})
        .expect("the shared ledger verifies: one gap-free chain");
    let leaves: Vec<Value> = bundle
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"{"))
        .map(|l| serde_json::from_slice(l).expect("leaf"))
        .collect();
    assert_eq!(leaves.len() as u64, report.size);
    let mut references = HashSet::new();
    for leaf in &leaves {
        if let Some(r) = leaf["body"]["reference"].as_str() {
            assert!(
                references.insert(r.to_string()),
                "reference {r} recorded twice"
            );
        }
    }
    for (n, seq) in acknowledged {
        let leaf = &leaves[*seq as usize];
        assert_eq!(
            leaf["body"]["reference"],
            format!("REF-{n}"),
            "acknowledged donation {n} at seq {seq}"
        );
    }
}

/// Two `serve` processes on one fresh database, sharing a signing key, with the campaign
/// "relief" open. Fields drop in order: the servers stop before the cluster does.
struct TwoServers {
    a: Server,
    b: Server,
    token: String,
    client: reqwest::Client,
    _dirs: tempfile::TempDir,
    _cluster: postgres::Cluster,
}

impl TwoServers {
    async fn start(test: &str) -> Option<TwoServers> {
        let cluster = postgres::Cluster::start(test)?;
        let url = cluster.new_database().await;
        let dirs = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dirs.path().join("a"), dirs.path().join("b"));
        let token = init_two(&a, &b, &url);
        let (a, b) = (serve_on(&a, &url).await, serve_on(&b, &url).await);
        let client = reqwest::Client::new();
        open_campaign(&client, &[a.base.clone(), b.base.clone()], &token).await;
        Some(TwoServers {
            a,
            b,
            token,
            client,
            _dirs: dirs,
            _cluster: cluster,
        })
    }

    fn bases(&self) -> Vec<String> {
        vec![self.a.base.clone(), self.b.base.clone()]
    }

    /// Donations 0..count, the n-th sent after n * stagger, each retried on either server
    /// until acknowledged.
    fn donate(
        &self,
        count: usize,
        stagger: Duration,
    ) -> Vec<tokio::task::JoinHandle<(usize, Option<u64>)>> {
        (0..count)
            .map(|n| {
                let (client, servers, token) =
                    (self.client.clone(), self.bases(), self.token.clone());
                tokio::spawn(async move {
                    tokio::time::sleep(stagger * n as u32).await;
                    (
                        n,
                        donate_until_acknowledged(&client, &servers, &token, n).await,
                    )
                })
            })
            .collect()
    }
}

/// `GET /api/v1/info` of one server.
async fn info(client: &reqwest::Client, base: &str) -> Value {
    client
        .get(format!("{base}/api/v1/info"))
        .send()
        .await
        .expect("info")
        .json()
        .await
        .expect("json")
}

/// Waits for every donation task; each must have been acknowledged.
async fn acknowledged_all(
    tasks: Vec<tokio::task::JoinHandle<(usize, Option<u64>)>>,
    why: &str,
) -> Vec<(usize, u64)> {
    let mut acknowledged = Vec::new();
    for t in tasks {
        let (n, seq) = t.await.expect("task");
        acknowledged.push((n, seq.unwrap_or_else(|| panic!("donation {n}: {why}"))));
    }
    acknowledged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_append_concurrently_into_one_chain() {
    let Some(two) = TwoServers::start("two_servers_on_one_database").await else {
        return;
    };

    let tasks = two.donate(60, Duration::ZERO);
    let acknowledged =
        acknowledged_all(tasks, "every donation is acknowledged by the leader").await;

    let mut infos: Vec<Value> = Vec::new();
    for base in two.bases() {
        infos.push(info(&two.client, &base).await);
    }
    assert_eq!(
        infos.iter().filter(|i| i["leader"] == true).count(),
        1,
        "exactly one leader: {infos:?}"
    );
    for base in two.bases() {
        check_ledger(&two.client, &base, &acknowledged).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_leader_mid_load_loses_no_acknowledged_entry() {
    let Some(two) = TwoServers::start("killing_the_leader_mid_load").await else {
        return;
    };
    let leader_is_a = info(&two.client, &two.a.base).await["leader"] == true;
    let tasks = two.donate(80, Duration::from_millis(10));
    let TwoServers {
        a,
        b,
        client,
        _dirs,
        _cluster,
        ..
    } = two;
    let (mut leader, follower) = if leader_is_a { (a, b) } else { (b, a) };

    tokio::time::sleep(Duration::from_millis(300)).await;
    leader.child.kill().expect("kill -9 the leader");
    let _ = leader.child.wait();
    let acknowledged = acknowledged_all(tasks, "acknowledged by the old or the new leader").await;

    assert_eq!(
        info(&client, &follower.base).await["leader"],
        true,
        "the survivor took over"
    );
    check_ledger(&client, &follower.base, &acknowledged).await;
    drop(leader);
}

#[tokio::test]
async fn a_ledger_exported_from_sqlite_and_imported_into_postgres_keeps_its_root_and_checkpoint() {
    let Some(cluster) = postgres::Cluster::start("export_sqlite_import_postgres") else {
        return;
    };
    let url = cluster.new_database().await;
    let dirs = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dirs.path().join(name).display().to_string();
    let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/demo");
    let key = format!("{vectors}/signing-key.txt");
    run(&[
        "import",
        "--data",
        &p("sqlite"),
        "--signing-key",
        &key,
        &format!("{vectors}/bundle.txt"),
    ]);
    run(&[
        "export",
        "--data",
        &p("sqlite"),
        "--output",
        &p("from-sqlite.txt"),
    ]);

    run(&[
        "import",
        "--data",
        &p("pg"),
        "--database-url",
        &url,
        "--signing-key",
        &key,
        &p("from-sqlite.txt"),
    ]);
    run(&[
        "export",
        "--data",
        &p("pg"),
        "--database-url",
        &url,
        "--output",
        &p("from-pg.txt"),
    ]);
    let verified = run(&["verify", "--data", &p("pg"), "--database-url", &url]);

    let (a, b) = (
        std::fs::read(p("from-sqlite.txt")).expect("read"),
        std::fs::read(p("from-pg.txt")).expect("read"),
    );
    assert_eq!(a, b, "the same leaves, root and signed checkpoint");
    let original = std::fs::read(format!("{vectors}/bundle.txt")).expect("read");
    assert_eq!(a, original);
    assert!(verified.contains("entries:    20"), "{verified}");
}
