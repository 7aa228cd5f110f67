//! Tiles (C2SP tlog-tiles), witnesses (tlog-witness, tlog-cosignature), policies
//! (tlog-policy) and tlog-proof receipts, end to end: real servers and real witnesses on
//! loopback ports. Tiles and cosignatures are checked with implementations that are not
//! fundtrail's own: `tlog_tiles` (Go's tlog, ported) reads and authenticates the tiles,
//! and `signed_note` (Go's note, ported) parses the notes and finds the cosignature lines.

#[path = "../helpers/mod.rs"]
mod helpers;

mod answers;
mod demo;
mod mirrors;
mod network;
mod protocol;
mod readme;
mod static_tiles;
mod stores;
mod tiles;

use fundtrail::ledger::cosignature::WitnessSigner;
use fundtrail::witness::{Witness, WitnessDir};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// A witness serving on a loopback port, stopped when dropped.
pub struct RunningWitness {
    /// `http://127.0.0.1:PORT`, its submission prefix.
    pub url: String,
    /// Its verifier key.
    pub key: String,
    /// The witness itself, to look at its state.
    pub witness: Witness,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl RunningWitness {
    /// The witness's signing key.
    pub fn signer(&self) -> &WitnessSigner {
        self.witness.signer()
    }
}

/// Starts a witness named `name` trusting each of `log_keys`.
pub async fn start_witness(name: &str, log_keys: &[&str]) -> RunningWitness {
    let dir = tempfile::tempdir().expect("temporary folder");
    let wdir = WitnessDir::new(dir.path().join("witness"));
    let signer = wdir.init(name).await.expect("witness created");
    let store = wdir.store().await.expect("witness database");
    for key in log_keys {
        let origin = fundtrail::ledger::checkpoint::parse_verifier_key(key).expect("a log key");
        store.add_log(&origin, key).await.expect("log added");
    }
    let witness = Witness::new(signer.clone(), store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = oneshot::channel::<()>();
    let router = fundtrail::http::witness::router(witness.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    RunningWitness {
        url,
        key: signer.verifier_key(),
        witness,
        _stop: stop,
        _dir: dir,
    }
}

/// Waits (at most 20 s) until `check` holds.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

/// A cosignature/v1 verifier written from tlog-cosignature alone, plugged into
/// `signed_note`, which parses the note and picks the line by name and key id (its own
/// `key_id`): fundtrail's cosignature code is not involved.
pub struct SpecCosignatureVerifier {
    name: String,
    id: u32,
    key: ed25519_dalek::VerifyingKey,
}

impl SpecCosignatureVerifier {
    /// From a vkey `name+id+base64(0x04 || key)`.
    pub fn new(vkey: &str) -> SpecCosignatureVerifier {
        use base64::Engine;
        let mut parts = vkey.trim().splitn(3, '+');
        let name = parts.next().expect("name").to_string();
        let _id = parts.next().expect("id");
        let raw = base64::engine::general_purpose::STANDARD
            .decode(parts.next().expect("key"))
            .expect("base64");
        assert_eq!(raw[0], 0x04, "a cosignature/v1 key");
        let key = ed25519_dalek::VerifyingKey::from_bytes(&raw[1..].try_into().expect("32 bytes"))
            .expect("a public key");
        SpecCosignatureVerifier {
            id: signed_note::key_id(&name, &raw),
            name,
            key,
        }
    }

    /// The timestamp of the verified cosignature on `note`, `None` when there is none.
    pub fn cosigned_at(self, note: &str) -> Option<u64> {
        let parsed = signed_note::Note::from_bytes(note.as_bytes()).expect("a signed note");
        let list = signed_note::VerifierList::new(vec![Box::new(self)]);
        let (verified, _) = parsed.verify(&list).ok()?;
        let sig = verified.first()?.signature();
        Some(u64::from_be_bytes(sig[..8].try_into().expect("8 bytes")))
    }
}

impl signed_note::Verifier for SpecCosignatureVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        use ed25519_dalek::Verifier;
        if sig.len() != 72 {
            return false;
        }
        let time = u64::from_be_bytes(sig[..8].try_into().expect("8 bytes"));
        let mut signed = format!("cosignature/v1\ntime {time}\n").into_bytes();
        signed.extend_from_slice(msg);
        let Ok(s) = ed25519_dalek::Signature::from_slice(&sig[8..]) else {
            return false;
        };
        self.key.verify(&signed, &s).is_ok()
    }
}
