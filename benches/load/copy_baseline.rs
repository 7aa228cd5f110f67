//! Part 3's second baseline: the same entries rows written by binary `COPY`, the fastest
//! way PostgreSQL takes rows, one `COPY` (its own transaction, committed and flushed) per
//! group of as many rows as the append run's mean group commit, so the time per `COPY`
//! reads directly against the time per group commit.

use crate::appends::AppendRun;
use crate::report::{ms, Stats};
use fundtrail::ledger::{decode, leaf_hash, Body};
use std::time::Instant;

/// What the `COPY` baseline measured: rows/s, and the wall time of each `COPY`.
pub struct CopyBaseline {
    pub rows_per_copy: usize,
    pub copies: Stats,
    pub rows_per_sec: f64,
}

/// The scratch table: the columns of `entries` the leaves determine.
const SCRATCH: &str = "create table scratch_entries (seq bigint primary key, leaf bytea not null, \
    leaf_hash bytea not null, prev bytea not null, kind text not null, campaign text, \
    reference text, recorded_at text not null)";

/// Writes `leaves` into a scratch table of the database at `url` by binary `COPY`,
/// `rows_per_copy` rows per `COPY`, on one connection.
pub async fn baseline_pg_copy(url: &str, leaves: &[Vec<u8>], rows_per_copy: usize) -> CopyBaseline {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("copy baseline");
    nodelay_on_sockets_to(url);
    sqlx::query(SCRATCH)
        .execute(&mut conn)
        .await
        .expect("create the scratch table");
    let rows: Vec<Vec<u8>> = leaves.iter().map(|l| copy_row(l)).collect();
    let mut times = Vec::with_capacity(rows.len() / rows_per_copy.max(1) + 1);
    let start = Instant::now();
    for chunk in rows.chunks(rows_per_copy.max(1)) {
        let t = Instant::now();
        let mut data = Vec::with_capacity(19 + chunk.iter().map(Vec::len).sum::<usize>() + 2);
        data.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        data.extend_from_slice(&[0; 8]); // flags, header extension length
        for row in chunk {
            data.extend_from_slice(row);
        }
        data.extend_from_slice(&(-1i16).to_be_bytes());
        let mut copy = conn
            .copy_in_raw("copy scratch_entries from stdin (format binary)")
            .await
            .expect("copy in");
        copy.send(data).await.expect("copy data");
        copy.finish().await.expect("copy finish");
        times.push(t.elapsed());
    }
    let secs = start.elapsed().as_secs_f64();
    let _ = conn.close().await;
    CopyBaseline {
        rows_per_copy,
        copies: Stats::of(times, secs),
        rows_per_sec: leaves.len() as f64 / secs,
    }
}

/// One row of the scratch table in `COPY`'s binary format.
fn copy_row(leaf: &[u8]) -> Vec<u8> {
    let entry = decode(leaf).expect("an exported leaf decodes");
    let (campaign, reference) = match &entry.body {
        Body::Donation(d) => (Some(d.campaign.as_str()), d.reference.as_deref()),
        other if !other.campaign().is_empty() => (Some(other.campaign()), None),
        _ => (None, None),
    };
    let seq = (entry.seq as i64).to_be_bytes();
    let hash = leaf_hash(leaf);
    let fields: [Option<&[u8]>; 8] = [
        Some(&seq),
        Some(leaf),
        Some(&hash.0),
        Some(&entry.prev.0),
        Some(entry.body.kind().as_bytes()),
        campaign.map(str::as_bytes),
        reference.map(str::as_bytes),
        Some(entry.recorded_at.as_bytes()),
    ];
    let mut row = (fields.len() as i16).to_be_bytes().to_vec();
    for field in fields {
        match field {
            Some(bytes) => {
                row.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
                row.extend_from_slice(bytes);
            }
            None => row.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    row
}

/// Prints the append run against the `COPY` baseline: appends/s, p99 and wall time per
/// group commit, next to rows/s and time per `COPY` of as many rows.
pub fn print_copy_baseline(label: &str, run: &AppendRun, copy: &CopyBaseline) {
    let per_commit = run.stats.secs * 1e3 / run.batches.max(1) as f64;
    let per_copy = copy.copies.secs * 1e3 / copy.copies.n.max(1) as f64;
    println!(
        "{label} COPY baseline ({} leaves, binary COPY of {} rows per transaction into a scratch \
         `entries`): {:>7.0} rows/s, {per_copy:.2} ms per COPY (p50 {}, p99 {})",
        run.leaves.len(),
        copy.rows_per_copy,
        copy.rows_per_sec,
        ms(copy.copies.p50),
        ms(copy.copies.p99),
    );
    println!(
        "{label}: fundtrail {:.0} appends/s, p99 {}, {per_commit:.2} ms per group commit (mean {:.1} entries) \
         / COPY {:.0} rows/s, {per_copy:.2} ms per COPY = {:.2} of COPY's rate",
        run.stats.rate(),
        ms(run.stats.p99),
        run.stats.n as f64 / run.batches.max(1) as f64,
        copy.rows_per_sec,
        run.stats.rate() / copy.rows_per_sec,
    );
}

/// The mean entries per group commit of `run`, rounded, at least 1.
pub fn mean_batch(run: &AppendRun) -> usize {
    let batches = run.batches.max(1) as f64;
    ((run.stats.n as f64 / batches).round() as usize).max(1)
}

/// `TCP_NODELAY` on this process's sockets to the port of `url`, as the store sets it on its
/// writing connection (`src/store/postgres/nodelay.rs`: sqlx 0.9.0 leaves Nagle's algorithm
/// on, and the `COPY`'s data and its end would otherwise wait up to 40 ms for an ACK).
fn nodelay_on_sockets_to(url: &str) {
    use std::os::fd::FromRawFd;
    let Some(port) = url
        .rsplit_once(':')
        .and_then(|(_, rest)| rest.split('/').next())
        .and_then(|p| p.parse::<u16>().ok())
    else {
        return;
    };
    for fd in std::fs::read_dir("/proc/self/fd")
        .into_iter()
        .flatten()
        .flatten()
    {
        let Ok(raw) = fd.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if !std::fs::read_link(fd.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:"))
        {
            continue;
        }
        // SAFETY: borrowed only (never closed); on anything but a TCP socket the calls fail.
        let stream = std::mem::ManuallyDrop::new(unsafe { std::net::TcpStream::from_raw_fd(raw) });
        if stream.peer_addr().is_ok_and(|peer| peer.port() == port) {
            let _ = stream.set_nodelay(true);
        }
    }
}
