//! `fundtrail import-statement` on the statement path: the file becomes a `statement` entry and
//! the donations it is missing, recorded together or not at all, or (`--dry-run`) a preview.

use super::statement::ImportStatementArgs;
use super::CliError;
use crate::ledger::entry::SignedMinor;
use crate::startup::{Application, DataDir};
use crate::statement::formats::prepare::{parse_exclusions, Format, Prepared};
use crate::statement::formats::{Header, Publish};
use crate::statement::record::{check_file, record_prepared, FileImport};

/// The largest statement file read: 64 MiB, as the API takes.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

fn format_of(name: &str) -> Format {
    match name {
        "camt053" => Format::Camt053,
        "mt940" => Format::Mt940,
        _ => Format::Csv,
    }
}

/// Records (or previews) the statement file of `args` with its missing donations.
///
/// # Errors
/// [`CliError::Usage`] naming the file and what is wrong; nothing is recorded then.
pub async fn run(args: ImportStatementArgs) -> Result<(), CliError> {
    let name = args.file.display().to_string();
    let usage = |e: &dyn std::fmt::Display| CliError::Usage(format!("{name}: {e}"));
    let size = std::fs::metadata(&args.file).map_err(|e| usage(&e))?.len();
    if size > MAX_BYTES {
        return Err(usage(
            &"the statement is larger than 64 MiB; split it by month",
        ));
    }
    let file = std::fs::read(&args.file).map_err(|e| usage(&e))?;
    let exclusions =
        parse_exclusions(args.exclude.as_deref().unwrap_or("")).map_err(|e| usage(&e))?;
    let import = FileImport {
        campaign: args.campaign.clone(),
        format: format_of(&args.format),
        publish: Publish {
            names: args.publish_payer_names,
            memos: args.publish_memos,
        },
        exclusions,
        given: Header {
            account: args.account.clone(),
            currency: None,
            from: args.from.clone(),
            to: args.to.clone(),
            opening: args.opening.map(SignedMinor),
            closing: args.closing.map(SignedMinor),
        },
    };
    let dir = DataDir::new(args.data.clone()).with_database_url(args.database_url.clone());
    let app = Application::build(&dir).await?;
    let outcome = async {
        let prepared = check_file(&app.state.store, &app.state.sequencer, &file, import).await?;
        if args.dry_run {
            return Ok((prepared, None));
        }
        let recorded = record_prepared(
            &app.state.sequencer,
            &app.state.evidence.blobs,
            &prepared,
            &args.recorded_by,
        )
        .await?;
        Ok::<_, crate::statement::record::RecordError>((prepared, Some(recorded)))
    }
    .await;
    let store = app.state.store.clone();
    let task = app.sequencer;
    drop(app.state);
    // Every handle is gone: the sequencer finishes and stops.
    let _ = task.await;
    store.close().await;
    let (prepared, recorded) = outcome.map_err(|e| usage(&e))?;
    let mut out = std::io::stdout();
    report(
        &mut out,
        &prepared,
        recorded.as_ref().map(|r| r.statement.seq),
    )
    .map_err(|e| usage(&e))
}

/// Says what was (or would be) recorded.
fn report(
    out: &mut dyn std::io::Write,
    prepared: &Prepared,
    statement_seq: Option<u64>,
) -> std::io::Result<()> {
    let st = &prepared.statement;
    let count = prepared.donations.len();
    match statement_seq {
        None => writeln!(
            out,
            "Dry run: would record the statement of account {} from {} to {} ({} lines, opening {}, closing {}) and {count} donation(s); nothing was recorded.",
            st.account.number, st.from, st.to, st.lines, st.opening, st.closing
        )?,
        Some(seq) => writeln!(
            out,
            "Recorded the statement of account {} from {} to {} ({} lines) as entry {seq}, and {count} donation(s) as the entries after it, together.",
            st.account.number, st.from, st.to, st.lines
        )?,
    }
    for &line in &prepared.donations {
        if let Ok(d) = prepared.donation(line) {
            writeln!(
                out,
                "line {line}: {} {} ref {}: donation{}",
                d.received_at,
                d.amount.to_decimal(st.currency),
                d.reference.as_deref().unwrap_or(""),
                if statement_seq.is_some() {
                    " recorded"
                } else {
                    " to record"
                }
            )?;
        }
    }
    for &line in &prepared.unnamed_debits {
        if let Some(Ok(l)) = line
            .checked_sub(1)
            .and_then(|i| prepared.lines.line(i as usize))
        {
            writeln!(
                out,
                "line {line}: {} {} ({}): a payment out no disbursement or transfer names yet",
                l.date, l.amount, l.id
            )?;
        }
    }
    out.flush()
}
