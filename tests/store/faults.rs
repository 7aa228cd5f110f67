//! Faults: the server killed with SIGKILL at random moments during concurrent appends, the
//! disk filling up, and the storage turning read-only. After each, every acknowledged entry
//! is present exactly once, the chain verifies, and appends continue.

use crate::helpers::app::{
    spawn_app_configured, spawn_app_in, spawn_app_on_database, TestApp, TestResponse,
};
use crate::helpers::binary::{init, serve, verify_data};
use crate::helpers::multipart::{self, Uploaded};
use crate::helpers::postgres;
use fundtrail::ledger::verify::verify_bundle;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The exported ledger: verifies it, returns the references by seq.
async fn verified_references(base: &str) -> Vec<Option<String>> {
    let bundle = reqwest::get(format!("{base}/api/v1/export"))
        .await
        .expect("export")
        .bytes()
        .await
        .expect("body");
    verify_bundle(&bundle[..], None, None, |_| {}).expect("the ledger verifies");
    bundle
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"{"))
        .map(|l| {
            let v: Value = serde_json::from_slice(l).expect("leaf");
            v["body"]["reference"].as_str().map(str::to_string)
        })
        .collect()
}

fn assert_every_acknowledged_entry_present_once(
    references: &[Option<String>],
    acknowledged: &HashMap<String, u64>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for r in references.iter().flatten() {
        *seen.entry(r.as_str()).or_default() += 1;
    }
    assert!(seen.values().all(|n| *n == 1), "a reference appears twice");
    for (reference, seq) in acknowledged {
        assert_eq!(
            references.get(*seq as usize).and_then(|r| r.as_deref()),
            Some(reference.as_str()),
            "acknowledged {reference} at {seq}"
        );
    }
}

