//! The platform administrators' changes. Each is one registry entry, checked against the
//! registry's rules (SPEC.md §22.4) before anything is written, appended, and folded into
//! the running platform (so an organisation's gate follows at once). Changes are made one
//! at a time.

use super::{Platform, PlatformError};
use crate::auth::{new_token, Role};
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::entry::{Account, Body};
use crate::ledger::hash::sha256;
use crate::ledger::registry::{
    is_org_slug, validate, OrgAccounts, OrgChecks, OrgClose, OrgEntry, OrgKey, OrgKind,
    OrgRegister, OrgResume, OrgStatus, OrgSuspend, RegistryError,
};
use crate::sequencer::{AppendRequest, Appended};
use crate::startup::{Application, Config};

/// A new organisation, as a platform administrator describes it.
#[derive(Debug, Clone)]
pub struct NewOrg {
    /// Its slug (its path `/o/<slug>/`).
    pub slug: String,
    /// Its name.
    pub name: String,
    /// What kind of organisation it is.
    pub kind: OrgKind,
    /// Its official receiving accounts.
    pub accounts: Vec<Account>,
    /// What the platform checked.
    pub checks: OrgChecks,
    /// Its checkpoint origin (default `<platform host>/o/<slug>`).
    pub origin: Option<String>,
}

/// A created organisation: its ledger's facts and its first admin token (shown once).
#[derive(Debug, Clone)]
pub struct CreatedOrg {
    /// Its slug.
    pub slug: String,
    /// Its ledger's checkpoint origin.
    pub origin: String,
    /// Its ledger's verifier key.
    pub verifier_key: String,
    /// Its first admin token.
    pub admin_token: String,
    /// The seq of its `org.register` in the registry.
    pub registry_seq: u64,
}

impl Platform {
    /// Refuses `origin` when another organisation already signs as it.
    fn ensure_origin_free(&self, origin: &str) -> Result<(), PlatformError> {
        self.with_book(|b| match b.orgs().iter().find(|o| o.origin == origin) {
            Some(o) => Err(PlatformError::OriginTaken {
                origin: origin.to_string(),
                slug: o.slug.clone(),
            }),
            None => Ok(()),
        })
    }

    /// Checks `entry` against the registry's rules and appends it as `recorded_by`,
    /// folding it in. The caller holds [`Platform::changes`].
    async fn record(&self, entry: OrgEntry, recorded_by: &str) -> Result<Appended, PlatformError> {
        validate(&entry)?;
        let body = Body::Org(entry);
        self.with_book(|b| b.check(&body))?;
        let appended = self
            .registry()
            .state
            .sequencer
            .append(AppendRequest {
                body,
                recorded_by: recorded_by.to_string(),
                idempotency_key: None,
                separate_gift: false,
                private: None,
            })
            .await?;
        self.fold(appended.seq, &appended.leaf)?;
        Ok(appended)
    }

    /// Creates organisation `new`: its data folder (key, database, first checkpoint, first
    /// admin token), then its `org.register` in the registry. When the registry refuses
    /// it, the folder is removed again: a refused creation leaves no trace.
    ///
    /// # Errors
    /// [`PlatformError::BadSlug`], a field or registry rule ([`PlatformError::Invalid`],
    /// [`PlatformError::Registry`]), or a failure to create the folder or append.
    pub async fn create_org(
        &self,
        new: NewOrg,
        recorded_by: &str,
    ) -> Result<CreatedOrg, PlatformError> {
        if !is_org_slug(&new.slug) {
            return Err(PlatformError::BadSlug(new.slug));
        }
        let _one_at_a_time = self.changes.lock().await;
        let origin = new
            .origin
            .clone()
            .unwrap_or_else(|| self.config().org_origin(&new.slug));
        let (signer, private_key) = CheckpointSigner::generate(&origin).map_err(|source| {
            crate::startup::StartupError::Key {
                path: self.dir().org(&new.slug).key_path(),
                source,
            }
        })?;
        let entry = OrgEntry::Register(OrgRegister {
            accounts: new.accounts,
            checks: new.checks,
            kind: new.kind,
            name: new.name.clone(),
            origin: origin.clone(),
            slug: new.slug.clone(),
            verifier_key: signer.verifier_key().to_string(),
        });
        validate(&entry)?;
        self.with_book(|b| b.check(&Body::Org(entry.clone())))?;
        self.ensure_origin_free(&origin)?;
        let dir = self.dir().org(&new.slug);
        if dir.root().exists() {
            // Left by a creation the registry never recorded (the process stopped between
            // the two): nothing of it was ever published.
            tracing::warn!(folder = %dir.root().display(), "removing an organisation folder the registry never recorded");
        }
        // A PostgreSQL schema of this slug is likewise unpublished (the registry names no
        // such organisation): its entries and tokens must not become the new ledger's.
        discard_unpublished(&dir).await?;
        let admin_token = match make_ledger(&dir, &new.name, &origin, &private_key).await {
            Ok(token) => token,
            Err(e) => {
                let _ = discard_unpublished(&dir).await;
                return Err(e);
            }
        };
        match self.record(entry, recorded_by).await {
            Ok(appended) => Ok(CreatedOrg {
                slug: new.slug,
                origin,
                verifier_key: signer.verifier_key().to_string(),
                admin_token,
                registry_seq: appended.seq,
            }),
            Err(e) => {
                let _ = discard_unpublished(&dir).await;
                Err(e)
            }
        }
    }

