//! `fundtrail verify` (a server URL, a bundle file, or `--data DIR`), `verify URL --since
//! CHECKPOINT_FILE` (the server's ledger still extends a checkpoint the auditor kept) and
//! `fundtrail verify-fork FILE` (a fork proof file from the public page, SPEC.md §6.2), and
//! the HTTP client they (and `verify-receipt`) ask servers with.

use super::progress::{download_bar, progress_bar};
use super::reconcile::{self, StatementArgs};
use super::report::print_report;
use super::sources::{check_key, url_of};
use super::CliError;
use crate::ledger::checkpoint::{read_unverified, verify_checkpoint, Checkpoint};
use crate::ledger::fork::{check_fork_proof, parse_fork_proof, ForkError};
use crate::ledger::merkle::verify_consistency;
use crate::ledger::totals::Totals;
use crate::ledger::verify::verify_bundle;
use crate::ledger::Hash;
use crate::startup::DataDir;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Words for every check that could not be completed: the history may or may not have been
/// rewritten, and the command must not say either.
const UNCONFIRMED: &str = "could not confirm that history was not rewritten";

/// A fundtrail server, asked over HTTP for its key, checkpoints, proofs, totals and bundle.
pub(super) struct Server {
    /// The URL given, without a trailing `/`.
    base: String,
    client: reqwest::Client,
}

/// Why a server gave no usable answer.
pub(super) enum Unanswered {
    /// The request failed or was answered with an error status.
    Request(reqwest::Error),
    /// The answer is not the JSON expected.
    Json(reqwest::Error),
}

/// A consistency proof as the server answers it.
#[derive(serde::Deserialize)]
pub(super) struct Consistency {
    /// The older size.
    pub(super) from: u64,
    /// The newer size.
    pub(super) to: u64,
    /// The proof's hashes.
    pub(super) proof: Vec<Hash>,
}

impl Server {
    /// The server at `url`, each request given at most `timeout`.
    ///
    /// # Errors
    /// [`CliError::Usage`] when no HTTP client can be made.
    pub(super) fn new(url: &str, timeout: Duration) -> Result<Server, CliError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| CliError::Usage(e.to_string()))?;
        Ok(Server {
            base: url.trim_end_matches('/').to_string(),
            client,
        })
    }

    /// The URL, without a trailing `/`.
    pub(super) fn base(&self) -> &str {
        &self.base
    }

    /// `GET /api/v1/{path}`; an error status is an error.
    pub(super) async fn get(&self, path: &str) -> Result<reqwest::Response, reqwest::Error> {
        self.client
            .get(format!("{}/api/v1/{path}", self.base))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
    }

    /// The text at `/api/v1/{path}`.
    pub(super) async fn text(&self, path: &str) -> Result<String, reqwest::Error> {
        self.get(path).await?.text().await
    }

    /// The JSON at `/api/v1/{path}`.
    pub(super) async fn json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<T, Unanswered> {
        let response = self.get(path).await.map_err(Unanswered::Request)?;
        response.json().await.map_err(Unanswered::Json)
    }

    /// The consistency proof from size `from` to size `to`.
    pub(super) async fn consistency(&self, from: u64, to: u64) -> Result<Consistency, Unanswered> {
        self.json(&format!("proof/consistency?from={from}&to={to}"))
            .await
    }
}

/// Verifies the ledger at `source` (a URL or a bundle file) or in `data`, pinning `key`
/// when given; with `since`, first proves the server's ledger extends that checkpoint.
///
/// # Errors
/// [`CliError::Verification`] (exit 1) when verification fails, saying where;
/// [`CliError::Usage`] (exit 2) for bad arguments, unreadable files or unreachable servers.
pub(super) async fn verify(
    source: Option<String>,
    data: Option<DataDir>,
    key: Option<String>,
    since: Option<PathBuf>,
    statements: StatementArgs,
) -> Result<(), CliError> {
    if let Some(k) = &key {
        check_key(k)?;
    }
    let url = source.as_deref().and_then(url_of);
    if since.is_some() && url.is_none() {
        return Err(CliError::Usage(
            "--since needs a server URL: it asks the server for a consistency proof".into(),
        ));
    }
    match (source, data) {
        (Some(_), Some(_)) | (None, None) => Err(CliError::Usage(
            "give a URL, a bundle file, or --data DIR (one of them)".into(),
        )),
        (None, Some(dir)) => verify_data(dir, key).await,
        (Some(_), None) if url.is_some() => {
            let src = url.unwrap_or_default();
            let key = match since {
                Some(kept) => Some(check_since(&src, &kept, key.as_deref()).await?),
                None => key,
            };
            verify_url(&src, key, &statements).await
        }
        (Some(file), None) => {
            let f = std::fs::File::open(&file).map_err(|e| {
                CliError::Usage(format!(
                    "{file}: {e} (to verify a server, give its address, e.g. https://ledger.example.org or 127.0.0.1:8080)"
                ))
            })?;
            let bar = progress_bar(None);
            let report = verify_bundle(std::io::BufReader::new(f), key.as_deref(), None, |n| {
                bar.set_position(n)
            });
            bar.finish_and_clear();
            let report = report.map_err(|e| CliError::Verification(e.to_string()))?;
            print_report(&report, &file, key.is_some());
            let reconciler = reconcile::read_bundle(Path::new(&file))?;
            let lines = statements
                .statements
                .as_deref()
                .map(|dir| reconcile::lines_from_dir(&reconciler, dir))
                .unwrap_or_default();
            reconcile::finish(reconciler, &lines, &statements)
        }
    }
}

