//! The data directory and server start-up: `config.json`, `signing.key` (mode 0600) and
//! `ledger.db` (SQLite) under one folder.

use crate::http::{self, AppParts, AppState, Site};
use crate::ledger::checkpoint::{is_valid_origin, CheckpointError, CheckpointSigner};
use crate::sequencer::{Sequencer, SequencerHandle};
use crate::store::{
    ConnectionBudget, PgSchema, PostgresSettings, PostgresStore, SqliteStore, Store, StoreError,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod listen;
pub use listen::{bind, shutdown_signal};

/// Start-up failures, each saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `init` on a folder that already holds a ledger.
    #[error("{0} already holds a fundtrail ledger; use another --data folder or `fundtrail serve --data {0}`")]
    AlreadyInitialized(String),
    /// No ledger in the folder.
    #[error("{0} holds no fundtrail ledger; create one with `fundtrail init --data {0}`")]
    NotInitialized(String),
    /// `config.json` is unreadable.
    #[error("{path}: invalid configuration: {message}")]
    Config { path: PathBuf, message: String },
    /// The signing key is unreadable.
    #[error("{path}: {source}")]
    Key {
        path: PathBuf,
        source: CheckpointError,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StartupError + '_ {
    move |source| StartupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Deployment settings kept in `config.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The organisation's name, shown on the page.
    pub name: String,
    /// Checkpoint origin and key name, e.g. `ledger.example.org`.
    pub origin: String,
    /// IATI organisation identifier for the IATI export (optional; absent in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iati_org_id: Option<String>,
}

impl Config {
    /// The settings of a ledger of organisation `name` signing as `origin`, with no IATI
    /// identifier yet.
    pub fn new(name: impl Into<String>, origin: impl Into<String>) -> Config {
        Config {
            name: name.into(),
            origin: origin.into(),
            iati_org_id: None,
        }
    }
}

/// The most pooled (reading) connections the store of a ledger sharing a connection budget
/// opens: a platform's organisations read little each, and there are many of them.
pub const BUDGETED_POOL_MAX: u32 = 2;

/// A ledger's data folder. It always holds the configuration and signing key; the
/// entries live in `ledger.db` (SQLite) unless a PostgreSQL URL is given, and then in the
/// database's default schema unless a schema is named (one ledger per schema: many
/// organisations in one database).
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
    database_url: Option<String>,
    schema: Option<String>,
    budget: Option<ConnectionBudget>,
}

impl DataDir {
    /// The folder at `root` (nothing is read yet).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir {
            root: root.into(),
            database_url: None,
            schema: None,
            budget: None,
        }
    }

    /// Keeps the entries in the database at `url` (`postgres://...`) instead of SQLite.
    pub fn with_database_url(mut self, url: Option<String>) -> Self {
        self.database_url = url.filter(|u| !u.trim().is_empty());
        self
    }

    /// Keeps the entries in the PostgreSQL schema `schema` (e.g. `org_hoi_chu_thap_do`;
    /// created and migrated on first open) instead of the database's default one. Only
    /// with a PostgreSQL URL; the name is checked when the store is opened.
    pub fn with_schema(mut self, schema: Option<String>) -> Self {
        self.schema = schema;
        self
    }

    /// Shares `budget` of PostgreSQL connections with the process's other ledgers (a
    /// platform's): the store's writing connection and migrations hold a permit of it while
    /// open, and its pool, of at most [`BUDGETED_POOL_MAX`] connections, holds that many
    /// permits while it has one open or lent.
    pub fn with_connection_budget(mut self, budget: Option<ConnectionBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// Where a PostgreSQL store keeps this ledger: the named schema, checked.
    fn postgres_settings(&self) -> Result<PostgresSettings, StartupError> {
        let schema = match &self.schema {
            None => None,
            Some(name) => Some(PgSchema::new(name).map_err(|e| StartupError::Config {
                path: self.config_path(),
                message: e.to_string(),
            })?),
        };
        let defaults = PostgresSettings::default();
        Ok(PostgresSettings {
            schema,
            max_connections: match self.budget {
                Some(_) => BUDGETED_POOL_MAX,
                None => defaults.max_connections,
            },
            budget: self.budget.clone(),
            ..defaults
        })
    }

    /// Drops this ledger's PostgreSQL schema with every table in it, if it has one of its
    /// own and it exists; nothing for a SQLite ledger or one in the database's default
    /// schema. Only for a ledger that was never published (its store closed).
    ///
    /// # Errors
    /// [`StartupError`] for a schema name the store may not use, or when the database
    /// cannot be reached or refuses the drop.
    pub async fn drop_own_schema(&self) -> Result<(), StartupError> {
        let (Some(url), Some(schema)) = (&self.database_url, self.postgres_settings()?.schema)
        else {
            return Ok(());
        };
        if !is_postgres_url(url) {
            return Ok(());
        }
        Ok(PostgresStore::drop_schema(url, &schema, self.budget.as_ref()).await?)
    }

    /// Refuses a schema without a PostgreSQL URL, or with a name the store may not use.
    fn check_schema(&self) -> Result<(), StartupError> {
        if self.schema.is_some() && !self.database_url.as_deref().is_some_and(is_postgres_url) {
            return Err(StartupError::Config {
                path: self.config_path(),
                message: "a schema needs a PostgreSQL database (--database-url postgres://...); a SQLite ledger is one file per folder".into(),
            });
        }
        self.postgres_settings().map(|_| ())
    }

    async fn open_store(&self) -> Result<Store, StartupError> {
        self.check_schema()?;
        match &self.database_url {
            None => Ok(Store::Sqlite(SqliteStore::open(&self.db_path()).await?)),
            Some(url) if is_postgres_url(url) => Ok(Store::Postgres(
                PostgresStore::open_with(url, &self.postgres_settings()?).await?,
            )),
            Some(url) if url.starts_with("sqlite:") => Ok(Store::Sqlite(
                SqliteStore::open(Path::new(
                    url.trim_start_matches("sqlite://")
                        .trim_start_matches("sqlite:"),
                ))
                .await?,
            )),
            Some(_) => Err(StartupError::Config {
                path: self.config_path(),
                message: "--database-url must start with postgres:// (or sqlite:)".into(),
            }),
        }
    }
    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// `config.json`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.json")
    }
    /// `signing.key`.
    pub fn key_path(&self) -> PathBuf {
        self.root.join("signing.key")
    }
    /// `ledger.db`.
    pub fn db_path(&self) -> PathBuf {
        self.root.join("ledger.db")
    }
    /// `evidence/`: evidence files by SHA-256, unless `--evidence-url` names another store.
    pub fn evidence_path(&self) -> PathBuf {
        self.root.join("evidence")
    }

    /// The evidence store in `evidence/` with the default per-file limit.
    pub fn evidence_store(&self) -> crate::evidence::EvidenceStore {
        crate::evidence::EvidenceStore::new(
            crate::evidence::blobs::BlobStore::local(self.evidence_path()),
            crate::evidence::DEFAULT_MAX_FILE_BYTES,
        )
    }

    /// Whether a ledger was initialised here.
    pub fn exists(&self) -> bool {
        self.config_path().exists()
    }

    /// Creates the folder, configuration, signing key (0600) and database.
    ///
    /// # Errors
    /// [`StartupError`], e.g. when a ledger already exists here or the origin is invalid.
    pub async fn init(
        &self,
        config: &Config,
        signing_key: Option<&str>,
    ) -> Result<(Store, CheckpointSigner), StartupError> {
        if self.exists() {
            return Err(StartupError::AlreadyInitialized(
                self.root.display().to_string(),
            ));
        }
        if !is_valid_origin(&config.origin) {
            return Err(StartupError::Config {
                path: self.config_path(),
                message: format!(
                    "origin {:?} must be non-empty with no spaces or '+'",
                    config.origin
                ),
            });
        }
        self.check_schema()?;
        crate::private_fs::create_folder(&self.root).map_err(io(&self.root))?;
        let key_path = self.key_path();
        let (signer, skey) = match signing_key {
            Some(k) => (
                CheckpointSigner::from_private_key(k).map_err(|source| StartupError::Key {
                    path: key_path.clone(),
                    source,
                })?,
                k.trim().to_string(),
            ),
            None => {
                CheckpointSigner::generate(&config.origin).map_err(|source| StartupError::Key {
                    path: key_path.clone(),
                    source,
                })?
            }
        };
        write_private(&key_path, format!("{skey}\n").as_bytes())?;
        let store = self.open_store().await?;
        let json = serde_json::to_string_pretty(config).unwrap_or_default();
        write_private(&self.config_path(), (json + "\n").as_bytes())?;
        Ok((store, signer))
    }

    /// Reads `config.json`.
    ///
    /// # Errors
    /// [`StartupError::NotInitialized`] or [`StartupError::Config`].
    pub fn config(&self) -> Result<Config, StartupError> {
        if !self.exists() {
            return Err(StartupError::NotInitialized(
                self.root.display().to_string(),
            ));
        }
        let path = self.config_path();
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        serde_json::from_str(&text).map_err(|e| StartupError::Config {
            path,
            message: e.to_string(),
        })
    }

    /// Reads the signing key.
    ///
    /// # Errors
    /// [`StartupError::Io`] or [`StartupError::Key`].
    pub fn signer(&self) -> Result<CheckpointSigner, StartupError> {
        let path = self.key_path();
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        CheckpointSigner::from_private_key(&text)
            .map_err(|source| StartupError::Key { path, source })
    }

    /// Removes the group and other permissions from the folder and everything in it (it
    /// holds personal data, token hashes and the signing key), logging a warning naming how
    /// many it had to change. A failure is logged, not fatal: the server still starts.
    pub fn make_private(&self) {
        match crate::private_fs::tighten(&self.root) {
            Ok(0) => {}
            Ok(changed) => tracing::warn!(
                folder = %self.root.display(),
                changed,
                "the data folder was readable by other users: removed their permissions (folders 0700, files 0600)"
            ),
            Err(e) => tracing::warn!(
                folder = %self.root.display(),
                error = %e,
                "could not remove other users' permissions from the data folder; check its owner and modes"
            ),
        }
    }

    /// Opens the database (applying migrations).
    ///
    /// # Errors
    /// [`StartupError`].
    pub async fn store(&self) -> Result<Store, StartupError> {
        if !self.exists() {
            return Err(StartupError::NotInitialized(
                self.root.display().to_string(),
            ));
        }
        self.open_store().await
    }
}

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Writes a new file readable only by this user (mode 0600).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), StartupError> {
    use std::io::Write;
    let mut f = crate::private_fs::file_options()
        .create_new(true)
        .open(path)
        .map_err(io(path))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(io(path))
}

