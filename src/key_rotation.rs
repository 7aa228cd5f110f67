//! Rotating a ledger's signing key (SPEC.md §23), in the data folder and in a running
//! server: [`rotate_signing_key`] generates the new key, appends the `key.rotate` entry
//! through the sequencer (which signs it with the key in force and every checkpoint after
//! it with the new key), and swaps the key files.
//!
//! The files, in the data folder: `signing.key` is the key in force; each key it replaced
//! is kept as `signing.key.retired-<key id>` (0600), so the server can name the ledger's
//! first key after a restart. The new key is written as `signing.key.next` before the
//! entry is appended, so a crash between the append and the swap loses no key: the next
//! start finishes the swap when the ledger holds the rotation, and discards the file when
//! it does not ([`DataDir::finish_pending_rotation`]).

use crate::http::error::ApiError;
use crate::http::{AppParts, AppState};
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::decode;
use crate::ledger::entry::Body;
use crate::sequencer::KeyHistory;
use crate::startup::{DataDir, StartupError};
use crate::store::{Store, StoredCheckpoint};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file name prefix of a retired signing key.
const RETIRED_PREFIX: &str = "signing.key.retired-";

/// What a rotation did.
#[derive(Debug, Clone)]
pub struct Rotated {
    /// The `key.rotate` entry's position.
    pub seq: u64,
    /// The new verifier key, in force from the checkpoint of `seq + 1` entries on.
    pub verifier_key: String,
    /// The key it replaced.
    pub previous_key: String,
    /// The checkpoint that includes the rotation, signed by the new key.
    pub checkpoint: StoredCheckpoint,
}

