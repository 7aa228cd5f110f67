//! `fundtrail export --format csv|iati [--campaign ID]`: the CSV and IATI exports from a
//! data folder (the default format, `bundle`, stays in `cli.rs`).

use super::CliError;
use crate::export::iati::Organisation;
use crate::export::stream::{CampaignRef, CsvStream, ExportStream, IatiStream};
use crate::startup::DataDir;
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

/// Writes the CSV or IATI export of the ledger in `dir` at its latest checkpoint.
///
/// # Errors
/// [`CliError::Usage`] for a bundle with `--campaign`, an unknown campaign, IATI without
/// an organisation identifier, or a store or write failure.
pub async fn export(
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
            CsvStream::new(store.clone(), size, args.campaign.as_deref())
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
    let mut out: Box<dyn Write> = match &output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p)
                .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
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
