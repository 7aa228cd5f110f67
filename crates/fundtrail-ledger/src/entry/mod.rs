//! Ledger entries: the common envelope and the kinds of body (SPEC.md §2.1, §2.3), and
//! the rules on their field values (SPEC.md §2.2).
//!
//! Struct fields are declared in ascending key order so that serializing them with
//! `serde_json` yields canonical JSON directly (see [`crate::canonical`]).

mod dates;
mod fields;
mod kinds;
mod statement;

pub use crate::update::Update;
pub use dates::{format_recorded_at, is_date, is_recorded_at};
pub(crate) use fields::{
    date_field, evidence_list, long_text, opt_long_text, opt_short_text, short_text, slug_field,
};
pub use fields::{is_slug, validate_envelope, FieldError};
pub use kinds::{
    Account, CampaignClose, CampaignOpen, Channel, Disbursement, Donation, Evidence, InKind,
    Reversal, ReversalReason, Transfer,
};
pub use statement::{Exclusion, ExclusionReason, SignedMinor, Statement};

use crate::hash::Hash;
use serde::Serialize;

/// The entry format version written in every leaf's `v` field.
pub const FORMAT_VERSION: u64 = 1;

/// The longest text accepted in a short field (names, titles, references).
pub const MAX_SHORT_TEXT: usize = 200;
/// The longest text accepted in a long field (purposes, memos, reasons).
pub const MAX_LONG_TEXT: usize = 2000;

/// One ledger entry: position, link to the previous leaf, who and when, and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the ledger, starting at 0.
    pub seq: u64,
    /// Leaf hash of entry `seq - 1`; all zeros for entry 0.
    pub prev: Hash,
    /// UTC time of recording, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, never decreasing.
    pub recorded_at: String,
    /// The staff member or token name that appended the entry.
    pub recorded_by: String,
    /// What happened.
    pub body: Body,
}

/// What an entry records. The variant gives the entry's `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Body {
    /// `campaign.open`
    CampaignOpen(CampaignOpen),
    /// `campaign.close`
    CampaignClose(CampaignClose),
    /// `donation`
    Donation(Donation),
    /// `disbursement`
    Disbursement(Disbursement),
    /// `transfer`
    Transfer(Transfer),
    /// `reversal`
    Reversal(Reversal),
    /// `statement`
    Statement(Statement),
    /// `update` (SPEC.md §20)
    Update(Update),
    /// `approval.policy`
    ApprovalPolicy(crate::approval::ApprovalPolicy),
    /// `budget` (SPEC.md §18)
    Budget(crate::budget::Budget),
    /// `pledge` (SPEC.md §19)
    Pledge(crate::pledge::Pledge),
    /// `pledge.cancel` (SPEC.md §19)
    PledgeCancel(crate::pledge::PledgeCancel),
    /// `org.register`, `org.accounts`, `org.key`, `org.suspend`, `org.resume` and `org.close`:
    /// a platform registry's entries (SPEC.md §22)
    Org(crate::registry::OrgEntry),
    /// `key.rotate` (SPEC.md §23)
    KeyRotate(crate::rotation::KeyRotate),
}

impl Body {
    /// The `kind` string written into the leaf.
    pub fn kind(&self) -> &'static str {
        match self {
            Body::CampaignOpen(_) => "campaign.open",
            Body::CampaignClose(_) => "campaign.close",
            Body::Donation(_) => "donation",
            Body::Disbursement(_) => "disbursement",
            Body::Transfer(_) => "transfer",
            Body::Reversal(_) => "reversal",
            Body::Statement(_) => "statement",
            Body::Update(_) => "update",
            Body::ApprovalPolicy(_) => "approval.policy",
            Body::Budget(_) => "budget",
            Body::Pledge(_) => "pledge",
            Body::PledgeCancel(_) => "pledge.cancel",
            Body::Org(o) => o.kind(),
            Body::KeyRotate(_) => "key.rotate",
        }
    }

    /// The campaign this entry belongs to (for transfers, the source campaign).
    pub fn campaign(&self) -> &str {
        match self {
            Body::CampaignOpen(b) => &b.id,
            Body::CampaignClose(b) => &b.campaign,
            Body::Donation(b) => &b.campaign,
            Body::Disbursement(b) => &b.campaign,
            Body::Transfer(b) => &b.from,
            Body::Update(b) => &b.campaign,
            Body::ApprovalPolicy(p) => p.campaign.as_deref().unwrap_or(""),
            Body::Budget(b) => &b.campaign,
            Body::Pledge(b) => &b.campaign,
            Body::PledgeCancel(b) => &b.campaign,
            Body::Reversal(_) | Body::Statement(_) | Body::Org(_) | Body::KeyRotate(_) => "",
        }
    }
}
