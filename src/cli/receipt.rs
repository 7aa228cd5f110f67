//! `fundtrail verify-receipt`: checks a donation receipt offline (SPEC.md §12), as JSON or
//! as a C2SP tlog-proof file (§12.1); with `--policy`, that the witnesses of a C2SP
//! tlog-policy cosigned its checkpoint (§15); with `--url`, that the server's latest
//! checkpoint is consistent with the receipt's.

use super::verify::{Server, Unanswered};
use super::CliError;
use crate::ledger::checkpoint::{parse_verifier_key, verify_checkpoint, Checkpoint};
use crate::ledger::merkle::verify_consistency;
use crate::ledger::money::format_decimal;
use crate::ledger::receipt::{verify_receipt, Receipt, VerifiedReceipt};
use crate::ledger::Hash;
use std::path::Path;
use std::time::Duration;

/// Verifies the receipt in `file` (`-` for standard input).
///
/// # Errors
/// [`CliError::Verification`] (exit 1) when the receipt, the identifier or the server's
/// consistency proof does not check out; [`CliError::Usage`] (exit 2) for unreadable
/// files, malformed keys or unreachable servers.
pub(super) async fn verify_receipt_file(
    file: &Path,
    key: Option<String>,
    url: Option<String>,
    identifier: Option<String>,
    policy: Option<std::path::PathBuf>,
) -> Result<(), CliError> {
    let policy = policy
        .as_deref()
        .map(super::tiles::read_policy)
        .transpose()?;
    if let Some(k) = &key {
        parse_verifier_key(k).map_err(|e| CliError::Usage(e.to_string()))?;
    }
    let text = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(file)
            .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?
    };
    if super::donor_statement::is_statement(&text) {
        return super::donor_statement::verify_text(&text, key, identifier);
    }
    let policy_key = policy
        .as_ref()
        .and_then(|p| p.logs.first().map(|l| l.0.clone()));
    let receipt: Receipt = if text.starts_with(crate::ledger::tlog_proof::HEADER) {
        let proof = crate::ledger::tlog_proof::TlogProof::parse(&text)
            .map_err(|e| CliError::Verification(e.to_string()))?;
        let Some(k) = key.clone().or(policy_key.clone()) else {
            return Err(CliError::Usage(
                "a tlog-proof carries no key: pass --key with the charity's verifier key, or --policy".into(),
            ));
        };
        crate::ledger::tlog_proof::to_receipt(&proof, &k)
            .map_err(|e| CliError::Verification(e.to_string()))?
    } else {
        serde_json::from_str(&text)
            .map_err(|e| CliError::Verification(format!("receipt: not a valid receipt: {e}")))?
    };
    let pinned = key.is_some() || policy_key.is_some();
    let key = key.or(policy_key).unwrap_or_else(|| receipt.key.clone());
    if !pinned {
        eprintln!(
            "warning: checking the receipt against the key it carries; pass --key with the \
             charity's published verifier key to know it is theirs"
        );
    }
    // A receipt signed with another key of the ledger (before or after a key rotation,
    // SPEC.md §23) is checked with its own key once the server proves both keys are the
    // ledger's, the hand-over signed.
    let mut latest_key = key.clone();
    let receipt_key = match (&url, pinned && receipt.key.trim() != key.trim()) {
        (Some(u), true) => {
            let server = Server::new(u, Duration::from_secs(60))?;
            latest_key = super::rotation_proof::prove_keys_of_one_ledger(&server, &receipt.key, &key)
                .await
                .map_err(|why| {
                    CliError::Verification(format!(
                        "receipt: signed with {}, not the pinned key {key}, and the server does not prove both are keys of this ledger: {why}",
                        receipt.key.trim()
                    ))
                })?;
            println!(
                "Key: the receipt's key {} and the pinned key are keys of this ledger; the hand-over is signed (SPEC.md §23)",
                receipt.key.trim()
            );
            receipt.key.trim().to_string()
        }
        (Some(u), false) if pinned => {
            // The ledger may have rotated since: its latest checkpoint is then checked with
            // the key in force, once the hand-over from the pinned key is proven.
            let server = Server::new(u, Duration::from_secs(60))?;
            let now = server.text("key").await.ok().map(|t| t.trim().to_string());
            if let Some(now) = now.filter(|now| now != key.trim()) {
                latest_key = super::rotation_proof::prove_keys_of_one_ledger(&server, &key, &now)
                    .await
                    .map_err(|why| {
                        CliError::Verification(format!(
                            "the server signs with {now}, not the pinned key {key}, and does not prove the hand-over: {why}"
                        ))
                    })?;
                println!("Key: the ledger's key was rotated from the pinned key to {now}; the hand-over is signed (SPEC.md §23)");
            }
            key.clone()
        }
        _ => key.clone(),
    };
    let verified = verify_receipt(&receipt, &receipt_key, identifier.as_deref())
        .map_err(|e| CliError::Verification(e.to_string()))?;
    if let Some(policy) = &policy {
        let verdict = policy
            .require(&receipt.checkpoint)
            .map_err(|e| CliError::Verification(format!("receipt: {e}")))?;
        super::tiles::print_witnesses(&verdict);
    }
    let newer = match url {
        Some(u) => Some(check_consistency(&u, &latest_key, &verified.checkpoint).await?),
        None => None,
    };
    print(&receipt, &verified, pinned, newer.as_ref());
    Ok(())
}

