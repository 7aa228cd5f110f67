//! `fundtrail export` and `fundtrail import`: the verification bundle (and, with
//! `--format csv|iati [--campaign ID]`, the CSV and IATI exports) written from a data
//! folder, and a ledger rebuilt from a bundle into a new one.

use super::progress::progress_bar;
use super::token::create_token;
use super::CliError;
use crate::auth::Role;
use crate::export::iati::Organisation;
use crate::export::stream::{CampaignRef, CsvStream, ExportStream, IatiStream};
use crate::ledger::verify::{bundle_header, bundle_trailer, verify_bundle};
use crate::startup::{Config, DataDir};
use std::io::Write;
use std::path::PathBuf;

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// The verification bundle (every leaf, then the signed checkpoint).
    #[default]
    Bundle,
    /// A CSV of entries with running balances.
    Csv,
    /// IATI 2.03 activity XML, one activity per campaign.
    Iati,
}

/// The format options of `export`.
#[derive(Debug, clap::Args)]
pub struct FormatArgs {
    /// bundle (default), csv or iati.
    #[arg(long, value_enum, default_value_t = Format::Bundle)]
    pub format: Format,
    /// Only this campaign's entries (csv, iati).
    #[arg(long)]
    pub campaign: Option<String>,
    /// IATI organisation identifier (default: iati_org_id in config.json).
    #[arg(long)]
    pub iati_org_id: Option<String>,
}

impl FormatArgs {
    /// Whether the plain bundle export is asked for.
    pub fn is_bundle(&self) -> bool {
        self.format == Format::Bundle
    }
}

/// Writes the export `formats` asks for of the ledger in `dir` to `output` (default:
/// standard output).
///
/// # Errors
/// [`CliError::Usage`] for a bundle with `--campaign`, an unknown campaign, IATI without
/// an organisation identifier, or a store or write failure.
pub(super) async fn run(
    dir: DataDir,
    output: Option<PathBuf>,
    formats: FormatArgs,
) -> Result<(), CliError> {
    if formats.is_bundle() && formats.campaign.is_none() && formats.iati_org_id.is_none() {
        export_bundle(dir, output).await
    } else {
        export_formats(dir, output, formats).await
    }
}

