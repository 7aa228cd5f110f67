//! Schemas of the ledger core's JSON: hashes, amounts, entries, totals, receipts.

#![allow(dead_code)] // Schema types: described, never built.

use crate::http::proofs::InclusionProof;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A SHA-256 as 64 lower-case hex digits.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^[0-9a-f]{64}$")]
pub struct Sha256Hex(String);

/// A count of the currency's minor units as decimal digits, no sign and no leading zero
/// (`"250000"` is 250,000 VND; `"1250"` is 12.50 USD) (`ledger::money::Total`, `Minor`).
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^(0|[1-9][0-9]*)$")]
pub struct MinorUnits(String);

/// An amount as the API reads it: decimal text in the campaign's currency, with at most the
/// currency's decimals and no thousands separators (`"250000"` VND, `"12.50"` USD;
/// SPEC.md §3.4).
#[derive(ToSchema)]
#[schema(value_type = String, example = "250000")]
pub struct AmountText(String);

/// An ISO 4217 currency code the ledger knows (`ledger::money::Currency`).
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^[A-Z]{3}$", example = "VND")]
pub struct CurrencyCode(String);

/// One ledger entry, as its leaf holds it (`ledger::entry::Entry`, SPEC.md §3): what
/// happened is in `body`, whose members depend on `kind`.
#[derive(ToSchema)]
#[schema(as = LedgerEntry)]
pub struct LedgerEntrySchema {
    /// What the entry records; its members depend on `kind` (SPEC.md §3).
    body: BTreeMap<String, serde_json::Value>,
    /// `campaign.open`, `campaign.close`, `donation`, `disbursement`, `transfer` or
    /// `reversal`.
    kind: String,
    /// Leaf hash of the entry before; all zeros for entry 0.
    prev: Sha256Hex,
    /// UTC time of recording, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    recorded_at: String,
    /// Who recorded it: the token's name and id, `Lan (finance) #3`.
    recorded_by: String,
    /// Position in the ledger, from 0.
    seq: u64,
    /// The entry format version.
    v: u64,
}

/// A bank account donors may pay into (`ledger::entry::Account`).
#[derive(ToSchema)]
#[schema(as = Account)]
#[serde(deny_unknown_fields)]
pub struct AccountSchema {
    /// The bank's name.
    bank: String,
    /// The account holder.
    holder: String,
    /// The account number as printed.
    number: String,
}

/// A document backing a disbursement, stored by `POST /evidence`
/// (`ledger::entry::Evidence`).
#[derive(ToSchema)]
#[schema(as = Evidence)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSchema {
    /// The file's media type, e.g. `application/pdf`.
    media_type: String,
    /// The file's name, when it had one.
    name: Option<String>,
    /// SHA-256 of the file's bytes.
    sha256: Sha256Hex,
    /// Its size in bytes.
    size: u64,
}

/// How a donation arrived (`ledger::entry::Channel`).
#[derive(ToSchema)]
#[schema(as = Channel)]
#[serde(rename_all = "snake_case")]
pub enum ChannelSchema {
    BankTransfer,
    Cash,
    Card,
    MobileMoney,
    InKind,
    Other,
}

/// Why an entry is reversed (`ledger::entry::ReversalReason`).
#[derive(ToSchema)]
#[schema(as = ReversalReason)]
#[serde(rename_all = "snake_case")]
pub enum ReversalReasonSchema {
    Refund,
    Duplicate,
    Error,
}

/// Totals of one campaign (`ledger::totals::CampaignSummary`, SPEC.md §8).
#[derive(ToSchema)]
#[schema(as = CampaignSummary)]
pub struct CampaignSummarySchema {
    /// The campaign's id (a slug).
    id: String,
    /// Its title.
    title: String,
    /// Its only currency.
    currency: CurrencyCode,
    /// `open` or `closed`.
    status: String,
    /// Its goal, when it has one.
    #[schema(required = false)]
    goal: MinorUnits,
    /// Net donations.
    donated: MinorUnits,
    /// Net disbursements.
    disbursed: MinorUnits,
    /// Net transfers in.
    transferred_in: MinorUnits,
    /// Net transfers out.
    transferred_out: MinorUnits,
    /// Gross amount reversed.
    reversed: MinorUnits,
    /// What the campaign holds.
    balance: MinorUnits,
    /// Donations not reversed.
    donations: u64,
    /// Disbursements not reversed.
    disbursements: u64,
}

/// Totals of one currency over all campaigns (`ledger::totals::CurrencyTotals`).
#[derive(ToSchema)]
#[schema(as = CurrencyTotals)]
pub struct CurrencyTotalsSchema {
    /// Net donations.
    donated: MinorUnits,
    /// Net disbursements.
    disbursed: MinorUnits,
    /// Gross reversed (transfer reversals count on both sides).
    reversed: MinorUnits,
    /// Sum of campaign balances.
    balance: MinorUnits,
}

/// The published totals (`ledger::totals::Totals`, SPEC.md §8).
#[derive(ToSchema)]
#[schema(as = Totals)]
pub struct TotalsSchema {
    /// The number of entries these totals cover.
    size: u64,
    /// Every campaign, in opening order.
    campaigns: Vec<CampaignSummarySchema>,
    /// Per currency code.
    currencies: BTreeMap<String, CurrencyTotalsSchema>,
}

/// A donation receipt (`ledger::receipt::Receipt`, SPEC.md §12): everything needed to
/// check offline that the donation is in the ledger.
#[derive(ToSchema)]
#[schema(as = Receipt)]
pub struct ReceiptSchema {
    /// Always `fundtrail-receipt`.
    #[serde(rename = "type")]
    kind: String,
    /// Always 1.
    v: u64,
    /// The donation's position.
    seq: u64,
    /// The short receipt code, `R-<seq>-<first 8 hex digits of the leaf hash>`.
    code: String,
    /// The exact leaf (the entry's canonical JSON).
    leaf: String,
    /// SHA-256(0x00 || leaf).
    leaf_hash: Sha256Hex,
    /// Inclusion proof of the leaf in the checkpoint's tree.
    proof: InclusionProof,
    /// The signed checkpoint note (SPEC.md §6).
    checkpoint: String,
    /// The verifier key the checkpoint is signed with.
    key: String,
    /// The donor commitment's salt, 64 hex digits: only in the donor's own copy.
    #[schema(required = false)]
    salt: Sha256Hex,
}
