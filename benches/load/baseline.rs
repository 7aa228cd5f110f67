//! Part 2: the baseline, the same leaves written by a minimal sqlx program (one statement per
//! row, one transaction per batch), so the append rate can be read against what the store
//! alone allows.

use crate::appends::AppendRun;
use fundtrail::ledger::leaf_hash;
use std::path::Path;
use std::time::Instant;

/// Rows/s writing `leaves` as (seq, leaf, leaf_hash), one transaction per `batch` rows,
/// one statement per row, on one connection.
pub async fn baseline_sqlite(path: &Path, leaves: &[Vec<u8>], batch: usize) -> f64 {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sqlx::{ConnectOptions, Connection};
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .expect("baseline sqlite");
    sqlx::query("create table entries (seq integer primary key, leaf blob not null, leaf_hash blob not null)")
        .execute(&mut conn)
        .await
        .expect("create table");
    let start = Instant::now();
    for (b, chunk) in leaves.chunks(batch).enumerate() {
        let mut tx = conn.begin().await.expect("begin");
        for (i, leaf) in chunk.iter().enumerate() {
            sqlx::query("insert into entries (seq, leaf, leaf_hash) values (?, ?, ?)")
                .bind((b * batch + i) as i64)
                .bind(leaf)
                .bind(&leaf_hash(leaf).0[..])
                .execute(&mut *tx)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
    }
    let rate = leaves.len() as f64 / start.elapsed().as_secs_f64();
    let _ = conn.close().await;
    rate
}

/// [`baseline_sqlite`] on the PostgreSQL database at `url`.
pub async fn baseline_pg(url: &str, leaves: &[Vec<u8>], batch: usize) -> f64 {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.expect("baseline pg");
    sqlx::query("create table entries (seq bigint primary key, leaf bytea not null, leaf_hash bytea not null)")
        .execute(&mut conn)
        .await
        .expect("create table");
    let start = Instant::now();
    for (b, chunk) in leaves.chunks(batch).enumerate() {
        let mut tx = conn.begin().await.expect("begin");
        for (i, leaf) in chunk.iter().enumerate() {
            sqlx::query("insert into entries (seq, leaf, leaf_hash) values ($1, $2, $3)")
                .bind((b * batch + i) as i64)
                .bind(leaf)
                .bind(&leaf_hash(leaf).0[..])
                .execute(&mut *tx)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
    }
    let rate = leaves.len() as f64 / start.elapsed().as_secs_f64();
    let _ = conn.close().await;
    rate
}

/// Prints the baseline rates and the append run's rate against the 64-row one.
pub fn print_baseline(label: &str, run: &AppendRun, rate64: f64, rate1: f64, rate1024: f64) {
    let mean_leaf = run.leaves.iter().map(Vec::len).sum::<usize>() / run.leaves.len().max(1);
    println!(
        "{label} baseline ({} leaves, mean {mean_leaf} bytes): {rate64:>7.0} rows/s with 64 rows per transaction \
         (1 row/tx: {rate1:.0} rows/s = {:.2} ms per commit; 1024 rows/tx: {rate1024:.0} rows/s = {:.1} µs per row)",
        run.leaves.len(),
        1e3 / rate1,
        1e6 / rate1024,
    );
    println!(
        "{label}: fundtrail / baseline = {:.0} / {:.0} = {:.2}",
        run.stats.rate(),
        rate64,
        run.stats.rate() / rate64
    );
}
