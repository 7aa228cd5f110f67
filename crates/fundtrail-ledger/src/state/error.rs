//! The ways an entry can break a ledger rule (SPEC.md §7, §9 step 2.6 and 2.7).

use crate::money::{Currency, Minor, Total};

/// An entry that breaks a ledger rule. Each variant says which rule, with the facts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvariantError {
    /// `seq` is not the next position.
    #[error("seq is {got}, expected {expected}")]
    WrongSeq { expected: u64, got: u64 },
    /// `prev` is not the leaf hash of the previous entry.
    #[error("prev does not match the leaf hash of entry {}", seq.wrapping_sub(1))]
    BrokenLink { seq: u64 },
    /// `recorded_at` is earlier than the previous entry's.
    #[error("recorded_at {got} is earlier than the previous entry's {previous}")]
    TimeWentBack { previous: String, got: String },
    /// No campaign with this id was opened.
    #[error("campaign {0:?} does not exist")]
    UnknownCampaign(String),
    /// A campaign with this id was already opened.
    #[error("campaign {0:?} already exists")]
    CampaignExists(String),
    /// The campaign is closed to this kind of entry.
    #[error("campaign {0:?} is closed")]
    CampaignClosed(String),
    /// The entry's currency is not its campaign's.
    #[error("currency {got} does not match campaign {campaign:?}'s currency {expected}")]
    CurrencyMismatch {
        campaign: String,
        expected: Currency,
        got: Currency,
    },
    /// Spending (or returning) more than the campaign holds.
    #[error("campaign {campaign:?} holds {balance} minor units of {currency}, {needed} needed")]
    InsufficientBalance {
        campaign: String,
        currency: Currency,
        balance: Total,
        needed: Minor,
    },
    /// A reversal names an entry that does not exist.
    #[error("entry {0} does not exist")]
    UnknownEntry(u64),
    /// A reversal names an entry that cannot be reversed.
    #[error("entry {0} cannot be reversed: only donations, disbursements and transfers can")]
    NotReversible(u64),
    /// A reversal names an entry that was already reversed.
    #[error("entry {0} was already reversed")]
    AlreadyReversed(u64),
    /// A payment an approval rule covers names no approval (SPEC.md §17.3).
    #[error("approval: a payment of {amount} minor units of {currency} needs {needed} approvers other than its proposer under the rule of entry {rule}, and names none")]
    ApprovalMissing {
        amount: Minor,
        currency: Currency,
        needed: u64,
        rule: u64,
    },
    /// A payment an approval rule covers names too few distinct approvers (SPEC.md §17.3).
    #[error("approval: a payment of {amount} minor units of {currency} needs {needed} distinct approvers other than its proposer under the rule of entry {rule}, and names {got}")]
    TooFewApprovers {
        amount: Minor,
        currency: Currency,
        needed: u64,
        got: u64,
        rule: u64,
    },
    /// A total would not fit.
    #[error("total overflows")]
    Overflow,
}

impl InvariantError {
    /// A stable machine-readable code for the error (used in API responses).
    pub fn code(&self) -> &'static str {
        match self {
            InvariantError::WrongSeq { .. } => "wrong_seq",
            InvariantError::BrokenLink { .. } => "broken_link",
            InvariantError::TimeWentBack { .. } => "time_went_back",
            InvariantError::UnknownCampaign(_) => "unknown_campaign",
            InvariantError::CampaignExists(_) => "campaign_exists",
            InvariantError::CampaignClosed(_) => "campaign_closed",
            InvariantError::CurrencyMismatch { .. } => "currency_mismatch",
            InvariantError::InsufficientBalance { .. } => "insufficient_balance",
            InvariantError::UnknownEntry(_) => "unknown_entry",
            InvariantError::NotReversible(_) => "not_reversible",
            InvariantError::AlreadyReversed(_) => "already_reversed",
            InvariantError::ApprovalMissing { .. } => "approval_required",
            InvariantError::TooFewApprovers { .. } => "too_few_approvers",
            InvariantError::Overflow => "overflow",
        }
    }
}
