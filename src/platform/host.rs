//! The running platform: the registry ledger (served read-only under `/registry/`, appended
//! to only by [`super::admin`]), the fold of its entries ([`Registry`]: every organisation's
//! standing, key and accounts), and the organisations' ledgers.
//!
//! An organisation's ledger starts on the first request under `/o/<slug>/` (the account
//! check and the campaign index read an idle one's store without starting it) and then keeps
//! running: an idle organisation costs
//! its folder and nothing in memory, so a platform of 1,000 organisations starts at once and
//! holds open databases only for the ones people use. Each started organisation has its own
//! store, sequencer (so a busy one never slows another's appends), audit, witnesses and
//! webhooks. Its [`crate::sequencer::AppendGate`] follows the registry: a suspended or
//! closed organisation appends nothing, and a `campaign.open` must name only accounts the
//! registry lists for it.

use super::{PlatformConfig, PlatformDir, PlatformError};
use crate::http::AppState;
use crate::ledger::canonical::decode;
use crate::ledger::registry::{OrgStatus, Registry};
use crate::sequencer::Standing;
use crate::startup::{Application, BackgroundTasks};
use crate::store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::OnceCell;

/// How many registry entries are read at a time at start.
const REPLAY_PAGE: u64 = 1000;

/// The settings every organisation's ledger (and the registry) is served with.
#[derive(Clone)]
pub struct OrgSettings {
    /// Limits per client address.
    pub limits: crate::http::limits::Limits,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub proxies: crate::http::client::TrustedProxies,
    /// Staff console sessions.
    pub sessions: crate::auth::session::SessionPolicy,
    /// The platform's public base URL (an organisation's is `<it>/o/<slug>`).
    pub public_url: Option<String>,
    /// How often each started ledger audits itself in full.
    pub audit_interval: std::time::Duration,
}

impl Default for OrgSettings {
    fn default() -> OrgSettings {
        OrgSettings {
            limits: crate::http::limits::Limits::OFF,
            proxies: crate::http::client::TrustedProxies::default(),
            sessions: crate::auth::session::SessionPolicy::default(),
            public_url: None,
            audit_interval: crate::audit::schedule::DEFAULT_INTERVAL,
        }
    }
}

impl OrgSettings {
    /// `app` served with these settings, its public URL under `path` of the platform's.
    fn apply(&self, app: Application, path: &str) -> Application {
        app.with_limits(self.limits)
            .with_trusted_proxies(self.proxies.clone())
            .with_sessions(self.sessions)
            .with_public_url(self.public_url.as_ref().map(|u| format!("{u}{path}")))
            .with_audit_interval(self.audit_interval)
    }
}

/// A started ledger: its state, router and background tasks.
pub struct RunningOrg {
    /// Its state (store, sequencer, site).
    pub state: AppState,
    /// Its single-ledger router, answering paths without the `/o/<slug>` prefix.
    pub router: axum::Router,
    background: Mutex<Option<BackgroundTasks>>,
    sequencer: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl RunningOrg {
    fn start(app: Application) -> RunningOrg {
        let background = app.start_background_tasks();
        let router = app.router();
        RunningOrg {
            state: app.state,
            router,
            background: Mutex::new(Some(background)),
            sequencer: Mutex::new(Some(app.sequencer)),
        }
    }

    /// Stops the background tasks, drops this ledger's handles so its sequencer finishes
    /// what is queued and ends (waiting at most `wait`), and closes the store.
    async fn stop(self, wait: std::time::Duration) {
        let RunningOrg {
            state,
            router,
            background,
            sequencer,
        } = self;
        drop(background);
        let store = state.store.clone();
        drop((state, router));
        let task = sequencer.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(task) = task {
            let _ = tokio::time::timeout(wait, task).await;
        }
        store.close().await;
    }
}

/// One organisation's slot: empty until its ledger is first used.
type Slot = Arc<OnceCell<Arc<RunningOrg>>>;

/// A platform being served.
pub struct Platform {
    dir: PlatformDir,
    config: PlatformConfig,
    settings: OrgSettings,
    registry: RunningOrg,
    book: RwLock<Registry>,
    orgs: Mutex<HashMap<String, Slot>>,
    /// The campaigns of organisations not started, read once from their stores.
    idle_campaigns: Mutex<HashMap<String, Vec<super::lookup::OrgCampaign>>>,
    /// The `campaign.open` entries of started organisations read so far.
    pub(super) opened: super::index::OpenedCampaigns,
    /// Held while a registry change is checked, appended and folded in.
    pub(super) changes: tokio::sync::Mutex<()>,
}

impl Platform {
    /// Opens the platform in `dir`: starts the registry ledger and folds its entries.
    /// Organisations start on first use.
    ///
    /// # Errors
    /// [`PlatformError::NotAPlatform`], the registry's start-up errors, or
    /// [`PlatformError::RegistryBroken`] when a stored registry entry breaks a rule.
    pub async fn open(dir: PlatformDir, settings: OrgSettings) -> Result<Platform, PlatformError> {
        let config = dir.config()?;
        let registry_dir = dir.registry();
        let app = settings.apply(Application::build(&registry_dir).await?, "/registry");
        let book = replay(&app.state.store).await?;
        Ok(Platform {
            dir,
            config,
            settings,
            registry: RunningOrg::start(app),
            book: RwLock::new(book),
            orgs: Mutex::new(HashMap::new()),
            idle_campaigns: Mutex::new(HashMap::new()),
            opened: super::index::OpenedCampaigns::default(),
            changes: tokio::sync::Mutex::new(()),
        })
    }