/// One client donating references `CRASH-first`… one after another until an append is not
/// acknowledged (the server was killed), recording each acknowledged reference with its seq.
fn donate_until_killed(
    client: reqwest::Client,
    base: String,
    token: String,
    acknowledged: Arc<Mutex<HashMap<String, u64>>>,
    first: u64,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        for n in first..first + 1000 {
            let reference = format!("CRASH-{n}");
            let sent = client
                .post(format!("{base}/api/v1/donations"))
                .bearer_auth(&token)
                .json(&json!({"campaign": "relief", "amount": "1000", "reference": reference}))
                .send()
                .await;
            let Ok(response) = sent else { return };
            if response.status() != 201 {
                return;
            }
            let Ok(body) = response.json::<Value>().await else {
                return;
            };
            if let Some(seq) = body["seq"].as_u64() {
                acknowledged.lock().expect("lock").insert(reference, seq);
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_kill_9s_during_concurrent_appends_lose_no_acknowledged_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let token = init(&data, &[]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let acknowledged: Arc<Mutex<HashMap<String, u64>>> = Arc::default();
    let mut next_reference = 0u64;
    let mut rng_state = 0x2545_f491_4f6c_dd1du64;

    for round in 0..20 {
        let server = serve(&data, &[]).await;
        if round == 0 {
            let r = client
                .post(format!("{}/api/v1/campaigns", server.base))
                .bearer_auth(&token)
                .json(&json!({"id": "relief", "title": "Relief", "purpose": "Crash test", "currency": "VND"}))
                .send()
                .await
                .expect("open");
            assert_eq!(r.status(), 201);
        }
        // The restarted server holds every entry acknowledged before.
        assert_every_acknowledged_entry_present_once(
            &verified_references(&server.base).await,
            &acknowledged.lock().expect("lock"),
        );

        let mut tasks = Vec::new();
        for _ in 0..16 {
            tasks.push(donate_until_killed(
                client.clone(),
                server.base.clone(),
                token.clone(),
                Arc::clone(&acknowledged),
                next_reference,
            ));
            next_reference += 1000;
        }
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        tokio::time::sleep(Duration::from_millis(30 + rng_state % 170)).await;
        drop(server); // SIGKILL
        for t in tasks {
            let _ = t.await;
        }
    }

    let server = serve(&data, &[]).await;
    let references = verified_references(&server.base).await;
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() > 100,
        "the load ran: {} acknowledged",
        acknowledged.len()
    );
    assert_every_acknowledged_entry_present_once(&references, &acknowledged);
    let after = client
        .post(format!("{}/api/v1/donations", server.base))
        .bearer_auth(&token)
        .json(&json!({"campaign": "relief", "amount": "1000", "reference": "AFTER-CRASHES"}))
        .send()
        .await
        .expect("append");
    assert_eq!(after.status(), 201, "appends continue after the crashes");
}

/// A small tmpfs, or `None` (with a notice) where mounting is not permitted.
struct SmallDisk {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(test: &str, size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).expect("mkdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("SKIPPED {test}: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(SmallDisk { path, _dir: dir })
    }

    fn remount(&self, options: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount {options}");
    }
}

async fn donate(app: &TestApp, reference: &str) -> TestResponse {
    app.post("/donations", &json!({"campaign": "relief", "amount": "1000", "reference": reference, "memo": "x".repeat(1500)}), Some(&app.recorder_token))
        .await
}

#[tokio::test]
async fn a_full_disk_refuses_appends_with_507_and_appends_continue_once_space_is_freed() {
    let Some(disk) = SmallDisk::mount("full_disk", "3m") else {
        return;
    };
    let app = spawn_app_in(&disk.path).await;
    app.open_campaign("relief", "VND").await;

    let mut acknowledged = 0u64;
    let mut refused = None;
    for n in 0..20_000 {
        let r = donate(&app, &format!("FULL-{n}")).await;
        if r.status() == 201 {
            acknowledged += 1;
        } else {
            refused = Some(r);
            break;
        }
    }
    let refused = refused.expect("the disk filled up");
    assert_eq!(refused.status(), 507, "{}", refused.text());
    assert_eq!(refused.json()["error"], "storage_full");
    assert_eq!(
        app.checkpoint_size().await,
        acknowledged + 1,
        "nothing of the refused batch is visible"
    );

    disk.remount("size=64m");
    let after = donate(&app, "AFTER-FULL").await;
    assert_eq!(after.status(), 201, "{}", after.text());
    let stopped = app.stop().await;
    let verify = verify_data(&stopped.data_dir());
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[tokio::test]
async fn a_database_turned_read_only_refuses_appends_with_503_and_appends_continue_once_writable() {
    use sqlx::Connection;
    let Some(cluster) = postgres::Cluster::start("read_only_database") else {
        return;
    };
    let url = cluster.new_database().await;
    let app = spawn_app_on_database(&url).await;
    app.open_campaign("relief", "VND").await;
    assert_eq!(donate(&app, "BEFORE").await.status(), 201);
    let mut admin = sqlx::PgConnection::connect(&cluster.admin_url())
        .await
        .expect("connect");
    let set = |on: bool| {
        format!(
            "alter system set default_transaction_read_only = {}",
            if on { "on" } else { "off" }
        )
    };

    sqlx::query(sqlx::AssertSqlSafe(set(true)))
        .execute(&mut admin)
        .await
        .expect("read-only");
    sqlx::query("select pg_reload_conf()")
        .execute(&mut admin)
        .await
        .expect("reload");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = donate(&app, "WHILE-RO").await;
    sqlx::query(sqlx::AssertSqlSafe(set(false)))
        .execute(&mut admin)
        .await
        .expect("writable");
    sqlx::query("select pg_reload_conf()")
        .execute(&mut admin)
        .await
        .expect("reload");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = donate(&app, "AFTER-RO").await;

    assert_eq!(refused.status(), 503, "{}", refused.text());
    assert_eq!(
        refused.json()["error"],
        "storage_read_only",
        "{}",
        refused.text()
    );
    assert_eq!(after.status(), 201, "{}", after.text());
    assert_eq!(after.seq(), 2, "the refused append left no trace");
    let bundle = app.get_text("/export").await;
    verify_bundle(bundle.as_bytes(), None, None, |_| {}).expect("the ledger verifies");
}

/// A server keeping its evidence files on `disk` (the ledger itself stays on the usual disk).
async fn app_with_evidence_on(disk: &SmallDisk) -> TestApp {
    use fundtrail::evidence::blobs::BlobStore;
    use fundtrail::evidence::{EvidenceStore, DEFAULT_MAX_FILE_BYTES};
    let evidence = EvidenceStore::new(
        BlobStore::local(disk.path.join("evidence")),
        DEFAULT_MAX_FILE_BYTES,
    );
    spawn_app_configured(fundtrail::http::limits::Limits::OFF, move |app| {
        app.with_evidence(evidence)
    })
    .await
}

/// A PDF of `size` bytes.
fn pdf_of(size: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(size, b' ');
    pdf
}

async fn upload_pdf(app: &TestApp, pdf: &[u8]) -> Uploaded {
    multipart::upload(
        &app.client,
        &app.address,
        &app.recorder_token,
        &[("scan.pdf", "application/pdf", pdf)],
    )
    .await
}

#[tokio::test]
async fn a_full_evidence_store_refuses_uploads_with_507_and_accepts_them_once_space_is_freed() {
    let Some(disk) = SmallDisk::mount("full_evidence_store", "1m") else {
        return;
    };
    let app = app_with_evidence_on(&disk).await;
    let scan = pdf_of(2 * 1024 * 1024);

    let refused = upload_pdf(&app, &scan).await;
    let stored_meanwhile = app
        .get(&format!(
            "/evidence/{}",
            fundtrail::ledger::hash::sha256(&scan).to_hex()
        ))
        .await
        .status();
    disk.remount("size=16m");
    let after = upload_pdf(&app, &scan).await;

    assert_eq!(refused.status, 507, "{}", refused.json);
    assert_eq!(refused.json["error"], "storage_full");
    assert_eq!(
        stored_meanwhile, 404,
        "nothing of the refused file is served"
    );
    assert_eq!(after.status, 201, "{}", after.json);
}

#[tokio::test]
async fn a_read_only_evidence_store_refuses_uploads_with_503_and_retry_after() {
    let Some(disk) = SmallDisk::mount("read_only_evidence_store", "4m") else {
        return;
    };
    let app = app_with_evidence_on(&disk).await;
    let scan = pdf_of(4096);

    disk.remount("ro");
    let refused = upload_pdf(&app, &scan).await;
    disk.remount("rw");
    let after = upload_pdf(&app, &scan).await;

    assert_eq!(refused.status, 503, "{}", refused.json);
    assert_eq!(refused.json["error"], "storage_read_only");
    let wait = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse::<u64>();
    assert!(wait.is_ok_and(|s| s >= 1), "{:?}", refused.headers);
    assert_eq!(after.status, 201, "{}", after.json);
}
