//! The ledger server as a witness client (C2SP tlog-witness; SPEC.md §14). One background
//! task per witness watches the published checkpoint; when it grows, the task sends it
//! with a consistency proof from the size the witness last cosigned, checks the
//! cosignature that comes back with the witness's key, stores it, and refreshes
//! [`Cosigned`]. Appends never wait for it: a slow or dead witness only delays its own
//! cosignature, retried with backoff (1 s doubling to 60 s). A 409 answer names the
//! witness's size, and the checkpoint is sent again from there. A witness is asked at most
//! every [`MIN_INTERVAL`], so a busy log does not write a cosignature per group commit.
//!
//! With PostgreSQL only the leading process asks the witnesses; every process refreshes
//! its [`Cosigned`] from the stored cosignatures.

use super::cosigned::Cosigned;
use crate::ledger::cosignature::{note_body, WitnessKey};
use crate::ledger::policy::Policy;
use crate::ledger::witness::request_body;
use crate::sequencer::SequencerHandle;
use crate::store::{Store, StoredCheckpoint, StoredCosignature};
use std::sync::Arc;
use std::time::Duration;

/// How often the published checkpoint is looked at.
pub const POLL: Duration = Duration::from_millis(100);
/// The least time between two cosignatures asked of one witness: under a steady load a
/// witness sees about two checkpoints a second, and the log writes about two cosignatures a
/// second per witness (each a small transaction next to the appends' group commits).
pub const MIN_INTERVAL: Duration = Duration::from_millis(500);
/// The first wait after a failed request.
pub const MIN_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Time limit of one request to a witness.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A witness to ask: its name in the policy, its key, its submission prefix.
#[derive(Debug, Clone)]
pub struct Target {
    /// The name the policy gives it.
    pub name: String,
    /// Its verifier key.
    pub key: WitnessKey,
    /// Its submission prefix (`POST <url>/add-checkpoint`).
    pub url: String,
}

/// The witnesses of `policy` that have a URL.
pub fn targets(policy: &Policy) -> Vec<Target> {
    policy
        .witnesses
        .iter()
        .filter_map(|(name, key, url)| {
            url.as_ref().map(|url| Target {
                name: name.clone(),
                key: key.clone(),
                url: url.trim_end_matches('/').to_string(),
            })
        })
        .collect()
}

/// What one `add-checkpoint` request came to.
#[derive(Debug)]
enum Answer {
    /// A valid cosignature line and its time.
    Cosigned(String, u64),
    /// 409: the witness holds this size.
    Conflict(u64),
    /// Anything else, in words.
    Failed(String),
}

struct Shared {
    store: Store,
    sequencer: SequencerHandle,
    cosigned: Arc<Cosigned>,
    http: reqwest::Client,
    changed: tokio::sync::Notify,
}

/// Starts the tasks: one per witness of `targets`, and one that keeps `cosigned` up to
/// date; none when there are no witnesses. Abort the returned handle to stop them all.
pub fn spawn(
    store: Store,
    sequencer: SequencerHandle,
    targets: Vec<Target>,
    cosigned: Arc<Cosigned>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if targets.is_empty() {
            return;
        }
        let http = match reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "no HTTP client for the witnesses");
                return;
            }
        };
        let shared = Arc::new(Shared {
            store,
            sequencer,
            cosigned,
            http,
            changed: tokio::sync::Notify::new(),
        });
        let mut tasks = tokio::task::JoinSet::new();
        for target in targets {
            tasks.spawn(follow(Arc::clone(&shared), target));
        }
        tasks.spawn(refresh(Arc::clone(&shared)));
        while tasks.join_next().await.is_some() {}
    })
}

