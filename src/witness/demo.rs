//! The demo's witnesses: three [`Witness`]es run inside `fundtrail demo` on loopback, each
//! with its own folder (key and database) under `DATA/witnesses/`, trusting the demo log's
//! key, named in a policy whose quorum is any two of the three. The page of the demo then
//! shows real cosignatures and a quorum met, with no other process to start.

use super::{Witness, WitnessDir, WitnessDirError};
use crate::ledger::checkpoint::parse_verifier_key;
use crate::ledger::policy::Policy;
use std::path::Path;

/// The demo witnesses' names in the policy (each key is named `<name>.demo.fundtrail.local`).
pub const NAMES: [&str; 3] = ["partner-ngo", "journalist", "auditor"];

/// The name of the policy group of the demo witnesses (quorum: two of them).
pub const GROUP: &str = "demo-witnesses";

/// Witnesses started by [`start`]: the policy naming them and their serving tasks
/// (abort to stop them).
#[derive(Debug)]
pub struct DemoWitnesses {
    /// The C2SP tlog-policy text: the log's key, the three witnesses with their URLs, and
    /// the quorum `2` of the group.
    pub policy: String,
    /// `policy`, parsed.
    pub parsed: Policy,
    /// One task per witness.
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Why the demo witnesses could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoWitnessError {
    /// A witness folder could not be made or opened.
    #[error(transparent)]
    Folder(#[from] WitnessDirError),
    /// The log key is not a verifier key.
    #[error("the demo's log key: {0}")]
    LogKey(String),
    /// No loopback port could be bound.
    #[error("a loopback port for a demo witness: {0}")]
    Bind(#[from] std::io::Error),
    /// The policy written does not parse (a bug).
    #[error("the demo's witness policy: {0}")]
    Policy(String),
}

/// Creates the three witnesses in `root/witnesses/<name>` (trusting `log_key`), serves each
/// on a free loopback port, and returns the policy naming them.
///
/// # Errors
/// [`DemoWitnessError`]; no task is left running when it fails.
pub async fn start(root: &Path, log_key: &str) -> Result<DemoWitnesses, DemoWitnessError> {
    let origin =
        parse_verifier_key(log_key).map_err(|e| DemoWitnessError::LogKey(e.to_string()))?;
    let mut policy = format!("log {}\n", log_key.trim());
    let mut tasks = Vec::new();
    for name in NAMES {
        match start_one(root, name, &origin, log_key.trim()).await {
            Ok((line, task)) => {
                policy.push_str(&line);
                tasks.push(task);
            }
            Err(e) => {
                tasks.iter().for_each(tokio::task::JoinHandle::abort);
                return Err(e);
            }
        }
    }
    policy.push_str(&format!(
        "group {GROUP} 2 {}\nquorum {GROUP}\n",
        NAMES.join(" ")
    ));
    match Policy::parse(policy.as_bytes()) {
        Ok(parsed) => Ok(DemoWitnesses {
            policy,
            parsed,
            tasks,
        }),
        Err(e) => {
            tasks.iter().for_each(tokio::task::JoinHandle::abort);
            Err(DemoWitnessError::Policy(e.to_string()))
        }
    }
}

/// Creates and serves the witness `name`; returns its policy line and its task.
async fn start_one(
    root: &Path,
    name: &str,
    origin: &str,
    log_key: &str,
) -> Result<(String, tokio::task::JoinHandle<()>), DemoWitnessError> {
    let dir = WitnessDir::new(root.join("witnesses").join(name));
    let signer = dir.init(&format!("{name}.demo.fundtrail.local")).await?;
    let store = dir.store().await.map_err(DemoWitnessError::from)?;
    store
        .add_log(origin, log_key)
        .await
        .map_err(WitnessDirError::from)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let line = format!("witness {name} {} {url}\n", signer.verifier_key());
    let router = crate::http::witness::router(Witness::new(signer, store));
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::warn!(error = %e, "a demo witness stopped");
        }
    });
    Ok((line, task))
}
