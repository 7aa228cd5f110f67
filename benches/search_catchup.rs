//! How long does the background search indexer (`src/store/search_indexer.rs`) take to catch
//! up after a large import? Records a 200,000-line statement (`benches/shared/mt940.rs`;
//! `FUNDTRAIL_BENCH_LINES` changes the count) through the statement path, as
//! `POST /statements/file` does, with the indexer held off; then lets it go and times it,
//! polling how far the index goes, until it covers the whole ledger. Prints the entries
//! indexed per second and the time to catch up, on SQLite and on a throwaway PostgreSQL
//! cluster (`FUNDTRAIL_BENCH_STORES`, default `sqlite,postgres`; PostgreSQL is skipped with a
//! notice where it is not installed), and the same catch-up done without the indexer's
//! pauses ([`fundtrail::store::Store::catch_up_search`], `FUNDTRAIL_BENCH_DIRECT=1`) for
//! comparison.
//!
//! Run with `cargo bench --bench search_catchup`. Results are recorded in BENCHMARKS.md.

use fundtrail::ledger::entry::{Account, Body, CampaignOpen};
use fundtrail::ledger::money::Currency;
use fundtrail::sequencer::AppendRequest;
use fundtrail::startup::{Application, Config, DataDir};
use fundtrail::statement::formats::prepare::Format;
use fundtrail::statement::formats::{Header, Publish};
use fundtrail::statement::record::{check_file, record_prepared, FileImport};
use std::path::Path;
use std::time::{Duration, Instant};

#[path = "shared/mt940.rs"]
mod mt940;
#[path = "../tests/helpers/postgres.rs"]
mod postgres;

/// How often the index's progress is read.
const POLL: Duration = Duration::from_millis(20);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let n = mt940::lines_wanted();
    let stores = std::env::var("FUNDTRAIL_BENCH_STORES").unwrap_or("sqlite,postgres".into());
    let direct = std::env::var("FUNDTRAIL_BENCH_DIRECT").is_ok_and(|v| v == "1");
    let work = tempfile::tempdir()?;
    let path = work.path().join("statement.sta");
    std::fs::write(&path, mt940::statement(n))?;
    println!("statement of {n} lines; load before: {}", load_average());
    if stores.contains("sqlite") {
        let dir = DataDir::new(work.path().join("sqlite"));
        catch_up("sqlite", dir, &path, direct).await?;
    }
    if stores.contains("postgres") {
        if let Some(cluster) = postgres::Cluster::start("search catch-up bench") {
            let url = cluster.new_database().await;
            let dir = DataDir::new(work.path().join("pg")).with_database_url(Some(url));
            catch_up("postgres", dir, &path, direct).await?;
        }
    }
    println!("load after: {}", load_average());
    Ok(())
}

/// Imports the statement at `path` into a new ledger in `dir` with the indexer held, then
/// times the indexer (or, `direct`, [`fundtrail::store::Store::catch_up_search`]) catching up.
async fn catch_up(label: &str, dir: DataDir, path: &Path, direct: bool) -> anyhow::Result<()> {
    let config = Config::new("Search bench", "bench.fundtrail.local/ledger");
    let (store, signer) = dir.init(&config, None).await?;
    let app = Application::from_parts(config, store, signer)
        .await?
        .with_evidence(dir.evidence_store());
    let store = app.state.store.clone();
    open_campaign(&app).await?;
    let held = store.hold_search_indexer().await;

    let started = Instant::now();
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
    let file = std::fs::read(path)?;
    let prepared = check_file(&store, &app.state.sequencer, &file, import).await?;
    record_prepared(
        &app.state.sequencer,
        &app.state.evidence.blobs,
        &prepared,
        "bench",
    )
    .await?;
    let imported = started.elapsed().as_secs_f64();
    let size = store.size().await?;
    let from = store.search_indexed_below().await?;

    let started = Instant::now();
    if direct {
        drop(held);
        let _quiet = store.hold_search_indexer().await;
        store.catch_up_search().await?;
    } else {
        drop(held);
        while store.search_indexed_below().await? < size {
            tokio::time::sleep(POLL).await;
        }
    }
    let took = started.elapsed().as_secs_f64();
    let indexed = size - from;
    let how = if direct {
        "catch_up_search, no pauses"
    } else {
        "background indexer"
    };
    println!(
        "  {label}: imported {size} entries in {imported:.1} s; {how}: {indexed} entries indexed in {took:.1} s ({:.0} entries/s); load {}",
        indexed as f64 / took.max(1e-9),
        load_average()
    );
    store.close().await;
    Ok(())
}

/// Opens the campaign the statement's account belongs to.
async fn open_campaign(app: &Application) -> anyhow::Result<()> {
    app.state
        .sequencer
        .append(AppendRequest {
            body: Body::CampaignOpen(CampaignOpen {
                accounts: vec![Account {
                    bank: "Vietcombank".into(),
                    holder: "Quỹ Cứu trợ".into(),
                    number: mt940::ACCOUNT.into(),
                }],
                approval: None,
                currency: Currency::parse("VND")?,
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
    Ok(())
}

/// The 1, 5 and 15 minute load averages (`/proc/loadavg`).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
