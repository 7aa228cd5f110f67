//! What the load generator reports: latency statistics, CPU time per thread group of a
//! process, and the machine it ran on.

use std::time::Duration;

/// Latencies of `n` requests made over `secs` seconds: median, 99th percentile, maximum.
pub struct Stats {
    pub n: usize,
    pub secs: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Stats {
    /// The statistics of `lat`, measured over `secs` seconds.
    pub fn of(mut lat: Vec<Duration>, secs: f64) -> Stats {
        lat.sort_unstable();
        let at = |q: f64| {
            lat.get(((lat.len() as f64 * q).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        Stats {
            n: lat.len(),
            secs,
            p50: at(0.50),
            p99: at(0.99),
            max: lat.last().copied().unwrap_or_default(),
        }
    }

    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.n as f64 / self.secs
    }
}

/// A duration in milliseconds, two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// CPU time (user + system, in clock ticks of 10 ms) per thread name of process `pid`.
/// CPU ticks of every live thread of `pid`, keyed by (name stem, thread id).
pub fn thread_cpu(pid: u32) -> std::collections::BTreeMap<(String, String), u64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for t in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(t.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ... field 14 utime, 15 stime (1-based, counting from pid).
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = stat[open + 1..close].to_string();
        let rest: Vec<&str> = stat[close + 2..].split(' ').collect();
        let ticks = rest
            .get(11)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            + rest
                .get(12)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        // Number-suffixed thread names (sqlx-sqlite-worker-3) are grouped by their stem.
        let stem = comm
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
            .to_string();
        let tid = t.file_name().to_string_lossy().into_owned();
        out.insert((stem, tid), ticks);
    }
    out
}

/// CPU milliseconds spent per thread group between two [`thread_cpu`] snapshots.
///
/// Threads are matched by id, so a thread that ended in between is left out (its last
/// slice of CPU is lost) rather than making a group's total go down.
pub fn cpu_delta(
    before: &std::collections::BTreeMap<(String, String), u64>,
    after: &std::collections::BTreeMap<(String, String), u64>,
) -> Vec<(String, f64)> {
    let mut groups = std::collections::BTreeMap::<String, u64>::new();
    for (key, a) in after {
        let spent = a.saturating_sub(before.get(key).copied().unwrap_or(0));
        *groups.entry(key.0.clone()).or_insert(0) += spent;
    }
    let mut v: Vec<(String, f64)> = groups
        .into_iter()
        .map(|(k, ticks)| (k, ticks as f64 * 10.0))
        .filter(|(_, ms)| *ms > 0.0)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}

/// The number of cores and the CPU model, from `/proc/cpuinfo`.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}")
}

/// CPU milliseconds spent so far by the PostgreSQL cluster whose postmaster is `postmaster`,
/// per kind of process: it and every process it started, as far as they are alive, named
/// by their title (`walwriter`, `checkpointer`, a backend by its database and state...).
pub fn cluster_cpu_ms(postmaster: u32) -> std::collections::BTreeMap<(String, u32), u64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return out;
    };
    for p in procs.flatten() {
        let Ok(pid) = p.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(p.path().join("stat")) else {
            continue;
        };
        let Some((ppid, ticks)) = ppid_and_ticks(&stat) else {
            continue;
        };
        if pid != postmaster && ppid != postmaster {
            continue;
        }
        let title = std::fs::read_to_string(p.path().join("cmdline")).unwrap_or_default();
        out.insert((process_kind(&title), pid), ticks);
    }
    out
}

/// The parent's pid and the CPU ticks (user + system) in a `/proc/PID/stat` line.
fn ppid_and_ticks(stat: &str) -> Option<(u32, u64)> {
    let close = stat.rfind(')')?;
    let rest: Vec<&str> = stat.get(close + 2..)?.split(' ').collect();
    let ppid = rest.get(1)?.parse().ok()?;
    let ticks = rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?;
    Some((ppid, ticks))
}

/// A PostgreSQL process's kind from its title: `postgres: walwriter` is `walwriter`,
/// `postgres: fundtrail ledger_0 127.0.0.1(5432) idle` is `backend`, the postmaster
/// `postmaster`.
fn process_kind(title: &str) -> String {
    let title = title.replace('\0', " ");
    match title.strip_prefix("postgres: ") {
        Some(rest) if rest.contains('(') => "backend".into(),
        Some(rest) => rest
            .split_whitespace()
            .next()
            .unwrap_or("other")
            .to_string(),
        None => "postmaster".into(),
    }
}

/// CPU milliseconds per kind of process between two [`cluster_cpu_ms`] readings (processes
/// that ended in between are left out), largest first.
pub fn cluster_cpu_delta(
    before: &std::collections::BTreeMap<(String, u32), u64>,
    after: &std::collections::BTreeMap<(String, u32), u64>,
) -> Vec<(String, f64)> {
    let mut groups = std::collections::BTreeMap::<String, u64>::new();
    for (key, a) in after {
        let spent = a.saturating_sub(before.get(key).copied().unwrap_or(0));
        *groups.entry(key.0.clone()).or_insert(0) += spent;
    }
    let mut v: Vec<(String, f64)> = groups
        .into_iter()
        .map(|(k, ticks)| (k, ticks as f64 * 10.0))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}

/// Append runs of one store repeated on fresh ledgers (`FUNDTRAIL_LOAD_ROUNDS`), each with
/// the baseline (64 rows per transaction) measured just after it.
#[derive(Default)]
pub struct Rounds {
    rates: Vec<f64>,
    p99s: Vec<Duration>,
    ratios: Vec<f64>,
}

impl Rounds {
    /// Records round `round`'s `run` and the rows/s of the baseline that followed it.
    pub fn add(&mut self, label: &str, round: u64, run: &crate::appends::AppendRun, base: f64) {
        let rate = run.stats.rate();
        println!(
            "{label} round {}: {rate:>7.0} appends/s, p99 {}; baseline {base:>7.0} rows/s; ratio {:.2}",
            round + 1,
            ms(run.stats.p99),
            rate / base
        );
        self.rates.push(rate);
        self.p99s.push(run.stats.p99);
        self.ratios.push(rate / base);
    }

    /// One line over the rounds: median and range of appends/s, p99 and the ratio to the
    /// baseline, and how many rounds met 20,000 appends/s with p99 under 25 ms.
    pub fn print(&self, label: &str) {
        if self.rates.len() < 2 {
            return;
        }
        let met = self
            .rates
            .iter()
            .zip(&self.p99s)
            .filter(|(r, p)| **r >= 20_000.0 && **p < Duration::from_millis(25))
            .count();
        let (rate, ratio) = (spread(&self.rates), spread(&self.ratios));
        let mut p99s = self.p99s.clone();
        p99s.sort_unstable();
        println!(
            "{label} over {} rounds: appends/s median {:.0} (range {:.0}–{:.0}); p99 median {} (worst {}); \
             ratio to the baseline median {:.2} ({:.2}–{:.2}); {met} of {} rounds at >= 20,000/s with p99 < 25 ms",
            self.rates.len(),
            rate.1,
            rate.0,
            rate.2,
            ms(p99s[p99s.len() / 2]),
            ms(*p99s.last().expect("rounds")),
            ratio.1,
            ratio.0,
            ratio.2,
            self.rates.len()
        );
    }
}

/// (least, median, greatest) of `values` (not empty); the median of an even count is the
/// upper of the middle two.
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2], v[v.len() - 1])
}
