//! The `fundtrail` command line: one function per subcommand.

use crate::http::auth::{check_token_name, new_token, Role};
use crate::ledger::hash::sha256;
use crate::ledger::money::format_decimal;
use crate::ledger::totals::Totals;
use crate::ledger::verify::{bundle_header, bundle_trailer, verify_bundle, Report};
use crate::ledger::Currency;
use crate::startup::{bind, shutdown_signal, Application, Config, DataDir, StartupError};
use crate::store::Store;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

mod donor;
mod export_formats;
mod history;
mod import_statement;
mod network;
mod receipt;

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
        evidence: EvidenceArgs,
        /// How often to audit the whole stored ledger in the background (it also runs at
        /// start), e.g. 24h, 6h or 30m.
        #[arg(long, default_value = "24h", value_parser = crate::audit::schedule::parse_interval)]
        audit_interval: std::time::Duration,
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
    },
    /// Manage staff tokens.
    Token {
        /// The ledger's data folder and database.
        #[command(flatten)]
        ledger: LedgerArgs,
        /// create, list or revoke.
        #[command(subcommand)]
        action: TokenAction,
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
        formats: export_formats::FormatArgs,
    },
    /// Turn a bank statement (CSV) into donations: new credits are recorded, everything
    /// else is listed. Stop `serve` on an SQLite folder first, or use POST /api/v1/statements.
    ImportStatement(import_statement::ImportStatementArgs),
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
        /// With a URL: a signed checkpoint you kept earlier (e.g. saved from GET
        /// /api/v1/checkpoint). Prove the server's ledger still extends it, with the same key.
        /// Exit 1 when history was rewritten or the key changed, 2 when it cannot be confirmed.
        #[arg(long, value_name = "CHECKPOINT_FILE")]
        since: Option<PathBuf>,
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
        /// The receipt JSON file (`-` for standard input).
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
    },
    /// List tokens (never their values).
    List,
    /// Revoke a token by id.
    Revoke {
        /// Token id from `token list`.
        id: i64,
    },
}

/// Where `serve` keeps evidence files, and how large they may be.
#[derive(Debug, clap::Args)]
pub struct EvidenceArgs {
    /// Evidence store: s3://bucket/prefix (S3 or S3-compatible, configured by the AWS_*
    /// environment variables), file:///folder, or memory:// (default: DATA/evidence).
    #[arg(long = "evidence-url", env = "FUNDTRAIL_EVIDENCE_URL")]
    pub url: Option<String>,
    /// The largest evidence file accepted, in bytes.
    #[arg(long = "evidence-max-bytes", env = "FUNDTRAIL_EVIDENCE_MAX_BYTES", default_value_t = crate::evidence::DEFAULT_MAX_FILE_BYTES)]
    pub max_bytes: u64,
}

impl EvidenceArgs {
    /// The evidence store these options name for the ledger in `dir`.
    ///
    /// # Errors
    /// [`CliError::Usage`] for an unusable URL or a zero limit.
    pub fn store(&self, dir: &DataDir) -> Result<crate::evidence::EvidenceStore, CliError> {
        if self.max_bytes == 0 {
            return Err(CliError::Usage(
                "--evidence-max-bytes must be at least 1".into(),
            ));
        }
        let blobs = match self.url.as_deref().filter(|u| !u.trim().is_empty()) {
            None => crate::blobs::BlobStore::local(dir.evidence_path()),
            Some(url) => crate::blobs::BlobStore::from_url(url)
                .map_err(|e| CliError::Usage(e.to_string()))?,
        };
        Ok(crate::evidence::EvidenceStore::new(blobs, self.max_bytes))
    }
}

/// A command's failure, with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Verification found a problem: exit 1.
    #[error("verification FAILED: {0}")]
    Verification(String),
    /// Usage, configuration or I/O problem: exit 2.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Verification(_) => 1,
            CliError::Usage(_) => 2,
        }
    }
}

