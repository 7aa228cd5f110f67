//! `fundtrail donor`: personal data kept off the chain (README "Donor privacy").

use super::CliError;
use crate::startup::DataDir;
use crate::store::Erasure;
use clap::Subcommand;

/// Donor subcommands.
#[derive(Debug, Subcommand)]
pub enum DonorAction {
    /// Erase the personal data (and commitment salt) of donation SEQ for good. The ledger,
    /// its totals and every proof are unaffected.
    Erase {
        /// The donation's seq.
        seq: u64,
    },
    /// Remove what earlier erasures left in the database files (SQLite's write-ahead log
    /// keeps a copy while another program reads the database).
    Purge,
}

/// How long the CLI waits for the database files to be purged.
const PURGE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs a donor subcommand on the ledger in `dir`.
///
/// # Errors
/// [`CliError::Usage`] when the ledger cannot be opened or SEQ is not a donation.
pub async fn donor(dir: DataDir, action: DonorAction) -> Result<(), CliError> {
    let store = dir.store().await?;
    let result = match action {
        DonorAction::Erase { seq } => erase(&store, seq).await,
        DonorAction::Purge => purge(&store).await,
    };
    store.close().await;
    result
}

async fn erase(store: &crate::store::Store, seq: u64) -> Result<(), CliError> {
    let is_donation = store
        .entry(seq)
        .await?
        .and_then(|e| crate::ledger::decode(&e.leaf).ok())
        .is_some_and(|e| matches!(e.body, crate::ledger::Body::Donation(_)));
    if !is_donation {
        return Err(CliError::Usage(format!("entry {seq} is not a donation")));
    }
    match store.erase_donor(seq, PURGE_WAIT).await? {
        Erasure::Purged => println!("Erased the personal data of donation {seq}."),
        Erasure::PurgePending => {
            println!("Erased the personal data of donation {seq}: no one can read it through fundtrail any more.");
            println!("A copy is still in ledger.db-wal while another program (a running `fundtrail serve`?) reads the database.");
            println!("Run `fundtrail donor purge` later to remove it; stopping the server also removes it.");
        }
        Erasure::NothingToErase => {
            println!("Donation {seq} has no personal data (none was recorded, or it was erased).")
        }
    }
    Ok(())
}

async fn purge(store: &crate::store::Store) -> Result<(), CliError> {
    if store.purge_erased(PURGE_WAIT).await? {
        println!("No copy of erased personal data is left in the database files.");
    } else {
        println!("A copy of erased personal data is still in ledger.db-wal: another program reads the database. Try again later.");
    }
    Ok(())
}
