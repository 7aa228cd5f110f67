//! `fundtrail witness init|add-log|serve`: a C2SP tlog-witness another organisation, a
//! journalist or an auditor runs for the ledgers it watches (SPEC.md §14).

use super::CliError;
use crate::ledger::checkpoint::parse_verifier_key;
use crate::startup::{bind, shutdown_signal};
use crate::witness::{Witness, WitnessDir};
use std::net::SocketAddr;
use std::path::PathBuf;

/// What to do with the witness.
#[derive(Debug, clap::Subcommand)]
pub enum WitnessAction {
    /// Create the witness: its folder and a new signing key. Prints the verifier key to give
    /// to the ledgers you witness.
    Init {
        /// The witness's name, e.g. witness.partner.example.org (no spaces or '+').
        #[arg(long)]
        name: String,
    },
    /// Trust a ledger: its verifier key (from its /api/v1/key); the key's name is the
    /// ledger's origin.
    AddLog {
        /// The ledger's verifier key, name+keyid+base64.
        key: String,
    },
    /// Answer add-checkpoint requests (and GET /checkpoint/<origin> for monitors).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        addr: SocketAddr,
    },
}

/// Runs one witness command on the folder `dir`.
///
/// # Errors
/// [`CliError::Usage`] for a bad key, a folder that cannot be used, or a port in use.
pub(super) async fn run(dir: PathBuf, action: WitnessAction) -> Result<(), CliError> {
    let dir = WitnessDir::new(dir);
    let usage = |e: crate::witness::WitnessDirError| CliError::Usage(e.to_string());
    match action {
        WitnessAction::Init { name } => {
            let signer = dir.init(&name).await.map_err(usage)?;
            println!("Witness created in {}", dir.root().display());
            println!("Its verifier key (give it to the ledgers you witness):");
            println!("{}", signer.verifier_key());
            Ok(())
        }
        WitnessAction::AddLog { key } => {
            let origin = parse_verifier_key(&key).map_err(|e| CliError::Usage(e.to_string()))?;
            let store = dir.store().await.map_err(usage)?;
            store.add_log(&origin, key.trim()).await?;
            store.close().await;
            println!("Now witnessing {origin} with key {}", key.trim());
            Ok(())
        }
        WitnessAction::Serve { addr } => {
            let signer = dir.signer().map_err(usage)?;
            let store = dir.store().await.map_err(usage)?;
            let logs = store.logs().await?;
            let witness = Witness::new(signer, store.clone());
            let listener = bind(addr).await?;
            let local = listener.local_addr()?;
            println!(
                "Witness {} is serving at http://{local}/ for {} log key(s)",
                witness.signer().verifier_key(),
                logs.len()
            );
            let router = crate::http::witness::router(witness);
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown_signal())
                .await?;
            store.close().await;
            Ok(())
        }
    }
}
