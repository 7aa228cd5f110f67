//! One upload request's files succeed or fail together. Files are stored as they arrive (so a
//! request never holds more than one file in memory); when the request is refused later, the
//! files it stored are removed again, but only those nothing else may rely on.
//!
//! The store is content-addressed, so two requests may send the same bytes, and a
//! disbursement may list a file by hash while the request that stores it is still running. A
//! refused request therefore removes a file only when all of these hold:
//! - it is the request that claimed the file first (the first to start storing it),
//! - its own write created the file (it was not stored before),
//! - no other upload of the same bytes and no disbursement's evidence check met the file
//!   while the request was running.
//!
//! Writes and the evidence check hold a shared gate; removal holds it alone. So nothing can
//! see a file between the decision to remove it and its removal. When in doubt a file stays:
//! an unreferenced file costs disk space, a missing referenced one would break the ledger's
//! promise that every listed document can be downloaded.

use super::{EvidenceError, EvidenceStore};
use crate::ledger::entry::Evidence;
use crate::ledger::hash::{sha256, Hash};
use bytes::Bytes;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Files being stored by upload requests still in progress.
#[derive(Debug, Default)]
pub(super) struct Tentative {
    /// Shared by writes and evidence checks, held alone by removals.
    gate: tokio::sync::RwLock<()>,
    /// Who claimed each file, and whether anyone else met it since.
    claims: Mutex<HashMap<Hash, Claim>>,
    /// The next request's number.
    next_request: AtomicU64,
}

#[derive(Debug)]
struct Claim {
    /// The request that claimed the file.
    request: u64,
    /// Whether that request's write created the file.
    created: bool,
    /// Whether another upload or an evidence check met the file since.
    relied_on: bool,
}

impl Tentative {
    /// Runs `look` (a look at the stored file `hash`) so that the file, if an upload request is
    /// still storing it, is never removed by that request from now on.
    pub(super) async fn while_relied_on<T>(&self, hash: &Hash, look: impl Future<Output = T>) -> T {
        let _shared = self.gate.read().await;
        if let Ok(mut claims) = self.claims.lock() {
            if let Some(claim) = claims.get_mut(hash) {
                claim.relied_on = true;
            }
        }
        look.await
    }
}

/// An upload request in progress. End it with [`Upload::keep`] when the request succeeds, or
/// [`Upload::abandon`] when it is refused; one dropped without either (the client went away)
/// is abandoned in the background.
#[derive(Debug)]
pub struct Upload {
    store: EvidenceStore,
    request: u64,
    /// The files this request claimed.
    claimed: Vec<Hash>,
    ended: bool,
}

impl Upload {
    pub(super) fn new(store: EvidenceStore) -> Self {
        let request = store.tentative.next_request.fetch_add(1, Ordering::Relaxed);
        Upload {
            store,
            request,
            claimed: Vec::new(),
            ended: false,
        }
    }

    /// Checks one file and stores it; returns the [`Evidence`] a disbursement lists.
    ///
    /// # Errors
    /// [`EvidenceError`]: too large, empty, a refused media type or name, or a storage failure
    /// (then nothing of this file is stored).
    pub async fn add(
        &mut self,
        name: Option<&str>,
        declared: Option<&str>,
        bytes: Bytes,
    ) -> Result<Evidence, EvidenceError> {
        let (name, media_type) = self.store.check(name, declared, &bytes)?;
        let (hash, size) = (sha256(&bytes), bytes.len() as u64);
        let tentative = Arc::clone(&self.store.tentative);
        let _shared = tentative.gate.read().await;
        let first = self.claim(hash);
        let stored = self.store.blobs.store(bytes, media_type).await?;
        if first && stored.created {
            if let Ok(mut claims) = tentative.claims.lock() {
                if let Some(claim) = claims.get_mut(&hash) {
                    claim.created = true;
                }
            }
        }
        Ok(Evidence {
            media_type: media_type.to_string(),
            name,
            sha256: hash,
            size,
        })
    }

    /// Claims `hash` for this request if no request has; otherwise marks the other request's
    /// claim as relied on. Returns whether this request claimed it now.
    fn claim(&mut self, hash: Hash) -> bool {
        let Ok(mut claims) = self.store.tentative.claims.lock() else {
            return false;
        };
        match claims.get_mut(&hash) {
            Some(claim) => {
                if claim.request != self.request {
                    claim.relied_on = true;
                }
                false
            }
            None => {
                claims.insert(
                    hash,
                    Claim {
                        request: self.request,
                        created: false,
                        relied_on: false,
                    },
                );
                self.claimed.push(hash);
                true
            }
        }
    }

    /// The request succeeded: its files stay.
    pub fn keep(mut self) {
        self.ended = true;
        let claimed = std::mem::take(&mut self.claimed);
        release(&self.store, self.request, &claimed);
    }

    /// The request was refused: removes the files it created that nothing else may rely on.
    /// A failure to remove one is logged; the file then stays, unreferenced.
    pub async fn abandon(mut self) {
        self.ended = true;
        let claimed = std::mem::take(&mut self.claimed);
        remove_unrelied(&self.store, self.request, &claimed).await;
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.ended || self.claimed.is_empty() {
            return;
        }
        let (store, request, claimed) = (
            self.store.clone(),
            self.request,
            std::mem::take(&mut self.claimed),
        );
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move { remove_unrelied(&store, request, &claimed).await });
            }
            Err(_) => {
                release(&store, request, &claimed);
            }
        }
    }
}

