//! A bank statement's import holds a few numbers per line, not the statement or its report.
//! The real `fundtrail serve` process previews and then imports a statement of [`LINES`]
//! lines (credits with payer names and messages, outgoing lines, money returned, repeated
//! lines) through `POST /api/v1/statements` while its peak resident memory (`VmHWM`,
//! reset before each request) is read; the dry run must stay within [`DRY_RUN_BOUND_MIB`]
//! and the import within [`IMPORT_BOUND_MIB`] of the memory the server held before each.
//! Holding the statement, its parsed lines, the plan and the report in memory cost 37 and
//! 96 MiB at this size.

use crate::helpers::binary;
use crate::helpers::memory::{can_measure, reset_peak, status_kib};
use std::time::Instant;

/// Lines in the statement (`FUNDTRAIL_STATEMENT_LINES` for a longer run by hand).
const LINES: usize = 20_000;
/// Largest growth of the server's resident memory allowed during the dry run.
const DRY_RUN_BOUND_MIB: u64 = 16;
/// Largest growth allowed during the import, which also grows the ledger by every new
/// credit: the server keeps the new database pages and references in bounded caches.
const IMPORT_BOUND_MIB: u64 = 48;

fn lines() -> usize {
    std::env::var("FUNDTRAIL_STATEMENT_LINES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(LINES)
}

/// A Vietnamese bank's export of `lines` lines after a preamble: mostly credits, every
/// 50th line money out, every 200th money that came back from the outgoing line before it,
/// every 100th a repeat of the line before.
fn statement(lines: usize) -> String {
    let mut csv = String::from(
        "Sao kê tài khoản 0071001234567 từ 01/11/2026 đến 30/11/2026\n\
         Ngày giao dịch;Mã giao dịch;Ghi nợ;Ghi có;Nội dung;Tên người chuyển\n",
    );
    let mut last = String::new();
    let mut last_out = String::from("FT2632800000");
    for i in 0..lines {
        let day = 1 + i % 28;
        let line = if i % 100 == 99 {
            last.clone()
        } else if i % 50 == 0 {
            last_out = format!("FT26328{i:06}");
            format!("{day:02}/11/2026;{last_out};2.500.000;;mua gao cho ba con xa {i};HTX NONG NGHIEP NGHIA HANH\n")
        } else if i % 200 == 1 {
            format!("{day:02}/11/2026;FT26329{i:06};;2.500.000;hoan tien {last_out};HTX NONG NGHIEP NGHIA HANH\n")
        } else {
            format!(
                "{day:02}/11/2026;FT26330{i:06};;{}.000;ung ho dong bao mien trung lu lut dot {i};NGUYEN THI BICH NGOC {}\n",
                100 + i % 900,
                i % 37
            )
        };
        csv.push_str(&line);
        last = line;
    }
    csv
}

/// Posts `csv` as a statement for `campaign`; returns the status and the report.
async fn post(base: &str, token: &str, query: &str, csv: String) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/statements?{query}"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("statement sent");
    let status = response.status().as_u16();
    let report = response.json().await.expect("a JSON report");
    (status, report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_a_long_statement_holds_memory_that_does_not_grow_with_it() {
    if !can_measure() {
        eprintln!("SKIPPED: measuring a process's peak memory needs Linux's /proc");
        return;
    }
    let work = tempfile::tempdir().expect("temporary folder");
    let data = work.path().join("data");
    let token = binary::init(&data, &["--name", "Memory test"]);
    let server = binary::serve(&data, &[]).await;
    let pid = server.child.id();
    let opened = reqwest::Client::new()
        .post(format!("{}/api/v1/campaigns", server.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "id": "flood-2026", "title": "Flood relief", "purpose": "Rice and water", "currency": "VND",
        }))
        .send()
        .await
        .expect("campaign opened");
    assert_eq!(opened.status().as_u16(), 201);
    let lines = lines();
    let csv = statement(lines);
    let (status, _) = post(
        &server.base,
        &token,
        "campaign=flood-2026&dry_run=true",
        statement(10),
    )
    .await;
    assert_eq!(status, 200, "a small dry run first");

    let mut growth = Vec::new();
    for (what, query, bound) in [
        (
            "dry run",
            "campaign=flood-2026&dry_run=true",
            DRY_RUN_BOUND_MIB,
        ),
        ("import", "campaign=flood-2026", IMPORT_BOUND_MIB),
    ] {
        let before = status_kib(pid, "VmRSS:");
        reset_peak(pid);
        let started = Instant::now();
        let (status, report) = post(&server.base, &token, query, csv.clone()).await;
        let secs = started.elapsed().as_secs_f64();
        let peak = status_kib(pid, "VmHWM:");
        assert!(status == 200 || status == 201, "{what}: {status} {report}");
        assert_eq!(
            report["lines"].as_array().map(Vec::len),
            Some(lines),
            "{what}"
        );
        growth.push((
            what,
            peak.saturating_sub(before) / 1024,
            bound,
            (peak / 1024, secs),
            report["recorded"].clone(),
        ));
    }

    eprintln!("statement memory: {lines} lines ({} bytes):", csv.len());
    for (what, mib, bound, (peak, secs), recorded) in &growth {
        eprintln!(
            "  {what}: +{mib} MiB (bound {bound}), server peak {peak} MiB, {secs:.1} s, recorded {recorded}"
        );
    }
    let expected = lines - lines / 50 - lines / 100 - lines / 200;
    assert_eq!(
        growth[1].4,
        serde_json::json!(expected),
        "every new credit recorded"
    );
    let over: Vec<String> = growth
        .iter()
        .filter(|(_, mib, bound, ..)| mib > bound)
        .map(|(what, mib, bound, ..)| format!("{what}: {mib} MiB, bound {bound} MiB"))
        .collect();
    assert!(over.is_empty(), "grew the server too much: {over:?}");
}