/// A running application: the router's state and the sequencer task.
pub struct Application {
    /// Shared state (for building the router).
    pub state: AppState,
    /// The sequencer task; it ends once every handle is dropped and the queue is drained.
    pub sequencer: tokio::task::JoinHandle<()>,
    /// How often [`Application::serve`] audits the whole ledger (and once at start).
    audit_interval: std::time::Duration,
}

impl Application {
    /// Opens the ledger in `data` and starts its sequencer. Evidence files are kept in
    /// `DATA/evidence` unless [`Application::with_evidence`] says otherwise.
    ///
    /// # Errors
    /// [`StartupError`].
    pub async fn build(data: &DataDir) -> Result<Application, StartupError> {
        let config = data.config()?;
        data.make_private();
        let store = data.store().await?;
        data.finish_pending_rotation(&store).await?;
        let signer = data.signer()?;
        let earlier = data.retired_signers();
        Ok(Self::from_parts_with_keys(config, store, signer, earlier)
            .await?
            .with_evidence(data.evidence_store()))
    }

    /// Keeps evidence files in `evidence` (by default: in memory for
    /// [`Application::from_parts`], `DATA/evidence` for [`Application::build`]).
    pub fn with_evidence(mut self, evidence: crate::evidence::EvidenceStore) -> Self {
        self.state.parts_mut().evidence = evidence;
        self
    }