    /// Replaces organisation `slug`'s official accounts (`org.accounts`).
    ///
    /// # Errors
    /// A field or registry rule, or the append's failure.
    pub async fn set_accounts(
        &self,
        slug: &str,
        accounts: Vec<Account>,
        note: Option<String>,
        recorded_by: &str,
    ) -> Result<u64, PlatformError> {
        let _one_at_a_time = self.changes.lock().await;
        let entry = OrgEntry::Accounts(OrgAccounts {
            accounts,
            note,
            org: slug.to_string(),
        });
        Ok(self.record(entry, recorded_by).await?.seq)
    }

    /// Suspends organisation `slug` (`org.suspend`): its appends are refused from now on.
    ///
    /// # Errors
    /// A field or registry rule, or the append's failure.
    pub async fn suspend(
        &self,
        slug: &str,
        reason: String,
        recorded_by: &str,
    ) -> Result<u64, PlatformError> {
        let _one_at_a_time = self.changes.lock().await;
        let entry = OrgEntry::Suspend(OrgSuspend {
            org: slug.to_string(),
            reason,
        });
        Ok(self.record(entry, recorded_by).await?.seq)
    }

    /// Resumes suspended organisation `slug` (`org.resume`).
    ///
    /// # Errors
    /// A field or registry rule, or the append's failure.
    pub async fn resume(
        &self,
        slug: &str,
        note: Option<String>,
        recorded_by: &str,
    ) -> Result<u64, PlatformError> {
        let _one_at_a_time = self.changes.lock().await;
        let entry = OrgEntry::Resume(OrgResume {
            note,
            org: slug.to_string(),
        });
        Ok(self.record(entry, recorded_by).await?.seq)
    }

    /// Closes organisation `slug` for good (`org.close`); its history stays public.
    ///
    /// # Errors
    /// A field or registry rule, or the append's failure.
    pub async fn close_org(
        &self,
        slug: &str,
        reason: String,
        recorded_by: &str,
    ) -> Result<u64, PlatformError> {
        let _one_at_a_time = self.changes.lock().await;
        let entry = OrgEntry::Close(OrgClose {
            org: slug.to_string(),
            reason,
        });
        Ok(self.record(entry, recorded_by).await?.seq)
    }
}

impl Platform {
    /// Whether organisation `slug` is registered and not closed: what a change to it needs.
    ///
    /// # Errors
    /// [`PlatformError::UnknownOrg`], or the registry rule a closed organisation breaks.
    pub fn ensure_live(&self, slug: &str) -> Result<(), PlatformError> {
        self.with_book(|b| match b.org(slug) {
            None => Err(PlatformError::UnknownOrg(slug.to_string())),
            Some(o) if o.status == OrgStatus::Closed => {
                Err(PlatformError::Registry(RegistryError::OrgClosed {
                    slug: slug.to_string(),
                    seq: o.status_seq,
                }))
            }
            Some(_) => Ok(()),
        })
    }

    /// Records organisation `slug`'s new verifier key (`org.key`), after its ledger
    /// rotated to it (SPEC.md §23).
    ///
    /// # Errors
    /// A field or registry rule (a key named for another origin, the same key), or the
    /// append's failure.
    pub async fn record_key(
        &self,
        slug: &str,
        verifier_key: String,
        note: Option<String>,
        recorded_by: &str,
    ) -> Result<u64, PlatformError> {
        let _one_at_a_time = self.changes.lock().await;
        let entry = OrgEntry::Key(OrgKey {
            note,
            org: slug.to_string(),
            verifier_key,
        });
        Ok(self.record(entry, recorded_by).await?.seq)
    }
}