/// The key id of a well-formed verifier key text: the 8 hex digits after the name (a name
/// holds no `+`; the base64 after the id may).
fn key_id(vkey: &str) -> &str {
    vkey.split('+').nth(1).unwrap_or("unknown")
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StartupError + '_ {
    move |source| StartupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl DataDir {
    /// `signing.key.next`: the new key of a rotation not finished yet.
    pub fn next_key_path(&self) -> PathBuf {
        self.root().join("signing.key.next")
    }

    /// The verifier keys of the retired signing keys kept in the folder, in no order.
    pub fn retired_verifier_keys(&self) -> Vec<String> {
        self.retired_signers()
            .iter()
            .map(|s| s.verifier_key().to_string())
            .collect()
    }

    /// The retired signing keys kept in the folder, in no order. Unreadable files are
    /// skipped with a warning.
    pub fn retired_signers(&self) -> Vec<CheckpointSigner> {
        let Ok(dir) = std::fs::read_dir(self.root()) else {
            return Vec::new();
        };
        let mut keys = Vec::new();
        for entry in dir.flatten() {
            if !entry
                .file_name()
                .to_string_lossy()
                .starts_with(RETIRED_PREFIX)
            {
                continue;
            }
            let path = entry.path();
            match std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| CheckpointSigner::from_private_key(&t).ok())
            {
                Some(signer) => keys.push(signer),
                None => tracing::warn!(file = %path.display(), "not a signing key; ignored"),
            }
        }
        keys
    }

    /// The keys the ledger in `store` (this folder's) was signed with, first key first
    /// (SPEC.md §23), found from its `key.rotate` entries, `signing.key` and the retired
    /// keys.
    ///
    /// # Errors
    /// [`StartupError`] when the key files or the store cannot be read.
    pub async fn key_history(&self, store: &Store) -> Result<KeyHistory, StartupError> {
        let signer = self.signer()?;
        Ok(
            crate::sequencer::stored_key_history(store, &signer, &self.retired_verifier_keys())
                .await?,
        )
    }

    /// The ledger's first key (the key of its bundles, SPEC.md §10): `signing.key`'s when
    /// it never rotated.
    ///
    /// # Errors
    /// [`StartupError`] when the key files or the store cannot be read, or when no retired
    /// key file holds the first key of a rotated ledger.
    pub async fn first_verifier_key(&self, store: &Store) -> Result<String, StartupError> {
        let history = self.key_history(store).await?;
        history.first().map(str::to_string).ok_or_else(|| StartupError::Config {
            path: self.root().to_path_buf(),
            message: "the ledger rotated its key, but no signing.key.retired-* file holds its first key".into(),
        })
    }

    /// Finishes a rotation a crash interrupted: when `signing.key.next` exists and the
    /// ledger's last `key.rotate` names its key, the current key is retired and the new one
    /// put in force; when the ledger does not hold that rotation, the file is removed.
    ///
    /// # Errors
    /// [`StartupError`] when the files or the store cannot be read or renamed.
    pub async fn finish_pending_rotation(&self, store: &Store) -> Result<(), StartupError> {
        let next_path = self.next_key_path();
        if !next_path.exists() {
            return Ok(());
        }
        let text = std::fs::read_to_string(&next_path).map_err(io(&next_path))?;
        let next =
            CheckpointSigner::from_private_key(&text).map_err(|source| StartupError::Key {
                path: next_path.clone(),
                source,
            })?;
        let last = store.key_rotations().await?.pop();
        let rotated_to = last
            .and_then(|row| decode(&row.leaf).ok())
            .and_then(|e| match e.body {
                Body::KeyRotate(r) => Some(r.verifier_key),
                _ => None,
            });
        if rotated_to.as_deref() == Some(next.verifier_key())
            && self.signer()?.verifier_key() != next.verifier_key()
        {
            tracing::warn!("finishing an interrupted key rotation: the new key goes in force");
            self.put_in_force(&self.signer()?)
        } else {
            std::fs::remove_file(&next_path).map_err(io(&next_path))
        }
    }

    /// Retires `current` (the key in `signing.key`) as `signing.key.retired-<key id>` and
    /// puts `signing.key.next` in its place.
    fn put_in_force(&self, current: &CheckpointSigner) -> Result<(), StartupError> {
        let retired = self.root().join(format!(
            "{RETIRED_PREFIX}{}",
            key_id(current.verifier_key())
        ));
        let key_path = self.key_path();
        std::fs::rename(&key_path, &retired).map_err(io(&key_path))?;
        let next_path = self.next_key_path();
        std::fs::rename(&next_path, &key_path).map_err(io(&next_path))?;
        sync_folder(self.root())
    }

    /// Points the folder's witness policy (`witness-policy.txt`, when there is one) at the
    /// new key: its `log <old>` line becomes `log <new>`, so the published policy names the
    /// key that signs the checkpoints witnesses are asked to cosign. The witnesses must be
    /// told of the new key too (`fundtrail witness add-log`).
    fn point_policy_at(&self, old: &str, new: &str) -> Result<(), StartupError> {
        let path = self.root().join("witness-policy.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(());
        };
        let Some(updated) = crate::witness::published::pointed_at(&text, old, new) else {
            return Ok(());
        };
        let tmp = self.root().join("witness-policy.txt.next");
        std::fs::write(&tmp, updated).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        sync_folder(self.root())
    }

    /// Writes `skey` as `signing.key.next` (0600), replacing a leftover one, and syncs it.
    fn write_next_key(&self, skey: &str) -> Result<(), StartupError> {
        use std::io::Write;
        let path = self.next_key_path();
        if path.exists() {
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
        let mut f = crate::private_fs::file_options()
            .create_new(true)
            .open(&path)
            .map_err(io(&path))?;
        f.write_all(format!("{skey}\n").as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(io(&path))?;
        sync_folder(self.root())
    }
}

/// Makes the folder's renames and new files durable.
fn sync_folder(root: &Path) -> Result<(), StartupError> {
    #[cfg(unix)]
    std::fs::File::open(root)
        .and_then(|f| f.sync_all())
        .map_err(io(root))?;
    Ok(())
}

impl AppParts {
    /// The keys the ledger was signed with, first key first (SPEC.md §23), as the
    /// sequencer last published them; the configured key alone before it has.
    pub fn key_history(&self) -> Arc<KeyHistory> {
        let keys = Arc::clone(&self.sequencer.view().keys);
        if keys.keys().is_empty() {
            Arc::new(KeyHistory::single(&self.site.verifier_key))
        } else {
            keys
        }
    }

    /// The key that signs the next checkpoint.
    pub fn key_in_force(&self) -> String {
        let keys = self.key_history();
        keys.in_force()
            .unwrap_or(&self.site.verifier_key)
            .to_string()
    }

    /// The ledger's first key: the key of its export bundles (SPEC.md §10, §23).
    pub fn first_key(&self) -> String {
        let keys = self.key_history();
        keys.first().unwrap_or(&self.site.verifier_key).to_string()
    }

    /// The key that signed the checkpoint of `size` entries.
    pub fn key_at(&self, size: u64) -> String {
        let keys = self.key_history();
        keys.at(size).unwrap_or(&self.site.verifier_key).to_string()
    }
}

/// Why a rotation failed before anything was appended, or after.
fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "key_rotation_failed",
        e.to_string(),
    )
}

