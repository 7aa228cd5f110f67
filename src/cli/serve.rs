//! `fundtrail serve` and `fundtrail demo`: the API and the public page, for a ledger's data
//! folder or a fresh demo ledger.

use super::token::create_token;
use super::{console, demo_platform, network, CliError};
use crate::auth::{sign_in_link, Role};
use crate::evidence::blobs::BlobStore;
use crate::evidence::EvidenceStore;
use crate::ledger::hash::sha256;
use crate::startup::{bind, shutdown_signal, Application, Config, DataDir};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

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
    pub fn store(&self, dir: &DataDir) -> Result<EvidenceStore, CliError> {
        if self.max_bytes == 0 {
            return Err(CliError::Usage(
                "--evidence-max-bytes must be at least 1".into(),
            ));
        }
        let blobs = match self.url.as_deref().filter(|u| !u.trim().is_empty()) {
            None => BlobStore::local(dir.evidence_path()),
            Some(url) => BlobStore::from_url(url).map_err(|e| CliError::Usage(e.to_string()))?,
        };
        Ok(EvidenceStore::new(blobs, self.max_bytes))
    }
}

/// Witnesses and tiles mirrors of `serve`.
#[derive(Debug, clap::Args)]
pub struct TransparencyArgs {
    /// A C2SP tlog-policy file naming the witnesses (with their URLs) to send every new
    /// checkpoint to, published at /log/policy (default: DATA/witness-policy.txt when it
    /// exists).
    #[arg(long, env = "FUNDTRAIL_WITNESS_POLICY", value_name = "FILE")]
    pub witness_policy: Option<PathBuf>,
    /// A tiles prefix where `fundtrail tiles` publishes this ledger (https://, or http:// on
    /// loopback), offered on the page as a source for "Verify everything" and allowed by
    /// the Content-Security-Policy; repeat for several (default: the lines of
    /// DATA/tiles-mirrors.txt when it exists).
    #[arg(long = "tiles-mirror", value_name = "URL")]
    pub tiles_mirrors: Vec<String>,
}

/// Serves the ledger in `dir` at `addr` until a shutdown signal.
///
/// # Errors
/// [`CliError::Usage`] when the ledger cannot be opened or the address bound.
pub(super) async fn serve(
    dir: DataDir,
    addr: SocketAddr,
    network: &network::NetworkArgs,
    evidence: EvidenceArgs,
    console: &console::ConsoleArgs,
    audit_interval: std::time::Duration,
    transparency: TransparencyArgs,
) -> Result<(), CliError> {
    let (limits, proxies) = (network.limits()?, network.trusted_proxies()?);
    let evidence = evidence.store(&dir)?;
    let policy = witness_policy_of(&dir, transparency.witness_policy)?;
    let mirrors = crate::tiles::mirrors::configured(dir.root(), &transparency.tiles_mirrors)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    tracing::info!(evidence = %evidence.blobs.describe(), "evidence store");
    let app = Application::build(&dir)
        .await?
        .with_limits(limits)
        .with_trusted_proxies(proxies)
        .with_evidence(evidence)
        .with_sessions(console.sessions())
        .with_public_url(console.public_url.clone())
        .with_tiles_mirrors(mirrors)
        .with_audit_interval(audit_interval);
    let app = match &policy {
        Some((text, parsed)) => {
            if !parsed
                .logs
                .iter()
                .any(|(k, _)| k.trim() == app.state.site.verifier_key)
            {
                return Err(CliError::Usage(format!(
                    "the witness policy does not list this ledger's key ({}) on a `log` line",
                    app.state.site.verifier_key
                )));
            }
            let asked = crate::witness::client::targets(parsed).len();
            tracing::info!(
                witnesses = asked,
                "sending checkpoints to the policy's witnesses"
            );
            app.with_witness_policy(text, parsed)
        }
        None => app,
    };
    let listener = bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(%local, "serving");
    println!(
        "fundtrail is serving {} at http://{local}/ (staff console: http://{local}/staff/)",
        dir.root().display()
    );
    app.serve(listener, shutdown_signal()).await?;
    Ok(())
}

/// Creates a demo ledger in `data` (default: a new temporary folder) and serves it at
/// `addr`, printing its tokens and their sign-in links.
///
/// # Errors
/// [`CliError::Usage`] when the folder cannot be created or the address bound.
/// The witness policy to publish and follow: `path`, else `DATA/witness-policy.txt` when
/// it exists, else none.
fn witness_policy_of(
    dir: &DataDir,
    path: Option<PathBuf>,
) -> Result<Option<(String, crate::ledger::policy::Policy)>, CliError> {
    let default = dir.root().join("witness-policy.txt");
    let Some(path) = path.or_else(|| default.exists().then_some(default)) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    let parsed = crate::ledger::policy::Policy::parse(text.as_bytes())
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    Ok(Some((text, parsed)))
}

/// Leaves one payment of the demo waiting for approval (SPEC.md §17), proposed by the demo
/// recorder: the admin and the demo approver can approve it in the staff console.
///
/// # Errors
/// A store failure, as a usage error of the demo.
async fn propose_demo_payment(
    store: &crate::store::Store,
    recorded_by: &str,
) -> Result<(), CliError> {
    let body = crate::ledger::Body::Disbursement(crate::demo::pending_proposal());
    let proposal = crate::store::NewProposal {
        kind: body.kind(),
        campaign: body.campaign().to_string(),
        body: serde_json::to_string(&body)
            .map_err(|e| CliError::Usage(format!("demo proposal: {e}")))?,
        proposed_by: crate::demo::DEMO_PROPOSER.to_string(),
        recorded_by: recorded_by.to_string(),
        created_at: crate::ledger::entry::format_recorded_at(chrono::Utc::now()),
        idempotency_key: None,
    };
    store
        .create_proposal(&proposal)
        .await
        .map_err(|e| CliError::Usage(format!("demo proposal: {e}")))?;
    Ok(())
}

