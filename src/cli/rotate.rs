//! `fundtrail rotate-key`: a new signing key for a ledger, handed over by a `key.rotate`
//! entry the old key signs (SPEC.md §23). Run it with the server stopped.

use super::CliError;
use crate::key_rotation::rotate_signing_key;
use crate::startup::{Application, DataDir};

/// Who the entry says recorded it.
const RECORDED_BY: &str = "fundtrail rotate-key";

/// Rotates the signing key of the ledger in `dir`, with `note` in the entry, and prints the
/// new verifier key to publish.
///
/// # Errors
/// [`CliError::Usage`] when the ledger cannot be opened or the rotation is refused
/// (nothing appended then, the old key still in force).
pub(super) async fn rotate_key(dir: DataDir, note: Option<String>) -> Result<(), CliError> {
    let app = Application::build(&dir).await?;
    let outcome = rotate_signing_key(&app.state, &dir, note, RECORDED_BY).await;
    let store = app.state.store.clone();
    drop(app.state);
    let _ = app.sequencer.await;
    store.close().await;
    let rotated = outcome.map_err(|e| CliError::Usage(e.message))?;
    println!(
        "Rotated the signing key of {} at entry {}",
        dir.root().display(),
        rotated.seq
    );
    println!(
        "Old verifier key (kept as a retired key): {}",
        rotated.previous_key
    );
    println!("New verifier key (publish it): {}", rotated.verifier_key);
    println!("Verifiers that know either key accept the ledger; the old key signed the hand-over.");
    Ok(())
}
