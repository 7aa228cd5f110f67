//! The ledger server as a witness client (C2SP tlog-witness; SPEC.md §14). Appends never
//! wait for it, and it keeps its own work off the append path:
//!
//! - **Rounds.** At most once a [`ROUND`], when the published checkpoint has grown, a new
//!   round offers it to every witness at once (a busy log's checkpoints in between are
//!   coalesced: the witnesses cosign the newest, which extends them all).
//! - **One task per witness** sends the round's checkpoint with a consistency proof from the
//!   size the witness last cosigned and checks the cosignature that comes back with the
//!   witness's key. Witnesses that hold the same size share one proof, computed once from
//!   the read pool (never the writer's connection). A slow or dead witness only delays its
//!   own cosignature, retried with backoff (1 s doubling to 60 s) with the newest round's
//!   checkpoint. A 409 answer names the witness's size, and the checkpoint is sent again
//!   from there.
//! - **One writer** keeps the cosignatures of a round in one small transaction (on SQLite
//!   on the sequencer's connection, between two group commits), then refreshes
//!   [`Cosigned`].
//!
//! With PostgreSQL only the leading process asks the witnesses; every process refreshes
//! its [`Cosigned`] from the stored cosignatures.

use super::cosigned::{Cosigned, CosignedCheckpoint};
use crate::ledger::cosignature::{note_body, WitnessKey};
use crate::ledger::hash::Hash;
use crate::ledger::policy::Policy;
use crate::ledger::witness::request_body;
use crate::sequencer::SequencerHandle;
use crate::store::{Store, StoredCheckpoint, StoredCosignature};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// How often the published checkpoint is looked at.
pub const POLL: Duration = Duration::from_millis(100);
/// The least time between two rounds: under a steady load each witness sees about one
/// checkpoint a second, and the log writes one transaction of cosignatures a second.
pub const ROUND: Duration = Duration::from_secs(1);
/// How long the writer waits for the rest of a round's cosignatures before it keeps the
/// ones it has.
pub const GATHER: Duration = Duration::from_millis(250);
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

/// A consistency proof, kept for the other witnesses of the same round.
type CachedProof = Option<((u64, u64), Arc<Vec<Hash>>)>;

struct Shared {
    store: Store,
    sequencer: SequencerHandle,
    cosigned: Arc<Cosigned>,
    http: reqwest::Client,
    changed: tokio::sync::Notify,
    /// The checkpoint of the current round (`None` before the first).
    round: watch::Receiver<Option<StoredCheckpoint>>,
    /// Cosignatures to keep.
    answers: mpsc::UnboundedSender<StoredCosignature>,
    /// The last consistency proof computed, by (from, to).
    proof: tokio::sync::Mutex<CachedProof>,
}

/// Starts the tasks: one per witness of `targets`, one that starts rounds, one that keeps
/// cosignatures, and one that keeps `cosigned` up to date; none when there are no
/// witnesses. Abort the returned handle to stop them all.
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
        let (rounds, round) = watch::channel(None);
        let (answers, answered) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            store,
            sequencer,
            cosigned,
            http,
            changed: tokio::sync::Notify::new(),
            round,
            answers,
            proof: tokio::sync::Mutex::new(None),
        });
        let mut tasks = tokio::task::JoinSet::new();
        let witnesses = targets.len();
        for target in targets {
            tasks.spawn(follow(Arc::clone(&shared), target));
        }
        tasks.spawn(start_rounds(Arc::clone(&shared), rounds));
        tasks.spawn(keep(Arc::clone(&shared), answered, witnesses));
        tasks.spawn(refresh(Arc::clone(&shared)));
        while tasks.join_next().await.is_some() {}
    })
}

/// Starts a round when the published checkpoint has grown, at most once a [`ROUND`], while
/// this process leads.
async fn start_rounds(shared: Arc<Shared>, rounds: watch::Sender<Option<StoredCheckpoint>>) {
    let mut offered = 0;
    loop {
        let checkpoint = shared.sequencer.view().checkpoint.clone();
        if shared.sequencer.is_leading() && checkpoint.size > offered {
            offered = checkpoint.size;
            rounds.send_replace(Some(checkpoint));
            tokio::time::sleep(ROUND).await;
        } else {
            tokio::time::sleep(POLL).await;
        }
    }
}

