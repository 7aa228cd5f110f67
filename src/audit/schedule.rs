//! The full audit of a serving process: once at start, then on a schedule, in the
//! background (the server answers, and appends go on, while it runs). When it fails, this
//! process refuses appends for good (until an operator has looked and restarted it): the
//! sequencer's handle consults [`AuditStatus::failure`] before queuing an append, and the
//! failure is logged naming the entry. `GET /api/v1/info` shows the status.

use super::{audit, AuditError, AuditFailure};
use crate::store::Store;
use serde::Serialize;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How often a serving process audits the whole ledger unless told otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
/// How soon an audit that could not read the store is tried again (at most).
const RETRY_AFTER_READ_ERROR: Duration = Duration::from_secs(60);

/// Where the audit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Not run yet, or to be tried again after the store could not be read.
    Pending,
    /// Checking the ledger now.
    Running,
    /// The last audit passed.
    Passed,
    /// An audit failed; appends are refused.
    Failed,
}

/// What `GET /api/v1/info` shows under `audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditState {
    /// Where the audit stands.
    pub state: Phase,
    /// When the last audit that passed finished (`YYYY-MM-DDTHH:MM:SS.ffffffZ`).
    pub last_passed_at: Option<String>,
    /// How many entries the last audit that passed covered.
    pub last_passed_size: Option<u64>,
    /// What the failed audit found.
    pub failure: Option<AuditFailure>,
}

/// The audit status of one process, shared by the audit task, the sequencer's handle and
/// the HTTP handlers.
#[derive(Debug)]
pub struct AuditStatus(RwLock<AuditState>);

impl Default for AuditStatus {
    fn default() -> AuditStatus {
        AuditStatus(RwLock::new(AuditState {
            state: Phase::Pending,
            last_passed_at: None,
            last_passed_size: None,
            failure: None,
        }))
    }
}

impl AuditStatus {
    /// The status now.
    pub fn state(&self) -> AuditState {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// What a failed audit found; appends are refused while there is one.
    pub fn failure(&self) -> Option<AuditFailure> {
        self.0
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .failure
            .clone()
    }

    fn update(&self, change: impl FnOnce(&mut AuditState)) {
        change(&mut self.0.write().unwrap_or_else(|p| p.into_inner()));
    }

    /// Records the outcome of one audit.
    fn record(&self, outcome: &Result<u64, AuditError>) {
        self.update(|s| match outcome {
            Ok(size) => {
                s.state = Phase::Passed;
                s.last_passed_at =
                    Some(crate::ledger::entry::format_recorded_at(chrono::Utc::now()));
                s.last_passed_size = Some(*size);
            }
            Err(AuditError::Failed(failure)) => {
                s.state = Phase::Failed;
                s.failure = Some(failure.clone());
            }
            Err(AuditError::Store(_)) => s.state = Phase::Pending,
        });
    }
}

/// Audits the ledger in `store` (signed by `vkey`) now and then every `interval`, recording
/// each outcome in `status`, until an audit fails. Returns the task; abort it to stop.
pub fn spawn(
    store: Store,
    vkey: String,
    status: Arc<AuditStatus>,
    interval: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            status.update(|s| s.state = Phase::Running);
            let started = std::time::Instant::now();
            let outcome = audit(&store, &vkey, |_| {}).await.map(|r| r.size);
            status.record(&outcome);
            let wait = match &outcome {
                Ok(size) => {
                    tracing::info!(
                        entries = size,
                        ms = started.elapsed().as_millis() as u64,
                        "full audit passed"
                    );
                    interval
                }
                Err(AuditError::Failed(failure)) => {
                    tracing::error!(
                        seq = failure.seq,
                        reason = %failure.message,
                        "full audit FAILED: the stored ledger is not what was signed; appends refused; run `fundtrail verify --data DIR`"
                    );
                    return;
                }
                Err(AuditError::Store(e)) => {
                    tracing::warn!(error = %e, "full audit could not read the store; trying again");
                    interval.min(RETRY_AFTER_READ_ERROR)
                }
            };
            tokio::time::sleep(wait).await;
        }
    })
}

/// Reads an audit interval such as `24h`, `30m`, `90s` or `1d 12h`.
///
/// # Errors
/// A message saying what is accepted.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text.trim()) {
        Ok(d) if d >= Duration::from_secs(1) => Ok(d),
        _ => Err(format!(
            "{text:?} is not an interval of at least one second; write for example 24h, 30m or 90s"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_read_in_plain_units_and_nonsense_is_refused() {
        assert_eq!(parse_interval("24h"), Ok(DEFAULT_INTERVAL));
        assert_eq!(parse_interval("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_interval("1d 12h"), Ok(Duration::from_secs(36 * 3600)));
        for bad in ["", "0s", "soon", "-5m"] {
            assert!(parse_interval(bad).is_err(), "{bad:?}");
        }
    }

    /// Waits until `status` reports a passed audit covering `size` entries.
    async fn passed_at(status: &AuditStatus, size: u64) -> AuditState {
        for _ in 0..500 {
            let state = status.state();
            if state.state == Phase::Passed && state.last_passed_size == Some(size) {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no passed audit of {size} entries: {:?}", status.state());
    }

    #[tokio::test]
    async fn the_audit_runs_again_after_each_interval_and_covers_what_was_appended() {
        use crate::ledger::entry::{Body, CampaignOpen};
        let dir = tempfile::tempdir().expect("temporary folder");
        let store = Store::Sqlite(
            crate::store::SqliteStore::open(&dir.path().join("ledger.db"))
                .await
                .expect("store"),
        );
        let (signer, _) =
            crate::ledger::CheckpointSigner::generate("example.org/ledger").expect("key");
        let vkey = signer.verifier_key().to_string();
        let (handle, _task) = crate::sequencer::Sequencer::start(store.clone(), signer)
            .await
            .expect("sequencer");
        let status = Arc::clone(handle.audit());
        let audits = spawn(store, vkey, Arc::clone(&status), Duration::from_millis(50));
        let first = passed_at(&status, 0).await;

        handle
            .append(crate::sequencer::AppendRequest {
                body: Body::CampaignOpen(CampaignOpen {
                    approval: None,
                    accounts: Vec::new(),
                    currency: crate::ledger::Currency::parse("VND").expect("VND"),
                    ends_on: None,
                    goal: None,
                    id: "flood-2026".into(),
                    purpose: "Relief.".into(),
                    title: "Flood".into(),
                }),
                recorded_by: "tester".into(),
                idempotency_key: None,
                separate_gift: false,
                private: None,
            })
            .await
            .expect("appended");
        let second = passed_at(&status, 1).await;
        audits.abort();

        assert!(second.last_passed_at >= first.last_passed_at);
        assert_eq!(second.failure, None);
    }

    #[test]
    fn a_failure_is_kept_and_a_read_error_only_makes_the_audit_pending() {
        let status = AuditStatus::default();
        status.record(&Ok(12));
        let passed = status.state();
        status.record(&Err(AuditError::Store(
            crate::store::StoreError::Unavailable("gone".into()),
        )));
        let pending = status.state();
        status.record(&Err(AuditError::Failed(AuditFailure {
            seq: Some(3),
            message: "entry 3: broken".into(),
        })));

        assert_eq!(passed.state, Phase::Passed);
        assert_eq!(passed.last_passed_size, Some(12));
        assert_eq!(pending.state, Phase::Pending);
        assert_eq!(pending.last_passed_size, Some(12));
        assert_eq!(status.state().state, Phase::Failed);
        assert_eq!(status.failure().and_then(|f| f.seq), Some(3));
    }
}
