//! How fast, and in how much memory, does a long bank statement import? Writes a 200,000-line
//! SWIFT MT940 statement (one account's first ten days after Typhoon Yagi: credits, every 50th
//! line a payment out; `FUNDTRAIL_BENCH_LINES` changes the count) to a file, then in the same
//! run times
//! (a) a floor: reading the file and hashing it (SHA-256), and
//! (b) the real thing: reading, checking and recording it through the statement path
//!     (`crate::statement::record`, as `POST /statements/file` and `fundtrail import-statement`
//!     do): its canonical lines, the `statement` entry and a donation for every credit, in one
//!     SQLite transaction, with the lines published;
//! and prints each step's time, the import's CPU time (on a shared machine the steadier figure)
//! and the process's peak resident memory, over the import and for each of its two steps
//! (Linux `/proc`).
//!
//! Run with `cargo bench --bench statement_import`. Results are recorded in BENCHMARKS.md.

use fundtrail::ledger::entry::{Account, Body, CampaignOpen};
use fundtrail::ledger::hash::sha256;
use fundtrail::ledger::money::Currency;
use fundtrail::sequencer::AppendRequest;
use fundtrail::startup::{Application, Config, DataDir};
use fundtrail::statement::formats::prepare::Format;
use fundtrail::statement::formats::{Header, Publish};
use fundtrail::statement::record::{check_file, record_prepared, FileImport};
use std::time::Instant;

#[path = "shared/mt940.rs"]
mod mt940;
use mt940::{statement, ACCOUNT};

/// A field of `/proc/self/status` in KiB (`VmHWM:`: the peak resident memory).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU seconds this process has used (user and system, all threads; Linux `/proc`, in
/// `USER_HZ` = 100 ticks a second): on a shared machine, a figure the other processes'
/// load changes less than the wall-clock time.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command's `(name)`: utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// Resets the peak resident memory to the current one (Linux).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let n = mt940::lines_wanted();
    let work = tempfile::tempdir()?;
    let path = work.path().join("statement.sta");
    std::fs::write(&path, statement(n))?;

    let dir = DataDir::new(work.path().join("data"));
    let config = Config::new("Statement bench", "bench.fundtrail.local/ledger");
    let (store, signer) = dir.init(&config, None).await?;
    let app = Application::from_parts(config, store, signer)
        .await?
        .with_evidence(dir.evidence_store());
    let vnd = Currency::parse("VND")?;
    app.state
        .sequencer
        .append(AppendRequest {
            body: Body::CampaignOpen(CampaignOpen {
                accounts: vec![Account {
                    bank: "Vietcombank".into(),
                    holder: "Quỹ Cứu trợ".into(),
                    number: ACCOUNT.into(),
                }],
                approval: None,
                currency: vnd,
                ends_on: None,
                goal: None,
                id: "yagi".into(),
                purpose: "Relief after Typhoon Yagi".into(),
                title: "Bão Yagi".into(),
            }),
            recorded_by: "bench".into(),
            idempotency_key: None,
            separate_gift: false,
            private: None,
        })
        .await?;

    reset_peak();
    let base_kib = status_kib("VmRSS:");
    let started = Instant::now();
    let cpu_started = cpu_secs();
    let bytes = std::fs::read(&path)?;
    let digest = sha256(&bytes);
    let floor = started.elapsed().as_secs_f64();
    let floor_cpu = cpu_secs() - cpu_started;
    let floor_peak = status_kib("VmHWM:");
    drop(bytes);

    reset_peak();
    let started = Instant::now();
    let cpu_started = cpu_secs();
    let file = std::fs::read(&path)?;
    let import = FileImport {
        campaign: "yagi".into(),
        format: Format::Mt940,
        publish: Publish {
            names: true,
            memos: true,
        },
        exclusions: Vec::new(),
        given: Header::default(),
    };
    let prepared = check_file(&app.state.store, &app.state.sequencer, &file, import).await?;
    drop(file);
    let checked = started.elapsed().as_secs_f64();
    let check_peak = status_kib("VmHWM:");
    let between_kib = status_kib("VmRSS:");
    reset_peak();
    let recorded = record_prepared(
        &app.state.sequencer,
        &app.state.evidence.blobs,
        &prepared,
        "bench",
    )
    .await?;
    let total = started.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_started;
    let record_peak = status_kib("VmHWM:");
    let peak = check_peak.max(record_peak);

    let size = app.state.store.size().await?;
    assert_eq!(size, 1 + 1 + recorded.donations);
    println!(
        "statement of {n} lines ({:.1} MB, SHA-256 {digest}), {} donations recorded with it",
        std::fs::metadata(&path)?.len() as f64 / 1e6,
        recorded.donations
    );
    println!(
        "  floor: read + SHA-256 of the file: {floor:.3} s (CPU {floor_cpu:.2} s), peak {:.0} MiB",
        mib(floor_peak)
    );
    println!(
        "  import: read + check {checked:.2} s, record {:.2} s, total {total:.2} s ({:.0} lines/s; CPU {cpu:.2} s); process peak {:.0} MiB (+{:.0} MiB over the {:.0} MiB before)",
        total - checked,
        n as f64 / total,
        mib(peak),
        mib(peak.saturating_sub(base_kib)),
        mib(base_kib)
    );
    println!(
        "  peaks: read + check {:.0} MiB, record {:.0} MiB (from {:.0} MiB between them)",
        mib(check_peak),
        mib(record_peak),
        mib(between_kib)
    );
    println!("  import / floor: {:.0}x", total / floor.max(1e-9));
    Ok(())
}
