//! The `fundtrail` command line: the clap tree of subcommands and the dispatch to each
//! one, a file per family: `init.rs`, `serve.rs` (serve, demo), `token.rs`, `export.rs`
//! (export, import), `statement.rs` (import-statement), `verify.rs` (verify, verify-fork,
//! `--since`), `receipt.rs` (verify-receipt), `donor.rs`, `tiles.rs` (tiles, `verify
//! --tiles`, policies), `witness.rs` (witness init, add-log, serve); `errors.rs` says how a
//! command fails and with which exit code.

use crate::startup::DataDir;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

mod console;
mod demo_platform;
mod donor;
mod donor_statement;
mod errors;
mod export;
mod init;
mod network;
mod platform;
mod progress;
mod receipt;
mod reconcile;
mod report;
mod rotate;
mod rotation_proof;
mod serve;
mod sources;
mod statement;
mod statement_file;
mod tiles;
mod token;
mod verify;
mod witness;

pub use console::ConsoleArgs;
pub use errors::CliError;
pub use export::{Format, FormatArgs};
pub use serve::EvidenceArgs;
pub use statement::ImportStatementArgs;
pub use token::TokenAction;

/// fundtrail: a tamper-evident, publicly verifiable ledger of charity money.
#[derive(Debug, Parser)]
#[command(name = "fundtrail", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where a ledger lives: its data folder (configuration, signing key, and by default the
/// SQLite database) and optionally a PostgreSQL database for the entries.
#[derive(Debug, Clone, clap::Args)]
pub struct LedgerArgs {
    /// Data folder.
    #[arg(
        long,
        default_value = "./fundtrail-data",
        env = "FUNDTRAIL_DATA",
        global = true
    )]
    pub data: PathBuf,
    /// Keep entries in PostgreSQL (postgres://...) instead of SQLite in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl LedgerArgs {
    /// The data folder, with its database.
    pub fn dir(self) -> DataDir {
        DataDir::new(self.data).with_database_url(self.database_url)
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new ledger: database, Ed25519 signing key, configuration, first admin token.
    Init {
        /// The ledger's data folder and database.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// Organisation name shown on the public page.
        #[arg(long, default_value = "Our Charity")]
        name: String,
        /// Checkpoint origin (also the key name), e.g. ledger.example.org.
        #[arg(long, default_value = "fundtrail.local/ledger")]
        origin: String,
    },
    /// Rotate the signing key (stop the server first): a new key takes over, handed over
    /// by a `key.rotate` entry the old key signs; the old key is kept as
    /// signing.key.retired-<key id>. Prints the new verifier key to publish.
    RotateKey {
        /// The ledger's data folder and database.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// Why the key changes, recorded in the entry.
        #[arg(long)]
        note: Option<String>,
    },
    /// Serve the API and the public page.
    Serve {
        /// The ledger's data folder and database.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Limits per client address and trusted proxies.
        #[command(flatten)]
        network: network::NetworkArgs,
        /// Where evidence files are kept, and how large they may be.
        #[command(flatten)]
        evidence: serve::EvidenceArgs,
        /// Staff console sessions and the public address.
        #[command(flatten)]
        console: console::ConsoleArgs,
        /// How often to audit the whole stored ledger in the background (it also runs at
        /// start), e.g. 24h, 6h or 30m.
        #[arg(long, default_value = "24h", value_parser = crate::audit::schedule::parse_interval)]
        audit_interval: std::time::Duration,
        /// Witnesses and tiles mirrors.
        #[command(flatten)]
        transparency: serve::TransparencyArgs,
    },
    /// Create a fresh demo ledger with realistic entries, then serve it.
    Demo {
        /// Data folder for the demo (default: a new temporary folder).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Limits per client address and trusted proxies.
        #[command(flatten)]
        network: network::NetworkArgs,
        /// Staff console sessions and the public address.
        #[command(flatten)]
        console: console::ConsoleArgs,
        /// The demo platform of several organisations, served on a second port.
        #[command(flatten)]
        platform: demo_platform::DemoPlatformArgs,
    },
    /// Manage staff tokens.
    Token {
        /// The ledger's data folder and database.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// create, list or revoke.
        #[command(subcommand)]
        action: token::TokenAction,
    },
    /// Write the verification bundle (every leaf, then the signed checkpoint), or with
    /// --format csv|iati a CSV of entries or IATI activity XML.
    Export {
        /// The ledger's data folder and database.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Format, campaign and IATI organisation.
        #[command(flatten)]
        formats: export::FormatArgs,
    },
    /// Turn a bank statement (CSV) into donations: new credits are recorded, everything
    /// else is listed. Stop `serve` on an SQLite folder first, or use POST /api/v1/statements.
    ImportStatement(statement::ImportStatementArgs),
    /// Rebuild a ledger from a bundle into a new data folder: same leaves, same roots.
    Import {
        /// The data folder (and database) to create.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// Organisation name for the new folder.
        #[arg(long, default_value = "Our Charity")]
        name: String,
        /// The original signing key file, to keep signing as the same log (recommended).
        #[arg(long)]
        signing_key: Option<PathBuf>,
        /// The bundle file.
        bundle: PathBuf,
    },
    /// Verify a ledger: a URL, a bundle file, or --data DIR. Exit 0 when everything holds,
    /// 1 when verification fails (saying where), 2 on usage or I/O errors.
    Verify {
        /// A server URL (http://host:port) or a bundle file.
        source: Option<String>,
        /// Verify the ledger in this data folder instead.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Keep entries in PostgreSQL (postgres://...) instead of SQLite in the data folder.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        /// The verifier key you expect (name+keyid+base64); refuse any other.
        #[arg(long)]
        key: Option<String>,
        /// Read the ledger from a C2SP tlog-tiles prefix instead (a URL such as
        /// https://host/log or a folder written by `fundtrail tiles`): static files only.
        #[arg(long, value_name = "PREFIX")]
        tiles: Option<String>,
        /// A C2SP tlog-policy file: fail unless its quorum of witnesses cosigned the
        /// checkpoint (with a URL, the ledger is read from its tiles at URL/log).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// With a URL: a signed checkpoint you kept earlier (e.g. saved from GET
        /// /api/v1/checkpoint). Prove the server's ledger still extends it, with the same key.
        /// Exit 1 when history was rewritten or the key changed, 2 when it cannot be confirmed.
        #[arg(long, value_name = "CHECKPOINT_FILE")]
        since: Option<PathBuf>,
        /// Bank statements to reconcile (SPEC.md §16).
        #[command(flatten)]
        statements: reconcile::StatementArgs,
    },
    /// Check a fork proof file downloaded from the public page: exit 0 when it proves that
    /// two checkpoints signed with the key cannot both be honest, 1 when it does not, 2 on
    /// usage or I/O errors.
    VerifyFork {
        /// The fork proof file (JSON).
        file: PathBuf,
        /// The ledger's verifier key (default: the key named in the file, with a warning).
        #[arg(long)]
        key: Option<String>,
    },
    /// Verify a donation receipt offline: leaf, inclusion proof, checkpoint signature and,
    /// with --identifier, the donor commitment. Exit 0, 1 (fails) or 2 (usage, I/O).
    VerifyReceipt {
        /// The receipt JSON file, or a donor statement (SPEC.md §21) (`-` for standard input).
        file: PathBuf,
        /// The charity's verifier key (default: the key inside the receipt, with a warning).
        #[arg(long)]
        key: Option<String>,
        /// Also fetch this server's latest checkpoint and prove it consistent with the receipt's.
        #[arg(long)]
        url: Option<String>,
        /// The donor's identifier (e-mail, phone, ...): check it against the commitment.
        #[arg(long)]
        identifier: Option<String>,
        /// A C2SP tlog-policy file: fail unless its quorum of witnesses cosigned the
        /// receipt's checkpoint.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
    /// Write the log as static C2SP tlog-tiles files (checkpoint, tiles, entry bundles) to a
    /// folder or an S3 bucket, writing only what changed since the last run.
    Tiles {
        /// The ledger's data folder and database.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// A folder, or s3://bucket/prefix (AWS_* environment; AWS_ENDPOINT and
        /// AWS_ALLOW_HTTP=true for other S3-compatible stores).
        #[arg(long)]
        out: String,
        /// Also publish this C2SP tlog-policy file as `policy`.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
    /// Run a witness (C2SP tlog-witness) for other organisations' ledgers.
    Witness {
        /// The witness's folder (its key and database).
        #[arg(
            long,
            default_value = "./fundtrail-witness",
            env = "FUNDTRAIL_WITNESS_DIR",
            global = true
        )]
        dir: PathBuf,
        /// init, add-log or serve.
        #[command(subcommand)]
        action: witness::WitnessAction,
    },
    /// Make a donor's statement of gifts over a range of days (SPEC.md §21), verifiable
    /// offline with `fundtrail verify-receipt`.
    StatementForDonor(donor_statement::StatementForDonorArgs),
    /// Host many organisations on one server, with a registry of their keys and accounts
    /// (SPEC.md §24): init, serve, org create|suspend|resume|close|accounts.
    Platform {
        /// The platform's data folder.
        #[arg(
            long,
            default_value = "./fundtrail-platform",
            env = "FUNDTRAIL_PLATFORM",
            global = true
        )]
        data: PathBuf,
        /// Keep every ledger in this PostgreSQL database (postgres://...), one schema each,
        /// instead of one SQLite file per organisation.
        #[arg(long, env = "DATABASE_URL", global = true)]
        database_url: Option<String>,
        /// With PostgreSQL: the most connections all the platform's ledgers hold at once
        /// (writing, reading and migrating; the process's 1 lock connection comes on top);
        /// keep it below the server's `max_connections`.
        #[arg(long, env = "FUNDTRAIL_MAX_CONNECTIONS", global = true, default_value_t = crate::platform::folder::DEFAULT_CONNECTION_BUDGET)]
        max_connections: u32,
        /// init, serve or org.
        #[command(subcommand)]
        action: platform::PlatformAction,
    },
    /// Donors' personal data, kept off the chain.
    Donor {
        /// The ledger's data folder and database.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// erase.
        #[command(subcommand)]
        action: donor::DonorAction,
    },
}