/// Keeps the cosignatures the witnesses answer: those of one round (up to `witnesses` of
/// them, or what arrived within [`GATHER`] of the first) in one transaction.
async fn keep(
    shared: Arc<Shared>,
    mut answered: mpsc::UnboundedReceiver<StoredCosignature>,
    witnesses: usize,
) {
    while let Some(first) = answered.recv().await {
        let mut batch = vec![first];
        let until = tokio::time::Instant::now() + GATHER;
        while batch.len() < witnesses {
            match tokio::time::timeout_at(until, answered.recv()).await {
                Ok(Some(next)) => batch.push(next),
                Ok(None) | Err(_) => break,
            }
        }
        if let Err(e) = shared.store.add_cosignatures(&batch).await {
            tracing::warn!(error = %e, "could not store cosignatures");
            continue;
        }
        shared.changed.notify_one();
    }
}

/// Keeps [`Cosigned`] holding the published checkpoint with its stored cosignatures, and
/// the newest checkpoint witnesses cosigned.
async fn refresh(shared: Arc<Shared>) {
    let mut held: Option<(u64, usize)> = None;
    let mut newest: Option<(u64, usize)> = None;
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
        match newest_cosigned(&shared.store).await {
            Ok(Some(c)) if newest != Some((c.size, c.witnesses)) => {
                newest = Some((c.size, c.witnesses));
                shared.cosigned.set_newest(c);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the newest cosigned checkpoint"),
        }
        tokio::select! {
            () = shared.changed.notified() => {}
            () = tokio::time::sleep(POLL * 5) => {}
        }
    }
}

/// The newest stored checkpoint with stored cosignatures, if any.
async fn newest_cosigned(
    store: &Store,
) -> Result<Option<CosignedCheckpoint>, crate::store::StoreError> {
    let Some(size) = store.newest_cosigned_size().await? else {
        return Ok(None);
    };
    let Some(checkpoint) = store.checkpoint_at(size).await? else {
        return Ok(None);
    };
    let found = store.cosignatures_at(size).await?;
    Ok(Some(CosignedCheckpoint {
        size,
        root: checkpoint.root,
        note: crate::ledger::cosignature::with_lines(
            &checkpoint.note,
            found.iter().map(|c| c.line.as_str()),
        ),
        witnesses: found.len(),
    }))
}

/// Sends each round's checkpoint to `target` for as long as the server runs.
async fn follow(shared: Arc<Shared>, target: Target) {
    // The size the witness holds, as far as this log knows (0: ask, and learn it from 409).
    let mut held = match shared.store.latest_cosigned_sizes().await {
        Ok(sizes) => sizes.get(target.key.text()).copied().unwrap_or(0),
        Err(_) => 0,
    };
    let mut round = shared.round.clone();
    let mut backoff = MIN_BACKOFF;
    let mut conflicts = 0;
    loop {
        let offered = round.borrow_and_update().clone();
        let Some(checkpoint) = offered.filter(|c| c.size > 0 && c.size != held) else {
            if round.changed().await.is_err() {
                return;
            }
            continue;
        };
        match submit(&shared, &target, held, &checkpoint).await {
            Answer::Cosigned(line, at) => {
                let stored = StoredCosignature {
                    size: checkpoint.size,
                    witness: target.key.text().to_string(),
                    line,
                    cosigned_at: at,
                };
                if shared.answers.send(stored).is_err() {
                    return;
                }
                held = checkpoint.size;
                backoff = MIN_BACKOFF;
                conflicts = 0;
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

/// The consistency proof from `from` to `to`, computed once for all the witnesses that
/// ask for the same pair.
async fn consistency_proof(
    shared: &Shared,
    from: u64,
    to: u64,
) -> Result<Arc<Vec<Hash>>, crate::store::StoreError> {
    let mut cached = shared.proof.lock().await;
    if let Some((pair, proof)) = cached.as_ref() {
        if *pair == (from, to) {
            return Ok(Arc::clone(proof));
        }
    }
    let proof = Arc::new(shared.store.consistency_proof(from, to).await?);
    *cached = Some(((from, to), Arc::clone(&proof)));
    Ok(proof)
}

/// One `add-checkpoint` request: `checkpoint` from the witness's size `held`.
async fn submit(
    shared: &Shared,
    target: &Target,
    held: u64,
    checkpoint: &StoredCheckpoint,
) -> Answer {
    let proof = if held > 0 && held < checkpoint.size {
        match consistency_proof(shared, held, checkpoint.size).await {
            Ok(p) => p,
            Err(e) => return Answer::Failed(format!("consistency proof: {e}")),
        }
    } else {
        Arc::new(Vec::new())
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
