//! `fundtrail platform`: create and serve a platform of many organisations (SPEC.md §24),
//! and the platform administrators' changes from the command line (`org create`,
//! `suspend`, `resume`, `close`, `accounts`), each one registry entry. The `org` commands
//! open the platform's folder themselves: stop `platform serve` first, or use the platform
//! API (`/api/v1/platform/orgs/...`) while it serves.

use super::{console, network, CliError};
use crate::ledger::entry::Account;
use crate::ledger::hash::Hash;
use crate::ledger::registry::{OrgChecks, OrgKind};
use crate::platform::admin::NewOrg;
use crate::platform::{OrgSettings, Platform, PlatformConfig, PlatformDir};
use crate::startup::{bind, shutdown_signal};
use clap::Subcommand;
use std::net::SocketAddr;
use std::sync::Arc;

/// Who the registry says recorded a change made from the command line.
const CLI_RECORDER: &str = "platform-cli";

/// What `fundtrail platform` does.
#[derive(Debug, Subcommand)]
pub enum PlatformAction {
    /// Create a platform: its registry ledger (key, database, first checkpoint) and the
    /// first platform administrator's token.
    Init {
        /// The platform's name, shown on its page.
        #[arg(long, default_value = "Our Platform")]
        name: String,
        /// The registry's checkpoint origin; organisations sign as <its host>/o/<slug>.
        #[arg(long, default_value = "fundtrail.local/registry")]
        origin: String,
    },
    /// Serve the platform page, the platform API, the registry and every organisation.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Limits per client address and trusted proxies.
        #[command(flatten)]
        network: network::NetworkArgs,
        /// Staff console sessions and the public address.
        #[command(flatten)]
        console: console::ConsoleArgs,
        /// How often each started ledger audits itself in full, e.g. 24h or 30m.
        #[arg(long, default_value = "24h", value_parser = crate::audit::schedule::parse_interval)]
        audit_interval: std::time::Duration,
    },
    /// Manage the platform's organisations (stop `platform serve` first).
    Org {
        /// create, suspend, resume, close or accounts.
        #[command(subcommand)]
        action: OrgAction,
    },
}

/// What `fundtrail platform org` does.
#[derive(Debug, Subcommand)]
pub enum OrgAction {
    /// Create an organisation: its ledger and its `org.register` entry; prints its first
    /// admin token (shown once).
    Create {
        /// Its slug: its pages are at /o/<slug>/.
        #[arg(long)]
        slug: String,
        /// Its name.
        #[arg(long)]
        name: String,
        /// ngo, individual or local_authority.
        #[arg(long, default_value = "ngo", value_parser = parse_kind)]
        kind: OrgKind,
        /// An official receiving account, as BANK:HOLDER:NUMBER; repeat for several.
        #[arg(long = "account", value_parser = parse_account, value_name = "BANK:HOLDER:NUMBER")]
        accounts: Vec<Account>,
        /// The registration number the platform checked.
        #[arg(long)]
        registration_number: Option<String>,
        /// SHA-256 (hex) of a document the platform saw.
        #[arg(long, value_parser = parse_hash)]
        document_sha256: Option<Hash>,
        /// What the platform checked, in words.
        #[arg(long)]
        check_note: Option<String>,
        /// Its checkpoint origin (default: <platform host>/o/<slug>).
        #[arg(long)]
        origin: Option<String>,
    },
    /// Suspend an organisation: its appends are refused; its history stays public.
    Suspend {
        /// The organisation.
        #[arg(long)]
        slug: String,
        /// Why, in words (public).
        #[arg(long)]
        reason: String,
    },
    /// Resume a suspended organisation.
    Resume {
        /// The organisation.
        #[arg(long)]
        slug: String,
        /// A note (public).
        #[arg(long)]
        note: Option<String>,
    },
    /// Close an organisation for good; its history stays public.
    Close {
        /// The organisation.
        #[arg(long)]
        slug: String,
        /// Why, in words (public).
        #[arg(long)]
        reason: String,
    },
    /// Replace an organisation's official receiving accounts.
    Accounts {
        /// The organisation.
        #[arg(long)]
        slug: String,
        /// An account as BANK:HOLDER:NUMBER; repeat for several (none: no account).
        #[arg(long = "account", value_parser = parse_account, value_name = "BANK:HOLDER:NUMBER")]
        accounts: Vec<Account>,
        /// A note (public).
        #[arg(long)]
        note: Option<String>,
    },
}