/// Fetches the server's latest checkpoint and proves the receipt's checkpoint is a prefix.
async fn check_consistency(url: &str, key: &str, old: &Checkpoint) -> Result<Checkpoint, CliError> {
    let server = Server::new(url, Duration::from_secs(60))?;
    let http_err = |e: reqwest::Error| CliError::Usage(format!("{}: {e}", server.base()));
    let note = server.text("checkpoint").await.map_err(http_err)?;
    let latest = verify_checkpoint(&note, key)
        .map_err(|e| CliError::Verification(format!("server's latest {e}")))?;
    if latest.size < old.size {
        return Err(CliError::Verification(format!(
            "the server's latest checkpoint covers {} entries, fewer than the receipt's {}: \
             the ledger was rolled back, or this server lags behind",
            latest.size, old.size
        )));
    }
    let proof: Vec<Hash> = if latest.size == old.size {
        Vec::new()
    } else {
        let answer = server
            .consistency(old.size, latest.size)
            .await
            .map_err(|e| match e {
                Unanswered::Request(e) => http_err(e),
                Unanswered::Json(e) => {
                    CliError::Verification(format!("consistency proof: not valid JSON: {e}"))
                }
            })?;
        answer.proof
    };
    verify_consistency(old.size, latest.size, &old.root, &latest.root, &proof).map_err(|e| {
        CliError::Verification(format!(
            "the server's checkpoint of size {} is not consistent with the receipt's of size {}: {e}",
            latest.size, old.size
        ))
    })?;
    Ok(latest)
}

/// Prints what the receipt proves.
fn print(receipt: &Receipt, v: &VerifiedReceipt, pinned: bool, newer: Option<&Checkpoint>) {
    let d = &v.donation;
    println!("Verified receipt {}", receipt.code);
    let channel = serde_json::to_value(d.channel).unwrap_or_default();
    println!(
        "  donation:    entry {}, {} {} to {} ({}), received {}",
        v.seq,
        format_decimal(u128::from(d.amount.get()), d.currency),
        d.currency,
        d.campaign,
        channel.as_str().unwrap_or("?"),
        d.received_at
    );
    println!("  donor:       {}", d.donor);
    println!("  recorded at: {}", v.recorded_at);
    println!(
        "  checkpoint:  {} (size {}, signature valid{})",
        v.checkpoint.origin,
        v.checkpoint.size,
        if pinned {
            ", key pinned"
        } else {
            "; key taken from the receipt"
        }
    );
    if v.identifier_checked {
        println!("  identifier:  matches the donor commitment");
    }
    if let Some(cp) = newer {
        println!(
            "  consistency: the server's latest checkpoint (size {}) extends the receipt's",
            cp.size
        );
    }
}
