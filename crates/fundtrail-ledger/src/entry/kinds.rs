//! Six of the kinds of body (SPEC.md §2.3; `statement` is in `statement.rs`, `approval.policy` in
//! `crate::approval`, `budget` in `crate::budget`, `pledge` and `pledge.cancel` in `crate::pledge`)
//! and the values inside them.

use crate::approval::{Approval, OpeningRule};
use crate::hash::Hash;
use crate::money::{Currency, Minor};
use serde::{Deserialize, Serialize};

/// `campaign.open`: a new campaign with its currency and official receiving accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignOpen {
    /// Official accounts donors should pay into; anything else is an impostor.
    pub accounts: Vec<Account>,
    /// Optional approval rule from the opening on (SPEC.md §17.1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub approval: Option<OpeningRule>,
    /// The campaign's only currency.
    pub currency: Currency,
    /// Optional last day, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ends_on: Option<String>,
    /// Optional fundraising goal in minor units.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goal: Option<Minor>,
    /// Slug: lower-case letters, digits and `-`, 1 to 64 characters, starting alphanumeric.
    pub id: String,
    /// What the money is for.
    pub purpose: String,
    /// Display title.
    pub title: String,
}

/// An official receiving account of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Bank or provider name.
    pub bank: String,
    /// Account holder's name.
    pub holder: String,
    /// Account number as printed by the bank.
    pub number: String,
}

/// `campaign.close`: no more donations, disbursements or incoming transfers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignClose {
    /// The campaign being closed.
    pub campaign: String,
    /// Optional explanation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// How a donation arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Bank transfer.
    BankTransfer,
    /// Cash in hand.
    Cash,
    /// Card payment.
    Card,
    /// Mobile money wallet.
    MobileMoney,
    /// Goods or services; the amount is the declared value.
    InKind,
    /// Anything else.
    Other,
}

/// `donation`: money (or goods of a declared value) received for a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Donation {
    /// Minor units; for in-kind gifts the declared value.
    pub amount: Minor,
    /// The receiving campaign.
    pub campaign: String,
    /// How it arrived.
    pub channel: Channel,
    /// Optional donor commitment (SPEC.md §2.4), hex.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub commitment: Option<Hash>,
    /// Must equal the campaign's currency.
    pub currency: Currency,
    /// The name the donor consented to publish, or `"Anonymous"`.
    pub donor: String,
    /// Present exactly when `channel` is `in_kind`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub in_kind: Option<InKind>,
    /// Optional public memo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memo: Option<String>,
    /// Optional `seq` of the pledge of the same campaign this gift fulfils (SPEC.md §19).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pledge: Option<u64>,
    /// Day received, `YYYY-MM-DD`.
    pub received_at: String,
    /// Bank transaction id, transfer message or receipt number, so a donor can find it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<String>,
}

/// What an in-kind gift was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InKind {
    /// E.g. "200 bags of rice, 10 kg each".
    pub description: String,
}

/// `disbursement`: money paid out of a campaign, with hashes of its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disbursement {
    /// Minor units.
    pub amount: Minor,
    /// Who proposed and who approved it, when it went through approval (SPEC.md §17.2).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub approval: Option<Approval>,
    /// Optional id of the line of the campaign's budget in force it is paid against
    /// (SPEC.md §18).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub budget_line: Option<String>,
    /// The paying campaign.
    pub campaign: String,
    /// Must equal the campaign's currency.
    pub currency: Currency,
    /// Invoices, receipts, beneficiary lists: by hash.
    pub evidence: Vec<Evidence>,
    /// Day paid, `YYYY-MM-DD`.
    pub paid_at: String,
    /// What it paid for.
    pub purpose: String,
    /// Who was paid.
    pub recipient: String,
    /// Optional bank transaction id of the payment, naming its bank statement line (§16.3).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<String>,
}

/// A document proving a disbursement, named by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// MIME type, e.g. `application/pdf`.
    pub media_type: String,
    /// Optional original file name (display only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: Hash,
    /// Size in bytes.
    pub size: u64,
}

/// `transfer`: earmarked money moved between two campaigns of the same currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Minor units.
    pub amount: Minor,
    /// Who proposed and who approved it, when it went through approval (SPEC.md §17.2).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub approval: Option<Approval>,
    /// Currency of both campaigns.
    pub currency: Currency,
    /// Source campaign.
    pub from: String,
    /// Why the money moves; required, since moving earmarked money must be explained.
    pub reason: String,
    /// Optional bank transaction id, when the move is a payment between bank accounts that
    /// a statement line shows (SPEC.md §16.3).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<String>,
    /// Destination campaign.
    pub to: String,
}

/// Why an entry is reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReversalReason {
    /// Money returned to the donor or from the recipient.
    Refund,
    /// The entry recorded something already recorded.
    Duplicate,
    /// The entry was wrong.
    Error,
}

/// `reversal`: undoes one earlier donation, disbursement or transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reversal {
    /// Optional explanation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// Why.
    pub reason: ReversalReason,
    /// `seq` of the entry being reversed.
    pub reverses: u64,
}
