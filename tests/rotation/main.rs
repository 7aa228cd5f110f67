//! Key rotation inside one ledger (SPEC.md §23), end to end: a server that rotates its
//! signing key while serving, what it publishes across the rotation (keys, checkpoints,
//! bundles, receipts), the key files it leaves, a restart, and `fundtrail rotate-key` and
//! `fundtrail verify` as commands. The rules of the entry itself (a rotation signed by the
//! wrong key, or copied onto another history) are the core's vectors,
//! `crates/fundtrail-ledger/tests/spec/rotation.rs`, also read here by the CLI.

#[path = "../helpers/mod.rs"]
mod helpers;

mod cli;
mod serving;

use fundtrail::http::AppState;
use helpers::app::{spawn_app_configured, TestApp};

/// A server over a fresh ledger, and its state, to rotate the key while it serves. Drop
/// the state before stopping the server (the sequencer drains once every handle is gone).
async fn rotatable_app() -> (TestApp, AppState) {
    let mut kept = None;
    let app = spawn_app_configured(fundtrail::http::limits::Limits::OFF, |a| {
        kept = Some(a.state.clone());
        a
    })
    .await;
    (app, kept.expect("the state"))
}
