//! `fundtrail donor`: personal data kept off the chain (README "Donor privacy").

use super::CliError;
use crate::startup::DataDir;
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
}

/// Runs a donor subcommand on the ledger in `dir`.
///
/// # Errors
/// [`CliError::Usage`] when the ledger cannot be opened or SEQ is not a donation.
pub async fn donor(dir: DataDir, action: DonorAction) -> Result<(), CliError> {
    let store = dir.store().await?;
    let result = match action {
        DonorAction::Erase { seq } => erase(&store, seq).await,
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
    if store.erase_donor(seq).await? {
        println!("Erased the personal data of donation {seq}.");
    } else {
        println!("Donation {seq} has no personal data (none was recorded, or it was erased).");
    }
    Ok(())
}