/// Forgets `request`'s claims on `claimed`; returns the files it may remove.
fn release(store: &EvidenceStore, request: u64, claimed: &[Hash]) -> Vec<Hash> {
    let Ok(mut claims) = store.tentative.claims.lock() else {
        return Vec::new();
    };
    let mut removable = Vec::new();
    for hash in claimed {
        if claims.get(hash).is_some_and(|c| c.request == request) {
            if let Some(claim) = claims.remove(hash) {
                if claim.created && !claim.relied_on {
                    removable.push(*hash);
                }
            }
        }
    }
    removable
}

async fn remove_unrelied(store: &EvidenceStore, request: u64, claimed: &[Hash]) {
    if claimed.is_empty() {
        return;
    }
    let _alone = store.tentative.gate.write().await;
    for hash in release(store, request, claimed) {
        if let Err(e) = store.blobs.delete(&hash).await {
            tracing::warn!(%hash, error = %e, "could not remove a file of a refused upload; it stays unreferenced");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::blobs::BlobStore;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n";
    const OTHER_PDF: &[u8] = b"%PDF-1.7\n2 0 obj << >> endobj\n";

    fn store() -> EvidenceStore {
        EvidenceStore::new(BlobStore::in_memory(), 1024)
    }

    async fn add(upload: &mut Upload, bytes: &'static [u8]) -> Hash {
        upload
            .add(
                Some("invoice.pdf"),
                Some("application/pdf"),
                Bytes::from_static(bytes),
            )
            .await
            .expect("accepted")
            .sha256
    }

    async fn is_stored(store: &EvidenceStore, hash: &Hash) -> bool {
        store.blobs.info(hash).await.expect("info").is_some()
    }

    #[tokio::test]
    async fn an_abandoned_upload_removes_the_files_it_created() {
        let store = store();
        let mut upload = store.begin_upload();
        let first = add(&mut upload, PDF).await;
        let second = add(&mut upload, OTHER_PDF).await;

        upload.abandon().await;

        assert!(!is_stored(&store, &first).await);
        assert!(!is_stored(&store, &second).await);
    }

    #[tokio::test]
    async fn a_kept_upload_keeps_its_files() {
        let store = store();
        let mut upload = store.begin_upload();
        let hash = add(&mut upload, PDF).await;

        upload.keep();

        assert!(is_stored(&store, &hash).await);
    }

    #[tokio::test]
    async fn an_abandoned_upload_keeps_a_file_that_was_stored_before_it() {
        let store = store();
        let earlier = store
            .upload(None, Some("application/pdf"), Bytes::from_static(PDF))
            .await
            .expect("stored");
        let mut upload = store.begin_upload();
        add(&mut upload, PDF).await;

        upload.abandon().await;

        assert!(is_stored(&store, &earlier.sha256).await);
    }

    #[tokio::test]
    async fn an_abandoned_upload_keeps_a_file_another_upload_sent_meanwhile() {
        let store = store();
        let mut refused = store.begin_upload();
        let hash = add(&mut refused, PDF).await;
        let mut accepted = store.begin_upload();
        add(&mut accepted, PDF).await;
        accepted.keep();

        refused.abandon().await;

        assert!(is_stored(&store, &hash).await);
    }

    #[tokio::test]
    async fn an_abandoned_upload_keeps_a_file_a_disbursement_checked_meanwhile() {
        let store = store();
        let mut refused = store.begin_upload();
        let evidence = refused
            .add(None, Some("application/pdf"), Bytes::from_static(PDF))
            .await
            .expect("accepted");
        store
            .check_listed(std::slice::from_ref(&evidence))
            .await
            .expect("listed as stored");

        refused.abandon().await;

        assert!(is_stored(&store, &evidence.sha256).await);
    }

    #[tokio::test]
    async fn an_upload_dropped_midway_is_abandoned_in_the_background() {
        let store = store();
        let mut upload = store.begin_upload();
        let hash = add(&mut upload, PDF).await;

        drop(upload);
        for _ in 0..100 {
            if !is_stored(&store, &hash).await {
                break;
            }
            tokio::task::yield_now().await;
        }

        assert!(!is_stored(&store, &hash).await);
        assert!(store.tentative.claims.lock().expect("lock").is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_uploads_of_one_file_never_lose_the_copy_a_kept_upload_answered_with() {
        for _ in 0..50 {
            let store = store();
            let (a, b) = (store.clone(), store.clone());
            let refused = tokio::spawn(async move {
                let mut upload = a.begin_upload();
                add(&mut upload, PDF).await;
                upload.abandon().await;
            });
            let kept = tokio::spawn(async move {
                let mut upload = b.begin_upload();
                let hash = add(&mut upload, PDF).await;
                upload.keep();
                hash
            });
            refused.await.expect("refused upload");
            let hash = kept.await.expect("kept upload");

            assert!(is_stored(&store, &hash).await);
        }
    }
}
