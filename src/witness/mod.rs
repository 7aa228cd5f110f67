//! Witnesses (C2SP tlog-witness; SPEC.md §14), both sides:
//!
//! - [`Witness`]: the service `fundtrail witness serve` runs for a partner organisation. It
//!   trusts log keys per origin, and cosigns a checkpoint only when it is consistent with
//!   the last one it cosigned for that origin, recorded first by compare-and-swap
//!   ([`crate::store::WitnessStore::advance`]).
//! - [`client`]: the ledger server's side, which sends each new checkpoint to the
//!   witnesses of its policy in the background and keeps their cosignatures;
//!   [`cosigned`] holds the latest checkpoint with them for the handlers.

pub mod client;
pub mod cosigned;
pub mod demo;
pub mod published;

use crate::ledger::cosignature::WitnessSigner;
use crate::ledger::witness::{decide, parse_request, Refusal};
use crate::store::{StoreError, WitnessHead, WitnessStore};
use std::path::{Path, PathBuf};

/// Why a witness could not answer a request.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    /// The request is refused, with its tlog-witness status.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The witness's database failed; nothing was cosigned.
    #[error("the witness's database failed: {0}")]
    Store(#[from] StoreError),
}

/// A witness folder: `witness.key` (mode 0600), `witness.db`.
#[derive(Debug, Clone)]
pub struct WitnessDir(PathBuf);

/// Why a witness folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WitnessDirError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `init` on a folder that already has a key.
    #[error("{0} already holds a witness key; use another --dir")]
    AlreadyInitialized(String),
    /// The key file is not a witness signing key.
    #[error("{0}: not a witness signing key")]
    BadKey(String),
    /// The name cannot be a key name.
    #[error(transparent)]
    Name(#[from] crate::ledger::cosignature::CosignatureError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl WitnessDir {
    /// The folder at `root`.
    pub fn new(root: impl Into<PathBuf>) -> WitnessDir {
        WitnessDir(root.into())
    }

    fn key_path(&self) -> PathBuf {
        self.0.join("witness.key")
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.0
    }

    /// Creates the folder and a fresh key named `name`; returns the signer.
    ///
    /// # Errors
    /// [`WitnessDirError`].
    pub async fn init(&self, name: &str) -> Result<WitnessSigner, WitnessDirError> {
        let path = self.key_path();
        if path.exists() {
            return Err(WitnessDirError::AlreadyInitialized(
                self.0.display().to_string(),
            ));
        }
        std::fs::create_dir_all(&self.0).map_err(|source| WitnessDirError::Io {
            path: self.0.clone(),
            source,
        })?;
        let (signer, skey) = WitnessSigner::generate_with(&mut rand_core::OsRng, name)?;
        write_key(&path, &skey).map_err(|source| WitnessDirError::Io {
            path: path.clone(),
            source,
        })?;
        self.store().await?.close().await;
        Ok(signer)
    }

    /// The witness's signing key.
    ///
    /// # Errors
    /// [`WitnessDirError`].
    pub fn signer(&self) -> Result<WitnessSigner, WitnessDirError> {
        let path = self.key_path();
        let text = std::fs::read_to_string(&path).map_err(|source| WitnessDirError::Io {
            path: path.clone(),
            source,
        })?;
        WitnessSigner::from_private_key(&text)
            .map_err(|_| WitnessDirError::BadKey(path.display().to_string()))
    }

    /// The witness's database.
    ///
    /// # Errors
    /// [`WitnessDirError::Store`].
    pub async fn store(&self) -> Result<WitnessStore, WitnessDirError> {
        Ok(WitnessStore::open(&self.0.join("witness.db")).await?)
    }
}

/// Writes the key file, readable only by this user, durably.
fn write_key(path: &Path, skey: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = crate::private_fs::file_options()
        .create_new(true)
        .open(path)?;
    f.write_all(format!("{skey}\n").as_bytes())?;
    f.sync_all()
}

/// A running witness: its key and its database.
#[derive(Debug, Clone)]
pub struct Witness {
    signer: WitnessSigner,
    store: WitnessStore,
    clock: fn() -> u64,
}

/// The time now, in POSIX seconds.
fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

impl Witness {
    /// The witness of `signer` over `store`.
    pub fn new(signer: WitnessSigner, store: WitnessStore) -> Witness {
        Witness {
            signer,
            store,
            clock: now,
        }
    }

    /// The witness's signing key.
    pub fn signer(&self) -> &WitnessSigner {
        &self.signer
    }

    /// The witness's database.
    pub fn store(&self) -> &WitnessStore {
        &self.store
    }

    /// Answers an `add-checkpoint` request body: its cosignature line (with `\n`) once the
    /// new head is durable, or the refusal. A request that loses the compare-and-swap to
    /// another is refused with the size the other one recorded (409).
    ///
    /// # Errors
    /// [`WitnessError`].
    pub async fn add_checkpoint(&self, body: &[u8]) -> Result<String, WitnessError> {
        let request = parse_request(body)?;
        let origin = crate::ledger::checkpoint::read_unverified(&request.note)
            .map_err(|_| Refusal::BadRequest("the checkpoint is not a signed checkpoint".into()))?
            .origin;
        let keys = self.store.log_keys(&origin).await?;
        let held = self.store.head(&origin).await?;
        let checkpoint = decide(&request, &keys, held.as_ref().map(|h| (h.size, h.root)))?;
        let cosigned_at = (self.clock)();
        let head = WitnessHead {
            size: checkpoint.size,
            root: checkpoint.root,
            note: request.note.clone(),
            cosigned_at,
        };
        let old = held.as_ref().map(|h| (h.size, h.root));
        if !self.store.advance(&origin, old, &head).await? {
            let now_held = self.store.head(&origin).await?.map_or(0, |h| h.size);
            return Err(Refusal::Conflict(now_held).into());
        }
        let body = checkpoint.body();
        let body = crate::ledger::cosignature::note_body(&request.note).unwrap_or(body);
        Ok(self.signer.cosign(&body, cosigned_at))
    }

    /// The latest checkpoint cosigned for `origin`, with this witness's cosignature (for
    /// monitors), if any.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn cosigned(&self, origin: &str) -> Result<Option<String>, StoreError> {
        let Some(head) = self.store.head(origin).await? else {
            return Ok(None);
        };
        let body = crate::ledger::cosignature::note_body(&head.note)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let line = self.signer.cosign(&body, head.cosigned_at);
        Ok(Some(crate::ledger::cosignature::with_lines(
            &head.note,
            [line.as_str()],
        )))
    }
}
