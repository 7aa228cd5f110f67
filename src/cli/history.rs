//! History across time: `fundtrail verify URL --since CHECKPOINT_FILE` proves that a server's
//! ledger still extends a checkpoint the auditor kept, and `fundtrail verify-fork FILE`
//! checks a fork proof file from the public page (SPEC.md §6.2).

use super::CliError;
use crate::ledger::checkpoint::{read_unverified, verify_checkpoint, Checkpoint};
use crate::ledger::fork::{check_fork_proof, parse_fork_proof, ForkError};
use crate::ledger::merkle::verify_consistency;
use crate::ledger::Hash;
use std::path::Path;

/// Words for every check that could not be completed: the history may or may not have been
/// rewritten, and the command must not say either.
const UNCONFIRMED: &str = "could not confirm that history was not rewritten";

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
pub async fn check_since(url: &str, kept: &Path, key: Option<&str>) -> Result<String, CliError> {
    let base = url.trim_end_matches('/');
    let note = std::fs::read_to_string(kept)
        .map_err(|e| CliError::Usage(format!("{}: {e}", kept.display())))?;
    read_unverified(&note).map_err(|e| {
        CliError::Usage(format!(
            "{}: not a signed checkpoint (save one from {base}/api/v1/checkpoint): {e}",
            kept.display()
        ))
    })?;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let fetch = |path: String| {
        let client = client.clone();
        async move {
            client
                .get(format!("{base}/api/v1/{path}"))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|e| CliError::Usage(format!("{UNCONFIRMED}: {base}: {e}")))
        }
    };
    let unreadable = |e: reqwest::Error| CliError::Usage(format!("{UNCONFIRMED}: {base}: {e}"));
    let key = match key {
        Some(k) => k.trim().to_string(),
        None => fetch("key".into())
            .await?
            .text()
            .await
            .map_err(unreadable)?
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
    let current_note = fetch("checkpoint".into())
        .await?
        .text()
        .await
        .map_err(unreadable)?;
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
        let proof = consistency_proof(&fetch, &old, &new).await?;
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
async fn consistency_proof<F, Fut>(
    fetch: &F,
    old: &Checkpoint,
    new: &Checkpoint,
) -> Result<Vec<Hash>, CliError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<reqwest::Response, CliError>>,
{
    #[derive(serde::Deserialize)]
    struct Consistency {
        from: u64,
        to: u64,
        proof: Vec<Hash>,
    }
    let what = format!(
        "the consistency proof from {} to {} entries",
        old.size, new.size
    );
    let answer: Consistency = fetch(format!(
        "proof/consistency?from={}&to={}",
        old.size, new.size
    ))
    .await?
    .json()
    .await
    .map_err(|e| CliError::Usage(format!("{UNCONFIRMED}: {what} is not valid JSON: {e}")))?;
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
pub fn verify_fork_file(file: &Path, key: Option<String>) -> Result<(), CliError> {
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