pub(super) async fn demo(
    data: Option<PathBuf>,
    addr: SocketAddr,
    network: &network::NetworkArgs,
    console: &console::ConsoleArgs,
    platform: demo_platform::DemoPlatformArgs,
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
    let mut config = Config::new(
        "Community Relief Fund (demo)",
        "demo.fundtrail.local/ledger",
    );
    // So the demo's IATI export works too (`GET /api/v1/export/iati`).
    config.iati_org_id = Some(crate::demo::IATI_ORG_ID.to_string());
    let (store, signer) = dir.init(&config, None).await?;
    let (admin, _) = create_token(&store, Role::Admin, "admin").await?;
    let (recorder, recorder_id) = create_token(&store, Role::Recorder, "demo-recorder").await?;
    // Three witnesses in this process (quorum: two of them), so the page shows cosignatures.
    let witnesses = crate::witness::demo::start(dir.root(), signer.verifier_key())
        .await
        .map_err(|e| CliError::Usage(format!("demo witnesses: {e}")))?;
    std::fs::write(dir.root().join("witness-policy.txt"), &witnesses.policy)?;
    let (approver, _) = create_token(&store, Role::Recorder, "demo-approver").await?;
    let app = Application::from_parts(config, store, signer)
        .await?
        .with_limits(limits)
        .with_trusted_proxies(proxies)
        .with_evidence(dir.evidence_store())
        .with_sessions(console.sessions())
        .with_public_url(console.public_url.clone())
        .with_witness_policy(&witnesses.policy, &witnesses.parsed);
    // As entries appended with the recorder token name it (SPEC.md §2.1).
    let recorded_by = format!("demo-recorder #{recorder_id}");
    let n = crate::demo::populate(&app.state.sequencer, &recorded_by)
        .await
        .map_err(|e| CliError::Usage(format!("demo data: {e}")))?;
    // The demo account's bank statement, reconciled, so #/accounts has content.
    let (statement_seq, lines) =
        crate::statement::demo::record_demo_statement(&app.state.sequencer, &recorded_by)
            .await
            .map_err(|e| CliError::Usage(format!("demo statement: {e}")))?;
    app.state
        .evidence
        .blobs
        .put(
            bytes::Bytes::from(lines),
            crate::statement::demo::LINES_MEDIA_TYPE,
        )
        .await
        .map_err(|e| CliError::Usage(format!("demo statement lines: {e}")))?;
    let n = n.max(statement_seq + 1);
    // The campaign update with its photo (SPEC.md §20.1), after the demo entries.
    let n = crate::demo_updates::populate_updates(&app.state.sequencer, &recorded_by)
        .await
        .map_err(|e| CliError::Usage(format!("demo data: {e}")))?
        .max(n);
    app.state
        .evidence
        .blobs
        .put(
            bytes::Bytes::from_static(crate::demo_updates::PHOTO),
            crate::demo_updates::PHOTO_TYPE,
        )
        .await
        .map_err(|e| CliError::Usage(format!("demo evidence: {e}")))?;
    for (media_type, bytes) in crate::demo::evidence_files() {
        app.state
            .evidence
            .blobs
            .put(bytes::Bytes::from_static(bytes), media_type)
            .await
            .map_err(|e| CliError::Usage(format!("demo evidence: {e}")))?;
    }
    propose_demo_payment(&app.state.store, &recorded_by).await?;
    let listener = bind(addr).await?;
    let local = listener.local_addr()?;
    let platform = if platform.no_platform {
        None
    } else {
        let settings = crate::platform::OrgSettings {
            limits,
            proxies: network.trusted_proxies()?,
            sessions: console.sessions(),
            ..crate::platform::OrgSettings::default()
        };
        let root = dir.root().join("platform");
        Some(demo_platform::start(&root, local, platform.platform_port, settings).await?)
    };
    println!("Demo ledger with {n} entries in {}", dir.root().display());
    let base = console
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    println!("Admin token: {admin}");
    println!("Recorder token: {recorder}");
    println!("Admin sign-in link: {}", sign_in_link(&base, &admin));
    println!("Recorder sign-in link: {}", sign_in_link(&base, &recorder));
    println!(
        "Witnesses (quorum 2 of 3): {} in {}",
        crate::witness::demo::NAMES.join(", "),
        dir.root().join("witnesses").display()
    );
    println!("Approver token: {approver}");
    println!("Approver sign-in link: {}", sign_in_link(&base, &approver));
    if let Some(platform) = &platform {
        platform.print_banner()?;
    }
    println!("Open http://{local}/");
    std::io::stdout().flush()?;
    let served = match platform {
        None => app.serve(listener, shutdown_signal()).await,
        Some(platform) => {
            let (served, platform_served) = tokio::join!(
                app.serve(listener, shutdown_signal()),
                platform.serve(shutdown_signal())
            );
            served.and(platform_served)
        }
    };
    witnesses
        .tasks
        .iter()
        .for_each(tokio::task::JoinHandle::abort);
    served?;
    Ok(())
}