/// Rotates the signing key of the ledger served by `state`, whose data folder is `data`:
/// a new key (same origin) is generated and kept as `signing.key.next`, a `key.rotate`
/// entry recorded by `recorded_by` with `note` is appended through the sequencer, queued
/// behind the appends before it (signed by the key in force over its `prev`), and then the
/// old key is retired as `signing.key.retired-<key id>` and the new one becomes
/// `signing.key`. The checkpoint that includes the entry, and every later one, is signed by
/// the new key.
///
/// # Errors
/// The append's [`ApiError`] (e.g. `note` naming the field, 423 while appends are refused),
/// nothing appended and the old key in force; a 500 `key_rotation_failed` when the key files
/// cannot be written (before the append: nothing appended), or renamed after it (the
/// rotation is recorded and the server signs with the new key; the next start finishes the
/// files).
pub async fn rotate_signing_key(
    state: &AppState,
    data: &DataDir,
    note: Option<String>,
    recorded_by: &str,
) -> Result<Rotated, ApiError> {
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _alone = ONE_AT_A_TIME.lock().await;
    let current = data.signer().map_err(internal)?;
    let in_force = state.key_in_force();
    if current.verifier_key() != in_force {
        return Err(internal(format!(
            "{} holds {}, but the ledger is signed by {in_force}",
            data.key_path().display(),
            current.verifier_key()
        )));
    }
    let (new, skey) = CheckpointSigner::generate(current.origin()).map_err(internal)?;
    data.write_next_key(&skey).map_err(internal)?;
    let verifier_key = new.verifier_key().to_string();
    let appended = match state
        .sequencer
        .rotate_key(new, note, recorded_by.to_string())
        .await
    {
        Ok(appended) => appended,
        Err(e) => {
            let _ = std::fs::remove_file(data.next_key_path());
            return Err(e.into());
        }
    };
    data.put_in_force(&current).map_err(|e| {
        tracing::error!(error = %e, "the key rotation is recorded, but the key files could not be swapped; the next start finishes it");
        internal(format!("the key rotation is recorded (entry {}), but the key files could not be swapped: {e}", appended.seq))
    })?;
    if let Err(e) = data.point_policy_at(current.verifier_key(), &verifier_key) {
        tracing::warn!(error = %e, "could not point the witness policy at the new key; edit its `log` line");
    }
    // The policy this server publishes follows at once (the file is for the next start).
    state.policy.point_at(current.verifier_key(), &verifier_key);
    Ok(Rotated {
        seq: appended.seq,
        verifier_key,
        previous_key: current.verifier_key().to_string(),
        checkpoint: appended.checkpoint,
    })
}
