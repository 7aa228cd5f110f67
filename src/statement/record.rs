//! Recording a bank statement file (camt.053, MT940 or a CSV export), shared by
//! `POST /statements/file`, `fundtrail import-statement` and the import benchmark: the file is
//! read into its canonical lines ([`prepare`]), then every rule an append would check is
//! checked for the statement and each donation it adds, so a file that would be refused
//! halfway is refused before anything is recorded ([`check_file`]); then the lines are
//! published and the statement with its missing donations recorded in one all-or-nothing step
//! ([`record_prepared`], [`SequencerHandle::record_statement`]).

use crate::evidence::blobs::{BlobError, BlobStore};
use crate::ledger::admission::check_new_body;
use crate::ledger::entry::{Body, Exclusion, FieldError};
use crate::ledger::reconcile::LinesFile;
use crate::sequencer::{
    AppendError, AppendRequest, RecordedStatement, SequencerHandle, StatementImport,
};
use crate::statement::formats::prepare::{prepare, Format, PrepareError, Prepared};
use crate::statement::formats::{Header, Publish};
use crate::store::Store;
use std::sync::Arc;

/// The media type the published lines are stored with.
pub const LINES_MEDIA_TYPE: &str = "application/x-ndjson";

/// What to record from a statement file.
#[derive(Debug, Clone)]
pub struct FileImport {
    /// The campaign one of whose official accounts the statement is of; new donations go to it.
    pub campaign: String,
    /// The file's format.
    pub format: Format,
    /// What of the other party and the message the lines publish.
    pub publish: Publish,
    /// Lines no entry should name, and why.
    pub exclusions: Vec<Exclusion>,
    /// What the file does not say (a CSV export: account, period, balances).
    pub given: Header,
}

/// Why a statement file was not recorded. Nothing was recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The file, account, balances or exclusions are refused.
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    /// The statement entry breaks a field rule.
    #[error("{}: {}", .0.field, .0.problem)]
    Invalid(FieldError),
    /// The campaign takes no donations, and the statement has new credits.
    #[error("campaign {0} is closed: its statement's new credits cannot become donations")]
    CampaignClosed(String),
    /// A donation the statement adds breaks a rule.
    #[error("line {line}: the donation it becomes: {problem}")]
    Donation { line: u64, problem: String },
    /// The sequencer refused (a statement rule, a donation, the store).
    #[error(transparent)]
    Append(#[from] AppendError),
    /// The lines could not be published.
    #[error("storing the statement's lines failed: {0}")]
    Lines(#[from] BlobError),
}

/// Reads `file` as `import` says and checks the statement and every donation it adds.
///
/// # Errors
/// [`RecordError`] naming the first problem; nothing is recorded either way.
pub async fn check_file(
    store: &Store,
    sequencer: &SequencerHandle,
    file: &[u8],
    import: FileImport,
) -> Result<Prepared, RecordError> {
    let prepared = prepare(
        store,
        file,
        import.format,
        &import.campaign,
        import.publish,
        import.exclusions,
        import.given,
    )
    .await?;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let statement = Body::Statement(prepared.statement.clone());
    statement.validate().map_err(RecordError::Invalid)?;
    check_new_body(&statement, &today).map_err(RecordError::Invalid)?;
    let closed = sequencer
        .view()
        .campaigns
        .iter()
        .any(|(_, c)| c.id == import.campaign && c.closed);
    if closed && !prepared.donations.is_empty() {
        return Err(RecordError::CampaignClosed(import.campaign));
    }
    for &line in &prepared.donations {
        let body = Body::Donation(prepared.donation(line)?);
        body.validate()
            .map_err(|e| e.to_string())
            .and_then(|()| check_new_body(&body, &today).map_err(|e| e.to_string()))
            .map_err(|problem| RecordError::Donation { line, problem })?;
    }
    Ok(prepared)
}

/// Publishes the lines of `prepared` in `blobs` and records its statement and donations, as
/// `recorded_by`, all or nothing (a file of lines this call stored is removed again when the
/// statement is refused).
///
/// # Errors
/// [`RecordError::Append`] (a donation refused names its index, from 1, in
/// `prepared.donations`) or [`RecordError::Lines`]; nothing was recorded then.
pub async fn record_prepared(
    sequencer: &SequencerHandle,
    blobs: &BlobStore,
    prepared: &Prepared,
    recorded_by: &str,
) -> Result<RecordedStatement, RecordError> {
    // The file is shared with the blob store, not copied.
    let published = bytes::Bytes::from_owner(Published(Arc::clone(&prepared.lines)));
    let stored = blobs.store(published, LINES_MEDIA_TYPE).await?;
    let request = |body| AppendRequest {
        body,
        recorded_by: recorded_by.to_string(),
        idempotency_key: None,
        separate_gift: false,
        private: None,
    };
    let import = StatementImport {
        request: request(Body::Statement(prepared.statement.clone())),
        lines: Arc::clone(&prepared.lines),
    };
    // The donations are made one at a time as the sequencer takes them, in the statement's
    // line order; they and the statement are committed together or not at all.
    let donations = prepared
        .donations
        .iter()
        .copied()
        .map(|line| match prepared.donation(line) {
            Ok(d) => Ok(request(Body::Donation(d))),
            Err(e) => Err(AppendError::Invalid(FieldError::new("file", e.to_string()))),
        });
    match sequencer.record_statement(import, donations).await {
        Ok(recorded) => Ok(recorded),
        Err(e) => {
            if stored.created {
                let _ = blobs.delete(&stored.hash).await;
            }
            Err(e.into())
        }
    }
}

/// The published file of a statement's lines, shared.
struct Published(Arc<LinesFile>);

impl AsRef<[u8]> for Published {
    fn as_ref(&self) -> &[u8] {
        self.0.bytes()
    }
}