impl From<StartupError> for CliError {
    fn from(e: StartupError) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Usage(e.to_string())
    }
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
        } => init(ledger.dir(), name, origin).await,
        Command::Serve {
            ledger,
            addr,
            network,
            evidence,
            audit_interval,
        } => serve(ledger.dir(), addr, &network, evidence, audit_interval).await,
        Command::Demo {
            data,
            addr,
            network,
        } => demo(data, addr, &network).await,
        Command::Token { ledger, action } => token(ledger.dir(), action).await,
        Command::Export {
            ledger,
            output,
            formats,
        } => {
            let dir = ledger.dir();
            if formats.is_bundle() && formats.campaign.is_none() && formats.iati_org_id.is_none() {
                export(dir, output).await
            } else {
                export_formats::export(dir, output, formats).await
            }
        }
        Command::ImportStatement(args) => import_statement::run(args).await,
        Command::Import {
            ledger,
            name,
            signing_key,
            bundle,
        } => import(ledger.dir(), name, signing_key, bundle).await,
        Command::Verify {
            source,
            data,
            database_url,
            key,
            since,
        } => {
            verify(
                source,
                data.map(|d| DataDir::new(d).with_database_url(database_url)),
                key,
                since,
            )
            .await
        }
        Command::VerifyFork { file, key } => history::verify_fork_file(&file, key),
        Command::VerifyReceipt {
            file,
            key,
            url,
            identifier,
        } => receipt::verify_receipt_file(&file, key, url, identifier).await,
        Command::Donor { ledger, action } => donor::donor(ledger.dir(), action).await,
    }
}

/// Creates a token with a plain, unused `name`; returns it (shown once) and its id.
async fn create_token(store: &Store, role: Role, name: &str) -> Result<(String, i64), CliError> {
    check_token_name(name).map_err(|e| CliError::Usage(format!("--name {name:?}: {e}")))?;
    let token = new_token();
    let id = store
        .create_token(name, role.as_str(), &sha256(token.as_bytes()))
        .await
        .map_err(|e| match e {
            e @ crate::store::StoreError::TokenNameTaken { .. } => {
                CliError::Usage(format!("--name {name:?}: {e}"))
            }
            e => e.into(),
        })?;
    Ok((token, id))
}

