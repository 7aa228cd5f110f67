//! `fundtrail import-statement FILE --campaign ID`: a bank statement into the ledger.
//!
//! With `--format camt053|mt940`, or a CSV export with `--account` (and `--from`, `--to`,
//! `--opening`, `--closing`), it takes the statement path `POST /statements/file` takes: a
//! `statement` entry committing to the lines and a donation for every credit line no donation
//! names yet, recorded together or not at all (`crate::statement::record`). A CSV export
//! without `--account` only records its new credits as donations (`crate::statement::import`).
//! `--dry-run` says what either would record, and records nothing.

use super::CliError;
use crate::startup::{Application, DataDir};
use crate::statement::import::{import, ImportRequest};
use crate::statement::Mapping;
use std::path::PathBuf;

/// Arguments of `import-statement`.
#[derive(Debug, clap::Args)]
pub struct ImportStatementArgs {
    /// The statement: CSV text in UTF-8, as exported by the bank (read a piece at a time,
    /// of any length).
    pub file: PathBuf,
    /// The campaign receiving the donations.
    #[arg(long)]
    pub campaign: String,
    /// Data folder.
    #[arg(long, default_value = "./fundtrail-data", env = "FUNDTRAIL_DATA")]
    pub data: PathBuf,
    /// Keep entries in PostgreSQL (postgres://...) instead of SQLite in the data folder.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// List what would be recorded and what is skipped, and record nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Publish the statement's payer names as donor names (default: "Anonymous").
    #[arg(long)]
    pub publish_payer_names: bool,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Written as recorded_by in the entries.
    #[arg(long, default_value = "statement import")]
    pub recorded_by: String,
    /// Header of the date column (default: "Ngày giao dịch", "Date", ...).
    #[arg(long)]
    pub date_column: Option<String>,
    /// Header of a signed amount column (default: "Số tiền", "Amount").
    #[arg(long)]
    pub amount_column: Option<String>,
    /// Header of the credit column (default: "Ghi có", "Credit", ...).
    #[arg(long)]
    pub credit_column: Option<String>,
    /// Header of the debit column (default: "Ghi nợ", "Debit", ...).
    #[arg(long)]
    pub debit_column: Option<String>,
    /// Header of the transfer message column (default: "Nội dung", "Description", ...).
    #[arg(long)]
    pub description_column: Option<String>,
    /// Header of the bank transaction id column (default: "Mã giao dịch", "Transaction ID", ...).
    #[arg(long)]
    pub transaction_id_column: Option<String>,
    /// Header of the payer name column (default: "Tên người chuyển", "Payer", ...).
    #[arg(long)]
    pub payer_column: Option<String>,
    /// The file's format: `csv` (default), `camt053` or `mt940`.
    #[arg(long, default_value = "csv", value_parser = ["csv", "camt053", "mt940"])]
    pub format: String,
    /// The bank account number, when the file does not say (CSV): records the statement too.
    #[arg(long)]
    pub account: Option<String>,
    /// The first day the statement covers, YYYY-MM-DD, when the file does not say.
    #[arg(long)]
    pub from: Option<String>,
    /// The last day the statement covers, when the file does not say.
    #[arg(long)]
    pub to: Option<String>,
    /// The opening balance in signed minor units, when the file does not say.
    #[arg(long, allow_hyphen_values = true)]
    pub opening: Option<i64>,
    /// The closing balance in signed minor units, when the file does not say.
    #[arg(long, allow_hyphen_values = true)]
    pub closing: Option<i64>,
    /// Lines no entry should name, as line:reason (4:interest,5:fee).
    #[arg(long)]
    pub exclude: Option<String>,
    /// Publish the transfer messages in the statement's lines.
    #[arg(long)]
    pub publish_memos: bool,
}

impl ImportStatementArgs {
    /// Whether the statement itself is recorded (not only its new credits).
    fn records_the_statement(&self) -> bool {
        self.format != "csv" || self.account.is_some()
    }
}

/// Runs the import against the ledger in the data folder (stop `fundtrail serve` on an
/// SQLite folder first, or use `POST /api/v1/statements`).
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read, the statement is malformed (nothing
/// is recorded then) or a donation could not be appended.
pub async fn run(args: ImportStatementArgs) -> Result<(), CliError> {
    if args.records_the_statement() {
        return super::statement_file::run(args).await;
    }
    let name = args.file.display().to_string();
    let mut file = tokio::fs::File::open(&args.file)
        .await
        .map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
    let dir = DataDir::new(args.data).with_database_url(args.database_url);
    let app = Application::build(&dir).await?;
    let request = ImportRequest {
        campaign: args.campaign,
        mapping: Mapping {
            date: args.date_column,
            amount: args.amount_column,
            credit: args.credit_column,
            debit: args.debit_column,
            description: args.description_column,
            transaction_id: args.transaction_id_column,
            payer: args.payer_column,
        },
        publish_payer_names: args.publish_payer_names,
        dry_run: args.dry_run,
        recorded_by: args.recorded_by,
    };
    let result = import(&app.state.store, &app.state.sequencer, &request, &mut file).await;
    let store = app.state.store.clone();
    let task = app.sequencer;
    drop(app.state);
    // Every handle is gone: the sequencer finishes and stops.
    let _ = task.await;
    store.close().await;
    let report = result.map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
    let failed = report.failed;
    let mut out = std::io::stdout();
    let written = if args.json {
        report.write_json(&mut out).await
    } else {
        report.write_text(&mut out).await
    };
    written.map_err(|e| CliError::Usage(format!("{name}: {e}")))?;
    if failed > 0 {
        return Err(CliError::Usage(format!(
            "{failed} donation(s) were not recorded; see the lines above"
        )));
    }
    Ok(())
}