impl Platform {
    /// Brings the single ledger in `from` (a data folder whose server is stopped, SQLite)
    /// into the platform as organisation `new.slug`: the folder is copied as it is to
    /// `orgs/<slug>/` (every entry, key and token: the same bytes, roots and checkpoints;
    /// `from` is left untouched), and its `org.register` names the ledger's own origin and
    /// the key in force. `new.origin` is ignored; `new.name` replaces the ledger's name in
    /// the registry only.
    ///
    /// # Errors
    /// [`PlatformError::BadSlug`]; [`PlatformError::Config`] on a PostgreSQL platform, when
    /// `orgs/<slug>/` exists or a file cannot be copied; `from`'s own start-up errors; a
    /// field or registry rule; the append's failure (the copy is removed again).
    pub async fn adopt_org(
        &self,
        new: NewOrg,
        from: &std::path::Path,
        recorded_by: &str,
    ) -> Result<(String, u64), PlatformError> {
        if !is_org_slug(&new.slug) {
            return Err(PlatformError::BadSlug(new.slug));
        }
        let dest = self.dir().org(&new.slug);
        let refuse = |message: &str| PlatformError::Config {
            path: dest.root().to_path_buf(),
            message: message.to_string(),
        };
        if self.dir().uses_postgres() {
            return Err(refuse(
                "a SQLite data folder can only be adopted by a SQLite platform",
            ));
        }
        let _one_at_a_time = self.changes.lock().await;
        let source = crate::startup::DataDir::new(from);
        source.config()?;
        let signer = source.signer()?;
        let entry = OrgEntry::Register(OrgRegister {
            accounts: new.accounts,
            checks: new.checks,
            kind: new.kind,
            name: new.name,
            origin: signer.origin().to_string(),
            slug: new.slug.clone(),
            verifier_key: signer.verifier_key().to_string(),
        });
        validate(&entry)?;
        self.with_book(|b| b.check(&Body::Org(entry.clone())))?;
        self.ensure_origin_free(signer.origin())?;
        if dest.root().exists() {
            return Err(refuse("this organisation folder already exists"));
        }
        if let Err(e) = copy_folder(from, dest.root()) {
            remove_folder(dest.root());
            return Err(refuse(&format!("copying {}: {e}", from.display())));
        }
        match self.record(entry, recorded_by).await {
            Ok(appended) => Ok((signer.verifier_key().to_string(), appended.seq)),
            Err(e) => {
                remove_folder(dest.root());
                Err(e)
            }
        }
    }
}

/// Copies the folder `from` to `to` (created, readable only by this user), file by file.
fn copy_folder(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    crate::private_fs::create_folder(to)?;
    for item in std::fs::read_dir(from)? {
        let item = item?;
        let target = to.join(item.file_name());
        if item.file_type()?.is_dir() {
            copy_folder(&item.path(), &target)?;
        } else {
            std::fs::copy(item.path(), &target)?;
        }
    }
    Ok(())
}

/// Creates the ledger of a new organisation in `dir` signing with `private_key`, with its
/// first signed checkpoint, and returns its first admin token.
async fn make_ledger(
    dir: &crate::startup::DataDir,
    name: &str,
    origin: &str,
    private_key: &str,
) -> Result<String, PlatformError> {
    let (store, signer) = dir
        .init(&Config::new(name, origin), Some(private_key))
        .await?;
    let token = new_token();
    store
        .create_token("admin", Role::Admin.as_str(), &sha256(token.as_bytes()))
        .await?;
    drop(Application::from_parts(dir.config()?, store.clone(), signer).await?);
    store.close().await;
    Ok(token)
}

/// Removes the ledger in `dir` that the registry never recorded: its folder and, on
/// PostgreSQL, its schema (entries, tokens and all), so a refused creation leaves no trace.
///
/// # Errors
/// The schema could not be dropped (logged too); a folder that cannot be removed is only
/// logged.
async fn discard_unpublished(dir: &crate::startup::DataDir) -> Result<(), PlatformError> {
    if dir.root().exists() {
        remove_folder(dir.root());
    }
    dir.drop_own_schema().await.map_err(|e| {
        tracing::warn!(folder = %dir.root().display(), error = %e, "could not drop the schema of a refused organisation");
        PlatformError::from(e)
    })
}

/// Removes `folder`, logging (not failing) when it cannot.
fn remove_folder(folder: &std::path::Path) {
    if let Err(e) = std::fs::remove_dir_all(folder) {
        tracing::warn!(folder = %folder.display(), error = %e, "could not remove the folder of a refused organisation");
    }
}