/// Verifies every stored entry, every stored Merkle node, the latest checkpoint and the
/// stored totals ([`crate::audit`]).
async fn verify_data(dir: DataDir, key: Option<String>) -> Result<(), CliError> {
    let store = dir.store().await?;
    let first = dir.first_verifier_key(&store).await?;
    let bar = progress_bar(Some(store.size().await?));
    let report = crate::audit::audit(&store, &first, |n| bar.set_position(n)).await;
    bar.finish_and_clear();
    store.close().await;
    let report = report.map_err(|e| match e {
        crate::audit::AuditError::Failed(failure) => CliError::Verification(failure.message),
        crate::audit::AuditError::Store(e) => e.into(),
    })?;
    // A pinned key must be one the ledger was signed with (SPEC.md §23).
    if let Some(pinned) = key.filter(|k| !report.keys.iter().any(|(_, v)| v == k.trim())) {
        return Err(CliError::Verification(format!(
            "checkpoint: signature does not verify with key {} (the ledger was signed with {})",
            pinned.trim(),
            report
                .keys
                .iter()
                .map(|(_, k)| k.as_str())
                .collect::<Vec<_>>()
                .join(", then ")
        )));
    }
    print_report(&report, &dir.root().display().to_string(), true);
    Ok(())
}

async fn verify_url(
    url: &str,
    key: Option<String>,
    statements: &StatementArgs,
) -> Result<(), CliError> {
    let server = Server::new(url, Duration::from_secs(600))?;
    let base = server.base();
    let http_err = |e: reqwest::Error| CliError::Usage(format!("{base}: {e}"));
    for _attempt in 0..3 {
        let claimed: Totals = server.json("totals").await.map_err(|e| match e {
            Unanswered::Request(e) => http_err(e),
            Unanswered::Json(e) => {
                CliError::Verification(format!("totals: not valid totals JSON: {e}"))
            }
        })?;
        let mut response = server.get("export").await.map_err(http_err)?;
        let tmp = std::env::temp_dir().join(format!("fundtrail-verify-{}.txt", std::process::id()));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        let download = download_bar(response.content_length());
        while let Some(chunk) = response.chunk().await.map_err(http_err)? {
            file.write_all(&chunk)?;
            download.inc(chunk.len() as u64);
        }
        download.finish_and_clear();
        file.flush()?;
        drop(file);
        let f = std::io::BufReader::new(std::fs::File::open(&tmp)?);
        let bar = progress_bar(Some(claimed.size));
        let result = verify_bundle(f, key.as_deref(), None, |n| bar.set_position(n));
        bar.finish_and_clear();
        let reconciler = match &result {
            Ok(_) => Some(reconcile::read_bundle(&tmp)),
            Err(_) => None,
        };
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
        if let Some(reconciler) = reconciler.transpose()? {
            let lines = reconcile::lines_from_server(&reconciler, &server).await;
            reconcile::finish(reconciler, &lines, statements)?;
        }
        return Ok(());
    }
    Err(CliError::Usage(
        "the ledger kept growing during verification; try again".into(),
    ))
}

