//! A long MT940 statement through the real `fundtrail serve` (`POST /statements/file`): the dry
//! run, the record and then the read routes (the reconciliation, a donor's line), each with the
//! server's peak resident memory growth and its time, next
//! to reading and hashing the same file in the same run; the donations take seqs in the
//! statement's line order. [`LINES`] lines by default; `FUNDTRAIL_STATEMENT_LINES=200000 cargo
//! test --release --test reconcile streaming -- --nocapture` is the case, by hand.

use crate::helpers::binary;
use crate::helpers::memory::{can_measure, reset_peak, status_kib};
use fundtrail::ledger::hash::sha256;
use std::time::Instant;

/// Lines in the statement (`FUNDTRAIL_STATEMENT_LINES` for a longer run by hand).
const LINES: usize = 20_000;
/// Largest growth of the server's resident memory allowed for a statement of [`LINES`].
const BOUND_MIB: u64 = 150;

fn lines() -> usize {
    std::env::var("FUNDTRAIL_STATEMENT_LINES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(LINES)
}

/// An MT940 statement of `n` lines: credits, every 50th a payment out.
pub(crate) fn statement(n: usize) -> (String, i64) {
    let mut text =
        String::from(":20:VCB0924\r\n:25:0071000123456\r\n:28C:1/1\r\n:60F:C240901VND0,\r\n");
    let mut balance: i64 = 0;
    for i in 0..n {
        let day = 1 + i % 28;
        let (mark, units) = if i % 50 == 49 {
            ('D', 1_000)
        } else {
            ('C', 100_000 + (i % 900) as i64 * 1_000)
        };
        balance += if mark == 'C' { units } else { -units };
        text.push_str(&format!(
            ":61:2409{day:02}{mark}{units},NTRFNONREF//FT24{i:08}\r\n:86:ung ho dong bao mien Bac dot {i}\r\n"
        ));
    }
    text.push_str(&format!(":62F:C240930VND{balance},\r\n-}}\r\n"));
    (text, balance)
}

async fn post(base: &str, token: &str, query: &str, body: String) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/statements/file?{query}"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("sent");
    let status = r.status().as_u16();
    let text = r.text().await.expect("an answer");
    (
        status,
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{status}: {e}: {}", &text[..text.len().min(300)])),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_mt940_statement_is_recorded_in_line_order_within_bounded_memory() {
    if !can_measure() {
        eprintln!("SKIPPED: measuring a process's peak memory needs Linux's /proc");
        return;
    }
    let work = tempfile::tempdir().expect("temporary folder");
    let data = work.path().join("data");
    let token = binary::init(&data, &["--name", "Statement streaming test"]);
    let server = binary::serve(&data, &[]).await;
    let pid = server.child.id();
    let opened = reqwest::Client::new()
        .post(format!("{}/api/v1/campaigns", server.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"id": "yagi", "title": "Yagi", "purpose": "Relief", "currency": "VND",
            "accounts": [{"bank": "Vietcombank", "holder": "Quỹ", "number": "0071000123456"}]}))
        .send()
        .await
        .expect("campaign");
    assert_eq!(opened.status().as_u16(), 201);
    let n = lines();
    let (file, _) = statement(n);
    let started = Instant::now();
    let digest = sha256(file.as_bytes());
    let hashing = started.elapsed().as_secs_f64();
    let mut figures = Vec::new();
    let mut answers = Vec::new();
    for (what, query) in [
        ("dry run", "campaign=yagi&format=mt940&dry_run=true"),
        ("record", "campaign=yagi&format=mt940"),
    ] {
        let before = status_kib(pid, "VmRSS:");
        reset_peak(pid);
        let started = Instant::now();
        let (status, answer) = post(&server.base, &token, query, file.clone()).await;
        let secs = started.elapsed().as_secs_f64();
        let peak = status_kib(pid, "VmHWM:");
        assert!(status == 200 || status == 201, "{what}: {status} {answer}");
        figures.push((what, peak.saturating_sub(before) / 1024, peak / 1024, secs));
        answers.push(answer);
    }
    // The read routes after the import: the reconciliation (twice: the second from what the
    // first kept) and a donor's search by id and by amount and day.
    let before = status_kib(pid, "VmRSS:");
    reset_peak(pid);
    let started = Instant::now();
    let client = reqwest::Client::new();
    for path in [
        "statements/reconciliation",
        "statements/reconciliation",
        "statements/lines?id=FT2400000007",
        "statements/lines?amount=107000&date=2024-09-08",
    ] {
        let r = client
            .get(format!("{}/api/v1/{path}", server.base))
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let answer: serde_json::Value = r.json().await.expect("JSON");
        if path.starts_with("statements/lines") {
            assert!(
                !answer["matches"].as_array().expect("matches").is_empty(),
                "{path}: {answer}"
            );
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let peak = status_kib(pid, "VmHWM:");
    figures.push((
        "reads",
        peak.saturating_sub(before) / 1024,
        peak / 1024,
        secs,
    ));
    eprintln!("MT940 statement of {n} lines ({} bytes, SHA-256 {digest}): reading and hashing it took {hashing:.3} s", file.len());
    for (what, growth, peak, secs) in &figures {
        eprintln!("  {what}: +{growth} MiB, server peak {peak} MiB, {secs:.1} s");
    }
    let credits = n - n / 50;
    assert_eq!(answers[0]["preview"]["donations_count"], credits);
    assert_eq!(
        answers[1]["recorded"], credits,
        "{}",
        answers[1]["not_recorded"]
    );
    assert_eq!(
        answers[1]["in_line_order"], true,
        "donations take seqs in the statement's line order"
    );
    for (what, growth, _, _) in &figures {
        assert!(
            *growth <= BOUND_MIB,
            "{what}: the server grew by {growth} MiB"
        );
    }
}
