//! Outgoing webhooks (SPEC.md §20.3): each published entry is POSTed, as a JSON event signed
//! with HMAC-SHA256, to every URL an admin registered, in ledger order. Each webhook has its own
//! background loop ([`workers`]), so an append never waits for a receiver and a receiver that
//! is slow or silent delays only its own events; a failed delivery is retried with a growing
//! pause (1 s, doubling, at most 10 minutes) until the receiver acknowledges it (any 2xx), and
//! every attempt is logged for admins. Delivery is at least once: a receiver may see an event
//! again (after a restart, or when its answer was lost) and should use the event's `id`.

use crate::ledger::decode;
use crate::sequencer::SequencerHandle;
use crate::store::{Delivery, Store, StoredEntry, Webhook};
use rand_core::RngCore;
use std::time::Duration;

mod workers;

/// The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
pub const SIGNATURE_HEADER: &str = "fundtrail-signature";
/// The header carrying the event's id (`urn:fundtrail:leaf:<leaf hash>`).
pub const EVENT_HEADER: &str = "fundtrail-event";
/// How long a receiver has to answer one delivery.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// The first pause after a failed delivery.
pub const MIN_BACKOFF: Duration = Duration::from_secs(1);
/// The longest pause between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(600);
/// How often a delivery loop looks for new entries when it has nothing to send.
const POLL: Duration = Duration::from_millis(250);
/// The longest error text kept in the delivery log.
const MAX_ERROR: usize = 300;

/// The signature header's value for `body` sent at `timestamp` (unix seconds) with `secret`:
/// `t=<timestamp>,v1=<hex of HMAC-SHA256(secret, "<timestamp>." || body)>`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let mut ctx = ring::hmac::Context::with_key(&key);
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    format!("t={timestamp},v1={}", hex::encode(ctx.sign().as_ref()))
}

/// The event of stored entry `e` (SPEC.md §20.3), as JSON bytes; `base` is the page's base
/// URL for the entry's link.
pub fn event(e: &StoredEntry, base: Option<&str>) -> Vec<u8> {
    let entry = decode(&e.leaf).ok();
    let leaf = String::from_utf8_lossy(&e.leaf);
    let body = serde_json::json!({
        "type": "entry.published",
        "id": crate::export::atom::item_id(&e.leaf_hash),
        "seq": e.seq,
        "kind": entry.as_ref().map(|x| x.body.kind()),
        "campaign": entry.as_ref().map(|x| x.body.campaign()).filter(|c| !c.is_empty()),
        "recorded_at": entry.as_ref().map(|x| x.recorded_at.as_str()),
        "leaf_hash": e.leaf_hash,
        "leaf": leaf,
        "url": base.map(|b| format!("{b}/#/entry/{}", e.seq)),
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// Starts the deliveries: one loop per webhook ([`workers`]). Abort the handle to stop them
/// all.
pub fn spawn(
    store: Store,
    sequencer: SequencerHandle,
    base: Option<String>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let http = match reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "no HTTP client for webhooks");
                return;
            }
        };
        let sender = workers::Sender {
            store,
            sequencer,
            http,
            base,
        };
        workers::supervise(std::sync::Arc::new(sender)).await;
    })
}

/// The pause after `attempts` failed attempts: 1 s, 2 s, 4 s... at most [`MAX_BACKOFF`].
pub fn backoff(attempts: u64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(20);
    MIN_BACKOFF.saturating_mul(1 << doublings).min(MAX_BACKOFF)
}

/// One attempt to send `hook` its next entry; logs it, and moves the hook on when the
/// receiver acknowledged it. Ok(true) when delivered.
async fn deliver(
    store: &Store,
    http: &reqwest::Client,
    base: Option<&str>,
    hook: &Webhook,
    attempt: u64,
) -> Result<bool, crate::store::StoreError> {
    let Some(entry) = store.entry(hook.next_seq).await? else {
        return Ok(false);
    };
    let body = event(&entry, base);
    let now = chrono::Utc::now();
    let sent = http
        .post(&hook.url)
        .header("content-type", "application/json")
        .header(
            SIGNATURE_HEADER,
            signature(&hook.secret, now.timestamp(), &body),
        )
        .header(EVENT_HEADER, crate::export::atom::item_id(&entry.leaf_hash))
        .body(body)
        .send()
        .await;
    let (status, error) = match sent {
        Ok(r) if r.status().is_success() => (Some(r.status().as_u16()), None),
        Ok(r) => (
            Some(r.status().as_u16()),
            Some(format!("the receiver answered {}", r.status())),
        ),
        Err(e) => (None, Some(short(&e.to_string()))),
    };
    let delivered = error.is_none();
    store
        .log_delivery(
            hook.id,
            &Delivery {
                seq: entry.seq,
                attempt,
                attempted_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                status,
                error,
                delivered,
            },
        )
        .await?;
    if delivered {
        store.advance_webhook(hook.id, entry.seq + 1).await?;
    }
    Ok(delivered)
}

fn short(text: &str) -> String {
    text.chars().take(MAX_ERROR).collect()
}

/// A fresh secret for a webhook registered without one: 32 random bytes, hex.
pub fn fresh_secret() -> String {
    let mut bytes = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