async fn init(dir: DataDir, name: String, origin: String) -> Result<(), CliError> {
    let (store, signer) = dir
        .init(
            &Config {
                name,
                origin,
                iati_org_id: None,
            },
            None,
        )
        .await?;
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

async fn serve(
    dir: DataDir,
    addr: SocketAddr,
    network: &network::NetworkArgs,
    evidence: EvidenceArgs,
    audit_interval: std::time::Duration,
) -> Result<(), CliError> {
    let (limits, proxies) = (network.limits()?, network.trusted_proxies()?);
    let evidence = evidence.store(&dir)?;
    tracing::info!(evidence = %evidence.blobs.describe(), "evidence store");
    let app = Application::build(&dir)
        .await?
        .with_limits(limits)
        .with_trusted_proxies(proxies)
        .with_evidence(evidence)
        .with_audit_interval(audit_interval);
    let listener = bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(%local, "serving");
    println!(
        "fundtrail is serving {} at http://{local}/",
        dir.root().display()
    );
    app.serve(listener, shutdown_signal()).await?;
    Ok(())
}

async fn demo(
    data: Option<PathBuf>,
    addr: SocketAddr,
    network: &network::NetworkArgs,
) -> Result<(), CliError> {
    let (limits, proxies) = (network.limits()?, network.trusted_proxies()?);
    let root = data.unwrap_or_else(|| {
        let nonce = hex::encode(
            &sha256(format!("{:?}{}", std::time::SystemTime::now(), std::process::id()).as_bytes())
                .0[..6],
        );
        std::env::temp_dir().join(format!("fundtrail-demo-{nonce}"))
    });
    let dir = DataDir::new(root);
    let config = Config {
        name: "Community Relief Fund (demo)".into(),
        origin: "demo.fundtrail.local/ledger".into(),
        iati_org_id: None,
    };
    let (store, signer) = dir.init(&config, None).await?;
    let (admin, _) = create_token(&store, Role::Admin, "admin").await?;
    let (recorder, recorder_id) = create_token(&store, Role::Recorder, "demo-recorder").await?;
    let app = Application::from_parts(config, store, signer)
        .await?
        .with_limits(limits)
        .with_trusted_proxies(proxies)
        .with_evidence(dir.evidence_store());
    // As entries appended with the recorder token name it (SPEC.md §2.1).
    let recorded_by = format!("demo-recorder #{recorder_id}");
    let n = crate::demo::populate(&app.state.sequencer, &recorded_by)
        .await
        .map_err(|e| CliError::Usage(format!("demo data: {e}")))?;
    for (media_type, bytes) in crate::demo::evidence_files() {
        app.state
            .evidence
            .blobs
            .put(bytes::Bytes::from_static(bytes), media_type)
            .await
            .map_err(|e| CliError::Usage(format!("demo evidence: {e}")))?;
    }
    let listener = bind(addr).await?;
    let local = listener.local_addr()?;
    println!("Demo ledger with {n} entries in {}", dir.root().display());
    println!("Admin token: {admin}");
    println!("Recorder token: {recorder}");
    println!("Open http://{local}/");
    std::io::stdout().flush()?;
    app.serve(listener, shutdown_signal()).await?;
    Ok(())
}

async fn token(dir: DataDir, action: TokenAction) -> Result<(), CliError> {
    let store = dir.store().await?;
    match action {
        TokenAction::Create { role, name } => {
            let role = Role::parse(&role).ok_or_else(|| {
                CliError::Usage(format!("--role must be recorder or admin, not {role:?}"))
            })?;
            let (token, id) = create_token(&store, role, &name).await?;
            println!("{token}");
            eprintln!(
                "Created {} token {id} for {name:?}; its entries are recorded by \"{name} #{id}\". It is shown once; only its hash is stored.",
                role.as_str()
            );
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

async fn export(dir: DataDir, output: Option<PathBuf>) -> Result<(), CliError> {
    let store = dir.store().await?;
    let signer = dir.signer()?;
    let cp = store
        .latest_checkpoint()
        .await?
        .ok_or_else(|| CliError::Usage("the ledger has no checkpoint yet".into()))?;
    let mut out: Box<dyn Write> = match &output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p)
                .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    out.write_all(bundle_header(signer.verifier_key()).as_bytes())?;
    let mut next = 0;
    while next < cp.size {
        let rows = store.entries(next, 1000.min(cp.size - next)).await?;
        if rows.is_empty() {
            return Err(CliError::Usage(format!(
                "entries after {next} are missing from the store"
            )));
        }
        for r in &rows {
            out.write_all(&r.leaf)?;
            out.write_all(b"\n")?;
        }
        next += rows.len() as u64;
    }
    out.write_all(bundle_trailer(&cp.note).as_bytes())?;
    out.flush()?;
    if let Some(p) = output {
        eprintln!("Wrote {} entries to {}", cp.size, p.display());
    }
    store.close().await;
    Ok(())
}

fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos}/{len} entries {wide_bar} {per_sec}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar
}

async fn import(
    dir: DataDir,
    name: String,
    signing_key: Option<PathBuf>,
    bundle: PathBuf,
) -> Result<(), CliError> {
    let open = |p: &PathBuf| {
        std::fs::File::open(p)
            .map(std::io::BufReader::new)
            .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))
    };
    // Verify the whole bundle before writing anything.
    let report = verify_bundle(open(&bundle)?, None, None, |_| {})
        .map_err(|e| CliError::Verification(e.to_string()))?;
    let origin = report
        .checkpoint
        .as_ref()
        .map(|c| c.origin.clone())
        .unwrap_or_default();
    let key_text = match &signing_key {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?,
        ),
        None => None,
    };
    let (store, signer) = dir
        .init(
            &Config {
                name,
                origin,
                iati_org_id: None,
            },
            key_text.as_deref(),
        )
        .await?;
    let leaves = read_leaves(open(&bundle)?)?;
    let bar = progress_bar(Some(report.size));
    let (size, root) =
        crate::sequencer::import_leaves(&store, &signer, leaves, |n| bar.set_position(n))
            .await
            .map_err(|e| CliError::Usage(e.to_string()))?;
    bar.finish_and_clear();
    let (token, _) = create_token(&store, Role::Admin, "admin").await?;
    store.close().await;
    if root != report.root || size != report.size {
        return Err(CliError::Verification(format!(
            "imported root {root} at size {size} differs from the bundle's {} at {}",
            report.root, report.size
        )));
    }
    println!(
        "Imported {size} entries into {}; root {root} (same as the bundle)",
        dir.root().display()
    );
    println!("Verifier key: {}", signer.verifier_key());
    println!("Admin token (shown once): {token}");
    Ok(())
}

/// The leaf lines of a bundle (already verified).
fn read_leaves(input: impl std::io::BufRead) -> Result<Vec<Vec<u8>>, CliError> {
    let mut lines = input.split(b'\n');
    for _ in 0..3 {
        lines.next().transpose()?;
    }
    let mut leaves = Vec::new();
    for line in lines {
        let line = line?;
        if line.is_empty() {
            break;
        }
        leaves.push(line);
    }
    Ok(leaves)
}

fn print_report(report: &Report, source: &str, pinned: bool) {
    println!("Verified {source}");
    println!("  entries:    {}", report.size);
    println!("  root:       {}", report.root);
    if let Some(cp) = &report.checkpoint {
        println!(
            "  checkpoint: {} (size {}, signature valid{})",
            cp.origin,
            cp.size,
            if pinned {
                ", key pinned"
            } else {
                "; pass --key to pin the key you expect"
            }
        );
    }
    for (code, t) in &report.totals.currencies {
        let c = Currency::parse(code).ok();
        let fmt = |v: u128| c.map_or(v.to_string(), |c| format_decimal(v, c));
        println!(
            "  {code}: donated {}, disbursed {}, reversed {}, balance {}",
            fmt(t.donated.0),
            fmt(t.disbursed.0),
            fmt(t.reversed.0),
            fmt(t.balance.0)
        );
    }
    println!("  campaigns:  {}", report.totals.campaigns.len());
}