    /// Starts the sequencer over an opened store.
    ///
    /// # Errors
    /// [`StartupError`].
    pub async fn from_parts(
        config: Config,
        store: Store,
        signer: CheckpointSigner,
    ) -> Result<Application, StartupError> {
        Self::from_parts_with_keys(config, store, signer, Vec::new()).await
    }

    /// [`Application::from_parts`] for a ledger whose key may have been rotated: `earlier`
    /// holds its retired signing keys ([`DataDir::retired_signers`]), among which the
    /// ledger's first key is found (SPEC.md §23).
    ///
    /// # Errors
    /// [`StartupError`].
    pub async fn from_parts_with_keys(
        config: Config,
        store: Store,
        signer: CheckpointSigner,
        earlier: Vec<CheckpointSigner>,
    ) -> Result<Application, StartupError> {
        let site = Arc::new(Site {
            name: config.name,
            origin: signer.origin().to_string(),
            verifier_key: signer.verifier_key().to_string(),
            iati_org_id: config.iati_org_id,
            public_url: None,
            tiles_mirrors: Vec::new(),
        });
        let (handle, task): (SequencerHandle, _) = Sequencer::start_with_keys(
            store.clone(),
            signer,
            Arc::new(chrono::Utc::now),
            Arc::from(earlier),
        )
        .await?;
        store.prepare_lookups();
        Ok(Application {
            state: AppState::new(AppParts {
                store,
                sequencer: handle,
                site,
                guard: Arc::new(crate::http::limits::Guard::new(
                    crate::http::limits::Limits::OFF,
                )),
                evidence: crate::evidence::EvidenceStore::in_memory(),
                sessions: crate::auth::session::SessionPolicy::default(),
                cosigned: Arc::default(),
                policy: Arc::default(),
                witnesses: Vec::new(),
                tile_cache: Arc::default(),
                statement_reads: Arc::default(),
            }),
            sequencer: task,
            audit_interval: crate::audit::schedule::DEFAULT_INTERVAL,
        })
    }

