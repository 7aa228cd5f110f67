//! `fundtrail init`: a new ledger with its first signed checkpoint and admin token.

use super::token::create_token;
use super::CliError;
use crate::auth::Role;
use crate::startup::{Application, Config, DataDir};

/// Creates the ledger in `dir`, named `name`, signing checkpoints as `origin`, and prints
/// its verifier key and the admin token (shown once).
///
/// # Errors
/// [`CliError::Usage`] when the folder or database cannot be created.
pub(super) async fn init(dir: DataDir, name: String, origin: String) -> Result<(), CliError> {
    let (store, signer) = dir.init(&Config::new(name, origin), None).await?;
    let (token, _) = create_token(&store, Role::Admin, "admin").await?;
    // Start once so the empty ledger gets its first signed checkpoint.
    drop(Application::from_parts(dir.config()?, store.clone(), signer.clone()).await?);
    store.close().await;
    println!("Created a fundtrail ledger in {}", dir.root().display());
    println!("Verifier key (publish it): {}", signer.verifier_key());
    println!("Admin token (shown once; store it safely): {token}");
    println!(
        "Start the server with: fundtrail serve --data {}",
        dir.root().display()
    );
    Ok(())
}
