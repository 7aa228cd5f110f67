//! Schemas of the JSON written by the audit, the store and the statement import.

#![allow(dead_code)] // Schema types: described, never built.

use super::ledger::{CurrencyCode, Sha256Hex};
use utoipa::ToSchema;

/// Where the background audit of the whole ledger stands (`audit::schedule::AuditState`).
#[derive(ToSchema)]
#[schema(as = AuditState)]
pub struct AuditStateSchema {
    /// `pending`, `running`, `passed` or `failed` (appends are refused after a failure).
    state: AuditPhase,
    /// When the last audit that passed finished (`YYYY-MM-DDTHH:MM:SS.ffffffZ`).
    last_passed_at: Option<String>,
    /// How many entries the last audit that passed covered.
    last_passed_size: Option<u64>,
    /// What the failed audit found.
    failure: Option<AuditFailureSchema>,
}

/// The phase of the audit (`audit::schedule::Phase`).
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditPhase {
    Pending,
    Running,
    Passed,
    Failed,
}

/// What a failed audit found (`audit::AuditFailure`).
#[derive(ToSchema)]
#[schema(as = AuditFailure)]
pub struct AuditFailureSchema {
    /// The entry at fault, when one is.
    seq: Option<u64>,
    /// What is wrong, in words.
    message: String,
}

/// The personal data recorded with a donation, as an admin reads it
/// (`store::DonorRecord`). Never in the ledger, never in a public answer.
#[derive(ToSchema)]
#[schema(as = DonorRecord)]
pub struct DonorRecordSchema {
    /// The donation's seq.
    seq: u64,
    /// Full name.
    name: Option<String>,
    /// E-mail address.
    email: Option<String>,
    /// Phone number.
    phone: Option<String>,
    /// Postal address.
    address: Option<String>,
    /// What the donation's commitment commits to.
    identifier: Option<String>,
    /// The commitment's salt.
    salt: Option<Sha256Hex>,
    /// Whether the donor consented to publish their name.
    consent_publish_name: bool,
    /// When the consent was recorded (the donation's `recorded_at`).
    consent_recorded_at: String,
}

/// What a statement import did, or in a dry run would do
/// (`statement::import::ImportReport`).
#[derive(ToSchema)]
#[schema(as = StatementReport)]
pub struct StatementReportSchema {
    /// The campaign.
    campaign: String,
    /// Its currency.
    currency: CurrencyCode,
    /// Whether nothing was recorded on purpose.
    dry_run: bool,
    /// Donations recorded (0 in a dry run).
    recorded: u64,
    /// Donations a real import records.
    to_record: u64,
    /// Their total, as decimal text in the campaign's currency.
    to_record_amount: String,
    /// One report per statement line, in the statement's order.
    lines: Vec<StatementLineSchema>,
}

/// What the import did with one statement line (`statement::import::ReportLine`).
#[derive(ToSchema)]
#[schema(as = StatementLine)]
pub struct StatementLineSchema {
    /// The line's number in the file.
    line: u64,
    /// `YYYY-MM-DD`.
    date: String,
    /// `in` (a credit) or `out` (a debit).
    direction: Direction,
    /// Decimal text in the campaign's currency.
    amount: String,
    /// The bank's transaction id (the donation's reference).
    reference: String,
    /// The donor name recorded (only for lines recorded).
    #[schema(required = false)]
    donor: String,
    /// `record`, `already_recorded`, `duplicate_line`, `outgoing` or `returned_transfer`.
    outcome: Outcome,
    /// For `already_recorded`: the campaign holding the donation.
    #[schema(required = false)]
    campaign: String,
    /// For `duplicate_line` and `returned_transfer`: the earlier line it repeats or
    /// returns (`null` when that line is not on this statement).
    #[schema(required = false)]
    of_line: Option<u64>,
    /// The outcome in words.
    reason: String,
    /// The entry recorded, when one was.
    #[schema(required = false)]
    seq: u64,
    /// Why the donation was not recorded, when it was refused.
    #[schema(required = false)]
    error: String,
}

/// Which way the money went (`statement::Direction`).
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

/// What the import does with a line (`statement::Outcome`).
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Record,
    AlreadyRecorded,
    DuplicateLine,
    Outgoing,
    ReturnedTransfer,
}