/// Keeps [`Cosigned`] holding the published checkpoint with its stored cosignatures.
async fn refresh(shared: Arc<Shared>) {
    let mut held: Option<(u64, usize)> = None;
    loop {
        let checkpoint = shared.sequencer.view().checkpoint.clone();
        match shared.store.cosignatures_at(checkpoint.size).await {
            Ok(found) => {
                if held != Some((checkpoint.size, found.len())) {
                    shared.cosigned.set(&checkpoint, &found);
                    held = Some((checkpoint.size, found.len()));
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read the cosignatures"),
        }
        tokio::select! {
            () = shared.changed.notified() => {}
            () = tokio::time::sleep(POLL * 5) => {}
        }
    }
}

/// Sends each new checkpoint to `target` for as long as the server runs.
async fn follow(shared: Arc<Shared>, target: Target) {
    // The size the witness holds, as far as this log knows (0: ask, and learn it from 409).
    let mut held = match shared.store.latest_cosigned_sizes().await {
        Ok(sizes) => sizes.get(target.key.text()).copied().unwrap_or(0),
        Err(_) => 0,
    };
    let mut cosigned_size: Option<u64> = (held > 0).then_some(held);
    let mut backoff = MIN_BACKOFF;
    let mut conflicts = 0;
    loop {
        let checkpoint = shared.sequencer.view().checkpoint.clone();
        let wanted = shared.sequencer.is_leading()
            && checkpoint.size > 0
            && cosigned_size != Some(checkpoint.size);
        if !wanted {
            tokio::time::sleep(POLL).await;
            continue;
        }
        match submit(&shared, &target, held, &checkpoint).await {
            Answer::Cosigned(line, at) => {
                let stored = StoredCosignature {
                    size: checkpoint.size,
                    witness: target.key.text().to_string(),
                    line,
                    cosigned_at: at,
                };
                if let Err(e) = shared.store.add_cosignature(&stored).await {
                    tracing::warn!(witness = %target.name, error = %e, "could not store a cosignature");
                }
                held = checkpoint.size;
                cosigned_size = Some(checkpoint.size);
                backoff = MIN_BACKOFF;
                conflicts = 0;
                shared.changed.notify_one();
                tokio::time::sleep(MIN_INTERVAL).await;
            }
            Answer::Conflict(size) if size != held && size <= checkpoint.size && conflicts < 3 => {
                held = size;
                conflicts += 1;
            }
            Answer::Conflict(size) => {
                tracing::error!(
                    witness = %target.name, witness_size = size, our_size = checkpoint.size,
                    "the witness holds a tree this log cannot extend: it saw another history"
                );
                wait(&mut backoff).await;
                conflicts = 0;
            }
            Answer::Failed(why) => {
                tracing::warn!(witness = %target.name, reason = %why, "witness did not cosign; retrying");
                wait(&mut backoff).await;
            }
        }
    }
}

async fn wait(backoff: &mut Duration) {
    tokio::time::sleep(*backoff).await;
    *backoff = (*backoff * 2).min(MAX_BACKOFF);
}

/// One `add-checkpoint` request: `checkpoint` from the witness's size `held`.
async fn submit(
    shared: &Shared,
    target: &Target,
    held: u64,
    checkpoint: &StoredCheckpoint,
) -> Answer {
    let proof = if held > 0 && held < checkpoint.size {
        match shared.store.consistency_proof(held, checkpoint.size).await {
            Ok(p) => p,
            Err(e) => return Answer::Failed(format!("consistency proof: {e}")),
        }
    } else {
        Vec::new()
    };
    let old = held.min(checkpoint.size);
    let body = request_body(old, &proof, &checkpoint.note);
    let response = shared
        .http
        .post(format!("{}/add-checkpoint", target.url))
        .body(body)
        .send()
        .await;
    let response = match response {
        Ok(r) => r,
        Err(e) => return Answer::Failed(e.to_string()),
    };
    let status = response.status().as_u16();
    let text = match response.text().await {
        Ok(t) => t,
        Err(e) => return Answer::Failed(e.to_string()),
    };
    match status {
        200 => {
            let Ok(body) = note_body(&checkpoint.note) else {
                return Answer::Failed("the log's own checkpoint is malformed".into());
            };
            text.lines()
                .find_map(|line| {
                    target
                        .key
                        .check_line(&body, line)
                        .map(|at| (line.to_string(), at))
                })
                .map_or_else(
                    || Answer::Failed("no valid cosignature by its key in the answer".into()),
                    |(line, at)| Answer::Cosigned(line, at),
                )
        }
        409 => text.trim_end_matches('\n').parse().map_or_else(
            |_| Answer::Failed(format!("409 without a size: {text:?}")),
            Answer::Conflict,
        ),
        _ => Answer::Failed(format!("HTTP {status}: {}", text.trim())),
    }
}
