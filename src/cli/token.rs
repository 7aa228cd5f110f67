//! `fundtrail token`: staff tokens, shown once and stored only as hashes.

use super::CliError;
use crate::auth::{check_token_name, new_token, sign_in_link, Role};
use crate::http::origin::parse_public_url;
use crate::ledger::hash::sha256;
use crate::startup::DataDir;
use crate::store::{Store, StoreError};
use clap::Subcommand;

/// Token subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token; it is printed once and stored only as a hash.
    Create {
        /// recorder (append entries) or admin (also campaigns and tokens).
        #[arg(long)]
        role: String,
        /// Who holds it; written as recorded_by in entries.
        #[arg(long)]
        name: String,
        /// Print the staff console's sign-in link (which holds the token) instead of the
        /// bare token.
        #[arg(long)]
        link: bool,
        /// The server's public address for the link (default: FUNDTRAIL_PUBLIC_URL, as
        /// `serve --public-url`, else http://127.0.0.1:8080).
        #[arg(long, env = "FUNDTRAIL_PUBLIC_URL", value_parser = parse_public_url, value_name = "URL")]
        url: Option<String>,
    },
    /// List tokens (never their values).
    List,
    /// Revoke a token by id.
    Revoke {
        /// Token id from `token list`.
        id: i64,
    },
}

/// The server a sign-in link points at when neither `--url` nor FUNDTRAIL_PUBLIC_URL names
/// one: `fundtrail serve`'s default address.
const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// Creates a token with a plain, unused `name`; returns it (shown once) and its id.
pub(super) async fn create_token(
    store: &Store,
    role: Role,
    name: &str,
) -> Result<(String, i64), CliError> {
    check_token_name(name).map_err(|e| CliError::Usage(format!("--name {name:?}: {e}")))?;
    let token = new_token();
    let id = store
        .create_token(name, role.as_str(), &sha256(token.as_bytes()))
        .await
        .map_err(|e| match e {
            e @ StoreError::TokenNameTaken { .. } => {
                CliError::Usage(format!("--name {name:?}: {e}"))
            }
            e => e.into(),
        })?;
    Ok((token, id))
}

/// Runs `action` on the tokens of the ledger in `dir`.
///
/// # Errors
/// [`CliError::Usage`] for a bad role or name, an unknown token, or a store failure.
pub(super) async fn token(dir: DataDir, action: TokenAction) -> Result<(), CliError> {
    let store = dir.store().await?;
    match action {
        TokenAction::Create {
            role,
            name,
            link,
            url,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                CliError::Usage(format!("--role must be recorder or admin, not {role:?}"))
            })?;
            let (token, id) = create_token(&store, role, &name).await?;
            if link {
                let base = url.as_deref().unwrap_or(DEFAULT_SERVER);
                println!("{}", sign_in_link(base, &token));
            } else {
                println!("{token}");
            }
            eprintln!(
                "Created {} token {id} for {name:?}; its entries are recorded by \"{name} #{id}\". It is shown once; only its hash is stored.",
                role.as_str()
            );
            if link {
                eprintln!("The link holds the token: send it to {name} privately. Opening it signs them in to the staff console.");
            }
        }
        TokenAction::List => {
            for t in store.list_tokens().await? {
                let status = t
                    .revoked_at
                    .as_deref()
                    .map_or("active".to_string(), |r| format!("revoked {r}"));
                println!(
                    "{}\t{}\t{}\tcreated {}\t{status}",
                    t.id, t.role, t.name, t.created_at
                );
            }
        }
        TokenAction::Revoke { id } => {
            if !store.revoke_token(id).await? {
                return Err(CliError::Usage(format!("no active token with id {id}")));
            }
            println!("Token {id} revoked.");
        }
    }
    store.close().await;
    Ok(())
}