async fn verify(
    source: Option<String>,
    data: Option<DataDir>,
    key: Option<String>,
    since: Option<PathBuf>,
) -> Result<(), CliError> {
    if let Some(k) = &key {
        crate::ledger::checkpoint::parse_verifier_key(k)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    let is_url = |s: &str| s.starts_with("http://") || s.starts_with("https://");
    if since.is_some() && !source.as_deref().is_some_and(is_url) {
        return Err(CliError::Usage(
            "--since needs a server URL: it asks the server for a consistency proof".into(),
        ));
    }
    match (source, data) {
        (Some(_), Some(_)) | (None, None) => Err(CliError::Usage(
            "give a URL, a bundle file, or --data DIR (one of them)".into(),
        )),
        (None, Some(dir)) => verify_data(dir, key).await,
        (Some(src), None) if is_url(&src) => {
            let key = match since {
                Some(kept) => Some(history::check_since(&src, &kept, key.as_deref()).await?),
                None => key,
            };
            verify_url(&src, key).await
        }
        (Some(file), None) => {
            let f =
                std::fs::File::open(&file).map_err(|e| CliError::Usage(format!("{file}: {e}")))?;
            let bar = progress_bar(None);
            let report = verify_bundle(std::io::BufReader::new(f), key.as_deref(), None, |n| {
                bar.set_position(n)
            });
            bar.finish_and_clear();
            let report = report.map_err(|e| CliError::Verification(e.to_string()))?;
            print_report(&report, &file, key.is_some());
            Ok(())
        }
    }
}

/// Verifies every stored entry, every stored Merkle node, the latest checkpoint and the
/// stored totals ([`crate::audit`]).
async fn verify_data(dir: DataDir, key: Option<String>) -> Result<(), CliError> {
    let store = dir.store().await?;
    let signer = dir.signer()?;
    let vkey = key.unwrap_or_else(|| signer.verifier_key().to_string());
    let bar = progress_bar(Some(store.size().await?));
    let report = crate::audit::audit(&store, &vkey, |n| bar.set_position(n)).await;
    bar.finish_and_clear();
    store.close().await;
    let report = report.map_err(|e| match e {
        crate::audit::AuditError::Failed(failure) => CliError::Verification(failure.message),
        crate::audit::AuditError::Store(e) => e.into(),
    })?;
    print_report(&report, &dir.root().display().to_string(), true);
    Ok(())
}

async fn verify_url(url: &str, key: Option<String>) -> Result<(), CliError> {
    let base = url.trim_end_matches('/');
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let get = |path: &str| client.get(format!("{base}/api/v1/{path}")).send();
    let http_err = |e: reqwest::Error| CliError::Usage(format!("{base}: {e}"));
    for _attempt in 0..3 {
        let claimed: Totals = get("totals")
            .await
            .map_err(http_err)?
            .error_for_status()
            .map_err(http_err)?
            .json()
            .await
            .map_err(|e| CliError::Verification(format!("totals: not valid totals JSON: {e}")))?;
        let mut response = get("export")
            .await
            .map_err(http_err)?
            .error_for_status()
            .map_err(http_err)?;
        let tmp = std::env::temp_dir().join(format!("fundtrail-verify-{}.txt", std::process::id()));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        while let Some(chunk) = response.chunk().await.map_err(http_err)? {
            file.write_all(&chunk)?;
        }
        file.flush()?;
        drop(file);
        let f = std::io::BufReader::new(std::fs::File::open(&tmp)?);
        let bar = progress_bar(None);
        let result = verify_bundle(f, key.as_deref(), None, |n| bar.set_position(n));
        bar.finish_and_clear();
        let _ = std::fs::remove_file(&tmp);
        let report = result.map_err(|e| CliError::Verification(e.to_string()))?;
        if claimed.size != report.size {
            // The ledger grew between the two downloads; try again.
            continue;
        }
        claimed
            .check_against(&report.totals)
            .map_err(|e| CliError::Verification(e.to_string()))?;
        print_report(&report, base, key.is_some());
        println!("  published totals match the entries");
        return Ok(());
    }
    Err(CliError::Usage(
        "the ledger kept growing during verification; try again".into(),
    ))
}
