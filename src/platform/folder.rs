//! The platform data folder (SPEC.md §24.1):
//!
//! ```text
//! DIR/platform.json      {"name", "origin"}: marks the folder as a platform
//! DIR/registry/          the registry ledger's data folder
//! DIR/orgs/<slug>/       each organisation's data folder (SQLite: its own ledger.db)
//! ```

use super::PlatformError;
use crate::auth::{new_token, Role};
use crate::ledger::hash::sha256;
use crate::startup::{Application, Config, DataDir};
use crate::store::ConnectionBudget;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What `platform.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformConfig {
    /// The platform's name, shown on its page.
    pub name: String,
    /// The registry's checkpoint origin (and key name).
    pub origin: String,
}

impl PlatformConfig {
    /// The host part of the registry's origin (up to its first `/`): organisations sign as
    /// `<host>/o/<slug>` unless told otherwise.
    pub fn host(&self) -> &str {
        self.origin.split('/').next().unwrap_or(&self.origin)
    }

    /// The origin an organisation `slug` signs as by default.
    pub fn org_origin(&self, slug: &str) -> String {
        format!("{}/o/{slug}", self.host())
    }
}

/// What `platform init` made: the registry's verifier key and the first platform
/// administrator's token (shown once).
#[derive(Debug, Clone)]
pub struct Initialised {
    /// The registry's verifier key.
    pub verifier_key: String,
    /// The first platform administrator's token.
    pub admin_token: String,
}

/// A platform's data folder.
#[derive(Debug, Clone)]
pub struct PlatformDir {
    root: PathBuf,
    database_url: Option<String>,
    budget: ConnectionBudget,
}

/// How many PostgreSQL connections a platform's ledgers may hold at once for writing and
/// migrating, by default (`--max-connections`); see [`PlatformDir::with_connection_budget`].
pub const DEFAULT_CONNECTION_BUDGET: u32 = 100;

impl PlatformDir {
    /// The folder at `root` (nothing is read yet).
    pub fn new(root: impl Into<PathBuf>) -> PlatformDir {
        PlatformDir {
            root: root.into(),
            database_url: None,
            budget: ConnectionBudget::new(DEFAULT_CONNECTION_BUDGET),
        }
    }

    /// Keeps every ledger's entries in the PostgreSQL database at `url`: the registry in
    /// schema `registry`, organisation `slug` in schema `org_<slug with '-' as '_'>` (the
    /// folders still hold each ledger's configuration, key and evidence).
    pub fn with_database_url(mut self, url: Option<String>) -> PlatformDir {
        self.database_url = url.filter(|u| !u.trim().is_empty());
        self
    }

    /// On PostgreSQL, lets the platform's ledgers (the registry and every organisation) hold
    /// at most `size` connections at once, all together: writing, migrating and reading
    /// (a ledger's pool of at most [`crate::startup::BUDGETED_POOL_MAX`] reading connections
    /// holds that many while it has one open or lent); the process's one lock connection
    /// comes on top. A ledger that needs one while all are held waits for an idle one to
    /// close.
    pub fn with_connection_budget(mut self, size: u32) -> PlatformDir {
        self.budget = ConnectionBudget::new(size);
        self
    }

    /// The budget of PostgreSQL connections the platform's ledgers share.
    pub fn connection_budget(&self) -> &ConnectionBudget {
        &self.budget
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `platform.json`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join("platform.json")
    }

    /// Whether a platform was initialised here.
    pub fn exists(&self) -> bool {
        self.config_path().exists()
    }

    /// The registry's data folder.
    pub fn registry(&self) -> DataDir {
        self.in_schema(DataDir::new(self.root.join("registry")), "registry".into())
    }

    /// `dir` keeping its entries in `schema` of the platform's PostgreSQL database, when
    /// it has one.
    fn in_schema(&self, dir: DataDir, schema: String) -> DataDir {
        match &self.database_url {
            None => dir,
            Some(url) => dir
                .with_database_url(Some(url.clone()))
                .with_schema(Some(schema))
                .with_connection_budget(Some(self.budget.clone())),
        }
    }

    /// `orgs/`: the organisations' folders.
    pub fn orgs_path(&self) -> PathBuf {
        self.root.join("orgs")
    }

    /// The data folder of organisation `slug` (a valid slug: it is a path segment).
    pub fn org(&self, slug: &str) -> DataDir {
        self.in_schema(
            DataDir::new(self.orgs_path().join(slug)),
            format!("org_{}", slug.replace('-', "_")),
        )
    }

    /// Whether every ledger is kept in a PostgreSQL database.
    pub fn uses_postgres(&self) -> bool {
        self.database_url.is_some()
    }

    /// Reads `platform.json`.
    ///
    /// # Errors
    /// [`PlatformError::NotAPlatform`] or [`PlatformError::Config`].
    pub fn config(&self) -> Result<PlatformConfig, PlatformError> {
        let path = self.config_path();
        if !path.exists() {
            return Err(PlatformError::NotAPlatform(self.root.display().to_string()));
        }
        let bad = |message: String| PlatformError::Config {
            path: path.clone(),
            message,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| bad(e.to_string()))
    }

    /// Creates the platform: the registry ledger (key, database, first signed checkpoint),
    /// its first administrator token, `orgs/`, and last `platform.json`, so a folder with
    /// `platform.json` always holds a whole platform.
    ///
    /// # Errors
    /// [`PlatformError::AlreadyAPlatform`], or the registry's [`crate::startup::StartupError`]
    /// (an invalid origin, a folder that cannot be written).
    pub async fn init(&self, config: &PlatformConfig) -> Result<Initialised, PlatformError> {
        if self.exists() {
            return Err(PlatformError::AlreadyAPlatform(
                self.root.display().to_string(),
            ));
        }
        crate::private_fs::create_folder(&self.root).map_err(|e| PlatformError::Config {
            path: self.root.clone(),
            message: e.to_string(),
        })?;
        let registry = self.registry();
        let (store, signer) = registry
            .init(&Config::new(&config.name, &config.origin), None)
            .await?;
        let admin_token = new_token();
        store
            .create_token(
                "platform-admin",
                Role::Admin.as_str(),
                &sha256(admin_token.as_bytes()),
            )
            .await?;
        // Started once so the empty registry gets its first signed checkpoint.
        drop(Application::from_parts(registry.config()?, store.clone(), signer.clone()).await?);
        store.close().await;
        let io = |e: std::io::Error| PlatformError::Config {
            path: self.root.clone(),
            message: e.to_string(),
        };
        crate::private_fs::create_folder(&self.orgs_path()).map_err(io)?;
        let json = serde_json::to_string_pretty(config).unwrap_or_default();
        std::fs::write(self.config_path(), json + "\n").map_err(io)?;
        Ok(Initialised {
            verifier_key: signer.verifier_key().to_string(),
            admin_token,
        })
    }
}