/// The file to write an export to, or standard output.
fn output_to(output: Option<&PathBuf>) -> Result<Box<dyn Write>, CliError> {
    Ok(match output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p)
                .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// Writes the CSV or IATI export of the ledger in `dir` at its latest checkpoint.
async fn export_formats(
    dir: DataDir,
    output: Option<PathBuf>,
    args: FormatArgs,
) -> Result<(), CliError> {
    if args.format == Format::Bundle {
        return Err(CliError::Usage(
            "--campaign and --iati-org-id apply to --format csv or iati; the bundle always holds the whole ledger".into(),
        ));
    }
    let config = dir.config()?;
    let org_id = match (args.format, args.iati_org_id.or(config.iati_org_id)) {
        (Format::Iati, None) => {
            return Err(CliError::Usage(
                "the IATI export needs the organisation's IATI identifier: pass --iati-org-id or set iati_org_id in config.json".into(),
            ))
        }
        (_, id) => id.unwrap_or_default(),
    };
    let store = dir.store().await?;
    let size = store.latest_checkpoint().await?.map_or(0, |c| c.size);
    let campaigns = store.campaigns().await?;
    if let Some(c) = &args.campaign {
        if !campaigns.iter().any(|k| k.state.id == *c) {
            return Err(CliError::Usage(format!("campaign {c:?} does not exist")));
        }
    }
    let fail = |e: &dyn std::fmt::Display| CliError::Usage(e.to_string());
    let mut stream = match args.format {
        Format::Csv => ExportStream::Csv(Box::new(
            CsvStream::new(store.clone(), size, args.campaign.as_deref(), "")
                .await
                .map_err(|e| fail(&e))?,
        )),
        _ => {
            let generated = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            let campaigns = campaigns
                .into_iter()
                .map(|k| CampaignRef {
                    id: k.state.id,
                    opened_seq: k.opened_seq,
                    closed: k.state.closed,
                })
                .collect();
            ExportStream::Iati(Box::new(
                IatiStream::new(
                    store.clone(),
                    size,
                    Organisation::new(org_id, config.name),
                    campaigns,
                    args.campaign.as_deref(),
                    &generated,
                )
                .map_err(|e| fail(&e))?,
            ))
        }
    };
    let mut out = output_to(output.as_ref())?;
    let written = loop {
        match stream.next_chunk().await {
            Ok(Some(chunk)) => out.write_all(&chunk)?,
            Ok(None) => break Ok(()),
            Err(e) => break Err(fail(&e)),
        }
    };
    store.close().await;
    written?;
    out.flush()?;
    if let Some(p) = output {
        eprintln!(
            "Wrote the {:?} export of {size} entries to {}",
            args.format,
            p.display()
        );
    }
    Ok(())
}

/// Writes the bundle of the ledger in `dir`: every leaf up to the latest checkpoint, then
/// that checkpoint.
async fn export_bundle(dir: DataDir, output: Option<PathBuf>) -> Result<(), CliError> {
    let store = dir.store().await?;
    let first_key = dir.first_verifier_key(&store).await?;
    let cp = store
        .latest_checkpoint()
        .await?
        .ok_or_else(|| CliError::Usage("the ledger has no checkpoint yet".into()))?;
    let mut out = output_to(output.as_ref())?;
    out.write_all(bundle_header(&first_key).as_bytes())?;
    let mut next = 0;
    while next < cp.size {
        let rows = store.entries(next, 1000.min(cp.size - next)).await?;
        if rows.is_empty() {
            return Err(CliError::Usage(format!(
                "entries after {next} are missing from the store"
            )));
        }
        for r in &rows {
            out.write_all(&r.leaf)?;
            out.write_all(b"\n")?;
        }
        next += rows.len() as u64;
    }
    out.write_all(bundle_trailer(&cp.note).as_bytes())?;
    out.flush()?;
    if let Some(p) = output {
        eprintln!("Wrote {} entries to {}", cp.size, p.display());
    }
    store.close().await;
    Ok(())
}

/// Verifies the bundle in `bundle`, then rebuilds its ledger in the new data folder `dir`,
/// signing with `signing_key` (default: a new key) and printing a new admin token.
///
/// # Errors
/// [`CliError::Verification`] when the bundle does not verify or the rebuilt root differs;
/// [`CliError::Usage`] when the folder or files cannot be used.
pub(super) async fn import(
    dir: DataDir,
    name: String,
    signing_key: Option<PathBuf>,
    bundle: PathBuf,
) -> Result<(), CliError> {
    let open = |p: &PathBuf| {
        std::fs::File::open(p)
            .map(std::io::BufReader::new)
            .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))
    };
    // Verify the whole bundle before writing anything.
    let report = verify_bundle(open(&bundle)?, None, None, |_| {})
        .map_err(|e| CliError::Verification(e.to_string()))?;
    let origin = report
        .checkpoint
        .as_ref()
        .map(|c| c.origin.clone())
        .unwrap_or_default();
    let key_text = match &signing_key {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?,
        ),
        None => None,
    };
    let (store, signer) = dir
        .init(&Config::new(name, origin), key_text.as_deref())
        .await?;
    let leaves = read_leaves(open(&bundle)?)?;
    let bar = progress_bar(Some(report.size));
    let (size, root) =
        crate::sequencer::import_leaves(&store, &signer, leaves, |n| bar.set_position(n))
            .await
            .map_err(|e| CliError::Usage(e.to_string()))?;
    bar.finish_and_clear();
    let (token, _) = create_token(&store, Role::Admin, "admin").await?;
    store.close().await;
    if root != report.root || size != report.size {
        return Err(CliError::Verification(format!(
            "imported root {root} at size {size} differs from the bundle's {} at {}",
            report.root, report.size
        )));
    }
    println!(
        "Imported {size} entries into {}; root {root} (same as the bundle)",
        dir.root().display()
    );
    println!("Verifier key: {}", signer.verifier_key());
    println!("Admin token (shown once): {token}");
    Ok(())
}

/// The leaf lines of a bundle (already verified).
fn read_leaves(input: impl std::io::BufRead) -> Result<Vec<Vec<u8>>, CliError> {
    let mut lines = input.split(b'\n');
    for _ in 0..3 {
        lines.next().transpose()?;
    }
    let mut leaves = Vec::new();
    for line in lines {
        let line = line?;
        if line.is_empty() {
            break;
        }
        leaves.push(line);
    }
    Ok(leaves)
}