    /// `platform.json`.
    pub fn config(&self) -> &PlatformConfig {
        &self.config
    }

    /// The platform's folder.
    pub fn dir(&self) -> &PlatformDir {
        &self.dir
    }

    /// The registry ledger.
    pub fn registry(&self) -> &RunningOrg {
        &self.registry
    }

    /// Limits applied to connections (the registry's).
    pub fn guard(&self) -> Arc<crate::http::limits::Guard> {
        Arc::clone(&self.registry.state.guard)
    }

    /// What `read` says of the registry now.
    pub fn with_book<T>(&self, read: impl FnOnce(&Registry) -> T) -> T {
        read(&self.book.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Folds the registry entry at `leaf` into the registry's state, and brings the gate of
    /// its organisation (when started) in line.
    pub(super) fn fold(&self, seq: u64, leaf: &[u8]) -> Result<(), PlatformError> {
        let entry = decode(leaf).map_err(|e| PlatformError::RegistryLeaf {
            seq,
            message: e.to_string(),
        })?;
        let slug = match &entry.body {
            crate::ledger::entry::Body::Org(o) => o.org().to_string(),
            _ => return Ok(()),
        };
        self.book
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .apply(&entry)
            .map_err(|source| PlatformError::RegistryBroken {
                seq: entry.seq,
                source,
            })?;
        if let Some(org) = self.started(&slug) {
            self.align_gate(&slug, &org.state);
        }
        Ok(())
    }

    /// Sets `state`'s gate from the registry's word on organisation `slug`.
    fn align_gate(&self, slug: &str, state: &AppState) {
        let Some((status, accounts)) =
            self.with_book(|b| b.org(slug).map(|o| (o.status, o.accounts.clone())))
        else {
            return;
        };
        let gate = state.sequencer.gate();
        gate.set_standing(match status {
            OrgStatus::Active => Standing::Active,
            OrgStatus::Suspended => Standing::Suspended,
            OrgStatus::Closed => Standing::Closed,
        });
        gate.require_accounts(&accounts);
    }

    fn slot(&self, slug: &str) -> Slot {
        let mut orgs = self.orgs.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(orgs.entry(slug.to_string()).or_default())
    }

    /// Organisation `slug`'s ledger if it has started.
    pub fn started(&self, slug: &str) -> Option<Arc<RunningOrg>> {
        let orgs = self.orgs.lock().unwrap_or_else(|p| p.into_inner());
        orgs.get(slug).and_then(|s| s.get().cloned())
    }

    /// Organisation `slug`'s ledger, started now if it was not; `None` when the registry
    /// names no such organisation. A closed organisation's ledger still starts: its
    /// history stays readable.
    ///
    /// # Errors
    /// Its folder's start-up errors.
    pub async fn org(&self, slug: &str) -> Result<Option<Arc<RunningOrg>>, PlatformError> {
        if self.with_book(|b| b.org(slug).is_none()) {
            return Ok(None);
        }
        let slot = self.slot(slug);
        let org = slot
            .get_or_try_init(|| async {
                let org = Arc::new(self.start_org(slug).await?);
                Ok::<_, PlatformError>(org)
            })
            .await?;
        Ok(Some(Arc::clone(org)))
    }

    async fn start_org(&self, slug: &str) -> Result<RunningOrg, PlatformError> {
        let dir = self.dir.org(slug);
        let mut app = self
            .settings
            .apply(Application::build(&dir).await?, &format!("/o/{slug}"));
        if let Ok(mirrors) = crate::tiles::mirrors::configured(dir.root(), &[]) {
            app = app.with_tiles_mirrors(mirrors);
        }
        if let Some((text, parsed)) = witness_policy(dir.root()) {
            app = app.with_witness_policy(&text, &parsed);
        }
        self.align_gate(slug, &app.state);
        tracing::info!(org = slug, "organisation started");
        Ok(RunningOrg::start(app))
    }

    /// The campaigns of organisation `slug` remembered while it was not started.
    pub(super) fn idle_campaigns(&self, slug: &str) -> Option<Vec<super::lookup::OrgCampaign>> {
        let known = self
            .idle_campaigns
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        known.get(slug).cloned()
    }

    /// Remembers the campaigns of organisation `slug`, read while it was not started.
    pub(super) fn remember_idle_campaigns(
        &self,
        slug: &str,
        campaigns: &[super::lookup::OrgCampaign],
    ) {
        let mut known = self
            .idle_campaigns
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        known.insert(slug.to_string(), campaigns.to_vec());
    }

    /// How many `campaign.open` entries of started organisations the account check and
    /// the campaign index have read from stores so far: each is read once, then
    /// remembered (a figure for operators and tests).
    pub fn campaign_entries_read(&self) -> u64 {
        self.opened.reads()
    }

    /// Stops every started ledger and the registry, letting queued appends finish. Call it
    /// once nothing else holds the platform (the server has stopped).
    pub async fn close(self) {
        let wait = std::time::Duration::from_secs(10);
        let Platform { registry, orgs, .. } = self;
        let slots: Vec<Slot> = orgs
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .into_values()
            .collect();
        for slot in slots {
            let running = Arc::try_unwrap(slot)
                .ok()
                .and_then(OnceCell::into_inner)
                .and_then(|org| Arc::try_unwrap(org).ok());
            if let Some(org) = running {
                org.stop(wait).await;
            }
        }
        registry.stop(wait).await;
    }

    /// [`Platform::close`] once `platform` is its only holder; otherwise (a request still
    /// holds it) the ledgers stop when the last holder lets go.
    pub async fn close_shared(platform: Arc<Platform>) {
        match Arc::try_unwrap(platform) {
            Ok(platform) => platform.close().await,
            Err(_) => tracing::warn!("the platform is still in use; its ledgers stop with it"),
        }
    }
}

/// The witness policy in `root/witness-policy.txt`, when there is a readable one.
fn witness_policy(root: &std::path::Path) -> Option<(String, crate::ledger::policy::Policy)> {
    let path = root.join("witness-policy.txt");
    let text = std::fs::read_to_string(&path).ok()?;
    match crate::ledger::policy::Policy::parse(text.as_bytes()) {
        Ok(parsed) => Some((text, parsed)),
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "witness policy ignored");
            None
        }
    }
}

/// The registry after every stored entry.
///
/// # Errors
/// [`PlatformError::RegistryLeaf`] or [`PlatformError::RegistryBroken`] naming the entry.
async fn replay(store: &Store) -> Result<Registry, PlatformError> {
    let mut book = Registry::new();
    let size = store.size().await?;
    let mut start = 0;
    while start < size {
        for stored in store.entries(start, REPLAY_PAGE).await? {
            let entry = decode(&stored.leaf).map_err(|e| PlatformError::RegistryLeaf {
                seq: stored.seq,
                message: e.to_string(),
            })?;
            book.apply(&entry)
                .map_err(|source| PlatformError::RegistryBroken {
                    seq: stored.seq,
                    source,
                })?;
        }
        start += REPLAY_PAGE;
    }
    Ok(book)
}
