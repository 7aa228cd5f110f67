//! What one public request may hold does not grow with the ledger. The real `fundtrail
//! serve` process, over a ledger of [`ENTRIES`] entries (three campaigns with donations,
//! disbursements, transfers and reversals), answers [`CLIENTS`] concurrent requests to
//! each public read route in turn (half of them accepting gzip-compressed answers, which
//! must stream too) while its peak resident memory (`VmHWM` in
//! `/proc/PID/status`, reset before each route through `/proc/PID/clear_refs`) is read.
//! Every route must stay within [`BOUND_MIB`] of the memory the server held after
//! answering each route once. Building a whole export in memory costs several times that
//! bound at this size (the IATI file alone is 7 MB per request), and so does reading a
//! whole evidence file ([`EVIDENCE_BYTES`]) per download.

use crate::helpers::binary;
use crate::helpers::ledger::random_ledger;
use crate::helpers::memory::{can_measure, reset_peak, status_kib};
use std::path::Path;
use std::time::Instant;

/// Entries in the ledger.
const ENTRIES: u64 = 20_000;
/// Concurrent requests to each route.
const CLIENTS: usize = 6;
/// Largest growth of the server's resident memory allowed while one route is under load.
const BOUND_MIB: u64 = 32;
/// Size of the evidence file downloaded.
const EVIDENCE_BYTES: usize = 8 << 20;

/// GETs `url` (as a browser, accepting a gzip-compressed answer, when `gzip`) and reads the
/// body to its end without keeping it; returns its length as sent.
async fn read_through(client: &reqwest::Client, url: &str, gzip: bool) -> usize {
    let mut request = client.get(url);
    if gzip {
        request = request.header("accept-encoding", "gzip");
    }
    let mut response = request.send().await.expect("request sent");
    assert_eq!(response.status().as_u16(), 200, "GET {url}");
    let mut length = 0;
    while let Some(chunk) = response.chunk().await.expect("body read") {
        length += chunk.len();
    }
    length
}

/// Builds the ledger as a bundle and imports it into `data`, with an IATI identifier.
fn build_ledger(data: &Path, work: &Path) {
    let (signer, _) =
        fundtrail::ledger::CheckpointSigner::generate("memory.fundtrail.local/ledger")
            .expect("key");
    let ledger = random_ledger(2026, ENTRIES);
    let bundle = work.join("bundle.txt");
    std::fs::write(&bundle, ledger.bundle(&signer)).expect("bundle written");
    binary::run(&[
        "import",
        "--data",
        &data.display().to_string(),
        "--name",
        "Memory test",
        &bundle.display().to_string(),
    ]);
    let path = data.join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("config")).expect("JSON");
    config["iati_org_id"] = serde_json::json!("VN-COA-12345");
    std::fs::write(&path, config.to_string()).expect("config written");
}

/// Stores an evidence file of [`EVIDENCE_BYTES`] in `data` the way the server stores an
/// upload (`evidence/<first 2 hex>/<sha256>` and its `.type`); returns its SHA-256.
fn store_evidence(data: &Path) -> String {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..EVIDENCE_BYTES).map(|i| (i % 251) as u8));
    let hex = fundtrail::ledger::hash::sha256(&bytes).to_hex();
    let folder = data.join("evidence").join(&hex[..2]);
    std::fs::create_dir_all(&folder).expect("evidence folder");
    std::fs::write(folder.join(&hex), &bytes).expect("evidence written");
    std::fs::write(folder.join(format!("{hex}.type")), "application/pdf").expect("type written");
    hex
}

/// Every public read route of the ledger [`build_ledger`] makes, with `evidence` the SHA-256
/// of the stored evidence file.
fn public_routes(evidence: &str) -> Vec<String> {
    let last = ENTRIES - 1;
    vec![
        "/export".to_string(),
        "/export/csv".to_string(),
        "/export/csv?campaign=schools-vnd".to_string(),
        "/export/iati".to_string(),
        "/export/iati?campaign=relief-vnd".to_string(),
        "/entries?start=0&limit=1000".to_string(),
        format!("/entries/{last}"),
        "/campaigns".to_string(),
        "/campaigns/relief-vnd".to_string(),
        "/campaigns/relief-vnd/entries?limit=200".to_string(),
        "/campaigns/schools-vnd/entries?before=15000&limit=200".to_string(),
        "/totals".to_string(),
        "/info".to_string(),
        "/checkpoint".to_string(),
        "/search?reference=FT26306123456789".to_string(),
        format!("/proof/inclusion?index=17&size={ENTRIES}"),
        "/proof/consistency?from=1000".to_string(),
        format!("/evidence/{evidence}"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_public_read_route_holds_memory_that_grows_with_the_ledger() {
    if !can_measure() {
        eprintln!("SKIPPED: measuring a process's peak memory needs Linux's /proc");
        return;
    }
    let started = Instant::now();
    let work = tempfile::tempdir().expect("temporary folder");
    let data = work.path().join("data");
    build_ledger(&data, work.path());
    let evidence = store_evidence(&data);
    let built = started.elapsed();
    let server = binary::serve(&data, &[]).await;
    let pid = server.child.id();
    let routes = public_routes(&evidence);
    let client = reqwest::Client::new();
    let url = |route: &str| format!("{}/api/v1{route}", server.base);
    for route in &routes {
        read_through(&client, &url(route), false).await;
        read_through(&client, &url(route), true).await;
    }
    let baseline = status_kib(pid, "VmRSS:");

    let mut growth = Vec::new();
    for route in &routes {
        reset_peak(pid);
        let t = Instant::now();
        let target = url(route);
        // Half the clients ask for compressed answers, which must stream as well.
        let requests = (0..CLIENTS).map(|i| read_through(&client, &target, i % 2 == 1));
        let lengths = futures_util::future::join_all(requests).await;
        let peak = status_kib(pid, "VmHWM:");
        growth.push((
            route,
            lengths[0],
            peak.saturating_sub(baseline) / 1024,
            t.elapsed().as_secs_f64(),
        ));
    }

    eprintln!(
        "memory: {ENTRIES} entries built and imported in {:.1} s; server at {} MiB after one request to each route; {CLIENTS} concurrent requests per route, peak growth:",
        built.as_secs_f64(),
        baseline / 1024
    );
    for (route, length, mib, secs) in &growth {
        eprintln!("  {mib:>4} MiB  {route} ({length} bytes each, {secs:.1} s)");
    }
    // Growth is measured from the same baseline for every route, so memory a route kept
    // shows again in the routes after it: the first route named is the one at fault.
    let over: Vec<String> = growth
        .iter()
        .filter(|(_, _, mib, _)| *mib > BOUND_MIB)
        .map(|(route, _, mib, _)| format!("{route}: {mib} MiB"))
        .collect();
    assert!(
        over.is_empty(),
        "concurrent requests grew the server by more than {BOUND_MIB} MiB: {over:?}"
    );
    eprintln!(
        "memory: whole test {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