/// Proves that the ledger at `url` extends the signed checkpoint in `kept`, signed with the
/// same key (`key`, or the key the server publishes), and returns that key, for the full
/// verification to pin.
///
/// # Errors
/// [`CliError::Verification`] (exit 1) when the kept checkpoint is not signed with the key
/// (the key changed, which is never accepted silently), when the server's checkpoint does not
/// verify, or when history was rewritten (naming both sizes and roots);
/// [`CliError::Usage`] (exit 2) when the file is unreadable or the server cannot give what
/// the check needs.
pub(super) async fn check_since(
    url: &str,
    kept: &Path,
    key: Option<&str>,
) -> Result<String, CliError> {
    let server = Server::new(url, Duration::from_secs(60))?;
    let base = server.base();
    let note = std::fs::read_to_string(kept)
        .map_err(|e| CliError::Usage(format!("{}: {e}", kept.display())))?;
    read_unverified(&note).map_err(|e| {
        CliError::Usage(format!(
            "{}: not a signed checkpoint (save one from {base}/api/v1/checkpoint): {e}",
            kept.display()
        ))
    })?;
    let unconfirmed = |e: reqwest::Error| CliError::Usage(format!("{UNCONFIRMED}: {base}: {e}"));
    let key = match key {
        Some(k) => k.trim().to_string(),
        None => server
            .text("key")
            .await
            .map_err(unconfirmed)?
            .trim()
            .to_string(),
    };
    let old = verify_checkpoint(&note, &key).map_err(|e| {
        CliError::Verification(format!(
            "the checkpoint you kept in {} is not signed with the key {key} ({e}): the signing key \
             changed, or the file is from another ledger. A new key is never accepted silently: \
             compare it with the one the organisation announced, and keep a new checkpoint if you \
             accept it",
            kept.display()
        ))
    })?;
    let current_note = server.text("checkpoint").await.map_err(unconfirmed)?;
    let new = verify_checkpoint(&current_note, &key).map_err(|e| {
        CliError::Verification(format!(
            "the server's current checkpoint does not verify with the key {key}: {e}"
        ))
    })?;
    let rewritten = |why: String| {
        CliError::Verification(format!(
            "history rewritten: the checkpoint you kept ({} entries, root {}) is not a prefix of \
             the server's current one ({} entries, root {}): {why}",
            old.size, old.root, new.size, new.root
        ))
    };
    if new.size < old.size {
        return Err(rewritten("the ledger has fewer entries than before".into()));
    }
    if new.size == old.size && new.root != old.root {
        return Err(rewritten("two different roots for the same size".into()));
    }
    if new.size > old.size {
        let proof = consistency_proof(&server, &old, &new).await?;
        verify_consistency(old.size, new.size, &old.root, &new.root, &proof)
            .map_err(|e| rewritten(format!("the consistency proof does not verify ({e})")))?;
    }
    println!(
        "History: the ledger ({} entries, root {}) extends the checkpoint you kept ({} entries, root {})",
        new.size, new.root, old.size, old.root
    );
    Ok(key)
}

/// The server's consistency proof from `old` to `new`.
async fn consistency_proof(
    server: &Server,
    old: &Checkpoint,
    new: &Checkpoint,
) -> Result<Vec<Hash>, CliError> {
    let what = format!(
        "the consistency proof from {} to {} entries",
        old.size, new.size
    );
    let answer = server
        .consistency(old.size, new.size)
        .await
        .map_err(|e| match e {
            Unanswered::Request(e) => {
                CliError::Usage(format!("{UNCONFIRMED}: {}: {e}", server.base()))
            }
            Unanswered::Json(e) => {
                CliError::Usage(format!("{UNCONFIRMED}: {what} is not valid JSON: {e}"))
            }
        })?;
    if (answer.from, answer.to) != (old.size, new.size) {
        return Err(CliError::Usage(format!(
            "{UNCONFIRMED}: the server answered {what} for sizes {} to {}",
            answer.from, answer.to
        )));
    }
    Ok(answer.proof)
}

/// Checks the fork proof file `file` with `key` (default: the key the file names).
///
/// # Errors
/// [`CliError::Verification`] (exit 1) when the file does not prove a fork (a note does not
/// verify, the evidence is invalid, or it shows no fork); [`CliError::Usage`] (exit 2) when it
/// is unreadable or not a fork proof file.
pub(super) fn verify_fork_file(file: &Path, key: Option<String>) -> Result<(), CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    let proof = parse_fork_proof(&text).map_err(|e| match e {
        ForkError::NotAForkProof(_) => CliError::Usage(format!("{}: {e}", file.display())),
        other => CliError::Verification(other.to_string()),
    })?;
    let key = match key {
        Some(k) => k,
        None => {
            eprintln!(
                "warning: checking the notes against the key the file names; pass --key with the \
                 ledger's published verifier key to know it is theirs"
            );
            proof.key.clone()
        }
    };
    let check =
        check_fork_proof(&proof, &key).map_err(|e| CliError::Verification(e.to_string()))?;
    if !check.verdict.proves_fork() {
        return Err(CliError::Verification(format!(
            "this file does not prove a fork: {}",
            check.verdict
        )));
    }
    println!("Fork proved: {}", check.verdict);
    for (label, cp) in [("seen first", &check.first), ("seen later", &check.later)] {
        println!(
            "  {label}: {} entries, root {} (signature valid)",
            cp.size, cp.root
        );
    }
    println!("  key:        {}", key.trim());
    Ok(())
}
