//! Schemas for the OpenAPI document ([`super::openapi`]) of values whose Rust types live
//! outside the HTTP layer: the ledger core, the store, the audit and the statement import.
//! The core stays free of documentation crates, so each type here describes the JSON its
//! counterpart writes (named in its doc comment). They are never serialized; what keeps
//! them true is `tests/api/openapi.rs`, which checks the server's real answers against the
//! document with schemathesis.

mod ledger;
mod others;

pub use ledger::{
    AccountSchema, AmountText, CampaignSummarySchema, ChannelSchema, CurrencyCode, EvidenceSchema,
    LedgerEntrySchema, ReceiptSchema, ReversalReasonSchema, Sha256Hex, TotalsSchema,
};
pub use others::{AuditStateSchema, DonorRecordSchema, StatementReportSchema};