fn parse_kind(s: &str) -> Result<OrgKind, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("{s:?}: the kind is ngo, individual or local_authority"))
}

/// `BANK:HOLDER:NUMBER`: the bank before the first `:`, the number after the last, the
/// holder (which may hold `:`) between.
fn parse_account(s: &str) -> Result<Account, String> {
    let bad = || format!("{s:?}: write an account as BANK:HOLDER:NUMBER");
    let (bank, rest) = s.split_once(':').ok_or_else(bad)?;
    let (holder, number) = rest.rsplit_once(':').ok_or_else(bad)?;
    Ok(Account {
        bank: bank.trim().to_string(),
        holder: holder.trim().to_string(),
        number: number.trim().to_string(),
    })
}

fn parse_hash(s: &str) -> Result<Hash, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("{s:?}: a SHA-256 is 64 hex digits"))
}

/// Runs `action` on the platform in `dir`.
///
/// # Errors
/// [`CliError::Usage`] with the platform's own words.
pub(super) async fn run(dir: PlatformDir, action: PlatformAction) -> Result<(), CliError> {
    match action {
        PlatformAction::Init { name, origin } => {
            let made = dir.init(&PlatformConfig { name, origin }).await?;
            println!("Created a fundtrail platform in {}", dir.root().display());
            println!("Registry verifier key (publish it): {}", made.verifier_key);
            println!(
                "Platform administrator token (shown once; store it safely): {}",
                made.admin_token
            );
            println!(
                "Start the server with: fundtrail platform serve --data {}",
                dir.root().display()
            );
            Ok(())
        }
        PlatformAction::Serve {
            addr,
            network,
            console,
            audit_interval,
        } => {
            let settings = OrgSettings {
                limits: network.limits()?,
                proxies: network.trusted_proxies()?,
                sessions: console.sessions(),
                public_url: console.public_url.clone(),
                audit_interval,
            };
            serve(dir, addr, settings).await
        }
        PlatformAction::Org { action } => {
            let platform = Platform::open(dir, OrgSettings::default()).await?;
            let done = change(&platform, action).await;
            platform.close().await;
            done
        }
    }
}

async fn serve(dir: PlatformDir, addr: SocketAddr, settings: OrgSettings) -> Result<(), CliError> {
    let platform = Arc::new(Platform::open(dir, settings).await?);
    let listener = bind(addr).await?;
    let local = listener.local_addr()?;
    println!(
        "fundtrail platform {:?} is serving at http://{local}/ (registry: http://{local}/registry/)",
        platform.config().name
    );
    let router = crate::http::platform::router(Arc::clone(&platform));
    let served =
        crate::http::server::serve(listener, router, platform.guard(), shutdown_signal()).await;
    platform.close().await;
    served?;
    Ok(())
}

async fn change(platform: &Platform, action: OrgAction) -> Result<(), CliError> {
    let seq = match action {
        OrgAction::Create {
            slug,
            name,
            kind,
            accounts,
            registration_number,
            document_sha256,
            check_note,
            origin,
        } => {
            let new = NewOrg {
                slug,
                name,
                kind,
                accounts,
                checks: OrgChecks {
                    document_sha256,
                    note: check_note,
                    registration_number,
                },
                origin,
            };
            let made = platform.create_org(new, CLI_RECORDER).await?;
            println!(
                "Created organisation {} (origin {})",
                made.slug, made.origin
            );
            println!("Verifier key: {}", made.verifier_key);
            println!(
                "Admin token of {} (shown once; give it to the organisation): {}",
                made.slug, made.admin_token
            );
            made.registry_seq
        }
        OrgAction::Suspend { slug, reason } => {
            platform.suspend(&slug, reason, CLI_RECORDER).await?
        }
        OrgAction::Resume { slug, note } => platform.resume(&slug, note, CLI_RECORDER).await?,
        OrgAction::Close { slug, reason } => {
            platform.close_org(&slug, reason, CLI_RECORDER).await?
        }
        OrgAction::Accounts {
            slug,
            accounts,
            note,
        } => {
            platform
                .set_accounts(&slug, accounts, note, CLI_RECORDER)
                .await?
        }
    };
    println!("Recorded as registry entry {seq}");
    Ok(())
}
