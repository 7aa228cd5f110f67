//! `fundtrail tiles --out DIR|s3://…` (the log as static C2SP tlog-tiles files, SPEC.md
//! §13), `fundtrail verify --tiles PREFIX` (a ledger read from tiles alone: the checkpoint
//! and the entry bundles, no `/api/v1`), and the witness policy (`--policy`, SPEC.md §15)
//! both verify commands read.

use super::progress::progress_bar;
use super::CliError;
use crate::ledger::checkpoint::read_unverified;
use crate::ledger::policy::{Policy, Verdict};
use crate::ledger::tiles::{decode_bundle, Tile, TileKind, TILE_WIDTH};
use crate::ledger::verify::verify_bundle;
use crate::startup::DataDir;
use crate::tiles::publish::{publish, Destination};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Reads and parses a policy file.
///
/// # Errors
/// [`CliError::Usage`] naming the file and the line.
pub(super) fn read_policy(path: &Path) -> Result<Policy, CliError> {
    let bytes =
        std::fs::read(path).map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    Policy::parse(&bytes).map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

/// Prints which witnesses of the policy cosigned, when, and whether the quorum is met.
pub(super) fn print_witnesses(verdict: &Verdict) {
    for w in &verdict.witnesses {
        match w.cosigned_at {
            Some(t) => {
                let when = chrono::DateTime::from_timestamp(i64::try_from(t).unwrap_or(0), 0)
                    .map_or_else(|| t.to_string(), |d| d.to_rfc3339());
                println!("  witness {}: cosigned at {when}", w.name);
            }
            None => println!("  witness {}: no cosignature", w.name),
        }
    }
    println!(
        "  quorum:     {}",
        if verdict.quorum_met { "met" } else { "NOT met" }
    );
}

/// `fundtrail tiles`: brings the static copy at `out` up to date.
///
/// # Errors
/// [`CliError::Usage`] when the destination or the store fails.
pub(super) async fn tiles(
    dir: DataDir,
    out: &str,
    policy: Option<PathBuf>,
) -> Result<(), CliError> {
    let policy_text = match &policy {
        Some(p) => {
            read_policy(p)?;
            Some(
                std::fs::read_to_string(p)
                    .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?,
            )
        }
        None => None,
    };
    let dest = Destination::parse(out).map_err(|e| CliError::Usage(e.to_string()))?;
    let store = dir.store().await?;
    let signer = dir.signer()?;
    let done = publish(&store, &dest, signer.verifier_key(), policy_text.as_deref()).await;
    store.close().await;
    let done = done.map_err(|e| CliError::Usage(e.to_string()))?;
    println!(
        "Tiles of {out}: {} entries (was {}), {} tiles and bundles written",
        done.to, done.from, done.tiles
    );
    Ok(())
}

/// Where tiles are read from: a URL prefix or a folder.
enum Prefix {
    Url(String, reqwest::Client),
    Folder(PathBuf),
}

impl Prefix {
    fn new(prefix: &str) -> Result<Prefix, CliError> {
        if prefix.starts_with("http://") || prefix.starts_with("https://") {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .map_err(|e| CliError::Usage(e.to_string()))?;
            Ok(Prefix::Url(
                prefix.trim_end_matches('/').to_string(),
                client,
            ))
        } else {
            Ok(Prefix::Folder(PathBuf::from(prefix)))
        }
    }

    async fn get(&self, path: &str) -> Result<Vec<u8>, CliError> {
        match self {
            Prefix::Url(base, client) => {
                let url = format!("{base}/{path}");
                let response = client
                    .get(&url)
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .map_err(|e| CliError::Usage(format!("{url}: {e}")))?;
                Ok(response
                    .bytes()
                    .await
                    .map_err(|e| CliError::Usage(format!("{url}: {e}")))?
                    .to_vec())
            }
            Prefix::Folder(root) => std::fs::read(root.join(path))
                .map_err(|e| CliError::Usage(format!("{}: {e}", root.join(path).display()))),
        }
    }
}

/// `fundtrail verify --tiles PREFIX`: reads the checkpoint and the entry bundles of its
/// tree, and verifies them as a bundle (SPEC.md §9) with `key` (or the policy's log key);
/// with `policy`, first requires its quorum of cosignatures on that checkpoint.
///
/// # Errors
/// [`CliError::Verification`] (exit 1) when verification or the policy fails;
/// [`CliError::Usage`] (exit 2) when files cannot be read or no key is given.
pub(super) async fn verify_tiles(
    prefix: &str,
    key: Option<String>,
    policy: Option<&Policy>,
) -> Result<(), CliError> {
    let source = Prefix::new(prefix)?;
    let note = String::from_utf8(source.get("checkpoint").await?)
        .map_err(|_| CliError::Verification("checkpoint: not UTF-8".into()))?;
    let verdict = match policy {
        Some(p) => Some(
            p.require(&note)
                .map_err(|e| CliError::Verification(e.to_string()))?,
        ),
        None => None,
    };
    let key = key
        .or_else(|| verdict.as_ref().map(|v| v.log_key.clone()))
        .ok_or_else(|| {
            CliError::Usage(
                "tiles carry no key: pass --key with the ledger's verifier key, or --policy".into(),
            )
        })?;
    let size = read_unverified(&note)
        .map_err(|e| CliError::Verification(e.to_string()))?
        .size;
    let tmp = tempfile::NamedTempFile::new()?;
    let mut file = std::io::BufWriter::new(tmp.reopen()?);
    writeln!(file, "fundtrail-bundle v1\nkey {}\n", key.trim())?;
    let bar = progress_bar(Some(size));
    let mut index = 0;
    while index * TILE_WIDTH < size {
        let width = (size - index * TILE_WIDTH).min(TILE_WIDTH);
        let tile = Tile {
            kind: TileKind::Entries,
            index,
            width: width as u16,
        };
        let bytes = source.get(&tile.path()).await?;
        let leaves = decode_bundle(&bytes, width as usize)
            .map_err(|e| CliError::Verification(format!("{}: {e}", tile.path())))?;
        for leaf in leaves {
            file.write_all(leaf)?;
            file.write_all(b"\n")?;
        }
        bar.set_position(index * TILE_WIDTH + width);
        index += 1;
    }
    bar.finish_and_clear();
    file.write_all(b"\n")?;
    file.write_all(note.as_bytes())?;
    file.flush()?;
    drop(file);
    let reader = std::io::BufReader::new(std::fs::File::open(tmp.path())?);
    let report = verify_bundle(reader, Some(&key), None, |_| {})
        .map_err(|e| CliError::Verification(e.to_string()))?;
    println!("Verified the tiles at {prefix}");
    println!("  entries:    {}", report.size);
    println!("  root:       {}", report.root);
    println!("  checkpoint: signature valid, key pinned");
    if let Some(v) = &verdict {
        print_witnesses(v);
    }
    Ok(())
}

/// The checkpoint note at the end of a bundle file (SPEC.md §10): what follows the empty
/// line that ends the leaf list.
fn bundle_note(text: &str) -> Option<&str> {
    let mut lines = 0;
    let mut at = 0;
    while lines < 3 {
        at += text[at..].find('\n')? + 1;
        lines += 1;
    }
    let rest = &text[at..];
    if let Some(note) = rest.strip_prefix('\n') {
        return Some(note);
    }
    rest.find("\n\n").map(|i| &rest[i + 2..])
}

/// `fundtrail verify FILE --policy P`: the bundle's checkpoint must meet the policy's
/// quorum, then the bundle verifies as usual with the policy's log key (or `key`).
///
/// # Errors
/// [`CliError::Verification`] (exit 1) or [`CliError::Usage`] (exit 2).
pub(super) fn verify_bundle_with_policy(
    file: &str,
    key: Option<String>,
    policy: &Policy,
) -> Result<(), CliError> {
    let text =
        std::fs::read_to_string(file).map_err(|e| CliError::Usage(format!("{file}: {e}")))?;
    let note =
        bundle_note(&text).ok_or_else(|| CliError::Verification("bundle: no checkpoint".into()))?;
    let verdict = policy
        .require(note)
        .map_err(|e| CliError::Verification(e.to_string()))?;
    let key = key.unwrap_or_else(|| verdict.log_key.clone());
    let report = verify_bundle(text.as_bytes(), Some(&key), None, |_| {})
        .map_err(|e| CliError::Verification(e.to_string()))?;
    println!("Verified {file}");
    println!("  entries:    {}", report.size);
    println!("  root:       {}", report.root);
    print_witnesses(&verdict);
    Ok(())
}