/// Runs one command.
///
/// # Errors
/// [`CliError`] with its exit code.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Init {
            ledger,
            name,
            origin,
        } => init::init(ledger.dir(), name, origin).await,
        Command::Serve {
            ledger,
            addr,
            network,
            evidence,
            console,
            audit_interval,
            transparency,
        } => {
            serve::serve(
                ledger.dir(),
                addr,
                &network,
                evidence,
                &console,
                audit_interval,
                transparency,
            )
            .await
        }
        Command::Demo {
            data,
            addr,
            network,
            console,
            platform,
        } => serve::demo(data, addr, &network, &console, platform).await,
        Command::Token { ledger, action } => token::token(ledger.dir(), action).await,
        Command::RotateKey { ledger, note } => rotate::rotate_key(ledger.dir(), note).await,
        Command::Export {
            ledger,
            output,
            formats,
        } => export::run(ledger.dir(), output, formats).await,
        Command::ImportStatement(args) => statement::run(args).await,
        Command::Import {
            ledger,
            name,
            signing_key,
            bundle,
        } => export::import(ledger.dir(), name, signing_key, bundle).await,
        Command::Verify {
            source,
            data,
            database_url,
            key,
            since,
            tiles,
            policy,
            statements,
        } => {
            let policy = policy.as_deref().map(tiles::read_policy).transpose()?;
            match (tiles, source, policy) {
                (Some(prefix), None, policy) if data.is_none() && since.is_none() => {
                    tiles::verify_tiles(&prefix, key, policy.as_ref()).await
                }
                (Some(_), _, _) => Err(CliError::Usage(
                    "--tiles reads the whole ledger: give no URL, file, --data or --since with it"
                        .into(),
                )),
                (None, Some(url), Some(policy)) if url.starts_with("http") && since.is_none() => {
                    let prefix = format!("{}/log", url.trim_end_matches('/'));
                    tiles::verify_tiles(&prefix, key, Some(&policy)).await
                }
                (None, Some(file), Some(policy)) if !file.starts_with("http") && data.is_none() => {
                    tiles::verify_bundle_with_policy(&file, key, &policy)
                }
                (None, _, Some(_)) => Err(CliError::Usage(
                    "--policy works with a URL, a bundle file or --tiles (not with --data or --since)"
                        .into(),
                )),
                (None, source, None) => {
                    verify::verify(
                        source,
                        data.map(|d| DataDir::new(d).with_database_url(database_url)),
                        key,
                        since,
                        statements,
                    )
                    .await
                }
            }
        }
        Command::VerifyFork { file, key } => verify::verify_fork_file(&file, key),
        Command::VerifyReceipt {
            file,
            key,
            url,
            identifier,
            policy,
        } => receipt::verify_receipt_file(&file, key, url, identifier, policy).await,
        Command::Tiles {
            ledger,
            out,
            policy,
        } => tiles::tiles(ledger.dir(), &out, policy).await,
        Command::Witness { dir, action } => witness::run(dir, action).await,
        Command::Donor { ledger, action } => donor::donor(ledger.dir(), action).await,
        Command::StatementForDonor(args) => donor_statement::run(args).await,
        Command::Platform {
            data,
            database_url,
            max_connections,
            action,
        } => {
            let dir = crate::platform::PlatformDir::new(data)
                .with_database_url(database_url)
                .with_connection_budget(max_connections);
            platform::run(dir, action).await
        }
    }
}