    /// Publishes `policy` (a C2SP tlog-policy, already parsed as `parsed`) at `/log/policy`
    /// and sends every new checkpoint to its witnesses that have a URL while serving.
    pub fn with_witness_policy(
        mut self,
        policy: &str,
        parsed: &crate::ledger::policy::Policy,
    ) -> Self {
        let parts = self.state.parts_mut();
        parts.policy = Arc::new(crate::witness::published::PublishedPolicy::new(policy));
        parts.witnesses = crate::witness::client::targets(parsed);
        self
    }

    /// Offers the page the tiles `mirrors` (canonical, from [`crate::tiles::mirrors`]) as
    /// sources for "Verify everything", and lets it connect to them (CSP `connect-src`).
    pub fn with_tiles_mirrors(mut self, mirrors: Vec<String>) -> Self {
        let mut site = (*self.state.site).clone();
        site.tiles_mirrors = mirrors;
        self.state.parts_mut().site = Arc::new(site);
        self
    }

    /// Lets staff console sessions live as `policy` says (the default: 8 hours idle, 12 hours
    /// in all).
    pub fn with_sessions(mut self, policy: crate::auth::session::SessionPolicy) -> Self {
        self.state.parts_mut().sessions = policy;
        self
    }

    /// Makes sign-in links and receipt QR codes with `url` (already read by
    /// [`crate::http::origin::parse_public_url`]) instead of each request's `Host`.
    pub fn with_public_url(mut self, url: Option<String>) -> Self {
        let mut site = (*self.state.site).clone();
        site.public_url = url;
        self.state.parts_mut().site = Arc::new(site);
        self
    }

    /// Audits the whole ledger every `interval` while serving (and once at start).
    pub fn with_audit_interval(mut self, interval: std::time::Duration) -> Self {
        self.audit_interval = interval;
        self
    }

    /// Enforces `limits` (the library default is none; `fundtrail serve` turns the
    /// recommended ones on).
    pub fn with_limits(mut self, limits: crate::http::limits::Limits) -> Self {
        let proxies = self.state.guard.trusted_proxies.clone();
        self.state.parts_mut().guard =
            Arc::new(crate::http::limits::Guard::new(limits).trusting(proxies));
        self
    }

    /// Takes the client address of requests from `proxies` from their `X-Forwarded-For`
    /// (the library default trusts no proxy).
    pub fn with_trusted_proxies(mut self, proxies: crate::http::client::TrustedProxies) -> Self {
        let limits = self.state.guard.limits;
        self.state.parts_mut().guard =
            Arc::new(crate::http::limits::Guard::new(limits).trusting(proxies));
        self
    }

    /// Starts what runs beside the router while serving: a full audit of the stored
    /// ledger at once and then on schedule ([`crate::audit::schedule`]; if one fails,
    /// appends are refused), sending checkpoints to the witnesses, and webhook deliveries.
    /// They stop when the returned [`BackgroundTasks`] is stopped or dropped.
    pub fn start_background_tasks(&self) -> BackgroundTasks {
        let store = self.state.store.clone();
        let audits = crate::audit::schedule::spawn(
            store.clone(),
            self.state.first_key(),
            Arc::clone(self.state.sequencer.audit()),
            self.audit_interval,
        );
        let witnesses = crate::witness::client::spawn(
            store.clone(),
            self.state.sequencer.clone(),
            self.state.witnesses.clone(),
            Arc::clone(&self.state.cosigned),
        );
        let webhooks = crate::webhooks::spawn(
            store,
            self.state.sequencer.clone(),
            self.state.site.public_url.clone(),
        );
        BackgroundTasks(vec![audits, witnesses, webhooks])
    }

    /// The router of this ledger: its API, tiles, widget and page, with its limits and
    /// security headers.
    pub fn router(&self) -> axum::Router {
        http::router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` resolves, then finishes queued appends. The
    /// [`Application::start_background_tasks`] run while it serves.
    ///
    /// # Errors
    /// I/O errors from the listener.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let store = self.state.store.clone();
        let background = self.start_background_tasks();
        let guard = Arc::clone(&self.state.guard);
        let router = http::router(self.state);
        let served = http::server::serve(listener, router, guard, shutdown).await;
        drop(background);
        served?;
        // Handlers are done and their handles dropped: the sequencer drains and stops.
        let _ = self.sequencer.await;
        store.close().await;
        Ok(())
    }
}

/// The tasks [`Application::start_background_tasks`] started; dropping this stops them.
pub struct BackgroundTasks(Vec<tokio::task::JoinHandle<()>>);

impl Drop for BackgroundTasks {
    fn drop(&mut self) {
        self.0.iter().for_each(tokio::task::JoinHandle::abort);
    }
}
